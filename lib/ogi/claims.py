"""Numbers a report states in its prose (claims), each tied to the table cell it speaks of.

A sentence is cut into clauses (，；); a clause's verb says which concept its number counts —
收到/受理 (requests received), 办理/办结/答复 (processed), 结转下年/顺延到下年 (carried forward),
行政复议 / 行政诉讼 (appeals), 主动公开 (items published) — and zeros stated in words count too
(未收到…申请, 没有…行政复议). Three traps seen in real reports are handled by the structure, not
by the first match: a number about the whole jurisdiction (全市共…) in a department's report is
not about its own tables (scope `jurisdiction`); a catalogue count (依申请公开130条, with no
verb of receiving) is no claim; an approximate figure (7700余条) is flagged `approximate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .normalize import CJK

# keys: table cells where there is one, named prose-only concepts otherwise (README: claims)
RECEIVED = "requests.new_received.total"
RECEIVED_WITH_CARRIED = "requests.received_incl_carried_over"
PROCESSED = "requests.total_processed.total"
CARRIED_FORWARD = "requests.carried_forward.total"
REVIEWS = "appeals.review.total"
LAWSUITS = "appeals.litigation.total"  # direct + after review: the two lawsuit rows together
PROACTIVE = "proactive_items"
FEES = "fees_collected_yuan"
GRANTED = "requests.granted.total"
PARTLY_GRANTED = "requests.partially_granted.total"
RELEASED = "requests.released"  # granted + partially granted, stated as one figure (予以公开及部分公开42件)
# outcomes of appeals where the prose states them (均获维持, 未发生…被纠错, 均已结案); lawsuits: both rows together
APPEAL_OUTCOMES = {(kind, outcome): f"appeals.{kind}.{outcome}" for kind in ("review", "litigation") for outcome in ("upheld", "corrected", "pending")}
KEYS = (RECEIVED, RECEIVED_WITH_CARRIED, PROCESSED, CARRIED_FORWARD, REVIEWS, LAWSUITS, PROACTIVE, FEES, GRANTED, PARTLY_GRANTED, RELEASED,
        *APPEAL_OUTCOMES.values())  # fmt: skip


@dataclass(frozen=True)
class Claim:
    key: str
    value: float
    unit: str
    sentence: str
    locator: str  # "text sentence N chars A–B" of the report's plain text
    scope: str = "self"  # self; jurisdiction (a department citing its whole city's figure); other (a part of the body: 办公室代表政府受理…)
    approximate: bool = False
    confidence: float = 0.9
    sentence_no: int = 0  # N of the locator: the claims of one sentence, and a finding's id, without reading the locator


CLAIM_COLUMNS = ["report_id", "key", "value", "unit", "scope", "approximate", "confidence", "sentence", "locator"]

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_CLAUSE = re.compile(r"[^，,；;]+")
# A figure with its unit: 12件, 3.5万元, 20余条. Searched from the digit (a regex that starts with an
# optional word is tried at every character of every sentence); the word before it, when one of
# _BEFORE, is looked up afterwards. The digits are taken possessively (\d++): giving one back
# leaves a digit where a unit must follow, so no match is lost, and a table's long runs of digits
# without a unit are not retried digit by digit.
_FIGURE = re.compile(r"(\d++(?:\.\d++)?)\s*(余|多)?\s*(万元|元|件|条|个|起|宗|份|次|篇)")
_BEFORE = ("超过", "共计", "累计", "约", "近", "逾", "共")  # longest first: 共计12件 is 共计, not 共
_APPROXIMATE = ("约", "近", "超过", "逾")


class Figure(NamedTuple):
    start: int  # where the figure starts in the text searched, its word before included
    before: str  # 约, 共计, …; "" when none
    number: str
    more: str | None  # 余 / 多: "more than"
    unit: str


def _figures(text: str, pos: int = 0) -> list[Figure]:
    """The figures of text[pos:], left to right, as a regex `(word)?number unit` finds them."""
    out = []
    floor = pos  # a word before a figure cannot reach into the previous figure (or before pos)
    for m in _FIGURE.finditer(text, pos):
        s = m.start()
        before = next((w for w in _BEFORE if s - len(w) >= floor and text.startswith(w, s - len(w))), "")
        out.append(Figure(s - len(before), before, m.group(1), m.group(2), m.group(3)))
        floor = m.end()
    return out


_SECTION = re.compile(r"^\s*([一二三四五六])、")
_JURISDICTION = re.compile(r"全(?:市|省|区|县|州|盟|旗|镇|乡)|各(?:地|县|区|乡镇|部门|单位)|全系统")
_REQUEST_TOPIC = re.compile(r"申请")
_RECEIVE = re.compile(r"收到|受理|接收|新收|共收")
_PROCESS = re.compile(r"办理|办结|答复|作出答复|处理完毕|予以答复")
_FORWARD = re.compile(r"结转(?:至|到)?下(?:一)?年|转入下(?:一)?年|顺延(?:至|到)?下(?:一)?年|下年度继续办理|延续(?:至|到)下(?:一)?年")
_WITH_CARRIED = re.compile(r"含上(?:一)?年(?:度)?结转")
_RATE = re.compile(r"率")
_ZERO_REQUESTS = re.compile(r"(?:未|没有)(?:收到|受理|接到)[^，。；\d]{0,12}?申请|无(?:政府信息公开|信息公开|依申请公开)申请")
_ZERO_REVIEW = re.compile(r"(?:未|没有|无)[^，。；\d]{0,16}?行政复议")
_ZERO_LAWSUIT = re.compile(r"(?:未|没有|无)[^，。；\d]{0,20}?(?:行政诉讼|、诉讼|及诉讼|和诉讼)")
_OFFICE = re.compile(r"公开办|办公室|[^，。；]{1,6}局$|委员会")
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
_PART = re.compile(r"^\s*(?:各|区直|县直|市直|所属)[^，。；]{0,8}?(?:部门|单位|乡镇|街道)")  # 各乡镇主动公开…: a part of the body
# the body's own total: 主动公开(各类)(政府)信息(数)(为/共)N条 — not a category (机构职能类信息594条) or one channel
_PROACTIVE_TOTAL = re.compile(r"主动公开(?:各类|各项)?(?:政府)?信息(?:数|数量|总数)?(?:为|共|达|共计)?\s*(约|近|超过|逾)?(\d+)\s*(余|多)?\s*(条|件|项)")
_FRAME = re.compile(r"在[^，,；;]{2,40}中$")  # 在主动公开的政府信息条数中，…: the figures after it are parts
_MADE = re.compile(r"制作、?获取(?:的)?政府信息(?:总数|总量)")
_OUTCOME_WORDS = re.compile(r"纠错|纠正|败诉|撤销|确认违法")
_ON_BEHALF = re.compile(r"代表[^，。；]{0,10}?(?:受理|收到|办理|答复)")
_NO_FEES = re.compile(r"未(?:收取|收)[^，。；\d]{0,8}?(?:信息处理费|费用|任何费用)|无收费|不收取[^，。；\d]{0,6}费")
_FEES = re.compile(r"收取[^，。；\d]{0,8}?(?:信息处理费|费用)")


# outcomes of requests, named before their number within one piece of a list (、): released (both) first
_OUTCOME_LABELS = (
    (RELEASED, re.compile(r"(?:予以公开|同意公开|全部公开)(?:及|和|或|与|、|以及)(?:同意)?部分公开")),
    (PARTLY_GRANTED, re.compile(r"(?<!不)(?:同意)?部分公开")),
    (GRANTED, re.compile(r"(?<![不分])(?:予以公开|同意公开|全部公开|公开同意)")),
)
_PIECE = re.compile(r"[^、]+")
_ALL_UPHELD = re.compile(r"均(?:获|被|予|已被)?(?:依法)?维持")
_ALL_CONCLUDED = re.compile(r"均已(?:结案|审结|办结)|全部(?:结案|审结)")
_NO_CORRECTION = re.compile(r"(?:(?<!尚)未(?!经)|没有|无)(?:发生|出现)?[^，。；\d]{0,24}?(?:被)?(?:纠错|纠正|撤销)")
_NO_LOSS = re.compile(r"(?:(?<!尚)未(?!经)|没有|无)(?:发生|出现)?[^，。；\d]{0,24}?败诉|零败诉")
_APPEALS_HEADER = re.compile(r"结果\s*\|?\s*维持|维持\s*\|?\s*结果\s*\|?\s*纠正|尚未\s*\|?\s*审结\s*\|?\s*总")
_OUTCOME_COUNT = (("upheld", re.compile(r"维持")), ("corrected", re.compile(r"纠错|纠正|撤销|确认违法|败诉")), ("pending", re.compile(r"尚未审结|未审结|未结案")))


def _appeal_kind(text: str) -> str | None:
    """review or litigation: the appeal the text last names (诉讼 after 复议 → litigation)."""
    r, lawsuit = text.rfind("复议"), max(text.rfind("诉讼"), text.rfind("败诉"))
    return None if r < 0 and lawsuit < 0 else "review" if r > lawsuit else "litigation"


_HEADED = re.compile(r"\s*(?:[一二三四五六七八九十]、|[（(][一二三四五六七八九十][)）])")
_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_HEADING = re.compile(r"[一二三四五六](?=、)|[（(](?=[一二三四五六七八九十][)）])")  # where a heading starts (its first character starts the scan)


_IN_WORDS = re.compile(r"未|没有|无|零|均")  # the words every claim without a figure starts from (zeros, 均获维持)


def _digits(text: str) -> int:
    return sum(map(str.isdigit, text))


@lru_cache(maxsize=4)
def _sentences(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, sentence) of the text: lines joined first (a PDF's text breaks lines inside
    words: 答\n复), then cut at 。！？； and before every heading (一、 … （一）), so a heading that
    follows a table without punctuation starts a sentence of its own. Offsets are in the joined text."""
    joined = _BREAK.sub("", text)
    cuts = sorted({0, len(joined), *(m.start() for m in _HEADING.finditer(joined))})
    return tuple((m.start(), m.end(), m.group()) for a, b in zip(cuts, cuts[1:]) for m in _SENTENCE.finditer(joined, a, b))


def extract(text: str, agency_kind: str | None = None) -> list[Claim]:
    """Every claim of a report's plain text (simplified script). `agency_kind` (identity.kind_of):
    for a department, a 全市… figure is the jurisdiction's, not its own."""
    out: list[Claim] = []
    paragraph_on_requests = section_on_requests = section_on_appeals = False
    own_jurisdiction = agency_kind in (None, "government", "general_office", "zone")
    for n, (start, end, sentence) in enumerate(_sentences(text), start=1):
        sentence = sentence.strip()
        if not sentence:
            continue
        head = _SECTION.match(sentence)
        if head:
            title = sentence[head.end() : head.end() + 24]  # the section is known by its title, not its number (2012: 三、主动公开…)
            section_on_requests, section_on_appeals = "申请" in title and "复议" not in title, "复议" in title or "诉讼" in title
        if _digits(sentence) > 0.6 * len(sentence):  # a table's digits, not prose
            continue
        # requests for government information, not 受理申请121510件 of a service hall (licensing)
        about_requests = bool(_REQUEST_TOPIC.search(sentence) and _DISCLOSURE.search(sentence)) or section_on_requests
        if _HEADED.match(sentence):
            paragraph_on_requests = about_requests  # (二)依申请公开方面…: the paragraph's later sentences too
        if not _FIGURE.search(sentence) and not _IN_WORDS.search(sentence):
            continue  # no figure and no zero in words: nothing to claim (most sentences of a report)
        loc = f"text sentence {n} chars {start}–{end}"
        scope = "jurisdiction" if _JURISDICTION.search(sentence) and not own_jurisdiction else "self"
        if _ON_BEHALF.search(sentence):
            scope = "other"  # 区政府办代表区政府受理…: a part of the body, not the table's whole
        about_disclosure = "信息公开" in sentence or section_on_appeals or about_requests

        def add(key, value, unit, approximate=False, confidence=0.9, sentence=sentence, loc=loc, scope=scope, n=n):
            out.append(Claim(key, float(value), unit, sentence, loc, scope, approximate, confidence * (0.5 if scope != "self" else 1) * (0.7 if approximate else 1), n))

        breakdown = False
        seen = 0  # where in the sentence the clause starts: the appeal named before it
        for clause in _CLAUSE.findall(sentence):
            seen = sentence.find(clause, seen)
            breakdown = breakdown or clause.lstrip().startswith("其中") or (seen == 0 and bool(_FRAME.search(clause)))
            if (about_requests or paragraph_on_requests) and _request_outcomes(clause, add):
                continue  # 其中，"同意公开"的为88件、"同意部分公开"的为5件: outcomes are claims of their own
            if about_disclosure and _appeal_outcome_counts(clause, _appeal_kind(sentence[: seen + len(clause)]), add):
                continue
            if breakdown or clause.lstrip().startswith("其中") or _PART.match(clause):
                breakdown = breakdown or "其中" in clause  # 其中…: the parts of the figure before, not figures of their own
                total = _PROACTIVE_TOTAL.search(clause) if _MADE.search(sentence) else None
                if total:  # 制作、获取政府信息总数3978条，其中主动公开政府信息2026条: the items made, of which the body published
                    add(PROACTIVE, total.group(2), total.group(4), bool(total.group(1) or total.group(3)), 0.8)
                continue
            numbers = _figures(clause)
            count = [x for x in numbers if x.unit in ("件", "条", "个", "起", "宗", "份")]
            appeal = "行政复议" in clause or "诉讼" in clause  # 办理…申请引发的行政复议36起 counts reviews, not requests
            if about_requests and count and not appeal:
                x = count[0]
                approx = bool(x.before in _APPROXIMATE or x.more)
                if _FORWARD.search(clause):
                    add(CARRIED_FORWARD, x.number, x.unit, approx)
                    continue
                verb_receive, verb_process = _RECEIVE.search(clause), _PROCESS.search(clause)
                if verb_receive and verb_receive.start() < x.start:
                    add(RECEIVED_WITH_CARRIED if _WITH_CARRIED.search(clause) else RECEIVED, x.number, x.unit, approx)
                    continue
                if verb_process and verb_process.start() < x.start and not _RATE.search(clause[verb_process.start() : x.start]):
                    add(PROCESSED, x.number, x.unit, approx)
                    continue
            if about_disclosure and count and "行政复议" in clause and "诉讼" not in clause:
                add(REVIEWS, count[0].number, count[0].unit, bool(count[0].more))
            elif about_disclosure and count and "诉讼" in clause and "行政复议" not in clause:
                add(LAWSUITS, count[0].number, count[0].unit, bool(count[0].more))
            total = _PROACTIVE_TOTAL.search(clause)
            if total and _OFFICE.search(clause[: total.start()]):
                total = None  # 县政府公开办主动公开信息数为62条: one office's count, not the body's
            if total and "依申请" not in clause and not about_requests:
                add(PROACTIVE, total.group(2), total.group(4), bool(total.group(1) or total.group(3)), 0.8)
            if _NO_FEES.search(clause):
                add(FEES, 0, "元")
            elif _FEES.search(clause):
                money = [x for x in numbers if x.unit in ("元", "万元")]
                if money:
                    add(FEES, float(money[0].number) * (10000 if money[0].unit == "万元" else 1), "元", bool(money[0].more))
        # zeros stated in words, once per sentence; "no review corrected us" (纠错, 败诉) is about outcomes, not counts
        outcome_only = bool(_OUTCOME_WORDS.search(sentence))
        if about_disclosure and not outcome_only and _ZERO_REVIEW.search(sentence) and not any(c.key == REVIEWS and c.sentence_no == n for c in out):
            add(REVIEWS, 0, "件")
        if about_disclosure and not outcome_only and _ZERO_LAWSUIT.search(sentence) and not any(c.key == LAWSUITS and c.sentence_no == n for c in out):
            add(LAWSUITS, 0, "件")
        _appeal_outcomes_in_words(sentence, [c for c in out if c.sentence_no == n], add, about_disclosure)
        if _ZERO_REQUESTS.search(sentence) and not any(c.key in (RECEIVED, RECEIVED_WITH_CARRIED) and c.sentence_no == n for c in out):
            add(RECEIVED, 0, "件")
    return out


def _request_outcomes(clause: str, add) -> bool:
    """Claims for granted / partly granted / both, each named before its count in a piece of the clause."""
    found = False
    for piece in _PIECE.findall(clause):
        for key, label in _OUTCOME_LABELS:
            m = label.search(piece)
            if not m:
                continue
            x = next((x for x in _figures(piece, m.end()) if x.unit in ("件", "条")), None)
            if x is not None and not _RATE.search(piece[m.end() : x.start]) and not any(lab.search(piece[m.end() : x.start]) for _, lab in _OUTCOME_LABELS):
                add(key, x.number, x.unit, bool(x.more))
                found = True
            break  # the first label of a piece names its number
    return found


def _appeal_outcome_counts(clause: str, kind: str | None, add) -> bool:
    """维持3件 / 被纠错1件 / 尚未审结2件 after a review or lawsuit was named."""
    found = False
    for piece in _PIECE.findall(clause):
        for outcome, word in _OUTCOME_COUNT:
            m = word.search(piece)
            x = m and next((x for x in _figures(piece, m.end()) if x.unit in ("件", "起", "宗", "个")), None)
            if x and kind and not _RATE.search(piece[m.end() : x.start]):
                add(APPEAL_OUTCOMES[(kind, outcome)], x.number, x.unit, bool(x.more))
                found = True
                break
    return found


def _appeal_outcomes_in_words(sentence: str, mine: list[Claim], add, about_disclosure: bool) -> None:
    """均获维持 (none corrected) / 均已结案 (none pending) after counts of reviews or lawsuits; 未发生…被纠错 / 零败诉 as zeros."""
    counted = {REVIEWS: "review", LAWSUITS: "litigation"}
    said: set[str] = set()

    def say(kind, outcome, value, unit, confidence=0.9):
        key = APPEAL_OUTCOMES[(kind, outcome)]
        if key not in said:
            said.add(key)
            add(key, value, unit, confidence=confidence)

    for c in mine:
        if c.key in counted and c.value > 0 and not c.approximate:
            if _ALL_UPHELD.search(sentence):  # of the decided ones: none corrected (5 upheld + 2 pending is 均获维持 too)
                say(counted[c.key], "corrected", 0, c.unit)
            if _ALL_CONCLUDED.search(sentence):
                say(counted[c.key], "pending", 0, c.unit)
    if not about_disclosure or _APPEALS_HEADER.search(sentence):
        return  # the appeals table's own header (结果维持 结果纠正 … 未经复议直接起诉) states nothing
    said |= {c.key for c in mine}
    m = _NO_CORRECTION.search(sentence)
    if m and "复议" in sentence[: m.end() + 8]:
        say("review", "corrected", 0, "件")
    if _NO_LOSS.search(sentence):
        say("litigation", "corrected", 0, "件", confidence=0.7)  # 零败诉 may be a record over years


_YEAR = re.compile(r"(?:19|20)\d\d")
MIN_PROSE = 15  # CJK characters: shorter pieces (headings, labels) say nothing about copying


def sentence_hashes(text: str) -> list[str]:
    """A short hash of each prose sentence, years blanked (a copied sentence with its year
    updated is still the copy): to measure how much of a report repeats the year before's."""
    import hashlib

    out = []
    for _, _, sentence in _sentences(text):
        body = "".join(sentence.split())
        if len(CJK.findall(body)) >= MIN_PROSE and _digits(body) <= 0.3 * len(body):
            out.append(hashlib.blake2b(_YEAR.sub("YYYY", body).encode(), digest_size=8).hexdigest())
    return out
