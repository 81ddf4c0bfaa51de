"""Outcome groups and the rates researchers compute (FORMATS.md §5.2), with numerator, denominator, n.

Works on the store's frames only. v2019 and v2021 reports join in one series through the outcome
groups. A rate whose denominator is below `min_denominator` (default 30) is null with a reason —
never 0 or infinity — and so is a rate that needs a missing or unreadable cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

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


class RateNote(StrEnum):
    """Why a rate is null: the categories of the rates' `note` column, in code order."""

    UNREAD = "cells missing or unreadable"
    SUPPRESSED = "denominator below the minimum: suppressed"
    NOT_IN_FORMAT = "row not in this report's format"


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
        """[report, row, column] values of one table, the mask of printed numbers and of cells present."""
        values = np.full((len(self.ids), len(rows), len(columns)), np.nan)
        printed = np.zeros(values.shape, dtype=bool)
        seen = np.zeros(values.shape, dtype=bool)
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
        seen.reshape(-1)[flat] = True
        return values, printed, seen


def _linear(name: str) -> dict[str, float]:
    """Component → {input cell "row.column": coefficient}; the cells whose values it adds up."""
    if name.startswith("A."):
        _, row, col = name.split(".")
        return {f"{row}.total": 1.0, f"{row}.pending": -1.0} if col == "decided" else {f"{row}.{col}": 1.0}
    if name.startswith("N."):
        return {f"new_received.{name[2:]}": 1.0}
    _, rows = COMPONENTS[name]
    return {f"{r}.total": 1.0 for r in rows}


class Inputs:
    """Every input cell a rate may need, per report: its value and whether it applies.

    An input is read when its cell holds a value or was left blank (blank and n/a count 0); a
    requests-row total left blank is the sum of its six applicant cells when all of those were
    read. An unreadable or absent cell is unknown: nothing that needs it is a number. The (六)
    rows apply per report: v2021's three sub-rows where any of them is printed, else the single
    （六）其他处理 row (v2019, or a v2021 table printing （六） as one row)."""

    def __init__(self, cells: pd.DataFrame):
        coded = _Coded(cells)
        self.ids = coded.ids
        n = len(self.ids)
        self.value: dict[str, np.ndarray] = {}
        self.applies: dict[str, np.ndarray] = {}
        req_rows = templates.REQUEST_ROW_KEYS
        vals, printed, seen = coded.dense(req_rows, templates.REQUEST_COLUMNS)
        parts = vals[:, :, :6]
        part_sum = np.where(np.isnan(parts).any(axis=2), np.nan, np.nansum(parts, axis=2))
        blank_total = seen[:, :, 6] & ~printed[:, :, 6] & ~np.isnan(vals[:, :, 6])  # blank or n/a, not unreadable
        totals = np.where(printed[:, :, 6], vals[:, :, 6], np.where(blank_total, part_sum, np.nan))
        everyone = np.ones(n, dtype=bool)
        for i, row in enumerate(req_rows):
            self.value[f"{row}.total"] = totals[:, i]
            self.applies[f"{row}.total"] = everyone
        n_row = req_rows.index("new_received")
        for j, col in enumerate(templates.APPLICANT_COLUMNS):
            self.value[f"new_received.{col}"] = vals[:, n_row, j]
            self.applies[f"new_received.{col}"] = everyone
        sub = [req_rows.index(r) for r in templates.V2021_OTHER_ROWS]
        split = seen[:, sub, :].any(axis=(1, 2))
        for r in templates.V2021_OTHER_ROWS:
            self.applies[f"{r}.total"] = split
        self.applies["other.total"] = ~split
        avals, _, _ = coded.dense(templates.APPEAL_ROWS, templates.APPEAL_COLUMNS)
        for a, row in enumerate(templates.APPEAL_ROWS):
            for j, col in enumerate(templates.APPEAL_COLUMNS):
                self.value[f"{row}.{col}"] = avals[:, a, j]
                self.applies[f"{row}.{col}"] = everyone

    def combine(self, terms: dict[str, float]):
        """(sum, inputs needed, inputs read, unread mask per input) of a linear combination."""
        n = len(self.ids)
        total = np.zeros(n)
        needed = np.zeros(n, dtype=np.int32)
        read = np.zeros(n, dtype=np.int32)
        unread = {}
        for key, coef in terms.items():
            applies, v = self.applies[key], self.value[key]
            known = ~np.isnan(v)
            total += np.where(applies, np.where(known, v, np.nan) * coef, 0.0)
            needed += applies
            read += applies & known
            unread[key] = applies & ~known
        return total, needed, read, unread


def components(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per report: N, C, T, F, outcome groups and rows, applicant columns of N, appeals parts.

    NaN when any cell a component needs was not read (see `Inputs`): never a partial sum.
    """
    inputs = Inputs(cells)
    names = [*COMPONENTS, *(f"N.{c}" for c in templates.REQUEST_COLUMNS)]
    names += [f"A.{r}.{c}" for r in templates.APPEAL_ROWS for c in (*templates.APPEAL_COLUMNS, "decided")]
    return pd.DataFrame({name: inputs.combine(_linear(name))[0] for name in names}, index=inputs.ids)


def _terms(names: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in names:
        for key, coef in _linear(name).items():
            out[key] = out.get(key, 0.0) + coef
    return out


def rates(
    cells: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    *,
    by: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    min_denominator: float = MIN_DENOMINATOR,
    all_files: bool = False,
) -> pd.DataFrame:
    """Long table of rates: [by…|report_id], metric, numerator, denominator, n, inputs,
    inputs_read, unread (per report) or n_reports (grouped), value, note.

    A rate is a number only when every input cell was read (`inputs_read == inputs`); else
    numerator, denominator and value are null, note says so and `unread` names the cells.
    With `by` (columns of `reports`, e.g. ["year"] or ["agency", "year"]) numerators and
    denominators are summed over the reports of each group whose inputs were all read; n counts
    them, n_reports counts the group. Only
    the primary file of each agency and year is summed (a report printed twice counts once)
    unless `all_files`.
    """
    if by and reports is not None and "primary" in reports.columns and not all_files:
        keep = set(reports.loc[reports["primary"].astype(bool), "report_id"].astype(str))
        cells = cells[cells["report_id"].astype(str).isin(keep)]
    inputs = Inputs(cells)
    names = list(metrics or RATES)
    n_rep = len(inputs.ids)
    num = np.empty((len(names), n_rep))
    den = np.empty((len(names), n_rep))
    needed = np.empty((len(names), n_rep), dtype=np.int32)
    read = np.empty((len(names), n_rep), dtype=np.int32)
    absent = np.zeros((len(names), n_rep), dtype=bool)
    unread_keys: list[dict[str, np.ndarray]] = []
    for i, m in enumerate(names):
        num_terms, den_terms = _terms(RATES[m][0]), _terms(RATES[m][1])
        num[i], num_needed, _, _ = inputs.combine(num_terms)
        absent[i] = num_needed == 0  # a (六) row the report's format does not print
        den[i] = inputs.combine(den_terms)[0]
        _, needed[i], read[i], unread = inputs.combine(dict.fromkeys([*num_terms, *den_terms], 1.0))
        unread_keys.append(unread)
    ok = (needed == read) & ~absent  # every input read: then numerator and denominator are numbers
    if by:
        if reports is None:
            raise ValueError("grouping needs the reports frame")
        meta = reports.assign(report_id=reports["report_id"].astype(str)).set_index("report_id")[list(by)]
        keys_frame = meta.reindex(inputs.ids).reset_index(drop=True)
        wide = pd.concat(
            [keys_frame,
             pd.DataFrame(np.where(ok, num, 0.0).T, columns=[f"num|{m}" for m in names]),
             pd.DataFrame(np.where(ok, den, 0.0).T, columns=[f"den|{m}" for m in names]),
             pd.DataFrame(ok.T.astype(int), columns=[f"n|{m}" for m in names]),
             pd.DataFrame(needed.T, columns=[f"in|{m}" for m in names]),
             pd.DataFrame(read.T, columns=[f"rd|{m}" for m in names]),
             pd.DataFrame({"n_reports": np.ones(n_rep, dtype=int)})],
            axis=1,
        )  # fmt: skip
        g = wide.groupby(list(by), dropna=False, observed=True).sum()
        parts = []
        for m in names:
            part = pd.DataFrame({"numerator": g[f"num|{m}"], "denominator": g[f"den|{m}"], "n": g[f"n|{m}"],
                                 "n_reports": g["n_reports"], "inputs": g[f"in|{m}"], "inputs_read": g[f"rd|{m}"]})  # fmt: skip
            part.loc[part["n"] == 0, ["numerator", "denominator"]] = np.nan
            part = part.reset_index()
            part.insert(len(by), "metric", m)
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
    else:
        out = pd.DataFrame(
            {
                "report_id": pd.Categorical.from_codes(np.tile(np.arange(n_rep), len(names)), categories=inputs.ids),
                "metric": pd.Categorical.from_codes(np.repeat(np.arange(len(names)), n_rep), categories=names),
                "numerator": np.where(ok, num, np.nan).ravel(),
                "denominator": np.where(ok, den, np.nan).ravel(),
                "n": ok.ravel().astype(int),
                "inputs": needed.ravel(),
                "inputs_read": read.ravel(),
                "unread": _unread_lists(unread_keys, needed != read),
            }
        )
    numer = out["numerator"].to_numpy(dtype="float64")
    denom = out["denominator"].to_numpy(dtype="float64")
    missing = out["n"].to_numpy() == 0
    if not by:
        missing &= ~absent.ravel()
    small = ~missing & (denom < min_denominator)
    good = ~missing & ~small
    value = np.full(len(out), np.nan)
    np.divide(numer, denom, out=value, where=good)
    note = np.full(len(out), -1, dtype=np.int8)
    note[missing], note[small] = 0, 1
    if not by:
        note[absent.ravel()] = 2
    out["value"] = pd.array(np.where(good, value, np.nan), dtype="Float64")
    out["note"] = pd.Categorical.from_codes(note, categories=[n.value for n in RateNote])
    return out


def _unread_lists(unread_keys: list[dict[str, np.ndarray]], short: np.ndarray) -> pd.Series:
    """Per (metric, report): the input cells not read, as "row.column" keys joined by ", "."""
    out = np.full(short.size, None, dtype=object)
    for i, j in zip(*np.nonzero(short)):
        out[i * short.shape[1] + j] = ", ".join(k for k, mask in unread_keys[i].items() if mask[j])
    return pd.Series(out, dtype="string")


def outcome_table(cells: pd.DataFrame) -> pd.DataFrame:
    """report_id × outcome group (the 总计 column), for stacked-bar outcome breakdowns."""
    comp = components(cells)
    cols = [f"group.{g}" for g in templates.OUTCOME_GROUPS]
    return comp.reindex(columns=cols).rename(columns=lambda c: c.split(".", 1)[1])
