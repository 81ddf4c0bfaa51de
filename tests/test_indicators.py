"""The indicator table (附表) of pre-2019 reports, on the real ones shipped (PRE2019.md §1, §4.5)."""

from __future__ import annotations

import pytest
from conftest import report

from ogi import indicators as I

PUTIAN = "2008_putian_page.txt"  # cell per line, one column (年末统计)
XIAN_2013 = "2013_pingtanxian_github-pagetxt.txt"  # two columns, every cell boundary lost: 主动公开信息数条18535395…


def _cells(name) -> dict[tuple[str, str], tuple]:
    return {(c[2], c[3]): (c[4], c[5], c[9]) for c in report(name).cell_rows if c[1] == I.TABLE}


def _values(name, column=I.YEAR) -> dict[str, float | None]:
    return {row: v[0] for (row, col), v in _cells(name).items() if col == column}


def test_a_cell_per_line_table_reads_every_printed_number():
    assert _values(PUTIAN) == {
        "active_total": 38954, "active_via_gazette": 3008, "active_via_website": 38954, "requests_received": 100,
        "via_in_person": 55, "via_fax": 0, "via_email": 10, "via_online": 24, "via_letter": 11, "via_other": 0,
        "requests_answered": 100, "ans_granted": 88, "ans_partial": 12, "ans_denied_any": 0,
        "review_cases": 0, "litigation_cases": 0, "complaints": 0,
    }  # fmt: skip
    assert {v[2] for v in _cells(PUTIAN).values()} == {"printed"}
    checks = {(c[1], c[2]): c[5] for c in report(PUTIAN).check_rows}
    assert checks == {("indicators.channels", "year"): "pass", ("indicators.answers", "year"): "pass"}
    assert report(PUTIAN).meta["status"] == "partial"  # no standard tables before 2019, and it says so
    assert "indicator table read (17 of 17 cells)" in report(PUTIAN).meta["message"]


def test_collapsed_runs_are_cut_by_the_tables_identities():
    """PRE2019.md's hand reading: 7 received = 0+0+3+4+0+0 (cumulative 28 = 18+6+4), 3 answered = 2+1+0 (24 = 19+3+2)."""
    year, cumulative = _values(XIAN_2013), _values(XIAN_2013, I.CUMULATIVE)
    rows = ("requests_received", "via_in_person", "via_fax", "via_email", "via_online", "via_letter", "via_other",
            "requests_answered", "ans_granted", "ans_partial", "ans_denied_any", "review_cases", "litigation_cases", "complaints")  # fmt: skip
    assert [year[r] for r in rows] == [7, 0, 0, 3, 4, 0, 0, 3, 2, 1, 0, 0, 0, 0]
    assert [cumulative[r] for r in rows] == [28, 18, 0, 6, 4, 0, 0, 24, 19, 3, 2, 0, 0, 0]
    # 18535395 has four cuts; the prose (其中主动公开政府信息1853条) chooses, and the website row may not exceed it
    assert _cells(XIAN_2013)[("active_total", "year")] == (1853, "value", "placed")
    assert (year["active_via_website"], cumulative["active_via_website"], year["active_via_gazette"], cumulative["active_via_gazette"]) == (1713, 5017, 0, 7)


def test_a_run_no_evidence_can_cut_stays_unreadable_with_its_candidates():
    """The same table's head without the prose that chose 1853."""
    cells, _ = I.read("指标名称计量单位2013年度历年累计主动公开信息数条18535395其中：1.网站公开条171350172.政府公报公开条07受理依申请公开信息总数条728")
    got = {(c.row, c.column): c for c in cells}
    assert got[("active_total", "year")].flag == "unreadable" and "1853" in got[("active_total", "year")].note
    assert (got[("requests_received", "year")].value, got[("requests_received", "cumulative")].value) == (7, 28)  # 728: only 7 | 28 has cumulative ≥ year


@pytest.mark.parametrize("name", ["2012_pingtan_github-pagetxt.txt", "2014_pingtan-guanweihui_github-pagetxt.txt", "2016_pingtan_github-pagetxt.txt"])
def test_the_zones_tables_read_whole(name):
    cells = _cells(name)
    assert cells and all(flag != "unreadable" for _, flag, _ in cells.values())
    assert all(c[5] == "pass" for c in report(name).check_rows)


def test_prose_rows_are_not_table_rows():
    """2012 县 prose: 其中当面申请数18条 (a sentence) before its table's 当面申请数条180."""
    assert _values("2012_pingtanxian_github-pagetxt.txt")["requests_received"] == 21
    assert I.read("2012年全县共收到申请21条，其中当面申请数18条，电子邮件申请数3条，对申请的答复数21条。") == ([], [])


def test_a_monthly_form_takes_the_year_from_its_second_column():
    """Shanghai-type forms (PRE2019.md §1.3: 指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计): the year's
    figure is 本年累计, the first column only the period's. The labels are 定西's, verbatim; no such
    report is in the corpus, so the rows are typed from the form."""
    cells, checks = I.read("指标名称 计量单位 代码 本期实际 本年累计 申请总数 条 10 3 41 其中：1.当面申请数 条 11 1 20 "
                           "2.网上申请数 条 14 2 21 对申请的答复总数 条 17 3 40 其中：1.同意公开答复数 条 18 2 30 2.同意部分公开答复数 条 19 1 10")
    got = {(c.row, c.column): c.value for c in cells}
    assert (got[("requests_received", I.YEAR)], got[("requests_received", I.PERIOD)]) == (41, 3)
    assert (got[("requests_answered", I.YEAR)], got[("ans_granted", I.YEAR)]) == (40, 30)
    assert {(c["check"], c["scope"]): c["status"] for c in checks}[("indicators.channels", I.YEAR)] == "pass"


def test_running_totals_across_years_find_the_known_breaks(store_dir):
    """indicators.cumulative: 历年累计 = last year's + this year's. PRE2019.md §4.4 read by hand:
    平潭县 2011→2013 holds in every row; the zone breaks 2012→2013 (4359 + 72804 ≠ 76424), re-bases
    in 2017 (10037) and loses its one request of 2015 in 2016; 2014 (the 区县 merger) is not judged."""
    import pandas as pd

    checks = pd.read_parquet(store_dir / "checks.parquet")
    files = pd.read_parquet(store_dir / "reports.parquet").set_index("report_id")["source_path"]
    cum = checks[checks["check"] == "indicators.cumulative"].assign(file=lambda d: d["report_id"].map(files))
    xian = cum[cum["file"].str.startswith(("2012_pingtanxian", "2013_pingtanxian"))]
    assert len(xian) == 34 and set(xian["status"]) == {"pass"}
    fails = sorted(zip(cum.loc[cum["status"] == "fail", "file"].str[:4], cum.loc[cum["status"] == "fail", "scope"]))
    assert fails == [("2013", "active_total"), ("2013", "active_via_website"),
                     ("2016", "ans_granted"), ("2016", "requests_answered"), ("2016", "requests_received"), ("2016", "via_letter_fax"),
                     ("2017", "active_total"), ("2017", "active_via_website")]  # fmt: skip
    assert set(cum.loc[cum["file"].str.startswith("2014_"), "status"]) == {"not_assessable"}
    assert cum.loc[cum["file"].str.startswith("2015_pingtan") & (cum["scope"] == "active_total"), "expected"].item() == 81916  # 78967 + 2949: the prose's cut holds
