"""Numbers as a paper prints them: integer counts, rates as percentages with numerator and
denominator, one missing-value mark with its reason, and tables without an index column.

The notebooks show frames through `show`; every rate on a page (header or table) is written by
`rate_text`, so a header never contradicts the table below it.
"""

from __future__ import annotations

import math

import pandas as pd

from . import metrics

RATE_COLUMNS = frozenset({"report_id", "metric", "numerator", "denominator", "n", "n_reports", "inputs", "inputs_read", "unread", "value", "note"})
DASH = "—"  # the one mark for a number that is not there; the reason sits beside it


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def count(v) -> str:
    """1234.0 → "1,234"; a missing count → "—"; a non-integral number keeps its decimals."""
    if _missing(v):
        return DASH
    f = float(v)
    return f"{int(round(f)):,}" if f == round(f) else f"{f:,.2f}"


def percent(v, digits: int = 1) -> str:
    return DASH if _missing(v) else f"{float(v) * 100:.{digits}f} %"


def rate_reason(rate, minimum: float = metrics.MIN_DENOMINATOR) -> str:
    """Why a rate row has no value, in words a reader can check: '' when it has one. `minimum`
    is the denominator below which the rates were suppressed."""
    note = rate.get("note")
    if _missing(note):
        return ""
    if note == metrics.RateNote.UNREAD:
        inputs, got = rate.get("inputs"), rate.get("inputs_read")
        where = rate.get("unread")
        told = f"{count(got)} of {count(inputs)} input cells read" if not _missing(inputs) else "input cells not read"
        return f"not computed: {told}" + (f" (not read: {where})" if isinstance(where, str) and where else "")
    if note == metrics.RateNote.NOT_IN_FORMAT:
        return "not computed: the row is not printed in this report's format"
    return f"suppressed: denominator {count(rate.get('denominator'))} below {minimum:g}"


def rate_text(rate, minimum: float = metrics.MIN_DENOMINATOR) -> str:
    """'56.4 % (180 / 319)', or '— (suppressed: denominator 10 below 30)'."""
    v = rate.get("value")
    if _missing(v):
        return f"{DASH} ({rate_reason(rate, minimum)})"
    return f"{percent(v)} ({count(rate.get('numerator'))} / {count(rate.get('denominator'))})"


def rates_table(rates: pd.DataFrame, labels: dict[str, str] | None = None, minimum: float = metrics.MIN_DENOMINATOR) -> pd.DataFrame:
    """A metrics.rates frame as text columns: metric, formula, rate, numerator, denominator,
    cells read, note (the reason when there is no rate)."""
    rows = []
    for r in rates.to_dict("records"):
        m = str(r["metric"])
        rows.append({
            **{k: r[k] for k in r if k not in RATE_COLUMNS},  # the `by` columns of grouped rates (year …)
            "metric": (labels or {}).get(m, m),
            "formula": metrics.RATES[m][2] if m in metrics.RATES else "",
            "rate": percent(r.get("value")),
            "numerator": count(r.get("numerator")),
            "denominator": count(r.get("denominator")),
            "cells read": f"{count(r.get('inputs_read'))} of {count(r.get('inputs'))}" if "inputs" in r else "",
            "note": rate_reason(r, minimum),
        })  # fmt: skip
    return pd.DataFrame(rows)


PLAIN = ("year", "printed_year", "region_code")  # numbers that are names, not counts: no thousands separator


def show(frame: pd.DataFrame, counts: list[str] | None = None, percents: list[str] | None = None):
    """The frame as a page shows it: counts as integers, percentages, "—" for missing, no index.

    Columns not named are formatted by content: numeric columns become counts (years stay plain)."""
    if frame is None or len(frame.columns) == 0:
        return pd.DataFrame({"": ["(nothing to show)"]}).style.hide(axis="index")
    out = frame.copy()
    for c in out.columns:
        s = out[c]
        if c in PLAIN:
            out[c] = s.map(lambda v: DASH if _missing(v) else str(int(v)) if isinstance(v, (int, float)) else str(v))
        elif percents and c in percents:
            out[c] = s.map(percent)
        elif (counts and c in counts) or pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.map(count)
        else:
            out[c] = s.map(lambda v: DASH if _missing(v) else str(v))
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c].dtype) or (percents and c in percents)]
    text = [c for c in frame.columns if c not in numeric]
    styled = out.style.hide(axis="index")
    if text:
        styled = styled.set_properties(subset=text, **{"text-align": "left"})
    if numeric:
        styled = styled.set_properties(subset=numeric, **{"text-align": "right"})
    return styled.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
