"""Checks across years of one agency (SCHEMA.md): requests.carry and active.stock.

Reports are matched by normalised agency name and statistics year. A failure is flagged, never
"fixed": reorganisations legitimately move carry-overs between agencies.
"""

from __future__ import annotations

import re

import pandas as pd

from . import templates
from .checks import CHECK_COLUMNS
from .normalize import nfkc, to_simplified

USABLE = ("ok", "partial")
STANDARD = ("v2019", "v2021")


# "淮安市洪泽区人民政府" and "洪泽区人民政府" are one body: a city prefix before a district or county
_CITY_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,6}?[市州盟](?=[\u4e00-\u9fff]{2,6}?[区县旗])")


def agency_key(name) -> str | None:
    """Name used to match one agency across years: simplified, NFKC, no spaces or brackets, and
    no city prefix before a district or county name."""
    if name is None or name is pd.NA or (isinstance(name, float) and name != name):
        return None
    s = re.sub(r"[\s()（）\[\]【】]", "", nfkc(to_simplified(str(name))))
    s = _CITY_PREFIX.sub("", s)
    return s or None


def _values(cells: pd.DataFrame) -> dict[tuple, tuple]:
    return {
        (r.report_id, r.table, r.row, r.column): (r.value, r.flag)
        for r in cells.itertuples(index=False)
    }


def _num(v) -> float:
    return 0.0 if v is None or v is pd.NA or v != v else float(v)


def _status(expected, observed, got) -> str:
    if any(g is None or g[1] == "unreadable" for g in got):
        return "not_assessable"
    if abs(expected - observed) < 1e-6:
        return "pass"
    return "not_assessable" if any(g[1] != "value" for g in got) else "fail"


def cross_year_checks(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """One row per (later report, check, scope) for every agency with consecutive usable years."""
    cols = ["report_id", *CHECK_COLUMNS]
    if reports.empty or cells.empty:
        return pd.DataFrame(columns=cols)
    rep = reports[reports["status"].isin(USABLE) & reports["year"].notna()].copy()
    rep["agency_key"] = rep["agency"].map(agency_key)
    rep = rep[rep["agency_key"].notna()]
    by_key = {(k, int(y)): g for (k, y), g in rep.groupby(["agency_key", "year"])}
    vals = _values(cells[cells["report_id"].isin(rep["report_id"])])
    out = []
    for (key, year), later in sorted(by_key.items()):
        earlier = by_key.get((key, year - 1))
        if earlier is None:
            continue
        for cur in later.itertuples(index=False):
            for prev in earlier.itertuples(index=False):
                if prev.format not in STANDARD or cur.format not in STANDARD:
                    continue  # a pre-2019 or unknown report has no standard tables to compare
                out.extend(_carry(vals, prev.report_id, cur.report_id))
                if cur.format == "v2021" and prev.format == "v2021":
                    out.extend(_stock(vals, prev.report_id, cur.report_id))
    return pd.DataFrame(out, columns=cols)


def _carry(vals, prev_id, cur_id) -> list[dict]:
    rows = []
    for col in templates.REQUEST_COLUMNS:
        a = vals.get((prev_id, "requests", "carried_forward", col))
        b = vals.get((cur_id, "requests", "carried_over", col))
        if a is None and b is None:
            continue
        got = [a, b]
        exp, obs = (_num(a[0]) if a else None), (_num(b[0]) if b else None)
        status = _status(exp or 0.0, obs or 0.0, got)
        rows.append(dict(report_id=cur_id, check="requests.carry", scope=col, expected=exp, observed=obs, status=status))
    return rows


def _stock(vals, prev_id, cur_id) -> list[dict]:
    rows = []
    for row in ("regulations", "normative_documents"):
        got = [
            vals.get((cur_id, "active", row, "in_force")),
            vals.get((prev_id, "active", row, "in_force")),
            vals.get((cur_id, "active", row, "issued")),
            vals.get((cur_id, "active", row, "repealed")),
        ]
        if all(g is None for g in got):
            continue
        nums = [_num(g[0]) if g else 0.0 for g in got]
        exp, obs = nums[0], nums[1] + nums[2] - nums[3]
        rows.append(dict(report_id=cur_id, check="active.stock", scope=row, expected=exp, observed=obs, status=_status(exp, obs, got)))
    return rows
