"""Small numbers suppressed, proven for any table: no published count from 1 to threshold-1,
zero shown as zero, and no hidden cell that can be worked back out from row and column totals.

The checks here are written from what a reader of the report knows (the shown numbers, that
"fewer than N" is 1 to N-1 and "not shown" is a count the table would otherwise show, N or
more), not from how `suppress_grid` chooses what to hide.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from voicesgroup.evaluation import suppress_grid

counts = st.integers(min_value=0, max_value=40) | st.integers(min_value=0, max_value=6)
grids = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 7).flatmap(
        lambda cols: st.lists(
            st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
)
thresholds = st.integers(min_value=3, max_value=10)


def with_totals(values: list[list[int]]) -> list[list[int]]:
    table = [[*row, sum(row)] for row in values]
    table.append([sum(column) for column in zip(*table, strict=True)])
    return table


def lines(height: int, width: int) -> list[list[tuple[int, int]]]:
    """Each row and each column, the total last."""
    rows = [[(r, c) for c in range(width)] for r in range(height)]
    cols = [[(r, c) for r in range(height)] for c in range(width)]
    return rows + cols


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][col] != 0:
                factor = rows[r][col] / rows[found][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


@settings(max_examples=200, deadline=None)
@given(grids, thresholds)
def test_no_small_count_is_published_and_zero_is_zero(values, threshold) -> None:
    truth = with_totals(values)
    cells = suppress_grid(values, threshold)
    assert len(cells) == len(truth) and len(cells[0]) == len(truth[0])
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell.shown:
                assert cell.value == truth[r][c]
                assert not 0 < cell.value < threshold
            else:
                assert truth[r][c] > 0  # zero is always shown
                if truth[r][c] < threshold:
                    assert cell.text == f"fewer than {threshold}"
                else:
                    assert cell.text == "not shown"


@settings(max_examples=200, deadline=None)
@given(grids, thresholds)
def test_no_hidden_cell_can_be_worked_back_from_the_totals(values, threshold) -> None:
    truth = with_totals(values)
    cells = suppress_grid(values, threshold)
    height, width = len(truth), len(truth[0])
    hidden = [(r, c) for r in range(height) for c in range(width) if not cells[r][c].shown]
    if not hidden:
        return
    index = {place: i for i, place in enumerate(hidden)}

    # 1. By subtraction in one row or column: never exactly one hidden entry in a line.
    for line in lines(height, width):
        assert sum(1 for place in line if place in index) != 1

    # 2. By any combination of rows and columns: each line says "cells - total = 0", which
    #    with the shown numbers moved to the right is a linear equation in the hidden ones.
    #    A hidden entry is pinned exactly when its unit vector lies in the equations' span.
    equations = []
    for line in lines(height, width):
        row = [Fraction(0)] * len(hidden)
        for place in line:
            if place in index:
                row[index[place]] = Fraction(-1 if place == line[-1] else 1)
        if any(row):
            equations.append(row)
    base = rank(equations)
    for place, i in index.items():
        unit = [Fraction(1 if j == i else 0) for j in range(len(hidden))]
        assert rank([*equations, unit]) > base, f"{place} is fixed by the totals"

    # 3. By the bounds a reader knows, within its row and within its column, wherever the
    #    line still shows a number other than zero. (A line of nothing but small counts is
    #    hidden whole; there, 1 + 1 under a total "fewer than 3" can only be 1 and 1, and
    #    nothing more can be hidden without calling a zero something else.)
    def bounds(place: tuple[int, int]) -> tuple[float, float]:
        return (1, threshold - 1) if truth[place[0]][place[1]] < threshold else (threshold, 1e9)

    for line in lines(height, width):
        mine = [place for place in line if place in index]
        if not mine or all(truth[r][c] == 0 for r, c in line if (r, c) not in index):
            continue
        total = line[-1]
        sign = {place: (-1 if place == total else 1) for place in line}
        rest = -sum(sign[p] * truth[p[0]][p[1]] for p in line if p not in index)
        for place in mine:
            others = [p for p in mine if p != place]
            low = rest - sum(max(sign[p] * bounds(p)[0], sign[p] * bounds(p)[1]) for p in others)
            high = rest - sum(min(sign[p] * bounds(p)[0], sign[p] * bounds(p)[1]) for p in others)
            if sign[place] < 0:
                low, high = -high, -low
            own_low, own_high = bounds(place)
            assert max(low, own_low) < min(high, own_high), f"{place} is pinned in its line"


def test_a_worked_example() -> None:
    cells = suppress_grid([[1, 10, 0], [3, 0, 7]], 5)
    shown = [[cell.text for cell in row] for row in cells]
    assert shown[0][0] == "fewer than 5" and shown[1][0] == "fewer than 5"
    assert shown[0][2] == "0" and shown[1][1] == "0"
    # the column of 1 and 3 totals 4: hidden too, and its partners with it
    assert shown[2][0] == "fewer than 5"
    assert sum(1 for row in shown for text in row if text == "not shown") >= 2


def test_nothing_small_nothing_hidden() -> None:
    cells = suppress_grid([[5, 0], [12, 9]], 5)
    assert all(cell.shown for row in cells for cell in row)
    assert [cell.value for cell in cells[2]] == [17, 9, 26]
