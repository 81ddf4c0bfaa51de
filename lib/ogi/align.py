"""Token stream + templates → the cells of the three standard tables.

Rows are found by their labels, never by counting numbers from the start of a section: the text
before each run of values is compared with the template's label keys, and the runs that match are
kept in template order (a longest increasing sequence, so a header word such as 其他 or 总计 that
happens to sit before a few empty cells cannot displace the real rows). Columns within a row are
positional, as printed. Runs of collapsed digits are handed to `collapsed`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from . import collapsed, placement, templates
from .extract.tokens import LOST, Token
from .normalize import UNITS, label_key, nfkc, parse_value

SECTIONS = ("active", "requests", "appeals", "after")
_HEADING_RES = {k: re.compile(v) for k, v in templates.SECTION_HEADINGS.items()}
_DIGITS = re.compile(r"^\d+$")
# Words printed only in the requests table (label keys), to find it when its heading is missing.
REQUESTS_MARKERS = ("勾稽关系", "申请人情况", "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果", "结转下年度继续办理")


@dataclass
class Run:
    """Consecutive value/blank tokens and the label text printed before them."""

    label: str  # label key of the text since the previous run
    tokens: list[Token]
    start: int  # token index of the first value/blank token

    @property
    def has_values(self) -> bool:
        return any(t.kind == "value" for t in self.tokens)


@dataclass(slots=True)
class Cell:
    table: str
    row: str
    column: str
    value: float | None
    flag: str
    raw: str
    locator: str
    note: str | None = None
    method: str = "printed"  # printed, recovered (collapsed digits), placed (short or torn rows), settled (ingest)
    confidence: float | None = None  # the OCR recogniser's, for a cell read from a scan (extract/ocr.py)
    source: str | None = None  # the locator of the token it was read from, when `locator` adds to it (digits 0-2 of a collapsed run)


@dataclass
class Alignment:
    cells: list[Cell] = field(default_factory=list)
    found: dict[str, bool] = field(default_factory=dict)  # table → any row found
    missing: dict[str, list[str]] = field(default_factory=dict)  # table → expected rows not found
    found_rows: dict[str, list[str]] = field(default_factory=dict)  # table → rows found, in order
    active_format: str | None = None
    requests_format: str | None = None  # v2021 (（六） split), v2019 (one row)
    problems: list[str] = field(default_factory=list)
    requests_end: int | None = None  # token index just after the last requests row found
    repeats_merged: bool = False  # layout fact from the extractor: consecutive identical lines merged
    collapses: bool = False  # the text shows runs of collapsed digits (see collapse_evidence)


# ------------------------------------------------------------------------------------ regions




def _squash(t: Token) -> str:
    return "".join(nfkc(t.text).split())  # no white space at all


def _heading_at(rx: re.Pattern, squashed: list[str], i: int) -> bool:
    """Whether a section heading starts in text token i, alone or wrapped onto the next text
    token ("五、存在的主要" / "问题及改进情况", as a narrow page or a PDF's line breaks print it)."""
    if rx.pattern[0] not in squashed[i]:
        return False  # every heading opens with its section's numeral (二 … 五)
    if rx.search(squashed[i]):
        return True
    if i + 1 < len(squashed) and squashed[i + 1]:
        m = rx.search(squashed[i] + squashed[i + 1])
        return m is not None and m.start() < len(squashed[i])
    return False


def find_regions(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """Token index ranges of the active, requests and appeals tables, from the section headings."""
    starts: dict[str, int] = {}
    pos = 0
    squashed = [_squash(t) if t.kind == "text" else "" for t in tokens]
    for sec in SECTIONS:
        rx = _HEADING_RES[sec]
        for i in range(pos, len(tokens)):
            if squashed[i] and _heading_at(rx, squashed, i):
                starts[sec] = i
                pos = i
                break
    n = len(tokens)

    def next_start(after: str) -> int:
        for sec in SECTIONS[SECTIONS.index(after) + 1 :]:
            if sec in starts:
                return starts[sec]
        return n

    regions: dict[str, tuple[int, int]] = {}
    # active: from its heading; without one, from the first block header (第二十条 / 信息内容)
    a0 = starts.get("active")
    if a0 is None:
        limit = starts.get("requests", n)
        for i in range(limit):
            if tokens[i].kind == "text" and ("第二十条" in tokens[i].text or "信息内容" in tokens[i].text):
                a0 = i
                break
    if a0 is not None:
        regions["active"] = (a0, next_start("active"))
    r0 = starts.get("requests")
    if r0 is None:  # no heading (an excerpt): start at the first words only the table prints
        for i in range(regions["active"][0] if "active" in regions else 0, n):
            if tokens[i].kind == "text" and any(m in label_key(tokens[i].text) for m in REQUESTS_MARKERS):
                r0 = i
                break
    if r0 is not None:
        regions["requests"] = (r0, next_start("requests"))
    if "appeals" in starts:
        regions["appeals"] = (starts["appeals"], next_start("appeals"))
    if "after" in starts:
        regions["after"] = (starts["after"], n)
    return regions


def runs_in(tokens: list[Token], lo: int, hi: int) -> list[Run]:
    runs: list[Run] = []
    buf: list[str] = []
    i = lo
    while i < hi:
        t = tokens[i]
        if t.kind == "text":
            buf.append(t.text)
            i += 1
            continue
        j = i
        while j < hi and tokens[j].kind != "text":
            j += 1
        runs.append(Run(label_key("".join(buf)), tokens[i:j], i))
        buf = []
        i = j
    return runs


# ------------------------------------------------------------------------------------ rows


def match_score(label: str, row: templates.Row) -> float:
    """How well the text before a run names this row: the text must end with a label key; longer wins."""
    return max((100.0 + len(key) for key in row.keys if label.endswith(key)), default=0.0)


def ordered_matches(runs: list[Run], rows: tuple[templates.Row, ...]) -> list[tuple[Run, int, str | None]]:
    """Pick (run, row index, note) in increasing row order, maximising real matches (weighted LIS),
    then match leftover runs approximately to the rows missing between their neighbours (typos)."""
    cands: list[tuple[int, int, float]] = []  # (run index, row index, weight)
    by_last = _rows_by_last_char(rows)
    for ri, run in enumerate(runs):
        if not run.label:
            continue
        scored = [(match_score(run.label, rows[k]), k) for k in by_last.get(run.label[-1], ())]
        score, k = max(scored, default=(0.0, -1))
        if score <= 0:
            continue
        weight = (1.0 if run.has_values else 0.3) + score / 10000
        cands.append((ri, k, weight))
    best: list[float] = []
    prev: list[int] = []
    for a, (_, ka, wa) in enumerate(cands):
        best.append(wa)
        prev.append(-1)
        for b in range(a):
            if cands[b][1] < ka and best[b] + wa > best[a]:
                best[a], prev[a] = best[b] + wa, b
    chosen: list[tuple[int, int, str | None]] = []
    if cands:
        a = max(range(len(cands)), key=lambda i: best[i])
        while a >= 0:
            chosen.append((cands[a][0], cands[a][1], None))
            a = prev[a]
        chosen.reverse()
    chosen = _approximate(runs, rows, chosen)
    return [(runs[ri], k, note) for ri, k, note in chosen]


@functools.lru_cache(maxsize=8)
def _rows_by_last_char(rows: tuple[templates.Row, ...]) -> dict[str, tuple[int, ...]]:
    """Row indexes by the last character of their label keys (a label must end with a key)."""
    out: dict[str, list[int]] = {}
    for k, row in enumerate(rows):
        for key in row.keys:
            if key and k not in out.setdefault(key[-1], []):
                out[key[-1]].append(k)
    return {c: tuple(ks) for c, ks in out.items()}


APPROX_RATIO = 0.75


def _approximate(runs, rows, chosen):
    """Leftover value runs between two matched rows: accept the one missing row they resemble."""
    taken = {ri for ri, _, _ in chosen}
    out = list(chosen)
    for ri, run in enumerate(runs):
        if ri in taken or not run.has_values or not run.label:
            continue
        before = max((k for r, k, _ in out if r < ri), default=-1)
        after = min((k for r, k, _ in out if r > ri), default=len(rows))
        used = {k for _, k, _ in out}
        best, best_k = 0.0, None
        for k in range(before + 1, after):
            if k in used:
                continue
            for key in rows[k].keys:
                tail = run.label[-len(key) :]
                ratio = difflib.SequenceMatcher(None, tail, key).ratio()
                if ratio > best:
                    best, best_k = ratio, k
        if best_k is not None and best >= APPROX_RATIO:
            note = f"label matched approximately ({best:.0%}): printed {run.label[-len(rows[best_k].keys[0]) - 2:]!r} for {rows[best_k].label!r}"
            out.append((ri, best_k, note))
            out.sort()
    return out


def _note_unmatched(table: str, runs: list[Run], matches, result: "Alignment") -> None:
    """Rows with numbers inside a table that match no template row: say so, never drop silently."""
    if not matches:
        return
    first, last = matches[0][0].start, matches[-1][0].start
    taken = {id(r) for r, _, _ in matches}
    for run in runs:
        if id(run) in taken or not run.has_values or not (first < run.start < last) or not run.label:
            continue
        result.problems.append(f"{table}: a row not in the official format was left out: …{run.label[-16:]} ({run.tokens[0].locator})")


class Fit(NamedTuple):
    tokens: list[Token] | None  # n cells, or None: the run does not fit the row
    why: str | None = None  # why it does not fit
    note: str | None = None  # what was left out to fit it, beyond padding at the row's ends


def fit(run: Run, n: int, blocks: tuple[int, ...] = ()) -> Fit:
    """The run's tokens cut to n cells, or None and why. Trailing empty cells are layout padding,
    unless the row's block sums (`blocks`, see placement.holds) hold only with the leading ones
    taken as padding (an empty cell at each end: which one belongs to the row?).

    Where the source has explicit cells (grids, pipe tables), tokens are grouped by their cell: a
    cell holding several values ("3 5") is one unreadable cell, and its row keeps its columns."""
    tokens = run.tokens
    if len(tokens) > n and all(t.cell >= 0 for t in tokens):
        # explicit cells first: a cell holding several values ("5 1", a footnote mark after a
        # number) is one cell, before any empty cell at the row's end is taken as padding, or its
        # second value would move into the next cell
        grouped = _by_cell(tokens)
        if len(grouped) >= n:
            tokens = grouped
    toks = _trimmed(tokens, n, trailing_first=True)
    if len(toks) == n:
        if blocks and toks[0].kind == "blank" and not _blocks_hold(toks, blocks):
            other = _trimmed(tokens, n, trailing_first=False)
            if len(other) == n and _blocks_hold(other, blocks):
                return Fit(other)
        return Fit(toks)
    if (padded := _padding_left_out(toks, n, blocks)) is not None:
        return Fit(padded, note=f"{len(toks) - n} empty cell(s) more than the row has columns left out (a spanned cell written as padding); the row's sums hold")
    return Fit(None, f"{len([t for t in toks if t.kind != 'blank'])} values for {n} columns")


def _padding_left_out(toks: list[Token], n: int, blocks: tuple[int, ...]) -> list[Token] | None:
    """A grid row with empty cells besides its n numbers (a converter that writes a cell spanning
    two columns as the cell and an empty one, as markdownify does): the n numbers in order, when
    they keep the row's sums; else None (an empty cell may be the row's, a number a stray)."""
    if not blocks or len(toks) <= n or not all(t.cell >= 0 for t in toks):
        return None
    printed = [t for t in toks if t.kind != "blank"]
    if len(printed) != n:
        return None
    if any(parse_value(t.raw).flag != "value" for t in printed) or not _blocks_hold(printed, blocks):
        return None
    return printed


def _by_cell(tokens: list[Token]) -> list[Token]:
    """One token per source cell: the cell's own token, or one `several` token for a cell that holds more."""
    groups: list[list[Token]] = []
    for t in tokens:
        if groups and groups[-1][0].cell == t.cell:
            groups[-1].append(t)
        else:
            groups.append([t])
    return [g[0] if len(g) == 1 else _several(g) for g in groups]


def _trimmed(tokens: list[Token], n: int, trailing_first: bool) -> list[Token]:
    """Empty cells cut from the ends while more than n tokens remain (one end first)."""
    toks = list(tokens)
    for end in ((-1, 0) if trailing_first else (0, -1)):
        while len(toks) > n and toks[end].kind == "blank":
            toks.pop(end)
    return toks


def _blocks_hold(toks: list[Token], blocks: tuple[int, ...]) -> bool:
    """Each block's last cell is the sum of the others, empty cells as 0; a cell that is not a
    number cannot be judged and passes."""
    parsed = [parse_value(t.raw) if t.kind != "blank" else None for t in toks]
    if any(p is not None and p.flag != "value" for p in parsed):
        return True
    return placement.holds(tuple(placement.BLANK if p is None else p.value for p in parsed), blocks)


_APPEAL_HEADER_TERMS = sorted({*templates.APPEAL_HEADER_WORDS, *templates.APPEAL_COLUMN_LABELS.values(), "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果", "维持", "纠正", "其他", "尚未", "审结"}, key=len, reverse=True)


def _only_appeal_headers(label: str) -> bool:
    """Whether the text before a run holds nothing but the appeals table's column heads (a block
    printed under its own header row), at most a stray character or two besides."""
    for term in _APPEAL_HEADER_TERMS:
        label = label.replace(term, "")
    return len(label) <= 2


def _after_header(tokens: list[Token]) -> list[Token]:
    """A value row printed under its header row: the gap before its first value holds the header
    row's end, which in a paragraph dump looks like a lost line (LOST tokens); the rest of that gap
    is whole empty cells."""
    lost = next((i for i, t in enumerate(tokens) if t.kind != LOST), len(tokens))
    if not lost:
        return tokens
    return [Token("blank", "", t.locator, "", t.cell) for t in tokens[1:lost]] + tokens[lost:]


def _several(group: list[Token]) -> Token:
    """One source cell that holds several values: a single token flagged as such."""
    raw = " ".join(t.raw for t in group)
    first = group[0]
    return Token("several", raw, first.locator.removesuffix(f" part {first.part}") if first.part else first.locator, raw, first.cell)


_SIGN_FIRST = re.compile(r"[-+−]\s*\d")
_SIGNED_PIECES = re.compile(r"[-+]?\d+(?:\.\d+)?")


def collapsible(run: Run, n: int) -> list[str] | None:
    """The digit runs of a row that lost its separators, or None if it is not such a row.
    A sign starts a new number ("0+34636": 0, then +3…)."""
    toks = [t for t in run.tokens if t.kind != "blank"]
    if not toks or any(t.kind != "value" for t in toks):
        return None
    pieces: list[str] = []
    for t in toks:
        text = next((t.text[: -len(u)] for u in UNITS if t.text.endswith(u)), t.text)  # "…2895.90元": the amount's unit
        parts = _SIGNED_PIECES.findall(text)
        if "".join(parts) != text:
            return None
        pieces.extend(parts)
    if any("." in p for p in pieces[:-1]):
        return None  # only the last cell (an amount) may hold a fraction
    if len(pieces) > n or len(pieces) == len(toks) == n or sum(len(p.lstrip("+-").split(".")[0]) for p in pieces) < n:
        return None  # n pieces are a collapsed row only when a sign glued two of them ("35-15")
    return pieces


def _piece_origins(run: Run) -> list[tuple[Token, int]]:
    """For each piece `collapsible` cuts, its token and where in the token's text it starts
    ("145+10" is one token of two pieces), so a recovered cell points at its own digits."""
    out = []
    for t in run.tokens:
        if t.kind != "blank":
            text = next((t.text[: -len(u)] for u in UNITS if t.text.endswith(u)), t.text)
            out.extend((t, m.start()) for m in _SIGNED_PIECES.finditer(text))
    return out


def _cells_from_tokens(table: str, row: str, columns: tuple[str, ...], toks: list[Token], label_note: str | None = None) -> list[Cell]:
    out = []
    for col, t in zip(columns, toks):
        if t.kind == "several":
            out.append(Cell(table, row, col, None, "unreadable", t.raw, t.locator, f"several values in one cell: {t.raw!r}"))
            continue
        if t.kind == LOST:
            out.append(Cell(table, row, col, None, "unreadable", "", t.locator, "a line of the source is lost here: the gap before the next cell is no whole number of cells"))
            continue
        p = parse_value(t.raw)
        note = "; ".join(n for n in (p.note, label_note) if n) or None
        out.append(Cell(table, row, col, p.value, p.flag, t.raw, t.locator, note))
    return out


def _unreadable(table: str, row: str, columns, run: Run, note: str) -> list[Cell]:
    raw = " ".join(t.raw.strip() for t in run.tokens)
    loc = run.tokens[0].locator if run.tokens else ""
    return [Cell(table, row, c, None, "unreadable", raw, loc, note) for c in columns]


def _recovered_cells(table, row, columns, run: Run, pieces, values, alternatives, reason) -> list[Cell]:
    toks = [t for t in run.tokens if t.kind != "blank"]
    unit = next((u for u in UNITS if toks[-1].text.endswith(u)), "")  # an amount's 元 / 万元, kept as printed
    raw = " ".join(t.raw.strip() for t in toks)  # as printed: "145+10" stays one run
    out = []
    spans = collapsed.digit_spans(pieces, alternatives[0]) if len(alternatives) == 1 and not any("." in p for p in pieces) else None
    origins = _piece_origins(run) if spans else []
    for i, col in enumerate(columns):
        v = values[i]
        if v is None:
            cands = sorted({a[i] for a in alternatives if len(a) > i})
            shown = ", ".join(str(c) for c in cands[:12]) + (" …" if len(cands) > 12 else "")
            note = f"collapsed digits {raw!r}: {reason}" + (f"; candidates {shown}" if cands else "")
            out.append(Cell(table, row, col, None, "unreadable", raw, toks[0].locator, note, "recovered"))
        else:
            loc = source = toks[0].locator
            if spans:
                p, d0, d1 = spans[i]
                tok, offset = origins[p]
                source = tok.locator
                loc = f"{source} digits {offset + d0}-{offset + d1}"
            note = f"recovered from collapsed digits {raw!r}" + (f" ({reason})" if reason else "") + (f"; unit {unit} as printed" if unit and i == len(columns) - 1 else "")
            out.append(Cell(table, row, col, float(v), "value", raw, loc, note, "recovered", source=source))
    return out


# ------------------------------------------------------------------------------------ short rows


@dataclass
class Short:
    """A row that prints fewer values than it has cells, and the ways to place them."""

    row: str
    run: Run
    tokens: list[Token]  # the printed value tokens, in order
    model: str  # merged, dropped, lost
    unknown: collapsed.Unknown
    index_of: dict[tuple, tuple[int, ...]]  # candidate values → which printed token fills each cell


_MODEL_NOTE = {
    "merged": "consecutive identical lines merged in the source: each printed value stands for one or more cells",
    "dropped": "empty cells left out by the source: the printed values keep their order",
    "lost": "cells missing from the source's row: the printed values keep their order",
    "spaced": "collapsed digits with a space where an empty cell was",
}


def _short_values(run: Run, n: int, merged: bool):
    """(value tokens, their parsed values, the values to place, the model of what is missing) of a
    run that prints fewer numbers than its row has cells; None for any other run."""
    toks = [t for t in run.tokens if t.kind != "blank"]
    if not toks or len(toks) >= n:
        return None
    parsed = [parse_value(t.raw) for t in toks]
    if any(p.flag not in ("value", "not_applicable") for p in parsed):
        return None
    values = [p.value if p.flag == "value" else placement.BLANK for p in parsed]
    model = "merged" if merged else ("lost" if all(t.cell >= 0 for t in toks) else "dropped")
    return toks, parsed, values, model


def values_lost(run: Run, n: int, blocks: tuple[int, ...], merged: bool) -> bool:
    """Whether the run prints fewer numbers than its row has cells and no placement of them keeps
    the row's sums: numbers were lost from this text, not only empty cells (a PDF whose table is
    cut at the page's edge)."""
    printed = _short_values(run, n, merged)
    if printed is None:
        return False
    _, _, values, model = printed
    return not placement.placements(values, n, model, blocks)


def short_row(row: str, run: Run, n: int, blocks: tuple[int, ...], merged: bool, signed: tuple[int, ...] = ()) -> Short | None:
    """Placements of a short row's printed values (None when the row is not such a row, or when
    no placement puts each printed sign ("-6", "+72") in a signed column, `signed`: a count of
    decisions is never negative)."""
    printed = _short_values(run, n, merged)
    if printed is None:
        return None
    toks, parsed, values, model = printed
    pieces = [t.text for t in toks]
    gaps = len(pieces) - 1
    if model == "dropped" and gaps and all(_DIGITS.match(p) for p in pieces) and any(len(p) > 1 and p[0] == "0" for p in pieces):
        # "0 00000": a run with a leading zero is several collapsed cells, not one number; with
        # one cell fewer than the row per space, each space is where an empty cell was
        if sum(len(p) for p in pieces) + gaps == n:
            cands = []
            for cut in collapsed.splits(pieces, n - gaps):
                spans = collapsed.digit_spans(pieces, cut)
                cand = []
                for i, v in enumerate(cut):
                    if i and spans[i][0] != spans[i - 1][0]:
                        cand.append(placement.BLANK)
                    cand.append(v)
                cands.append(tuple(cand))
            fitting = [c for c in cands if placement.holds(c, blocks)] if blocks else cands
            u = collapsed.Unknown(row, [], n, None, fitting or cands, preset=True)
            return Short(row, run, toks, "spaced", u, {})
    index_of: dict[tuple, tuple[int, ...]] = {}
    # placements that keep each block's sum: when none does, the printed values are not the row's
    # cells with some left out (a page marker "- 3 -" read as a row), and no cell is placed
    found = placement.placements(values, n, model, blocks)
    if not found:
        return None
    with_sign = {i for i, t in enumerate(toks) if parsed[i].flag == "value" and _SIGN_FIRST.match(t.raw.strip())}
    if with_sign:
        found = [idx for idx in found if all(pos in signed for pos, v in enumerate(idx) if isinstance(v, int) and v in with_sign)]
        if not found:
            return None
    for idx in found:
        cand = tuple(v if isinstance(v, placement.Mark) else values[v] for v in idx)
        index_of.setdefault(cand, idx)
    u = collapsed.Unknown(row, [], n, None, list(index_of), preset=True)
    return Short(row, run, toks, model, u, index_of)


def _shown(v) -> str:
    if isinstance(v, placement.Mark):
        return "empty" if v is placement.BLANK else "not printed"
    return str(int(v)) if float(v).is_integer() else str(v)


def _num(v) -> float | None:
    """A candidate cell's number for an identity: blank is 0, a lost cell undecidable (None)."""
    if v is placement.MISSING:
        return None
    return 0.0 if v is placement.BLANK else float(v)


def _placed_cells(table: str, cols, short: Short, values, alternatives, reason) -> list[Cell]:
    out = []
    first = short.tokens[0]
    how = _MODEL_NOTE[short.model]
    placed = [short.index_of.get(a) for a in alternatives]  # each alternative's printed value per cell
    for i, col in enumerate(cols):
        v = values[i]
        srcs = {idx[i] if idx else None for idx in placed}
        src = srcs.pop() if len(srcs) == 1 else None
        tok = short.tokens[src] if isinstance(src, int) else None
        loc = tok.locator if tok else f"{first.locator} (row of {len(short.tokens)} printed values)"
        raw = tok.raw if tok else " ".join(t.raw for t in short.tokens)  # the row as printed when no one token is the cell
        if v is None:  # the placements disagree
            shown = ", ".join(sorted({_shown(x) for x in {a[i] for a in alternatives}}))
            out.append(Cell(table, short.row, col, None, "unreadable", " ".join(t.raw for t in short.tokens), loc, f"{how}; {reason or 'several placements'}; candidates {shown}", "placed"))
        elif v is placement.MISSING:
            out.append(Cell(table, short.row, col, None, "unreadable", "", loc, f"{how}; this cell is not printed", "placed"))
        elif v is placement.BLANK:
            out.append(Cell(table, short.row, col, None, "blank" if not tok else parse_value(tok.raw).flag, raw if tok else "", loc, f"{how}; placed as empty", "placed"))
        else:
            note = f"{how}; placed" + (f" ({reason})" if reason else "")
            out.append(Cell(table, short.row, col, float(v), "value", raw, loc, note, "placed"))
    return out


def label_only_rows(runs: list[Run], rows, matches, expected: set[str]) -> list[tuple[str, Run]]:
    """Rows whose label is printed with no value at all (a dump that drops empty cells): the label
    stands in the text between two matched rows, in table order. Only where the source has no
    explicit cells (a grid always prints the row's empty cells)."""
    out = []
    prev_k = -1
    for run, k, _ in matches:
        if run.tokens and all(t.cell < 0 for t in run.tokens):
            label = run.label
            pos = 0
            for j in range(prev_k + 1, k):
                if rows[j].key not in expected:
                    continue
                hits = [label.find(key, pos) for key in rows[j].keys]
                hits = [h for h in hits if h >= 0]
                if hits:
                    out.append((rows[j].key, run))
                    pos = min(hits) + 1
        prev_k = k
    return out


class BlankDoubt(Enum):
    """Why a row printed as its label alone may not be empty."""

    LOOSE_NUMBERS = "row label printed with no values, but numbers no label claims stand in the table: they may be this row's"
    VALUES_LOST = "row label printed with no values, but other rows of the table print fewer numbers than their sums need: this text lost numbers, and this row's may be among them"


def _blank_row(table: str, row: str, cols, run: Run, doubt: BlankDoubt | None = None) -> list[Cell]:
    """A label-only row's cells: empty, unless the table gives reason to doubt it (`doubt`): numbers
    that no label claims (a PDF's text that lists a table by columns prints every label apart from
    its values), or rows that lost numbers (a table cut at the page's edge)."""
    loc = f"{run.tokens[0].locator} (label only, before this)" if run.tokens else ""
    if doubt is not None:
        return [Cell(table, row, c, None, "unreadable", "", loc, doubt.value) for c in cols]
    return [Cell(table, row, c, None, "blank", "", loc, "row label printed with no values: empty cells", "placed") for c in cols]


def _loose_numbers(runs: list[Run], matches, width: Callable[[int], int], rows) -> bool:
    """Whether the table holds numbers that no row claims: other than 0 in a run between its
    first and last matched rows that is matched to none, or past the width (`width` of a matched
    row's index) of a matched row's run; any number of an unmatched run after the last matched
    row whose text names a row of the table (`rows`) before other text (打印本页 between a last
    label and its values)."""
    if not matches:
        return False
    taken = {id(m[0]) for m in matches}
    first, last = min(m[0].start for m in matches), max(m[0].start for m in matches)
    if any(first < r.start < last and id(r) not in taken and _has_nonzero(r.tokens) for r in runs):
        return True
    after = [r for r in runs if r.start > last and id(r) not in taken and _holds_a_number(r)]
    if any(key in r.label for r in after for row in rows for key in row.keys):
        return True
    return any(len(run.tokens) > width(k) and _has_nonzero([t for t in run.tokens if t.kind != "blank"][width(k) :]) for run, k, _ in matches)


def _has_nonzero(toks: list[Token]) -> bool:
    """A value token among `toks` that is a number other than 0."""
    return any(t.kind == "value" and parse_value(t.raw).value not in (None, 0.0) for t in toks)


def torn_rows(runs: list[Run], rows, matches, expected: list[str], n: int):
    """Value rows without a label of their own (a torn PDF conversion): between two matched rows,
    as many full rows as template rows are missing there are placed in order."""
    taken = {id(r) for r, _, _ in matches}
    placed = []
    bounds = [(-1, -1)] + [(r.start, k) for r, k, _ in matches] + [(10**12, len(rows))]
    key_index = {row.key: i for i, row in enumerate(rows)}
    for (a_start, ka), (b_start, kb) in zip(bounds, bounds[1:]):
        missing = [key for key in expected if ka < key_index[key] < kb]
        if not missing or ka < 0 or kb >= len(rows):
            continue
        loose = [r for r in runs if id(r) not in taken and a_start < r.start < b_start and r.has_values and fit(r, n)[0] is not None]
        if len(loose) == len(missing):
            for key, r in zip(missing, loose):
                placed.append((r, key_index[key], f"row without its label, placed by order between {rows[ka].key} and {rows[kb].key}"))
    return sorted(matches + placed, key=lambda m: m[0].start)


# ------------------------------------------------------------------------------------ tables


def _active_format(tokens: list[Token], lo: int, hi: int, matched_keys: set[str]) -> str | None:
    text = label_key("".join(t.text for t in tokens[lo:hi] if t.kind == "text"))
    votes = {fmt: sum(1 for m in markers if label_key(m) in text) for fmt, markers in templates.ACTIVE_FORMAT_MARKERS.items()}
    if matched_keys & {"other_services", "procurement"}:
        votes["v2019"] += 2
    if votes["v2019"] == votes["v2021"] or max(votes.values()) < 2:
        return None  # one stray word (e.g. 政府集中采购 in prose) is no table header
    return "v2019" if votes["v2019"] > votes["v2021"] else "v2021"


def align_active(tokens, lo, hi, fmt_hint, result: Alignment) -> None:
    runs = runs_in(tokens, lo, hi)
    matches = ordered_matches(runs, templates.ACTIVE_ROWS)
    _note_unmatched("active", runs, matches, result)
    keys = {templates.ACTIVE_ROWS[k].key for _, k, _ in matches}
    fmt = _active_format(tokens, lo, hi, keys) or fmt_hint
    if fmt is None:
        result.problems.append("active table: cannot tell the 2019 from the 2021 format")
        return
    result.active_format = fmt
    layout = templates.ACTIVE_COLUMNS[fmt]
    found = set()
    pending = []
    cut = _followed_by_loose_values(runs, matches)
    for run, k, label_note in matches:
        row = templates.ACTIVE_ROWS[k].key
        if row not in layout:
            continue
        cells, item = _read_row("active", row, layout[row], run, label_note, (), result.repeats_merged, result.collapses, cut.get(id(run)))
        result.cells.extend(cells)
        if item is not None:
            pending.append(item)
        found.add(row)
    loose = _loose_numbers(runs, matches, lambda k: len(layout.get(templates.ACTIVE_ROWS[k].key, ())) or 99, templates.ACTIVE_ROWS)
    for row, run in label_only_rows(runs, templates.ACTIVE_ROWS, matches, set(layout)):
        result.cells.extend(_blank_row("active", row, layout[row], run, BlankDoubt.LOOSE_NUMBERS if loose else None))
        found.add(row)
    signed = _signed_columns(result.cells)
    for kind, row, run, item in pending:  # each active row stands alone: no identity links them
        cols = layout[row]
        if kind == "short" and signed & set(cols):
            _drop_unsigned(item, cols, signed)
        _drop_negative_stock(item.unknown if kind == "short" else item, cols)
        _solve_pending("active", cols, [(kind, row, run, item)], [], {}, result, solve_jointly=False)
    result.found["active"] = bool(found)
    result.missing["active"] = [r for r in layout if r not in found]


def _signed_columns(cells: list[Cell]) -> set[str]:
    """Columns in which this report prints signs (+72, -6): v2019's 本年增/减."""
    return {c.column for c in cells if c.table == "active" and c.flag == "value" and c.raw.strip()[:1] in "+-−"}


def _drop_negative_stock(u: collapsed.Unknown, cols) -> None:
    """v2019's 上一年项目数量 + 本年增/减 is this year's number of items, never below 0: a reading of
    a signed run that makes it negative cannot stand (when none is left, the source decides nothing
    and all stay)."""
    if not u.preset or "prior_items" not in cols or "change" not in cols:
        return
    i, j = cols.index("prior_items"), cols.index("change")
    nums = [(_num(c[i]), _num(c[j])) for c in u.candidates]
    keep = [c for c, (a, b) in zip(u.candidates, nums) if a is None or b is None or a + b >= 0]
    if keep:
        u.candidates = keep


def _drop_unsigned(short: Short, cols, signed: set[str]) -> None:
    """In a column the report writes with signs, a repeated unsigned number other than 0 cannot
    stand: a merged repeat copies the printed text, and that text has no sign."""
    keep = []
    for cand in short.unknown.candidates:
        idx = short.index_of.get(cand, ())
        ok = True
        for i, col in enumerate(cols):
            if col in signed and isinstance(idx[i], int):  # a printed token, not an empty or lost cell
                raw = short.tokens[idx[i]].raw.strip()
                if raw[:1] not in "+-−" and cand[i] not in (0, placement.BLANK):
                    ok = False
        if ok:
            keep.append(cand)
    if keep:
        short.unknown.candidates = keep


def align_requests(tokens, lo, hi, result: Alignment) -> None:
    runs = runs_in(tokens, lo, hi)
    matches = ordered_matches(runs, templates.REQUEST_ROWS)
    keys = [templates.REQUEST_ROWS[k].key for _, k, _ in matches]
    split_other = any(k in keys for k in templates.V2021_OTHER_ROWS)
    single_other = "other" in keys and not split_other
    result.requests_format = "v2021" if split_other else ("v2019" if single_other else None)
    if split_other and "other" in keys:  # both forms matched: trust the split rows
        matches = [(r, k, n) for r, k, n in matches if templates.REQUEST_ROWS[k].key != "other"]
    cols = templates.REQUEST_COLUMNS
    n = len(cols)
    expected = templates.request_rows("v2019" if single_other else "v2021", single_other)
    placed_by_order: set[int] = set()
    if matches:
        before = {id(r) for r, _, _ in matches}
        # when no （六） row is labelled, the loose rows say which form the table has: one row
        # where （六） stands, or three (a tie keeps the split rows)
        forms = [expected] if single_other or split_other else [expected, templates.request_rows("v2021", single_other=True)]
        readings = [torn_rows(runs, templates.REQUEST_ROWS, matches, list(form), n) for form in forms]
        best = max(range(len(forms)), key=lambda i: (len(readings[i]), -i))
        matches, expected = readings[best], forms[best]
        placed_by_order = {id(r) for r, _, _ in matches if id(r) not in before}
    _note_unmatched("requests", runs, matches, result)
    known: dict[tuple[str, str, str], float] = {}
    pending: list = []
    cut = _followed_by_loose_values(runs, matches)
    spill = None  # the row above whose run holds more numbers than the row has columns
    # a row printed as its label alone takes up the shift: the rows after it stand with their values
    absorbs = {id(r) for _, r in label_only_rows(runs, templates.REQUEST_ROWS, matches, set(expected) | set(templates.V2021_OTHER_ROWS) | {"other"})}
    spill_at = -1
    for run, k, label_note in matches:
        row = templates.REQUEST_ROWS[k].key
        if spill is not None and (id(run) in absorbs or any(templates.REQUEST_ROWS[j].key in expected for j in range(spill_at + 1, k))):
            spill = None  # rows missing in between: the numbers past the row's end are theirs, not this row's
        if spill is not None:
            # a row above holds the numbers of a further row: a layout that prints values apart
            # from their labels (above them, say) has shifted every row below it by one
            cells, item = _unreadable("requests", row, cols, run, f"the row {spill} above holds more numbers than columns: the rows below it may be shifted"), None
        else:
            cells, item = _read_row("requests", row, cols, run, label_note, (n,), result.repeats_merged, result.collapses, cut.get(id(run)))
            if _spills(run, n, (n,)):
                spill, spill_at = row, k
        if id(run) in placed_by_order:
            for c in cells:
                c.method = "placed"
        if item is not None:
            pending.append(item)
        result.cells.extend(cells)
        _learn(known, cells)
    unknown_form = not (single_other or split_other)
    tail = []  # the text after the last row with values: labels of last rows printed with none
    if matches:
        tail_tokens = [t for t in tokens[matches[-1][0].start + len(matches[-1][0].tokens) : hi] if t.kind == "text" and t.text]
        if tail_tokens:
            tail = [(Run(label_key("".join(t.text for t in tail_tokens)), tail_tokens, hi), len(templates.REQUEST_ROWS), None)]
    blank_rows = label_only_rows(runs, templates.REQUEST_ROWS, matches + tail, set(expected) | ({"other"} if unknown_form else set()))
    doubt = None
    if _loose_numbers(runs, matches, lambda k: n, templates.REQUEST_ROWS):
        doubt = BlankDoubt.LOOSE_NUMBERS
    elif blank_rows and any(values_lost(run, n, (n,), result.repeats_merged) for run, _, _ in matches):
        doubt = BlankDoubt.VALUES_LOST
    if unknown_form and any(r in templates.V2021_OTHER_ROWS for r, _ in blank_rows):
        blank_rows = [(r, run) for r, run in blank_rows if r != "other"]  # （六） heads its printed sub-rows
    for row, run in blank_rows:
        cells = _blank_row("requests", row, cols, run, doubt)
        result.cells.extend(cells)
        _learn(known, cells)
    if pending:
        rows = tuple(templates.REQUEST_ROWS[k].key for _, k, _ in matches) + tuple(r for r, _ in blank_rows)
        identities = [i for i in templates.request_identities(rows) if i.check != "requests.row_total"]
        _solve_pending("requests", cols, pending, identities, known, result)
    found_rows = {templates.REQUEST_ROWS[k].key for _, k, _ in matches} | {r for r, _ in blank_rows}
    result.found_rows["requests"] = [r for r in templates.REQUEST_ROW_KEYS if r in found_rows]
    result.found["requests"] = bool(found_rows)
    if matches:
        last = matches[-1][0]
        result.requests_end = last.start + len(last.tokens)


def _learn(known: dict, cells: list[Cell]) -> None:
    """Cells an identity may use: numbers, and empty or n/a cells as 0 (never an unreadable one)."""
    for c in cells:
        if c.flag == "value":
            known[(c.table, c.row, c.column)] = c.value
        elif c.flag in ("blank", "not_applicable"):
            known[(c.table, c.row, c.column)] = 0.0


def _spills(run: Run, n: int, blocks: tuple[int, ...]) -> bool:
    """Whether the run holds more printed values than its row has cells, a number other than 0
    among those past the row's end (not a cell holding several values: that one fits)."""
    toks = [t for t in run.tokens if t.kind != "blank"]
    if len(toks) <= n or fit(run, n, blocks)[0] is not None:
        return False
    return _has_nonzero(toks[n:])


def _followed_by_loose_values(runs: list[Run], matches) -> dict[int, str]:
    """{id(run): the text after it} for each matched run whose next run is matched to no row yet
    holds values: text that is no label of the table (a page's running head, "打印本页") may
    have cut the row in two, so a short reading of it cannot be trusted."""
    matched = {id(m[0]) for m in matches}
    return {id(a): b.label for a, b in zip(runs, runs[1:]) if id(a) in matched and id(b) not in matched and _holds_a_number(b)}


def _holds_a_number(run: Run) -> bool:
    """A number among the run's values (a lone "/" of "本年增/减" broken over lines is none)."""
    return any(t.kind == "value" and parse_value(t.raw).flag == "value" for t in run.tokens)


def _read_row(table, row, cols, run: Run, label_note, blocks, merged: bool, collapses: bool = True, cut: str | None = None):
    """(cells read now, pending item or None): printed cells, a collapsed run, or a short row.
    `cut`: the text after the run when more values follow it there (see _followed_by_loose_values)."""
    n = len(cols)
    toks, why, note = fit(run, n, blocks)
    if toks is not None:
        return _cells_from_tokens(table, row, cols, toks, "; ".join(x for x in (label_note, note) if x) or None), None
    if not merged and collapses and (pieces := collapsible(run, n)) is not None:
        if all(_DIGITS.match(p) for p in pieces):
            return [], ("collapsed", row, run, collapsed.Unknown(row, pieces, n, blocks))
        if "." in pieces[-1] and all(_DIGITS.match(p) for p in pieces[:-1]):  # "565426.92": cells glued to an amount
            return [], ("collapsed", row, run, collapsed.Unknown(row, pieces, n, None, collapsed.decimal_splits(pieces, n), preset=True))
        signed = tuple(i for i, c in enumerate(cols) if c in templates.SIGNED_COLUMNS)
        if signed:  # "0+34636": a sign starts the 本年增/减 cell, the only signed column
            u = collapsed.Unknown(row, pieces, n, None, collapsed.signed_splits(pieces, n, signed), preset=True)
            return [], ("collapsed", row, run, u)
        return _unreadable(table, row, cols, run, f"a signed number in a row without a signed column: {' '.join(pieces)!r}"), None
    short = short_row(row, run, n, blocks, merged, tuple(i for i, c in enumerate(cols) if c in templates.SIGNED_COLUMNS))
    if short is not None and cut is not None:
        return _unreadable(table, row, cols, run, f"fewer values than columns, and more values follow after the text {cut!r}: the row may be cut in two"), None
    if short is not None:
        return [], ("short", row, run, short)
    return _unreadable(table, row, cols, run, why), None


def _solve_pending(table, cols, pending, identities, known, result, solve_jointly: bool = True) -> None:
    """Settle collapsed and short rows together under the identities that link them."""
    unknowns = [item[3].unknown if item[0] == "short" else item[3] for item in pending]
    by_key = {u.key: u for u in unknowns}
    col_index = {c: i for i, c in enumerate(cols)}

    keys = set(by_key)
    compiled: dict[int, tuple[list, list]] = {}  # id(identity list) → (the list, kept alive; its terms)

    def terms_of(idents) -> list:
        """Each identity as (cells as (unknown row or None, column index, known value), number of
        expected cells, rows it touches): made once per family, not per assignment tested."""
        got = compiled.get(id(idents))
        if got is None:
            terms = []
            for ident in idents:
                cells = ident.expected + ident.parts
                terms.append((tuple((c[1] if c[1] in keys else None, col_index.get(c[2]), known.get(c)) for c in cells), len(ident.expected), frozenset(c[1] for c in cells)))
            got = compiled[id(idents)] = (idents, terms)
        return got[1]

    def consistent(assignment: dict[str, tuple], identities=identities) -> bool:
        for terms, k, rows in terms_of(identities):
            if rows.isdisjoint(assignment):
                continue
            vals = [_num(assignment[row][j]) if row is not None and row in assignment else fallback for row, j, fallback in terms]
            if None in vals:
                # counts are never negative: parts already larger than a known total cannot add up
                exp = vals[:k]
                if table == "requests" and None not in exp and sum(v for v in vals[k:] if v is not None) > sum(exp) + 1e-6:
                    return False
                continue  # a missing, lost, unreadable or not yet assigned cell: no equality to test
            if abs(sum(vals[:k]) - sum(vals[k:])) > 1e-6:
                return False
        return True

    def prune(identities) -> collapsed.Propagator:
        equations = []
        for ident in identities:
            const, terms, usable = 0.0, [], True
            for sign, cells in ((1.0, ident.expected), (-1.0, ident.parts)):
                for cell in cells:
                    if cell[1] in keys:
                        terms.append((cell[1], col_index[cell[2]], sign))
                    elif (v := known.get(cell)) is not None:
                        const -= sign * v
                    else:
                        usable = False
            if usable and terms:
                equations.append(collapsed.Equation(const, tuple(terms)))
        return collapsed.Propagator(equations, _num)

    placed = {row for kind, row, _, _ in pending if kind == "short"}
    if not solve_jointly:
        out = collapsed.solve(unknowns, None)
    elif placed:
        # a placement is no printed digit string: when no joint placement keeps every identity, a
        # printed value may have been lost as well as the source broken, so no family is dropped
        out = collapsed.solve(unknowns, consistent, prune(identities))
    else:
        out = collapsed.solve_with_fallback(unknowns, identities, consistent, prune)
    doubtful = _failing_placed_cells(identities, known, out, placed, col_index) if out.inconsistent and placed else {}
    for kind, row, run, item in pending:
        alts = out.alternatives[row] or by_key[row].candidates
        if kind == "short":
            cells = _placed_cells(table, cols, item, out.values[row], alts, out.reason.get(row))
            for c in cells:
                if (check := doubtful.get((row, c.column))) and c.flag == "value":
                    c.value, c.flag = None, "unreadable"
                    c.note = f"{c.note}; {check} fails with this placement: a printed value may be lost, so the placement is no reading"
            result.cells.extend(cells)
        else:
            result.cells.extend(_recovered_cells(table, row, cols, run, item.pieces, out.values[row], alts, out.reason.get(row)))


def _failing_placed_cells(identities, known, out: collapsed.Outcome, placed: set[str], col_index) -> dict[tuple[str, str], str]:
    """(row, column) of placed cells in an identity that fails with each row settled alone → the
    check: the rows read without a joint solution whose numbers cannot be trusted."""
    doubtful: dict[tuple[str, str], str] = {}
    for ident in identities:
        cells = ident.expected + ident.parts
        vals = []
        for c in cells:
            if c[1] in out.values:
                v = out.values[c[1]][col_index[c[2]]]
                vals.append(None if v is None else _num(v))
            else:
                vals.append(known.get(c))
        if None in vals or abs(sum(vals[: len(ident.expected)]) - sum(vals[len(ident.expected) :])) <= 1e-6:
            continue
        for c in cells:
            if c[1] in placed:
                doubtful.setdefault((c[1], c[2]), ident.check)
    return doubtful


def align_appeals(tokens, lo, hi, result: Alignment, closed: bool = False) -> None:
    """The 15 cells of section 四: one flat row, blocks of five under their own headers (each
    block's header printed above it), a collapsed digit run, or a short row of repeats or blanks.
    `closed`: the next section's heading ends the region (the table is not cut off)."""
    runs = runs_in(tokens, lo, hi)
    rows, cols = templates.APPEAL_ROWS, templates.APPEAL_COLUMNS
    n = len(rows) * len(cols)
    seen_header = False
    candidates: list[Run] = []
    for run in runs:
        if any(w in run.label for w in templates.APPEAL_HEADER_WORDS):
            seen_header = True
        all_empty = len(run.tokens) >= n and all(t.kind == "blank" and t.cell >= 0 for t in run.tokens)  # a row of empty cells
        if seen_header and (run.has_values or all_empty):
            few = len([t for t in run.tokens if t.kind != "blank"]) < 3 and not (result.collapses and collapsible(run, n) is not None)
            under_header = all(w in run.label for w in templates.APPEAL_COLUMN_LABELS.values())  # the values follow the column heads
            if few and not result.repeats_merged and not candidates and not under_header:
                continue  # a number or two in the prose above the table
            candidates.append(run)
    chosen: Run | None = None
    joined_runs = 1  # how many runs the chosen row is made of
    if not candidates and closed and _empty_appeals_table(tokens, lo, hi):
        loc = next((t.locator for t in tokens[lo:hi] if t.kind == "text"), "")
        for r in rows:
            result.cells.extend(Cell("appeals", r, c, None, "blank", "", loc, "table printed with its headings and no value before the next section: empty cells", "placed") for c in cols)
        result.found["appeals"], result.missing["appeals"] = True, []
        return
    if candidates:
        first = candidates[0]
        if len(first.tokens) >= n or (result.collapses and collapsible(first, n) is not None):
            chosen = first
        else:
            # blocks printed apart (a header row over each value row): join consecutive runs
            joined: list[Token] = []
            used = 0
            for run in candidates:
                if joined and not _only_appeal_headers(run.label):
                    break  # prose between them: a date or a count below the table is no block of it
                toks = list(run.tokens)
                if len(candidates) > 1:  # a block's row of a pipe table: its edge cells are padding
                    while toks and toks[-1].kind == "blank":
                        toks.pop()
                    while toks and toks[0].kind == "blank":
                        toks.pop(0)
                joined.extend(toks)
                used += 1
                if len(joined) >= n:
                    break
            # exactly 15 cells joined, or fewer (a short row: repeats or blanks); else the first run alone
            chosen = Run(first.label, joined if len(joined) <= n else first.tokens, first.start)
            joined_runs = used if len(joined) <= n else 1
    result.found["appeals"] = chosen is not None
    result.missing["appeals"] = [] if chosen else list(rows)
    if chosen is None:
        return
    chosen = Run(chosen.label, _after_header(chosen.tokens), chosen.start)
    flat = [(r, c) for r in rows for c in cols]
    toks, why, note = fit(chosen, n, (len(cols),) * len(rows))
    if toks is not None and joined_runs > 1 and not _blocks_hold(toks, (len(cols),) * len(rows)):
        # the order of blocks printed apart is an assumption: only their sums can confirm it (a
        # PDF's text may interleave the blocks' columns)
        for r in rows:
            result.cells.extend(_unreadable("appeals", r, cols, chosen, f"{joined_runs} runs of values joined in their printed order break the blocks' sums: their order is not the table's"))
        return
    if toks is not None:
        cells = _cells_from_tokens("appeals", "", tuple(f"{r}|{c}" for r, c in flat), toks, note)
        for cell in cells:
            cell.row, cell.column = cell.column.split("|")
        result.cells.extend(cells)
        return
    pieces = collapsible(chosen, n) if result.collapses and not result.repeats_merged else None
    if pieces is None:
        short = short_row("appeals", chosen, n, (len(cols),) * len(rows), result.repeats_merged)
        if short is None:
            for r in rows:
                result.cells.extend(_unreadable("appeals", r, cols, chosen, why or "appeals table not in the standard layout"))
            return
        out = collapsed.solve([short.unknown], None)
        cells = _placed_cells("appeals", [f"{r}|{c}" for r, c in flat], short, out.values["appeals"], out.alternatives["appeals"] or short.unknown.candidates, out.reason.get("appeals"))
        for cell in cells:
            cell.row, cell.column = cell.column.split("|")
        result.cells.extend(cells)
        return

    u = collapsed.Unknown("appeals", pieces, n, (len(cols),) * len(rows))
    out = collapsed.solve([u], None)
    values, alts = out.values["appeals"], out.alternatives["appeals"]
    for i, r in enumerate(rows):
        sub_alts = sorted({a[i * 5 : i * 5 + 5] for a in alts})
        cells = _recovered_cells("appeals", r, cols, chosen, pieces, values[i * 5 : i * 5 + 5], sub_alts or [()], out.reason.get("appeals"))
        if len(alts) == 1:  # exact digit positions within the run
            spans = collapsed.digit_spans(pieces, alts[0])[i * 5 : i * 5 + 5]
            origins = _piece_origins(chosen)
            for c, (p, d0, d1) in zip(cells, spans):
                tok, offset = origins[p]
                c.source = tok.locator
                c.locator = f"{c.source} digits {offset + d0}-{offset + d1}"
        result.cells.extend(cells)


def _empty_appeals_table(tokens, lo: int, hi: int) -> bool:
    """The whole table head (row and column labels) printed, with no number and no explicit cell:
    a dump that drops empty cells printed an all-empty table."""
    region = tokens[lo:hi]
    if any(t.kind != "text" or t.cell >= 0 for t in region):
        return False
    text = label_key("".join(t.text for t in region))
    words = (*templates.APPEAL_COLUMN_LABELS.values(), *templates.APPEAL_ROW_LABELS.values())
    return all(label_key(w) in text for w in words)


_COLLAPSED = re.compile(r"^0\d|\d[-+]\d")


def collapse_evidence(tokens: list[Token]) -> bool:
    """True when some value is visibly several cells run together: digits after a leading zero
    ("0000000" — no number is printed so) or a sign right after digits ("0+34636", kept one
    value by the tokenizer). Without such evidence a short row is never cut into digits:
    "916 11 927" is three numbers, not seven, and "40 -6" two."""
    return any(t.kind == "value" and _COLLAPSED.search(t.text) for t in tokens)


def align(tokens: list[Token], repeats_merged: bool = False) -> Alignment:
    """Find and read the three tables in a token stream (text tokens already simplified)."""
    regions = find_regions(tokens)
    # only the tables' own values are evidence: a phone number in the preface (0594-2333253) is no cell
    spans = [regions[t] for t in ("active", "requests", "appeals") if t in regions] or [(0, len(tokens))]
    result = Alignment(repeats_merged=repeats_merged, collapses=any(collapse_evidence(tokens[lo:hi]) for lo, hi in spans))
    lo, hi = regions.get("requests", (0, 0))
    align_requests(tokens, lo, hi, result)
    if "active" in regions:
        a_lo, a_hi = regions["active"]
        hint = result.requests_format if result.requests_format == "v2019" else None
        align_active(tokens, a_lo, a_hi, hint, result)
    else:
        result.found["active"] = False
    if "appeals" in regions:
        align_appeals(tokens, *regions["appeals"], result, closed="after" in regions)
    elif result.requests_end is not None:
        # no heading (e.g. a page excerpt): the appeals table follows the requests table
        align_appeals(tokens, result.requests_end, regions.get("after", (len(tokens),))[0], result)
    else:
        result.found["appeals"] = False
        result.missing["appeals"] = list(templates.APPEAL_ROWS)
    return result
