"""Every text layout in both formats: the benchmark's synthetic reports (bench/synth.py, real
labels and layouts with random numbers that keep every identity), for the layout × format pairs
the corpus holds no real dump of (2019-format dumps, tab-separated copies of a Word table). No
cell may be wrong or missing; a cell the structure cannot place is flagged."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import synth  # noqa: E402

from ogi.report import read_bytes  # noqa: E402

TEXT_LAYOUTS = ("pipe", "cells", "collapsed", "merged", "dropped", "tsv", "markdown", "torn", "html")
BLANKS_FOR_ZEROS = ("dropped", "tsv")  # layouts that print a 0 as an empty cell


def _read(layout: str, nums: dict, rng: random.Random):
    text = synth.render(layout, nums, "洪泽区人民政府", 2020, rng)
    name = {"html": "r.html", "markdown": "r.md", "torn": "r.md"}.get(layout, "r.txt")
    return text, read_bytes(text.encode("utf-8"), name=name)


def _outcomes(report, truth: dict) -> dict[str, list]:
    got = {(c[1], c[2], c[3]): (c[4], c[5]) for c in report.cell_rows}
    out: dict[str, list] = {"wrong": [], "missing": [], "flagged": []}
    for key, want in truth.items():
        if key not in got:
            out["missing"].append(key)
            continue
        value, flag = got[key]
        if flag == "unreadable":
            out["flagged"].append(key)
        elif (want is None and flag != "blank") or (want is not None and (flag != "value" or abs(value - want) > 1e-6)):
            out["wrong"].append((key, want, got[key]))
    return out


@pytest.mark.parametrize("fmt", ["v2019", "v2021"])
@pytest.mark.parametrize("layout", TEXT_LAYOUTS)
def test_reports_read_in_every_layout_and_format(layout, fmt):
    rng = random.Random(2019)
    for _ in range(6):
        nums = synth.numbers(rng, fmt)
        _, report = _read(layout, nums, rng)
        assert report.meta["format"] == fmt
        result = _outcomes(report, synth.truth(nums, layout in BLANKS_FOR_ZEROS))
        assert result["wrong"] == [] and result["missing"] == []
        if layout in ("pipe", "cells", "html", "markdown", "tsv"):  # explicit cells: every one printed and placed
            assert result["flagged"] == []


def test_torn_v2019_table_places_an_unlabelled_single_other_row():
    """（六）其他处理 printed without its label in a 2019-format table: one loose row where （六）
    stands is the single row, not three missing sub-rows of the 2021 format."""
    rng = random.Random(7)
    for _ in range(40):
        nums = synth.numbers(rng, "v2019")
        text, report = _read("torn", nums, rng)
        if "（六）其他处理" not in text:
            break
    else:
        pytest.fail("no torn report without the （六） label in 40 tries")
    cells = {(c[2], c[3]): (c[4], c[5], c[9]) for c in report.cell_rows if c[1] == "requests"}
    for j, col in enumerate(("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org", "total")):
        assert cells[("other", col)] == (nums["requests"]["other"][j], "value", "placed")
    assert report.meta["status"] == "ok"


def test_dropped_dump_with_an_all_empty_appeals_table_gives_fifteen_blank_cells():
    """A dump that drops empty cells prints the appeals headings and then the next section: every
    cell is empty, not a missing table; a table cut off before the next section stays missing."""
    rng = random.Random(3)
    nums = synth.numbers(rng, "v2019")
    nums["appeals"] = {r: [0] * 5 for r in nums["appeals"]}
    text, report = _read("dropped", nums, rng)
    appeals = [c for c in report.cell_rows if c[1] == "appeals"]
    assert len(appeals) == 15 and {c[5] for c in appeals} == {"blank"}
    cut = text[: text.index("五、存在的主要问题")]
    assert not [c for c in read_bytes(cut.encode("utf-8"), name="r.txt").cell_rows if c[1] == "appeals"]
    wrapped = text.replace("五、存在的主要问题及改进情况", "五、存在的主\n要问题及改进情况")  # the heading broken across lines
    assert {c[5] for c in read_bytes(wrapped.encode("utf-8"), name="r.txt").cell_rows if c[1] == "appeals"} == {"blank"}
    # section 五 in words of the body's own: still the end of the appeals table
    for heading in ("五、存在的不足及改进措施", "五、工作中存在的问题和改进方向", "五、主要问题和改进措施", "五．存在的主要\n不足及下一步打算"):
        reworded = text.replace("五、存在的主要问题及改进情况", heading)
        assert {c[5] for c in read_bytes(reworded.encode("utf-8"), name="r.txt").cell_rows if c[1] == "appeals"} == {"blank"}, heading


def test_dropped_dump_with_two_printed_appeal_values_flags_the_table():
    """'18 18' under the appeals headings of a dump without empty cells: 12 placements keep the
    blocks' sums, so all 15 cells are flagged with their candidates (never a missing table)."""
    rng = random.Random(5)
    nums = synth.numbers(rng, "v2019")
    nums["appeals"] = {r: [0] * 5 for r in nums["appeals"]}
    nums["appeals"]["litigation_direct"] = [0, 18, 0, 0, 18]
    _, report = _read("dropped", nums, rng)
    appeals = [c for c in report.cell_rows if c[1] == "appeals"]
    assert len(appeals) == 15 and {c[5] for c in appeals} == {"unreadable"}


def test_dropped_dump_with_an_empty_last_requests_row_reads_it_blank():
    """四、结转下年度继续办理 printed with no value, right before section 四: its label stands after
    the last row with values, and its seven cells are empty (the balance identity then holds)."""
    rng = random.Random(11)
    nums = synth.numbers(rng, "v2021")
    req = nums["requests"]
    for j in range(6):  # nothing carried forward; the balance new + carried over = processed still holds
        req["carried_forward"][j] = 0
        req["carried_over"][j] = min(req["carried_over"][j], req["total_processed"][j])
        req["new_received"][j] = req["total_processed"][j] - req["carried_over"][j]
    for row in ("carried_forward", "carried_over", "new_received"):
        req[row][6] = sum(req[row][:6])
    text, report = _read("dropped", nums, rng)
    assert "四、结转下年度继续办理\n四、" in text
    cells = [c for c in report.cell_rows if c[1] == "requests" and c[2] == "carried_forward"]
    assert len(cells) == 7 and {c[5] for c in cells} == {"blank"}
    assert _outcomes(report, synth.truth(nums, True))["wrong"] == []


def test_tab_separated_table_with_an_all_empty_appeals_row():
    """A Word table copied as tab-separated text: the appeals value row is fourteen tabs (fifteen
    empty cells), read as fifteen blank cells, not a missing table."""
    rng = random.Random(13)
    nums = synth.numbers(rng, "v2021")
    nums["appeals"] = {r: [0] * 5 for r in nums["appeals"]}
    text, report = _read("tsv", nums, rng)
    assert "\n" + "\t" * 14 + "\n" in text
    appeals = [c for c in report.cell_rows if c[1] == "appeals"]
    assert len(appeals) == 15 and {c[5] for c in appeals} == {"blank"}
    assert report.meta["status"] == "ok"


def _tsv_with_sparse_appeals() -> tuple[dict, str, str]:
    """A tab-separated report whose appeals value row opens and ends with empty cells."""
    rng = random.Random(21)
    nums = synth.numbers(rng, "v2021")
    nums["appeals"] = {"review": [0, 2, 0, 1, 3], "litigation_direct": [1, 0, 0, 0, 1], "litigation_after_review": [0, 0, 0, 0, 0]}
    text = synth.render("tsv", nums, "某县审计局", 2022, rng)
    row = "\t".join("" if v == 0 else str(v) for r in ("review", "litigation_direct", "litigation_after_review") for v in nums["appeals"][r])
    assert "\n" + row + "\n" in text
    return nums, text, row


def test_an_empty_cell_at_each_end_of_a_row_is_settled_by_the_blocks_sums():
    """Fifteen appeals cells printed as sixteen: an indenting tab before the row and an empty last
    cell. Trailing empty cells are padding by convention, but here only the reading that drops
    the leading one keeps every block's 总计 = the sum of its parts, so the row is not shifted."""
    nums, text, row = _tsv_with_sparse_appeals()
    report = read_bytes(text.replace("\n" + row + "\n", "\n\t" + row + "\n").encode("utf-8"), name="r.txt")
    appeals = {(c[2], c[3]): (c[4], c[5]) for c in report.cell_rows if c[1] == "appeals"}
    assert appeals[("review", "corrected")] == (2.0, "value") and appeals[("review", "total")] == (3.0, "value")
    assert appeals[("litigation_direct", "upheld")] == (1.0, "value") and appeals[("review", "upheld")] == (None, "blank")
    assert _outcomes(report, synth.truth(nums, True))["wrong"] == []


def test_collapsed_signed_change_never_leaves_a_negative_number_of_items():
    """"行政许可5-31988" (上一年项目数量 5, 本年增/减 -3, 处理决定数量 1988, separators lost): -31,
    -319 and -3198 would leave fewer than no items this year, so only 5 | -3 | 1988 stands."""
    rng = random.Random(17)
    nums = synth.numbers(rng, "v2019")
    nums["active"]["licensing"] = [5, -3, 1988]
    text, report = _read("collapsed", nums, rng)
    assert "行政许可5-31988" in text
    cells = {c[3]: (c[4], c[5], c[9]) for c in report.cell_rows if c[1] == "active" and c[2] == "licensing"}
    assert cells == {"prior_items": (5.0, "value", "recovered"), "change": (-3.0, "value", "recovered"), "decisions": (1988.0, "value", "recovered")}


def test_tab_separated_values_with_a_unit_are_cells_not_labels():
    """A tab-cut segment is an explicit cell, so "3件" is the number 3 there as in a pipe cell:
    a value row whose first printed cell is "2件" keeps the tab before it as an empty cell."""
    nums, text, row = _tsv_with_sparse_appeals()
    with_units = "\t".join(c + "件" if c else c for c in row.split("\t"))
    report = read_bytes(text.replace("\n" + row + "\n", "\n" + with_units + "\n").encode("utf-8"), name="r.txt")
    appeals = {(c[2], c[3]): (c[4], c[5]) for c in report.cell_rows if c[1] == "appeals"}
    assert appeals[("review", "corrected")] == (2.0, "value") and appeals[("review", "upheld")] == (None, "blank")
    assert appeals[("litigation_direct", "total")] == (1.0, "value")
    assert _outcomes(report, synth.truth(nums, True)) == {"wrong": [], "missing": [], "flagged": []}


def test_a_tab_row_whose_only_printed_cell_is_a_number_with_a_unit_is_a_value_row():
    """"\\t\\t\\t2件": the tabs before a value are empty cells, so this is a row of four cells, not a
    label indented by tabs (as "\\t\\t其他" is)."""
    from ogi.extract.text import ROW_BREAK, _tab_cells

    cells = _tab_cells(["\t\t\t2件", "\t\t其他"])
    assert [c[0] for c in cells] == [ROW_BREAK, "", "", "", "2件", "其他"]
    assert [c[2] >= 0 for c in cells] == [False, True, True, True, True, False]  # explicit cells: the four after the break
