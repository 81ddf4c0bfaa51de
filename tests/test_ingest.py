"""Ingest: nothing lost, provenance joined, duplicates, cache, crashes and hangs, atomic store."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import RAW

import ogi
from ogi.cache import cached_count
from ogi import ingest as ingest_mod
from ogi.ingest import ingest
from ogi.problems import Kind


def _raw(tmp_path, names):
    d = tmp_path / "raw"
    d.mkdir()
    for n in names:
        shutil.copy(RAW / n, d / n)
    shutil.copy(RAW / "SOURCES.csv", d / "SOURCES.csv")
    return d


def test_every_shipped_file_is_in_reports(store_dir):
    reports = pd.read_parquet(store_dir / "reports.parquet")
    files = sorted(p.name for p in RAW.iterdir() if p.name != "SOURCES.csv")
    # a file whose bytes another input already holds (a CSV cell saved as text) is named on that report
    again = set(reports["message"].dropna().str.extractall(r"identical bytes also at (\S+?)(?:;|$)")[0])
    assert sorted(set(reports["source_path"].str.partition("#row=")[0]) | again) == files
    assert {"2021_hebei-kejiting_csvcell.txt", "2023_hebei-kejiting_csvcell.txt"} <= again
    rows = reports.loc[reports["source_path"].str.contains("#row="), "source_path"]
    assert len(rows) == 11 and rows.str.startswith("2015-2023_hebei-kejiting_csv.csv#row=").all()  # one report per CSV row
    assert reports["report_id"].is_unique
    seed = reports.set_index("source_path").loc["000_98d5d9cfaf16f11b.txt"]
    assert seed["source_url"].startswith("http://www.learnsia.org/")  # joined from SOURCES.csv
    # the PDF's agency comes from the manifest while the reader cannot read it yet
    assert reports.set_index("source_path").loc["2024_huaian-city_pdf.pdf", "agency"] == "淮安市人民政府"


def test_pingtan_carry_passes_for_every_standard_year_pair(store_dir):
    corpus = ogi.load(store_dir, agencies=["平潭综合实验区"])
    checks = corpus.checks[corpus.checks["check"] == "requests.carry"].astype({"report_id": str})
    years = corpus.reports.astype({"report_id": str}).set_index("report_id")["year"]
    checks = checks.assign(year=checks["report_id"].map(years))
    assert sorted(checks["year"].unique()) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert (checks["status"] == "pass").all()
    # 2021→2022: the one request carried forward by the natural persons column arrives as carried over
    y22 = checks[(checks["year"] == 2022) & (checks["scope"] == "natural_person")]
    assert (list(y22["expected"]), list(y22["observed"])) == ([1.0], [1.0])  # the two 2021 files agree: one check


def test_duplicates_count_once_and_cache_is_used(tmp_path):
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html"])
    sub = raw / "copies"
    sub.mkdir()
    shutil.copy(RAW / "000_98d5d9cfaf16f11b.txt", sub / "linfen-again.txt")
    out = tmp_path / "out"
    first = ingest(raw, out, jobs=2)
    assert first.read == 3 and len(first.reports) == 2
    assert first.duplicates == [("000_98d5d9cfaf16f11b.txt", "copies/linfen-again.txt")]
    assert "identical bytes also at copies/linfen-again.txt" in first.reports.set_index("source_path").loc["000_98d5d9cfaf16f11b.txt", "message"]
    second = ingest(raw, out, jobs=2)
    assert (second.read, second.cached) == (0, 3)
    pd.testing.assert_frame_equal(first.cells, second.cells)
    assert ingest(raw, out, jobs=2, force=True).read == 3


def test_sidecar_provenance(tmp_path):
    raw = _raw(tmp_path, ["2020_taojiang-shenjiju_page.txt"])
    (raw / "2020_taojiang-shenjiju_page.txt.meta.json").write_text('{"source_url": "http://example.org/tj", "agency": "桃江县审计局", "year": 2020}', encoding="utf-8")
    r = ingest(raw, tmp_path / "out", jobs=1).reports.iloc[0]
    assert r["source_url"] == "http://example.org/tj"
    assert r["year"] == 2020  # the excerpt has no title or period: taken from the sidecar


def test_a_corrupted_file_in_the_middle_is_reported_and_the_batch_completes(tmp_path):
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2024_pingtan_github-pagetxt.txt"])
    (raw / "1_corrupt.txt").write_bytes(b"\x00\xff\x13" * 4000)
    (raw / "1_empty.html").write_bytes(b"")
    res = ingest(raw, tmp_path / "out", jobs=2)
    status = res.reports.set_index("source_path")["status"]
    assert status["1_corrupt.txt"] == "failed" and status["1_empty.html"] == "failed"
    assert status["000_98d5d9cfaf16f11b.txt"] == "ok"
    assert len(res.reports) == 4


def _crash_on_marked(path, *a, **k):
    if os.path.basename(str(path)).startswith("crash"):
        os._exit(3)  # a segfault-like death of the worker process
    return _real_read_report(path, *a, **k)


_real_read_report = ingest_mod.read_reports


def test_a_worker_crash_takes_down_only_its_file(tmp_path, monkeypatch):
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html"])
    (raw / "crash.txt").write_text("三、收到和处理政府信息公开申请情况", encoding="utf-8")
    monkeypatch.setattr(ingest_mod, "read_reports", _crash_on_marked)  # inherited by forked workers
    res = ingest(raw, tmp_path / "out", jobs=2)
    status = res.reports.set_index("source_path")
    assert status.loc["crash.txt", "status"] == "failed"
    assert "crashed its worker" in status.loc["crash.txt", "message"]
    assert status.loc["000_98d5d9cfaf16f11b.txt", "status"] == "ok"
    assert status.loc["2023_pingtan_page.html", "status"] == "ok"


def test_the_division_table_loads_while_the_workers_read_and_its_failure_costs_nothing(tmp_path, monkeypatch):
    """The corpus step's cpca table is loaded in the main process after the workers were forked
    (a head start, not a thread alive at a fork); if that fails, the ingest goes on and the corpus
    step loads it itself."""
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html"])
    calls = []

    def broken():
        calls.append(len(multiprocessing.active_children()))
        raise OSError("no division table")

    monkeypatch.setattr(ingest_mod, "load_division_table", broken)
    res = ingest(raw, tmp_path / "out", jobs=2)
    assert calls == [2]  # once, with both workers already started
    assert set(res.reports["status"]) == {"ok"}
    assert res.reports.set_index("source_path").loc["000_98d5d9cfaf16f11b.txt", "city"] == "临汾市"  # the region is still found


def test_a_hanging_file_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    def hang(path, *a, **k):
        time.sleep(30)

    monkeypatch.setattr(ingest_mod, "read_reports", hang)
    p = tmp_path / "slow.txt"
    p.write_text("x", encoding="utf-8")
    t0 = time.perf_counter()
    [(meta, cells, checks)] = ingest_mod.read_one(str(p), timeout=0.5)
    assert time.perf_counter() - t0 < 5
    assert meta["status"] == "failed" and "time limit" in meta["message"]


def test_the_time_limit_holds_off_the_main_thread(tmp_path, monkeypatch):
    """Dask runs tasks in worker threads, where no alarm can be set: the limit still holds."""
    import threading

    monkeypatch.setattr(ingest_mod, "read_reports", lambda *a, **k: time.sleep(30))
    p = tmp_path / "slow.txt"
    p.write_text("x", encoding="utf-8")
    out = []
    t0 = time.perf_counter()
    worker = threading.Thread(target=lambda: out.append(ingest_mod.read_one(str(p), timeout=0.5)))
    worker.start()
    worker.join(10)
    assert time.perf_counter() - t0 < 5 and out
    [(meta, _, _)] = out[0]
    assert meta["status"] == "failed" and Kind.TIME_LIMIT.value in meta["problems"]
    monkeypatch.undo()
    worker = threading.Thread(target=lambda: out.append(ingest_mod.read_one(str(RAW / "000_98d5d9cfaf16f11b.txt"), timeout=30)))
    worker.start()
    worker.join(30)
    assert out[1][0][0]["status"] == "ok"  # a file read in time comes back whole


def test_a_file_that_timed_out_is_read_again_next_time(tmp_path, monkeypatch):
    """A time-out may be the machine's fault: it is reported, never cached."""
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt"])
    out = tmp_path / "out"
    real = ingest_mod.read_reports
    monkeypatch.setattr(ingest_mod, "read_reports", lambda *a, **k: time.sleep(30))
    slow = ingest(raw, out, jobs=1, timeout=0.5)
    assert slow.reports["status"].tolist() == ["failed"] and "time limit" in slow.reports["message"].iloc[0]
    assert cached_count(out / "cache") == 0
    monkeypatch.setattr(ingest_mod, "read_reports", real)
    again = ingest(raw, out, jobs=1)
    assert (again.read, again.reports["status"].tolist()) == (1, ["ok"])


def test_killing_an_ingest_midway_leaves_the_previous_store_intact(tmp_path):
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt"])
    out = tmp_path / "out"
    ingest(raw, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    text = (RAW / "2024_pingtan_github-pagetxt.txt").read_text(encoding="utf-8")
    for i in range(1500):  # distinct files, so nothing comes from the cache
        (raw / f"copy{i:04}.txt").write_text(text + f"\n{i}", encoding="utf-8")
    cached_before = cached_count(out / "cache")
    proc = subprocess.Popen([sys.executable, "-m", "ogi", "ingest", str(raw), "--out", str(out), "--jobs", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while cached_count(out / "cache") < cached_before + 20 and time.time() < deadline:
        time.sleep(0.05)  # wait until the ingest is well under way
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    assert after == before
    assert len(ogi.load(out).reports) == 1


def test_ingest_on_a_dask_cluster_writes_the_same_store(tmp_path):
    from dask.distributed import LocalCluster

    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html", "2020_pingtan_github-pagetxt.txt"])
    local = ingest(raw, tmp_path / "local", jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = ingest(raw, tmp_path / "dask", dask_address=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.reports, remote.reports)
    pd.testing.assert_frame_equal(local.cells, remote.cells)
    pd.testing.assert_frame_equal(local.checks, remote.checks)
    assert cached_count(tmp_path / "dask" / "cache") == 3  # the Dask path caches its readings too


def test_the_same_inputs_give_the_same_tables(tmp_path):
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html", "2024_hongze-district_pdf.pdf", "2020_pingtan_github-pagetxt.txt"])
    a = ingest(raw, tmp_path / "a", jobs=2, force=True)
    ingest(raw, tmp_path / "b", jobs=1, force=True)
    for name in ("reports.parquet", "cells.parquet", "checks.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / name), pd.read_parquet(tmp_path / "b" / name))
    assert list(a.reports["source_path"]) == sorted(a.reports["source_path"])


def test_collapsed_active_cells_settled_across_years(store_dir):
    """平潭 2022's page text prints 规范性文件 as '8855698'; with 2021's printed stock of 665 only
    88 issued, 55 repealed, 698 in force satisfies in_force(t) = in_force(t−1) + issued − repealed."""
    c = ogi.load(store_dir, agencies=["平潭综合实验区"])
    rid = c.reports.set_index("source_path").loc["2022_pingtan_github-pagetxt.txt", "report_id"]
    cells = c.cells[(c.cells["report_id"] == rid) & (c.cells["row"] == "normative_documents")].set_index("column")
    assert cells["value"].to_dict() == {"issued": 88, "repealed": 55, "in_force": 698}
    assert cells["note"].str.contains("settled across reports by active.stock with 2021_pingtan_page.html").all()
    page21 = c.reports.set_index("source_path").loc["2021_pingtan_page.html", "report_id"]
    assert set(zip(cells["method"], cells["settled_by"], cells["settled_rule"])) == {("settled", str(page21), "active_stock")}  # as data
    assert c.reports.set_index("source_path").loc["2022_pingtan_github-pagetxt.txt", "status"] == "ok"
    # that identity chose the digits, so checking it against 2021 again proves nothing: not a pass
    stock22 = c.checks[(c.checks["report_id"] == rid) & (c.checks["check"] == "active.stock") & (c.checks["scope"] == "normative_documents")]
    assert stock22["status"].tolist() == ["not_assessable"]
    # 2024 ('6233440') does not reconcile with 2023's printed stock of 470: it stays flagged
    rid24 = c.reports.set_index("source_path").loc["2024_pingtan_github-pagetxt.txt", "report_id"]
    n24 = c.cells[(c.cells["report_id"] == rid24) & (c.cells["row"] == "normative_documents")]
    assert (n24["flag"] == "unreadable").all()
    # a genuine discrepancy between the sources: 2022's 698 + 77 − 132 = 643, but 2023 prints 470
    rid23 = c.reports.set_index("source_path").loc["2023_pingtan_page.html", "report_id"]
    stock = c.checks[(c.checks["report_id"] == rid23) & (c.checks["check"] == "active.stock") & (c.checks["scope"] == "normative_documents")]
    assert stock[["expected", "observed", "status"]].values.tolist() == [[470, 643, "fail"]]


@pytest.mark.parametrize(("year", "digits", "values"), [(2021, "693665", [69, 3, 665]), (2023, "77132470", [77, 132, 470])])
def test_collapsed_active_cells_settled_by_the_same_report_printed_again(store_dir, year, digits, values):
    """The corpus holds 平潭 2021 and 2023 twice: a text dump whose 规范性文件 row collapsed to one digit
    run, and the saved page. The page's numbers are one of the run's splits, so they settle it."""
    c = ogi.load(store_dir, agencies=["平潭综合实验区"])
    by_path = c.reports.set_index("source_path")
    rid = by_path.loc[f"{year}_pingtan_github-pagetxt.txt", "report_id"]
    cells = c.cells[(c.cells["report_id"] == rid) & (c.cells["table"] == "active") & (c.cells["row"] == "normative_documents")]
    assert cells["value"].tolist() == values and (cells["raw"] == digits).all()
    assert cells["note"].str.contains(f"settled across reports by the same row printed in {year}_pingtan_page.html").all()
    assert by_path.loc[f"{year}_pingtan_github-pagetxt.txt", "status"] == "ok"
    mine = c.cells[c.cells["report_id"] == rid]
    assert not (mine["flag"] == "unreadable").any()  # every one of its 200 cells is now a number


def test_every_pingtan_standard_year_pair_passes_requests_carry(store_dir):
    c = ogi.load(store_dir, agencies=["平潭综合实验区"])
    years = c.reports.set_index("report_id")["year"]
    carry = c.checks[c.checks["check"] == "requests.carry"]
    assert (carry["status"] == "pass").all()
    # 2020 (from 2019) … 2025 (from 2024), the 2021 and 2023 files both; 7 columns each
    assert sorted(set(carry["report_id"].map(years))) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert len(carry) == 7 * 8


def test_the_manifest_wins_and_a_disagreement_is_a_finding(store_dir):
    """梅河口's page title prints only '审计局' and 沭阳 2025 prints the typo 沐阳县; SOURCES.csv names
    both bodies fully. The manifest wins; what was printed is kept and listed by `ogi check`."""
    from ogi.quality import findings

    reports = ogi.load(store_dir).reports.set_index("source_path")
    assert reports.loc["2019_meihekou-shenjiju_page.txt", "agency"] == "梅河口市审计局"
    assert pd.isna(reports.loc["2019_meihekou-shenjiju_page.txt", "printed_agency"])  # a bare 审计局 is no name
    assert reports.loc["2025_shuyang-county_txt.txt", "agency"] == "沭阳县人民政府"
    assert reports.loc["2025_shuyang-county_txt.txt", "printed_agency"] == "沐阳县人民政府"
    assert reports.loc["000_98d5d9cfaf16f11b.txt", "agency"] == "临汾市人民政府"
    found = findings(store_dir)["manifest and printed title disagree"]
    assert "2025_shuyang-county_txt.txt" in set(found["source_path"])
    assert "2021_pingtan_page.html" not in set(found["source_path"])


def test_parse_and_ingest_agree_on_agency_and_year(store_dir, raw):
    out = subprocess.run([sys.executable, "-m", "ogi", "parse", "--json", str(raw / "2025_shuyang-county_txt.txt"), str(raw / "2015-2023_hebei-kejiting_csv.csv")],
                         capture_output=True, text=True, check=True).stdout
    parsed = [json.loads(line)["report"] for line in out.splitlines()]
    stored = ogi.load(store_dir).reports.set_index("source_path")
    for p in parsed:
        path = p["source_path"].split("data/raw/")[-1] if "data/raw/" in p["source_path"] else p["source_path"]
        want = stored.loc[Path(path).name if "#" not in path else path.split("/")[-1]]
        assert (p["agency"], p["year"]) == (want["agency"], None if pd.isna(want["year"]) else int(want["year"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["requests", "active", "appeals", "平潭", "規章", ""]), st.text(max_size=4), st.none()), max_size=40))
def test_fast_categorical_equals_pandas(values):
    """The corpus's key columns are dictionary-encoded by pyarrow; the result must be pd.Categorical's."""
    from ogi.report import categorical

    expected, got = pd.Categorical(values), categorical(values)
    pd.testing.assert_extension_array_equal(got, expected)
    assert got.categories.dtype == expected.categories.dtype


def test_a_damaged_cache_is_rebuilt_not_fatal(tmp_path):
    """The cache is derived data: garbage in its SQLite file means re-reading, never a failed ingest."""
    raw = _raw(tmp_path, ["000_98d5d9cfaf16f11b.txt", "2023_pingtan_page.html"])
    out = tmp_path / "out"
    first = ingest(raw, out, jobs=1)
    (db,) = (out / "cache").glob("*.sqlite")
    db.write_bytes(b"this is not a database" * 100)
    for extra in (out / "cache").glob("*.sqlite-*"):
        extra.unlink()
    again = ingest(raw, out, jobs=1)
    assert (again.read, again.cached) == (2, 0)
    pd.testing.assert_frame_equal(first.cells, again.cells)
    assert (ingest(raw, out, jobs=1).read, cached_count(out / "cache")) == (0, 2)


def test_carry_compares_the_later_report_with_the_earlier_one():
    """REVIEW P11: a carry check that compared a report with itself passed every test. Two real
    reports of 平潭 (2023 page, 2024 dump); one carried_over cell of 2024 is changed: that column's
    check must fail, with the 2023 carried_forward as expected and the changed value as observed."""
    from ogi import crossyear
    from ogi.report import read_report

    earlier, later = read_report(RAW / "2023_pingtan_page.html"), read_report(RAW / "2024_pingtan_github-pagetxt.txt")
    reports = pd.DataFrame([earlier.meta, later.meta])
    cells = pd.concat([earlier.cells, later.cells], ignore_index=True)
    cells["report_id"] = cells["report_id"].astype(str)
    hit = (cells["report_id"] == later.meta["report_id"]) & (cells["row"] == "carried_over") & (cells["column"] == "total")
    before = float(cells.loc[hit, "value"].iloc[0])
    cells.loc[hit, "value"] = before + 5
    checks = crossyear.cross_year_checks(reports, cells)
    carry = checks[checks["check"] == "requests.carry"].set_index("scope")
    assert len(carry) == 7
    forward = earlier.cells[(earlier.cells["row"] == "carried_forward") & (earlier.cells["column"] == "total")]["value"].iloc[0]
    assert forward == before  # the real pair agrees
    assert (carry.loc["total", "expected"], carry.loc["total", "observed"], carry.loc["total", "status"]) == (before, before + 5, "fail")
    assert (carry.drop(index="total")["status"] == "pass").all()


def test_problems_are_data_and_a_missing_agency_is_said(tmp_path):
    """A real page excerpt that prints no agency: without a manifest its agency is null and its
    problems say so (no_agency); the message is rendered from the problems, and a manifest that
    names the body removes that problem."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "2020_shenjiju-flipbook_page9.txt", raw / "a.txt")
    shutil.copy(RAW / "2019_putian-linyeju_page.txt", raw / "b.txt")
    r = ingest(raw, tmp_path / "out", jobs=1).reports.set_index("source_path")
    assert pd.isna(r.loc["a.txt", "agency"]) and "no_agency" in list(r.loc["a.txt", "problems"])
    assert "no agency printed" in r.loc["a.txt", "message"]
    assert r.loc["b.txt", "agency"] == "莆田市林业局" and "no_agency" not in list(r.loc["b.txt", "problems"])
    (raw / "SOURCES.csv").write_text("file,agency,year\na.txt,某区审计局,2020\n", encoding="utf-8")
    r = ingest(raw, tmp_path / "out", jobs=1).reports.set_index("source_path")
    assert r.loc["a.txt", "agency"] == "某区审计局" and "no_agency" not in list(r.loc["a.txt", "problems"])
    stored = ogi.load(tmp_path / "out").reports.set_index("source_path")
    assert list(stored.loc["a.txt", "problems"]) == list(r.loc["a.txt", "problems"])  # a list column in the store
