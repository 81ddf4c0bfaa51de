"""Scanned reports read by OCR (extract/ocr.py, ocrtrust.py): simulated scans of the three real
PDFs (tests/scans.py: 200 dpi, ±0.7°, blur, noise σ 8, JPEG 60, no text layer) must give the
numbers their text layer gives — at least 99 % of the 572, none silently wrong."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
import scans
from conftest import RAW, report

from ogi import align, read_report
from ogi.extract import ocr
from ogi.ingest import ingest
from ogi.ocrtrust import trusted
from ogi.report import read_bytes

PDFS = ["2023_hongze-district_pdf.pdf", "2024_hongze-district_pdf.pdf", "2024_huaian-city_pdf.pdf"]
LOCATOR = re.compile(r"^page \d+ table \d+ row \d+ col \d+ px \d+,\d+,\d+,\d+$")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The three scans ingested like any corpus (two processes: OCR runs in parallel across files)."""
    raw = tmp_path_factory.mktemp("scans")
    for name in PDFS:
        (raw / name).write_bytes(scans.scan((RAW / name).read_bytes()))
    return ingest(raw, tmp_path_factory.mktemp("scanned_store"), jobs=2)


def _cells(df):
    return {(r.table, r.row, r.column): (None if r.value != r.value or r.value is None else float(r.value), r.flag) for r in df.itertuples(index=False)}


def test_scans_give_the_numbers_of_the_text_layer(scanned):
    reports = scanned.reports.set_index("source_path")
    right = total = 0
    wrong = []
    for name in PDFS:
        printed = {(c[1], c[2], c[3]): (c[4], c[5]) for c in report(name).cell_rows}
        got = _cells(scanned.cells[scanned.cells["report_id"] == reports.loc[name, "report_id"]])
        total += len(printed)
        for key, want in printed.items():
            if got.get(key) == want:
                right += 1
            elif got.get(key, (None, "unreadable"))[1] != "unreadable":
                wrong.append((name, key, want, got.get(key)))
        assert (reports.loc[name, "agency"], reports.loc[name, "year"]) == (report(name).meta["agency"], report(name).meta["year"])
    assert total == 572
    assert wrong == []
    assert right >= 0.99 * total, f"{right} of {total}"


def test_scans_say_which_pages_ocr_read(scanned):
    reports = scanned.reports.set_index("source_path")
    assert reports.loc["2024_huaian-city_pdf.pdf", "message"].startswith("pages 1–6 read by OCR")
    assert "ocr" in list(reports.loc["2024_hongze-district_pdf.pdf", "problems"])
    # the source's own failing appeals totals (2023) are kept, as the text layer keeps them
    assert "2 accounting checks fail in the source" in reports.loc["2023_hongze-district_pdf.pdf", "message"]


def test_every_ocr_cell_has_its_page_pixel_box_and_confidence(scanned):
    requests = scanned.cells[scanned.cells["table"] == "requests"]
    assert requests["locator"].map(lambda s: bool(LOCATOR.match(s))).all()
    values = requests[requests["flag"] == "value"]
    assert values["confidence"].notna().all() and (values["confidence"] >= ocr.MIN_CONFIDENCE).all()


def _real_cells(name: str, confidence: float = 0.999):
    """The text layer's cells of a real PDF as align.Cells, each given an OCR confidence."""
    cells = [align.Cell(*c[1:10]) for c in report(name).cell_rows]
    return cells, {c.locator: confidence for c in cells}


def _identities():
    from ogi import checks, templates

    return checks.identities(templates.request_rows("v2021", False), True)


def test_a_weak_read_is_unreadable_alone():
    cells, conf = _real_cells("2024_huaian-city_pdf.pdf")
    target = next(c for c in cells if (c.table, c.row, c.column) == ("requests", "granted", "natural_person"))
    conf[target.locator] = 0.6
    out = {(c.table, c.row, c.column): c for c in trusted(cells, conf, _identities())}
    assert out[("requests", "granted", "natural_person")].flag == "unreadable"
    assert "confidence 0.60" in out[("requests", "granted", "natural_person")].note
    assert sum(c.flag == "unreadable" for c in out.values()) == 1
    assert out[("requests", "granted", "total")].value == 1362


def test_a_sure_misread_that_breaks_a_row_and_a_column_is_unreadable():
    """1288 misread as 1238 with high confidence: its row total and its column's outcomes fail;
    the one cell both share is flagged, never changed, and no other cell moves."""
    cells, conf = _real_cells("2024_huaian-city_pdf.pdf")
    for c in cells:
        if (c.table, c.row, c.column) == ("requests", "granted", "natural_person"):
            assert c.value == 1288
            c.value, c.raw = 1238.0, "1238"
    out = trusted(cells, conf, _identities())
    flagged = [(c.table, c.row, c.column) for c in out if c.flag == "unreadable"]
    assert flagged == [("requests", "granted", "natural_person")]
    assert {(c.table, c.row, c.column): c.value for c in out}[("requests", "granted", "total")] == 1362


def test_a_failure_among_sure_reads_is_the_sources_own():
    """洪泽区 2023 prints appeals totals of 0 (the source's error): sure reads stay, the check fails."""
    cells, conf = _real_cells("2023_hongze-district_pdf.pdf")
    out = trusted(cells, conf, _identities())
    assert [c for c in out if c.flag == "unreadable"] == []
    assert {(c.table, c.row, c.column): c.value for c in out}[("appeals", "review", "total")] == 0


def test_an_image_file_is_read(tmp_path):
    """One scanned page saved as a PNG: the requests rows it shows, as the text layer has them."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(scans.scan((RAW / "2024_huaian-city_pdf.pdf").read_bytes(), seed=3))
    png = tmp_path / "page4.png"
    buf = io.BytesIO()
    pdf[3].render(scale=ocr.SCALE, grayscale=True).to_pil().save(buf, "PNG", dpi=(200, 200))
    png.write_bytes(buf.getvalue())
    rep = read_report(png)
    assert rep.meta["input_kind"] == "image" and rep.meta["message"].startswith("page 1 read by OCR")
    printed = {(c[1], c[2], c[3]): (c[4], c[5]) for c in report("2024_huaian-city_pdf.pdf").cell_rows}
    got = {(c[1], c[2], c[3]): (c[4], c[5]) for c in rep.cell_rows if c[5] == "value"}
    rows = {k[1] for k in got if k[0] == "requests"}
    assert {"new_received", "granted", "withheld_query", "unavailable_not_held"} <= rows
    assert all(printed[k] == v for k, v in got.items())
    assert len(got) >= 80


def test_without_the_ocr_extra_the_image_pages_are_named(monkeypatch):
    data = scans.scan((RAW / "2024_hongze-district_pdf.pdf").read_bytes())
    monkeypatch.setattr(ocr, "available", lambda: False)
    rep = read_bytes(data)
    assert rep.status == "partial"
    assert "OCR is not installed" in rep.meta["message"] and "pip install -e '.[ocr]'" in rep.meta["message"]


def test_the_models_ship_with_the_wheel(tmp_path):
    """No download at run time: OCR reads a real number with every socket refused."""
    code = f"""
import socket
def refuse(*a, **k):
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
import pypdfium2 as pdfium
from ogi.extract import ocr
page = pdfium.PdfDocument({str(RAW / "2024_huaian-city_pdf.pdf")!r})[3]
gray = ocr.render(page)
print(ocr.read_crops([gray[330:410, 690:1000]])[0][0])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3985758"


def test_a_table_cut_by_the_page_break_closes_where_its_rules_end():
    """A page whose table runs on to the next page and lacks its closing rule (erased here from the
    淮安 scan's requests page) reads the same numbers: a virtual line closes the last row."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(scans.scan((RAW / "2024_huaian-city_pdf.pdf").read_bytes()))
    gray, _ = ocr.straighten(ocr.render(pdf[3]))
    rules = sorted(e["top"] for e in ocr.ruling_edges(gray) if e["orientation"] == "h")
    cut = gray.copy()
    y = round(rules[-1] * ocr.SCALE)
    cut[y - 8 : y + 8, :] = 255
    assert len([e for e in ocr.ruling_edges(cut) if e["orientation"] == "h"]) == len(rules)  # one closing line stands in
    values = lambda g: [t.raw for t in ocr.page_tokens(g, 4, 0, 0).tokens if t.kind == "value"]  # noqa: E731
    full = values(gray)
    assert len(full) == 94 and values(cut) == full


def _saved_page_with_images(folder, pages=(3, 4)):
    """A saved web page whose tables are pictures (as agencies post scanned pages): the real
    淮安 2024 title and prose as text, pages 4–5 of its scan as <img> in the page's _files folder."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(scans.scan((RAW / "2024_huaian-city_pdf.pdf").read_bytes(), seed=5))
    files = folder / "report_files"
    files.mkdir()
    imgs = []
    for i in pages:
        pdf[i].render(scale=ocr.SCALE, grayscale=True).to_pil().save(files / f"page{i + 1}.png", dpi=(200, 200))
        imgs.append(f'<p><img src="report_files/page{i + 1}.png" width="600"></p>')
    logo = files / "logo.png"
    from PIL import Image

    Image.new("L", (120, 40), 80).save(logo)  # page furniture: too small to be a table
    html = ("<html><head><meta charset='utf-8'><title>淮安市人民政府2024年政府信息公开工作年度报告</title></head><body>"
            "<img src='report_files/logo.png'><h1>淮安市人民政府2024年政府信息公开工作年度报告</h1>"
            "<p>本报告所列数据统计期限自2024年1月1日起至2024年12月31日止。</p><p>三、收到和处理政府信息公开申请情况</p>"
            + "".join(imgs) + "</body></html>")  # fmt: skip
    (folder / "report.html").write_text(html, encoding="utf-8")
    return folder / "report.html"


def test_a_saved_page_whose_tables_are_images(tmp_path):
    page = _saved_page_with_images(tmp_path)
    rep = read_report(page)
    assert rep.meta["input_kind"] == "html" and (rep.meta["agency"], rep.meta["year"]) == ("淮安市人民政府", 2024)
    assert "images 1–2 read by OCR" in rep.meta["message"]
    printed = {(c[1], c[2], c[3]): (c[4], c[5]) for c in report("2024_huaian-city_pdf.pdf").cell_rows if c[1] == "requests"}
    got = {(c[1], c[2], c[3]): (c[4], c[5]) for c in rep.cell_rows if c[1] == "requests"}
    assert got == printed  # every requests cell of the two pictured pages, as the text layer has them
    assert all(c[7].startswith("image report_files/page") for c in rep.cell_rows if c[1] == "requests")


def test_the_images_of_a_saved_page_are_listed_as_part_of_it(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _saved_page_with_images(raw, pages=(3,))
    result = ingest(raw, tmp_path / "store", jobs=1)
    reports = result.reports.set_index("source_path")
    assert set(reports.index) == {"report.html", "report_files/page4.png", "report_files/logo.png"}
    for name in ("report_files/page4.png", "report_files/logo.png"):
        assert reports.loc[name, "status"] == "not_a_report" and reports.loc[name, "message"] == "an image of the saved page report.html (read with it)"
