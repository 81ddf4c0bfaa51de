"""PDF (text layer) and Word inputs: every printed number of the real PDFs; a Word file built
with the official merged-cell layout from a real report's numbers reads back the same."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import RAW, report, table
from docx_builder import build
from test_reader_seed import ACTIVE as SEED_ACTIVE
from test_reader_seed import APPEALS as SEED_APPEALS
from test_reader_seed import REQUESTS as SEED_REQUESTS

from ogi import read_report, templates

COLS = templates.REQUEST_COLUMNS

HUAIAN_REQUESTS = {  # 淮安市人民政府 2024, pages 4–5 of the PDF
    "new_received": (3001, 53, 0, 0, 61, 4, 3119),
    "carried_over": (34, 0, 0, 0, 0, 0, 34),
    "granted": (1288, 21, 0, 0, 50, 3, 1362),
    "partially_granted": (447, 7, 0, 0, 0, 0, 454),
    "withheld_state_secret": (2, 0, 0, 0, 0, 0, 2),
    "withheld_law": (30, 1, 0, 0, 0, 0, 31),
    "withheld_security_stability": (5, 0, 0, 0, 0, 0, 5),
    "withheld_third_party": (6, 0, 0, 0, 0, 0, 6),
    "withheld_internal": (7, 1, 0, 0, 0, 0, 8),
    "withheld_deliberative": (12, 0, 0, 0, 0, 0, 12),
    "withheld_enforcement": (9, 0, 0, 0, 0, 0, 9),
    "withheld_query": (105, 0, 0, 0, 0, 0, 105),
    "unavailable_not_held": (746, 12, 0, 0, 10, 1, 769),  # the table breaks across pages 4 and 5 here
    "unavailable_needs_creation": (11, 0, 0, 0, 0, 0, 11),
    "unavailable_unclear": (1, 0, 0, 0, 0, 0, 1),
    "declined_petition": (56, 6, 0, 0, 0, 0, 62),
    "declined_repeat": (25, 0, 0, 0, 0, 0, 25),
    "declined_publication": (0, 0, 0, 0, 0, 0, 0),
    "declined_excessive": (0, 0, 0, 0, 0, 0, 0),
    "declined_confirmation": (1, 0, 0, 0, 0, 0, 1),
    "other_no_correction": (67, 3, 0, 0, 1, 0, 71),
    "other_unpaid_fee": (6, 0, 0, 0, 0, 0, 6),
    "other_misc": (108, 2, 0, 0, 0, 0, 110),
    "total_processed": (2932, 53, 0, 0, 61, 4, 3050),
    "carried_forward": (103, 0, 0, 0, 0, 0, 103),
}


# 洪泽区: every request came from natural persons; (natural_person == total, other columns 0)
HONGZE_2023 = dict(new_received=21, carried_over=0, granted=0, partially_granted=4, withheld_state_secret=1, withheld_law=0,
                   withheld_security_stability=0, withheld_third_party=0, withheld_internal=0, withheld_deliberative=1,
                   withheld_enforcement=1, withheld_query=0, unavailable_not_held=10, unavailable_needs_creation=3,
                   unavailable_unclear=0, declined_petition=1, declined_repeat=0, declined_publication=0, declined_excessive=0,
                   declined_confirmation=0, other=0, total_processed=21, carried_forward=0)  # fmt: skip
HONGZE_2024 = dict(new_received=95, carried_over=0, granted=50, partially_granted=9, withheld_state_secret=0, withheld_law=0,
                   withheld_security_stability=1, withheld_third_party=0, withheld_internal=0, withheld_deliberative=1,
                   withheld_enforcement=1, withheld_query=0, unavailable_not_held=31, unavailable_needs_creation=1,
                   unavailable_unclear=0, declined_petition=1, declined_repeat=0, declined_publication=0, declined_excessive=0,
                   declined_confirmation=0, other=0, total_processed=95, carried_forward=0)  # fmt: skip


def _natural_only(d):
    return {r: dict(zip(COLS, map(float, (v, 0, 0, 0, 0, 0, v)))) for r, v in d.items()}


def _rows(d):
    return {r: dict(zip(COLS, map(float, v))) for r, v in d.items()}


def test_huaian_2024_every_number():
    r = report("2024_huaian-city_pdf.pdf")
    assert (r.status, r.meta["format"], r.meta["year"], r.meta["input_kind"]) == ("ok", "v2021", 2024, "pdf")
    assert r.meta["agency"] == "淮安市人民政府"
    assert len(r.cells) == 200 and (r.cells["flag"] == "value").all()
    assert table(r, "requests") == _rows(HUAIAN_REQUESTS)
    assert table(r, "active") == {
        "regulations": {"issued": 1, "repealed": 0, "in_force": 11},
        "normative_documents": {"issued": 8, "repealed": 26, "in_force": 66},
        "licensing": {"decisions": 447228},
        "penalty": {"decisions": 3985758},
        "coercion": {"decisions": 88283},
        "fees": {"amount_10k_yuan": 96171.6},
    }
    a = table(r, "appeals")
    assert [list(a[k].values()) for k in templates.APPEAL_ROWS] == [[72, 64, 178, 37, 351], [13, 4, 8, 1, 26], [12, 1, 1, 6, 20]]
    assert (r.checks["status"] == "pass").all()
    loc = r.cells.set_index(["table", "row", "column"]).loc[("requests", "unavailable_needs_creation", "total"), "locator"]
    assert loc.startswith("page 5 table")


def test_hongze_2023_source_errors_stay_printed():
    r = report("2023_hongze-district_pdf.pdf")
    assert (r.status, r.meta["format"], r.meta["year"]) == ("ok", "v2021", 2023)
    t = table(r, "requests")
    assert t == _natural_only(HONGZE_2023)  # （六）其他处理 printed as one row: `other`
    # the source prints 2.其他法律行政止公开 (sic): matched approximately, and said so
    cells = r.cells.set_index(["table", "row", "column"])
    assert "approximately" in cells.loc[("requests", "withheld_law", "total"), "note"]
    a = table(r, "appeals")
    assert list(a["review"].values()) == [10, 1, 0, 0, 0]  # 10 + 1 + 0 + 0 ≠ 总计 0, as printed
    assert list(a["litigation_after_review"].values()) == [5, 0, 0, 0, 0]
    fails = r.checks[r.checks["status"] == "fail"]
    assert set(zip(fails["check"], fails["scope"])) == {("appeals.total", "review"), ("appeals.total", "litigation_after_review")}
    assert table(r, "active") == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "repealed": 5, "in_force": 5},
        "licensing": {"decisions": 550},
        "penalty": {"decisions": 4119},
        "coercion": {"decisions": 195},
        "fees": {"amount_10k_yuan": 7730.28},
    }
    assert list(a["litigation_direct"].values()) == [0, 0, 0, 0, 0]


def test_hongze_2024_single_other_row_in_a_v2021_report():
    r = report("2024_hongze-district_pdf.pdf")
    assert (r.status, r.meta["format"]) == ("ok", "v2021")
    t = table(r, "requests")
    assert t == _natural_only(HONGZE_2024)
    assert "other_no_correction" not in t and len(t) == 23
    a = table(r, "appeals")
    assert [list(a[k].values()) for k in templates.APPEAL_ROWS] == [[1, 1, 0, 0, 2], [1, 0, 0, 0, 1], [2, 0, 1, 0, 3]]
    assert table(r, "active") == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 3, "repealed": 0, "in_force": 8},
        "licensing": {"decisions": 9487},
        "penalty": {"decisions": 2776},
        "coercion": {"decisions": 84},
        "fees": {"amount_10k_yuan": 7545},
    }
    assert (r.checks["status"] == "pass").all()


def test_hongze_years_join_for_cross_year_checks(store_dir):
    import ogi

    c = ogi.load(store_dir, years=[2024])
    rid = c.reports.set_index("source_path").loc["2024_hongze-district_pdf.pdf", "report_id"]
    carry = c.checks[(c.checks["report_id"] == rid) & (c.checks["check"] == "requests.carry")]
    assert len(carry) == 7 and (carry["status"] == "pass").all()  # 洪泽区人民政府 2023 → 淮安市洪泽区人民政府 2024


def test_image_only_pdf(tmp_path):
    fig, ax = plt.subplots()
    ax.imshow(np.random.default_rng(1).random((20, 20)))
    ax.axis("off")
    fig.savefig(tmp_path / "scan.pdf")
    plt.close(fig)
    r = read_report(tmp_path / "scan.pdf")
    assert (r.status, r.meta["message"]) == ("partial", "image-only PDF: no text layer")


def test_truncated_pdf_is_failed_not_raised(tmp_path):
    data = (report.__globals__["RAW"] / "2024_hongze-district_pdf.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: len(data) // 3])
    r = read_report(p)
    assert r.status in ("failed", "partial")
    assert r.meta["message"]


def test_docx_with_official_merged_cells_reads_back_the_seed(tmp_path):
    path = tmp_path / "linfen2023.docx"
    build(path, "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    r = read_report(path)
    seed = report("000_98d5d9cfaf16f11b.txt")
    assert (r.status, r.meta["format"], r.meta["year"], r.meta["agency"], r.meta["input_kind"]) == ("ok", "v2021", 2023, "临汾市人民政府", "docx")
    for t in ("active", "requests", "appeals"):
        assert table(r, t) == table(seed, t)
    assert (r.checks["status"] == "pass").all()
    assert r.cells["locator"].str.match(r"table \d+ row \d+ col \d+").all()


def test_docx_zip_bomb_is_refused(tmp_path):
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    r = read_report(p)
    assert r.status == "failed" and "refused" in r.meta["message"]


@pytest.mark.parametrize("name", ["2024_huaian-city_pdf.pdf", "2023_hongze-district_pdf.pdf"])
def test_pdf_text_dump_reads_like_the_pdf(tmp_path, name):
    """The same report as plain PDF text (pypdfium2, page numbers between table parts, labels wrapped
    over lines, space-separated numbers) gives exactly the numbers read from the PDF's ruled tables."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(report.__globals__["RAW"] / name))
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    p = tmp_path / "dump.txt"
    p.write_text(text, encoding="utf-8")
    dumped = read_report(p)
    for t in ("active", "requests", "appeals"):
        assert table(dumped, t) == table(report(name), t)


@pytest.mark.parametrize("name", ["2023_hongze-district_pdf.pdf", "2024_hongze-district_pdf.pdf", "2024_huaian-city_pdf.pdf"])
def test_the_fast_pdf_path_reads_what_the_careful_one_reads(name):
    """PDFium's characters and ruling lines (pdffast) give the same cells as pdfplumber on the real PDFs."""
    from ogi.extract.pdf import extract_pdf
    from ogi.report import REPORT_COLUMNS, build_report

    data = (RAW / name).read_bytes()
    meta = dict.fromkeys(REPORT_COLUMNS)
    meta.update(report_id="x", source_path=name)
    fast = build_report(*extract_pdf(data)[:2], dict(meta))
    careful = build_report(*extract_pdf(data, careful=True)[:2], dict(meta))
    assert fast.meta["status"] == careful.meta["status"] == "ok"
    assert (fast.meta["agency"], fast.meta["year"]) == (careful.meta["agency"], careful.meta["year"])
    cells = lambda r: {(c[1], c[2], c[3]): (c[4], c[5]) for c in r.cell_rows}  # noqa: E731
    assert cells(fast) == cells(careful) and len(cells(fast)) >= 186


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _wrap(el, tag: str, inner: str | None = None):
    """Put el inside a new <w:tag> (inside its <w:inner> too, for a content control's sdtContent)."""
    from lxml import etree

    outer = etree.Element(W + tag)
    el.addprevious(outer)
    (etree.SubElement(outer, W + inner) if inner else outer).append(el)


def _numeric_runs(root) -> list:
    return [r for r in root.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")).strip().isdigit()][::3]


def _deleted_copy(run, tag: str):
    """Before the run, a copy of it printing 77, inside a <w:del> (as w:delText) or <w:moveFrom>."""
    import copy

    from lxml import etree

    gone = copy.deepcopy(run)
    for t in gone.iter(W + "t"):
        t.text = "77"
        if tag == "del":
            t.tag = W + "delText"
    wrapper = etree.Element(W + tag)
    wrapper.append(gone)
    run.addprevious(wrapper)


def _deleted_row(root):
    """A copy of each table's last row, its numbers 77, marked as a deleted row."""
    import copy

    from lxml import etree

    for tbl in root.iter(W + "tbl"):
        last = tbl.findall(W + "tr")[-1]
        row = copy.deepcopy(last)
        for t in row.iter(W + "t"):
            t.text = "77" if (t.text or "").strip().isdigit() else t.text
        props = row.find(W + "trPr")
        if props is None:
            props = etree.Element(W + "trPr")
            row.insert(0, props)
        etree.SubElement(props, W + "del")
        last.addnext(row)


def _in_layout_table(root):
    """The whole body inside the one cell of a layout table, as some offices lay out a page."""
    from lxml import etree

    body = root.find(W + "body")
    content = [el for el in body if el.tag != W + "sectPr"]
    cell = etree.SubElement(etree.SubElement(etree.Element(W + "tbl"), W + "tr"), W + "tc")
    content[0].addprevious(cell.getparent().getparent())
    for el in content:
        cell.append(el)
    etree.SubElement(cell, W + "p")  # a cell ends with a paragraph


def _run_copy_after(run, text: str, prop: str, val: str | None = None):
    """After the run, a copy of it printing `text` with one more run property: hidden text
    (<w:vanish/>, which Word never prints) or a superscript (<w:vertAlign w:val="superscript"/>)."""
    import copy

    from lxml import etree

    extra = copy.deepcopy(run)
    for t in extra.iter(W + "t"):
        t.text = text
    props = extra.find(W + "rPr")
    if props is None:
        props = etree.Element(W + "rPr")
        extra.insert(0, props)
    etree.SubElement(props, W + prop, {W + "val": val} if val else {})
    run.addnext(extra)


DOCX_WRAPPERS = {
    "layout-table": _in_layout_table,
    "hidden-text": lambda root: [_run_copy_after(r, "7", "vanish") for r in _numeric_runs(root)],
    "tracked-insertion": lambda root: [_wrap(r, "ins") for r in _numeric_runs(root)],
    "tracked-move": lambda root: [(_deleted_copy(r, "moveFrom"), _wrap(r, "moveTo")) for r in _numeric_runs(root)],
    "tracked-deletion": lambda root: [_deleted_copy(r, "del") for r in _numeric_runs(root)],
    "deleted-row": _deleted_row,
    "content-control-table": lambda root: [_wrap(t, "sdt", "sdtContent") for t in list(root.find(W + "body").iter(W + "tbl"))],
    "content-control-row": lambda root: [_wrap(tr, "sdt", "sdtContent") for tr in list(root.iter(W + "tr"))[::3]],
    "content-control-cell": lambda root: [_wrap(tc, "sdt", "sdtContent") for tc in list(root.iter(W + "tc"))[::3]],
    "content-control-run": lambda root: [_wrap(r, "sdt", "sdtContent") for r in _numeric_runs(root)],
    "smart-tag": lambda root: [_wrap(r, "smartTag") for r in _numeric_runs(root)],
    "simple-field": lambda root: [_wrap(r, "fldSimple") for r in _numeric_runs(root)],
}


@pytest.mark.parametrize("change", DOCX_WRAPPERS, ids=list(DOCX_WRAPPERS))
def test_docx_reads_as_word_prints_it_with_changes_accepted(tmp_path, change):
    """The seed's Word file with its numbers typed while changes were tracked, or inside content
    controls, smart tags or fields, with deleted text and a deleted row (77s) beside them, or
    laid out inside a one-cell table: every cell as Word shows it with the changes accepted.
    Before, the wrapped numbers read as empty cells, silently, and a table inside a content
    control or a layout table was not read at all. Hidden text (7s) is never read."""
    from ogi.report import read_bytes

    path = tmp_path / "seed.docx"
    build(path, "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    want = {c[1:6] for c in read_report(path).cell_rows}
    assert len(want) == 200
    got = read_bytes(_with_document_changed(path, DOCX_WRAPPERS[change]), name="seed.docx")
    assert {c[1:6] for c in got.cell_rows} == want


def _with_document_changed(path, change) -> bytes:
    """The .docx at path with change(root) applied to its word/document.xml."""
    import io
    import zipfile

    from lxml import etree

    changed = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(changed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, data)
    return changed.getvalue()


def test_a_superscript_footnote_mark_in_word_is_no_digit_of_its_number(tmp_path):
    """The seed's Word file with a footnote mark (a superscript 1) after every third number: the
    marked cells hold two numbers and are unreadable, no other cell changes. Before, 5¹ read as 51."""
    from ogi.report import read_bytes

    path = tmp_path / "seed.docx"
    build(path, "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    want = {c[1:4]: c[4:6] for c in read_report(path).cell_rows}
    got = {c[1:4]: c[4:6] for c in read_bytes(_with_document_changed(path, lambda root: [_run_copy_after(r, "1", "vertAlign", "superscript") for r in _numeric_runs(root)]), name="seed.docx").cell_rows}
    changed = {k: g for k, g in got.items() if g != want[k]}
    assert got.keys() == want.keys()
    assert len(changed) >= 40 and set(changed.values()) == {(None, "unreadable")}
