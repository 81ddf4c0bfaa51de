"""Digit-run recovery: the pruned search finds exactly what brute force finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ogi.collapsed import splits, sum_splits


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
