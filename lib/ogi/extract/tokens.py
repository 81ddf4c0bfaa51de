"""The common intermediate of every input kind: a stream of tokens with locators.

A token is a piece of a table cell (or of a text line) classified as `text` (labels, headers,
prose), `value` (a number or an n/a marker, possibly a run of collapsed digits) or `blank` (an
empty cell). Extractors cut the source into cells; `cell_tokens` cuts a cell into tokens, the
same way for every input kind.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from ..normalize import CJK, COUNT_UNITS, FOOTNOTE_MARK, NA_MARKERS, UNITS, clean_artifacts, nfkc


class Token(NamedTuple):  # a tuple: a report has hundreds of them, and they are made in hot loops
    kind: str  # text, value, blank; LOST: a cell whose line the source lost (align adds "several")
    raw: str  # exactly as found (the whole cell when the cell is one token)
    locator: str
    text: str = ""  # normalised copy: NFKC, artifacts removed; simplified for text tokens
    cell: int = -1  # the source's table cell this token came from (grids, pipe cells); -1: no cell boundaries
    part: int = 0  # 1, 2, … when the tokenizer cut one source piece (cell or line) into several tokens; 0: the whole piece


def row_break(locator: str) -> Token:
    """A table row's end: an empty text token that ends a run of values like a label, so the
    empty cells that pad a header row (spans a converter lost) never join the value row below."""
    return Token("text", "", locator, "", -1)


LOST = "lost"  # Token.kind of a cell position the source's layout shows but whose text is gone

# A number, possibly collapsed with others, with an optional printed unit.
_NUM = re.compile(
    r"[-+−]?\d+(?:[,，]\d{3})*(?:[.．]\d+)?(?:" + "|".join(UNITS) + r")?"
)
# A digit before these is part of a word (dates, counts in prose), not a cell value.
_WORD_SUFFIX = set("年月日号天时分秒次期届季周%‰倍岁级类件条个项份人家户篇期")
_ENUM_MARK = set(".．、")
_BROKEN_NUMBER = re.compile(r"[\d\ufffd.,]+")
# "1." / "2、" alone: the enumerator of the next label (a markdown "1. 属于国家秘密"), never a value
# an ordinal on its own: "2." "2、" before a label, "(3)" of a numbered list or a footnote mark
ENUMERATOR = re.compile(r"^(?:\d{1,2}[.．、]|\(\d{1,2}\))$")
# A compact cell without CJK, white space or brackets that holds a digit ("1l3", "12a", "+72", "0x"):
# one value token, so a damaged number stays one cell (parse_value flags it) and never splits a row.
_CJK_OR_SPACE = re.compile(r"[\u3400-\u9fff\s()（）%‰]")
_LONE_ARTIFACT = frozenset({"?", "？", "\ufffd"})
# A converter's generic column header ("数据1", "列 2", "Column3"): the header names its column; the
# digit is its ordinal, never a value.
# A table's caption at the start of a cell or line ("表2", "附表 3", "续表1"): its number names the table
_CAPTION = re.compile(r"^\s*(?:附|续)?[表图]\s*\d{1,2}(?![\d.,])")
GENERIC_HEADER = re.compile(r"^(?:数据|数值|列|栏|字段|column|col|field)\s*\d{1,2}$", re.I)


def _split_piece(piece: str) -> list[tuple[str, str]]:
    """Split one whitespace-free piece into ('text'|'value', substring) runs.

    '00000002.其他法律' → [('value', '0000000'), ('text', '2.其他法律')]: a digit followed by '.'
    and a CJK character is the enumerator of the next row label, not a value.
    """
    out: list[tuple[str, str]] = []
    pos = 0
    text_start = 0
    while pos < len(piece):
        m = _NUM.search(piece, pos)
        if not m:
            break
        start, end = m.span()
        token = m.group()
        nxt = piece[end] if end < len(piece) else ""
        after = piece[end + 1] if end + 1 < len(piece) else ""
        prev = piece[start - 1] if start > 0 else ""
        if prev.isascii() and prev.isalpha() or nxt.isascii() and nxt.isalpha():
            pos = end  # part of an identifier like ICP05003731 or IE10
            continue
        if nxt in _WORD_SUFFIX:
            pos = end
            continue
        if nxt in _ENUM_MARK and CJK.match(after) and token.isdigit():
            # the last digit enumerates the next label ("2.其他…"); the rest (if any) are values
            if len(token) == 1:
                pos = end
                continue
            end -= 1
            token = token[:-1]
        if start > text_start:
            out.append(("text", piece[text_start:start]))
        elif out and out[-1][0] == "value" and token[0] in "+-−":
            # "0+34636": a sign right after digits, with no space, starts the next cell of a
            # collapsed row; the run stays one value, the visible mark of cells run together
            out[-1] = ("value", out[-1][1] + token)
            pos = text_start = end
            continue
        out.append(("value", token))
        pos = text_start = end
    if text_start < len(piece):
        out.append(("text", piece[text_start:]))
    return out


_DIGIT = re.compile(r"\d")
COUNTED = re.compile(r"^(\d+)\s*(?:" + "|".join(COUNT_UNITS) + r")$")
# a web or mail address ("http://www.pingtan.gov.cn/zwgk/3.htm", "www.x.gov.cn/2024/1", "gk3@x.gov.cn"):
# page text, whatever digits it holds
ADDRESS = r"(?:[a-z][a-z0-9+.-]*://|www\.)[\x21-\x7e]+|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+"
_ADDRESS = re.compile(ADDRESS, re.I)
_COUNTER = r"\d{1,4}\s*/\s*\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*of\s*\d{1,4}"
_DATE_TIME = r"\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\s*(?:上午|下午|AM|PM)?\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?(?:\s*(?:AM|PM))?"
# page furniture between the parts of a table: "- 4 -", "·4·", "第 4 页", "第4页 共12页", "第4页，共12页",
# "共12页 第4页", "4/12", "Page 9 - …", "P. 9". A bare number is not dropped: in one-cell-per-line
# layouts it is a cell (and "4/12" is no count a cell could hold). And the header and footer a
# browser prints on every page of a web page saved as PDF: a date with a time, perhaps after the
# page count and before the page's title ("2024/1/20 10:23 …年度报告"); the page's address, perhaps
# after its title and before the page count ("http://…/3.htm 3/5"). Their digits are no cells.
# So is a running head, the report's title beside the page's marker.
_MARKER = r"[-—–]\s*\d{1,4}\s*[-—–]|[·•・∙]\s*\d{1,4}\s*[·•・∙]|" + _COUNTER
# a running head: the report's title beside the page's marker ("— 3 — …年度报告", "…年度报告 ·3·")
_RUNNING_HEAD = r"(?:" + _MARKER + r")\s*[^|]{0,60}?报告[^|]{0,20}|[^|]{0,60}?报告[^|]{0,20}?\s(?:" + _MARKER + r")"
PAGE_NUMBER = re.compile(
    r"^\s*(?:" + _MARKER + r"|(?:Page|P\.)\s*\d{1,4}\b.*|" + _RUNNING_HEAD +
    r"|(?:(?:" + _COUNTER + r")\s+)?" + _DATE_TIME + r"(?:\s.{0,80})?"
    r"|(?:.{0,80}\s)?(?:" + ADDRESS + r")(?:\s+(?:" + _COUNTER + r"))?)\s*$",
    re.I,
)


def cell_tokens(cell: str, locator: str, cell_id: int = -1, whole_line: bool = False) -> list[Token]:
    """Cut one cell's text into tokens. A cell that is a single value keeps its whole raw text.

    `cell_id` numbers the source's explicit cells (grid and pipe cells), so that alignment can keep
    a damaged cell in its column; text without cell boundaries passes -1. `whole_line` says the
    text is a whole line or paragraph of a dump: like an explicit cell, "125件" there is the number."""
    stripped = cell.strip()
    if stripped.isascii() and stripped.isdigit():  # the common case: a plain number
        return [Token("value", stripped, locator, stripped, cell_id)]
    if (cell_id >= 0 or whole_line) and (m := COUNTED.match(nfkc(stripped))):  # "125件": the cell is the number
        return [Token("value", stripped, locator, m.group(1), cell_id)]
    pieces = _classify(cell) if len(cell) < 200 else _classify.__wrapped__(cell)
    if cell_id >= 0 and len(pieces) > 2:
        pieces = _junk_kept_in_cell(pieces)
    if len(pieces) == 1:
        kind, raw, text = pieces[0]
        return [Token(kind, raw, locator, text, cell_id)]
    return [Token(kind, raw, f"{locator} part {i + 1}", text, cell_id, i + 1) for i, (kind, raw, text) in enumerate(pieces)]



def _junk_kept_in_cell(pieces: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    """An explicit cell with stray marks between its numbers ("4068 .208", "12 ? 5"): the marks
    become values too, so the cell's tokens stay one run and the cell reads as several values
    (unreadable) instead of its first number, with the rest cut off as a row of their own."""
    out = list(pieces)
    for i in range(1, len(out) - 1):
        kind, raw, text = out[i]
        if kind == "text" and out[i - 1][0] == "value" and out[i + 1][0] == "value" and not CJK.search(text):
            out[i] = ("value", raw, text)
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def _classify(cell: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, raw, text) of each token of a cell. Cached: every report prints the same labels."""
    stripped = cell.strip()
    if not stripped:
        return (("blank", stripped, ""),)
    if stripped in _LONE_ARTIFACT:  # a cell that is only a mis-decoded character: flagged, not blank
        return (("value", stripped, stripped),)
    if not _DIGIT.search(stripped) and stripped not in NA_MARKERS and "?" not in stripped:
        cleaned = nfkc(clean_artifacts(stripped))
        if cleaned.strip() and cleaned.strip() not in NA_MARKERS:  # a label or prose: one text token
            return (("text", stripped, "".join(cleaned.split())),)
    cleaned = nfkc(clean_artifacts(cell))
    if GENERIC_HEADER.match(cleaned.strip()):
        return (("text", stripped, "".join(cleaned.split())),)
    if caption := _CAPTION.match(cleaned):  # "表2 收到和处理…": the table's number is no value
        cleaned = cleaned[caption.end() :]
        if not cleaned.strip():
            return (("text", stripped, "".join(caption.group().split())),)
    pieces = cleaned.split()
    if not pieces:
        return (("blank", stripped, ""),)
    if len(pieces) == 1 and not caption:
        piece = pieces[0]
        if ENUMERATOR.match(piece):
            return (("text", stripped, piece),)
        if len(piece) <= 16 and _DIGIT.search(piece) and not _CJK_OR_SPACE.search(piece) and piece not in NA_MARKERS and not _ADDRESS.search(piece):
            return (("value", stripped, piece),)
    runs: list[tuple[str, str]] = [("text", "".join(caption.group().split()))] if caption else []
    for i, piece in enumerate(pieces):
        if piece.isdigit() and i + 1 < len(pieces) and pieces[i + 1][0] in _WORD_SUFFIX:
            runs.append(("text", piece))  # "2020 年": a date or count in prose, spaced apart
        elif ENUMERATOR.match(piece):
            runs.append(("text", piece))
        elif runs and runs[-1][0] == "value" and not piece.strip(FOOTNOTE_MARK):
            runs[-1] = ("value", runs[-1][1] + piece)  # "16 ¹": the number's footnote mark, one unreadable cell
        elif piece in NA_MARKERS:
            runs.append(("value", piece))
        elif m := _ADDRESS.search(piece):  # an address is text: none of its digits is a value
            runs.extend(_split_piece(piece[: m.start()]))
            runs.append(("text", m.group()))
            runs.extend(_split_piece(piece[m.end() :]))
        elif "\ufffd" in piece and _BROKEN_NUMBER.fullmatch(piece):
            runs.append(("value", piece))  # digits around a mis-decoded character: unreadable later
        else:
            runs.extend(_split_piece(piece))
    # merge neighbouring text runs (a wrapped label is one label)
    merged: list[list[str]] = []
    for kind, s in runs:
        if merged and kind == "text" and merged[-1][0] == "text":
            merged[-1][1] += s
        else:
            merged.append([kind, s])
    if len(merged) == 1:
        kind, s = merged[0]
        return ((kind, stripped, s),)
    return tuple((kind, s, s) for kind, s in merged)


def simplify_text_tokens(tokens: list[Token]) -> list[Token]:
    """Give text tokens a simplified-script `text` (one OpenCC call for the whole stream)."""
    from ..normalize import to_simplified

    idx = [i for i, t in enumerate(tokens) if t.kind == "text"]
    if not idx:
        return tokens
    converted = to_simplified("\n".join(tokens[i].text.replace("\n", " ") for i in idx)).split("\n")
    if len(converted) != len(idx):  # never expected; fall back to per-token conversion
        converted = [to_simplified(tokens[i].text) for i in idx]
    out = list(tokens)
    for i, s in zip(idx, converted):
        t = tokens[i]
        out[i] = t._replace(text=s)
    return out
