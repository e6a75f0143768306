"""Ticks that do not rest on colour alone: a ticked box shows ✓, an unticked one is empty.

Every tick box in the app is one of these two (a single box, or a list of them), so with
NO_COLOR, in monochrome and in high contrast, ticked and unticked read differently as text.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "✓"
UNTICKED = " "
ValueT = TypeVar("ValueT")


class TickBox(Checkbox):
    """A checkbox whose mark says ticked or not by itself: ✓ or empty, never colour alone."""

    @property
    def BUTTON_INNER(self) -> str:  # Checkbox reads it per render
        return TICKED if self.value else UNTICKED

    @BUTTON_INNER.setter
    def BUTTON_INNER(self, _: str) -> None:
        """Textual's class may set it; the mark follows the value anyway."""


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
