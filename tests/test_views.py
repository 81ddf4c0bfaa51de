"""What the pages show for a real report with one outcome cell damaged (临汾市人民政府 2023,
（三）6 总计 unreadable): the unread part is its own segment, the reasons say why they are not
drawn, the header and the rates table agree, and no number is a partial sum."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import RAW

import ogi
from ogi import present, views
from ogi.ingest import ingest

DAMAGED_ROW = "6.屬于四類過程性信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    text = (RAW / "000_98d5d9cfaf16f11b.txt").read_text(encoding="utf-8")
    assert DAMAGED_ROW in text
    (raw / "linfen.txt").write_text(text.replace(DAMAGED_ROW, DAMAGED_ROW.removesuffix("1 |") + "1l |"), encoding="utf-8")
    shutil.copy(RAW / "2023_pingtan_page.html", raw / "pingtan.html")
    out = raw.parent / "processed"
    ingest(raw, out, jobs=1)
    return ogi.load(out)


def test_the_outcome_page_of_a_damaged_report(damaged):
    view = views.ReportView(damaged, "临汾市人民政府", 2023)
    assert view.reading() == "199 of 200 cells read"
    groups = view.outcomes().iloc[0]
    assert pd.isna(groups["withheld"]) and groups["unread"] == 319 - (145 + 35 + 123 + 2 + 0)  # the 14 of 不予公开
    assert groups["granted"] == 145
    _, instead = view.reasons("withheld")
    assert instead.startswith("not all reason rows were read (1 of 8 rows not read)")
    assert view.reasons("unavailable")[1] == ""  # intact: drawn
    rates = view.rates().set_index("metric")
    assert view.headline() == "公开率 disclosure rate = 56.4 % (180 / 319)" and rates.loc["disclosure_rate", "rate"] == "56.4 %"
    merits = rates.loc["merits_release_rate"]
    assert (merits["rate"], merits["numerator"], merits["cells read"]) == (present.DASH, present.DASH, "9 of 10")
    assert merits["note"] == "not computed: 9 of 10 input cells read (not read: withheld_deliberative.total)"


def test_the_comparison_never_ranks_a_partial_rate(damaged):
    view = views.CompareView(damaged, 2023)
    table = view.table().set_index("agency")
    assert table.loc["临汾市人民政府", "不予公开 withheld"] == present.DASH
    assert "不予公开: not computed: 8 of 9 input cells read" in table.loc["临汾市人民政府", "note"]
    assert table.loc["临汾市人民政府", "公开率 disclosure"] == "56.4 %"
    ranks, why = view.percentiles()
    assert ranks.empty and why.startswith("percentiles need at least 10 comparable reports")
    reasons = view.reasons("withheld").set_index("agency")
    assert pd.isna(reasons.loc["临汾市人民政府", "all reasons"]) and pd.isna(reasons.loc["临汾市人民政府", "6.属于四类过程性信息"])
    assert reasons.loc["临汾市人民政府", "7.属于行政执法案卷"] == 8
