"""One form behaviour everywhere: a failed check keeps the form and what was typed, Escape with
changes asks, and keys typed while a form opens reach it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from uuid import uuid4

import pytest
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input

from screens.app import VoicesGroupApp
from screens.dialogs.leave_form_dialog import LeaveFormDialog
from screens.form_screen import FormDialog, FormScreen
from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.forms import problem_lines
from tests.helpers.screen import screen_text
from voicesgroup.models import SupervisionMeeting


async def _open(app: VoicesGroupApp, pilot, keys: list[str]) -> None:  # type: ignore[no-untyped-def]  # a Pilot of any app
    await pilot.pause()
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


async def test_escape_on_a_written_debrief_asks_and_keeps_writing(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot, [*IN_SESSION, "e", "enter"])
        debrief = app.screen
        assert isinstance(debrief, FormScreen)
        await pilot.press(*"It went well")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveFormDialog)
        # One sentence that reads right for any subject, "these answers" as well as "the debrief".
        assert "You have changed the debrief; the change is not kept yet." in screen_text(app)
        await pilot.press("enter")  # Keep writing has the focus
        await pilot.pause()
        assert app.screen is debrief
        assert app.focused is not None and app.focused.id == "answer-connection"
        assert debrief.query_one("#answer-connection").text == "It went well"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.screen is not debrief
        session = next(s for s in app.store.sessions() if s.debrief)
        assert session.debrief.answers["connection"] == "It went well"


async def test_keys_typed_while_a_form_opens_reach_it(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Tuesday")  # no pause: the form is still opening
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#name").value == "Tuesday"


async def test_keys_typed_while_a_slow_form_opens_reach_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from screens.group_edit_screen import GroupEditScreen

    compose = GroupEditScreen.compose

    def slow(self: GroupEditScreen) -> ComposeResult:
        time.sleep(0.5)
        yield from compose(self)

    monkeypatch.setattr(GroupEditScreen, "compose", slow)
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # The form is on the stack but not yet built when the keys arrive, as on a busy laptop.
        app.push_screen(GroupEditScreen(None))
        for key in "Tuesday":
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#name").value == "Tuesday"


async def test_a_screens_own_key_typed_while_it_opens_is_not_lost(tmp_path: Path) -> None:
    """A key pressed while a form screen opens, with no field to take it, does what it says
    once the screen is open (here a member's screen and `p`, their own record)."""
    from screens.form_screen import FormScreen

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, FormScreen)
        screen._opening_keys.append(events.Key("p", "p"))  # as if typed before it settled
        screen._replay_opening_keys()
        for _ in range(20):
            await pilot.pause()
            if type(app.screen).__name__ == "PrintDialog":
                break
        assert type(app.screen).__name__ == "PrintDialog"


class _HeldByDialog(FormDialog[None]):
    """A form whose change is a model's own check of what was typed (no rule of ours)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(id="held-by")
            with Horizontal(classes="buttons"):
                yield Button("Keep", id="keep")

    def submit_form(self) -> bool:
        held_by = self.query_one("#held-by", Input).value
        return self.form_attempt(
            lambda: SupervisionMeeting(
                on=dt.date(2026, 1, 5), facilitator_ids=[uuid4()], held_by=held_by
            ),
            None,
        )


async def test_a_models_refusal_in_a_form_is_one_sentence_and_keeps_the_form(
    tmp_path: Path,
) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = _HeldByDialog()
        app.push_screen(form)
        await pilot.pause()
        field = form.query_one("#held-by", Input)
        field.focus()
        field.post_message(events.Paste("Jo " * 40))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert field.value == "Jo " * 40
        said = problem_lines(app)
        assert said == [
            "! The held by cannot be kept. A name can be at most 60 characters. "
            "Nothing was changed."
        ]


async def test_a_venue_naming_a_member_is_asked_about_once_then_kept(tmp_path: Path) -> None:
    """The venue prints on every handout and travels to every laptop: a member's name in it
    is asked about, beside the field, with the words kept; saving again keeps them."""

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        member = app.store.members()[0].display_name
        await pilot.press("enter")  # the chosen group's form
        await pilot.pause()
        form = app.screen
        venue = f"Upstairs, {member}'s kitchen"
        form.query_one("#venue", Input).value = venue
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form, "saved without a question"
        assert f"This mentions {member}" in " ".join(screen_text(app).split())
        assert form.query_one("#venue", Input).value == venue
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is not form
        assert venue in [group.venue for group in app.store.groups()]
