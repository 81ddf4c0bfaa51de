"""The indicator table of a pre-2019 report (附表 政府信息公开情况统计表), read into `indicators` cells.

Before 2019 no table was prescribed nationally; local templates (../shared/PRE2019.md §1) print
`指标名称 | 计量单位 | YYYY年度 | 历年累计` (or one column, 年末统计). A row is a known label, its unit,
then one number per column. Text dumps often lose the cell boundaries (`主动公开信息数条4251516` =
条 | 425 | 1516), and the next row's ordinal sticks to the digits (`…条41815092.政府公报` = 418 |
1509, then "2."). Shanghai-type forms print `本期实际 | 本年累计`: there the year's figure is the second
column (the first is `period`). A run is cut into its two columns with no leading zeros and the
second ≥ the first;
the table's identities (channels add up to the requests received, answer types to the answers,
a channel never exceeds its parent) keep the cuts that fit, and a cell is taken only when every
surviving cut agrees. Otherwise the report's own prose figure for that row may choose (method
`placed`, with a note), else the cell is `unreadable` with its candidates.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .align import Cell

TABLE = "indicators"
YEAR, CUMULATIVE, PERIOD = "year", "cumulative", "period"
COLUMNS = (YEAR, CUMULATIVE, PERIOD)

# key → labels as printed (PRE2019.md §4.2), matched after the numbering (其中：1. / 2、)
ROWS: dict[str, tuple[str, ...]] = {
    "active_total": ("主动公开政府信息数", "主动公开信息数", "主动公开文件数", "主动信息公开"),
    "active_via_website": ("政府网站公开政府信息数", "政府网站公开数", "网站公开", "政府网站"),
    "active_via_gazette": ("政府公报公开政府信息数", "政府公报公开数", "政府公报公开", "政府公报"),
    "requests_received": ("受理依申请公开信息总数", "受理政府信息依申请公开总数", "申请总次数", "申请总数", "收到申请数"),
    "via_in_person": ("当面申请数",),
    "via_fax": ("传真申请数",),
    "via_email": ("电子邮件申请数",),
    "via_online": ("网上申请数", "网络申请数"),
    "via_letter_fax": ("信函、传真申请数",),
    "via_letter": ("信函申请数",),
    "via_other": ("其它形式申请数", "其他形式申请数"),
    "requests_answered": ("本年度对申请的答复总数", "对申请的答复总数", "对申请的答复数", "申请答复数"),
    "ans_granted": ("同意公开答复数", "公开同意答复数"),
    "ans_partial": ("同意部分公开答复数",),
    "ans_denied_any": ("否决公开答复总数", "否决公开答复数", "否定公开答复总数"),
    "ans_withheld": ("不予公开答复总数", "不予公开答复数", "不同意公开答复数"),
    "ans_other_types": ("其他类型答复数",),
    "review_cases": ("行政复议数量", "行政复议数"),
    "litigation_cases": ("行政诉讼数量", "行政诉讼数"),
    "complaints": ("接受行政诉讼、举报数", "行政申诉、举报数", "行政申诉数", "举报投诉数量"),
    "fees_waived": ("政府信息公开收费减免金额",),
}
CHANNELS = ("via_in_person", "via_fax", "via_email", "via_online", "via_letter_fax", "via_letter", "via_other")
ANSWERS = ("ans_granted", "ans_partial", "ans_denied_any", "ans_withheld", "ans_other_types")
CHILDREN = ("active_via_website", "active_via_gazette")
CHECK_IDS = ("indicators.channels", "indicators.answers", "indicators.cumulative")  # the last across years (crossyear.py)
# the claims key (claims.py) a row's year column is compared with, and chosen by among cuts
CLAIM_OF = {"active_total": "proactive_items", "requests_received": "requests.new_received.total", "requests_answered": "requests.total_processed.total",
             "ans_granted": "requests.granted.total", "ans_partial": "requests.partially_granted.total",
             "review_cases": "appeals.review.total", "litigation_cases": "appeals.litigation.total"}  # fmt: skip

_UNIT = r"(?:人次|件次|万元|条|件|个|次|篇|人|元)"
_SEP = r"[\s|｜]*"
_ALIASES = sorted(((a, k) for k, names in ROWS.items() for a in names), key=lambda x: -len(x[0]))
_LABEL = re.compile(
    r"(?:其中\s*[:：]?\s*)?(?:\d[.、．]\s*)?[“\"]?(" + "|".join(re.escape(a) for a, _ in _ALIASES) + r")[”\"]?"
    + _SEP + r"(" + _UNIT + r")?" + _SEP + r"(?=[\d+-])"
)  # fmt: skip
_KEY_OF = dict(_ALIASES)
_RUN = re.compile(r"[\d\s|｜]+")
_ORDINAL_NEXT = re.compile(r"(\d)\s*[.、．]\s*$")
_SINCE_START = re.compile(r"历年累计")  # YYYY年度 | 历年累计 (Fujian)
_MONTHLY = re.compile(r"本期实际[\s|｜]*(?:代码)?[\s|｜]*本年累计|本期[\s|｜]*本年累计")  # 本期实际 | 本年累计 (Shanghai-type forms): the year is the second


def _columns(head: str) -> tuple[str, ...]:
    """The value columns the table's header announces, in print order."""
    if _SINCE_START.search(head):
        return (YEAR, CUMULATIVE)
    if _MONTHLY.search(head):
        return (PERIOD, YEAR)
    return (YEAR,)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    tokens: tuple[str, ...]  # the printed digit groups (one collapsed run, or one per column)
    start: int
    end: int


def rows(text: str) -> list[Row]:
    """The indicator rows of a text: a known label, its unit, then digits up to the next label
    (a glued ordinal of the next row — `…15092.政府公报` — is not a digit of this one)."""
    found = list(_LABEL.finditer(text))
    out: list[Row] = []
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(text)
        run = _RUN.match(text, m.end(), stop)
        if not run:
            continue
        digits = run.group()
        rest = text[run.end() : stop]
        if re.match(_UNIT + "|[%％]", rest):
            continue  # 其中当面申请数18条: a sentence of the prose, not a row of the table
        ordinal = _ORDINAL_NEXT.search(digits + rest[:1]) if rest[:1] in ".、．" else None
        if ordinal and i + 1 < len(found) and not re.match(r"\s*(?:其中\s*[:：]?\s*)?\d[.、．]", text[found[i + 1].start() : found[i + 1].end()]):
            digits = digits[: ordinal.start(1)]  # "2." belongs to the next label
        tokens = tuple(t for t in re.split(r"[\s|｜]+", digits) if t)
        if tokens and m.group(1) in _KEY_OF:
            out.append(Row(_KEY_OF[m.group(1)], m.group(1), tokens, m.start(), run.start() + len(digits)))
    # a key seen twice (the table printed twice, or a prose echo): keep the first, the table's
    seen: set[str] = set()
    return [r for r in out if not (r.key in seen or seen.add(r.key))]


def _cuts(run: str) -> list[tuple[int, int]]:
    """(first, second) readings of a collapsed run: no leading zeros, the running total (second) ≥ the first."""
    out = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(b) >= int(a):
            out.append((int(a), int(b)))
    return out


def _candidates(row: Row, two_columns: bool) -> list[tuple[int, int | None]]:
    if not two_columns:
        return [(int(row.tokens[0]), None)] if len(row.tokens) == 1 else []
    if len(row.tokens) == 2:
        return [(int(row.tokens[0]), int(row.tokens[1]))]
    if len(row.tokens) == 1:
        run = row.tokens[0]
        return [(int(run), None)] if len(run) == 1 else _cuts(run)  # one digit: the year's, the cumulative left blank
    return []


def _groups(keys: set[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """(parent, children, relation) the table's rows stand in: `=` the parts add up, `≥` each part at most its parent."""
    out = []
    if "requests_received" in keys and keys & set(CHANNELS):
        out.append(("requests_received", tuple(k for k in CHANNELS if k in keys), "="))
    if "requests_answered" in keys and keys & set(ANSWERS):
        out.append(("requests_answered", tuple(k for k in ANSWERS if k in keys), "="))
    if "active_total" in keys and keys & set(CHILDREN):
        out.append(("active_total", tuple(k for k in CHILDREN if k in keys), "≥"))
    return out


def _fits(relation: str, parent, parts) -> bool:
    for col in (0, 1):
        p = parent[col]
        xs = [x[col] for x in parts]
        if p is None or any(x is None for x in xs):
            continue
        if relation == "=" and sum(xs) != p:
            return False
        if relation == "≥" and any(x > p for x in xs):
            return False
    return True


MAX_COMBINATIONS = 200_000


def read(text: str, claimed: dict[str, list[float]] | None = None) -> tuple[list[Cell], list[dict]]:
    """The indicators cells and their checks. `claimed`: the prose's figure per row key (year
    column), used only to choose between cuts the identities leave open."""
    found = rows(text)
    if len(found) < 3:
        return [], []  # a label or two in prose is no table
    before = text[max(0, found[0].start - 200) : found[0].start]  # the table's header
    columns = _columns(before + text[found[0].start : found[0].start + 50])
    two = len(columns) == 2
    if "代码" in before:  # 指标名称 | 计量单位 | 代码 | …: each row's code is no value
        found = [Row(r.key, r.label, r.tokens[1:], r.start, r.end) if len(r.tokens) == len(columns) + 1 else r for r in found]
    at = columns.index(YEAR)  # the year's figure: first of YYYY年度 | 历年累计, second of 本期实际 | 本年累计
    cands = {r.key: _candidates(r, two) for r in found}
    placed: dict[str, str] = {}
    for r in found:  # the prose's figure chooses first: the identities then carry the choice to the rows it bounds
        prose = set((claimed or {}).get(CLAIM_OF.get(r.key, ""), ()))
        chosen = [o for o in cands[r.key] if o[at] in prose]
        if len(cands[r.key]) > 1 and len(chosen) == 1:
            cands[r.key] = chosen
            placed[r.key] = f"the run {' '.join(r.tokens)} cut as {chosen[0][0]} | {chosen[0][1]}: the prose states {chosen[0][at]}"
    for parent, parts, relation in _groups(set(cands)):
        keys = (parent, *parts)
        options = [cands[k] for k in keys]
        if not all(options) or _product(options) > MAX_COMBINATIONS:
            continue
        fitting = [combo for combo in itertools.product(*options) if _fits(relation, combo[0], combo[1:])]
        if fitting:
            for i, k in enumerate(keys):
                cands[k] = sorted({combo[i] for combo in fitting}, key=options[i].index)
    cells: list[Cell] = []
    for r in found:
        options = cands[r.key]
        raw = " ".join(r.tokens)
        loc = f"indicator row {r.label} (text chars {r.start}–{r.end})"
        note, method = placed.get(r.key), "placed" if r.key in placed else "printed" if len(r.tokens) == len(columns) else "recovered"
        for col, name in enumerate(columns):
            values = {o[col] for o in options}
            if len(values) == 1 and options:
                v = values.pop()
                cells.append(Cell(TABLE, r.key, name, None if v is None else float(v), "blank" if v is None else "value", raw, loc, note, method))
            else:
                why = "no reading fits the table's identities" if not options else "candidates " + ", ".join(sorted({str(o[col]) for o in options}))
                cells.append(Cell(TABLE, r.key, name, None, "unreadable", raw, loc, f"collapsed run {raw}: {why}", method))
    return cells, _checks(cells, columns)




def _product(options) -> int:
    n = 1
    for o in options:
        n *= len(o)
    return n


def _checks(cells: list[Cell], columns: tuple[str, ...]) -> list[dict]:
    by = {(c.row, c.column): c for c in cells}
    keys = {c.row for c in cells}
    out = []
    for parent, parts, relation in _groups(keys):
        if relation != "=":
            continue  # a channel at most its parent is no identity to report
        check = "indicators.channels" if parent == "requests_received" else "indicators.answers"
        for col in columns:
            got = [by.get((k, col)) for k in (parent, *parts)]
            if any(g is None or g.flag != "value" for g in got):
                out.append(dict(check=check, scope=col, expected=None, observed=None, status="not_assessable"))
                continue
            expected, observed = got[0].value, sum(g.value for g in got[1:])
            out.append(dict(check=check, scope=col, expected=expected, observed=observed, status="pass" if expected == observed else "fail"))
    return out
