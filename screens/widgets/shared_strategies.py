"""What helps, as shared today: titles only in the room view, a name only with consent."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup.models import CopingStrategy


class SharedStrategies(Static):
    """The screen sets `strategies`, `names` (for attribution), `room_safe` and `heading`."""

    DEFAULT_CSS = """
    SharedStrategies { height: auto; }
    """

    strategies: reactive[tuple[CopingStrategy, ...]] = reactive((), layout=True)
    names: reactive[dict[str, str]] = reactive(dict)
    room_safe: reactive[bool] = reactive(False)
    heading: reactive[str] = reactive("What helps, shared today")
    names_in: Callable[[str], list[str]] | None = None
    """The session's member-name finder: in the room view a title that names a member is not
    shown, whoever typed it (every name is hidden there)."""

    def render(self) -> Text:
        if not self.strategies:  # one line, so the round below stays in sight
            return Text.assemble((self.heading, "bold"), ": none yet (w)")
        text = Text(self.heading, style="bold")
        for strategy in self.strategies:
            line = f"\n• {strategy.title}"
            if self.room_safe and self.names_in is not None and self.names_in(strategy.title):
                line = "\n• an idea whose words name someone (kept for the facilitators)"
            member = strategy.attributed_member_id
            if member is not None and not self.room_safe:
                line += f" (shared by {self.names.get(str(member), 'a member')})"
            text.append(line, style="not bold")
        return text
