"""Checks across years of one agency (SCHEMA.md): requests.carry and active.stock; and for the
indicator tables of pre-2019 reports, indicators.cumulative (历年累计 this year = last year's + this
year's figure; not judged across a scope change such as 平潭's 2014 merger).

Reports are matched by normalised agency name and statistics year. A failure is flagged, never
"fixed": reorganisations legitimately move carry-overs between agencies.
"""

from __future__ import annotations


import pandas as pd

from . import templates
from .checks import CHECK_COLUMNS
from .indicators import CUMULATIVE, TABLE, YEAR
from .identity import SCOPE_CHANGES, agency_key  # agency_key also re-exported: the key that joins years

USABLE = ("ok", "partial")
STANDARD = ("v2019", "v2021")


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


def standard_reports(reports: pd.DataFrame) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(agency key, year) → [(report_id, format)] of the usable 2019+ reports, in table order.
    Keys are computed once per distinct name: a national corpus repeats each name every year."""
    rep = reports[reports["status"].isin(USABLE) & reports["year"].notna() & reports["format"].isin(STANDARD)]
    keys = {a: agency_key(a) for a in rep["agency"].dropna().unique()}
    out: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for rid, name, year, fmt in zip(rep["report_id"], rep["agency"], rep["year"], rep["format"]):
        key = keys.get(name) if isinstance(name, str) else None
        if key:
            out.setdefault((key, int(year)), []).append((str(rid), str(fmt)))
    return out


# the rows the cross-year identities read
CARRY_ROWS = ("carried_forward", "carried_over")
STOCK_ROWS = ("regulations", "normative_documents")


def cross_year_checks(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """One row per (later report, check, scope) for every agency with consecutive usable years."""
    cols = ["report_id", *CHECK_COLUMNS]
    if reports.empty or cells.empty:
        return pd.DataFrame(columns=cols)
    by_key = standard_reports(reports)
    pairs = [
        (prev, cur, year)
        for (key, year), later in sorted(by_key.items())
        for cur in later
        for prev in by_key.get((key, year - 1), ())
    ]
    if not pairs:
        return pd.DataFrame(columns=cols)
    ids = {rid for prev, cur, _ in pairs for rid, _ in (prev, cur)}
    needed = cells[cells["report_id"].isin(ids) & cells["row"].isin(CARRY_ROWS + STOCK_ROWS)]
    vals = _values(needed)
    circular = _settled_by_stock(reports, needed)
    out = []
    for (prev_id, prev_fmt), (cur_id, cur_fmt), year in pairs:
        out.extend(_carry(vals, prev_id, cur_id))
        if cur_fmt == "v2021" and prev_fmt == "v2021":
            out.extend(_stock(vals, prev_id, cur_id, circular, (year - 1, year)))
    # two printings of the earlier year that agree give one check, not two identical rows
    return pd.DataFrame(out, columns=cols).drop_duplicates(ignore_index=True)


def indicator_checks(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """indicators.cumulative, one row per (later report, row): the 历年累计 of consecutive pre-2019
    reports of one body (primary files) against last year's plus this year's figure."""
    cols = ["report_id", *CHECK_COLUMNS]
    rep = reports[reports["status"].isin(USABLE) & reports["year"].notna() & (reports["format"] == "pre2019") & reports["primary"].fillna(False).astype(bool)]
    ind = cells[(cells["table"] == TABLE) & cells["report_id"].astype(str).isin(set(rep["report_id"].astype(str)))]
    if rep.empty or ind.empty:
        return pd.DataFrame(columns=cols)
    vals = {(str(r.report_id), r.row, r.column): (r.value, r.flag) for r in ind.itertuples(index=False)}
    by_year = {(agency_key(a), int(y)): str(rid) for rid, a, y in zip(rep["report_id"], rep["agency"], rep["year"]) if isinstance(a, str)}
    rows_of: dict[str, list[str]] = {}
    for rid, row, col in vals:
        if col == CUMULATIVE:
            rows_of.setdefault(rid, []).append(row)
    out = []
    for (key, year), cur in sorted(by_year.items()):
        prev = by_year.get((key, year - 1))
        if prev is None:
            continue
        change = SCOPE_CHANGES.get(key)
        across = change is not None and year == change[0]  # the running total restarts or merges with the scope
        for row in rows_of.get(cur, ()):
            got = [vals.get((prev, row, CUMULATIVE)), vals.get((cur, row, YEAR)), vals.get((cur, row, CUMULATIVE))]
            if got[0] is None:
                continue
            expected = _num(got[0][0]) + _num(got[1][0]) if got[1] else None
            observed = _num(got[2][0])
            status = "not_assessable" if across or expected is None else _status(expected, observed, got)
            out.append(dict(report_id=cur, check="indicators.cumulative", scope=row, expected=expected, observed=observed, status=status))
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


SETTLED_COLUMNS = ("settled_by", "settled_rule")  # cells settled across reports: by which report, under which rule
RULES = ("same_report", "active_stock")


def with_settled_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells with SETTLED_COLUMNS (null where a cell was read from its own report)."""
    import pyarrow as pa

    missing = [c for c in SETTLED_COLUMNS if c not in cells.columns]
    return cells.assign(**{c: pd.array(pa.nulls(len(cells), pa.large_string()), dtype="string") for c in missing}) if missing else cells


def _settled_by_stock(reports: pd.DataFrame, cells: pd.DataFrame) -> set[tuple[str, str, int]]:
    """(report, row, year it was settled with) for stock rows that `active.stock` itself settled.
    The year, not the file: every printing of that year carries the same numbers."""
    cells = with_settled_columns(cells)
    by_stock = cells[cells["settled_rule"] == "active_stock"]
    year_of = dict(zip(reports["report_id"].astype(str), reports["year"]))
    out = set()
    for c in by_stock.itertuples(index=False):
        year = year_of.get(str(c.settled_by))
        if year is not None and year == year:
            out.add((str(c.report_id), str(c.row), int(year)))
    return out


def _stock(vals, prev_id, cur_id, circular: set = frozenset(), years: tuple[int, int] = (0, 0)) -> list[dict]:
    rows = []
    for row in STOCK_ROWS:
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
        status = _status(exp, obs, got)
        prev_year, cur_year = years
        if (cur_id, row, prev_year) in circular or (prev_id, row, cur_year) in circular:
            status = "not_assessable"  # the identity chose these digits: holding proves nothing
        rows.append(dict(report_id=cur_id, check="active.stock", scope=row, expected=exp, observed=obs, status=status))
    return rows


# ------------------------------------------------------------------------------------ settling
# Collapsed digit runs in the active table have no identity within the report. Two outside facts
# can still settle them, each only when it leaves exactly one split of the digits:
# 1. the same report printed again (another file of the same agency and year, e.g. the saved page
#    beside a text dump): its numbers for the row must be one of the digit run's splits;
# 2. the v2021 stock of regulations and normative documents carries over:
#    in_force(t) = in_force(t−1) + issued(t) − repealed(t), with a neighbouring year's numbers.
# The note of every settled cell says which report settled it and how.



def _choose(after_prev, before_next, prev_id, next_id):
    """The one split the neighbouring years allow, and the report that settled it; else (None, None).
    A side that no split satisfies (the source's stock does not reconcile there) carries no
    information; two sides that allow different single splits are a conflict: nothing is taken."""
    sides = [(s, rid) for s, rid in ((after_prev, prev_id), (before_next, next_id)) if s]
    if not sides:
        return None, None
    if len(sides) == 2:
        both = sides[0][0] & sides[1][0]
        return (next(iter(both)), sides[0][1]) if len(both) == 1 else (None, None)
    only, rid = sides[0]
    return (next(iter(only)), rid) if len(only) == 1 else (None, None)


def _same_report(candidates: set, printings: list[tuple[tuple, str]]):
    """The split that another printing of the report shows, if the printings that fit agree."""
    fitting = {(vals, rid) for vals, rid in printings if vals in candidates}
    distinct = {vals for vals, _ in fitting}
    if len(distinct) != 1:
        return None, None
    vals = distinct.pop()
    return vals, min(rid for v, rid in fitting if v == vals)


def settle_active_across_years(reports: pd.DataFrame, cells: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Cells of collapsed active rows settled from other reports of the agency; {report_id: n settled}."""
    from .collapsed import splits

    cells = with_settled_columns(cells)
    if cells.empty or reports.empty:
        return cells, {}
    flagged = cells[(cells["flag"] == "unreadable") & (cells["table"] == "active")]
    waiting = set(flagged.loc[flagged["method"] == "recovered", "report_id"])
    if not waiting:
        return cells, {}
    by_year: dict[tuple[str, str, int], list[str]] = {}  # (agency, format, year) → reports
    where: dict[str, tuple[str, str, int]] = {}
    groups = standard_reports(reports)
    agencies = {key for (key, _), members in groups.items() if any(rid in waiting for rid, _ in members)}
    for (key, year), members in groups.items():
        if key in agencies:  # only the agencies that have a collapsed row to settle
            for rid, fmt in members:
                where[rid] = (key, fmt, year)
                by_year.setdefault(where[rid], []).append(rid)
    if not where:
        return cells, {}
    source = dict(zip(reports["report_id"], reports["source_path"]))
    act = cells[(cells["table"] == "active") & cells["report_id"].isin(where)]
    known: dict[tuple[str, str, str], float] = {}
    pending: dict[tuple[str, str], str] = {}  # (report, row) → raw digits
    for c in act.itertuples(index=False):
        if c.flag == "value":
            known[(c.report_id, c.row, c.column)] = float(c.value)
        elif c.flag == "unreadable" and c.method == "recovered" and all(p.isdigit() for p in c.raw.split()):
            pending[(c.report_id, c.row)] = c.raw  # unsigned digit runs: the ones a stock or a reprint settles

    def printed(key: tuple[str, str, int], row: str, skip: str | None = None) -> list[tuple[tuple, str]]:
        """The row's numbers in every report of that agency, format and year that prints them all."""
        cols = templates.ACTIVE_COLUMNS[key[1]][row]
        out = []
        for rid in by_year.get(key, []):
            vals = [known.get((rid, row, col)) for col in cols]
            if rid != skip and all(v is not None for v in vals):
                out.append((tuple(vals), rid))
        return sorted(out, key=lambda p: (p[1], row) in settled)  # numbers as printed before settled ones

    settled: dict[tuple[str, str], tuple[tuple[float, ...], str]] = {}
    changed = True
    while changed:  # a settled year can settle the next one
        changed = False
        for (rid, row), raw in list(pending.items()):
            agency, fmt, year = key = where[rid]
            cols = templates.ACTIVE_COLUMNS[fmt][row]
            candidates = {tuple(float(v) for v in c) for c in splits(raw.split(), len(cols))}
            choice, by = _same_report(candidates, printed(key, row, skip=rid))
            how = "same_report"
            if choice is None and fmt == "v2021" and row in STOCK_ROWS:
                prev = printed((agency, fmt, year - 1), row)
                nxt = printed((agency, fmt, year + 1), row)
                (p, prev_id), (n, next_id) = (prev[0] if prev else (None, None)), (nxt[0] if nxt else (None, None))
                after_prev = {c for c in candidates if c[2] == p[2] + c[0] - c[1]} if p else None
                before_next = {c for c in candidates if n[2] == c[2] + n[0] - n[1]} if n else None
                choice, by = _choose(after_prev, before_next, prev_id, next_id)
                how = "active_stock"
            if choice is not None:
                settled[(rid, row)] = (choice, how, by)
                for col, v in zip(cols, choice):
                    known[(rid, row, col)] = v
                del pending[(rid, row)]
                changed = True
    if not settled:
        return cells, {}
    cells = cells.copy()
    if isinstance(cells["flag"].dtype, pd.CategoricalDtype) and "value" not in cells["flag"].cat.categories:
        cells["flag"] = cells["flag"].cat.add_categories(["value"])
    if isinstance(cells["method"].dtype, pd.CategoricalDtype) and "settled" not in cells["method"].cat.categories:
        cells["method"] = cells["method"].cat.add_categories(["settled"])
    counts: dict[str, int] = {}
    words = {"same_report": "the same row printed in", "active_stock": "active.stock with"}
    for (rid, row), (values, how, by) in settled.items():
        cols = templates.ACTIVE_COLUMNS[where[rid][1]][row]
        for col, v in zip(cols, values):
            m = (cells["report_id"] == rid) & (cells["table"] == "active") & (cells["row"] == row) & (cells["column"] == col)
            cells.loc[m, "value"] = v
            cells.loc[m, "flag"] = "value"
            cells.loc[m, "method"] = "settled"
            cells.loc[m, "settled_by"] = str(by)
            cells.loc[m, "settled_rule"] = how
            cells.loc[m, "note"] = f"recovered from collapsed digits {cells.loc[m, 'raw'].iloc[0]!r}, settled across reports by {words[how]} {source.get(by, by)}"
        counts[rid] = counts.get(rid, 0) + len(cols)
    return cells, counts
