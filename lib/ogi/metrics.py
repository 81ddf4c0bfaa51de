"""Outcome groups and the rates researchers compute (FORMATS.md §5.2), with numerator, denominator, n.

Works on the store's frames only. v2019 and v2021 reports join in one series through the outcome
groups. A rate whose denominator is below `min_denominator` (default 30) is null with a reason —
never 0 or infinity — and so is a rate that needs a missing or unreadable cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import templates

MIN_DENOMINATOR = 30
ORG_COLUMNS = templates.APPLICANT_COLUMNS[1:]

# Components per report: name → (table, rows, column). Requests rows use the row total (printed, or
# the sum of the applicant columns where the author left 总计 blank).
COMPONENTS = {
    "N": ("requests", ("new_received",)),
    "C": ("requests", ("carried_over",)),
    "T": ("requests", ("total_processed",)),
    "F": ("requests", ("carried_forward",)),
    **{f"group.{g}": ("requests", rows) for g, rows in templates.OUTCOME_GROUPS.items()},
    **{f"row.{r}": ("requests", (r,)) for r in templates.OUTCOME_ROWS},
}

# metric → (numerator components, denominator components, description)
RATES = {
    "disclosure_rate": (("group.granted", "group.partially_granted"), ("T",), "公开率 (G+P)/T"),
    "full_disclosure_rate": (("group.granted",), ("T",), "绝对公开率 G/T"),
    "merits_release_rate": (("group.granted", "group.partially_granted"), ("group.granted", "group.partially_granted", "group.withheld"), "(G+P)/(G+P+R)"),
    "substantive_share": (("group.granted", "group.partially_granted", "group.withheld"), ("T",), "(G+P+R)/T"),
    "withheld_share": (("group.withheld",), ("T",), "R/T"),
    "unavailable_share": (("group.unavailable",), ("T",), "U/T"),
    "declined_share": (("group.declined",), ("T",), "X/T"),
    "other_share": (("group.other",), ("T",), "O/T"),
    "not_held_rate": (("row.unavailable_not_held",), ("T",), "（四）1 / T"),
    "petition_misuse_rate": (("row.declined_petition",), ("T",), "（五）1 / T"),
    "completion_rate": (("T",), ("N", "C"), "办结率 T/(N+C)"),
    "carry_forward_share": (("F",), ("N", "C"), "F/(N+C)"),
    "natural_person_share": (("N.natural_person",), ("N.total",), "自然人 share of new requests"),
    "organisation_share": (tuple(f"N.{c}" for c in ORG_COLUMNS), ("N.total",), "法人或其他组织 share of new requests"),
    "legal_service_share": (("N.legal_service_org",), ("N.total",), "法律服务机构 share of new requests"),
    "review_correction_rate": (("A.review.corrected",), ("A.review.decided",), "复议纠错率 纠正/(总计−尚未审结)"),
    "litigation_correction_rate": (
        ("A.litigation_direct.corrected", "A.litigation_after_review.corrected"),
        ("A.litigation_direct.decided", "A.litigation_after_review.decided"),
        "诉讼纠错率",
    ),
    "overall_correction_rate": (
        tuple(f"A.{r}.corrected" for r in templates.APPEAL_ROWS),
        tuple(f"A.{r}.decided" for r in templates.APPEAL_ROWS),
        "综合纠错率",
    ),
    "dispute_conversion": (("A.review.total", "A.litigation_direct.total"), ("N",), "争议转化率 (复议+直接起诉)/N"),
}
# reason shares within each refusal family: （三）k / R, （四）k / U, （五）k / X, （六）k / O
for _group in ("withheld", "unavailable", "declined", "other"):
    for _row in templates.OUTCOME_GROUPS[_group]:
        RATES[f"reason_share.{_row}"] = ((f"row.{_row}",), (f"group.{_group}",), f"{_row} / {_group}")


def _row_totals(cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × requests row → total (printed, else Σ applicant columns), NaN when unknown."""
    req = cells[cells["table"] == "requests"]
    if req.empty:
        return pd.DataFrame()
    val = req["value"].astype("float64")
    usable = req["flag"].isin(["value", "blank", "not_applicable"])
    frame = pd.DataFrame(
        {
            "report_id": req["report_id"].astype(str).to_numpy(),
            "row": req["row"].astype(str).to_numpy(),
            "column": req["column"].astype(str).to_numpy(),
            "v": np.where(usable, np.nan_to_num(val.to_numpy(), nan=0.0), np.nan),
            "printed": (req["flag"] == "value").to_numpy(),
        }
    )
    wide = frame.pivot_table(index=["report_id", "row"], columns="column", values="v", aggfunc="first", dropna=False)
    printed = frame.pivot_table(index=["report_id", "row"], columns="column", values="printed", aggfunc="first", dropna=False)
    total = wide.get("total")
    parts = wide.reindex(columns=list(templates.APPLICANT_COLUMNS))
    part_sum = parts.sum(axis=1, min_count=len(templates.APPLICANT_COLUMNS))
    use_printed = printed.get("total").fillna(False).astype(bool) if "total" in printed else False
    out = pd.DataFrame({"total": np.where(use_printed, total, part_sum)}, index=wide.index)
    for c in templates.REQUEST_COLUMNS:
        out[f"col.{c}"] = wide.get(c)
    return out


def components(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per report: N, C, T, F, outcome groups and rows, applicant columns of N, appeals parts."""
    rt = _row_totals(cells)
    ids = pd.Index(cells["report_id"].astype(str).unique(), name="report_id")
    out = pd.DataFrame(index=ids)
    if not rt.empty:
        totals = rt["total"].unstack("row")
        for name, (_, rows) in COMPONENTS.items():
            present = [r for r in rows if r in totals.columns]
            if name.startswith("group."):
                # a group is known when at least one of its rows is printed (v2019 prints one （六） row)
                out[name] = totals[present].sum(axis=1, min_count=1) if present else np.nan
            else:
                out[name] = totals[present[0]] if present else np.nan
        if "new_received" in rt.index.get_level_values("row"):
            n_row = rt.xs("new_received", level="row")
            for c in templates.REQUEST_COLUMNS:
                out[f"N.{c}"] = n_row[f"col.{c}"]
    app = cells[cells["table"] == "appeals"]
    if not app.empty:
        v = app.assign(
            report_id=app["report_id"].astype(str),
            v=np.where(app["flag"].isin(["value", "blank", "not_applicable"]), app["value"].astype("float64").fillna(0.0), np.nan),
            key="A." + app["row"].astype(str) + "." + app["column"].astype(str),
        ).pivot_table(index="report_id", columns="key", values="v", aggfunc="first", dropna=False)
        for r in templates.APPEAL_ROWS:
            for c in templates.APPEAL_COLUMNS:
                out[f"A.{r}.{c}"] = v.get(f"A.{r}.{c}")
            out[f"A.{r}.decided"] = out[f"A.{r}.total"] - out[f"A.{r}.pending"]
    return out


def rates(
    cells: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    by: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    min_denominator: float = MIN_DENOMINATOR,
) -> pd.DataFrame:
    """Long table of rates: [by…|report_id], metric, numerator, denominator, n, value, note.

    With `by` (columns of `reports`, e.g. ["year"] or ["agency", "year"]) numerators and
    denominators are summed over the reports of each group that have both; n counts them.
    """
    comp = components(cells)
    names = list(metrics or RATES)
    keys = ["report_id"]
    if by:
        if reports is None:
            raise ValueError("grouping needs the reports frame")
        meta = reports.assign(report_id=reports["report_id"].astype(str)).set_index("report_id")[list(by)]
        comp = comp.join(meta, how="left")
        keys = list(by)
    frames = []
    for name in names:
        num_cols, den_cols, _ = RATES[name]
        num = _sum(comp, num_cols)
        den = _sum(comp, den_cols)
        ok = num.notna() & den.notna()
        part = pd.DataFrame({"numerator": num.where(ok), "denominator": den.where(ok), "n": ok.astype(int)}, index=comp.index)
        if by:
            part = part.join(comp[keys]).groupby(keys, dropna=False, observed=True).agg(
                numerator=("numerator", "sum"), denominator=("denominator", "sum"), n=("n", "sum")
            )
            part.loc[part["n"] == 0, ["numerator", "denominator"]] = np.nan
        part = part.reset_index()
        part.insert(len(keys), "metric", name)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["value"] = np.nan
    out["note"] = None
    small = out["denominator"] < min_denominator
    missing = out["n"] == 0
    good = ~small & ~missing
    out.loc[good, "value"] = out.loc[good, "numerator"] / out.loc[good, "denominator"]
    out.loc[missing, "note"] = "cells missing or unreadable"
    out.loc[small & ~missing, "note"] = f"denominator below {min_denominator:g}: suppressed"
    out["value"] = out["value"].astype("Float64")
    return out


def _sum(comp: pd.DataFrame, cols: Sequence[str]) -> pd.Series:
    present = [c for c in cols if c in comp.columns]
    if len(present) < len(cols):
        return pd.Series(np.nan, index=comp.index)
    return comp[present].sum(axis=1, min_count=len(present))


def outcome_table(cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × outcome group (the 总计 column), for stacked-bar outcome breakdowns."""
    comp = components(cells)
    cols = [f"group.{g}" for g in templates.OUTCOME_GROUPS]
    return comp.reindex(columns=cols).rename(columns=lambda c: c.split(".", 1)[1])
