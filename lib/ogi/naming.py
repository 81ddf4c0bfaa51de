"""Which body published a report, and for which year, from where reports print it.

In order of trust: the title line (`XX2023年政府信息公开工作年度报告`, also when split over two
lines or after a breadcrumb), a `发布机构`/`来源` header, the signature (the body's name on its own
line near the end, before a date), and the body as the subject of the first sentence of 一、总体情况
(`2021年，河北省科学技术厅坚持…`). Never a fragment of other prose: a name must stand on a title
or signature line, or end in an institution's suffix. Nothing reliable → None (the caller says so).
"""

from __future__ import annotations

import re

_YEAR = r"((?:19|20)\d\d)\s*年\s*度?"
_REPORT = r"(?:政府)?\s*信息\s*公开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)"
_NAME = r"([^\s，。,:：;；、|《》\"“”()（）\d<>]{2,40}?)"
_TITLE_AGENCY_FIRST = re.compile(r"^" + _NAME + r"\s*" + _YEAR + r"\s*" + _REPORT)
_TITLE_YEAR_FIRST = re.compile(r"^" + _YEAR + r"\s*" + _NAME + r"\s*" + _REPORT)
_TITLE_NO_NAME = re.compile(r"^" + _YEAR + r"\s*" + _REPORT + r"$")
_BREADCRUMB = re.compile(r"^.*(?:>|＞|»|→)\s*")
_LEAD = re.compile(r"^(?:标题|题目|文章标题|名称)\s*[:：]?\s*")
_PUBLISHER = re.compile(r"(?:发布机构|发文机关|发布单位|信息来源|来源)\s*[:：|]\s*([^\s:：|，,。]{2,30})")
_ANNOUNCED = re.compile(r"(?:现|特)(?:予以|将|予)?(?:向社会)?(?:公布|发布|印发)\s*《?\s*" + _NAME + r"\s*" + _YEAR + r"\s*" + _REPORT)
_SITE = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:人民政府|政府))门户网站")
_SUFFIX = r"(?:人民政府办公室|人民政府办公厅|人民政府|办事处|管理委员会|委员会|管委会|办公室|办公厅|局|厅|委|办|院|署|中心|政府|实验区|开发区)"
_SUBJECT = re.compile(
    r"(?:总体情况|概述)[\s。：:]*" + r"(?:(?:19|20)\d\d\s*年(?:度|以来)?\s*[，,]?\s*)?" + r"([\u4e00-\u9fff]{2,24}?" + _SUFFIX + r")(?=[\u4e00-\u9fff])"
)
_SUBJECT_YEAR = re.compile(r"(?:总体情况|概述)[\s。：:]*((?:19|20)\d\d)\s*年(?:度|以来)?\s*[，,]")
_SIGNATURE = re.compile(r"^[\u4e00-\u9fff]{2,30}?" + _SUFFIX + r"$")
_DATE_LINE = re.compile(r"^(?:19|20)\d\d\s*[年.\-/]\s*\d{1,2}\s*(?:[月.\-/]\s*(?:\d{1,2}\s*日?)?)?$")
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|区间|范围)[^。]{0,15}?((?:19|20)\d\d)\s*年\s*(?:1|01)\s*月\s*(?:1|01)\s*日"
    r"(?:[^。\d]{0,6}((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日)?"
)  # a period over several years (2003-01-01 to 2008-12-31) is the report of its last year
_LEADING_JUNK = re.compile(r"^(?:关于|印发|发布|公布|公开)+")
# words that make a "name" a piece of a sentence or a generic stand-in, not a body's name
_NOT_A_NAME = re.compile(
    r"关于|做好|通知|印发|编写|编制|全年|根据|按照|现将|以下|特此|年度$|我[厅局委办市县区省]"
    r"|^(?:在|将|我|本(?:机关|单位|局|厅|委|办|年)|全(?:年|市|县|区|省)|[市县区省厅局委办年度该此其各])"
)  # 本溪市, 全椒县 and 向阳区 are places: only the words that start a sentence are refused
_GENERIC = {"政府", "人民政府", "审计局", "本机关", "本单位", "度", "本年度", "年度"}


_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,7}?(?:省|市|县|区|自治州|州|盟|旗)$")
_ZONE_WORD = re.compile(r"(?:实验|开发|新|园|示范|高新|保税|自贸|景)区$")


def clean_name(name: str | None) -> str | None:
    """The name without spaces and leading verbs; None when it is a sentence's fragment."""
    if not name:
        return None
    name = _LEADING_JUNK.sub("", re.sub(r"\s+", "", name)).strip(" -_·:：")
    if len(name) < 2 or name in _GENERIC or _NOT_A_NAME.search(name):
        return None
    if _BARE_PLACE.match(name) and not _ZONE_WORD.search(name):
        return name + "人民政府"  # "上海市政府信息公开工作年度报告": the place's government reports
    return name


def _title_lines(text: str):
    """Short lines near the top that may be the title; then each joined with the next line (a
    title split as `…政府信息公开` / `工作年度报告`)."""
    lines = [ln.strip() for ln in text[:8000].splitlines()]
    lines = [ln for ln in lines if ln][:80]
    for joined in (False, True):
        for i, line in enumerate(lines):
            if joined and not (i + 1 < len(lines) and re.match(r"(?:工\s*作|年\s*度|报\s*告|年\s*报)", lines[i + 1])):
                continue  # only a title's own continuation is joined, never a menu line before it
            cand = line + (lines[i + 1] if joined else "")
            if len(cand) <= 90 and "公开" in cand:
                yield _LEAD.sub("", _BREADCRUMB.sub("", cand))


_TITLE_TRUNCATED = re.compile(r"^" + _NAME + r"\s*" + _YEAR + r"\s*(?:政府|信息|公开)")


def listed_title(title: str | None) -> tuple[str | None, int | None]:
    """(agency, year) of a title as a listing gives it, perhaps cut short ('河北省科学技术厅2023年
    政府信息公开工作年度报...' of a scraper's title column): the body, then the year, then the start
    of the report's name."""
    line = _LEAD.sub("", _BREADCRUMB.sub("", (title or "").strip()))
    m = _TITLE_AGENCY_FIRST.match(line) or _TITLE_TRUNCATED.match(line)
    if not m:
        return None, None
    return clean_name(m.group(1)), int(m.group(2))


def title_name_and_year(text: str) -> tuple[str | None, int | None]:
    lines = [ln.strip() for ln in text[:8000].splitlines() if ln.strip()][:80]
    for before, line in zip(lines, lines[1:]):
        m = _TITLE_NO_NAME.match(line)
        if m and _SIGNATURE.match(before):  # the body's name on the line above "2024年政府信息公开工作年度报告"
            name = clean_name(before)
            if name:
                return name, int(m.group(1))
    for line in _title_lines(text):
        for pattern, name_group, year_group in ((_TITLE_AGENCY_FIRST, 1, 2), (_TITLE_YEAR_FIRST, 2, 1)):
            m = pattern.match(line)
            if m:
                name = clean_name(m.group(name_group))
                if name:
                    return name, int(m.group(year_group))
    return None, None


def publisher(text: str) -> str | None:
    m = _PUBLISHER.search(text[:4000])
    return clean_name(m.group(1)) if m else None


def signature(text: str) -> str | None:
    """The body's name on its own line above a date: the signature at the end, or a header at
    the top (`广州市人民政府` / `2013年3月`)."""
    tail = [ln.strip() for ln in text[-1500:].splitlines() if ln.strip()]
    head = [ln.strip() for ln in text[:1500].splitlines() if ln.strip()][:12]
    for lines, order in ((tail, range(len(tail) - 1, max(-1, len(tail) - 8), -1)), (head, range(len(head)))):
        for i in order:
            if _SIGNATURE.match(lines[i]) and (i + 1 == len(lines) and lines is tail or i + 1 < len(lines) and _DATE_LINE.match(lines[i + 1])):
                name = clean_name(lines[i])
                if name:
                    return name
    return None


def announced(text: str) -> tuple[str | None, int | None]:
    """`现公布泰州市人民政府2017年政府信息公开工作年度报告`: the report's title, announced."""
    m = _ANNOUNCED.search(text[:4000])
    return (clean_name(m.group(1)), int(m.group(2))) if m else (None, None)


def site_owner(text: str) -> str | None:
    """`临汾市人民政府门户网站`: the government whose portal the page is on (page chrome)."""
    m = _SITE.search(text[:3000])
    return clean_name(m.group(1)) if m else None


def subject(text: str) -> str | None:
    """`一、总体情况 2021年，河北省科学技术厅坚持…`: the body the report speaks of."""
    m = _SUBJECT.search(re.sub(r"[ \t\u3000]+", "", text[:12000]))
    return clean_name(m.group(1)) if m else None


def find_agency_and_year(text: str) -> tuple[str | None, int | None]:
    """(agency, statistics year) from a simplified, NFKC text; None where nothing reliable is printed."""
    agency, title_year = title_name_and_year(text)
    if not agency:
        agency, title_year = announced(text)
    agency = agency or publisher(text) or signature(text) or subject(text) or site_owner(text)
    m = _PERIOD.search(text)
    if m:
        return agency, int(m.group(2) or m.group(1))
    if title_year:
        return agency, title_year
    m = _SUBJECT_YEAR.search(re.sub(r"[ \t\u3000]+", "", text[:12000]))
    return agency, int(m.group(1)) if m else None
