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


def _codes(series: pd.Series, labels) -> np.ndarray:
    """Position of each value in `labels` (−1 when absent), fast for categorical columns."""
    labels = pd.Index(labels).astype(str)
    dtype = np.int16 if len(labels) < 32000 else np.int32  # small codes: 20 million of them
    if isinstance(series.dtype, pd.CategoricalDtype):
        mapping = np.append(labels.get_indexer(series.cat.categories.astype(str)), -1).astype(dtype)
        return mapping[series.cat.codes.to_numpy()]  # code −1 (missing) picks the appended −1
    return labels.get_indexer(series.astype(str)).astype(dtype)


ROW_KEYS = tuple(dict.fromkeys((*templates.REQUEST_ROW_KEYS, *templates.APPEAL_ROWS)))
COLUMN_KEYS = tuple(dict.fromkeys((*templates.REQUEST_COLUMNS, *templates.APPEAL_COLUMNS)))


class _Coded:
    """The columns of a cells frame as integer codes and a float array, computed once.

    Row keys of the requests and appeals tables are distinct, so a cell's row code alone says
    which table it belongs to: no table mask is needed (this matters at 20 million cells)."""

    FLAGS = ("value", "blank", "not_applicable", "unreadable")

    def __init__(self, cells: pd.DataFrame):
        rid = cells["report_id"]
        if isinstance(rid.dtype, pd.CategoricalDtype):
            used = pd.unique(rid.cat.codes[rid.cat.codes >= 0])
            self.ids = pd.Index(rid.cat.categories[used].astype(str), name="report_id")
        else:
            self.ids = pd.Index(pd.unique(rid.astype(str)), name="report_id")
        self.report = _codes(rid, self.ids).astype(np.int32)
        self.row = _codes(cells["row"], ROW_KEYS)
        self.column = _codes(cells["column"], COLUMN_KEYS)
        flag = _codes(cells["flag"], self.FLAGS)
        self.printed = flag == 0
        value = cells["value"].to_numpy(dtype="float64", na_value=np.nan, copy=True)  # ours: changed in place
        usable = (flag >= 0) & (flag <= 2)
        value[usable & np.isnan(value)] = 0.0  # blank / n.a. count as 0
        value[~usable] = np.nan  # missing and unreadable stay unknown
        self.usable_value = value

    def dense(self, rows: Sequence[str], columns: Sequence[str]):
        """[report, row, column] values of one table, and the mask of printed numbers."""
        values = np.full((len(self.ids), len(rows), len(columns)), np.nan)
        printed = np.zeros(values.shape, dtype=bool)
        # int16 maps: r and c below have 20 million entries, int64 would be 160 MB of fresh memory each
        row_map = np.append(pd.Index(rows).get_indexer(list(ROW_KEYS)), -1).astype(np.int16)  # −1 code → −1
        col_map = np.append(pd.Index(columns).get_indexer(list(COLUMN_KEYS)), -1).astype(np.int16)
        r = row_map[self.row]
        c = col_map[self.column]
        ok = (r >= 0) & (c >= 0) & (self.report >= 0)
        # 1-D scatter (far faster than 3-D); int64 because reports × rows × columns may pass 2**31.
        # In place: each temporary of 20 million int64 would be fresh memory to fault in.
        flat = self.report[ok].astype(np.int64)
        flat *= len(rows)
        flat += r[ok]
        flat *= len(columns)
        flat += c[ok]
        values.reshape(-1)[flat] = self.usable_value[ok]
        printed.reshape(-1)[flat] = self.printed[ok]
        return values, printed


def components(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per report: N, C, T, F, outcome groups and rows, applicant columns of N, appeals parts.

    Requests rows use their 总计 cell when printed, else the sum of the six applicant columns
    (authors sometimes leave 总计 blank); NaN when a needed cell is missing or unreadable.
    """
    coded = _Coded(cells)
    ids = coded.ids
    out = {}
    req_rows = templates.REQUEST_ROW_KEYS
    vals, printed = coded.dense(req_rows, templates.REQUEST_COLUMNS)
    present = ~np.isnan(vals).all(axis=2)  # row printed at all in this report
    parts = vals[:, :, :6]
    part_sum = np.where(np.isnan(parts).any(axis=2), np.nan, np.nansum(parts, axis=2))
    totals = np.where(printed[:, :, 6], vals[:, :, 6], part_sum)
    row_index = {k: n for n, k in enumerate(req_rows)}
    for name, (_, rows) in COMPONENTS.items():
        idx = [row_index[r] for r in rows]
        if name.startswith("group."):
            # a group is known when at least one of its rows is printed (v2019 prints one （六） row)
            sub_present = present[:, idx]
            summed = np.nansum(np.where(sub_present, totals[:, idx], 0.0), axis=1)
            broken = (sub_present & np.isnan(totals[:, idx])).any(axis=1)
            out[name] = np.where(sub_present.any(axis=1) & ~broken, summed, np.nan)
        else:
            out[name] = np.where(present[:, idx[0]], totals[:, idx[0]], np.nan)
    n_row = row_index["new_received"]
    for j, c in enumerate(templates.REQUEST_COLUMNS):
        out[f"N.{c}"] = np.where(present[:, n_row], vals[:, n_row, j], np.nan)
    avals, _ = coded.dense(templates.APPEAL_ROWS, templates.APPEAL_COLUMNS)
    for a, r in enumerate(templates.APPEAL_ROWS):
        for j, c in enumerate(templates.APPEAL_COLUMNS):
            out[f"A.{r}.{c}"] = avals[:, a, j]
        out[f"A.{r}.decided"] = out[f"A.{r}.total"] - out[f"A.{r}.pending"]
    return pd.DataFrame(out, index=ids)


def rates(
    cells: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    by: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    min_denominator: float = MIN_DENOMINATOR,
    all_files: bool = False,
) -> pd.DataFrame:
    """Long table of rates: [by…|report_id], metric, numerator, denominator, n, value, note.

    With `by` (columns of `reports`, e.g. ["year"] or ["agency", "year"]) numerators and
    denominators are summed over the reports of each group that have both; n counts them. Only
    the primary file of each agency and year is summed (a report printed twice counts once)
    unless `all_files`.
    """
    if by and reports is not None and "primary" in reports.columns and not all_files:
        keep = set(reports.loc[reports["primary"].astype(bool), "report_id"].astype(str))
        cells = cells[cells["report_id"].astype(str).isin(keep)]
    comp = components(cells)
    names = list(metrics or RATES)
    arrays = {c: comp[c].to_numpy(dtype="float64") for c in comp.columns}
    n_rep = len(comp)

    def total(cols: Sequence[str]) -> np.ndarray:
        if any(c not in arrays for c in cols):
            return np.full(n_rep, np.nan)
        return np.sum([arrays[c] for c in cols], axis=0)  # NaN if any part is unknown

    num = np.array([total(RATES[m][0]) for m in names]).reshape(len(names), n_rep)
    den = np.array([total(RATES[m][1]) for m in names]).reshape(len(names), n_rep)
    ok = ~np.isnan(num) & ~np.isnan(den)
    num, den = np.where(ok, num, np.nan), np.where(ok, den, np.nan)
    if by:
        if reports is None:
            raise ValueError("grouping needs the reports frame")
        meta = reports.assign(report_id=reports["report_id"].astype(str)).set_index("report_id")[list(by)]
        keys_frame = meta.reindex(comp.index).reset_index(drop=True)
        wide = pd.concat(
            [keys_frame,
             pd.DataFrame(np.nan_to_num(num.T), columns=[f"num|{m}" for m in names]),
             pd.DataFrame(np.nan_to_num(den.T), columns=[f"den|{m}" for m in names]),
             pd.DataFrame(ok.T.astype(int), columns=[f"n|{m}" for m in names])],
            axis=1,
        )  # fmt: skip
        g = wide.groupby(list(by), dropna=False, observed=True).sum()
        parts = []
        for m in names:
            part = pd.DataFrame({"numerator": g[f"num|{m}"], "denominator": g[f"den|{m}"], "n": g[f"n|{m}"]})
            part.loc[part["n"] == 0, ["numerator", "denominator"]] = np.nan
            part = part.reset_index()
            part.insert(len(by), "metric", m)
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
    else:
        out = pd.DataFrame(
            {
                "report_id": pd.Categorical.from_codes(np.tile(np.arange(n_rep), len(names)), categories=comp.index),
                "metric": pd.Categorical.from_codes(np.repeat(np.arange(len(names)), n_rep), categories=names),
                "numerator": num.ravel(),
                "denominator": den.ravel(),
                "n": ok.ravel().astype(int),
            }
        )
    numer = out["numerator"].to_numpy(dtype="float64")
    denom = out["denominator"].to_numpy(dtype="float64")
    missing = out["n"].to_numpy() == 0
    small = ~missing & (denom < min_denominator)
    good = ~missing & ~small
    value = np.full(len(out), np.nan)
    np.divide(numer, denom, out=value, where=good)
    note = np.full(len(out), -1, dtype=np.int8)
    note[missing], note[small] = 0, 1
    out["value"] = pd.array(np.where(good, value, np.nan), dtype="Float64")
    out["note"] = pd.Categorical.from_codes(note, categories=["cells missing or unreadable", f"denominator below {min_denominator:g}: suppressed"])
    return out


def outcome_table(cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × outcome group (the 总计 column), for stacked-bar outcome breakdowns."""
    comp = components(cells)
    cols = [f"group.{g}" for g in templates.OUTCOME_GROUPS]
    return comp.reindex(columns=cols).rename(columns=lambda c: c.split(".", 1)[1])
