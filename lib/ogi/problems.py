"""What went wrong with a report, as data: a report's `status` is a function of its problems and its
`message` is rendered from them once, so no later step reads English to decide anything.

Each Problem has a Kind (stored in the `problems` column of reports as a list of kind names) and,
for the kinds later steps recompute, structured details (`tables`, `rows`, `counts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    # the file could not be read as a report at all → status failed
    CANNOT_READ = "cannot_read"
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"  # old Word, a zip that is no DOCX, binary data
    TOO_LARGE = "too_large"
    CANNOT_DECODE = "cannot_decode"
    INTERNAL_ERROR = "internal_error"
    TIME_LIMIT = "time_limit"
    WORKER_CRASH = "worker_crash"
    # no report inside → status not_a_report
    NOT_A_REPORT = "not_a_report"
    PART_OF_PAGE = "part_of_page"  # an image a saved page shows: read with that page, not alone
    # a report, not (fully) read → status partial
    IMAGE_ONLY = "image_only"
    EXTRACT = "extract"  # a PDF/DOCX problem the extractor reports
    PRE2019_NO_TABLES = "pre2019_no_tables"
    NO_TABLES = "no_tables"
    MISSING_TABLE = "missing_table"
    MISSING_ROWS = "missing_rows"
    UNREADABLE_CELLS = "unreadable_cells"
    # worth saying, the status stays
    RECOVERED_CELLS = "recovered_cells"
    SETTLED_CELLS = "settled_cells"
    FAILING_CHECKS = "failing_checks"
    LAYOUT = "layout"  # something the aligner saw (a row not in the official format …)
    NO_AGENCY = "no_agency"
    FORMAT_FROM_YEAR = "format_from_year"  # no table says which format: the one its year prescribes
    IDENTICAL_BYTES = "identical_bytes"
    OCR = "ocr"  # pages read by OCR: their numbers carry the recogniser's confidence


FAILED = {Kind.CANNOT_READ, Kind.EMPTY, Kind.UNSUPPORTED, Kind.TOO_LARGE, Kind.CANNOT_DECODE, Kind.INTERNAL_ERROR, Kind.TIME_LIMIT, Kind.WORKER_CRASH}
PARTIAL = {Kind.IMAGE_ONLY, Kind.EXTRACT, Kind.PRE2019_NO_TABLES, Kind.NO_TABLES, Kind.MISSING_TABLE, Kind.MISSING_ROWS}
CORE_TABLES = ("requests", "appeals")


@dataclass(frozen=True)
class Problem:
    kind: Kind
    text: str = ""  # for people: what exactly (never parsed)
    tables: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    counts: tuple[tuple[str, int], ...] = field(default=())  # (table, n) or (what, n)

    def render(self) -> str:
        k = self.kind
        if k is Kind.MISSING_TABLE:
            return "missing tables: " + ", ".join(self.tables)
        if k is Kind.MISSING_ROWS:
            return f"{self.tables[0]}: rows not found: " + ", ".join(self.rows)
        if k is Kind.UNREADABLE_CELLS:
            return "unreadable cells: " + ", ".join(f"{t} {n}" for t, n in self.counts)
        if k is Kind.RECOVERED_CELLS:
            return f"{self.counts[0][1]} cells recovered from collapsed digit runs"
        if k is Kind.SETTLED_CELLS:
            return f"{self.counts[0][1]} active cells settled across reports"
        if k is Kind.FAILING_CHECKS:
            return f"{self.counts[0][1]} accounting checks fail in the source"
        return self.text or k.value.replace("_", " ")


def message(problems: list[Problem]) -> str | None:
    """The message shown to people, rendered once from the problems."""
    return "; ".join(p.render() for p in problems) or None


def status(problems: list[Problem]) -> str:
    """failed / not_a_report / partial / ok from the problems. Unreadable cells make a report
    partial only where they are in the core tables (requests, appeals)."""
    kinds = {p.kind for p in problems}
    if kinds & FAILED:
        return "failed"
    if Kind.NOT_A_REPORT in kinds or Kind.PART_OF_PAGE in kinds:
        return "not_a_report"
    if kinds & PARTIAL:
        return "partial"
    for p in problems:
        if p.kind is Kind.UNREADABLE_CELLS and any(t in CORE_TABLES and n for t, n in p.counts):
            return "partial"
    return "ok"


def kinds(problems: list[Problem]) -> list[str]:
    return [p.kind.value for p in problems]
