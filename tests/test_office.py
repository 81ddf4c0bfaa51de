"""Old binary Office files and spreadsheets: a Word report built from the seed's real numbers
(docx_builder), converted by LibreOffice to .doc in the test, reads back the seed's 200 numbers;
the same tables as a spreadsheet (.xlsx, and .xls by LibreOffice) read as grids."""

from __future__ import annotations

import shutil
import subprocess

import docx
import openpyxl
import pytest
from conftest import report, table
from docx_builder import build
from test_reader_seed import ACTIVE as SEED_ACTIVE
from test_reader_seed import APPEALS as SEED_APPEALS
from test_reader_seed import REQUESTS as SEED_REQUESTS

from ogi import read_report
from ogi.extract.convert import soffice

SEED = "000_98d5d9cfaf16f11b.txt"  # 临汾市人民政府 2023
pytestmark = pytest.mark.skipif(soffice() is None and shutil.which("apt-get") is None, reason="LibreOffice cannot be installed here")


def _libreoffice(src, target: str, out_dir) -> None:
    exe = soffice()
    assert exe, "LibreOffice is installed by `make setup` (libreoffice-writer-nogui, libreoffice-calc-nogui)"
    subprocess.run([exe, f"-env:UserInstallation={(out_dir / 'profile').as_uri()}", "--headless", "--convert-to", target, "--outdir", str(out_dir), str(src)],
                   check=True, capture_output=True, timeout=180)  # fmt: skip


def _assert_reads_the_seed(r, kind: str) -> None:
    seed = report(SEED)
    assert (r.status, r.meta["format"], r.meta["year"], r.meta["agency"], r.meta["input_kind"]) == ("ok", "v2021", 2023, "临汾市人民政府", kind)
    for t in ("active", "requests", "appeals"):
        assert table(r, t) == table(seed, t)
    assert len(r.cell_rows) == len(seed.cell_rows) == 200
    assert (r.checks["status"] == "pass").all()


def test_doc_converted_by_libreoffice_reads_the_seed(tmp_path):
    build(tmp_path / "linfen2023.docx", "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    out = tmp_path / "doc"
    out.mkdir()
    _libreoffice(tmp_path / "linfen2023.docx", "doc", out)
    doc = out / "linfen2023.doc"
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real binary Word file
    _assert_reads_the_seed(read_report(doc), "doc")


def _sheet_from_docx(src, dst) -> None:
    """The Word report's tables as one sheet (merged Word cells merged in the sheet too), its
    title line above them — what agencies attach as 统计表.xlsx."""
    d = docx.Document(str(src))
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([d.paragraphs[0].text])
    row0 = 2
    for t in d.tables:
        spans: dict = {}  # the merged cell's element (held, so it stays one object) → its grid box
        for r, row in enumerate(t.rows):
            for c, cell in enumerate(row.cells):
                if cell._tc in spans:
                    box = spans[cell._tc]
                    box[2], box[3] = max(box[2], r), max(box[3], c)
                    continue
                spans[cell._tc] = [r, c, r, c]
                v = cell.text
                ws.cell(row0 + r, c + 1, int(v) if v.isdigit() else (float(v) if v.replace(".", "", 1).isdigit() else v))
        for r0, c0, r1, c1 in spans.values():
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=row0 + r0, start_column=c0 + 1, end_row=row0 + r1, end_column=c1 + 1)
        row0 += len(t.rows) + 1
    book.save(dst)


def test_spreadsheet_tables_read_as_grids(tmp_path):
    build(tmp_path / "linfen2023.docx", "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    _sheet_from_docx(tmp_path / "linfen2023.docx", tmp_path / "linfen2023.xlsx")
    r = read_report(tmp_path / "linfen2023.xlsx")
    _assert_reads_the_seed(r, "xlsx")
    assert r.cells["locator"].str.match(r"sheet \S+ row \d+ col \d+").all()


def test_xls_converted_by_libreoffice_reads_as_the_xlsx(tmp_path):
    build(tmp_path / "linfen2023.docx", "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    _sheet_from_docx(tmp_path / "linfen2023.docx", tmp_path / "linfen2023.xlsx")
    out = tmp_path / "xls"
    out.mkdir()
    _libreoffice(tmp_path / "linfen2023.xlsx", "xls", out)
    _assert_reads_the_seed(read_report(out / "linfen2023.xls"), "xls")


def test_a_formula_without_its_value_or_an_error_value_is_unreadable_not_empty(tmp_path):
    """The seed's sheet as a program writes it: totals as formulas with no computed value stored
    (openpyxl, never opened in Excel), and one cell holding Excel's #DIV/0!. Excel would show a
    number in each; the reader cannot, so each is unreadable (before: the formulas read as empty
    cells, silently, and #REF!-like text cut its row), and every other cell reads as the seed."""
    build(tmp_path / "linfen2023.docx", "临汾市人民政府", 2023, SEED_ACTIVE, SEED_REQUESTS, SEED_APPEALS)
    _sheet_from_docx(tmp_path / "linfen2023.docx", tmp_path / "linfen2023.xlsx")
    book = openpyxl.load_workbook(tmp_path / "linfen2023.xlsx")
    ws = book.active
    labels = {str(row[0].value): row for row in ws.iter_rows() if row[0].value}
    new = labels["一、本年新收政府信息公开申请数量"]
    carried = labels["二、上年结转政府信息公开申请数量"]
    last = max(c.column for c in new if c.value is not None)
    new[last - 1].value = f"=SUM(B{new[0].row}:{openpyxl.utils.get_column_letter(last - 1)}{new[0].row})"
    carried[last - 1].value = "#DIV/0!"
    book.save(tmp_path / "changed.xlsx")
    r = read_report(tmp_path / "changed.xlsx")
    seed = {c[1:4]: c[4:6] for c in report(SEED).cell_rows}
    got = {c[1:4]: c[4:6] for c in r.cell_rows}
    damaged = {("requests", "new_received", "total"), ("requests", "carried_over", "total")}
    assert {k: got[k] for k in damaged} == dict.fromkeys(damaged, (None, "unreadable"))
    assert {k: v for k, v in got.items() if k not in damaged} == {k: v for k, v in seed.items() if k not in damaged}
