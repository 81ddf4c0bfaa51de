"""Scraper exports: a CSV (or a spreadsheet) whose text column holds whole reports, one report per row.

The text column is found by its content (the column whose cells are long and read like annual
reports), not by its name; title, date and URL columns are found by their header words and become
provenance and hints. A CSV without such a column is no report container. Scrapers also write
tab- or semicolon-separated files and files without a header row: the separator is the one under
which a column reads as reports, and a first row whose text cell is itself a report is data (the
other columns are then known by their content: links, dates, the short title naming a 报告).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
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


def _is_report(cell: str) -> bool:
    return len(cell) >= MIN_REPORT_CHARS and len(set(_REPORT_WORDS.findall(cell))) >= 3


_DATE_CELL = re.compile(r"^\s*(?:19|20)\d\d[-/.年]\d{1,2}")
_URL_CELL = re.compile(r"^\s*https?://", re.I)


def _column_by_content(rows: list[list[str]], test, skip: int, distinct: bool = False) -> int | None:
    """The column (other than the text column) whose filled cells all pass `test`; `distinct`:
    the one of them with the most different values."""
    width = max(len(r) for r in rows)
    found = []
    for i in range(width):
        filled = [r[i] for r in rows if i != skip and i < len(r) and r[i].strip()]
        if filled and all(test(c) for c in filled):
            found.append((len(set(filled)) if distinct else 0, -i))
    return -max(found)[1] if found else None


def _parse(text: str, delimiter: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        return None


def report_rows(text: str) -> list[CsvRow] | None:
    """The rows of a report-container CSV, or None when no column holds report texts."""
    # the separator under which a column holds reports and the rows keep one width (a wrong one
    # cuts quoted texts at their line breaks into rows of every width, or leaves one column)
    best: tuple[tuple, list[list[str]], int] | None = None  # (rank, rows, text column)
    for delimiter in (",", "\t", ";"):
        rows = _parse(text, delimiter)
        if not rows:
            continue
        widths = Counter(len(r) for r in rows)
        width, count = widths.most_common(1)[0]
        scores = [sum(1 for r in rows if i < len(r) and _is_report(r[i])) for i in range(max(widths))]
        rank = (round(count / len(rows), 1), width, max(scores))
        if max(scores) and (best is None or rank > best[0]):
            best = (rank, rows, scores.index(max(scores)))
    if best is None:
        return None
    _, rows, col = best
    return grid_rows(rows, col)


def _report_column(rows: list[list[str]]) -> int | None:
    width = max((len(r) for r in rows), default=0)
    scores = [sum(1 for r in rows if i < len(r) and _is_report(r[i])) for i in range(width)]
    return scores.index(max(scores)) if scores and max(scores) else None


def grid_rows(rows: list[list[str]], col: int | None = None) -> list[CsvRow] | None:
    """The reports of a grid of cells (a CSV's rows, a spreadsheet's sheet) whose column `col`
    (found by content when not given) holds report texts; None when no column does."""
    col = _report_column(rows) if col is None else col
    if col is None:
        return None
    if col < len(rows[0]) and _is_report(rows[0][col]):  # no header row: the first row is a report
        body = rows
        t = _column_by_content(body, lambda c: len(c) < 120 and "报" in c, col)  # 年度报告, 年报, 报表, a title cut at 报…
        d = _column_by_content(body, _DATE_CELL.match, col)
        u = _column_by_content(body, _URL_CELL.match, col, distinct=True)  # each row's own link, not the listing page
    else:
        header, body = rows[0], rows[1:]
        t, d, u = (_column(header, words, col) for words in (_TITLE, _DATE, _URL))

    def cell(r: list[str], i: int | None) -> str | None:
        return (r[i].strip() or None) if i is not None and i < len(r) else None

    return [CsvRow(n, r[col] if col < len(r) else "", cell(r, t), cell(r, d), cell(r, u)) for n, r in enumerate(body, start=1)]
