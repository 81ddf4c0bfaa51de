"""The notebooks run through papermill with other parameters than their defaults, explain a missing
agency without a traceback, and draw Chinese labels without missing glyphs."""

from __future__ import annotations

import nbformat
import papermill
import pytest

from ogi import paths


def _run(name: str, tmp_path, **params) -> nbformat.NotebookNode:
    out = tmp_path / name
    papermill.execute_notebook(str(paths.NOTEBOOKS / name), str(out), parameters=params, kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    return nbformat.read(str(out), as_version=4)


def _text(nb) -> str:
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            parts.append(o.get("text", "") or "")
            parts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def _problems(nb) -> list[str]:
    bad = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.output_type == "error":
                bad.append(f"{o.ename}: {o.evalue}")
            if o.output_type == "stream" and o.name == "stderr":
                bad.append(o.text)
    return bad


def test_outcomes_for_another_agency_and_year(tmp_path, store_dir):
    nb = _run("02_outcomes.ipynb", tmp_path, agency="上海市人民政府办公厅", year=2019, processed_dir=str(store_dir))
    text = _text(nb)
    # 予以公开 272 (258+12+1+1, 总计 left blank) + 部分公开 3, over （七）总计 805
    assert "公开率 disclosure rate = 34.2 % (275 / 805)" in text
    assert not _problems(nb)


def test_outcomes_for_an_agency_not_in_the_corpus(tmp_path, store_dir):
    nb = _run("02_outcomes.ipynb", tmp_path, agency="不存在的机关", year=2023, processed_dir=str(store_dir))
    assert "This agency is not in the corpus" in _text(nb)
    assert not _problems(nb)  # a clear message, no traceback


def test_trends_with_a_single_year(tmp_path, store_dir):
    nb = _run("03_trends.ipynb", tmp_path, agency="临汾市人民政府", start_year=2019, end_year=2025, processed_dir=str(store_dir))
    assert "only one year with standard tables (2023)" in _text(nb)
    assert not _problems(nb)


def test_trends_for_an_agency_not_in_the_corpus(tmp_path, store_dir):
    nb = _run("03_trends.ipynb", tmp_path, agency="不存在的机关", start_year=2019, end_year=2025, processed_dir=str(store_dir))
    assert "No readable report" in _text(nb)
    assert not _problems(nb)


def test_compare_another_year(tmp_path, store_dir):
    nb = _run("04_compare.ipynb", tmp_path, year=2019, processed_dir=str(store_dir))
    text = _text(nb)
    assert "5 agencies with standard tables in 2019" in text
    for agency in ("上海市人民政府办公厅", "平潭综合实验区", "平潭综合实验区公安局", "河北省教育厅", "莆田市林业局"):
        assert agency in text
    assert not _problems(nb)


@pytest.mark.parametrize("name", ["01_corpus_overview.ipynb", "03_trends.ipynb"])
def test_defaults_draw_chinese_without_missing_glyphs(tmp_path, store_dir, name):
    nb = _run(name, tmp_path, processed_dir=str(store_dir))
    assert "image/png" in str([o.get("data", {}).keys() for c in nb.cells for o in c.get("outputs", [])])
    assert not [p for p in _problems(nb) if "missing from font" in p or "Glyph" in p]
    assert not _problems(nb)


def test_committed_notebooks_are_stripped_except_checked_cells():
    for path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), path.name
        for c in nb.cells:
            if c.cell_type == "code" and c.outputs:
                assert "keep_output" in c.metadata.get("tags", []), (path.name, c.source[:40])


def test_compare_the_departments_of_one_province(tmp_path, store_dir):
    nb = _run("04_compare.ipynb", tmp_path, year=2019, region="福建省", kind="department", processed_dir=str(store_dir))
    text = _text(nb)
    assert "['平潭综合实验区公安局', '莆田市林业局']" in text  # not 平潭综合实验区 itself: a zone's own report
    assert not _problems(nb)


def test_region_page(tmp_path, store_dir):
    nb = _run("05_region.ipynb", tmp_path, region="河北省", processed_dir=str(store_dir))
    assert "河北省: 4 agencies, 14 files" in _text(nb)  # 教育厅, 科学技术厅, 蠡县审计局, 晋州市人民政府
    html = str([o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])])
    for agency in ("河北省教育厅", "河北省科学技术厅", "蠡县审计局", "晋州市人民政府"):
        assert agency in html
    assert not _problems(nb)
