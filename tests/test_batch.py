"""`ogi run` on a small corpus: pages for each item, an index that escapes untrusted names, and a
failing notebook recorded without stopping the batch."""

from __future__ import annotations

import json
import re
import shutil

from conftest import RAW

from ogi import batch


def test_run_builds_the_site_quietly_and_then_only_what_changed(tmp_path, capfd):
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html", "2024_pingtan_github-pagetxt.txt", "SOURCES.csv"]:
        shutil.copy(RAW / n, raw / n)
    (raw / "broken.txt").write_bytes(b"\x00" * 100)
    site = tmp_path / "site"
    status = batch.run(jobs=2, raw_dir=raw, processed_dir=tmp_path / "processed", out_dir=site)
    assert status == 0
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == sorted([
        "index.html", "overview.html", "audit.html", "compare_2023.html", "trends_平潭综合实验区.html",
        "outcomes_临汾市人民政府_2023.html", "outcomes_平潭综合实验区_2023.html", "outcomes_平潭综合实验区_2024.html",
        "region_山西省.html", "region_福建省.html",  # a page per province
        "audit_临汾市人民政府_2023.html", "audit_平潭综合实验区_2023.html", "audit_平潭综合实验区_2024.html",  # a report's audit
    ])
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="outcomes_临汾市人民政府_2023.html"' in index
    assert "broken.txt" in index  # files that were not read are listed with their reason
    outcome = (site / "outcomes_临汾市人民政府_2023.html").read_text(encoding="utf-8")
    assert "180 / 319" in outcome and "56.4 %" in outcome and "<img" in outcome
    printed = capfd.readouterr()
    for noise in ("Kernel is running", "KeyboardInterrupt", "Traceback", "WARNING", "ERROR"):
        assert noise not in printed.out + printed.err, noise
    # one more report of 2023: its page, the 2023 comparison, the overview and the audit run again, nothing else
    shutil.copy(RAW / "2023_pingtan-jingjifazhanju_page.txt", raw / "2023_pingtan-jingjifazhanju_page.txt")
    assert batch.run(jobs=2, raw_dir=raw, processed_dir=tmp_path / "processed", out_dir=site) == 0
    runs = json.loads((site / "run.json").read_text(encoding="utf-8"))
    executed = sorted(j["slug"] for j in runs if j["executed"])
    # (and 福建省's page, which lists the new file; 福州市 has two bodies now: a city page of its own)
    assert executed == ["audit", "audit_平潭综合实验区经济发展局_2023", "compare_2023", "outcomes_平潭综合实验区经济发展局_2023", "overview", "region_福州市", "region_福建省"], executed
    audit = (site / "audit.html").read_text(encoding="utf-8")
    assert "正文称本年新收申请0条，表格为3" in audit  # the new report's contradiction is on the audit page
    own = (site / "audit_平潭综合实验区经济发展局_2023.html").read_text(encoding="utf-8")
    assert "1 contradiction between text and table, 2 failing checks" in own and "text sentence" in own  # its evidence: where the text says it
    assert 'href="audit_平潭综合实验区经济发展局_2023.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "trends_平潭综合实验区.html").exists()
    _assert_publishable(site)
    # 3 requests received, none processed: the header and the rates table give the same reason
    small = (site / "outcomes_平潭综合实验区经济发展局_2023.html").read_text(encoding="utf-8")
    assert "公开率 disclosure rate = — (suppressed: denominator 0 below 30)" in small
    assert small.count("suppressed: denominator 0 below 30") >= 2


def _assert_publishable(site):
    """Every page: no float counts, no nan / <NA>, no index column, no traceback."""
    float_count = re.compile(r">\s*-?\d[\d,]*\.0\s*<")
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r">\s*(nan|NaN|<NA>|None)\s*<", text), page.name
        assert "&lt;NA&gt;" not in text and not float_count.search(text), (page.name, float_count.search(text))
        assert "row_heading" not in text and 'class="dataframe"' not in text, page.name  # tables without an index column
        body = text[text.find("<body"):]
        assert "Traceback" not in body and 'data-mime-type="application/vnd.jupyter.stderr"' not in body, page.name


def test_index_escapes_names_and_records_failures(tmp_path, store_dir):
    evil = '<script>alert("x")</script>局'
    jobs = [
        batch.Job("01_corpus_overview.ipynb", {"processed_dir": str(store_dir)}, "overview", "overview"),
        batch.Job("does_not_exist.ipynb", {}, "broken", f"{evil} 2023", agency=evil, year=2023),
    ]
    done = batch.run_jobs(jobs, tmp_path, 2)
    assert [j.status for j in done] == ["ok", "failed"]
    assert done[1].error
    index = batch.write_index(tmp_path, done, store_dir).read_text(encoding="utf-8")
    assert "<script>" not in index
    assert "&lt;script&gt;" in index and "notebook failed" in index


def test_run_exits_non_zero_when_a_notebook_fails(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "000_98d5d9cfaf16f11b.txt", raw / "linfen.txt")
    real_plan = batch.plan

    def plan_with_a_broken_notebook(processed_dir):
        return [*real_plan(processed_dir)[:1], batch.Job("missing.ipynb", {}, "broken", "broken page")]

    monkeypatch.setattr(batch, "plan", plan_with_a_broken_notebook)
    status = batch.run(jobs=1, raw_dir=raw, processed_dir=tmp_path / "processed", out_dir=tmp_path / "site")
    assert status == 1
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "notebook failed" in index and (tmp_path / "site" / "overview.html").exists()


def test_a_second_run_with_nothing_changed_is_quick(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "000_98d5d9cfaf16f11b.txt", raw / "linfen.txt")
    kwargs = dict(jobs=1, raw_dir=raw, processed_dir=tmp_path / "processed", out_dir=tmp_path / "site")
    assert batch.run(**kwargs) == 0
    assert batch.run(**kwargs) == 0
    assert "site is up to date" in capsys.readouterr().out
    shutil.copy(RAW / "2023_pingtan_page.html", raw / "pingtan.html")  # new input: the site is rebuilt
    assert batch.run(**kwargs) == 0
    assert (tmp_path / "site" / "outcomes_平潭综合实验区_2023.html").exists()
