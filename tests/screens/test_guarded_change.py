"""A rota change is checked in a worker (screens/guarded_change.py): the form says it is
checking, answers every key meanwhile and loses none, a second Ctrl+S waits for the first, the
store is only ever touched on the UI thread, and what was typed while it was checked stays in
the form to be kept in its turn."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from screens.app import VoicesGroupApp
from screens.form_screen import FormScreen
from screens.guarded_change import CHECKING
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.forms import problems_shown
from tests.helpers.screen import open_rota, settled
from tests.helpers.threads import Watched
from voicesgroup.rota import guard


async def until(pilot: Pilot[None], ready: Callable[[], bool]) -> None:
    """Let the app run until `ready` (a bounded number of turns, not a clock)."""
    for _ in range(400):
        if ready():
            return
        await pilot.pause(0.01)
    raise AssertionError("it never happened")


async def test_a_change_is_checked_in_a_worker_while_the_form_takes_every_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    watched: Watched,  # the fixture imported above
) -> None:
    gate, threads = threading.Event(), []
    real_trial = guard.trial

    def held_trial(*args: object, **kwargs: object) -> guard.Trial:
        threads.append(threading.current_thread().name)
        gate.wait()
        return real_trial(*args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(guard, "trial", held_trial)
    app: VoicesGroupApp = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            watched.live = app.store
            await pilot.pause()
            await pilot.press("enter")  # the chosen group's form
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormScreen)
            group_id = form.group.id  # type: ignore[attr-defined]  # GroupEditScreen
            name = form.query_one("#name", Input)
            form.query_one("#venue", Input).value = "The library, room 2"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: bool(threads))

            # Being checked, in another thread: the form says so and stays open.
            assert threads[0] != threading.main_thread().name
            assert app.screen is form
            shown = [str(line.render()) for line in form.query(".form-working").results(Static)]
            assert shown == [CHECKING]
            # Keys typed meanwhile land in the field; a second Ctrl+S waits for the first.
            name.focus()
            await pilot.pause()
            name.cursor_position = len(name.value)
            await pilot.press(*" and friends")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert name.value.endswith(" and friends")
            assert len(threads) == 1
            await pilot.press("escape")  # Save was pressed: nothing is dropped meanwhile
            await pilot.pause()
            assert app.screen is form

            gate.set()
            await app.workers.wait_for_complete()
            await until(pilot, lambda: not form.change_running)
            await pilot.pause()
            # The change as submitted is kept; what was typed since stays in the form.
            stored = app.store.group(group_id)
            assert stored.venue == "The library, room 2"
            assert not stored.name.endswith(" and friends")
            assert app.screen is form and name.value.endswith(" and friends")
            assert "what you typed since is not kept yet" in problems_shown(app)
            assert form.form_changed()  # so Escape would ask

            await pilot.press("ctrl+s")  # keeps the rest, and closes
            await until(pilot, lambda: len(threads) == 2 and app.screen is not form)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.store.group(group_id).name.endswith(" and friends")
    finally:
        gate.set()
    assert watched.off_the_ui_thread() == []
    assert "Store.apply_changes" in watched.on_the_ui_thread()


async def test_a_refusal_stays_in_the_dialog_beside_its_buttons(make_app) -> None:
    """Can't make it, leaving a trainee alone: the rule's sentence in the cover dialog, which
    stays open for another choice; nothing is changed and nothing is only a notification."""
    app: VoicesGroupApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_rota(pilot)
        today = app.today()
        row = next(  # a published session to come: Sol in training beside an experienced lead
            i
            for i, line in enumerate(screen.lines)
            if line.co == "Sol" and line.lead and line.date >= today
        )
        screen.query_one("#rota-table").move_cursor(row=row)  # type: ignore[attr-defined]  # a DataTable
        await settled(pilot)
        before = list(app.store.rota())
        await pilot.press("c")
        await settled(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "CoverDialog"
        await pilot.press("ctrl+o")  # leave the lead's place open: Sol would be alone
        await settled(pilot)
        assert app.screen is dialog
        said = problems_shown(app)
        assert "An experienced partner is needed beside Sol, who is in training" in said
        assert "choose cover for that session instead of leaving the place open" in said
        assert not [n for n in app._notifications if "Sol" in str(n.message)]
        assert list(app.store.rota()) == before


@pytest.fixture
def held_checks(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[str]]:
    """Every rule check waits for the gate: the moment a change is being checked, held."""
    gate, started = threading.Event(), []
    real_trial = guard.trial

    def held_trial(*args: object, **kwargs: object) -> guard.Trial:
        started.append(threading.current_thread().name)
        gate.wait()
        return real_trial(*args, **kwargs)  # type: ignore[arg-type]  # passed on as given

    monkeypatch.setattr(guard, "trial", held_trial)
    yield gate, started
    gate.set()


async def _a_session_to_come(app: VoicesGroupApp, pilot: Pilot[None], key: str) -> object:
    """The rota, its first published session to come with two people on it chosen, and the
    dialog `key` opens on it (c: can't make it, x: swap sessions)."""
    screen = await open_rota(pilot)
    today = app.today()
    row = next(
        i
        for i, line in enumerate(screen.lines)
        if line.lead and line.co and line.co != "Sol" and line.date >= today
    )
    screen.query_one("#rota-table").move_cursor(row=row)  # type: ignore[attr-defined]  # a DataTable
    await settled(pilot)
    await pilot.press(key)
    await settled(pilot)
    return app.screen


def _a_swap_the_rules_allow(app: VoicesGroupApp, dialog: Any) -> str:
    """The first "swaps with" choice that the rules let through, tried on a copy."""
    from uuid import UUID

    from voicesgroup.errors import VoicesGroupError
    from voicesgroup.rota import service
    from voicesgroup.store.snapshot import Snapshot

    mine = UUID(dialog.query_one("#swap-mine").value)
    for _, value in dialog.query_one("#swap-theirs")._options:
        if not isinstance(value, str):
            continue
        other_id, other_person = (UUID(part) for part in value.split("/"))
        scratch = Snapshot.of(app.store).scratch()
        try:
            service.swap_people(
                scratch.store, dialog.line.id, mine, other_id, other_person, today=app.today()
            )
        except VoicesGroupError:
            continue
        return value
    raise AssertionError("the demo has no swap the rules allow")


async def _start_the_change(app: VoicesGroupApp, pilot: Pilot[None], dialog: object) -> None:
    if type(dialog).__name__ == "SwapDialog":
        theirs = dialog.query_one("#swap-theirs")  # type: ignore[attr-defined]  # the dialog
        theirs.value = _a_swap_the_rules_allow(app, dialog)
        await pilot.pause()
        await pilot.press("ctrl+s")
    else:
        await pilot.press("enter")  # cover with the best suggestion


@pytest.mark.parametrize("key", ["c", "x"], ids=["cover", "swap"])
async def test_cancel_while_a_change_is_checked_changes_nothing(
    make_app, held_checks: tuple[threading.Event, list[str]], key: str
) -> None:
    gate, started = held_checks
    app: VoicesGroupApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            dialog = await _a_session_to_come(app, pilot, key)
            rota = app.screen_stack[-2]
            before = [slot.model_dump() for slot in app.store.rota()]
            await _start_the_change(app, pilot, dialog)
            await until(pilot, lambda: bool(started))
            assert dialog.change_running  # type: ignore[attr-defined]  # a GuardsChanges
            await pilot.press("escape")  # Cancel, while the rules are being checked
            await pilot.pause()
            assert app.screen is rota
            gate.set()
            await app.workers.wait_for_complete()
            await settled(pilot)
            assert [slot.model_dump() for slot in app.store.rota()] == before
            assert app.screen is rota
            assert not app.store.unsaved
        finally:
            gate.set()  # never leave a check waiting, whatever failed


@pytest.mark.parametrize("key", ["c", "x"], ids=["cover", "swap"])
async def test_ctrl_q_while_a_change_is_checked_asks_and_the_change_waits_for_the_answer(
    make_app, held_checks: tuple[threading.Event, list[str]], key: str
) -> None:
    from screens.dialogs.confirm_dialog import ConfirmDialog

    gate, started = held_checks
    app: VoicesGroupApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            dialog = await _a_session_to_come(app, pilot, key)
            before = [slot.model_dump() for slot in app.store.rota()]
            await _start_the_change(app, pilot, dialog)
            await until(pilot, lambda: bool(started))
            await pilot.press("ctrl+q")
            await pilot.pause()
            question = app.screen
            assert isinstance(question, ConfirmDialog), "Ctrl+Q quit in the middle of a check"
            assert "being checked" in str(question.query_one("#question").render())
            assert app.focused is not None and app.focused.id == "cancel"
            gate.set()  # the check ends while the question is open
            await app.workers.wait_for_complete()
            await settled(pilot)
            assert app.screen is question, "the change closed the question instead of its dialog"
            await pilot.press("enter")  # Cancel: stay
            await settled(pilot)
            assert app.screen is not dialog and not isinstance(app.screen, ConfirmDialog)
            assert type(app.screen).__name__ == "RotaScreen"
            assert [slot.model_dump() for slot in app.store.rota()] != before  # it was made
        finally:
            gate.set()  # never leave a check waiting, whatever failed
