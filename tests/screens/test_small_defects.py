"""Smaller defects a facilitator trips on, each checked where they would notice it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static, TextArea

from screens.app import VoicesGroupApp
from screens.widgets.form import Field
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.form_walks import PREPARE, WALKS, open_walked, submitted
from tests.helpers.forms import problems_shown
from tests.helpers.screen import settled, text_of
from voicesgroup import evaluation

MakeApp = Callable[..., VoicesGroupApp]


@pytest.mark.parametrize("typed", ["3", "5", "6", "9", "50"])
async def test_settings_say_what_a_report_prints_for_the_threshold(
    make_app: MakeApp, typed: str
) -> None:
    """Settings showed 5 as 'counts below this are fewer than' while reports said 'fewer than
    8': what is shown beside the setting is now the report's own sentence, for what is typed."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settled(pilot)
        app.screen.query_one("#report_smallest_count").value = typed  # type: ignore[attr-defined]  # an Input
        await settled(pilot)
        beside = text_of(app, "#threshold-words")
        await pilot.press("ctrl+s")
        await settled(pilot)
        today = app.today()
        report = evaluation.report(app.store, evaluation.Period(today - dt.timedelta(90), today))
    assert report.threshold == int(typed)
    hidden = beside.split("is ", 1)[1].rstrip(".")
    assert hidden and hidden in " ".join(report.protection.split())
    assert f"“fewer than {2 * int(typed) - int(typed) // 2}”" in beside


async def test_settings_say_nothing_of_a_threshold_the_rule_refuses(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settled(pilot)
        for typed in ("2", "", "x", "51", "0" * 30, "9" * 24_000, "1e3", " 5 5"):
            app.screen.query_one("#report_smallest_count").value = typed  # type: ignore[attr-defined]  # an Input
            await settled(pilot)
            assert text_of(app, "#threshold-words") == ""


CONTROL = "\x1b[2J"
"""A terminal's escape (clear the screen), pasted into a field."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WALKS))
async def test_a_control_character_is_refused_beside_the_field_that_holds_it(
    tmp_path: Path, name: str
) -> None:
    """The refusal of a control character was shown beside the form's first field (the title)
    whatever field held it (the description). Each text field of every form is given one in
    turn: the sentence stands beside that field, or (a form without fields beside which to
    say it) at least names nothing else."""
    demo = make_demo(tmp_path / "demo.json")
    app: VoicesGroupApp = app_on(PREPARE.get(name, Path)(demo), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_walked(app, pilot, name)
        fields = {
            field.field_name: field
            for field in form.query(Field)
            if isinstance(field._control, Input | TextArea)
            and getattr(field._control, "type", "text") == "text"
        }
        for field in fields.values():  # a few words wherever a form needs some
            control = field._control
            if isinstance(control, Input) and not control.value.strip():
                if not any(form in control.placeholder for form in ("YYYY", "HH")):
                    control.value = "Ok"
            elif isinstance(control, TextArea) and not control.text.strip():
                control.text = "Ok"
        for field_name, field in fields.items():
            control = field._control
            before = control.value if isinstance(control, Input) else control.text
            control.focus()  # as a person types (or pastes) into it
            await pilot.pause()
            if isinstance(control, Input):
                control.value = f"Ok {CONTROL}"
            else:
                control.text = f"Ok {CONTROL}"
            await pilot.pause()
            await submitted(app, pilot, WALKS[name][2])
            if app.screen is not form:
                pytest.fail(f"{name} kept a control character in {field_name}")
            beside = {
                other: [line for line in problem_lines_of(other_field) if line]
                for other, other_field in fields.items()
                for _ in [0]
            }
            about_it = [
                other
                for other, lines in beside.items()
                if any("control characters" in line or "\\x1b" in line for line in lines)
            ]
            assert about_it in ([field_name], []), f"{name}: {field_name} told beside {about_it}"
            if not any(beside.values()):  # said above the buttons, or in the form's own line
                assert "control characters" in problems_shown(app), (name, field_name)
            elif not beside[field_name]:  # another field stopped it first (a day left empty)
                assert not about_it and field_name in ("to",), (name, field_name, beside)
            if isinstance(control, Input):
                control.value = before
            else:
                control.text = before
            await pilot.pause()


def problem_lines_of(field: Field) -> list[str]:
    return [
        str(line.render())
        for line in field.query(".field-message").results(Static)
        if line.display and str(line.render()).startswith("!")
    ]


@given(
    st.lists(
        st.sampled_from(["Zoë walked", "walked", "Zoë  walked", "Sam and Zoë", ""]), max_size=8
    )
)
def test_a_name_is_asked_about_once_for_the_same_words_and_again_for_new_ones(
    texts: list[str],
) -> None:
    """The warn-then-keep step the theme dialog and the strategy capture share."""
    from screens.dialogs.name_question import NameQuestion

    question = NameQuestion(lambda text: ["Zoë"] if "Zoë" in text else [], "Keep names out.")
    last_asked: str | None = None
    for text in texts:
        asked = question.asked(text)
        if "Zoë" not in text or text == last_asked:
            assert asked is None, text
        else:
            assert asked == (
                "This mentions Zoë. Keep names out. Change the words, or press Enter again to "
                "keep them."
            )
            last_asked = text


def test_both_quick_captures_ask_through_the_one_shared_step() -> None:
    root = Path(__file__).resolve().parents[2] / "screens" / "dialogs"
    for dialog in ("text_capture_dialog.py", "strategy_capture_dialog.py"):
        source = (root / dialog).read_text(encoding="utf-8")
        assert "NameQuestion(" in source, dialog
        assert "press Enter again" not in source and "_warned_for" not in source, dialog
