"""Ticks that do not rest on colour alone: a ticked box shows ✓, an unticked one is empty.

Every tick box in the app is one of these two (a single box, or a list of them), so with
NO_COLOR, in monochrome and in high contrast, ticked and unticked read differently as text. A
single box that cannot be ticked here shows a dash, and its screen says why beside it
(`TickBox.not_here`): greyed out alone is colour alone.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "✓"
UNTICKED = " "
NOT_AVAILABLE = "–"
"""The mark of a box that cannot be ticked here."""
ValueT = TypeVar("ValueT")


class TickBox(Checkbox):
    """A checkbox whose mark says ticked or not by itself: ✓ or empty, never colour alone."""

    def _mark(self) -> str:
        """What is inside the box; Checkbox reads it (as BUTTON_INNER) at every render."""
        if self.disabled:
            return NOT_AVAILABLE
        return TICKED if self.value else UNTICKED

    def _mark_kept(self, _: str) -> None:
        """Textual's class may set BUTTON_INNER; the mark follows the value anyway."""

    BUTTON_INNER = property(_mark, _mark_kept)  # Textual reads it as a str

    def not_here(self, why: str | None) -> None:
        """Make the box unavailable, with `why` in words after its label ("not offered"),
        or available again with `None`."""
        if not hasattr(self, "_plain_label"):
            self._plain_label = str(self.label)
        self.disabled = why is not None
        if why is not None and self.value:
            self.value = False
        self.label = self._plain_label if why is None else f"{self._plain_label} ({why})"
        self.refresh()


class TickList(SelectionList[ValueT], Generic[ValueT]):
    """A list of choices to tick (Space), each marked ✓ or empty rather than by colour."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:  # a line below the last choice
            return strip
        if len(segments) < 3:
            return strip
        mark = TICKED if selection.value in self._selected else UNTICKED
        inner = segments[1]
        segments[1] = Segment(mark, inner.style, inner.control)
        return Strip(segments, strip.cell_length)
