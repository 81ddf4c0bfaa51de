"""How much of each report was read: standard tables found and cells read out of the cells its
format prints, so a page can say "198 of 200 cells" and tell a file with no standard table at
all (a pre-2019 report, a prose excerpt, an image) from a report missing a few cells."""

from __future__ import annotations

import pandas as pd

from . import templates

NO_TABLE = "no standard table"  # shown status of a file read as a report that yields no table 二, 三 or 四
READ_FLAGS = ("value", "blank", "not_applicable")
# Shown statuses: one colour per name, the same on every page and chart.
STATUS_COLORS = {
    "ok": "#2a9d8f",
    "partial": "#f4a261",
    NO_TABLE: "#bdbdbd",
    "not_a_report": "#8d99ae",
    "failed": "#b00020",
}


def expected_cells(fmt: str, single_other: bool) -> dict[str, int]:
    """Cells each standard table of this format prints (requests: rows × 7 columns)."""
    if fmt not in templates.ACTIVE_COLUMNS:
        return {}
    return {
        "active": sum(len(cols) for cols in templates.ACTIVE_COLUMNS[fmt].values()),
        "requests": len(templates.request_rows(fmt, single_other)) * len(templates.REQUEST_COLUMNS),
        "appeals": len(templates.APPEAL_ROWS) * len(templates.APPEAL_COLUMNS),
    }


def coverage(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Per report: tables_read (0–3), cells_read, cells_expected (null when the format has no
    standard tables), shown_status (status, or NO_TABLE for a read file with no table) and
    reading ("198 of 200 cells")."""
    cells = cells[cells["table"].isin(templates.STANDARD_TABLES)]  # a pre-2019 附表 (indicators) is no standard table
    per = pd.DataFrame({"report_id": cells["report_id"], "table": cells["table"], "read": cells["flag"].isin(READ_FLAGS)})
    grouped = per.groupby("report_id", observed=True)
    tables = grouped["table"].nunique().rename(index=str)  # per report: few, so the ids become text here
    read = grouped["read"].sum().rename(index=str)
    single = set(cells.loc[(cells["row"] == "other").to_numpy(), "report_id"].astype(str))
    out = reports[["report_id", "status", "format"]].astype({"report_id": str}).copy()
    out["tables_read"] = out["report_id"].map(tables).fillna(0).astype(int)
    out["cells_read"] = out["report_id"].map(read).fillna(0).astype(int)
    out["cells_expected"] = [
        sum(expected_cells(str(f), r in single).values()) or pd.NA for r, f in zip(out["report_id"], out["format"])
    ]
    out["cells_expected"] = out["cells_expected"].astype("Int64")
    readable = out["status"].astype(str).isin(["ok", "partial"])
    out["shown_status"] = out["status"].astype(str).where(~(readable & (out["tables_read"] == 0)), NO_TABLE)
    out["reading"] = [
        f"{r:,} of {e:,} cells" if pd.notna(e) else ("no standard table" if s == NO_TABLE else "")
        for r, e, s in zip(out["cells_read"], out["cells_expected"], out["shown_status"])
    ]
    return out.drop(columns=["status", "format"])
