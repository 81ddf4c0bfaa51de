"""Agency and year as the real reports print them, without any manifest: from the title line (also
split over two lines or below the body's name), an announced title, a 发布机构 header, the
signature, the body as subject of 总体情况 — never a fragment of other prose; null when not printed."""

from __future__ import annotations

import pytest
from conftest import RAW, report

from ogi.naming import clean_name, find_agency_and_year
from ogi.report import read_reports


@pytest.mark.parametrize(
    "name, agency, year",
    [
        ("000_98d5d9cfaf16f11b.txt", '临汾市人民政府', 2023),
        ("2008_putian_page.txt", '莆田市人民政府', 2008),
        ("2011_linfen_page.txt", '临汾市人民政府', 2011),
        ("2011_pingtanxian_github-pagetxt.txt", '平潭县人民政府', 2011),
        ("2012_guangzhou_page-mirror-traditional.txt", '广州市人民政府', 2012),
        ("2012_pingtan_github-pagetxt.txt", '平潭综合实验区', 2012),
        ("2012_pingtanxian_github-pagetxt.txt", '平潭县人民政府', 2012),
        ("2013_pingtan-dishuiju_github-pagetxt.txt", '平潭综合实验区地方税务局', 2013),
        ("2013_pingtan_github-pagetxt.txt", '平潭综合实验区', 2013),
        ("2013_pingtanxian_github-pagetxt.txt", '平潭县人民政府', 2013),
        ("2014_pingtan-guanweihui_github-pagetxt.txt", '平潭综合实验区管委会', 2014),
        ("2015_pingtan_github-pagetxt.txt", '平潭综合实验区', 2015),
        ("2016_pingtan_github-pagetxt.txt", '平潭综合实验区', 2016),
        ("2017_pingtan_github-pagetxt.txt", '平潭综合实验区', 2017),
        ("2017_taizhou_page-mirror.txt", '泰州市人民政府', 2017),
        ("2018_pingtan_github-pagetxt.txt", '平潭综合实验区', 2018),
        ("2019_hebei-jiaoyuting_csvcell.txt", '河北省教育厅', 2019),
        ("2019_hebei-kejiting_csvcell.txt", '河北省科学技术厅', 2019),
        ("2019_meihekou-shenjiju_page.txt", None, 2019),
        ("2019_pingtan-gonganju_page.txt", '平潭综合实验区公安局', 2019),
        ("2019_pingtan_github-pagetxt.txt", '平潭综合实验区', 2019),
        ("2019_putian-linyeju_page.txt", '莆田市林业局', 2019),
        ("2019_shanghai-bangongting_github-jsstring.html", '上海市人民政府办公厅', 2019),
        ("2020_hebei-kejiting_csvcell.txt", '河北省科学技术厅', 2020),
        ("2020_linfen-kaifaqu_page.txt", '临汾经济开发区', 2020),
        ("2020_panzhihua-xiqu-shenjiju_page.txt", '攀枝花市西区审计局', 2020),
        ("2020_pingtan_github-pagetxt.txt", '平潭综合实验区', 2020),
        ("2020_shenjiju-flipbook_page9.txt", None, None),
        ("2020_taojiang-shenjiju_page.txt", None, 2020),
        ("2020_wudingxian-shenjiju_page-mirror.txt", '武定县审计局', 2020),
        ("2020_yaozhou-shenjiju_page.txt", '铜川市耀州区审计局', 2020),
        ("2020_yueqing-shenjiju_page.txt", '乐清市审计局', 2020),
        ("2021_hebei-kejiting_csvcell.txt", '河北省科学技术厅', 2021),
        ("2021_pingtan_github-pagetxt.txt", '平潭综合实验区', 2021),
        ("2021_pingtan_page.html", '平潭综合实验区', 2021),
        ("2022_gaoping-bangongshi_page.txt", '高平市人民政府办公室', 2022),
        ("2022_hebei-kejiting_csvcell.txt", '河北省科学技术厅', 2022),
        ("2022_lixian-shenjiju_page.txt", '蠡县审计局', 2022),
        ("2022_pingtan_github-pagetxt.txt", '平潭综合实验区', 2022),
        ("2022_putian-shenjiju_page.txt", '莆田市审计局', 2022),
        ("2022_sanming_page.txt", '三明市人民政府', 2022),
        ("2022_shanghai_page.txt", '上海市人民政府', 2022),
        ("2023_gaoping-bangongshi_page.txt", '高平市人民政府办公室', 2023),
        ("2023_hebei-kejiting_csvcell.txt", '河北省科学技术厅', 2023),
        ("2023_hongze-district_pdf.pdf", '洪泽区人民政府', 2023),
        ("2023_linfen-tongjiju_page.txt", '临汾市统计局', 2023),
        ("2023_pingtan-jingjifazhanju_page.txt", '平潭综合实验区经济发展局', 2023),
        ("2023_pingtan_github-pagetxt.txt", '平潭综合实验区', 2023),
        ("2023_pingtan_page.html", '平潭综合实验区', 2023),
        ("2024_hongze-district_pdf.pdf", '淮安市洪泽区人民政府', 2024),
        ("2024_huaian-city_pdf.pdf", '淮安市人民政府', 2024),
        ("2024_jinzhou_page-mirror.txt", '晋州市人民政府', 2024),
        ("2024_pingtan_github-pagetxt.txt", '平潭综合实验区', 2024),
        ("2024_unknown-szfgs_github-pdftext.txt", None, None),
        ("2025_pingtan_github-pagetxt.txt", '平潭综合实验区', 2025),
        ("2025_shanghai-office_md.md", '上海市人民政府办公厅', 2025),
        ("2025_shuyang-county_txt.txt", '沐阳县人民政府', 2025),
    ],
)
def test_printed_agency_and_year_of_every_real_report(name, agency, year):
    (rep,) = read_reports(RAW / name)
    assert (rep.meta["printed_agency"], rep.meta["printed_year"]) == (agency, year)


def test_sentence_fragments_are_no_names():
    # what the old title search took from prose in real reports (河北 departments, 上海 2025)
    for fragment in ["年厅", "我厅编写了", "全年在厅", "在市政府", "将相关内容在", "审计局", "市统计局"]:
        assert clean_name(fragment) is None, fragment
    assert clean_name("上海市") == "上海市人民政府"  # "上海市政府信息公开工作年度报告": the city's government
    assert clean_name("平潭综合实验区") == "平潭综合实验区"


def test_a_multi_year_statistics_period_is_the_report_of_its_last_year():
    text = "莆田市2008年度政府信息公开工作年度报告\n本报告中所列数据的统计期限自2003年1月1日起至2008年12月31日止。"
    assert find_agency_and_year(text) == ("莆田市人民政府", 2008)


def test_places_that_look_like_sentence_words_stay_names():
    for name in ["本溪市人民政府", "全椒县审计局", "向阳区人民政府"]:
        assert clean_name(name) == name


@pytest.mark.parametrize(
    "name, fmt",
    [("2022_gaoping-bangongshi_page.txt", "v2021"), ("2020_yueqing-shenjiju_page.txt", "v2019"), ("2022_shanghai_page.txt", "v2021")],
)
def test_an_excerpt_without_tables_takes_the_format_its_year_prescribes(name, fmt):
    rep = report(name)
    assert rep.meta["format"] == fmt and "format_from_year" in rep.meta["problems"]
    assert rep.meta["status"] == "partial"  # still no table read: the format is no number


def test_a_format_read_from_the_tables_is_not_replaced():
    rep = report("2019_putian-linyeju_page.txt")
    assert rep.meta["format"] == "v2019" and "format_from_year" not in rep.meta["problems"]
