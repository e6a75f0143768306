"""Themes and follow-ups noted during the session, for the facilitators' eyes."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class CapturedNotes(Static):
    """The screen sets `themes` and `follow_ups`."""

    DEFAULT_CSS = """
    CapturedNotes { height: auto; }
    """

    themes: reactive[tuple[str, ...]] = reactive((), layout=True)
    follow_ups: reactive[tuple[str, ...]] = reactive((), layout=True)

    def render(self) -> Text:
        # Compact (a line or two each) so they stay in sight near the top, whatever the part.
        text = Text("Themes: ", style="bold")
        text.append(" · ".join(self.themes) or "none yet (t)", style="not bold")
        text.append("\nTo follow up: ", style="bold")
        text.append(" · ".join(self.follow_ups) or "none yet (f)", style="not bold")
        return text
