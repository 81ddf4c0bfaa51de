"""Digit-run recovery: the pruned search finds exactly what brute force finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ogi import placement
from ogi.collapsed import Equation, Propagator, splits, sum_splits, witness


def brute(pieces, blocks):
    out = []
    for values in splits(pieces, sum(blocks)):
        i, ok = 0, True
        for size in blocks:
            ok &= sum(values[i : i + size - 1]) == values[i + size - 1]
            i += size
        if ok:
            out.append(values)
    return sorted(out)


def test_known_rows():
    assert list(sum_splits(["640020470"], [7])) == [(64, 0, 0, 2, 0, 4, 70)]
    assert list(sum_splits(["20", "0", "00", "0", "121"], [7])) == [(20, 0, 0, 0, 0, 1, 21)]  # 平潭 2020 （七）总计
    assert list(sum_splits(["21317000001324019"], [5, 5, 5])) == [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]


@st.composite
def digit_rows(draw):
    blocks = draw(st.sampled_from([[7], [5, 5, 5], [3, 4]]))
    values = []
    for size in blocks:
        parts = draw(st.lists(st.integers(0, 120), min_size=size - 1, max_size=size - 1))
        values += parts + [sum(parts)]
    text = "".join(map(str, values))
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=3))) if len(text) > 1 else []
    # only cut between numbers, as a space in the source would
    ends = set()
    pos = 0
    for v in values:
        pos += len(str(v))
        ends.add(pos)
    cuts = [c for c in cuts if c in ends]
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return pieces, blocks, tuple(values)


@settings(max_examples=150, deadline=None)
@given(digit_rows())
def test_pruned_search_equals_brute_force(case):
    pieces, blocks, values = case
    found = sorted(sum_splits(pieces, blocks))
    assert values in found
    if sum(len(p) for p in pieces) <= 16:
        assert found == brute(pieces, blocks)


# placements of short rows and the propagation that prunes them jointly


def _brute_placements(values, n, model):
    """Every placement by brute force: cell i takes value index or a filler, in order."""
    import itertools

    filler = None if model == "merged" else (placement.BLANK if model == "dropped" else placement.MISSING)
    out = []
    for combo in itertools.product([*range(len(values)), *([filler] if filler else [])], repeat=n):
        idx = [c for c in combo if not isinstance(c, placement.Mark)]
        if model == "merged":
            if sorted(idx) == idx and set(idx) == set(range(len(values))):
                out.append(combo)
        elif idx == list(range(len(values))):
            out.append(combo)
    return out


@given(st.lists(st.integers(0, 6), min_size=1, max_size=4), st.sampled_from([(3,), (2, 3), (5,), (3, 3)]), st.sampled_from(["merged", "dropped", "lost"]))
@settings(max_examples=150, deadline=None)
def test_block_pruned_placements_equal_brute_force(values, blocks, model):
    n = sum(blocks)
    cand = lambda idx: tuple(v if isinstance(v, placement.Mark) else values[v] for v in idx)  # noqa: E731
    want = sorted(map(repr, (idx for idx in _brute_placements(values, n, model) if placement.holds(cand(idx), blocks))))
    assert sorted(map(repr, placement.placements(values, n, model, blocks))) == want
    assert sorted(map(repr, placement.placements(values, n, model))) == sorted(map(repr, _brute_placements(values, n, model)))
    # one-block rows take a shortcut: the same placements in the same order, earliest positions
    # (merged: earliest starts of the values) first, as the cell by cell search lists them
    if model == "merged":
        positions = [tuple(p.index(j) for j in range(len(values))) for p in placement.placements(values, n, model, blocks)]
    else:
        positions = [tuple(i for i, c in enumerate(p) if not isinstance(c, placement.Mark)) for p in placement.placements(values, n, model, blocks)]
    assert positions == sorted(positions)


@st.composite
def linked_rows(draw):
    """Rows of candidate values and column equations Σ rows = total, as a requests table has."""
    n_rows, n_cols = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    domains = {f"r{i}": sorted(set(draw(st.lists(st.tuples(*[st.integers(0, 4)] * n_cols), min_size=1, max_size=5)))) for i in range(n_rows)}
    totals = draw(st.lists(st.integers(0, 12), min_size=n_cols, max_size=n_cols))
    equations = [Equation(t, tuple((k, j, 1.0) for k in domains)) for j, t in enumerate(totals)]
    return domains, equations


@given(linked_rows())
@settings(max_examples=200, deadline=None)
def test_propagation_keeps_every_solution_and_witness_finds_one(case):
    import itertools

    domains, equations = case
    keys = list(domains)
    holds = lambda a: all(sum(a[k][j] for k, j, _ in eq.terms) == eq.const for eq in equations)  # noqa: E731
    solutions = [dict(zip(keys, combo)) for combo in itertools.product(*domains.values()) if holds(dict(zip(keys, combo)))]
    propagate = Propagator(equations, float)
    pruned = propagate(domains)
    if not solutions:
        found, complete = witness(domains, holds, propagate, 10_000)
        assert complete and found is None
        return
    assert pruned is not None
    for s in solutions:
        assert all(s[k] in pruned[k] for k in keys)  # only impossible candidates go
    found, complete = witness(domains, holds, propagate, 10_000)
    assert complete and holds(found)
