"""`ogi export`: one row per report, one column per cell (`table.row.column`), for spreadsheets.

CSV: the wide table, plus `FILE.dictionary.csv` (column → Chinese label) and `FILE.checks.csv`.
Excel: sheets `reports` (wide), `dictionary` and `checks` in one workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import templates
from .report import REPORT_COLUMNS
from .identity import IDENTITY_COLUMNS
from .store import load


def _labels() -> dict[tuple[str, str, str], str]:
    out = {}
    for layout in templates.ACTIVE_COLUMNS.values():
        rows = {r.key: r.label for r in templates.ACTIVE_ROWS}
        for row, cols in layout.items():
            for col in cols:
                out[("active", row, col)] = f"{rows[row]} · {templates.COLUMN_LABELS[col]}"
    for r in templates.REQUEST_ROWS:
        for c in templates.REQUEST_COLUMNS:
            out[("requests", r.key, c)] = f"{r.label} · {templates.REQUEST_COLUMN_LABELS[c]}"
    for r in templates.APPEAL_ROWS:
        for c in templates.APPEAL_COLUMNS:
            out[("appeals", r, c)] = f"{templates.APPEAL_ROW_LABELS[r]} · {templates.APPEAL_COLUMN_LABELS[c]}"
    return out


EXPORT_COLUMNS = [*REPORT_COLUMNS, *IDENTITY_COLUMNS, "primary", "duplicate_of"]


def wide(processed_dir=None, all_files: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(wide table, dictionary, checks): the primary file of each agency and year (a report
    printed in two files is one row), or every file with `all_files`."""
    corpus = load(processed_dir, primary_only=not all_files)
    reports = corpus.reports.astype({"report_id": str})
    cells = corpus.cells.astype({"report_id": str, "table": str, "row": str, "column": str})
    cells["key"] = cells["table"] + "." + cells["row"] + "." + cells["column"]
    values = cells.pivot_table(index="report_id", columns="key", values="value", aggfunc="first", dropna=False)
    order = [f"{t}.{r}.{c}" for (t, r, c) in _labels() if f"{t}.{r}.{c}" in values.columns]
    values = values.reindex(columns=order)
    table = reports[EXPORT_COLUMNS].join(values, on="report_id")
    table["problems"] = [", ".join(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist") else "" for v in table["problems"]]  # one cell for a spreadsheet
    labels = _labels()
    meta_doc = {
        "report_id": "file hash (SHA-256, 16 hex digits)", "source_path": "file under data/raw",
        "source_url": "where it was published", "input_kind": "text / html / pdf / docx",
        "status": "ok / partial / failed / not_a_report", "message": "why, for anything but ok",
        "agency": "issuing body (simplified)", "year": "statistics year", "format": "v2021 / v2019 / pre2019 / unknown",
        "script": "simplified / traditional",
        "printed_agency": "the agency as the report prints it (agency is the manifest's when one names it)",
        "printed_year": "the year as the report prints it",
        "problems": "the kinds of problem the reader found (ogi.problems.Kind), comma-separated",
        "agency_key": "normalised name that joins an agency's years", "province": "province (name)",
        "city": "city (name)", "county": "county or district (name)",
        "region_code": "6-digit administrative-division code of the most specific region",
        "level": "national / province / city / county / township",
        "kind": "government / general_office / department / zone",
        "primary": "true for the file that stands for its agency and year",
        "duplicate_of": "the primary's report_id, for another file of the same agency and year",
    }  # fmt: skip
    dictionary = pd.DataFrame(
        [{"column": c, "label": meta_doc[c]} for c in EXPORT_COLUMNS]
        + [{"column": k, "label": labels[tuple(k.split(".", 2))]} for k in order]
    )
    checks = corpus.checks.astype({"report_id": str}).merge(reports[["report_id", "source_path", "agency", "year"]], on="report_id")
    return table, dictionary, checks


def export(processed_dir, to: str | Path, all_files: bool = False) -> Path:
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    table, dictionary, checks = wide(processed_dir, all_files)
    if to.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(to) as xl:
            table.to_excel(xl, sheet_name="reports", index=False)
            dictionary.to_excel(xl, sheet_name="dictionary", index=False)
            checks.to_excel(xl, sheet_name="checks", index=False)
    elif to.suffix.lower() == ".csv":
        table.to_csv(to, index=False, encoding="utf-8-sig")
        dictionary.to_csv(to.with_suffix(".dictionary.csv"), index=False, encoding="utf-8-sig")
        checks.to_csv(to.with_suffix(".checks.csv"), index=False, encoding="utf-8-sig")
    else:
        raise ValueError(f"export to .csv or .xlsx, not {to.suffix!r}")
    return to
