"""The report's own accounting identities (勾稽关系), checked over its cells (SCHEMA.md check ids).

A source that is itself inconsistent keeps its printed numbers; the failing check says so.
Blank and n/a cells count as 0 in a sum; a check touching a missing or unreadable cell is
`not_assessable`, never passed, and so is a mismatch that involves a blank cell (the blank may be
an unfilled total rather than a zero).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import templates

TOLERANCE = 1e-6
CHECK_COLUMNS = ["check", "scope", "expected", "observed", "status"]


def _lookup(cells: Iterable) -> dict[tuple[str, str, str], tuple[float | None, str]]:
    return {(c.table, c.row, c.column): (c.value, c.flag) for c in cells}


def evaluate(identities: list[templates.Identity], cells: dict) -> list[dict]:
    out = []
    for ident in identities:
        involved = ident.expected + ident.parts
        got = [cells.get(c) for c in involved]
        if any(g is None or g[1] == "unreadable" for g in got):
            out.append(dict(check=ident.check, scope=ident.scope, expected=None, observed=None, status="not_assessable"))
            continue
        nums = [g[0] if g[1] == "value" else 0.0 for g in got]
        k = len(ident.expected)
        expected, observed = sum(nums[:k]), sum(nums[k:])
        if abs(expected - observed) <= TOLERANCE * max(1.0, abs(expected)):
            status = "pass"
        elif any(g[1] != "value" for g in got):
            # a blank or n/a cell may stand for a number the author did not fill in (e.g. 总计 left
            # empty): the identity cannot be judged, only that it does not add up as printed
            status = "not_assessable"
        else:
            status = "fail"
        out.append(dict(check=ident.check, scope=ident.scope, expected=expected, observed=observed, status=status))
    return out


def identities(requests_rows: tuple[str, ...] | None, has_appeals: bool) -> list[templates.Identity]:
    """The identities a report with these requests rows (None: no requests table) is checked by."""
    out: list[templates.Identity] = []
    if requests_rows:
        out += templates.request_identities(tuple(requests_rows))
    if has_appeals:
        out += templates.appeal_identities()
    return out


def report_checks(cells: list, requests_rows: tuple[str, ...] | None, has_appeals: bool) -> list[dict]:
    """requests.balance, requests.outcomes, requests.row_total and appeals.total for one report."""
    return evaluate(identities(requests_rows, has_appeals), _lookup(cells))
