"""Tables drawn with rules in plain text → pipe rows, in place.

Converters write a table as text in two ruled shapes:
* grid tables, framed by box-drawing characters (w3m -dump, tabulate's fancy_grid) or by
  `+---+` borders and `|` (pandoc's grid tables and reStructuredText, MySQL, prettytable);
* column-rule tables, whose columns a line of dash runs gives (`----  -----  ---`: pandoc's
  simple and multiline tables, what `pandoc -t plain` and `-t markdown` write).
Either way a cell may wrap over several lines (a narrow column: one character per line, a number
cut in two), and a cell spanning rows or columns is one region of the grid. Read line by line,
each wrapped line would be a row of its own: a label torn into pieces, "12" read as 1. Here each
table becomes one pipe row per table row, cells in the order an HTML table lists them (a cell
spanning rows in its first row), written at the row's first line; the table's other lines are
left empty, so line numbers stay those of the file. Positions are display columns (a CJK
character is two wide), as the converters lay them out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_H = "─━═╌╍┄┅┈┉-="  # horizontal rule characters
_V = "│┃║╎╏┆┇┊┋|"  # vertical rule characters
_BOX = {chr(c) for c in range(0x2500, 0x2580)}
_JUNCTIONS = (_BOX - set(_H)) | {"+"}  # a rule character with a vertical stroke: a column boundary on a border line
_DASH_RULE = re.compile(r"^\s*-{2,}(?: +-{2,})+\s*$")  # `----  ---  -----`: pandoc's column rule
_FULL_RULE = re.compile(r"^\s*-{3,}\s*$")
_MAY_HOLD_RULES = re.compile(r"[\u2500-\u257f]|\+[-=]|--")


def _pipe_row(texts) -> str:
    """One table row as a pipe row; a bar inside a cell's text (reStructuredText's line block) is a space."""
    return "| " + " | ".join(t.replace("|", " ") for t in texts) + " |"


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _width(text: str) -> int:
    return sum(map(_char_width, text))


def _xs(line: str) -> list[int]:
    """The display column where each character of the line starts, and the line's end."""
    xs, x = [], 0
    for ch in line:
        xs.append(x)
        x += _char_width(ch)
    xs.append(x)
    return xs


@dataclass
class _Cell:
    """One cell of a grid table: the bands (columns between boundaries) it spans, the line it
    starts on, and its text on each of its lines."""

    span: tuple[int, int]
    line: int
    parts: list[str] = field(default_factory=list)


def _is_border(line: str) -> bool:
    body = line.strip()
    if len(body) < 3 or not any(ch in _H for ch in body):
        return False
    if all(ch in _BOX for ch in body):
        return True
    # an ASCII border: +---+---+ (never a markdown delimiter row |---|, which has no +)
    return body[0] == "+" and body[-1] == "+" and all(ch in "+-=:" for ch in body)


def _is_grid_row(line: str) -> bool:
    body = line.strip()
    return len(body) >= 2 and body[0] in _V + "".join(_JUNCTIONS) and body[-1] in _V + "".join(_JUNCTIONS)


def ruled_tables(text: str) -> str:
    """The text with each ruled table rewritten as pipe rows (see the module's docstring); a
    table whose rules do not line up is left as it is."""
    if not _MAY_HOLD_RULES.search(text):
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if _is_border(lines[i]):
            j = i + 1
            while j < len(lines) and (_is_border(lines[j]) or _is_grid_row(lines[j])):
                j += 1
            if j - i >= 3 and (rows := _grid(lines[i:j])) is not None:
                lines[i:j] = rows
            i = j
        elif _DASH_RULE.match(lines[i]) or (_FULL_RULE.match(lines[i]) and i + 2 < len(lines) and lines[i + 1].strip() and "|" not in lines[i + 1]):
            got = _column_rule_table(lines, i) or _column_rule_table(lines, i, header=False)
            if got is None:
                i += 1
                continue
            start, end, rows = got
            lines[start:end] = rows
            i = end
        else:
            i += 1
    return "\n".join(lines)


# ------------------------------------------------------------------------------ grid tables


def _grid(block: list[str]) -> list[str] | None:
    """Pipe rows for a grid table's lines (as many lines), or None when its rules do not line up."""
    xs = [_xs(ln) for ln in block]
    borders = [_is_border(ln) for ln in block]
    marks = [_marks(ln, border) for ln, border in zip(block, borders)]
    # the column boundaries: where rules meet (every vertical rule ends in a junction, and a
    # vertical bar can stand off its place where pandoc let a wide character overflow)
    bounds = sorted({x[k] for ln, x, found in zip(block, xs, marks) for k in found if ln[k] in _JUNCTIONS})
    if len(bounds) < 2:
        return None
    index = {b: n for n, b in enumerate(bounds)}
    open_cells: list[_Cell | None] = [None] * (len(bounds) - 1)
    cells: list[_Cell] = []
    for li, (ln, x, border, found) in enumerate(zip(block, xs, borders, marks)):
        seps = _separators(ln, found, x, index)
        if seps is None:
            return None
        at = dict(seps)
        # bands whose stretch of this line is a rule: the cell above ends there (on a line that
        # is rule only in some bands, ├──── beside a cell spanning rows, the others go on)
        rule = [_is_rule(ln, x, bounds, band, border, at) for band in range(len(bounds) - 1)]
        for band, is_rule in enumerate(rule):
            if is_rule:
                open_cells[band] = None
        if border:
            continue
        for (a, ka), (b, kb) in zip(seps, seps[1:]):
            if any(rule[a:b]):
                continue
            piece = ln[ka + 1 : kb]
            cell = open_cells[a]
            if cell is None or cell.span != (a, b) or any(open_cells[band] is not cell for band in range(a, b)):
                cell = _Cell((a, b), li)
                cells.append(cell)
                for band in range(a, b):
                    open_cells[band] = cell
            cell.parts.append(piece)
    rows: dict[int, list[_Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.line, []).append(cell)
    pad = _padding(cells)
    out = [""] * len(block)
    for li, row in rows.items():
        out[li] = _pipe_row(_joined(c.parts, pad) for c in sorted(row, key=lambda c: c.span))
    return out


def _is_rule(line: str, xs: list[int], bounds: list[int], band: int, border: bool, at: dict[int, int]) -> bool:
    """Whether the line's stretch over the band is a rule: box-drawing rule characters, or ASCII
    dashes on a border line or between two + junctions (never a cell that holds "-")."""
    inner = [line[k] for k, x in enumerate(xs[:-1]) if bounds[band] < x < bounds[band + 1]]
    if not inner or not all(ch in _H for ch in inner):
        return False
    if all(ch in _BOX for ch in inner) or border:
        return True
    return all(k is not None and line[k] == "+" for k in (at.get(band), at.get(band + 1)))


def _marks(line: str, border: bool) -> list[int]:
    """Where the line prints a rule that crosses it: a vertical bar or a junction. On a line of
    cells, + is a junction only beside a dash (+72 is a number)."""
    return [
        k
        for k, ch in enumerate(line)
        if ch in _V or (ch in _JUNCTIONS and (ch != "+" or border or (k and line[k - 1] in "-=") or line[k + 1 : k + 2] in ("-", "=")))
    ]


def _separators(line: str, found: list[int], xs: list[int], index: dict[int, int]) -> list[tuple[int, int]] | None:
    """(boundary number, character index) of each column separator the line prints; None when one
    stands where no boundary is. A line that prints a separator at every boundary is taken in
    order: a wide character in a column too narrow for it pushes the separators after it right
    (pandoc). Other lines are taken by position, a separator one column off its boundary
    counting when no other boundary is that near; a bar | further from every boundary is the
    cell's text (reStructuredText's line block: "| 本年新" over "| 制作数量")."""
    if len(found) == len(index):
        return list(enumerate(found))
    out: list[tuple[int, int]] = []
    for k in found:
        x = xs[k]
        b = index.get(x)
        if b is None:
            near = [index[y] for y in (x - 1, x + 1) if y in index]
            if not near and line[k] == "|":
                continue
            if len(near) != 1:
                return None
            b = near[0]
        if out and b <= out[-1][0]:
            return None
        out.append((b, k))
    return out


def _padding(cells: list[_Cell]) -> int:
    """Spaces a converter puts between a rule and a cell's text: 1 for pandoc's grids, 0 for w3m's."""
    lead = [len(p) - len(p.lstrip(" ")) for c in cells for p in c.parts if p.strip()]
    return min(lead, default=0)


def _joined(parts: list[str], pad: int, room: int | None = None) -> str:
    """A wrapped cell's text. A line break where the next character would not have fitted on the
    line is a wrap inside a word (a CJK label, a number cut by a narrow column: "1" over "2" is
    12): the pieces join. Other breaks part words, and pieces that end short of the rule are
    apart ("5" over "1" in a wide column: two numbers). `room`: the cell's width for text, when
    the pieces do not show it (else each piece's width less the padding on both sides)."""
    out = ""
    prev: tuple[int, int] | None = None  # (width used, width for text) of the piece before, when it held text
    for piece in parts:
        text = piece.strip()
        if not text:
            prev = None
            continue
        if not out:
            out = text
        elif prev is not None and prev[0] + _width(text[0]) > prev[1]:
            out += text
        else:
            out += " " + text
        prev = (_width(piece.rstrip()) - pad, room if room is not None else _width(piece) - 2 * pad)
    return out


# ----------------------------------------------------------------------- column-rule tables


def _column_rule_table(lines: list[str], i: int, header: bool = True) -> tuple[int, int, list[str]] | None:
    """(first line, end, pipe rows) of the column-rule table whose rule (or top line) is line i;
    None when it is no such table (no end, text between the columns).

    A multiline table opens with a full rule over its header, then the column rule; rows are
    apart by empty lines and a rule closes it. A simple table has its header right above the
    column rule and ends at an empty line (or a rule); without a header, a rule closes it."""
    if _FULL_RULE.match(lines[i]):
        rule = i + 1
        while rule < len(lines) and rule - i <= 8 and lines[rule].strip() and not _DASH_RULE.match(lines[rule]):
            rule += 1
        if rule >= len(lines) or not _DASH_RULE.match(lines[rule]):
            return None
        top, multiline = i + 1, True
    else:
        rule = top = i
        while header and top > 0 and lines[top - 1].strip() and not _DASH_RULE.match(lines[top - 1]) and i - top < 3:
            top -= 1
        multiline = False
    simple = not multiline and top < rule  # a header above the rule: an empty line ends the table
    end, blanks = rule + 1, 0
    while end < len(lines) and not (_DASH_RULE.match(lines[end]) or _FULL_RULE.match(lines[end])):
        if not lines[end].strip():
            if simple:
                break
            blanks += 1
            if blanks == 2:
                return None
        else:
            blanks = 0
        end += 1
        if end - rule > 400:
            return None
    if end >= len(lines) and not simple:
        return None
    closed = end < len(lines) and lines[end].strip() != ""  # the closing rule is the table's
    rx = _xs(lines[rule])
    columns = [(rx[m.start()], rx[m.end()]) for m in re.finditer(r"-+", lines[rule])]
    body = [(n, lines[n]) for n in range(top, end) if n != rule]
    multiline = multiline or any(not ln.strip() for _, ln in body)
    # rows: each line (a simple table), or each group of lines between empty ones (multiline)
    groups: list[list[tuple[int, str]]] = []
    for n, ln in body:
        if not ln.strip():
            groups.append([])
            continue
        if not groups or not multiline:
            groups.append([])
        groups[-1].append((n, ln))
    stop = end + 1 if closed else end
    out = [""] * (stop - top)
    for group in groups:
        if not group:
            continue
        parts: list[list[str]] = [[] for _ in columns]
        for _, ln in group:
            cut = _cut(ln, columns)
            if cut is None:
                return None
            for c, piece in enumerate(cut):
                parts[c].append(piece)
        out[group[0][0] - top] = _pipe_row(_joined(p, 0, b - a) for p, (a, b) in zip(parts, columns))
    return top, stop, out


def _cut(line: str, columns: list[tuple[int, int]]) -> list[str] | None:
    """The line's text under each column (None when a character stands between columns)."""
    xs = _xs(line)
    pieces = [""] * len(columns)
    c = 0
    for k, ch in enumerate(line):
        x = xs[k]
        while c < len(columns) and x >= columns[c][1]:
            c += 1
        if c < len(columns) and x >= columns[c][0]:
            pieces[c] += ch
        elif not ch.isspace():
            return None
    return pieces
