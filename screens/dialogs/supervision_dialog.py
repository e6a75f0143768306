"""Keep one supervision meeting: date, who came, who held it, general topics (never a member)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList, Static, TextArea

from screens.form_screen import FormDialog
from screens.widgets.plain import literal
from screens.widgets.tick_marks import TickList
from voicesgroup import dates
from voicesgroup import facilitator_path as fp
from voicesgroup.exchange.view import is_coordinator

NAMES_CHECKED_ELSEWHERE = (
    "Members' names are kept out: this laptop holds none, so each group's laptop checks "
    'these words and writes "another member" for a name.'
)


class SupervisionDialog(FormDialog[bool]):
    """Ctrl+S keeps the meeting; Escape goes back (asking, once something is typed). A
    member's name in the topics is shown as a warning while typing, and the meeting is not
    kept until it is gone."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Keep", id="keep-supervision"),
        Binding("escape", "leave", "Cancel", id="cancel-supervision"),
    ]
    ENTER_SUBMITS = False
    FORM_FALLBACK = ""
    FORM_SUBJECT = "this meeting"

    def compose(self) -> ComposeResult:
        people = self.store.facilitators(include_inactive=False)
        with Vertical(classes="dialog", id="supervision-dialog"):
            yield Static("A supervision meeting", classes="section-title")
            with Horizontal(classes="row"):
                yield Label("Date ")
                yield Input(dates.iso(self.vg.today()), id="supervision-on", compact=True)
                yield Label(" held by ")
                # No max_length (a longer paste would be dropped whole): the model's limit
                # for a name is said on keeping, with everything kept.
                yield Input("", id="supervision-held-by", compact=True)
            yield Label("Who came (Space ticks)")
            yield TickList[str](
                *[(literal(person.display_name), str(person.id)) for person in people],
                id="supervision-who",
                compact=True,
            )
            yield Label("General topics, one a line: never a member", id="supervision-topics-label")
            if is_coordinator(self.store):
                # This laptop holds no members, so it cannot check names: say who does.
                yield Static(NAMES_CHECKED_ELSEWHERE, classes="hint", id="supervision-names-hint")
            yield TextArea("", id="supervision-topics", soft_wrap=True)
            yield Static("", id="supervision-warning", classes="capture-warning", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Keep", id="keep", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#supervision-who", SelectionList).styles.height = 4
        self.query_one("#supervision-topics", TextArea).styles.height = 5
        self.query_one("#supervision-warning", Static).display = False
        self.query_one("#supervision-held-by", Input).focus()

    def _topics(self) -> list[str]:
        return self.query_one("#supervision-topics", TextArea).text.splitlines()

    @on(TextArea.Changed)
    def _check_names(self) -> None:
        warning = self.query_one("#supervision-warning", Static)
        name = fp.named_member(self.store, self._topics())
        warning.update(
            f"! “{name}” is a member's name. Supervision keeps general topics only." if name else ""
        )
        warning.display = bool(name)

    def submit_form(self) -> bool:
        store = self.store
        chosen = set(self.query_one("#supervision-who", SelectionList).selected)
        people = [person for person in store.facilitators() if str(person.id) in chosen]
        held_by = self.query_one("#supervision-held-by", Input).value
        on_text = self.query_one("#supervision-on", Input).value

        def keep() -> None:
            fp.add_supervision(
                store, fp.parse_day(on_text, "meeting date"), people, held_by, self._topics()
            )

        return self.form_attempt(keep, ("Supervision meeting kept.", ""))

    def dismiss_form(self) -> None:
        self.dismiss(True)

    def leave_form(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#keep")
    def _keep(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_leave()
