"""Every report of the corpus: statuses, recovered collapsed cells, genuine check failures."""

from __future__ import annotations

import re

import pytest
from conftest import RAW, report, table

from ogi import templates
from ogi.problems import Kind

COMPLETE_OK = [
    "000_98d5d9cfaf16f11b.txt",
    "2019_shanghai-bangongting_github-jsstring.html",
    "2021_pingtan_page.html",
    "2023_pingtan_page.html",
]
PINGTAN_TEXT = [f"{y}_pingtan_github-pagetxt.txt" for y in range(2019, 2026)]
PRE2019 = [
    "2011_pingtanxian_github-pagetxt.txt",  # indicator table 指标名称 … 计量单位
    "2012_pingtan_github-pagetxt.txt",
    "2012_pingtanxian_github-pagetxt.txt",
    "2013_pingtan_github-pagetxt.txt",
    "2013_pingtanxian_github-pagetxt.txt",
    "2013_pingtan-dishuiju_github-pagetxt.txt",
    "2014_pingtan-guanweihui_github-pagetxt.txt",
    "2015_pingtan_github-pagetxt.txt",
    "2016_pingtan_github-pagetxt.txt",
    "2017_pingtan_github-pagetxt.txt",
    "2018_pingtan_github-pagetxt.txt",
]
EXCERPTS = [
    "2019_meihekou-shenjiju_page.txt",
    "2020_linfen-kaifaqu_page.txt",
    "2020_panzhihua-xiqu-shenjiju_page.txt",
    "2020_shenjiju-flipbook_page9.txt",
    "2020_taojiang-shenjiju_page.txt",
    "2020_wudingxian-shenjiju_page-mirror.txt",
    "2020_yaozhou-shenjiju_page.txt",
    "2020_yueqing-shenjiju_page.txt",
    "2022_gaoping-bangongshi_page.txt",
    "2022_lixian-shenjiju_page.txt",
    "2022_shanghai_page.txt",
    "2023_gaoping-bangongshi_page.txt",
    "2023_linfen-tongjiju_page.txt",
    "2024_jinzhou_page-mirror.txt",
    "2024_unknown-szfgs_github-pdftext.txt",
]


@pytest.mark.parametrize("name", COMPLETE_OK)
def test_complete_reports_are_ok(name):
    r = report(name)
    assert r.status == "ok", r.meta["message"]
    assert not (r.cells["flag"] == "unreadable").any()
    assert (r.checks["status"] != "fail").all()


@pytest.mark.parametrize("name", PINGTAN_TEXT)
def test_collapsed_pingtan_recovers_every_requests_and_appeals_cell(name):
    r = report(name)
    c = r.cells
    core = c[c["table"].isin(["requests", "appeals"])]
    expected_rows = templates.request_rows(r.meta["format"], single_other=r.meta["format"] == "v2019")
    assert len(core) == len(expected_rows) * 7 + 15
    assert (core["flag"] == "value").all()
    assert r.meta["agency"] == "平潭综合实验区"
    assert r.meta["year"] == int(name[:4])
    # active cells are either recovered unambiguously or flagged with their candidates — never guessed
    active = c[c["table"] == "active"]
    flagged = active[active["flag"] == "unreadable"]
    assert flagged["note"].str.contains("collapsed digits|values for|candidates").all()
    # a complete report: ok, with the active cells no identity settles counted in the message
    assert r.status == "ok", r.meta["message"]
    if len(flagged):
        assert f"unreadable cells: active {len(flagged)}" in r.meta["message"]


def test_pingtan_2019_numbers():
    t = table(report("2019_pingtan_github-pagetxt.txt"), "requests")
    # printed as "230 000023", "7000007", "（七）总计23 0 00 0 023"
    assert list(t["new_received"].values()) == [23, 0, 0, 0, 0, 0, 23]
    assert list(t["granted"].values()) == [7, 0, 0, 0, 0, 0, 7]
    assert list(t["unavailable_not_held"].values()) == [7, 0, 0, 0, 0, 0, 7]
    assert list(t["unavailable_unclear"].values()) == [5, 0, 0, 0, 0, 0, 5]
    assert list(t["total_processed"].values()) == [23, 0, 0, 0, 0, 0, 23]
    assert "other" in t and "other_misc" not in t  # v2019: （六） is one row
    a = report("2019_pingtan_github-pagetxt.txt")
    assert a.meta["format"] == "v2019"
    assert table(a, "active")["regulations"] == {"made": 0, "published": 0, "total_published": 0}  # "规章000"
    # "规范性文件898989" splits many ways: flagged with candidates, not guessed
    n = a.cells[(a.cells["row"] == "normative_documents")]
    assert (n["flag"] == "unreadable").all() and n["note"].str.contains("candidates").all()


def test_pingtan_2024_numbers():
    r = report("2024_pingtan_github-pagetxt.txt")
    t = table(r, "requests")
    assert list(t["new_received"].values()) == [217, 1, 0, 0, 0, 0, 218]  # "21710000218"
    assert list(t["withheld_internal"].values()) == [32, 0, 0, 0, 0, 0, 32]  # "3200000326." (6 enumerates the next row)
    assert list(t["other_misc"].values()) == [1, 1, 0, 0, 0, 0, 2]
    assert list(t["total_processed"].values()) == [217, 1, 0, 0, 0, 0, 218]
    a = table(r, "appeals")  # "21317000001324019"
    assert list(a["review"].values()) == [2, 1, 3, 1, 7]
    assert list(a["litigation_direct"].values()) == [0, 0, 0, 0, 0]
    assert list(a["litigation_after_review"].values()) == [13, 2, 4, 0, 19]
    assert (r.checks["status"] == "pass").all()


def test_pingtan_2025_numbers():
    r = report("2025_pingtan_github-pagetxt.txt")
    t = table(r, "requests")
    assert list(t["new_received"].values()) == [151, 3, 0, 0, 0, 0, 154]
    assert list(t["unavailable_not_held"].values()) == [49, 1, 0, 0, 0, 0, 50]
    assert list(t["carried_forward"].values()) == [4, 2, 0, 0, 0, 0, 6]
    a = table(r, "appeals")  # "25380363300630003"
    assert list(a["review"].values()) == [25, 3, 8, 0, 36]
    assert list(a["litigation_direct"].values()) == [3, 3, 0, 0, 6]
    assert list(a["litigation_after_review"].values()) == [3, 0, 0, 0, 3]


@pytest.mark.parametrize("year", [2021, 2023])
def test_collapsed_text_matches_the_real_html_page(year):
    """The same report as a collapsed text dump and as the saved page: recovered cells equal the HTML's."""
    text = report(f"{year}_pingtan_github-pagetxt.txt").cells.set_index(["table", "row", "column"])
    html = report(f"{year}_pingtan_page.html").cells.set_index(["table", "row", "column"])
    assert len(html) == 200 and (html["flag"] == "value").all()
    assert set(text.index) == set(html.index)
    recovered = text[text["flag"] == "value"]
    assert len(recovered) == 197
    assert (recovered["value"] == html.loc[recovered.index, "value"]).all()
    # the three normative-document cells are ambiguous in the dump; the HTML settles them
    ambiguous = text[text["flag"] == "unreadable"]
    assert set(ambiguous.index.get_level_values("row")) == {"normative_documents"}


def test_pingtan_2020_failing_checks_are_in_the_source():
    """2020: outcomes add up to 26 (total column 27) but （七）总计 prints 20 (21): a source error."""
    r = report("2020_pingtan_github-pagetxt.txt")
    fails = r.checks[r.checks["status"] == "fail"].set_index("scope")
    assert set(fails.index) == {"natural_person", "total"}
    assert (fails["check"] == "requests.outcomes").all()
    assert fails.loc["natural_person", ["expected", "observed"]].tolist() == [20, 26]
    assert fails.loc["total", ["expected", "observed"]].tolist() == [21, 27]
    t = table(r, "requests")
    assert list(t["other"].values()) == [4, 0, 0, 0, 0, 0, 4]  # "（六）其他处理4 0 0 0 0 0 4"
    assert list(t["total_processed"].values()) == [20, 0, 0, 0, 0, 1, 21]  # "20 0 00 0 121"


def test_pingtan_2020_procurement_amount_glued_to_its_count():
    """"政府集中采购39573802895.90元": the project count runs into the amount. Nothing decides the
    cut, so both cells are flagged with the digit splits as candidates (the fraction and the unit
    stay with the amount), never read as one number placed in either cell."""
    r = report("2020_pingtan_github-pagetxt.txt")
    cells = r.cells.set_index(["table", "row", "column"])
    projects, amount = cells.loc[("active", "procurement", "projects")], cells.loc[("active", "procurement", "amount")]
    assert projects["flag"] == amount["flag"] == "unreadable"
    assert projects["method"] == "recovered" and projects["raw"] == "39573802895.90元"
    assert "candidates 3, 39, 395, 3957, 39573, 3957380," in projects["note"]  # 395738|02895.90: no leading zero
    assert "candidates 5.9, 95.9, 895.9, 2895.9, 802895.9," in amount["note"]


def test_pingtan_2020_signed_change_glued_to_its_stock():
    """"行政事业性收费35-15": the sign starts the 本年增/减 cell, so the run is 35 | -15, read as
    printed (raw "35-15", each cell pointing at its own digits); "行政处罚2648-18538" leaves the
    change and the decisions open (-18|538, -185|38, …): flagged with the candidates."""
    r = report("2020_pingtan_github-pagetxt.txt")
    cells = r.cells.set_index(["table", "row", "column"])
    prior, change = cells.loc[("active", "fees", "prior_items")], cells.loc[("active", "fees", "change")]
    assert (prior["value"], change["value"]) == (35, -15)
    assert prior["raw"] == change["raw"] == "35-15"
    assert prior["locator"].endswith("digits 1-2") and change["locator"].endswith("digits 3-5")  # "-15", its sign included
    penalty = {c: cells.loc[("active", "penalty", c)] for c in ("prior_items", "change", "decisions")}
    assert penalty["prior_items"]["value"] == 2648
    assert penalty["change"]["flag"] == penalty["decisions"]["flag"] == "unreadable"


def test_shanghai_2019_html_blank_totals():
    """Shanghai leaves 总计 blank on the outcome rows and writes zeros as &nbsp;: blanks, not zeros."""
    r = report("2019_shanghai-bangongting_github-jsstring.html")
    assert (r.meta["agency"], r.meta["year"], r.meta["format"]) == ("上海市人民政府办公厅", 2019, "v2019")
    t = table(r, "requests")
    assert [t["granted"][c] for c in templates.REQUEST_COLUMNS] == [258, 12, None, None, 1, 1, None]
    assert t["new_received"]["total"] == 859 and t["total_processed"]["total"] == 805
    cells = r.cells.set_index(["table", "row", "column"])
    assert cells.loc[("requests", "granted", "total"), "flag"] == "blank"
    assert cells.loc[("active", "procurement", "amount"), "raw"] == "251000元"
    assert cells.loc[("active", "procurement", "amount"), "value"] == 251000
    assert table(r, "active")["regulations"] == {"made": 13, "published": 13, "total_published": 524}
    assert list(table(r, "appeals")["review"].values()) == [5, None, None, 2, 7]
    checks = r.checks.set_index(["check", "scope"])
    # the blank 总计 cells make the outcome total not assessable, never a pass
    assert checks.loc[("requests.outcomes", "total"), "status"] == "not_assessable"
    assert checks.loc[("requests.balance", "natural_person"), "status"] == "pass"


@pytest.mark.parametrize("name", PRE2019)
def test_pre2019_reports(name):
    r = report(name)
    assert (r.status, r.meta["format"]) == ("partial", "pre2019")
    assert r.meta["message"].startswith("pre-2019 format: no standard tables")
    assert set(r.cells["table"]) <= {"indicators"}  # its 附表, where it prints one (test_indicators)
    assert "unreadable" not in set(r.cells["flag"])


def test_status_partial_when_a_core_cell_is_unreadable():
    """Unreadable active cells leave a complete report ok; an unreadable requests cell does not."""
    from ogi.problems import Kind, Problem, status

    unreadable = lambda **n: Problem(Kind.UNREADABLE_CELLS, counts=tuple(n.items()))  # noqa: E731
    assert status([unreadable(active=3)]) == "ok"
    assert status([unreadable(requests=1)]) == "partial"
    assert status([unreadable(appeals=2, active=1)]) == "partial"
    assert status([Problem(Kind.MISSING_TABLE, tables=("appeals",))]) == "partial"
    assert status([Problem(Kind.MISSING_ROWS, tables=("requests",), rows=("granted",))]) == "partial"
    assert status([Problem(Kind.TIME_LIMIT), Problem(Kind.MISSING_ROWS)]) == "failed"
    assert status([Problem(Kind.NO_AGENCY), Problem(Kind.RECOVERED_CELLS, counts=(("cells", 3),))]) == "ok"


def test_pinyin_injected_mirror_is_read_as_pre2019():
    """The 广州 mirror injects readings after characters (報(bào)告, 依申請(qǐng)公開政府信息情況)."""
    r = report("2012_guangzhou_page-mirror-traditional.txt")
    assert (r.status, r.meta["format"], r.meta["year"], r.meta["script"]) == ("partial", "pre2019", 2012, "traditional")
    assert r.meta["agency"] == "广州市人民政府"  # the name it prints above the date (廣州市人民政府 / 2013年3月), not the site's


@pytest.mark.parametrize("name", EXCERPTS)
def test_truncated_excerpts_are_partial(name):
    r = report(name)
    assert r.status == "partial"
    assert r.meta["message"]
    assert not (r.checks["status"] == "fail").any()


def test_excerpt_cells_that_are_present():
    wuding = table(report("2020_wudingxian-shenjiju_page-mirror.txt"), "active")
    assert wuding["regulations"] == {"made": 0, "published": 0, "total_published": None}  # "規章 |0 |0 ||"
    assert report("2020_wudingxian-shenjiju_page-mirror.txt").meta["script"] == "traditional"
    lixian = report("2022_lixian-shenjiju_page.txt")
    assert lixian.meta["format"] == "v2021" and len(lixian.cells) == 10  # table 二 complete
    pdf_text = table(report("2024_unknown-szfgs_github-pdftext.txt"), "requests")
    assert list(pdf_text["new_received"].values()) == [3001, 53, 0, 0, 61, 4, 3119]
    assert list(pdf_text["partially_granted"].values()) == [447, 7, 0, 0, 0, 0, 454]  # label wrapped over two lines
    assert list(pdf_text["unavailable_not_held"].values()) == [746, 12, 0, 0, 10, 1, 769]
    assert table(report("2024_unknown-szfgs_github-pdftext.txt"), "active")["penalty"] == {"decisions": 3985758}
    flip = table(report("2020_shenjiju-flipbook_page9.txt"), "appeals")
    assert all(v == 0 for row in flip.values() for v in row.values()) and len(flip) == 3


def test_every_shipped_file_reads_without_exception():
    for p in sorted(RAW.iterdir()):
        if p.name == "SOURCES.csv":
            continue
        r = report(p.name)
        assert r.status in ("ok", "partial", "failed", "not_a_report")
        assert not (r.meta["message"] or "").startswith("internal error"), (p.name, r.meta["message"])


def test_generic_markdown_headers_are_no_rows():
    """沭阳县 2025: every requests row is its own table under `| 类别 | 数据1 … 数据6 | 总计 |`; the
    header's ordinals are no values, so no row is reported as outside the official format."""
    rep = report("2025_shuyang-county_txt.txt")
    assert rep.status == "ok" and rep.meta["message"] is None


def _cells(rep) -> dict:
    """(table, row, column) → (value, flag) of every cell a report read."""
    return {c[1:4]: c[4:6] for c in rep.cell_rows}


def _shuyang_as(change) -> tuple[dict, dict]:
    from ogi.report import read_bytes

    src = (RAW / "2025_shuyang-county_txt.txt").read_text(encoding="utf-8")
    return _cells(read_bytes(src.encode(), name="a.md")), _cells(read_bytes(change(src).encode(), name="a.md"))


@pytest.mark.parametrize(
    "change",
    [
        lambda s: "\n".join(ln.strip().strip("|") if ln.startswith("|") else ln for ln in s.split("\n")),  # GFM tables without outer pipes
        lambda s: "\n".join(ln.strip().strip("|") if ln.startswith("|") else ln for ln in s.replace("|---", "|-").split("\n")),  # and one-dash delimiters
        lambda s: s.replace("| 0 |", "| 0&nbsp; |").replace("| 705 |", "| &#55;&#48;&#53; |"),  # character references a converter left
        lambda s: re.sub(r"\| (\d+) (?=\|)", r"| **\1** ", s),  # bold numbers (a Word table's bold totals)
        lambda s: re.sub(r"\| (\d+) (?=\|)", r"| _\1_ ", s),  # italic numbers
        lambda s: re.sub(r"\| ([\u4e00-\u9fff]{3})([\u4e00-\u9fff]{3,}) (?=\|)", r"| \1<br>\2 ", s),  # a label's line break kept as <br>
    ],
    ids=["no-outer-pipes", "one-dash-delimiters", "html-entities", "bold", "italic", "br-in-labels"],
)
def test_markdown_as_other_converters_write_it_reads_the_same(change):
    """沭阳县 2025's markdown as other converters write tables: every cell as in the file itself."""
    want, got = _shuyang_as(change)
    assert len(want) == 200 and got == want


@pytest.mark.parametrize("line_end", ["\u2028", "\u2029", "\x85", "\x0b", "<br>", "<br/>\n", "\\n", "\\r\\n"], ids=["U+2028", "U+2029", "NEL", "VT", "br", "br-newline", "escaped-n", "escaped-crlf"])
def test_a_dump_with_other_line_ends_reads_as_with_line_feeds(line_end):
    """莆田林业局 2019, one cell per line with repeats merged, its lines ended as a script (U+2028,
    U+2029), an old mainframe (NEL) or a copy from Word (\\v) writes them, or as a scraper kept them
    (<br> tags, escapes): every cell as in the file. Before, the dump was one line (or its values
    ended in <br/>) and 185 or more of its cells were unread."""
    from ogi.report import read_bytes

    src = (RAW / "2019_putian-linyeju_page.txt").read_text(encoding="utf-8")
    want = _cells(read_bytes(src.encode(), name="a.txt"))
    assert sum(flag == "value" for _, flag in want.values()) == 198
    assert _cells(read_bytes(src.replace("\n", line_end).encode(), name="a.txt")) == want


@pytest.mark.parametrize("marker", [r"\1/12", r"第\1页，共12页", r"共12页 第\1页", r"第 \1 页", r"- \1 -", r"·\1·"])
def test_page_markers_of_other_printers_between_torn_rows_are_no_cells(marker):
    """上海 2025's torn conversion with its page markers (— 4 —) printed as other PDFs print them."""
    from ogi.report import read_bytes

    src = (RAW / "2025_shanghai-office_md.md").read_text(encoding="utf-8")
    want = _cells(read_bytes(src.encode(), name="a.md"))
    assert len(want) == 194 and _cells(read_bytes(re.sub(r"— (\d+) —", marker, src).encode(), name="a.md")) == want


# what printers put on every page, as (footer, header) lines; {page} and {title} are filled in
_PAGE_FURNITURE = {
    "a browser's date and address": ("http://www.example.gov.cn/art/2024/1/20/art_1_3.html {page}/9", "2024/1/20 10:23 {title}"),
    "a running head beside the page marker": ("{title} · {page} ·", "— {page} — {title}"),
}


@pytest.mark.parametrize("furniture", sorted(_PAGE_FURNITURE))
@pytest.mark.parametrize("name", ["2022_sanming_page.txt", "2022_putian-shenjiju_page.txt", "2025_shanghai-office_md.md"])
def test_page_furniture_printed_between_rows_is_no_cell(name, furniture):
    """A page printed to PDF carries on every page a footer and a header: a browser's (the page's
    address and count, the date and time and title), or a document's running head (its title
    beside the page's marker); its text then holds them between the table's rows. Their digits
    are no cells: 2024 read as 三明's 行政强制 before, 3 as 莆田审计局's 行政处罚."""
    from ogi.report import read_bytes

    src = (RAW / name).read_text(encoding="utf-8")
    want = _cells(read_bytes(src.encode(), name=name))
    lines = src.split("\n")
    title = next(ln.strip() for ln in lines if "年度报告" in ln)[:40]
    footer, header = _PAGE_FURNITURE[furniture]
    for at in range(len(lines) - 40, 0, -40):  # from the end, so earlier line numbers hold
        lines[at:at] = [footer.format(page=at // 40, title=title), header.format(page=at // 40 + 1, title=title)]
    got = _cells(read_bytes("\n".join(lines).encode(), name=name))
    assert len(want) >= 190 and got == want


@pytest.mark.parametrize("caption", ["表2", "表 3：收到和处理政府信息公开申请情况", "附表1"])
def test_a_table_caption_before_a_value_lends_it_no_number(caption):
    """A caption line (表2) inside 三明's dump, just before 行政强制's 12248: its number is the
    table's, never a cell (before, 行政强制 read 3 or 1). A cell the caption cuts off is flagged;
    every other cell reads as before."""
    from ogi.report import read_bytes

    src = (RAW / "2022_sanming_page.txt").read_text(encoding="utf-8")
    want = _cells(read_bytes(src.encode(), name="a.txt"))
    assert want[("active", "coercion", "decisions")] == (12248.0, "value")
    lines = src.split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "12248")
    rep = read_bytes("\n".join(lines[:at] + [caption] + lines[at:]).encode(), name="a.txt")
    got = _cells(rep)
    changed = {k: g for k, g in got.items() if g != want[k]}
    assert all(flag == "unreadable" for _, flag in changed.values()), changed
    missing = {(p.tables[0], row) for p in rep.problems if p.kind is Kind.MISSING_ROWS for row in p.rows}
    assert {k[:2] for k in want.keys() - got.keys()} <= missing


def _split_every_table(html: str, at: int, marker: str | None) -> str:
    """The page as a Word export breaks a table across pages: each table's rows from `at` on move
    into a second table, with the page's marker (or nothing) between the two."""
    from lxml import etree

    from ogi.extract.html import parse_html

    doc = parse_html(html)
    for grid in [t for t in doc.iter("table") if t.find(".//table") is None]:
        rows = grid.xpath("./tr|./*/tr")
        if len(rows) <= at:
            continue
        rest = etree.Element("table", grid.attrib)
        for row in rows[at:]:
            rest.append(row)
        grid.addnext(rest)
        if marker:
            page = etree.Element("p")
            page.text = marker
            grid.addnext(page)
    return etree.tostring(doc, encoding="unicode")


@pytest.mark.parametrize("marker", [None, "3", "- 3 -", "第3页"])
@pytest.mark.parametrize("name", ["2023_pingtan_page.html", "2021_pingtan_page.html", "2019_shanghai-bangongting_github-jsstring.html"])
def test_html_table_broken_across_pages_reads_the_same(name, marker):
    """A saved page whose tables continue after a page break (a bare page number between the parts
    shifted the values of 上海 2019's appeals table silently): every cell as on the real page."""
    from ogi.report import read_bytes

    src = (RAW / name).read_bytes()
    want = _cells(read_bytes(src, name="a.html"))
    assert len(want) > 150
    for at in (3, 7, 12):
        assert _cells(read_bytes(_split_every_table(src.decode("utf-8"), at, marker).encode(), name="a.html")) == want, at
