"""A labelled form row with its validation message in place, and helpers to fill it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Label, Select, Static

from voicesgroup.errors import in_our_words, shown


class Field(Vertical):
    """A label, one input widget, and room for a message about what was typed.

    The message line is made the first time there is something to say: every widget on a
    form costs time before it can be painted, and most fields never need one.
    """

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 1 0; }
    Field > Label { color: $text-muted; }
    Field > Input.-textual-compact { background: $panel; }
    Field > Input.-textual-compact:focus { background: $panel-lighten-1; }
    Field > Select.-textual-compact > SelectCurrent { background: $panel; }
    Field > .field-message { color: $error; height: auto; }
    Field > .field-message.-empty { display: none; }
    """

    def __init__(self, label: str, control: Widget, *, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self._label = label
        self._control = control
        self.field_name = name
        if hasattr(control, "compact"):
            # One line per answer keeps a whole form on an 80×24 screen.
            control.compact = True

    @property
    def label_text(self) -> str:
        """The words above the field, as a sentence about it names it."""
        return self._label

    def compose(self) -> ComposeResult:
        yield Label(self._label)
        yield self._control

    def show_message(self, message: str) -> None:
        """Show a problem with this field (in words, after a '!' so it is not colour alone)."""
        text = f"! {shown(message)}" if message else ""
        widget = next(iter(self.query_children(".field-message").results(Static)), None)
        if widget is None:
            if message:
                self.mount(Static(text, classes="field-message", markup=False))
            return
        widget.update(text)
        widget.set_class(not message, "-empty")


class FieldProblem(ValueError):
    """What was typed into one field cannot be used."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def show_validation(form: Widget, error: ValueError, fallback: str) -> None:
    """Put each validation message beside its field; anything unmatched goes to `fallback`."""
    fields = {field.field_name: field for field in form.query(Field)}
    for field in fields.values():
        field.show_message("")
    if isinstance(error, ValidationError):
        for problem in error.errors():
            location = [str(part) for part in problem["loc"]]
            target = next((fields[part] for part in reversed(location) if part in fields), None)
            label = target.label_text if target is not None else ""
            (target or fields[fallback]).show_message(in_our_words(problem, label))
        return
    where = error.field_name if isinstance(error, FieldProblem) else ""
    (fields.get(where) or fields[fallback]).show_message(shown(error))


def clear_messages(form: Widget) -> None:
    for field in form.query(Field):
        field.show_message("")


def save_and_back() -> Horizontal:
    """The Save and Back buttons a form ends with (ids `save` and `cancel`)."""
    return Horizontal(
        Button("Save", id="save", variant="primary", compact=True),
        Button("Back", id="cancel", compact=True),
        classes="buttons",
    )


def chosen(select: Select[Any]) -> str:
    """The value chosen in a Select that cannot be left blank (`allow_blank=False`) and
    whose values are strings."""
    value = select.value
    if not isinstance(value, str):
        raise TypeError(f"nothing is chosen in #{select.id}")  # it cannot be left blank
    return value
