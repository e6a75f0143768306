"""The one form behaviour every form screen and dialog shares, so nothing typed is lost.

- Ctrl+S (and Enter in a one-line field, where the form allows it) submits. A check that fails
  keeps the form open with everything typed and the sentence beside its field (or above the
  buttons when it belongs to no one field).
- Escape with changes asks: keep writing, or discard. Without changes it just goes back.
- Words that are shared or printed and name a member are asked about once beside their field;
  saving the same words again keeps them (`ask_about_names`, the core's `NameQuestions`).
- Keys pressed while a form is still opening (a slow machine, a big file) reach its first field
  once it is open, rather than the screen behind it or nowhere.

A form says what submitting does in `submit_form`, which raises `ValueError` (pydantic's
`ValidationError`, `FieldProblem`) or `VoicesGroupError` when what was typed cannot be kept, and
returns True when the form is done (or dismisses itself). New forms get all of this by being
one: subclass `FormScreen` for a full screen, `FormDialog` for a dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioSet, Select, SelectionList, Static, TextArea

from screens.guarded_change import GuardsChanges
from screens.widgets.form import Field, FieldProblem
from voicesgroup.errors import VoicesGroupError, invalid_input, shown

ResultT = TypeVar("ResultT")

FORM_KEYS = " Ctrl+S saves; Escape goes back, asking first if something typed would be lost."
"""What a form's help says about its keys (the behaviour below)."""

KEPT_TYPING_ON = (
    "Kept as it was when you pressed Save; what you typed since is not kept yet: "
    "Ctrl+S keeps it too."
)
"""Said when a form's change is made while more was typed into it."""

FORM_CONTROLS = (Input, TextArea, Select, Checkbox, RadioSet, SelectionList)
"""What a person fills in; a form's changes are read from these."""


def control_value(control: Widget) -> object:
    """What a control holds now, comparable with what it held before."""
    if isinstance(control, Input):
        return control.value
    if isinstance(control, TextArea):
        return control.text
    if isinstance(control, Select):
        return control.value
    if isinstance(control, Checkbox):
        return control.value
    if isinstance(control, RadioSet):
        return control.pressed_index
    if isinstance(control, SelectionList):
        return sorted(map(str, control.selected))
    return None


class FormScreen(GuardsChanges, Screen[ResultT]):
    """A full-screen form: submit with Ctrl+S, Escape asks before dropping what was typed.

    A change that keeps the rota's rules is made with `guarded_change` (see
    screens/guarded_change.py): checked in a worker while the form says so and takes keys, and
    refused, if it is, with the rule's sentence shown in the form, everything typed kept."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="submit-form"),
        Binding("escape", "leave", "Back", id="leave-form"),
    ]
    ENTER_SUBMITS: ClassVar[bool] = True
    """Enter in a one-line field submits the form, as the Save button does."""
    FORM_FALLBACK: ClassVar[str] = ""
    """The `Field` a message that names no field is shown beside ('' for above the buttons)."""
    FORM_SUBJECT: ClassVar[str] = "what you wrote"
    """What the question on leaving calls the unsaved text."""

    _form_start: dict[str, object] | None = None
    _submitted: dict[str, object] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._opening_keys: list[events.Key] = []
        self._opened = False
        self._name_questions: Any = None  # `mentions.NameQuestions`, made when first asked

    # -- what a form says --------------------------------------------------------------------

    def submit_form(self) -> bool:
        """Keep what was typed; raise when it cannot be kept. True when the form is done."""
        raise NotImplementedError

    def ask_about_names(self, texts: dict[str, str], why: str) -> None:
        """Raise the question beside the first field (by name) whose words name a member and
        were not asked about as they stand; `why` says where the words go. The same words
        saved again are kept."""
        from voicesgroup.mentions import NameQuestions  # the name finder loads when needed

        if self._name_questions is None:
            self._name_questions = NameQuestions()
        asked = self._name_questions.question(self.store, texts, why)
        if asked is not None:
            raise FieldProblem(*asked)

    def leave_form(self) -> None:
        """Go back without keeping anything (after asking, when something was typed)."""
        self.dismiss(None)

    # -- changes -----------------------------------------------------------------------------

    def form_values(self) -> dict[str, object]:
        """Every control's value, by id (or place, for a control without one)."""
        values: dict[str, object] = {}
        # By type, not by a CSS query: matching every node against six selectors cost a long
        # form a few milliseconds each time, and it is read as the form opens.
        controls = (node for node in self.walk_children() if isinstance(node, FORM_CONTROLS))
        for place, control in enumerate(controls):
            values[control.id or f"#{place}"] = control_value(control)
        return values

    def remember_form(self) -> None:
        """Take what the form holds now as its starting point (after filling it in)."""
        self._form_start = self.form_values()

    def form_changed(self) -> bool:
        """Whether anything was typed, chosen or ticked since the form opened."""
        if self._form_start is None:
            return False
        return self.form_values() != self._form_start

    def on_mount(self) -> None:
        # Textual calls the subclass's own on_mount first, so the form is filled in here: what
        # it holds now is where it starts, before any key typed into a field can count as such.
        if self._form_start is None:
            self.remember_form()
        self.call_after_refresh(self._form_opened)

    def _form_opened(self) -> None:
        self._opened = True
        self._replay_opening_keys()

    # -- submitting and leaving ----------------------------------------------------------------

    def action_submit(self) -> None:
        """Submit the form: done, or still open with a sentence beside what needs changing."""
        if self.change_running:
            return  # the change submitted a moment ago is still being checked
        self._submitted = self.form_values()
        self.clear_problems()
        try:
            done = self.submit_form()
        except (ValueError, VoicesGroupError) as error:
            self.show_problem(error)
            return
        if done and self.is_current:
            self.dismiss_form()

    def typed_meanwhile(self) -> bool:
        """What was submitted is kept; if more was typed while it was checked, the form stays
        open with it (and Escape asks about that), rather than closing on it."""
        submitted = self._submitted
        if submitted is None or self.form_values() == submitted:
            return False
        self._form_start = submitted
        self._problem_above_buttons(KEPT_TYPING_ON)
        return True

    def dismiss_form(self) -> None:
        """Close the form once what it held is kept (a form returning a value overrides it)."""
        self.dismiss(None)

    def form_attempt(self, change: Callable[[], object], announce: tuple[str, str] | None) -> bool:
        """Run a change to the store; a refusal (a rule's, or a model's of what was typed) is
        shown in the form, which stays open with everything in it."""
        try:
            change()
        except VoicesGroupError as error:
            self.show_problem(error)
            return False
        except ValueError as error:
            if invalid_input(error) is None:
                raise  # not a refusal of what was typed: a fault, not a sentence
            self.show_problem(error)
            return False
        self.vg.changed(announce)
        return True

    def action_leave(self) -> None:
        """Escape: go back, asking first when something typed would be lost."""
        if self.change_running:
            return  # Save was pressed: the form closes, or says why not, once it is checked
        if not self.form_changed():
            self.leave_form()
            return
        from screens.dialogs.leave_form_dialog import LeaveFormDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.leave_form()

        self.app.push_screen(LeaveFormDialog(self.FORM_SUBJECT), answered)

    @on(Input.Submitted)
    def _enter_submits(self, event: Input.Submitted) -> None:
        if self.ENTER_SUBMITS:
            event.stop()
            self.action_submit()

    # -- messages ------------------------------------------------------------------------------

    def clear_problems(self) -> None:
        for field in self.query(Field):
            field.show_message("")
        for message in self.query(".form-problem"):
            message.remove()
        for message in self.query(".form-message").results(Static):
            message.update("")

    def show_problem(self, error: Exception) -> None:
        """Put the sentence beside its field, or above the buttons; the form stays as typed."""
        from pydantic import ValidationError

        from screens.widgets.form import show_validation

        fields = {field.field_name: field for field in self.query(Field)}
        fallback = self.FORM_FALLBACK if self.FORM_FALLBACK in fields else ""
        if isinstance(error, FieldProblem) and error.field_name in fields:
            fields[error.field_name].show_message(shown(error))
        elif isinstance(error, ValidationError) and fields:
            show_validation(self, error, fallback=fallback or next(iter(fields)))
        elif fallback:
            fields[fallback].show_message(shown(error))
        else:
            self._problem_above_buttons(shown(error))

    def _problem_above_buttons(self, sentence: str) -> None:
        """In the form's own message line (`.form-message`) if it has one; otherwise a line
        above its buttons, or below its last field."""
        sentence = shown(sentence)
        own = self.query(".form-message").results(Static)
        for line in own:
            line.update(Text(f"! {sentence}"))
            line.display = True
            return
        message = Static(f"! {sentence}", classes="form-problem", markup=False)
        if not self._line_above_buttons(message):
            self.notify(sentence, title="Not saved", severity="warning", timeout=8)

    # -- keys typed while the form opens ------------------------------------------------------

    def _opening(self) -> bool:
        return not self._opened

    async def _on_key(self, event: events.Key) -> None:
        """A key that reached the screen itself, because the form was still opening when it was
        typed, goes to the field that now has the focus (or waits for one)."""
        if not event.is_printable or getattr(event, "_passed_on", False):
            return
        if isinstance(self.focused, (Input, TextArea)):
            self._pass_on(event, self.focused)
        elif self._opening():
            if event.key in self.active_bindings:
                return  # one of the screen's own keys (p, c…): it acts now, as it was pressed
            self._opening_keys.append(event)
        else:
            return
        event.stop()
        event.prevent_default()

    def _pass_on(self, event: events.Key, target: Widget) -> None:
        key = events.Key(event.key, event.character)
        key._passed_on = True  # type: ignore[attr-defined]  # should it bubble back, it stays there
        target.post_message(key)

    def _replay_opening_keys(self) -> None:
        """Keys typed while the form opened: into the field that has the focus now, or, with no
        field focused, pressed again as keys (a screen's own key, such as `p`, then does what
        it says): none is dropped."""
        keys, self._opening_keys = self._opening_keys, []
        for key in keys:
            if isinstance(self.focused, (Input, TextArea)):
                self._pass_on(key, self.focused)
            else:
                self.app.post_message(events.Key(key.key, key.character))


class FormDialog(ModalScreen[ResultT], FormScreen[ResultT]):
    """A form in a dialog: the same behaviour, over the screen it was opened from.

    ModalScreen comes first: Textual reads a widget's CSS type names along the first base
    only, and a dialog's see-through background is ModalScreen's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Keep", id="submit-form"),
        Binding("escape", "leave", "Cancel", id="leave-form"),
    ]
