"""The corpus stage: what can only be known with every report in hand, done once.

The per-file stage ends at each Report; `finalize` then settles active-disclosure cells across an
agency's reports, re-derives the status and message of the reports it changed from their typed
problems, attaches agency identity and the primary file of each agency and year, and adds the
cross-year checks. Nothing here parses a message or a note: problems travel as `Problem`s, cell
provenance in the cells' `method`/`settled_by`/`settled_rule` columns.
"""

from __future__ import annotations

import pandas as pd

from . import crossyear
from .identity import IDENTITY_COLUMNS, identity_frame, primaries
from .problems import Kind, Problem
from .problems import kinds as kinds_of
from .problems import message as message_of
from .problems import status as status_of


def finalize(reports: pd.DataFrame, cells: pd.DataFrame, checks: pd.DataFrame, problems_of: dict[str, list]):
    """(reports, cells, checks) of the whole corpus, settled, re-statused, identified and cross-checked."""
    cells, settled = crossyear.settle_active_across_years(reports, cells)
    reports = _restatus(reports, cells, settled, problems_of)
    reports = with_identity(reports, cells)
    checks = pd.concat([checks, crossyear.cross_year_checks(reports, cells), crossyear.indicator_checks(reports, cells)], ignore_index=True)
    checks = checks.astype({"expected": "Float64", "observed": "Float64"})
    return reports, cells, checks


def with_identity(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """The reports with their agency's identity (key, region, level, kind) and which file of
    each agency and year is the primary (identity.py)."""
    reports = pd.concat([reports.drop(columns=IDENTITY_COLUMNS, errors="ignore"), identity_frame(reports["agency"])], axis=1)
    return pd.concat([reports.drop(columns=["primary", "duplicate_of"], errors="ignore"), primaries(reports, cells)], axis=1)


def _restatus(reports: pd.DataFrame, cells: pd.DataFrame, settled: dict[str, int], problems_of: dict[str, list]) -> pd.DataFrame:
    """Problems, status and message of the reports whose cells were settled across reports: the
    unreadable counts from the cells as they now are, and how many were settled."""
    if not settled:
        return reports
    reports = reports.copy()
    kinds_now = dict(zip(reports["report_id"], reports["problems"]))
    for rid, n in settled.items():
        i = reports.index[reports["report_id"] == rid][0]
        mine = cells[(cells["report_id"] == rid) & (cells["flag"] == "unreadable")]
        unreadable = tuple(mine.groupby("table", observed=True).size().items())
        problems = [p for p in problems_of.get(rid, []) if p.kind is not Kind.UNREADABLE_CELLS]
        if unreadable:
            problems.insert(0, Problem(Kind.UNREADABLE_CELLS, counts=tuple((str(t), int(k)) for t, k in unreadable)))
        problems.append(Problem(Kind.SETTLED_CELLS, counts=(("cells", n),)))
        problems_of[rid] = problems
        reports.at[i, "status"] = status_of(problems)
        reports.at[i, "message"] = message_of(problems)
        kinds_now[rid] = kinds_of(problems)
    reports["problems"] = [kinds_now[rid] for rid in reports["report_id"]]
    return reports
