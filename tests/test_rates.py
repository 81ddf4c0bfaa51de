"""Every named rate on the seed (临汾市人民政府 2023, a real report) by hand, and the same report
with one outcome cell damaged: the rates that need that cell are null with the reason and the
cell's name; every other rate keeps its exact value. Never a partial sum."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import RAW

from ogi import metrics
from ogi.report import read_bytes

SEED = RAW / "000_98d5d9cfaf16f11b.txt"
DAMAGED_ROW = "6.屬于四類過程性信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"  # withheld_deliberative: 总计 1

# The seed's printed numbers: N 328 (自然人 294, 商业企业 34), C 0, T 319, F 9; 予以公开 145,
# 部分公开 35, 不予公开 0 0 0 5 0 1 8 0 (14), 无法提供 122 1 0 (123), 不予处理 0 2 0 0 0 (2),
# 其他处理 0 0 0; 复议 9 0 1 4 14, 直接起诉 2 1 1 0 4, 复议后起诉 1 0 0 1 2.
# metric → (numerator, denominator); the value is their ratio unless the denominator is below 30.
SEED_RATES = {
    "disclosure_rate": (180, 319), "full_disclosure_rate": (145, 319), "merits_release_rate": (180, 194),
    "substantive_share": (194, 319), "withheld_share": (14, 319), "unavailable_share": (123, 319),
    "declined_share": (2, 319), "other_share": (0, 319), "not_held_rate": (122, 319), "petition_misuse_rate": (0, 319),
    "completion_rate": (319, 328), "carry_forward_share": (9, 328), "natural_person_share": (294, 328),
    "organisation_share": (34, 328), "legal_service_share": (0, 328),
    "review_correction_rate": (0, 14 - 4), "litigation_correction_rate": (1 + 0, (4 - 0) + (2 - 1)),
    "overall_correction_rate": (0 + 1 + 0, 10 + 4 + 1), "dispute_conversion": (14 + 4, 328),
    **{f"reason_share.withheld_{k}": (v, 14) for k, v in zip(
        ("state_secret", "law", "security_stability", "third_party", "internal", "deliberative", "enforcement", "query"),
        (0, 0, 0, 5, 0, 1, 8, 0))},
    "reason_share.unavailable_not_held": (122, 123), "reason_share.unavailable_needs_creation": (1, 123),
    "reason_share.unavailable_unclear": (0, 123),
    **{f"reason_share.declined_{k}": (v, 2) for k, v in zip(
        ("petition", "repeat", "publication", "excessive", "confirmation"), (0, 2, 0, 0, 0))},
    "reason_share.other_no_correction": (0, 0), "reason_share.other_unpaid_fee": (0, 0), "reason_share.other_misc": (0, 0),
}  # fmt: skip
# the rates whose inputs include the damaged cell
NEEDS_DAMAGED = {"merits_release_rate", "substantive_share", "withheld_share", *(m for m in SEED_RATES if m.startswith("reason_share.withheld_"))}


def _rates(text: str) -> pd.DataFrame:
    return metrics.rates(read_bytes(text.encode("utf-8")).cells).set_index("metric")


def _assert_exact(r: pd.Series, num: int, den: int) -> None:
    assert (r["numerator"], r["denominator"], r["n"], r["inputs_read"]) == (num, den, 1, r["inputs"])
    if den >= metrics.MIN_DENOMINATOR:
        assert r["value"] == pytest.approx(num / den) and pd.isna(r["note"])
    else:
        assert pd.isna(r["value"]) and r["note"] == metrics.RateNote.SUPPRESSED


def test_every_rate_of_the_seed():
    rates = _rates(SEED.read_text(encoding="utf-8"))
    assert set(rates.index) == set(metrics.RATES)
    for name, (num, den) in SEED_RATES.items():
        _assert_exact(rates.loc[name], num, den)
    # v2021 prints （六） as three rows: the single-row share has no numerator in this format
    other = rates.loc["reason_share.other"]
    assert pd.isna(other["value"]) and pd.isna(other["numerator"]) and other["note"] == metrics.RateNote.NOT_IN_FORMAT


def test_one_damaged_outcome_cell_nulls_exactly_the_rates_that_need_it():
    text = SEED.read_text(encoding="utf-8")
    assert DAMAGED_ROW in text
    damaged = DAMAGED_ROW.removesuffix("1 |") + "1l |"  # the 总计 cell: a letter among its digits
    rates = _rates(text.replace(DAMAGED_ROW, damaged))
    for name, (num, den) in SEED_RATES.items():
        r = rates.loc[name]
        if name in NEEDS_DAMAGED:
            assert pd.isna(r["numerator"]) and pd.isna(r["denominator"]) and pd.isna(r["value"]), name
            assert r["n"] == 0 and r["note"] == metrics.RateNote.UNREAD
            assert r["unread"] == "withheld_deliberative.total" and r["inputs_read"] == r["inputs"] - 1
        else:
            _assert_exact(r, num, den)


def test_a_group_with_a_missing_row_is_unknown_not_the_sum_of_the_rest():
    text = SEED.read_text(encoding="utf-8")
    row = "4.保護第三方合法權益 | 4 | 1 | 0 | 0 | 0 | 0 | 5 | ||"
    assert row in text
    comp = metrics.components(read_bytes(text.replace(row, "").encode("utf-8")).cells).iloc[0]
    assert pd.isna(comp["group.withheld"]) and pd.isna(comp["row.withheld_third_party"])
    assert comp["group.unavailable"] == 123 and comp["T"] == 319
