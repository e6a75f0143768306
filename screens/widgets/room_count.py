"""How many are in the room: by name, anonymous, newcomers, and everyone together."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class RoomCount(Static):
    """Counts only; the screen sets `named`, `anonymous`, `newcomers` and their `total` (the
    session's own `head_count`: who counts as present is the model's to say)."""

    DEFAULT_CSS = """
    RoomCount { height: auto; }
    """

    named: reactive[int] = reactive(0)
    anonymous: reactive[int] = reactive(0)
    newcomers: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)

    def render(self) -> Text:
        text = Text(f"In the room: {self.total}\n", style="bold")
        text.append(
            f"{self.named} by name · {self.anonymous} more · {self.newcomers} new", style="not bold"
        )
        return text
