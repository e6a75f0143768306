"""Both versions of a text changed on two laptops, one after the other, written into one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Header, Static, TextArea

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import Field, FieldProblem, save_and_back
from screens.widgets.keys_footer import KeysFooter
from voicesgroup.exchange import conflicts


class ConflictEditScreen(FormScreen[bool]):
    """Each text with version 1 then version 2 in it, to be made one."""

    HELP_TITLE = "Writing one text from both"
    HELP = (
        "Each box holds version 1, then version 2 below it. Write them into the text to keep; "
        "saving keeps it and removes the other version, here and, at their next exchange, on "
        "the other laptops." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-conflict"),
        Binding("escape", "leave", "Back", id="back"),
    ]
    ENTER_SUBMITS = False
    FORM_SUBJECT = "the text written from both versions"

    def __init__(self, conflict: conflicts.Conflict, both: dict[str, str]) -> None:
        super().__init__()
        self.conflict = conflict
        self.both = both

    def compose(self) -> ComposeResult:
        conflict = self.conflict
        yield Header()
        with VerticalScroll(classes="form", id="conflict-edit"):
            yield Static(conflict.what, classes="section-title", markup=False)
            for field in conflict.fields:
                yield Field(
                    conflict.label(field),
                    TextArea(self.both.get(field, ""), id=f"conflict-{field}"),
                    name=field,
                )
            yield save_and_back()
        yield KeysFooter(show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_submit() if event.button.id == "save" else self.action_leave()

    def submit_form(self) -> bool:
        texts = {
            field: self.query_one(f"#conflict-{field}", TextArea).text.strip()
            for field in self.conflict.fields
        }
        if self.conflict.table == "strategies":
            from screens.strategy_edit_screen import SHARED_AND_PRINTED

            self.ask_about_names(texts, SHARED_AND_PRINTED)
        try:
            said = conflicts.resolve(self.store, self.conflict.copy_id, texts)
        except conflicts.TextNeeded as empty:
            raise FieldProblem(empty.field, str(empty)) from None
        self.vg.changed((said, "Settled"))
        self.vg.exchange_soon()  # the choice travels to the other laptops
        return True

    def dismiss_form(self) -> None:
        self.dismiss(True)
