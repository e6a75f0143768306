"""The round: everyone present in order, whose turn it is, and who spoke, passed or not yet."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup.models import RoundMark
from voicesgroup.session_runner import ROUND_MARK_WORDS, PresentPerson

MARK_SIGNS = {RoundMark.SPOKE: "✓", RoundMark.PASSED: "–", RoundMark.NOT_YET: "·"}


class RoundTracker(Static):
    """The screen sets `people`, `marks` and `position`; shows marks in words, not colour."""

    DEFAULT_CSS = """
    RoundTracker { height: auto; }
    """

    people: reactive[tuple[PresentPerson, ...]] = reactive((), layout=True)
    marks: reactive[dict[str, RoundMark]] = reactive(dict)
    position: reactive[int] = reactive(0)

    def render(self) -> Text:
        if not self.people:
            return Text("Nobody is marked here yet: add people on the left first.")
        text = Text()
        for index, person in enumerate(self.people):
            mark = self.marks.get(person.key, RoundMark.NOT_YET)
            turn = index == self.position
            if index:
                text.append("\n")
            text.append(
                f"{'▶' if turn else ' '} {MARK_SIGNS[mark]} {person.label}",
                style="bold" if turn else "",
            )
            words = ROUND_MARK_WORDS[mark]
            if person.is_newcomer and mark is RoundMark.NOT_YET:
                words += " (welcome to pass)"
            text.append(f" — {words}", style="dim" if mark is RoundMark.NOT_YET else "")
        return text
