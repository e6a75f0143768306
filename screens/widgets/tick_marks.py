"""Ticks that do not rest on colour alone: a ticked box shows ✓, an unticked one is empty."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Checkbox


def show_tick(box: Checkbox) -> None:
    """Draw ✓ in `box` when it is ticked and nothing when it is not (readable with NO_COLOR)."""
    box.BUTTON_INNER = "✓" if box.value else " "
    box.refresh()


def show_ticks(container: Widget) -> None:
    """`show_tick` for every checkbox inside `container` (call on mount)."""
    for box in container.query(Checkbox):
        show_tick(box)


class TickBox(Checkbox):
    """A checkbox whose mark says ticked or not by itself: ✓ or empty, never colour alone."""

    @property
    def BUTTON_INNER(self) -> str:  # Checkbox reads it per render
        return "✓" if self.value else " "

    @BUTTON_INNER.setter
    def BUTTON_INNER(self, _: str) -> None:
        """`show_tick` may set it; the mark follows the value anyway."""
