"""Quick capture of a coping strategy someone shared; anonymous unless they agreed to a name."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Select, Static

from screens.dialogs.name_question import NameQuestion
from screens.form_screen import FormDialog
from screens.strategy_edit_screen import TITLE_PROMPT
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup.models import STRATEGY_CATEGORIES, Member
from voicesgroup.session_runner import StrategyDraft

ANONYMOUS = "anonymous"


class StrategyCaptureDialog(FormDialog[StrategyDraft | None]):
    """Title, a line about it, a category, and who shared it (only those who agreed)."""

    BINDINGS = [
        Binding("escape", "leave", "Cancel", id="cancel-strategy"),
        Binding("ctrl+s", "submit", "Keep", id="keep-strategy"),
    ]
    FORM_SUBJECT = "this idea"

    def __init__(
        self,
        title: str,
        attribution_choices: list[Member],
        names_in: Callable[[str], list[str]] = lambda text: [],
    ) -> None:
        super().__init__()
        self.title_text = title
        self.attribution_choices = attribution_choices
        # The words go to the library every group shares: a name there only if they agreed.
        self.names = NameQuestion(
            names_in,
            "The library is shared with every group: keep names out unless they agreed "
            "(Shared by).",
        )

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="strategy-dialog", can_focus=False):
            yield Static(literal(self.title_text), classes="section-title")
            yield Input(placeholder=TITLE_PROMPT, id="strategy-title")
            yield Input(placeholder="A line about how it works (optional)", id="strategy-about")
            with Horizontal(classes="picker-row"):
                yield Static("Kind", classes="row-label")
                yield LightSelect(
                    [(label, key) for key, label in STRATEGY_CATEGORIES.items()],
                    value="practical",
                    allow_blank=False,
                    id="strategy-category",
                )
            with Horizontal(classes="picker-row", id="attribution-row"):
                yield Static("Shared by", classes="row-label")
                yield LightSelect(
                    [("Nobody named (anonymous)", ANONYMOUS)]
                    + [
                        (literal(member.display_name), str(member.id))
                        for member in self.attribution_choices
                    ],
                    value=ANONYMOUS,
                    allow_blank=False,
                    id="strategy-by",
                )
            yield Static("A name is offered only for people here who agreed to it.", classes="hint")
            # Enter on a list opens it, so the hint names the key that keeps from anywhere.
            yield Static(
                "Enter in a line, or Ctrl+S, keeps it · Escape goes back",
                id="strategy-problem",
                classes="hint form-message",
            )

    def on_mount(self) -> None:
        self.query_one("#attribution-row").display = bool(self.attribution_choices)
        self.query_one("#strategy-title", Input).focus()

    def submit_form(self) -> bool:
        title = " ".join(self.query_one("#strategy-title", Input).value.split())
        if not title:
            self.query_one("#strategy-title", Input).focus()
            raise ValueError("Give it a few words first.")
        about = self.query_one("#strategy-about", Input).value.strip()
        question = self.names.asked(f"{title}\n{about}")
        if question is not None:
            raise ValueError(question)
        by = self.query_one("#strategy-by", Select).value
        draft = StrategyDraft(
            title=title,
            description=about,
            category=str(self.query_one("#strategy-category", Select).value),
            attributed_member_id=None if by == ANONYMOUS else UUID(str(by)),
        )
        draft.check()  # too long for the library: said here, with everything kept
        self.dismiss(draft)
        return False  # dismissed with the draft above
