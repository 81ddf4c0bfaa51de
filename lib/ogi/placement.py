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
from collections.abc import Sequence

class Mark:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name  # pickled as the module's own BLANK or MISSING: identity survives a process boundary


BLANK = Mark("BLANK")  # an empty cell: counts as 0 in the identities
MISSING = Mark("MISSING")  # a cell the source lost: no identity that involves it can decide anything
MAX_PLACEMENTS = 20000


def placements(values: Sequence, n: int, model: str, blocks: Sequence[int] = ()) -> list[tuple]:
    """Every placement of the m printed values into n cells, in order, as tuples of indices into
    `values` (or a Mark for a cell no value fills), at most MAX_PLACEMENTS + 1 of them.

    merged: each value fills one or more consecutive cells; dropped: the other cells are BLANK;
    lost: they are MISSING. With `blocks`, placements that break a block's sum (see `holds`) are
    cut as soon as the block is filled, so long rows never list the placements that cannot hold."""
    m = len(values)
    if not 0 < m <= n:
        return []
    filler = None if model == "merged" else (BLANK if model == "dropped" else MISSING)
    if tuple(blocks) in ((), (n,)):
        value_num = [_number(v) for v in values]
        if filler is None:
            return _runs(m, n, value_num, bool(blocks))
        return _spread(m, n, filler, value_num, bool(blocks))
    ends = {}
    pos = 0
    for size in blocks:
        ends[pos + size - 1] = pos
        pos += size
    out: list[tuple] = []
    cells: list = []
    nums: list = []  # the number of each placed cell (None: undecidable), kept alongside `cells`
    value_num = [_number(v) for v in values]
    filler_num = _number(filler)

    def block_holds(end: int) -> bool:
        return _adds_up(nums[ends[end] : end + 1])

    def go(cell: int, j: int) -> bool:
        """Cells before `cell` are placed and values[:j] used; False once the cap is reached."""
        if cell == n:
            if j == m:
                out.append(tuple(cells))
            return len(out) <= MAX_PLACEMENTS
        options = []
        if j < m and m - j <= n - cell:
            options.append(j)  # the next printed value starts here
        if filler is None:
            if j > 0 and m - j <= n - cell - 1:
                options.append(j - 1)  # the value before repeats
        elif m - j < n - cell:
            options.append(filler)
        for choice in options:
            cells.append(choice)
            nums.append(filler_num if choice is filler else value_num[choice])
            ok = cell not in ends or block_holds(cell)
            if ok and not go(cell + 1, j + 1 if choice == j else j):
                cells.pop()
                nums.pop()
                return False
            cells.pop()
            nums.pop()
        return True

    go(0, 0)
    return out


def _number(v) -> float | None:
    """A cell's number for a block's sum: blank is 0, a lost cell undecidable (None)."""
    return None if v is MISSING else (0.0 if v is BLANK else v)


def _adds_up(nums: list) -> bool:
    """A block's last number is the sum of the others; a block with an undecidable cell passes."""
    return None in nums or abs(sum(nums[:-1]) - nums[-1]) <= 1e-6


def _spread(m: int, n: int, filler: Mark, value_num: list, one_block: bool) -> list[tuple]:
    """`placements` of m values kept in order among n cells with `filler` elsewhere, for a row
    that is at most one block: every choice of the values' positions, in the order the cell by
    cell search would list them (earliest positions first), filtered by the block's sum."""
    out: list[tuple] = []
    filler_num = _number(filler)
    for at in itertools.combinations(range(n), m):
        cells = [filler] * n
        for j, cell in enumerate(at):
            cells[cell] = j
        if one_block:
            nums = [filler_num] * n
            for j, cell in enumerate(at):
                nums[cell] = value_num[j]
            if not _adds_up(nums):
                continue
        out.append(tuple(cells))
        if len(out) > MAX_PLACEMENTS:
            break
    return out


def _runs(m: int, n: int, value_num: list, one_block: bool) -> list[tuple]:
    """`placements` of m merged values (each fills one or more consecutive cells) for a row that is
    at most one block: every choice of where values 2…m start, in the order the cell by cell
    search would list them (earliest starts first), filtered by the block's sum."""
    out: list[tuple] = []
    for starts in itertools.combinations(range(1, n), m - 1):
        bounds = (0, *starts, n)
        cells = tuple(j for j in range(m) for _ in range(bounds[j + 1] - bounds[j]))
        if one_block and not _adds_up([value_num[j] for j in cells]):
            continue
        out.append(cells)
        if len(out) > MAX_PLACEMENTS:
            break
    return out


def holds(candidate: tuple, blocks: Sequence[int]) -> bool:
    """Each block's last cell is the sum of the others (a row's 总计, an appeals block's 总计);
    a block with a lost cell cannot be judged and passes."""
    pos = 0
    for size in blocks:
        part = candidate[pos : pos + size]
        pos += size
        if not _adds_up([_number(v) for v in part]):
            return False
    return True
