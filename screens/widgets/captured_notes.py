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
        text = Text("Themes", style="bold")
        for theme in self.themes or ("None yet: press t.",):
            text.append(f"\n• {theme}", style="not bold")
        text.append("\nTo follow up", style="bold")
        for item in self.follow_ups or ("None yet: press f.",):
            text.append(f"\n• {item}", style="not bold")
        return text
