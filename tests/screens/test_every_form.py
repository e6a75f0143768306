"""Every form and dialog keeps what was typed: a walk through each one, as a tired facilitator
would go. Type into each field, submit something that cannot be kept (the form stays open,
every word still there, a sentence saying why), press Escape (a question, not a loss), keep
writing (still all there).

The list names every form the app has: `test_every_form_is_walked` fails when a new form is
added without a walk here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from screens.app import VoicesGroupApp
from screens.dialogs.leave_form_dialog import LeaveFormDialog
from screens.form_screen import FormScreen
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.form_walks import (
    PREPARE,
    WALKS,
    every_form_class,
    open_walked,
    submitted,
)
from tests.helpers.forms import in_pydantics_words, problem_lines, problems_shown


def test_every_form_is_walked() -> None:
    assert every_form_class() == set(WALKS)


async def _type_into_every_field(pilot: Pilot[None], form: FormScreen[object]) -> None:
    """A few letters at the end of each field a person can type into."""
    for field in [*form.query(Input), *form.query(TextArea)]:
        if field.disabled or not field.display or getattr(field, "read_only", False):
            continue
        field.focus()
        await pilot.pause()
        if isinstance(field, Input):
            field.cursor_position = len(field.value)
        else:
            field.move_cursor(field.document.end)
        await pilot.press(*"ok")


async def _make_it_unkeepable(
    pilot: Pilot[None], form: FormScreen[object], name: str, fields: dict[str, str]
) -> None:
    for field_id, text in fields.items():
        field = form.query_one(f"#{field_id}")
        if isinstance(field, Input):
            field.value = ""
        else:
            assert isinstance(field, TextArea)
            field.text = ""
        field.focus()
        await pilot.pause()
        await pilot.press(*["space" if char == " " else char for char in text])
        if isinstance(field, Input) and field.value != text:
            field.value = text  # a field that refuses the keys can still be pasted into
    if name == "ConsentDialog":
        form.query_one("#method", Select).value = "written"
    if name in ("StartSessionDialog", "DebriefScreen"):
        first, second = form.query(Select)[:2]
        second.value = first.value


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WALKS))
async def test_a_form_keeps_what_was_typed(tmp_path: Path, name: str) -> None:
    _, unkeepable, submit = WALKS[name]
    demo = make_demo(tmp_path / "demo.json")
    app: VoicesGroupApp = app_on(PREPARE.get(name, Path)(demo), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_walked(app, pilot, name)
        await _type_into_every_field(pilot, form)
        await _make_it_unkeepable(pilot, form, name, unkeepable)
        await pilot.pause()
        typed = form.form_values()
        assert form.form_changed(), "what was typed does not count as a change"

        await submitted(app, pilot, submit)
        assert app.screen is form, "the form closed on something that cannot be kept"
        assert form.form_values() == typed, "the form lost what was typed"
        assert problems_shown(app), "the form did not say why"
        for line in problem_lines(app):
            assert not line[2:3].islower(), f"{line!r} starts with a small letter"
            assert not in_pydantics_words(line), line

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveFormDialog), "Escape dropped what was typed"
        await pilot.press("enter")  # Keep writing
        await pilot.pause()
        assert app.screen is form
        assert form.form_values() == typed


async def test_escape_on_an_untouched_form_just_goes_back(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home


LONG_PASTE = "a paste far longer than any field holds " * 600
"""24,000 characters: past every limit a model sets on one line (MAX_TEXT_LENGTH is 20,000)."""
LONG_NUMBER = "9" * 24_000
"""What a field for a number takes (it refuses letters as they are typed)."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WALKS))
async def test_a_paste_far_over_a_limit_is_kept_and_said_on_saving(
    tmp_path: Path, name: str
) -> None:
    """Into each field in turn: every character pasted stays in the field, saving says why it
    cannot be kept (one line, a capital first, in our words, never pydantic's), and the form
    stays open."""
    submit = WALKS[name][2]
    demo = make_demo(tmp_path / "demo.json")
    app: VoicesGroupApp = app_on(PREPARE.get(name, Path)(demo), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_walked(app, pilot, name)
        fields = [
            field
            for field in [*form.query(Input), *form.query(TextArea)]
            if not field.disabled and field.display and not getattr(field, "read_only", False)
        ]
        for field in fields:
            before = field.value if isinstance(field, Input) else field.text
            field.focus()
            _set_text(field, "")
            await pilot.pause()
            number = isinstance(field, Input) and field.type in ("integer", "number")
            paste = LONG_NUMBER if number else LONG_PASTE
            if isinstance(field, Input):
                field.post_message(events.Paste(paste))
            else:  # a paste into a text area is Textual's own; what it holds is ours to check
                field.text = paste
            await pilot.pause()
            now = field.value if isinstance(field, Input) else field.text
            assert now == paste, f"#{field.id} dropped the paste"
            typed = form.form_values()
            await submitted(app, pilot, submit)
            assert app.screen is form, f"#{field.id}: the form kept a 24,000-character paste"
            assert form.form_values() == typed, f"#{field.id}: the form lost the paste"
            said = problem_lines(app)
            assert said, f"#{field.id}: saving said nothing"
            for line in said:
                assert not line[2:3].islower(), f"#{field.id}: {line!r} starts small"
                assert not in_pydantics_words(line), f"#{field.id}: {line!r}"
            _set_text(field, before)
            await pilot.pause()


def _set_text(field: Input | TextArea, text: str) -> None:
    if isinstance(field, Input):
        field.value = text
    else:
        field.text = text
