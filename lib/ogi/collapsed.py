"""Recovering cells from collapsed digit runs (`640020470` = 64|0|0|2|0|4|70).

When a page's text lost its cell separators, a row's numbers survive as one or a few digit runs.
We enumerate every way to cut the runs into the row's number of cells (a multi-digit cell never
starts with 0), keep the cuts that satisfy the report's own identities, and accept a cell only
when every surviving assignment agrees on it. Anything else is returned as ambiguous, with its
candidates, for the caller to flag — never guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

MAX_CANDIDATES_PER_ROW = 20000
MAX_COMBINATIONS = 200000


def piece_splits(s: str, k: int) -> Iterator[tuple[int, ...]]:
    """All ways to cut the digit string s into k numbers with no leading zeros."""
    if k == 1:
        if s and (s == "0" or s[0] != "0"):
            yield (int(s),)
        return
    if len(s) < k:
        return
    if s[0] == "0":
        for rest in piece_splits(s[1:], k - 1):
            yield (0, *rest)
        return
    for cut in range(1, len(s) - k + 2):
        for rest in piece_splits(s[cut:], k - 1):
            yield (int(s[:cut]), *rest)


def splits(pieces: Sequence[str], n: int) -> Iterator[tuple[int, ...]]:
    """Cut an ordered list of digit runs (known boundaries between them) into n numbers."""
    if not pieces:
        if n == 0:
            yield ()
        return
    first, rest = pieces[0], pieces[1:]
    min_rest = len(rest)
    max_rest = sum(len(p) for p in rest)
    for k in range(1, min(len(first), n - min_rest) + 1):
        if n - k > max_rest:
            continue
        for head in piece_splits(first, k):
            for tail in splits(rest, n - k):
                yield head + tail


def signed_splits(pieces: Sequence[str], n: int, signed_at: Sequence[int]) -> list[tuple[int, ...]]:
    """Cuts of digit runs some of which start with a sign ('+34636'): the signed number begins the
    piece and must land in a signed column (its index in `signed_at`); '-' makes it negative."""
    digits = [p.lstrip("+-") for p in pieces]
    out = []
    for values in splits(digits, n):
        spans = digit_spans(digits, values)
        cand = list(values)
        ok = True
        for i, (p, d0, _) in enumerate(spans):
            sign = pieces[p][:1] if d0 == 1 and pieces[p][:1] in "+-" else ""
            if sign and i not in signed_at:
                ok = False
                break
            if sign == "-":
                cand[i] = -cand[i]
        if ok:
            out.append(tuple(cand))
    return out


def decimal_splits(pieces: Sequence[str], n: int) -> list[tuple[float, ...]]:
    """Cuts of digit runs whose last one ends in a decimal amount ('565426.92' for 采购项目数量 |
    采购总金额: 56 | 5426.92, 5 | 65426.92, …): the fraction stays with the last number."""
    whole, frac = pieces[-1].split(".")
    return [(*values[:-1], float(f"{values[-1]}.{frac}")) for values in splits([*pieces[:-1], whole], n)]


def sum_splits(pieces: Sequence[str], blocks: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Cuts of the digit runs into consecutive blocks whose last number is the sum of the others
    (a row's 总计, an appeals block's 总计). Each block's total is read first and its parts are
    then cut to add up to it, which prunes the search to a few candidates."""
    text = "".join(pieces)
    n = len(text)
    # next_cut[i]: the first known boundary (a space in the source) after position i
    boundaries = set(itertools.accumulate(len(p) for p in pieces[:-1]))
    next_cut = [n + 1] * (n + 2)
    for i in range(n - 1, -1, -1):
        next_cut[i] = i + 1 if (i + 1) in boundaries else next_cut[i + 1]
    min_left = [sum(blocks[b:]) for b in range(len(blocks) + 1)]

    def valid(a: int, b: int) -> bool:
        return b > a and next_cut[a] >= b and (b - a == 1 or text[a] != "0")

    def parts(a: int, b: int, count: int, target: int):
        """Cuts of text[a:b] into `count` numbers adding up to `target`."""
        width = b - a
        # each part is at most the target, so has at most as many digits
        if width < count or width > count * len(str(target)):
            return
        if target == 0:
            if text[a:b] == "0" * count:  # single zeros never cross a known boundary
                yield (0,) * count
            return
        if count == 1:
            if valid(a, b) and int(text[a:b]) == target:
                yield (target,)
            return
        for cut in range(a + 1, b - count + 2):
            if not valid(a, cut):
                break
            v = int(text[a:cut])
            if v > target:
                break
            # the count−1 parts left have at most rest_width−count+2 digits each
            left = target - v
            if left > (count - 1) * (10 ** (b - cut - count + 2) - 1):
                continue  # what is left is too short to add up to the rest of the target
            if count == 2:  # the last part: the rest of the text, which must read as the rest of the target
                if text[cut:b] == (str(left) if valid(cut, b) else "0" if left == 0 else None):
                    yield (v, left)
                continue
            for rest in parts(cut, b, count - 1, left):
                yield (v, *rest)

    def block(pos: int, k: int):
        if k == len(blocks):
            if pos == n:
                yield ()
            return
        size = blocks[k]
        ends = [n] if k == len(blocks) - 1 else range(pos + size, n - min_left[k + 1] + 1)
        for e in ends:
            for q in range(e - 1, pos + size - 2, -1):
                if not valid(q, e):
                    continue
                total = int(text[q:e])
                for head in parts(pos, q, size - 1, total):
                    for rest in block(e, k + 1):
                        yield (*head, total, *rest)

    yield from block(0, 0)


def digit_spans(pieces: Sequence[str], values: Sequence[int]) -> list[tuple[int, int, int]]:
    """For a split, (piece index, first digit, last digit) of each value — 1-based digits, for locators."""
    spans = []
    p, pos = 0, 0
    for v in values:
        width = len(str(v))
        while pos >= len(pieces[p]):
            p, pos = p + 1, 0
        if pos == 0 and pieces[p][:1] == "+":
            pos = 1  # "+10": the sign is printed but is not a digit of the value 10
        spans.append((p, pos + 1, pos + width))
        pos += width
    return spans


@dataclass
class Unknown:
    """One row (or block) whose cells must be recovered from digit runs."""

    key: str
    pieces: list[str]
    n: int
    blocks: tuple[int, ...] | None = None  # sum blocks (see sum_splits); None: no identity within the row
    candidates: list[tuple[int, ...]] = field(default_factory=list)
    too_many: bool = False
    preset: bool = False  # candidates given by the caller (placements of a short row), not digit cuts

    def enumerate(self) -> None:
        if self.preset:
            if len(self.candidates) > MAX_CANDIDATES_PER_ROW:
                self.too_many, self.candidates = True, []
            return
        found = sum_splits(self.pieces, self.blocks) if self.blocks else splits(self.pieces, self.n)
        for values in found:
            self.candidates.append(values)
            if len(self.candidates) > MAX_CANDIDATES_PER_ROW:
                self.too_many = True
                self.candidates = []
                return


@dataclass
class Outcome:
    """Per unknown key: the values every solution agrees on (None where they differ) and why."""

    values: dict[str, list[int | None]]
    alternatives: dict[str, list[tuple[int, ...]]]
    reason: dict[str, str]
    inconsistent: bool = False  # no joint reading satisfies the identities: the source breaks one of them


@dataclass(frozen=True)
class Equation:
    """Σ coefficient·cell = const over cells of the unknown rows (known cells folded into const)."""

    const: float
    terms: tuple[tuple[str, int, float], ...]  # (unknown's key, cell index, coefficient)


MAX_SUM_WIDTH = 1 << 20  # an equation whose sums span more integers than this is left to the search


class Propagator:
    """Arc consistency for integer equations over the unknowns' candidates: a candidate stays only
    while, for every equation, some choice of the other rows' candidates makes it hold. Only
    impossible candidates go, so a search afterwards finds the same solutions in smaller domains.
    The sets of sums the other rows can reach are kept as bitsets (one Python int each).

    Inside, a domain is a list of candidate numbers: each candidate's contribution to each of its
    equations is computed once, when it is first seen, and looked up by number afterwards (a
    candidate tuple is hashed once, not at every revision)."""

    def __init__(self, equations: Sequence[Equation], num: Callable) -> None:
        self.equations = list(equations)
        self.num = num  # a candidate's cell → number, or None when it cannot be judged
        self.by_key: dict[str, list[int]] = {}
        self.terms: list[dict[str, list[tuple[int, float]]]] = []
        for e, eq in enumerate(self.equations):
            grouped: dict[str, list[tuple[int, float]]] = {}
            for k, j, c in eq.terms:
                grouped.setdefault(k, []).append((j, c))
                self.by_key.setdefault(k, [])
                if e not in self.by_key[k]:
                    self.by_key[k].append(e)
            self.terms.append(grouped)
        self._cands: dict[str, list[tuple]] = {}  # key → its candidates, by number
        self._number: dict[str, dict[tuple, int]] = {}
        self._contrib: list[dict[str, list[int | None]]] = [{} for _ in self.equations]  # [equation][key] → contribution by number
        self._summaries: list[dict[str, tuple[list, tuple | None]]] = [{} for _ in self.equations]
        self.weight = [1] * len(self.equations)  # failures each equation caused in a search (dom/wdeg)

    def numbered(self, domains: dict[str, list[tuple]]) -> dict[str, list[int]]:
        """The domains as candidate numbers, numbering (and computing the contributions of) the
        candidates not seen before. A new candidate's cells become numbers once, for all of its
        equations."""
        out = {}
        num = self.num
        for k, cands in domains.items():
            number = self._number.setdefault(k, {})
            known = self._cands.setdefault(k, [])
            equations = [(self._contrib[e].setdefault(k, []), self.terms[e][k]) for e in self.by_key.get(k, ())]
            idx = []
            for c in cands:
                i = number.get(c)
                if i is None:
                    i = number[c] = len(known)
                    known.append(c)
                    if equations:
                        cells = [num(x) for x in c]
                        for contrib, terms in equations:
                            if len(terms) == 1:  # the usual term: one cell of the row, coefficient ±1
                                j, coefficient = terms[0]
                                x = cells[j]
                                v = None if x is None else coefficient * x
                                contrib.append(None if v is None or not v.is_integer() else int(v))
                            else:
                                contrib.append(_contribution(cells, terms))
                idx.append(i)
            out[k] = idx
        return out

    def candidate(self, key: str, i: int) -> tuple:
        return self._cands[key][i]

    def _summary(self, e: int, key: str, domain: list[int]) -> tuple | None:
        """The domain's contributions to equation e, their minimum, the offsets above it, the
        largest offset and the offsets mirrored below it; cached while the very same domain list
        is passed (domains are replaced, never changed in place)."""
        contrib = self._contrib[e][key]
        vals = [contrib[i] for i in domain]
        distinct = set(vals)
        if None in distinct:
            out = None
        elif len(distinct) == 1:
            out = (vals, vals[0], _ONLY_ZERO, 0, _ONLY_ZERO)  # one contribution: a constant of the equation
        else:
            low = min(distinct)
            top = max(distinct) - low
            offs = {v - low for v in distinct}
            out = (vals, low, offs, top, {top - o for o in offs})
        self._summaries[e][key] = (domain, out)
        return out

    def __call__(self, domains: dict[str, list[tuple]]) -> dict[str, list[tuple]] | None:
        """The domains with every unsupported candidate removed; None when one runs empty."""
        got = self.narrow(self.numbered(domains))
        if got is None:
            return None
        return {k: [self.candidate(k, i) for i in idx] for k, idx in got.items()}

    def narrow(self, domains: dict[str, list[int]], changed: dict[str, list[int]] | None = None) -> dict[str, list[int]] | None:
        """`__call__` on numbered domains. `changed`: the unknowns whose domains shrank since the
        domains were last consistent, each with its domain before; only the equations where its
        contributions moved are revised."""
        domains = dict(domains)
        if changed is None:
            queue = list(range(len(self.equations)))
        else:
            queue = list(dict.fromkeys(e for k, before in changed.items() for e in self.by_key.get(k, ()) if self._moved(e, k, before, domains[k])))
        queued = set(queue)
        while queue:
            e = queue.pop()
            queued.discard(e)
            shrunk = self._revise(e, domains)
            if shrunk is None:
                self.weight[e] += 1
                return None
            for k, before in shrunk:
                for e2 in self.by_key.get(k, ()):
                    if e2 not in queued and self._moved(e2, k, before, domains[k]):
                        queued.add(e2)
                        queue.append(e2)
        return domains

    def _moved(self, e: int, key: str, before: list[int], after: list[int]) -> bool:
        """Whether narrowing key's domain changed the set of its contributions to equation e: a
        revision of e sees only that set, so when it stays the same, e has nothing new to remove."""
        contrib = self._contrib[e][key]
        now = {contrib[i] for i in after}
        return None in now or now != {contrib[i] for i in before}

    def _revise(self, e: int, domains: dict[str, list[int]]) -> list[tuple[str, list[int]]] | None:
        """Remove the candidates equation e cannot support; the keys that shrank, with their
        domains before (None when a domain runs empty)."""
        summaries = self._summaries[e]
        opened = []  # (key, summary) of the rows whose candidates contribute differently
        fixed = 0  # rows whose candidates all contribute the same (one candidate, say) count as constants
        for k in self.terms[e]:
            domain = domains.get(k)
            if domain is None:
                return []  # a row of the equation is not among the unknowns being solved
            cached = summaries.get(k)
            got = cached[1] if cached is not None and cached[0] is domain else self._summary(e, k, domain)
            if got is None:
                return []  # a cell that cannot be judged: the equation decides nothing
            if got[3]:
                opened.append((k, got))
            else:
                fixed += got[1]
        const = self.equations[e].const
        if not opened:
            return [] if fixed == const else None
        if sum(got[3] for _, got in opened) > MAX_SUM_WIDTH:  # bitsets this wide cost more than they save
            return []
        # what the open rows' offsets above their minimums must add up to
        need = const - fixed - sum(got[1] for _, got in opened)
        if need != int(need) or need < 0:
            return None
        need = int(need)
        m = len(opened)
        # the sums the rows before each row reach, as bitsets; and the later rows' sums mirrored
        # (max − sum), so one shift tests "prefix + suffix = t"
        prefix, bits = [1], 1
        for _, got in opened[:-1]:
            reached = 0
            for d in got[2]:
                reached |= bits << d
            bits = reached
            prefix.append(bits)
        suffix, reach = [1] * m, [0] * m
        bits, width = 1, 0
        for i in range(m - 1, 0, -1):
            got = opened[i][1]
            reached = 0
            for d in got[4]:
                reached |= bits << d
            bits, width = reached, width + got[3]
            suffix[i - 1], reach[i - 1] = bits, width
        changed = []
        for i, (k, (vals, low, offs, _, _)) in enumerate(opened):
            before, after, top = prefix[i], suffix[i], reach[i]
            bad = set()
            for off in offs:
                shift = need - off - top  # a prefix sum a and a later sum b with a + b = need − off: a = (top − b) + shift
                if off > need or not before & ((after << shift) if shift >= 0 else (after >> -shift)):
                    bad.add(off)
            if bad:
                keep = [c for c, v in zip(domains[k], vals) if v - low not in bad]
                if not keep:
                    return None
                changed.append((k, domains[k]))
                domains[k] = keep
        return changed


_ONLY_ZERO = frozenset({0})


def _contribution(cells: list[float | None], terms: list[tuple[int, float]]) -> int | None:
    """Σ coefficient·cell over one equation's cells of one candidate; None when a cell cannot be
    judged or the sum is no integer."""
    s = 0.0
    for j, c in terms:
        x = cells[j]
        if x is None:
            return None
        s += c * x
    return int(s) if s.is_integer() else None


class _Budget(Exception):
    pass


def _descend(d: dict[str, list[int]] | None, chosen: dict[str, list[int]], consistent, propagate: Propagator, nodes: list[int]) -> dict | None:
    """Depth-first on numbered domains: propagate the last choice (`chosen`: its key and domain
    before), then try each candidate of the open domain smallest for the failures its equations
    have caused so far (dom/wdeg: the search turns to the rows whose identities keep failing)."""
    nodes[0] -= 1
    if nodes[0] < 0:
        raise _Budget
    d = propagate.narrow(d, chosen)
    if d is None:
        return None
    open_keys = [k for k in d if len(d[k]) > 1]
    if not open_keys:
        a = {k: propagate.candidate(k, v[0]) for k, v in d.items()}
        return a if consistent(a) else None
    w, by_key = propagate.weight, propagate.by_key
    k = min(open_keys, key=lambda k: len(d[k]) / sum(w[e] for e in by_key.get(k, ())) if by_key.get(k) else len(d[k]))
    for c in d[k]:
        found = _descend({**d, k: [c]}, {k: d[k]}, consistent, propagate, nodes)
        if found is not None:
            return found
    return None


def witness(domains: dict[str, list[tuple]], consistent, propagate: Propagator, max_nodes: int) -> tuple[dict | None, bool]:
    """One joint assignment the identities accept, by depth-first search with full propagation
    after each choice (cheap: a choice revises only the equations its contributions move):
    (assignment or None, True when the search finished within max_nodes). The search is
    complete: None within its budget means no assignment exists."""
    try:
        return _descend(propagate.numbered(domains), {}, consistent, propagate, [max_nodes]), True
    except _Budget:
        return None, False


def solve(
    unknowns: list[Unknown],
    consistent: Callable[[dict[str, tuple[int, ...]]], bool] | None,
    prune: Propagator | None = None,
) -> Outcome:
    """Enumerate each unknown's candidates and keep the joint assignments `consistent` accepts.

    `consistent` receives {key: values} for all unknowns and checks the cross-row identities
    (with the known cells already bound by the caller). Without it, each row stands alone.
    `prune` (a Propagator) first removes the candidates the identities exclude on their own; when
    too many combinations remain to list, its domains decide (see `witness`).
    """
    for u in unknowns:
        u.enumerate()
    values: dict[str, list[int | None]] = {}
    alternatives: dict[str, list[tuple[int, ...]]] = {}
    reason: dict[str, str] = {}
    solvable = [u for u in unknowns if u.candidates and not u.too_many]
    for u in unknowns:
        if u.too_many:
            reason[u.key] = f"more than {MAX_CANDIDATES_PER_ROW} ways to split the digits"
        elif not u.candidates:
            reason[u.key] = "no placement of the printed values satisfies the row's identity" if u.preset else "no split of the digits satisfies the row's identity"
    solutions: list[dict[str, tuple[int, ...]]] = []
    inconsistent = False
    domains: dict[str, list[tuple]] | None = {u.key: u.candidates for u in solvable}
    if consistent is not None and solvable and prune is not None:
        domains = prune(domains)
    combos = 1
    for cands in (domains or {}).values():
        combos *= len(cands)
    if consistent is not None and solvable:
        keys = [u.key for u in solvable]
        limit = MAX_PLACED_COMBINATIONS if any(u.preset for u in solvable) else MAX_COMBINATIONS
        if domains is None:
            solutions, complete = [], True
        elif combos <= limit:
            solutions, complete = _product(domains, consistent), True
        elif prune is not None:
            # too many to list: the propagated domains hold every candidate of every solution (and
            # perhaps more), so a cell they agree on is settled — once one solution shows the
            # identities can hold at all
            found, complete = witness(domains, consistent, prune, WITNESS_NODES)
            solutions = [found] if found else []
        else:
            solutions, complete = _search(domains, consistent)
        if not complete:
            for u in solvable:
                if len(u.candidates) > 1:
                    reason.setdefault(u.key, f"{combos} joint splits: too many to test against the identities")
            per_row = {u.key: u.candidates for u in solvable}
        elif not solutions:
            # the source itself breaks an identity: keep only what each row settles alone
            inconsistent = True
            for u in solvable:
                reason.setdefault(u.key, "no split satisfies the column identities (the source is inconsistent)")
            per_row = {u.key: u.candidates for u in solvable}
        elif prune is not None and combos > limit:
            per_row = {k: sorted(domains[k], key=_order) for k in keys}
            for k in keys:
                if len(per_row[k]) > 1:
                    reason.setdefault(k, f"{len(per_row[k])} readings remain possible under the identities")
        else:
            per_row = {k: sorted({s[k] for s in solutions}, key=_order) for k in keys}
    else:
        per_row = {u.key: u.candidates for u in solvable}
    for u in unknowns:
        cands = per_row.get(u.key, [])
        alternatives[u.key] = list(cands)
        if not cands:
            values[u.key] = [None] * u.n
            continue
        agreed: list[int | None] = []
        for i in range(u.n):
            col = {c[i] for c in cands}
            agreed.append(col.pop() if len(col) == 1 else None)
        values[u.key] = agreed
        if len(cands) > 1:
            reason.setdefault(u.key, f"{len(cands)} splits satisfy the identities")
    return Outcome(values, alternatives, reason, inconsistent)


MAX_NODES = 3000

WITNESS_NODES = 300  # a witness search is one descent with propagation: a few nodes when the identities hold
MAX_PLACED_COMBINATIONS = 2000  # short rows: more joint placements than this are searched depth-first, within MAX_NODES


def _product(domains: dict[str, list[tuple]], consistent) -> list[dict]:
    keys = list(domains)
    out = []
    for combo in itertools.product(*domains.values()):
        assignment = dict(zip(keys, combo))
        if consistent(assignment):
            out.append(assignment)
    return out


def _search(domains: dict[str, list[tuple]], consistent) -> tuple[list[dict], bool]:
    """Every joint assignment `consistent` accepts, by depth-first search: `consistent` sees the
    partial assignment and rejects it as soon as an identity it completes (or bounds) fails, so
    whole subtrees are cut. (solutions, True), or (partial, False) past MAX_NODES steps."""
    order = sorted(domains, key=lambda k: len(domains[k]))
    solutions: list[dict] = []
    assignment: dict = {}
    budget = [MAX_NODES]

    def go(i: int) -> bool:
        if i == len(order):
            solutions.append(dict(assignment))
            return len(solutions) <= MAX_COMBINATIONS
        key = order[i]
        for c in domains[key]:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            assignment[key] = c
            if consistent(assignment) and not go(i + 1):
                del assignment[key]
                return False
            del assignment[key]
        return True

    return solutions, go(0)


def _order(candidate: tuple) -> tuple:
    """Sort key for candidates that may hold placement marks (blank, missing) besides numbers."""
    return tuple((1, 0.0, repr(v)) if not isinstance(v, (int, float)) else (0, float(v), "") for v in candidate)


def solve_with_fallback(unknowns: list[Unknown], identities: list, consistent, prune=None) -> Outcome:
    """Solve under all identities; if the source breaks one family (e.g. outcomes do not add up),
    retry under each family alone, so the identities the source keeps still settle the digits."""
    families = [identities] + [[i for i in identities if i.check == c] for c in dict.fromkeys(i.check for i in identities)]
    last = None
    for fam in families:
        fresh = [Unknown(u.key, u.pieces, u.n, u.blocks, list(u.candidates) if u.preset else [], preset=u.preset) for u in unknowns]
        out = solve(fresh, lambda a, fam=fam: consistent(a, fam), prune(fam) if prune else None)
        last = out
        if not out.inconsistent:
            if fam is not identities:
                names = sorted({i.check for i in fam})
                for u in fresh:
                    out.reason.setdefault(u.key, f"settled by {', '.join(names)} only: other identities fail in the source")
            return out
    return last
