"""`ogi check`: a readable summary of what needs a human look in a processed corpus.

Failing checks (per report and across years), files that failed or are not reports, unreadable
cells, several files for one agency and year, formats older than the year, and blank cells where
the official format expects a number (zeros written as blanks).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths
from .identity import agency_key
from .store import load


def manifest_disagreements(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports whose manifest names another body or year than the report prints (the manifest
    wins; a typo in the source, an excerpt's missing title or a wrong manifest line shows here)."""
    printed_key = reports["printed_agency"].map(agency_key)
    key = reports["agency"].map(agency_key)
    other_body = printed_key.notna() & (printed_key != key)
    other_year = reports["printed_year"].notna() & (reports["printed_year"] != reports["year"]).fillna(False)
    out = reports[other_body | other_year][["source_path", "agency", "printed_agency", "year", "printed_year"]]
    return out.reset_index(drop=True)


def duplicate_files(reports: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Files that hold the same agency and year as another: each with its primary and the number
    of cells where it disagrees with the primary's reading (value or flag)."""
    dup = reports[reports["duplicate_of"].notna()]
    if dup.empty:
        return pd.DataFrame(columns=["agency", "year", "source_path", "input_kind", "status", "primary_path", "disagreeing_cells"])
    path = reports.set_index("report_id")["source_path"]
    keyed = cells.assign(v=cells["value"].astype("Float64").fillna(-1.0), f=cells["flag"].astype(str)).set_index(["report_id", "table", "row", "column"])[["v", "f"]]
    keyed.index = keyed.index.set_levels([lvl.astype(str) for lvl in keyed.index.levels])
    counts = []
    for rid, primary in zip(dup["report_id"], dup["duplicate_of"].astype(str)):
        a = keyed.xs(rid, level="report_id") if rid in keyed.index.levels[0] else keyed.iloc[:0].droplevel(0)
        b = keyed.xs(primary, level="report_id") if primary in keyed.index.levels[0] else keyed.iloc[:0].droplevel(0)
        both = a.merge(b, how="outer", left_index=True, right_index=True, suffixes=("_a", "_b"))
        counts.append(int(((both["v_a"] != both["v_b"]) | (both["f_a"] != both["f_b"])).fillna(True).sum()))
    out = dup[["agency", "year", "source_path", "input_kind", "status"]].copy()
    out["primary_path"] = dup["duplicate_of"].astype(str).map(path).to_numpy()
    out["disagreeing_cells"] = counts
    return out.sort_values(["agency", "year", "source_path"]).reset_index(drop=True)


def findings(processed_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Each kind of problem as a small table (empty when there is none)."""
    corpus = load(processed_dir)
    reports = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    ident = reports.set_index("report_id")[["source_path", "agency", "year"]]
    checks = corpus.checks.assign(report_id=corpus.checks["report_id"].astype(str))
    cells = corpus.cells.assign(report_id=corpus.cells["report_id"].astype(str))

    failing = checks[checks["status"] == "fail"].join(ident, on="report_id")
    failing = failing[["source_path", "agency", "year", "check", "scope", "expected", "observed"]]

    not_read = reports[reports["status"].isin(["failed", "not_a_report"])][["source_path", "status", "message"]]

    unreadable = cells[cells["flag"] == "unreadable"].groupby("report_id").size().rename("unreadable_cells")
    unreadable = ident.join(unreadable, how="inner").reset_index(drop=True)

    duplicates = duplicate_files(reports, cells)
    disagreeing = manifest_disagreements(reports)

    old = reports[
        ((reports["format"] == "v2019") & (reports["year"] >= 2022))
        | ((reports["format"] == "pre2019") & (reports["year"] >= 2020))
    ][["source_path", "agency", "year", "format"]]

    core = cells[cells["table"].isin(["requests", "appeals"])]
    blanks = core[core["flag"] == "blank"].groupby("report_id").size().rename("blank_cells")
    blanks = ident.join(blanks, how="inner").reset_index(drop=True)

    return {
        "open findings, by severity (data/reviews.csv holds the decisions)": open_findings(processed_dir, ident),
        "failing checks": failing.reset_index(drop=True),
        "files not read as reports": not_read.reset_index(drop=True),
        "reports with unreadable cells": unreadable,
        "several files for one agency and year": duplicates.reset_index(drop=True),
        "manifest and printed title disagree": disagreeing,
        "no agency printed or given": reports[reports["agency"].isna() & reports["status"].isin(["ok", "partial"])][["source_path", "year", "status"]].reset_index(drop=True),
        "format older than the year": old.reset_index(drop=True),
        "blank cells where the format expects a number": blanks,
    }


def open_findings(processed_dir, ident: pd.DataFrame) -> pd.DataFrame:
    """Findings no reviewer has confirmed or dismissed yet, errors first; decisions are read from
    reviews.csv beside the processed folder now, so a decision counts before the next ingest."""
    from . import audit
    from .store import load_table

    base = Path(processed_dir) if processed_dir else paths.PROCESSED
    found = load_table("findings", base)
    if found.empty:
        return pd.DataFrame(columns=["source_path", "severity", "rule", "message", "finding_id"])
    found = found.drop(columns=[c for c in ("decision", "reviewer", "decided_on", "comment") if c in found.columns])
    found = audit.with_decisions(found, audit.read_reviews(base.parent / "reviews.csv"))
    found = found[found["decision"].isna()].join(ident, on="report_id")
    order = {s: i for i, s in enumerate(audit.SEVERITIES)}
    found = found.assign(_o=found["severity"].map(order)).sort_values(["_o", "source_path", "rule"])
    return found.rename(columns={"message_en": "message"})[["source_path", "severity", "rule", "message", "finding_id"]].reset_index(drop=True)


def check_report(processed_dir: str | Path | None = None) -> tuple[str, int]:
    """The text `ogi check` prints, and the number of findings."""
    found = findings(processed_dir)
    lines = []
    total = 0
    with pd.option_context("display.width", 200, "display.max_colwidth", 80, "display.max_rows", 200):
        for title, df in found.items():
            total += len(df)
            lines.append(f"== {title}: {len(df)}")
            if len(df):
                lines.append(df.to_string(index=False))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n", total
