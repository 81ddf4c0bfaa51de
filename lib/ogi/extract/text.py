"""Plain-text reports (web-page text dumps, PDF text, scraper cells) → cells with line locators → tokens.

Four layouts are seen: pipe-separated cells (`a | b |`, markdown tables, one cell per line ending
in ` |`, or `|` lines between cells), tab-separated rows (a table copied out of Word or a
spreadsheet: one row per line, an empty cell between two tabs), paragraph-separated cells (one
cell per paragraph; an empty cell is one more gap of the document's own gap width), and plain lines (PDF text, several
space-separated numbers per line, or one cell per line). Line ends may be LF, CRLF or bare CR.
Whatever the layout, cells are cut into tokens by `tokens.cell_tokens`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from ..normalize import nfkc
from .ruled import ruled_tables
from .tokens import COUNTED, LOST, PAGE_NUMBER, Token, cell_tokens, row_break


class TextLayout(NamedTuple):
    mode: str  # pipe, paragraph, line
    repeats_merged: bool  # consecutive identical lines were merged by the crawler (see merged_repeats)


_OTHER_LINE_ENDS = re.compile("[\u2028\u2029\x85\x0b]")  # Unicode's line and paragraph separators, NEL, Word's manual line break


_BR_TAG = re.compile(r"[ \t]*<br\s*/?>[ \t]*", re.I)
_ESCAPED_LINE_END = re.compile(r"\\r\\n|\\n|\\r")


def unify_line_ends(text: str) -> str:
    """CRLF → LF; bare CR (some scrapers' only separator) → LF, so line numbers stay true; the
    other line ends a script or a copy from Word writes (U+2028, NEL, \\v) → LF too. Line ends a
    scraper kept as markup (<br>) or as escapes (a literal \\n, where real ones are few) are line
    ends too; then "line N" counts the lines they end."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _OTHER_LINE_ENDS.sub("\n", text)
    if "\\" in text and (escaped := text.count("\\n") + text.count("\\r")) >= 20 and escaped > 4 * text.count("\n"):
        text = _ESCAPED_LINE_END.sub("\n", text)
    if "<" in text and _BR_TAG.search(text):
        # a <br> in a pipe table's cell is a line break inside that cell (see _markdown_cell)
        text = "\n".join(ln if "|" in ln else _BR_TAG.sub("\n", ln).removesuffix("\n") for ln in text.split("\n"))
    return text


# a list marker that starts a line ("• 0", "* 规章"): a converter's bullet, never part of a cell
_BULLETS = "•●▪◦■◆▶►*"
_BULLET = re.compile(rf"^[ \t]*[{re.escape(_BULLETS)}][ \t]+", re.M)


_HARD_BREAK = re.compile(r"^[ \t]*\\[ \t]*$", re.M)  # a line that is only a backslash: pandoc's markdown for an empty line


def drop_bullets(text: str) -> str:
    """Lines whose list markers a converter added read as the lines without them; a line that is
    only a markdown line break (\\) is an empty line."""
    if "\\" in text:
        text = _HARD_BREAK.sub("", text)
    if not any(ch in text for ch in _BULLETS):
        return text
    return _BULLET.sub("", text)


_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


def outer_pipes(text: str) -> str:
    """Markdown tables written without their outer pipes (`a | b` over `---|---`, as GFM allows)
    get them, so every cell of a row is cut by pipes on both sides and a row's last cell is not
    taken for the next row's first. A table is the line above a delimiter row, the delimiter row
    and the lines after it that hold a pipe. Only characters within lines are added."""
    if "-|" not in text and "|-" not in text and "| -" not in text and "- |" not in text:
        return text
    lines = text.split("\n")
    in_table = False
    for i, ln in enumerate(lines):
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if _DELIMITER_ROW.match(ln) and "-" in ln and ("|" in ln or "|" in after):
            # a bare `---` under a table's one heading cell (a heading spanning the table, as
            # html2text writes it) delimits as well, when a row of cells follows
            in_table = True
            if i and "|" in lines[i - 1]:
                lines[i - 1] = _closed(lines[i - 1])
            lines[i] = _closed(ln) if "|" in ln else ln
        elif in_table and "|" in ln:
            lines[i] = _closed(ln)
        elif in_table and ln.strip() and "|" in after:
            continue  # a line break inside a cell (html2text writes <br> as one): the table goes on
        else:
            in_table = False
    return "\n".join(lines)


def _closed(line: str) -> str:
    """The row with its outer pipes. A row written without a leading pipe has no outer pipes at
    all (html2text's tables), so a pipe at its end opens an empty last cell, which stays a cell."""
    body = line.strip()
    if not body.startswith("|"):
        return "| " + body + " |"
    return body + ("" if body.endswith("|") else " |")


def layout(text: str) -> str:
    lines = text.split("\n")
    pipes = text.count("|")
    if pipes >= 20:
        return "pipe"
    if sum(1 for ln in lines if "\t" in ln.strip(" \t\u3000")) >= 10:
        return "tab"
    nonempty = [ln for ln in lines if ln.strip()]
    blank = len(lines) - len(nonempty)
    if nonempty and blank >= 0.6 * len(nonempty):
        return "paragraph"
    return "line"


_EMPHASIS = re.compile(r"\s*(\*\*|__|\*|_)(?=\S)(.*?\S)\1\s*")


def _markdown_cell(cell: str) -> str:
    """A pipe cell as a Markdown converter writes it, plain: emphasis around the whole cell
    (**713**, *713*) dropped, a line break inside it (<br>) a space, as a wrapped label reads."""
    if "<" in cell:
        cell = _BR_TAG.sub(" ", cell)
    if ("*" in cell or "_" in cell) and (m := _EMPHASIS.fullmatch(cell)):
        return m.group(2)
    return cell


def text_cells(text: str, mode: str | None = None) -> list[tuple[str, str, int]]:
    """(cell text, locator, cell id) in reading order; an empty string is an empty cell. Pipe cells
    are explicit cells (ids ≥ 0); lines and paragraphs have no boundaries a damaged value respects (-1).
    The text's line ends are already unified (read_text)."""
    mode = mode or layout(text)
    cells: list[tuple[str, str, int]] = []
    if mode == "pipe":
        # walk the pipe-separated segments, counting lines as we go (no search per cell)
        cells_in_line: dict[int, int] = {}
        line = 1
        rows = text.split("\n")
        table_line = [r.count("|") >= 2 for r in rows]  # a table row: two or more cell separators
        for seg in text.split("|"):
            nl = seg.count("\n")
            if not nl:  # within a line: one explicit cell, empty or not
                n = cells_in_line[line] = cells_in_line.get(line, 0) + 1
                cells.append((_markdown_cell(seg) if seg.strip() else "", f"line {line} cell {n}", len(cells)))
                continue
            if table_line[line - 1] and table_line[line - 1 + nl]:
                # from one table row to the next: the row boundary ends a run of values, so an empty
                # first cell stays in its row and the previous row's padding never shifts it
                head, _, tail = seg.rpartition("\n")
                for k, part in enumerate(head.split("\n")[1:], start=1):  # whole lines between the rows
                    if part.strip() and not PAGE_NUMBER.match(part):
                        cells.append((part, f"line {line + k}", -1))
                cells.append((ROW_BREAK, f"line {line + nl}", -1))
                at = line + nl
                if tail.strip() or not rows[at - 1].lstrip().startswith("|"):
                    cells_in_line[at] = 1
                    cells.append((_markdown_cell(tail), f"line {at} cell 1", len(cells)))
            elif seg.strip():
                # outside the tables a segment may hold several lines: one cell per line
                parts = seg.split("\n")
                filled = [(k, part) for k, part in enumerate(parts) if part.strip()]
                explicit = len(filled) == 1
                for k, part in filled:
                    if not PAGE_NUMBER.match(part):  # "— 4 —" between rows
                        n = cells_in_line[line + k] = cells_in_line.get(line + k, 0) + 1
                        cells.append((part, f"line {line + k} cell {n}", len(cells) if explicit else -1))
            else:
                at = line + seg.rstrip("\n").count("\n")
                n = cells_in_line[at] = cells_in_line.get(at, 0) + 1
                cells.append(("", f"line {at} cell {n}", len(cells)))
            line += nl
        return cells
    lines = text.split("\n")
    if mode == "tab":
        return _tab_cells(lines)
    if mode == "paragraph":
        # cells are paragraphs; the usual gap between them is the document's unit, and every
        # further (unit + 1) empty lines stand for one empty cell
        gaps = Counter()
        run = 0
        for ln in lines:
            if PAGE_NUMBER.match(ln):
                continue
            if ln.strip():
                if run:
                    gaps[run] += 1
                run = 0
            else:
                run += 1
        unit = gaps.most_common(1)[0][0] if gaps else 1
        para: list[str] = []
        para_line = 0
        gap = markers = 0
        for i, ln in enumerate(lines, start=1):
            if PAGE_NUMBER.match(ln):
                markers += not para  # "— 4 —" between the cells of a table torn by a page: no cell, and its own gap no gap
                continue
            if ln.strip():
                if not para:
                    gap, markers = max(0, gap - unit * markers), 0
                    empty, rest = divmod(gap - unit, unit + 1) if gap > unit else (0, 0)
                    at = f"line {i - gap + 1}"
                    if rest and _is_value(ln):
                        # before a value, a gap that is no whole number of empty cells lost a line
                        # (or, after a header, ended its row): each cell it may have held is
                        # unknown, not closed up
                        cells.extend((LOST_CELL, at, -1) for _ in range(empty + 1))
                    else:
                        cells.extend(("", at, -1) for _ in range(empty))
                    para_line = i
                para.append(ln)
                gap = 0
            else:
                if para:
                    cells.append(("\n".join(para), f"line {para_line}", -1))
                    para = []
                gap += 1
        if para:
            cells.append(("\n".join(para), f"line {para_line}", -1))
        return cells
    for i, ln in enumerate(lines, start=1):
        if ln.strip() and not PAGE_NUMBER.match(ln):
            cells.append((ln, f"line {i}", -1))
    return cells


ROW_BREAK = "\x00row"  # a row boundary of a markdown table: ends a run of values like a label
LOST_CELL = "\x00lost"  # a cell position whose line the source lost: unreadable, never closed up


def _is_value(cell: str) -> bool:
    """An explicit cell the tokenizer reads as a value (a number, 125件, 251000元, —), not a label."""
    return cell_tokens(cell, "", 0)[0].kind == "value"


def _tab_cells(lines: list[str]) -> list[tuple[str, str, int]]:
    """Tab-separated rows: each tab-cut segment is an explicit cell (an empty one between two
    tabs is an empty cell, a line of tabs only a row of them); tabs that only indent a label or a
    line of prose are no cells."""
    cells: list[tuple[str, str, int]] = []
    for i, ln in enumerate(lines, start=1):
        segs = ln.split("\t")
        filled = [k for k, seg in enumerate(segs) if seg.strip()]
        if filled:
            first = segs[filled[0]].strip()
            if PAGE_NUMBER.match(ln.strip()):
                continue
            if filled == [len(segs) - 1] and not _is_value(first):
                cells.append((first, f"line {i}", -1))  # one label or sentence, indented by tabs
                continue
            if not _is_value(first):
                segs = segs[filled[0] :]  # tabs before a row's label indent it; before a value they are empty cells
        elif len(segs) == 1:
            continue  # an empty line
        cells.append((ROW_BREAK, f"line {i}", -1))
        for k, seg in enumerate(segs, start=1):
            cells.append((seg, f"line {i} cell {k}", len(cells)))
    return cells


def _is_number(t: str) -> bool:
    return t.replace(".", "", 1).lstrip("+-").isdigit() or bool(COUNTED.match(nfkc(t)))


def merged_repeats(cells: list[tuple[str, str, int]]) -> bool:
    """True for a one-number-per-line dump in which no line ever repeats the line before it.

    Tables are full of repeated cells (rows of 0); a dump that never shows two identical lines in a
    row, although most of its numbers stand alone on a line, was written by a crawler that merged
    consecutive identical lines: a short row is then a run of repeats, not of dropped blanks."""
    texts = [c[0].strip() for c in cells if c[0].strip() and c[0] not in (ROW_BREAK, LOST_CELL)]
    numeric = [t for t in texts if _is_number(t)]
    # lines printing several numbers (a row per line); a label with an ordinal and a space in it
    # (2.其他法律行政 法规禁止公开) or a date line is none
    several = [t for t in texts if any(ch.isdigit() for ch in t) and sum(map(_is_number, t.split())) > 1]
    if len(numeric) < 20 or len(several) > 0.1 * len(numeric):
        return False
    return not any(a == b for a, b in zip(texts, texts[1:]))


def read_text(text: str) -> tuple[list[Token], TextLayout]:
    """Tokens of a text report and the layout facts alignment needs."""
    text = outer_pipes(drop_bullets(ruled_tables(unify_line_ends(text))))
    mode = layout(text)
    cells = text_cells(text, mode)
    tokens: list[Token] = []
    for cell, loc, cid in cells:
        if cell == ROW_BREAK:
            tokens.append(row_break(loc))
        elif cell == LOST_CELL:
            tokens.append(Token(LOST, "", loc, "", -1))
        else:
            tokens.extend(cell_tokens(cell, loc, cid, whole_line=mode in ("line", "paragraph")))
    return tokens, TextLayout(mode, mode != "pipe" and merged_repeats(cells))


def extract_text(text: str) -> list[Token]:
    return read_text(text)[0]
