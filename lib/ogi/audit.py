"""Findings: what a supervisor checking a report would note — the report against itself.

Rules (`rule` ids, README: findings): every failing identity and cross-year check (`check.<id>`);
a prose claim against its table cell (`text.new_received`, `text.processed`,
`text.carried_forward`, `text.review_total`, `text.litigation_total`, `text.granted`,
`text.partially_granted`, `text.released` (the two together), `text.review_outcome`,
`text.litigation_outcome` (维持 / 纠正 / 尚未审结, scope names which); for a pre-2019 report the
same claims against its indicator table's year column, and `text.proactive` (items published,
a warning: prose and table count them differently, PRE2019.md §6)); "all requests handled"
wording while requests are carried forward (`text.all_handled`); a statistics period in another
year (`text.year`); a section 一–六 missing (`section.missing`); a 2019-format table in a report
of 2021 or later (`format.old`); blank cells where the format expects a number (`cells.blank`);
section 六 saying 无 while the text states fees collected (`text.fees`); a title printing another
year than the report's (`text.year`, scope title: the manifest's year against the printed one);
the share of a body's sentences repeated from its report of the year before (`text.reuse`: shown,
not judged).

A finding's id is stable (rule + report + scope), so a reviewer's decision in data/reviews.csv
(finding_id, decision, reviewer, date, comment — a file the suite never writes) stays attached
across runs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from . import claims as C
from . import indicators as I

FINDING_COLUMNS = ["finding_id", "report_id", "rule", "severity", "scope", "message_zh", "message_en", "claimed", "printed", "claim_locator", "cell_locator"]
SEVERITIES = ("error", "warning", "info")  # contradiction / doubtful / worth a look
DECISIONS = ("confirmed", "dismissed")
REVIEW_COLUMNS = ["finding_id", "decision", "reviewer", "date", "comment"]
MIN_CONFIDENCE = 0.8  # a claim less sure than this is shown, never compared

TEXT_RULES = {  # claim key → (rule, the table cells it is compared with, Chinese and English names)
    C.RECEIVED: ("text.new_received", (("requests", "new_received", "total"),), "本年新收申请", "requests received"),
    C.PROCESSED: ("text.processed", (("requests", "total_processed", "total"),), "办理结果总计", "requests processed"),
    C.CARRIED_FORWARD: ("text.carried_forward", (("requests", "carried_forward", "total"),), "结转下年度继续办理", "requests carried forward"),
    C.REVIEWS: ("text.review_total", (("appeals", "review", "total"),), "行政复议总计", "administrative reviews"),
    C.LAWSUITS: ("text.litigation_total", (("appeals", "litigation_direct", "total"), ("appeals", "litigation_after_review", "total")), "行政诉讼总计", "lawsuits"),
    C.GRANTED: ("text.granted", (("requests", "granted", "total"),), "予以公开", "requests granted"),
    C.PARTLY_GRANTED: ("text.partially_granted", (("requests", "partially_granted", "total"),), "部分公开", "requests partly granted"),
    C.RELEASED: ("text.released", (("requests", "granted", "total"), ("requests", "partially_granted", "total")), "予以公开及部分公开", "requests granted or partly granted"),
}
TEXT_RULES[C.PROACTIVE] = ("text.proactive", (), "主动公开信息数", "items published")  # a pre-2019 indicator table's row only
# a pre-2019 report: the claim against its indicator table's year column (PRE2019.md §4.2)
INDICATOR_CELLS = {claim: ((I.TABLE, row, I.YEAR),) for row, claim in I.CLAIM_OF.items()}
WARNING_RULES = {"text.proactive"}  # counting rules for items published differ between prose and table (PRE2019.md §6)
_OUTCOME_NAMES = {"upheld": ("结果维持", "upheld"), "corrected": ("结果纠正", "corrected"), "pending": ("尚未审结", "pending")}
for (_kind, _outcome), _key in C.APPEAL_OUTCOMES.items():
    _rows = ("review",) if _kind == "review" else ("litigation_direct", "litigation_after_review")
    TEXT_RULES[_key] = (f"text.{_kind}_outcome", tuple(("appeals", r, _outcome) for r in _rows),
                        ("行政复议" if _kind == "review" else "行政诉讼") + _OUTCOME_NAMES[_outcome][0],
                        ("reviews " if _kind == "review" else "lawsuits ") + _OUTCOME_NAMES[_outcome][1])  # fmt: skip
_ALL_HANDLED = re.compile(r"(?:所有|全部|均已|全部已)[^，。；]{0,10}?(?:办理完成|办结|办理完毕|答复完毕|处理完毕)|均已(?:按要求|按时|按期|依法)?(?:办理完成|办结|答复)")
_SIX_NOTHING = re.compile(r"六、\s*其他需要报告的事项\s*[:：]?\s*无\s*[。.]?(?![\u4e00-\u9fff])")
_PERIOD_END = re.compile(r"[^。；]{0,16}?至\s*((?:19|20)\d\d)\s*年")
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|区间|周期|时间)[^。；\d]{0,8}?((?:19|20)\d\d)\s*年")
SECTIONS = {"一": ("总体情况",), "二": ("主动公开",), "三": ("收到和处理", "依申请"), "四": ("行政复议", "行政诉讼"),
            "五": ("存在的主要问题", "存在问题", "主要问题"), "六": ("其他需要报告", "其他事项")}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    report_id: str
    rule: str
    severity: str
    scope: str
    message_zh: str
    message_en: str
    claimed: float | None = None
    printed: float | None = None
    claim_locator: str | None = None
    cell_locator: str | None = None

    @property
    def finding_id(self) -> str:
        return hashlib.sha256(f"{self.rule}|{self.report_id}|{self.scope}".encode()).hexdigest()[:16]

    def row(self) -> tuple:
        return (self.finding_id, self.report_id, self.rule, self.severity, self.scope, self.message_zh, self.message_en,
                self.claimed, self.printed, self.claim_locator, self.cell_locator)  # fmt: skip


def _n(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def report_findings(report_id: str, meta: dict, simple_text: str, cells: list, checks: list[dict], claims: list[C.Claim]) -> list[Finding]:
    """The per-report rules (cross-year checks are added by the corpus step: `check_findings`)."""
    out: list[Finding] = []
    by_key = {(c.table, c.row, c.column): c for c in cells}
    rows_with_numbers = {(c.table, c.row) for c in cells if c.flag == "value" and c.value}
    for ch in checks:
        if ch["status"] == "fail":
            out.append(_check_finding(report_id, ch["check"], ch["scope"], ch["expected"], ch["observed"]))
    for claim in claims:
        if claim.key not in TEXT_RULES or claim.scope != "self" or claim.approximate or claim.confidence < MIN_CONFIDENCE:
            continue
        rule, keys, zh, en = TEXT_RULES[claim.key]
        if not any(k in by_key for k in keys):
            keys = INDICATOR_CELLS.get(claim.key, keys)
        got = [by_key.get(k) for k in keys]
        if not got or any(g is not None and g.method == "placed" for g in got):
            continue  # nothing to compare, or the prose chose the cell's reading: it agrees by construction
        if any(g is None or g.flag not in ("value", "blank") for g in got):
            continue  # the table's number is not read: nothing to compare
        if any(g.flag == "blank" and (g.table, g.row) in rows_with_numbers for g in got):
            continue  # a blank total beside numbers in its row (上海 2019 leaves the 总计 column empty) is no zero
        printed = sum(g.value or 0.0 for g in got)
        if claim.key == C.RECEIVED and printed != claim.value:
            over = by_key.get(("requests", "carried_over", "total"))
            if over is not None and over.flag in ("value", "blank") and printed + (over.value or 0.0) == claim.value:
                continue  # "received 75" = 74 new + 1 carried over: the sentence counts both, as many do
        if printed != claim.value:
            out.append(Finding(report_id, rule, "warning" if rule in WARNING_RULES else "error", f"{claim.key}@text sentence {claim.sentence_no}",
                               f"正文称{zh}{_n(claim.value)}{claim.unit}，表格为{_n(printed)}",
                               f"the text says {_n(claim.value)} {en}, the table {_n(printed)}",
                               claim.value, printed, claim.locator, "; ".join(g.locator for g in got)))  # fmt: skip
    forward = by_key.get(("requests", "carried_forward", "total"))
    if forward is not None and forward.flag == "value" and (forward.value or 0) > 0:
        for m in _ALL_HANDLED.finditer(simple_text):
            around = simple_text[max(0, m.start() - 60) : m.end()]
            if "申请" in around:
                out.append(Finding(report_id, "text.all_handled", "error", "requests",
                                   f"正文称申请已全部办结（“{m.group()}”），表格结转下年度继续办理{_n(forward.value)}件",
                                   f"the text says every request was handled ({m.group()!r}) while {_n(forward.value)} are carried into next year",
                                   None, forward.value, f"text chars {m.start()}–{m.end()}", forward.locator))  # fmt: skip
                break
    year = meta.get("year")
    period = _PERIOD_YEAR.search(simple_text)
    if year is not None and period:
        end = _PERIOD_END.match(simple_text, period.end())  # 自2003年1月1日起至2008年12月31日止: the period ends in the report's year
        stated = int(end.group(1)) if end else int(period.group(1))
        if stated != int(year):
            out.append(Finding(report_id, "text.year", "warning", "period", f"统计期限写{stated}年，报告年度为{int(year)}年",
                               f"the statistics period says {stated}, the report's year is {int(year)}", float(stated), float(year),
                               f"text chars {period.start()}–{period.end()}", None))  # fmt: skip
    fees = [c for c in claims if c.key == C.FEES and c.value > 0 and c.scope == "self"]
    nothing = _SIX_NOTHING.search(simple_text)
    if fees and nothing:
        out.append(Finding(report_id, "text.fees", "error", "section 六", f"第六部分写“无”，正文称收取信息处理费{_n(fees[0].value)}元",
                           f"section 六 says 无 (nothing to report) while the text states {_n(fees[0].value)} yuan of fees collected",
                           fees[0].value, None, fees[0].locator, f"text chars {nothing.start()}–{nothing.end()}"))  # fmt: skip
    fmt = meta.get("format")
    if fmt == "v2019" and year is not None and int(year) >= 2021:
        out.append(Finding(report_id, "format.old", "warning", "tables", f"{int(year)}年报告仍用2019年表格格式", f"a {int(year)} report in the 2019 table format"))
    if fmt in ("v2019", "v2021") and meta.get("status") == "ok":
        missing = [k for k, words in SECTIONS.items() if not re.search(f"{k}、[^。]{{0,24}}?(?:{'|'.join(words)})", simple_text)]
        if missing:
            out.append(Finding(report_id, "section.missing", "warning", ",".join(missing), f"缺少第{'、'.join(missing)}部分", f"section {', '.join(missing)} not found"))
    blank = [c for c in cells if c.flag == "blank" and c.table in ("requests", "appeals")]
    if blank:
        out.append(Finding(report_id, "cells.blank", "info", "cells", f"{len(blank)}个应填数字的单元格为空", f"{len(blank)} cells left blank where the format expects a number",
                           None, float(len(blank)), None, "; ".join(c.locator for c in blank[:5])))  # fmt: skip
    return out


def _check_finding(report_id: str, check: str, scope: str, expected, observed) -> Finding:
    e = "?" if expected is None or expected != expected else _n(expected)
    o = "?" if observed is None or observed != observed else _n(observed)
    return Finding(report_id, f"check.{check}", "error", scope, f"勾稽关系不成立：{check}（{scope}）应为{e}，实为{o}",
                   f"{check} fails for {scope}: {e} expected, {o} found", None if e == "?" else float(expected), None if o == "?" else float(observed))  # fmt: skip


def check_findings(checks, known: set[str]) -> list[Finding]:
    """Findings for the failing checks of a checks table not yet among `known` finding ids (the
    corpus step's cross-year checks)."""
    out = []
    for r in checks[checks["status"] == "fail"].itertuples(index=False):
        f = _check_finding(str(r.report_id), r.check, r.scope, r.expected, r.observed)
        if f.finding_id not in known:
            out.append(f)
    return out


def read_reviews(path) -> "pd.DataFrame":  # noqa: F821
    """data/reviews.csv as written by a reviewer (never by the suite); empty when absent."""
    from pathlib import Path

    import pandas as pd

    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=REVIEW_COLUMNS, dtype="string")
    df = pd.read_csv(path, dtype=str, keep_default_na=False).reindex(columns=REVIEW_COLUMNS, fill_value="")
    df["decision"] = df["decision"].str.strip().str.lower()
    df = df[df["decision"].isin(DECISIONS)]
    return df.drop_duplicates("finding_id", keep="last").astype("string")  # the last line about a finding wins


def with_decisions(findings, reviews):
    """Findings with the reviewer's decision beside each (null: open)."""
    out = findings.merge(reviews.rename(columns={"date": "decided_on"}), on="finding_id", how="left")
    return out


REUSE_SHOWN = 0.3  # a body repeating at least this share of last year's sentences gets a text.reuse finding


def text_reuse(reports, sentences: dict[str, list[str]]) -> list[Finding]:
    """For each body's primary report with a report of the year before: the share of its prose
    sentences (years blanked) found there too. Shown, not judged: an info finding from 30 %."""
    out = []
    primary = reports[reports["primary"].fillna(False).astype(bool) & reports["year"].notna() & reports["agency_key"].notna()]
    by_year = {(k, int(y)): str(r) for k, y, r in zip(primary["agency_key"], primary["year"], primary["report_id"])}
    for (key, year), rid in sorted(by_year.items()):
        before = by_year.get((key, year - 1))
        mine = sentences.get(rid) or []
        if before is None or not mine:
            continue
        last = set(sentences.get(before) or ())
        share = sum(h in last for h in mine) / len(mine)
        if share >= REUSE_SHOWN:
            out.append(Finding(rid, "text.reuse", "info", f"vs {year - 1}", f"{share:.0%}的语句与{year - 1}年报告相同",
                               f"{share:.0%} of its sentences are also in its {year - 1} report", None, round(share, 3), None, None))  # fmt: skip
    return out


def title_years(reports) -> list[Finding]:
    """text.year (scope title): the title prints another year than the report's (the manifest's)."""
    out = []
    both = reports[reports["printed_year"].notna() & reports["year"].notna()]
    for r in both[both["printed_year"].astype(int) != both["year"].astype(int)].itertuples(index=False):
        out.append(Finding(str(r.report_id), "text.year", "warning", "title", f"标题写{int(r.printed_year)}年，报告年度为{int(r.year)}年",
                           f"the title says {int(r.printed_year)}, the report's year is {int(r.year)}", float(r.printed_year), float(r.year)))  # fmt: skip
    return out
