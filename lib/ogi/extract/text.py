"""Plain-text reports (web-page text dumps, PDF text) → cells with line locators → tokens.

Three layouts are seen: pipe-separated cells (`a | b |`, one cell per line ending in ` |`, or
`|` lines between cells), blank-line-separated paragraphs (one cell per paragraph), and plain
lines (PDF text, several space-separated numbers per line). Whatever the layout, cells are
cut into tokens by `tokens.cell_tokens`.
"""

from __future__ import annotations


from .tokens import PAGE_NUMBER, Token, cell_tokens


def layout(text: str) -> str:
    lines = text.split("\n")
    pipes = text.count("|")
    if pipes >= 20:
        return "pipe"
    nonempty = [ln for ln in lines if ln.strip()]
    blank = len(lines) - len(nonempty)
    if nonempty and blank >= 0.6 * len(nonempty):
        return "paragraph"
    return "line"


def text_cells(text: str) -> list[tuple[str, str]]:
    """(cell text, locator) pairs in reading order; an empty string is an empty cell."""
    mode = layout(text)
    cells: list[tuple[str, str]] = []
    if mode == "pipe":
        # walk the pipe-separated segments, counting lines as we go (no search per cell)
        cells_in_line: dict[int, int] = {}
        line = 1
        for seg in text.split("|"):
            if seg.strip():
                # outside the tables a segment may hold several lines: one cell per line
                for k, part in enumerate(seg.split("\n")):
                    if part.strip():
                        n = cells_in_line[line + k] = cells_in_line.get(line + k, 0) + 1
                        cells.append((part, f"line {line + k} cell {n}"))
            else:
                at = line + seg.rstrip("\n").count("\n")
                n = cells_in_line[at] = cells_in_line.get(at, 0) + 1
                cells.append(("", f"line {at} cell {n}"))
            line += seg.count("\n")
        return cells
    lines = text.split("\n")
    if mode == "paragraph":
        # cells are paragraphs; an extra empty paragraph (two more blank lines) is an empty cell
        para: list[str] = []
        para_line = 0
        gap = 0
        for i, ln in enumerate(lines, start=1):
            if ln.strip():
                if not para:
                    cells.extend(("", f"line {i - gap + 1}") for _ in range(max(0, (gap - 1) // 2)))
                    para_line = i
                para.append(ln)
                gap = 0
            else:
                if para:
                    cells.append(("\n".join(para), f"line {para_line}"))
                    para = []
                gap += 1
        if para:
            cells.append(("\n".join(para), f"line {para_line}"))
        return cells
    for i, ln in enumerate(lines, start=1):
        if ln.strip() and not PAGE_NUMBER.match(ln):
            cells.append((ln, f"line {i}"))
    return cells


def extract_text(text: str) -> list[Token]:
    tokens: list[Token] = []
    for cell, loc in text_cells(text):
        tokens.extend(cell_tokens(cell, loc))
    return tokens
