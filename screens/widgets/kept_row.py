"""A list rebuilt keeps its highlight on the same record: by the row's key, not its place.

Every list screen rebuilds its table after a change (an add, a rename, an exchange, a delete);
a record added above the highlighted one would otherwise move the highlight onto another
record, and the next key would act on that one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


def highlighted_key(table: DataTable[str]) -> str | None:
    """The key of the highlighted row, or None when nothing is highlighted."""
    row = table.cursor_row
    if not 0 <= row < table.row_count:
        return None
    return table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value


@contextmanager
def highlight_kept(table: DataTable[str]) -> Iterator[None]:
    """Rebuild `table` inside this block: afterwards the highlight is on the row with the key
    it was on; where that row is gone, on the same place (the last row at most)."""
    key, place = highlighted_key(table), table.cursor_row
    yield
    if table.row_count == 0:
        return
    try:
        row = table.get_row_index(key) if key is not None else -1
    except RowDoesNotExist:
        row = -1
    if row < 0:
        row = min(max(place, 0), table.row_count - 1)
    table.move_cursor(row=row)
