"""Quick capture of one line: a theme or a follow-up, with a gentle warning about names."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.dialogs.name_question import NameQuestion
from screens.form_screen import FormDialog
from screens.widgets.plain import literal
from voicesgroup.counting import counted
from voicesgroup.models import THEME_LENGTH

KEEP_OR_DROP = "Enter keeps it · Escape goes back"


class TextCaptureDialog(FormDialog[str | None]):
    """One line of text; Enter keeps it, Escape drops it (asking, once something is typed).

    When `names_in` finds a member's name the first Enter only asks (`NameQuestion`, shared
    with the strategy capture): change the words, or keep them as they are.
    """

    BINDINGS = [Binding("escape", "leave", "Cancel", id="cancel-capture")]
    FORM_SUBJECT = "what you wrote here"

    def __init__(
        self,
        title: str,
        hint: str,
        names_in: Callable[[str], list[str]],
        why_no_names: str,
        placeholder: str = "",
        value: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.names = NameQuestion(names_in, why_no_names)
        self.placeholder = placeholder
        self.value = value
        self.kept = ""

    @classmethod
    def reword(
        cls, kind: str, names_in: Callable[[str], list[str]], value: str
    ) -> TextCaptureDialog:
        """The dialog that changes the words of a theme or follow-up already written."""
        return cls(
            f"Reword the {kind}",
            "Change the words; Enter keeps them.",
            names_in,
            "Keep names out unless they agreed.",
            value=value,
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="capture-dialog"):
            yield Static(literal(self.title_text), classes="section-title")
            yield Static(literal(self.hint), classes="hint")
            # No max_length: Textual drops a paste that would pass it, silently and whole; the
            # length is checked on Enter instead, with everything kept.
            yield Input(self.value, placeholder=self.placeholder, id="capture-text")
            yield Static("", id="capture-warning", classes="capture-warning form-message")
            yield Static(KEEP_OR_DROP, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#capture-warning", Static).display = False
        self.query_one("#capture-text", Input).focus()

    def submit_form(self) -> bool:
        text = " ".join(self.query_one("#capture-text", Input).value.split())
        warning = self.query_one("#capture-warning", Static)
        if not text:
            raise ValueError("Write a few words first, or press Escape.")
        if len(text) > THEME_LENGTH:
            raise ValueError(
                f"This is {counted(len(text), 'character')}; a few words are enough here "
                f"(at most {THEME_LENGTH}): shorten it, or press Escape."
            )
        question = self.names.asked(text)
        if question is not None:
            warning.update(literal(f"! {question}"))
            warning.display = True
            return False
        self.kept = text
        return True

    def dismiss_form(self) -> None:
        self.dismiss(self.kept)
