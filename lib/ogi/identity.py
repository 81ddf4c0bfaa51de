"""Who published a report: the agency's key (joins its years), region, level and kind.

The region comes from the national administrative-division table of `cpca` (province, city and
county names, and the 6-digit code of the most specific of them); the special zones it does not
know (平潭综合实验区 …) come from SPECIAL_ZONES below. Names are resolved once per distinct name:
a national corpus repeats each name every year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .normalize import nfkc, to_simplified

if TYPE_CHECKING:  # pandas only where frames are built: reading one report (its kind) needs none
    import pandas as pd

IDENTITY_COLUMNS = ["agency_key", "province", "city", "county", "region_code", "level", "kind"]
LEVELS = ("national", "province", "city", "county", "township")
KINDS = ("government", "general_office", "department", "zone")

# Zones that are not divisions of their own in the national table: (prefix, province, city,
# county, code of the division they govern, level)
SPECIAL_ZONES = (
    ("平潭综合实验区", "福建省", "福州市", "平潭县", "350128", "city"),
)

# "淮安市洪泽区人民政府" and "洪泽区人民政府" are one body: a city prefix before a district or county
_CITY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,6}?[市州盟](?=[\u4e00-\u9fff]{2,6}?[区县旗])")
_TOWNSHIP = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道)(?:人民政府|办事处)?")
_ZONE = re.compile(r"(?:综合实验区|开发区|高新区|高新技术产业开发区|经济技术开发区|新区|自贸区|示范区|园区)(?:管理委员会|管委会)?$")
_ZONE_BODY = re.compile(r"(综合实验区|开发区|高新区|新区|示范区)(?:管理委员会|管委会)$")
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国)")


def agency_key(name) -> str | None:
    """Name used to match one agency across years and files: simplified, NFKC, no spaces or
    brackets, and no city prefix before a district or county name — unless several cities have
    a county of that name (福州市鼓楼区 and 开封市鼓楼区 stay two bodies)."""
    if name is None or type(name).__name__ == "NAType" or (isinstance(name, float) and name != name):
        return None
    s = re.sub(r"[\s()（）\[\]【】]", "", nfkc(to_simplified(str(name))))
    s = re.sub(r"(?<=[省市县区旗])政府$", "人民政府", s)  # 广州市政府 is 广州市人民政府
    s = _ZONE_BODY.sub(r"\1", s)  # 平潭综合实验区管委会 is the zone's own body: 平潭综合实验区
    m = _CITY_PREFIX.match(s)
    if m and not any(s[m.end():].startswith(c) for c in shared_county_names()):
        s = s[m.end():]
    return s or None


@dataclass(frozen=True)
class Identity:
    agency_key: str | None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None
    level: str | None = None
    kind: str | None = None


# bodies whose scope changed: agency_key → (first year of the present scope, what changed); a
# comparison across that year (a trend, a running total) is marked or not judged
SCOPE_CHANGES = {
    agency_key("平潭综合实验区"): (2014, "before the 2014 区县 merger 平潭县人民政府 reported its own requests separately (PRE2019.md §2.5)"),
}


def kind_of(name: str) -> str:
    """government (人民政府), general_office (its 办公厅/办公室), zone (a zone's own body) or department."""
    if re.search(r"人民政府办公[厅室]$", name) or name.endswith("政府办"):
        return "general_office"
    if name.endswith("人民政府") or name.endswith("办事处") and _TOWNSHIP.search(name):
        return "government"
    if _ZONE.search(name):
        return "zone"
    return "department"


def _text(v) -> str | None:
    return v if isinstance(v, str) and v else None


def identify(names: Iterable[str | None]) -> dict[str, Identity]:
    """Identity of each distinct name (None and empty names are skipped)."""
    distinct = sorted({n for n in names if isinstance(n, str) and n.strip()})
    out: dict[str, Identity] = {}
    regular = []
    for name in distinct:
        simple = to_simplified(nfkc(name))
        zone = next((z for z in SPECIAL_ZONES if simple.startswith(z[0])), None)
        if zone:
            _, province, city, county, code, level = zone
            kind = "zone" if simple == zone[0] or _ZONE.search(simple) else kind_of(simple)
            out[name] = Identity(agency_key(name), province, city, county, code, level, kind)
        else:
            regular.append((name, simple))
    if regular:
        import cpca  # the division table loads in about 0.3 s: only when names need it

        table = cpca.transform([s for _, s in regular], pos_sensitive=True)
        for (name, simple), row in zip(regular, table.itertuples(index=False)):
            province, city, county, code = (_text(row[0]), _text(row[1]), _text(row[2]), row[4])
            code = str(code) if _text(str(code)) and str(code) not in ("nan", "None", "<NA>") else None
            printed = [p for p, n in zip(row[5:8], (province, city, county)) if n and p >= 0]
            if not printed or min(printed) != 0 or any(n and len(n) < 2 for n in (province, city, county)):
                # a body's name starts with its region; a place found inside it ("中共莆田市委",
                # "县审计局") is not where the body sits
                province = city = county = code = None
            if county and county in shared_county_names() and not _names_parent(simple, province, city):
                # a county name several cities have (鼓楼区): without its city printed, say nothing of where
                province = city = code = None
            if county:
                level = "township" if _TOWNSHIP.search(simple.split(county, 1)[-1]) else "county"
            elif city:
                level = "city"
            elif province:
                level = "province"
            elif _TOWNSHIP.search(simple):
                level = "township"
            else:
                level = "national" if _NATIONAL.search(simple) else None
            alone = simple in {n for n in (province, city, county) if n}  # "莆田市": the place's own government
            out[name] = Identity(agency_key(name), province, city, county, code, level, "government" if alone else kind_of(simple))
    return out


_SHARED: set[str] = set()


def load_division_table() -> None:
    """Load cpca's division table now (about 0.3 s of one core): the ingest calls it while its
    workers read, instead of after them, when only this process is left working."""
    import cpca  # noqa: F401

    shared_county_names()


def shared_county_names() -> set[str]:
    """County-level names that more than one city has (鼓楼区, 城关区 …), from cpca's table."""
    if not _SHARED:
        import csv
        from collections import Counter
        from importlib.resources import files

        with (files("cpca") / "resources" / "adcodes.csv").open(encoding="utf-8") as f:
            counts = Counter(r["name"] for r in csv.DictReader(f) if r["adcode"][4:6] != "00")
        _SHARED.update(n for n, c in counts.items() if c > 1)
    return _SHARED


def _names_parent(name: str, province: str | None, city: str | None) -> bool:
    stem = lambda s: re.sub(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$", "", s or "")  # noqa: E731
    return any(s and stem(s) in name for s in (city, province))


def identity_frame(agencies: pd.Series) -> pd.DataFrame:
    """The IDENTITY_COLUMNS for a column of agency names, row for row (nulls where unknown)."""
    import pandas as pd

    def row(i: Identity) -> tuple:
        return tuple(getattr(i, c) for c in IDENTITY_COLUMNS)

    found = {name: row(i) for name, i in identify(agencies.dropna().unique()).items()}  # once per distinct name
    empty = row(Identity(None))
    rows = [found.get(a, empty) if isinstance(a, str) else empty for a in agencies]
    return pd.DataFrame(rows, columns=IDENTITY_COLUMNS, index=agencies.index).astype("string")


def _counts(ids: pd.Series) -> pd.Series:
    """How many times each report_id occurs, indexed by the id as text."""
    counts = ids.value_counts()
    counts.index = counts.index.astype(str)
    return counts.astype("float64")


STATUS_RANK = {"ok": 0, "partial": 1, "failed": 2, "not_a_report": 3}
STRUCTURED = ("html", "docx", "pdf", "csv")  # explicit cell boundaries: preferred over a text dump


def primaries(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """`primary` and `duplicate_of` for each report: where several files hold the same agency and
    year, the most complete reading is the primary (ok before partial, then fewer unreadable and
    more read cells, then a structured source), and the others name its report_id. A report
    printed in two files thus counts once."""
    import pandas as pd

    rid = reports["report_id"].astype(str)
    cid, flags = cells["report_id"], cells["flag"]  # categorical in a store: counted by code, not as text
    unreadable = _counts(cid[flags == "unreadable"])
    read = _counts(cid[flags.isin(["value", "blank", "not_applicable"])])
    order = pd.DataFrame(
        {
            "report_id": rid,
            "key": reports["agency_key"].astype(object),
            "year": reports["year"],
            "rank": reports["status"].astype(str).map(STATUS_RANK).fillna(9),
            "unreadable": rid.map(unreadable).fillna(0),
            "read": -rid.map(read).fillna(0),
            "text": ~reports["input_kind"].astype(str).isin(STRUCTURED),
        },
        index=reports.index,
    )
    grouped = order[order["key"].notna() & order["year"].notna()]
    best = grouped.sort_values(["rank", "unreadable", "read", "text", "report_id"]).drop_duplicates(["key", "year"])
    winner = grouped[["key", "year"]].merge(best[["key", "year", "report_id"]], on=["key", "year"], how="left")["report_id"]
    winner.index = grouped.index
    first = winner.reindex(reports.index)
    primary = first.isna() | (first == rid)
    return pd.DataFrame(
        {"primary": primary.astype(bool), "duplicate_of": first.where(~primary).astype("string")},
        index=reports.index,
    )
