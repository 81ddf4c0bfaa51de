"""`ogi export`: the store as files for spreadsheets, R and Stata.

Three shapes: wide (one row per report, one column per cell `table.row.column`), long (one row
per cell, flags kept) and rates (one row per report and metric). Targets: CSV (UTF-8 with BOM,
for Excel; plus `FILE.dictionary.csv` and, for wide, `FILE.checks.csv`), Excel (sheets), Stata
.dta (version 118, UTF-8; variable names ≤ 32 characters without dots, variable labels from the
dictionary) and Parquet. Only the primary file of each agency and year, unless all_files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from . import metrics, templates
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
META_DOC = {
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

    dictionary = pd.DataFrame(
        [{"column": c, "label": META_DOC[c]} for c in EXPORT_COLUMNS]
        + [{"column": k, "label": labels[tuple(k.split(".", 2))]} for k in order]
    )
    checks = corpus.checks.astype({"report_id": str}).merge(reports[["report_id", "source_path", "agency", "year"]], on="report_id")
    return table, dictionary, checks


META_COLUMNS = ["report_id", "source_path", "agency", "agency_key", "region", "region_code", "province", "city", "county", "level", "kind", "year", "format", "status"]
LONG_DOC = {
    "region": "the most specific region named (county, else city, else province)",
    "table": "active / requests / appeals", "row": "row key (SCHEMA.md)", "column": "column key (SCHEMA.md)",
    "label": "the row and column as the official format prints them", "value": "the number; empty unless flag is value",
    "flag": "value / blank / not_applicable / unreadable", "raw": "the cell text as printed",
    "locator": "where in the file the cell was read", "note": "how a doubtful cell was settled, or why it is unreadable",
    "metric": "rate name (ogi.metrics.RATES)", "formula": "what the rate divides", "numerator": "summed input cells above",
    "denominator": "summed input cells below", "n": "1 when every input cell was read, else 0",
    "inputs": "input cells the rate needs", "inputs_read": "of which read (value or blank)",
    "unread": "the input cells not read (row.column)", "rate": "numerator / denominator; empty when null",
    "rate_note": "why the rate is empty",
}  # fmt: skip
TABLE_CODES = {"active": "a", "requests": "q", "appeals": "v"}


def _meta(reports: pd.DataFrame) -> pd.DataFrame:
    region = reports["county"].fillna(reports["city"]).fillna(reports["province"])
    return reports.assign(region=region)[META_COLUMNS]


def stata_name(column: str) -> str:
    """A Stata variable name for a column: letters, digits and _, at most 32 characters.

    `requests.withheld_security_stability.natural_person` → `q_with_secu_stab_natu_pers`: the
    table's letter, then every word of the row and column cut to 4 letters (3 if still too long).
    Names of report columns (already short snake case) stay as they are."""
    if "." not in column:
        return re.sub(r"\W", "_", column)[:32]
    table, row, col = column.split(".", 2)
    for width in (4, 3, 2):
        words = [w[:width] for w in re.split(r"[_.]", f"{row}_{col}") if w]
        name = "_".join([TABLE_CODES.get(table, table[:1]), *words])
        if len(name) <= 32:
            return name
    raise ValueError(f"no Stata name for {column!r}")


def long(processed_dir=None, all_files: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long table, dictionary): one row per cell with its report's identity, flags kept."""
    corpus = load(processed_dir, primary_only=not all_files)
    reports = corpus.reports.astype({"report_id": str})
    cells = corpus.cells.astype({"report_id": str, "table": str, "row": str, "column": str})
    labels = _labels()
    cells["label"] = [labels.get(k, "") for k in zip(cells["table"], cells["row"], cells["column"])]
    cols = ["table", "row", "column", "label", "value", "flag", "raw", "locator", "note"]
    table = _meta(reports).merge(cells[["report_id", *cols]], on="report_id", how="inner")
    return table, _dictionary(table.columns)


def rates_table(processed_dir=None, all_files: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rates, dictionary): one row per report and metric, with numerator, denominator, inputs read."""
    corpus = load(processed_dir, primary_only=not all_files)
    reports = corpus.reports.astype({"report_id": str})
    r = metrics.rates(corpus.cells).astype({"report_id": str, "metric": str})
    r["formula"] = r["metric"].map(lambda m: metrics.RATES[m][2])
    r = r.rename(columns={"value": "rate", "note": "rate_note"})
    cols = ["metric", "formula", "numerator", "denominator", "n", "inputs", "inputs_read", "unread", "rate", "rate_note"]
    table = _meta(reports).merge(r[["report_id", *cols]], on="report_id", how="inner")
    return table, _dictionary(table.columns)


def _dictionary(columns) -> pd.DataFrame:
    doc = {**META_DOC, **LONG_DOC}
    return pd.DataFrame([{"column": c, "label": doc.get(c, "")} for c in columns])


def _stata_frame(table: pd.DataFrame, dictionary: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns renamed to Stata names and typed as Stata stores them (numbers as double, text as str)."""
    names = {c: stata_name(c) for c in table.columns}
    if len(set(names.values())) != len(names):
        raise ValueError("two columns share a Stata name")
    out = {}
    for c in table.columns:
        s = table[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[names[c]] = s.astype("float64").astype("int8")
        elif pd.api.types.is_integer_dtype(s.dtype) and s.notna().all():
            out[names[c]] = s.astype("int32")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            out[names[c]] = s.astype("float64")  # nullable → NaN, Stata's missing
        else:
            out[names[c]] = s.astype(object).where(s.notna(), "").astype(str)
    labels = dict(zip(dictionary["column"], dictionary["label"]))
    return pd.DataFrame(out), {names[c]: str(labels.get(c, ""))[:80] for c in table.columns}


def export(processed_dir, to: str | Path, all_files: bool = False, shape: str = "wide") -> Path:
    """Write the `shape` (wide, long, rates) of the store to `to` (.csv, .xlsx, .dta, .parquet)."""
    to = Path(to)
    suffix = to.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".dta", ".parquet"):
        raise ValueError(f"export to .csv, .xlsx, .dta or .parquet, not {to.suffix!r}")
    to.parent.mkdir(parents=True, exist_ok=True)
    checks = None
    if shape == "wide":
        table, dictionary, checks = wide(processed_dir, all_files)
    elif shape == "long":
        table, dictionary = long(processed_dir, all_files)
    elif shape == "rates":
        table, dictionary = rates_table(processed_dir, all_files)
    else:
        raise ValueError(f"shape is wide, long or rates, not {shape!r}")
    dictionary = dictionary.assign(stata_name=[stata_name(c) for c in dictionary["column"]])
    if suffix == ".xlsx":
        with pd.ExcelWriter(to) as xl:
            table.to_excel(xl, sheet_name=shape if shape != "wide" else "reports", index=False)
            dictionary.to_excel(xl, sheet_name="dictionary", index=False)
            if checks is not None:
                checks.to_excel(xl, sheet_name="checks", index=False)
    elif suffix == ".csv":
        table.to_csv(to, index=False, encoding="utf-8-sig")
        dictionary.to_csv(to.with_suffix(".dictionary.csv"), index=False, encoding="utf-8-sig")
        if checks is not None:
            checks.to_csv(to.with_suffix(".checks.csv"), index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        table.to_parquet(to, index=False)
        dictionary.to_csv(to.with_suffix(".dictionary.csv"), index=False, encoding="utf-8-sig")
    else:
        frame, labels = _stata_frame(table, dictionary)
        frame.to_stata(to, write_index=False, version=118, variable_labels=labels,
                       data_label=f"ogi export ({shape}): government information-disclosure annual reports")  # fmt: skip
    return to
