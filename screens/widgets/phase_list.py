"""The session's parts, one a line, with the current one marked by an arrow and in bold."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup.models import Phase


class PhaseList(Static):
    """Shows the plan; the screen sets `phases` and `current`."""

    DEFAULT_CSS = """
    PhaseList { height: auto; }
    """

    phases: reactive[tuple[Phase, ...]] = reactive((), layout=True)
    current: reactive[int] = reactive(0)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        width = max(self.size.width, 12)
        for index, phase in enumerate(self.phases):
            is_current = index == self.current
            marker = "▶" if is_current else " "
            minutes = f"{phase.minutes}′"
            title_width = max(1, width - 8)
            title = phase.title
            if len(title) > title_width:
                title = title[: title_width - 1] + "…"
            line = f"{marker}{index + 1:>2} {title:<{title_width}} {minutes:>3}"
            style = "bold reverse" if is_current else ""
            if index:
                text.append("\n")
            text.append(line, style=style)
        return text
