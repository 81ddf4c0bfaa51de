"""Claims (numbers the prose states) and findings (the report against itself), on real reports."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

from conftest import RAW, report

from ogi import claims as C
from ogi.ingest import ingest
from ogi.report import read_bytes, read_report

SEED = "000_98d5d9cfaf16f11b.txt"  # 临汾市人民政府 2023: 全市共收到依申请公开328件,本年度辦理319件,結轉下年繼續辦理9件
JINGJI = "2023_pingtan-jingjifazhanju_page.txt"  # prose: 共收到政府信息公开申请0条; table: 3 received


def _claims(rep) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for r in rep.claim_rows:
        out.setdefault(r[1], []).append(r[2])
    return out


def _findings(rep, prefix="text.") -> list[dict]:
    from ogi.audit import FINDING_COLUMNS

    return [dict(zip(FINDING_COLUMNS, r)) for r in rep.finding_rows if r[2].startswith(prefix)]


def test_the_seeds_claims_agree_with_its_table():
    rep = report(SEED)
    got = _claims(rep)
    assert (got[C.RECEIVED], got[C.PROCESSED], got[C.CARRIED_FORWARD]) == ([328.0], [319.0], [9.0])
    assert got[C.FEES] == [0.0]  # 临汾市2023年度未收取政府信息公开信息处理费
    assert _findings(rep) == []


def _seed_with(old: str, new: str):
    text = (RAW / SEED).read_text(encoding="utf-8")
    assert old in text
    return read_bytes(text.replace(old, new, 1).encode("utf-8"))


def test_a_changed_figure_in_the_prose_is_one_finding_with_both_numbers_and_places():
    rep = _seed_with("收到依申請公開328件", "收到依申請公開338件")
    (f,) = _findings(rep)
    assert (f["rule"], f["claimed"], f["printed"]) == ("text.new_received", 338.0, 328.0)
    assert f["claim_locator"].startswith("text sentence") and f["cell_locator"].startswith("line ")
    assert "338" in f["message_zh"] and "328" in f["message_zh"]


def test_all_handled_wording_while_requests_are_carried_forward():
    rep = _seed_with("結轉下年繼續辦理9件。", "結轉下年繼續辦理9件。所有申請均已辦結。")
    (f,) = _findings(rep)
    assert f["rule"] == "text.all_handled" and f["printed"] == 9.0


def test_the_source_that_contradicts_itself():
    (f,) = _findings(report(JINGJI))
    assert (f["rule"], f["claimed"], f["printed"]) == ("text.new_received", 0.0, 3.0)
    assert {r[2] for r in report(JINGJI).finding_rows} >= {"check.requests.balance", "text.new_received"}


def test_the_traps_are_not_claims_about_the_report():
    # a catalogue count (制发…其中依申请公开130条) has no verb of receiving: no claim
    assert C.RECEIVED not in _claims(report(JINGJI)) or _claims(report(JINGJI))[C.RECEIVED] == [0.0]
    # the whole city's figure in a department's report is the jurisdiction's
    city = "2024年，全市共受理政府信息公开申请3119件，答复3050件。"
    assert {c.scope for c in C.extract(city, "department")} == {"jurisdiction"}
    assert {c.scope for c in C.extract(city, "government")} == {"self"}
    # 淮安 2024: 主动公开各类政府信息5500余条 is approximate
    huaian = _claims(report("2024_huaian-city_pdf.pdf"))
    assert huaian[C.PROACTIVE] == [5500.0]
    assert [r[5] for r in report("2024_huaian-city_pdf.pdf").claim_rows if r[1] == C.PROACTIVE] == [True]
    # 上海 2025: 未发生…被行政复议纠错或行政诉讼败诉 speaks of outcomes, not of zero reviews
    assert C.REVIEWS not in _claims(report("2025_shanghai-office_md.md"))


def test_no_text_finding_where_prose_and_table_agree(store_dir):
    """Precision on the shipped corpus: the only prose contradiction is the real one."""
    import pandas as pd

    findings = pd.read_parquet(store_dir / "findings.parquet")
    reports = pd.read_parquet(store_dir / "reports.parquet").set_index("report_id")
    text = findings[findings["rule"].str.startswith("text.") & (findings["rule"] != "text.reuse")]  # reuse is shown, not a contradiction
    assert sorted(zip(text["report_id"].map(reports["source_path"]), text["rule"], text["severity"])) == [
        ("2008_putian_page.txt", "text.partially_granted", "error"),  # prose 5, its 附表 12 (the example)
        ("2012_pingtan_github-pagetxt.txt", "text.proactive", "warning"),  # prose 1913, table 739 (PRE2019.md §6)
        ("2013_pingtan_github-pagetxt.txt", "text.proactive", "warning"),  # prose 4970, table 72804
        ("2013_pingtan_github-pagetxt.txt", "text.review_total", "error"),  # 收到1份…行政复议申请, table 0 (PRE2019.md §6)
        (JINGJI, "text.new_received", "error"),
    ]
    claims = pd.read_parquet(store_dir / "claims.parquet")
    assert len(claims) >= 80 and set(claims["key"]) <= set(C.KEYS)


def test_a_reviewers_decision_survives_a_rerun(tmp_path):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(RAW / JINGJI, raw / JINGJI)
    store = tmp_path / "data" / "processed"
    ingest(raw, store, jobs=1)
    import pandas as pd

    found = pd.read_parquet(store / "findings.parquet")
    fid = found.loc[found["rule"] == "text.new_received", "finding_id"].iloc[0]
    with open(tmp_path / "data" / "reviews.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["finding_id", "decision", "reviewer", "date", "comment"])
        w.writerow([fid, "confirmed", "王", "2026-12-03", "the prose says 0, the table 3: the table is right"])
    before = (tmp_path / "data" / "reviews.csv").read_bytes()
    for _ in range(2):
        ingest(raw, store, jobs=1, force=True)
        found = pd.read_parquet(store / "findings.parquet").set_index("finding_id")
        assert found.loc[fid, "decision"] == "confirmed" and found.loc[fid, "reviewer"] == "王"
    assert (tmp_path / "data" / "reviews.csv").read_bytes() == before  # never written by the suite
    out = subprocess.run([sys.executable, "-m", "ogi", "check", str(store)], capture_output=True, text=True, check=True).stdout
    assert fid not in out and "check.requests.balance" in out  # the confirmed one is no longer open


def test_parse_json_carries_claims_and_findings():
    line = json.loads(read_report(RAW / JINGJI).to_json())
    assert {c["key"] for c in line["claims"]} >= {C.RECEIVED, C.REVIEWS}
    assert "text.new_received" in {f["rule"] for f in line["findings"]}


def test_the_pages_show_findings_and_verdicts(store_dir):
    """02 shows a report's findings and its one-line verdict; 06 audits each report (with its evidence) and ranks the bodies."""
    import ogi
    from ogi import batch, views

    corpus = ogi.load(store_dir)
    view = views.ReportView(corpus, "平潭综合实验区经济发展局", 2023)
    assert view.verdict() == "1 contradiction between text and table, 2 failing checks"
    table = view.findings()
    assert list(table["rule"]) == ["check.requests.balance", "check.requests.balance", "text.new_received"]
    assert list(table["decision"]) == ["open"] * 3
    assert views.ReportView(corpus, "临汾市人民政府", 2023).verdict().startswith("no findings")
    ranking = views.AuditView(corpus).ranking()
    assert ranking.iloc[0]["errors"] >= 2 and "平潭综合实验区经济发展局" in set(ranking["agency"])
    audits = [j for j in batch.plan(store_dir) if j.notebook == "06_audit.ipynb"]
    readable = corpus.reports[corpus.reports["status"].isin(["ok", "partial"]) & corpus.reports["primary"]]
    assert len(audits) == 1 + len(readable) and [j.slug for j in audits if j.agency is None] == ["audit"]  # the corpus, and every report
    assert "audit_莆田市_2008" in {j.slug for j in audits}  # a pre-2019 report has its audit page too
    putian = views.AuditView(corpus).report("莆田市", 2008)
    assert putian.verdict() == "1 contradiction between text and table"
    (row,) = putian.findings().to_dict("records")
    assert (row["text says"], row["table says"]) == (5, 12) and row["where_table"].startswith("indicator row 同意部分公开答复数")
    assert {"requests.granted.total", "requests.partially_granted.total"} <= set(putian.claims()["concept"])


def test_the_trend_reaches_back_before_2019(store_dir):
    """平潭综合实验区: received 0, 0, 1, 0, 0, 0, 0 in 2012–2018 as its reports' 附表 print them (PRE2019.md §2.5),
    a separate series, with the 2014 merger named for the years before it; items published from the
    table too (739 and 72804 where the prose says 1913 and 4970 — a text.proactive finding each)."""
    import ogi
    from ogi import views

    early, note = views.TrendView(ogi.load(store_dir), "平潭综合实验区", 2019, 2025).before_2019()
    assert list(early["year"]) == [2012, 2013, 2014, 2015, 2016, 2017, 2018]
    assert list(early["收到申请 received"]) == [0, 0, 1, 0, 0, 0, 0]
    assert list(early["主动公开 items published"]) == [739, 72804, 2543, 2949, 3460, 2122, 2069]
    assert set(early["source"]) == {"附表 table"}
    assert all("2014" in s for s in early["scope"].iloc[:2]) and not any(early["scope"].iloc[2:])
    assert "separate series" in note


def test_text_reused_from_the_year_before_is_shown(store_dir):
    """平潭县 2012 repeats most of its 2011 report's sentences (years blanked): shown, not judged."""
    import pandas as pd

    findings = pd.read_parquet(store_dir / "findings.parquet")
    reports = pd.read_parquet(store_dir / "reports.parquet").set_index("report_id")
    reuse = findings[findings["rule"] == "text.reuse"].assign(file=lambda f: f["report_id"].map(reports["source_path"])).set_index("file")
    row = reuse.loc["2012_pingtanxian_github-pagetxt.txt"]
    assert row["severity"] == "info" and row["scope"] == "vs 2011" and 0.6 <= row["printed"] <= 0.8
    assert "2025_pingtan_github-pagetxt.txt" not in reuse.index or reuse.loc["2025_pingtan_github-pagetxt.txt", "printed"] >= 0.3


def test_section_six_says_nothing_while_fees_were_collected():
    text = (RAW / JINGJI).read_text(encoding="utf-8")
    assert "六、其他需要报告的事项无。" in text
    rep = read_bytes(text.replace("2023年，共收到政府信息公开申请0条。", "2023年，共收到政府信息公开申请0条。全年收取信息处理费200元。", 1).encode("utf-8"))
    fees = _findings(rep, "text.fees")
    assert len(fees) == 1 and fees[0]["claimed"] == 200.0
    assert _findings(report(JINGJI), "text.fees") == []  # the real report collected none


def test_a_title_with_another_year_than_the_manifests(tmp_path):
    import pandas as pd

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / JINGJI, raw / JINGJI)
    (raw / "SOURCES.csv").write_text(f"file,agency,year,source\n{JINGJI},平潭综合实验区经济发展局,2022,test\n", encoding="utf-8")
    ingest(raw, tmp_path / "store", jobs=1)
    found = pd.read_parquet(tmp_path / "store" / "findings.parquet")
    title = found[(found["rule"] == "text.year") & (found["scope"] == "title")]
    assert len(title) == 1 and (title["printed"].iloc[0], title["claimed"].iloc[0]) == (2022, 2023)


def _claimed(name) -> dict[str, list[float]]:
    return _claims(report(name))


def test_granted_and_partly_granted_as_the_prose_states_them():
    """Outcomes are claims even inside a 其中 list; 予以公开及部分公开 is the two together."""
    assert (_claimed("2022_gaoping-bangongshi_page.txt")[C.GRANTED], _claimed("2022_gaoping-bangongshi_page.txt")[C.PARTLY_GRANTED]) == ([2.0], [8.0])
    putian = _claimed("2008_putian_page.txt")  # 已答复100件，其中，"同意公开"的为88件、"同意部分公开"的为5件
    assert (putian[C.GRANTED], putian[C.PARTLY_GRANTED]) == ([88.0], [5.0])
    assert _claimed("2013_pingtanxian_github-pagetxt.txt")[C.PROCESSED] == [3.0]  # 其它公开答复数1条 is a part, not 1 answered
    assert _claimed("2023_pingtan_page.html")[C.RELEASED] == [42.0]  # = 22 granted + 20 partly in its table: no finding
    assert _findings(report("2023_pingtan_page.html")) == []


def test_appeal_outcomes_as_the_prose_states_them():
    huaian = _claimed("2024_huaian-city_pdf.pdf")  # 行政复议351件，其中结果维持72件，结果纠正64件…；行政诉讼46件，其中结果维持25件…
    review, lawsuit = C.APPEAL_OUTCOMES, C.APPEAL_OUTCOMES
    assert [huaian[review[("review", o)]] for o in ("upheld", "corrected", "pending")] == [[72.0], [64.0], [37.0]]
    assert [huaian[lawsuit[("litigation", o)]] for o in ("upheld", "corrected", "pending")] == [[25.0], [5.0], [7.0]]
    assert _findings(report("2024_huaian-city_pdf.pdf")) == []  # each agrees with its table (13 + 12 upheld in the two lawsuit rows)
    shanghai = _claimed("2019_shanghai-bangongting_github-jsstring.html")  # 行政复议7件，诉讼9件，均获维持 (the table: 5 upheld + 2 pending)
    assert shanghai[review[("review", "corrected")]] == [0.0] and review[("review", "upheld")] not in shanghai
    assert _findings(report("2019_shanghai-bangongting_github-jsstring.html")) == []  # its 总计 column is blank beside numbers: no zero
    office = _claimed("2025_shanghai-office_md.md")  # 全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形
    assert office[review[("review", "corrected")]] == [0.0] and office[lawsuit[("litigation", "corrected")]] == [0.0]
    assert all(k not in _claimed("2023_hongze-district_pdf.pdf") for k in C.APPEAL_OUTCOMES.values())  # its appeals header states nothing


def test_a_changed_outcome_in_the_prose_is_a_finding():
    text = (RAW / "2023_pingtan_page.html").read_bytes().decode("utf-8")
    assert "予以公开及部分公开42件" in text
    (f,) = _findings(read_bytes(text.replace("予以公开及部分公开42件", "予以公开及部分公开52件", 1).encode("utf-8"), name="2023_pingtan_page.html"))
    assert (f["rule"], f["claimed"], f["printed"]) == ("text.released", 52.0, 42.0)
    assert f["cell_locator"].count(";") == 1  # both cells named: granted and partly granted


def test_the_pre2019_contradiction_between_prose_and_its_appendix_table():
    """莆田市 2008: prose says 5 partly granted, its 附表 12 (the issue's example)."""
    (f,) = [f for f in _findings(report("2008_putian_page.txt")) if f["rule"] == "text.partially_granted"]
    assert (f["claimed"], f["printed"], f["severity"]) == (5.0, 12.0, "error")
    assert f["cell_locator"].startswith("indicator row 同意部分公开答复数")


def test_figures_of_real_prose_keep_the_word_before_and_the_more_than():
    """沭阳县 2025 (markdown): 共受理…申请 749 件 with spaces, 共计380元; 平潭地税局 2013: 共计91件,
    amounts with decimals, 4900人次 (no unit of a claim) and 4000余条 (approximate)."""
    got = {c.key: (c.value, c.approximate) for c in C.extract((RAW / "2025_shuyang-county_txt.txt").read_text(encoding="utf-8"))}
    assert got[C.PROACTIVE] == (4511.0, False) and got[C.RECEIVED] == (749.0, False) and got[C.FEES] == (380.0, False)
    text = (RAW / "2013_pingtan-dishuiju_github-pagetxt.txt").read_text(encoding="utf-8")
    figures = [(f.before, f.number, f.more, f.unit) for _, _, s in C._sentences(text) for f in C._figures(s)]
    assert ("", "117", None, "件") in figures and ("", "171", None, "件") in figures and ("共计", "91", None, "件") in figures
    assert ("", "219062.78", None, "元") in figures and ("", "1", None, "万元") in figures
    assert all(f[1] not in ("4900", "3000") for f in figures)  # 约4900人次, 3000多人次: no unit a claim counts
    assert [(f.before, f.more) for f in C._figures("政务微博“科技河北”发布信息4000余条")] == [("", "余")]
