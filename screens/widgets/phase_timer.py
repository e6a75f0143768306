"""The phase timer and the time left; a gentle cue in words (and a softer border) when over."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup.session_runner import PhaseClock


class PhaseTimer(Static):
    """Shows a `PhaseClock`; the screen sets `timing` every second and after each change."""

    DEFAULT_CSS = """
    PhaseTimer { height: auto; }
    """

    timing: reactive[PhaseClock | None] = reactive(None)

    def watch_timing(self, timing: PhaseClock | None) -> None:
        self.set_class(bool(timing and timing.is_over), "-over")

    def render(self) -> Text:
        timing = self.timing
        if timing is None:
            return Text("")
        text = Text(f"{timing.phase_words()}  ·  {timing.session_words()}")
        cue = timing.over_words()
        if cue:
            text.append(f"\n⏲ {cue}", style="italic")
        return text
