"""One past session, to read: who, how many, the themes, what helped, and the debrief."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from voicesgroup import dates
from voicesgroup.models import CopingStrategy, Session, SessionStatus
from voicesgroup.shipped import debrief_prompts


class SessionRecord(Static):
    """The screen sets `session` with the names it may show (`facilitators`, `members`)."""

    DEFAULT_CSS = """
    SessionRecord { height: auto; }
    """

    session: reactive[Session | None] = reactive(None, layout=True)
    facilitators: reactive[str] = reactive("")
    members: reactive[tuple[str, ...]] = reactive(())
    strategies: reactive[tuple[CopingStrategy, ...]] = reactive(())
    plan: reactive[str] = reactive("")

    def render(self) -> Text:
        session = self.session
        if session is None:
            return Text("")
        status = "in progress" if session.status is SessionStatus.IN_PROGRESS else "ended"
        text = Text(f"Session of {dates.day(session.date)} ({status})", style="bold")
        self._line(text, "Plan", self.plan)
        self._line(text, "Facilitators", self.facilitators or "—")
        self._line(
            text,
            "In the room",
            f"{session.head_count} ({len(session.named_member_ids)} by name, "
            f"{session.anonymous_count} more, {session.newcomers} new)",
        )
        if self.members:
            self._line(text, "By name", ", ".join(self.members))
        self._section(text, "Themes", session.themes)
        self._section(text, "What helps, shared", [s.title for s in self.strategies])
        self._section(text, "To follow up", session.follow_ups)
        if session.debrief and session.debrief.answers:
            titles = {prompt.key: prompt.title for prompt in debrief_prompts()}
            text.append("\nDebrief", style="bold")
            for key, answer in session.debrief.answers.items():
                text.append(f"\n{titles.get(key, key)}: ", style="italic")
                text.append(answer, style="not bold")
        return text

    @staticmethod
    def _line(text: Text, label: str, value: str) -> None:
        text.append(f"\n{label}: ", style="not bold italic")
        text.append(value, style="not bold")

    @staticmethod
    def _section(text: Text, title: str, items: list[str]) -> None:
        text.append(f"\n{title}", style="bold")
        for item in items or ["—"]:
            text.append(f"\n• {item}", style="not bold")
