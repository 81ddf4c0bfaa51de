"""Scraper exports: a CSV whose text column holds whole reports, one report per row.

The text column is found by its content (the column whose cells are long and read like annual
reports), not by its name; title, date and URL columns are found by their header words and become
provenance and hints. A CSV without such a column is no report container.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

_REPORT_WORDS = re.compile(r"政府信息公开|主动公开|依申请|行政复议|存在的主要问题")
_TITLE = ("标题", "题目", "名称", "title")
_DATE = ("时间", "日期", "发布", "date")
_URL = ("访问地址", "原始链接", "链接", "网址", "url", "link")
MIN_REPORT_CHARS = 500


@dataclass(frozen=True)
class CsvRow:
    number: int  # 1-based data row (after the header)
    text: str  # the report text ("" for a row whose text cell is empty)
    title: str | None
    date: str | None
    url: str | None


def _column(header: list[str], words: tuple[str, ...], skip: int) -> int | None:
    for i, name in enumerate(header):
        if i != skip and any(w in name.lower() for w in words):
            return i
    return None


def report_rows(text: str) -> list[CsvRow] | None:
    """The rows of a report-container CSV, or None when no column holds report texts."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return None
    if len(rows) < 2:
        return None
    header, body = rows[0], rows[1:]
    width = len(header)

    def score(i: int) -> int:
        return sum(1 for r in body if i < len(r) and len(r[i]) >= MIN_REPORT_CHARS and len(set(_REPORT_WORDS.findall(r[i]))) >= 3)

    scores = [score(i) for i in range(width)]
    if not scores or max(scores) == 0:
        return None
    col = scores.index(max(scores))
    t, d, u = (_column(header, words, col) for words in (_TITLE, _DATE, _URL))

    def cell(r: list[str], i: int | None) -> str | None:
        return (r[i].strip() or None) if i is not None and i < len(r) else None

    return [CsvRow(n, r[col] if col < len(r) else "", cell(r, t), cell(r, d), cell(r, u)) for n, r in enumerate(body, start=1)]


