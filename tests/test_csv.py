"""Scraper CSVs (河北省科学技术厅: one report per row in the 内容 column) read as one report per row."""

from __future__ import annotations

from conftest import RAW

from ogi.report import read_report, read_reports

CSV = RAW / "2015-2023_hebei-kejiting_csv.csv"


def test_every_row_is_a_report_with_its_provenance():
    reps = read_reports(CSV)
    assert len(reps) == 11
    assert [r.meta["source_path"].rpartition("#")[2] for r in reps] == [f"row={i}" for i in range(1, 12)]
    years = [r.meta["year"] for r in reps]
    assert years == [2023, None, None, 2022, 2021, 2020, 2019, 2018, 2017, 2016, 2015]
    assert [r.meta["status"] for r in reps[:3]] == ["ok", "not_a_report", "not_a_report"]  # two 报表 rows carry no text
    assert "no report text" in reps[1].meta["message"]
    assert {r.meta["agency"] for r in reps[:9] if r.meta["status"] != "not_a_report"} == {"河北省科学技术厅"}  # from the title column
    assert {r.meta["input_kind"] for r in reps} == {"csv"}
    assert reps[0].meta["source_url"].startswith("https://kjt.hebei.gov.cn/")
    assert len({r.meta["report_id"] for r in reps}) == 11


def test_a_row_reads_like_the_same_cell_saved_as_text():
    row = read_reports(CSV)[4]  # data row 5: the 2021 report
    cell = read_report(RAW / "2021_hebei-kejiting_csvcell.txt")
    strip = lambda rows: [r[1:] for r in rows]  # noqa: E731 — without report_id
    assert strip(row.cell_rows) == strip(cell.cell_rows)
    assert row.meta["format"] == "v2021" and row.meta["status"] == cell.meta["status"] == "ok"


def test_a_csv_without_report_texts_is_not_a_report():
    [rep] = read_reports(RAW / "SOURCES.csv")  # provenance rows: long cells, but no report in any
    assert rep.meta["status"] == "not_a_report" and rep.meta["input_kind"] == "csv"


def _rewritten(tmp_path, delimiter: str, header: bool):
    """The real 河北 export written as other scrapers write theirs: another separator, no header."""
    import csv

    rows = list(csv.reader(CSV.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    out = tmp_path / "export.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows if header else rows[1:])
    return read_reports(out)


def test_tab_and_semicolon_separated_exports_read_like_the_comma_one(tmp_path):
    want = read_reports(CSV)
    for delimiter in ("\t", ";"):
        got = _rewritten(tmp_path, delimiter, header=True)
        assert [r.meta["status"] for r in got] == [r.meta["status"] for r in want]
        assert [[c[1:] for c in r.cell_rows] for r in got] == [[c[1:] for c in r.cell_rows] for r in want]


def test_an_export_without_a_header_row_keeps_its_first_report_and_finds_title_url_and_date(tmp_path):
    want = read_reports(CSV)
    got = _rewritten(tmp_path, ",", header=False)
    assert len(got) == 11  # the first row is a report, not a header
    assert [r.meta["year"] for r in got] == [r.meta["year"] for r in want]
    assert [[c[1:] for c in r.cell_rows] for r in got] == [[c[1:] for c in r.cell_rows] for r in want]
    assert [r.meta["source_url"] for r in got] == [r.meta["source_url"] for r in want]  # the link column, by its content
    assert got[0].meta["agency"] == "河北省科学技术厅"  # the title column, by its content
    assert "(河北省科学技术厅2023年政府网站工作年度报表)" in got[1].meta["message"]


def test_a_spreadsheet_export_reads_one_report_per_row_like_the_csv(tmp_path):
    """The real 河北 export saved as .xlsx (as scrapers also deliver it), in two sheets."""
    import csv

    import openpyxl

    rows = list(csv.reader(CSV.read_text(encoding="utf-8-sig").splitlines(keepends=True)))
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2019-2023"
    for r in rows[:8]:
        first.append(r)
    second = book.create_sheet("2015-2018")
    for r in [rows[0], *rows[8:]]:
        second.append(r)
    (tmp_path / "raw").mkdir()
    book.save(tmp_path / "raw" / "export.xlsx")
    got = read_reports(tmp_path / "raw" / "export.xlsx")
    want = read_reports(CSV)
    assert [r.meta["source_path"].rpartition("#")[2] for r in got] == [f"sheet=2019-2023&row={i}" for i in range(1, 8)] + [f"sheet=2015-2018&row={i}" for i in range(1, 5)]
    assert [[c[1:] for c in r.cell_rows] for r in got] == [[c[1:] for c in r.cell_rows] for r in want]
    assert [(r.meta["status"], r.meta["year"], r.meta["agency"], r.meta["source_url"]) for r in got] == [
        (r.meta["status"], r.meta["year"], r.meta["agency"], r.meta["source_url"]) for r in want
    ]
    assert {r.meta["input_kind"] for r in got} == {"xlsx"}
    from ogi.ingest import ingest

    stored = ingest(tmp_path / "raw", tmp_path / "out", jobs=1).reports  # the corpus keeps each row's place in its file
    assert sorted(stored["source_path"]) == sorted(f"export.xlsx#{r.meta['source_path'].rpartition('#')[2]}" for r in got)
