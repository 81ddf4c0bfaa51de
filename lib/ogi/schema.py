"""SCHEMA.md in code: the store's tables, their columns and the vocabulary of every coded column.
The store is validated against it (tests/test_schema.py) so a new column or code cannot drift in
unannounced; README lists the columns this project adds to SCHEMA.md."""

from __future__ import annotations

import pandas as pd

from . import indicators, templates
from .identity import IDENTITY_COLUMNS, KINDS, LEVELS
from .problems import Kind

STATUSES = ("ok", "partial", "failed", "not_a_report")
FORMATS = ("v2021", "v2019", "pre2019", "unknown")
SCRIPTS = ("simplified", "traditional")
INPUT_KINDS = ("text", "html", "pdf", "docx", "doc", "xlsx", "xls", "csv", "image")
TABLES = (*templates.STANDARD_TABLES, indicators.TABLE)  # indicators: a pre-2019 report's table (indicators.py)
FLAGS = ("value", "blank", "not_applicable", "unreadable")
METHODS = ("printed", "recovered", "placed", "settled")
SETTLED_RULES = ("same_report", "active_stock")
CHECK_STATUSES = ("pass", "fail", "not_assessable")
CHECK_IDS = ("requests.balance", "requests.outcomes", "requests.row_total", "appeals.total", "requests.carry", "active.stock", *indicators.CHECK_IDS)

# report_id: one pandas dtype in reports, cells and checks as ogi.load returns them — categorical,
# its categories the reports' ids (store.with_report_ids); values are 16 hex digits of the file's SHA-256.
REPORT_ID = "category"

# table → column → vocabulary (None: free text or a number)
COLUMNS: dict[str, dict[str, tuple | None]] = {
    "reports": {
        "report_id": None, "source_path": None, "source_url": None, "input_kind": INPUT_KINDS, "status": STATUSES,
        "message": None, "agency": None, "year": None, "format": FORMATS, "script": SCRIPTS,
        "printed_agency": None, "printed_year": None, "problems": tuple(k.value for k in Kind),
        **{c: None for c in IDENTITY_COLUMNS}, "primary": None, "duplicate_of": None,
    },
    "cells": {
        "report_id": None, "table": TABLES, "row": None, "column": None, "value": None, "flag": FLAGS,
        "raw": None, "locator": None, "note": None, "method": METHODS, "settled_by": None, "settled_rule": SETTLED_RULES, "confidence": None,
    },
    "checks": {"report_id": None, "check": CHECK_IDS, "scope": None, "expected": None, "observed": None, "status": CHECK_STATUSES},
}  # fmt: skip
COLUMNS["reports"]["level"] = LEVELS
COLUMNS["reports"]["kind"] = KINDS


def _values(series: pd.Series) -> set:
    if series.dtype == object and series.map(lambda v: isinstance(v, (list, tuple)) or hasattr(v, "tolist")).any():
        return {x for v in series.dropna() for x in list(v)}
    return {v for v in series.dropna().astype(str).unique()}


def violations(tables: dict[str, pd.DataFrame]) -> list[str]:
    """What in the tables breaks the schema: missing or unknown columns, codes outside their
    vocabulary, keys outside the official templates, cells or checks of an unknown report."""
    out = []
    for name, spec in COLUMNS.items():
        df = tables[name]
        missing, extra = set(spec) - set(df.columns), set(df.columns) - set(spec)
        if missing or extra:
            out.append(f"{name}: missing columns {sorted(missing)}, unknown columns {sorted(extra)}")
        for col, vocab in spec.items():
            if vocab is not None and col in df.columns:
                bad = _values(df[col]) - set(vocab)
                if bad:
                    out.append(f"{name}.{col}: codes outside the vocabulary: {sorted(bad)}")
    cells = tables["cells"]
    rows = {r.key for r in templates.ACTIVE_ROWS} | set(templates.REQUEST_ROW_KEYS) | set(templates.APPEAL_ROWS) | set(indicators.ROWS)
    bad_rows = _values(cells["row"]) - rows
    if bad_rows:
        out.append(f"cells.row: keys outside the templates: {sorted(bad_rows)}")
    columns = {c for layout in templates.ACTIVE_COLUMNS.values() for cols in layout.values() for c in cols}
    bad_cols = _values(cells["column"]) - columns - set(templates.REQUEST_COLUMNS) - set(templates.APPEAL_COLUMNS) - set(indicators.COLUMNS)
    if bad_cols:
        out.append(f"cells.column: keys outside the templates: {sorted(bad_cols)}")
    ids = set(tables["reports"]["report_id"].astype(str))
    for name in ("cells", "checks"):
        orphans = _values(tables[name]["report_id"]) - ids
        if orphans:
            out.append(f"{name}: rows of {len(orphans)} report_ids not in reports")
    return out
