"""Rows that print fewer values than they have cells: every way to place the printed values.

Three causes are seen, and the layout says which applies:
* merged repeats — a crawler merged consecutive identical lines, so `11 0` for three cells is
  11|0|0 or 11|11|0: each printed value stands for one or more consecutive cells;
* dropped blanks — a dump that leaves empty cells out: the printed values keep their order and
  the other cells are blank;
* lost cells — a table with explicit cell boundaries that lost some cells (a torn conversion):
  the printed values keep their order, the other cells are unknown.
Each placement is a candidate; `collapsed.solve` keeps those the report's identities allow, and
a cell is taken only when every surviving candidate agrees on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

class Mark:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BLANK = Mark("BLANK")  # an empty cell: counts as 0 in the identities
MISSING = Mark("MISSING")  # a cell the source lost: no identity that involves it can decide anything
MAX_PLACEMENTS = 20000


def repeats(values: Sequence, n: int) -> Iterator[tuple]:
    """Expand m printed values into n cells, each value repeated one or more times, in order."""
    m = len(values)
    if not 0 < m <= n:
        return
    for cuts in itertools.combinations(range(1, n), m - 1):
        bounds = (0, *cuts, n)
        yield tuple(v for v, a, b in zip(values, bounds, bounds[1:]) for _ in range(b - a))


def positions(values: Sequence, n: int, filler) -> Iterator[tuple]:
    """Place m printed values into n cells in order; the other cells get `filler`."""
    m = len(values)
    if not 0 < m <= n:
        return
    for where in itertools.combinations(range(n), m):
        out = [filler] * n
        for v, i in zip(values, where):
            out[i] = v
        yield tuple(out)


def placements(values: Sequence, n: int, model: str) -> list[tuple]:
    gen = {"merged": repeats(values, n), "dropped": positions(values, n, BLANK), "lost": positions(values, n, MISSING)}[model]
    return list(itertools.islice(gen, MAX_PLACEMENTS + 1))


def holds(candidate: tuple, blocks: Sequence[int]) -> bool:
    """Each block's last cell is the sum of the others (a row's 总计, an appeals block's 总计);
    a block with a lost cell cannot be judged and passes."""
    pos = 0
    for size in blocks:
        part = candidate[pos : pos + size]
        pos += size
        if any(v is MISSING for v in part):
            continue
        nums = [0.0 if v is BLANK else v for v in part]
        if abs(sum(nums[:-1]) - nums[-1]) > 1e-6:
            return False
    return True
