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
from dataclasses import dataclass, field

from . import collapsed, templates
from .extract.tokens import Token
from .normalize import label_key, nfkc, parse_value

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


# ------------------------------------------------------------------------------------ regions




def _squash(t: Token) -> str:
    return "".join(nfkc(t.text).split())  # no white space at all


def find_regions(tokens: list[Token]) -> dict[str, tuple[int, int]]:
    """Token index ranges of the active, requests and appeals tables, from the section headings."""
    starts: dict[str, int] = {}
    pos = 0
    squashed = [_squash(t) if t.kind == "text" else "" for t in tokens]
    for sec in SECTIONS:
        rx = _HEADING_RES[sec]
        for i in range(pos, len(tokens)):
            if squashed[i] and rx.search(squashed[i]):
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


def fit(run: Run, n: int) -> tuple[list[Token] | None, str | None]:
    """The run's tokens cut to n cells, or None and why. Trailing empty cells are layout padding."""
    toks = list(run.tokens)
    while len(toks) > n and toks[-1].kind == "blank":
        toks.pop()
    while len(toks) > n and toks[0].kind == "blank":
        toks.pop(0)
    if len(toks) == n:
        return toks, None
    return None, f"{len([t for t in toks if t.kind != 'blank'])} values for {n} columns"


def collapsible(run: Run, n: int) -> list[str] | None:
    """The digit runs of a row that lost its separators, or None if it is not such a row."""
    toks = [t for t in run.tokens if t.kind != "blank"]
    pieces = [t.text for t in toks]
    if not toks or len(toks) >= n or not all(_DIGITS.match(p) for p in pieces):
        return None
    if sum(len(p) for p in pieces) < n:
        return None
    return pieces


def _cells_from_tokens(table: str, row: str, columns: tuple[str, ...], toks: list[Token], label_note: str | None = None) -> list[Cell]:
    out = []
    for col, t in zip(columns, toks):
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
    raw = " ".join(pieces)
    out = []
    spans = collapsed.digit_spans(pieces, alternatives[0]) if len(alternatives) == 1 else None
    for i, col in enumerate(columns):
        v = values[i]
        if v is None:
            cands = sorted({a[i] for a in alternatives})
            shown = ", ".join(str(c) for c in cands[:12]) + (" …" if len(cands) > 12 else "")
            note = f"collapsed digits {raw!r}: {reason}" + (f"; candidates {shown}" if cands else "")
            out.append(Cell(table, row, col, None, "unreadable", raw, toks[0].locator, note))
        else:
            loc = toks[0].locator
            if spans:
                p, d0, d1 = spans[i]
                loc = f"{toks[p].locator} digits {d0}-{d1}"
            note = f"recovered from collapsed digits {raw!r}" + (f" ({reason})" if reason else "")
            out.append(Cell(table, row, col, float(v), "value", raw, loc, note))
    return out


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
    for run, k, label_note in matches:
        row = templates.ACTIVE_ROWS[k].key
        if row not in layout:
            continue
        cols = layout[row]
        toks, why = fit(run, len(cols))
        if toks is not None:
            result.cells.extend(_cells_from_tokens("active", row, cols, toks, label_note))
        elif (pieces := collapsible(run, len(cols))) is not None:
            u = collapsed.Unknown(row, pieces, len(cols))
            out = collapsed.solve([u], None)
            result.cells.extend(
                _recovered_cells("active", row, cols, run, pieces, out.values[row], out.alternatives[row], out.reason.get(row, "no identity constrains active-disclosure cells"))
            )
        else:
            result.cells.extend(_unreadable("active", row, cols, run, why))
        found.add(row)
    result.found["active"] = bool(found)
    result.missing["active"] = [r for r in layout if r not in found]


def align_requests(tokens, lo, hi, result: Alignment) -> None:
    runs = runs_in(tokens, lo, hi)
    matches = ordered_matches(runs, templates.REQUEST_ROWS)
    _note_unmatched("requests", runs, matches, result)
    keys = [templates.REQUEST_ROWS[k].key for _, k, _ in matches]
    split_other = any(k in keys for k in templates.V2021_OTHER_ROWS)
    single_other = "other" in keys and not split_other
    result.requests_format = "v2021" if split_other else ("v2019" if single_other else None)
    if split_other and "other" in keys:  # both forms matched: trust the split rows
        matches = [(r, k, n) for r, k, n in matches if templates.REQUEST_ROWS[k].key != "other"]
    cols = templates.REQUEST_COLUMNS
    n = len(cols)
    known: dict[tuple[str, str, str], float] = {}
    pending: list[tuple[str, Run, list[str]]] = []
    for run, k, label_note in matches:
        row = templates.REQUEST_ROWS[k].key
        toks, why = fit(run, n)
        if toks is not None:
            cells = _cells_from_tokens("requests", row, cols, toks, label_note)
            result.cells.extend(cells)
            for c in cells:
                known[("requests", row, c.column)] = c.value or 0.0
        elif (pieces := collapsible(run, n)) is not None:
            pending.append((row, run, pieces))
        else:
            result.cells.extend(_unreadable("requests", row, cols, run, why))
    if pending:
        rows = tuple(templates.REQUEST_ROWS[k].key for _, k, _ in matches)
        identities = [i for i in templates.request_identities(rows) if i.check != "requests.row_total"]
        _solve_collapsed("requests", cols, pending, identities, known, result, blocks=(len(cols),))
    result.found_rows["requests"] = [templates.REQUEST_ROWS[k].key for _, k, _ in matches]
    found = {templates.REQUEST_ROWS[k].key for _, k, _ in matches}
    result.found["requests"] = bool(found)
    if matches:
        last = matches[-1][0]
        result.requests_end = last.start + len(last.tokens)


def _solve_collapsed(table, cols, pending, identities, known, result, blocks) -> None:
    unknowns = [collapsed.Unknown(row, pieces, len(cols), blocks) for row, _, pieces in pending]
    by_key = {u.key: u for u in unknowns}

    def consistent(assignment: dict[str, tuple[int, ...]], identities=identities) -> bool:
        def val(cell):
            _, row, col = cell
            if row in assignment:
                return assignment[row][cols.index(col)]
            return known.get(cell)

        for ident in identities:
            cells = ident.expected + ident.parts
            if not any(c[1] in assignment for c in cells):
                continue
            vals = [val(c) for c in cells]
            if any(v is None for v in vals):
                continue  # a missing or unreadable cell: this identity cannot decide
            if sum(vals[: len(ident.expected)]) != sum(vals[len(ident.expected) :]):
                return False
        return True

    out = collapsed.solve_with_fallback(unknowns, identities, consistent)
    for row, run, pieces in pending:
        result.cells.extend(
            _recovered_cells(table, row, cols, run, pieces, out.values[row], out.alternatives[row] or by_key[row].candidates, out.reason.get(row))
        )


def align_appeals(tokens, lo, hi, result: Alignment) -> None:
    runs = runs_in(tokens, lo, hi)
    rows, cols = templates.APPEAL_ROWS, templates.APPEAL_COLUMNS
    n = len(rows) * len(cols)
    seen_header = False
    chosen: Run | None = None
    for run in runs:
        if "复议" in run.label or "诉讼" in run.label or "总计" in run.label:
            seen_header = True
        if not seen_header or not run.has_values:
            continue
        nonblank = [t for t in run.tokens if t.kind != "blank"]
        if len(run.tokens) >= n or collapsible(run, n) is not None:
            chosen = run
            break
        if len(nonblank) >= 3:
            chosen = run  # a short run after the header: report it as unreadable below
            break
    result.found["appeals"] = chosen is not None
    result.missing["appeals"] = [] if chosen else list(rows)
    if chosen is None:
        return
    flat = [(r, c) for r in rows for c in cols]
    toks, why = fit(chosen, n)
    if toks is not None:
        for (r, c), t in zip(flat, toks):
            p = parse_value(t.raw)
            result.cells.append(Cell("appeals", r, c, p.value, p.flag, t.raw, t.locator, p.note))
        return
    pieces = collapsible(chosen, n)
    if pieces is None:
        for r in rows:
            result.cells.extend(_unreadable("appeals", r, cols, chosen, why or "appeals table not in the standard layout"))
        return

    u = collapsed.Unknown("appeals", pieces, n, (len(cols),) * len(rows))
    out = collapsed.solve([u], None)
    values, alts = out.values["appeals"], out.alternatives["appeals"]
    for i, r in enumerate(rows):
        sub_alts = sorted({a[i * 5 : i * 5 + 5] for a in alts})
        cells = _recovered_cells("appeals", r, cols, chosen, pieces, values[i * 5 : i * 5 + 5], sub_alts or [()], out.reason.get("appeals"))
        if len(alts) == 1:  # exact digit positions within the run
            spans = collapsed.digit_spans(pieces, alts[0])[i * 5 : i * 5 + 5]
            toks_nb = [t for t in chosen.tokens if t.kind != "blank"]
            for c, (p, d0, d1) in zip(cells, spans):
                c.locator = f"{toks_nb[p].locator} digits {d0}-{d1}"
        result.cells.extend(cells)


def align(tokens: list[Token]) -> Alignment:
    """Find and read the three tables in a token stream (text tokens already simplified)."""
    result = Alignment()
    regions = find_regions(tokens)
    lo, hi = regions.get("requests", (0, 0))
    align_requests(tokens, lo, hi, result)
    if "active" in regions:
        a_lo, a_hi = regions["active"]
        hint = result.requests_format if result.requests_format == "v2019" else None
        align_active(tokens, a_lo, a_hi, hint, result)
    else:
        result.found["active"] = False
    if "appeals" in regions:
        align_appeals(tokens, *regions["appeals"], result)
    elif result.requests_end is not None:
        # no heading (e.g. a page excerpt): the appeals table follows the requests table
        align_appeals(tokens, result.requests_end, regions.get("after", (len(tokens),))[0], result)
    else:
        result.found["appeals"] = False
        result.missing["appeals"] = list(templates.APPEAL_ROWS)
    return result
