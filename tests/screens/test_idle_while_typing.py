"""Someone typing, pasting or using the mouse is never told the laptop is about to lock.

The idle lock counts from the last key, paste or mouse event, on any screen or dialog, whatever
field takes the key. These tests type steadily across the lock time on a fake clock (the
shortest limit the settings allow, one minute, where the warning used to come every check),
then stop: the warning comes, then the lock, and what was typed is there after unlocking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.app import IDLE_CHECK_SECONDS, VoicesGroupApp, lock_warning_lead
from screens.dialogs.idle_lock_dialog import IdleLockDialog
from screens.dialogs.text_capture_dialog import TextCaptureDialog
from screens.session_screen import SessionScreen
from screens.settings_screen import SettingsScreen
from tests.helpers import form_walks
from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.terminal import bracketed, feed
from voicesgroup.models import Settings

Act = Callable[[Pilot[Any], int], Awaitable[None]]


def warned(app: VoicesGroupApp) -> bool:
    return any(note.title == "Locking soon" for note in app._notifications)


async def a_key(pilot: Pilot[Any], step: int) -> None:
    await pilot.press("abcdefgh"[step % 8])


async def a_typed_paste(pilot: Pilot[Any], step: int) -> None:
    feed(pilot.app, f"word{step} ")  # a terminal without bracketed paste


async def a_bracketed_paste(pilot: Pilot[Any], step: int) -> None:
    feed(pilot.app, bracketed(f"pasted{step} "))


async def the_mouse(pilot: Pilot[Any], step: int) -> None:
    feed(pilot.app, f"\x1b[<35;{step % 20 + 1};2M")  # moved over the screen (SGR), no button


async def a_click(pilot: Pilot[Any], step: int) -> None:
    feed(pilot.app, "\x1b[<0;70;2M\x1b[<0;70;2m")  # pressed and let go, on the title bar


async def the_wheel(pilot: Pilot[Any], step: int) -> None:
    feed(pilot.app, "\x1b[<65;10;5M")  # the wheel turned


ACTIVITY = {
    "a key": a_key,
    "a typed paste": a_typed_paste,
    "a bracketed paste": a_bracketed_paste,
    "moving the mouse": the_mouse,
    "a click": a_click,
    "the wheel": the_wheel,
}


async def keep_busy(pilot: Pilot[Any], clock: list[float], act: Act, seconds: float) -> None:
    """Something every few seconds for `seconds`, with the idle check run as often as the app
    runs it: never a warning, never the lock."""
    app = pilot.app
    assert isinstance(app, VoicesGroupApp)
    for step in range(int(seconds // 5)):
        clock[0] += 5
        await act(pilot, step)
        await pilot.pause()
        if step % (IDLE_CHECK_SECONDS // 5) == 0:
            app._lock_if_idle()
            await pilot.pause()
        assert not isinstance(app.screen, IdleLockDialog), f"locked after {step * 5 + 5} s"
        assert not warned(app), f"warned after {step * 5 + 5} s of use"


async def idle_until(pilot: Pilot[Any], clock: list[float], seconds: float) -> None:
    app = pilot.app
    assert isinstance(app, VoicesGroupApp)
    clock[0] += seconds
    app._lock_if_idle()
    await pilot.pause()


@pytest.mark.parametrize("activity", ACTIVITY, ids=list(ACTIVITY))
async def test_using_a_form_keeps_it_open_and_stopping_warns_then_locks(
    tmp_path: Path, activity: str
) -> None:
    clock = [1000.0]
    app = app_on(make_demo(tmp_path / "demo.json"), idle_clock=lambda: clock[0])
    async with app.run_test(size=(80, 24)) as pilot:
        app.store.save_settings(Settings(idle_lock_minutes=1))
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        field = app.screen.query_one("#organisation", Input)
        field.focus()
        await pilot.press("end", *" Trust")
        await keep_busy(pilot, clock, ACTIVITY[activity], seconds=3 * 60)
        typed = field.value
        assert " Trust" in typed
        # Then nobody touches it: half a minute before the lock, the warning; then the lock.
        lead = lock_warning_lead(60)
        await idle_until(pilot, clock, 60 - lead)
        assert warned(app) and not isinstance(app.screen, IdleLockDialog)
        await idle_until(pilot, clock, lead)
        assert isinstance(app.screen, IdleLockDialog)
        await pilot.press("enter")  # no passphrase on this file: Enter carries on
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is field.screen
        assert field.value == typed, "what was typed before the lock is kept"


async def test_a_key_takes_the_warning_back_and_the_lock_counts_again(tmp_path: Path) -> None:
    clock = [1000.0]
    app = app_on(make_demo(tmp_path / "demo.json"), idle_clock=lambda: clock[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.store.save_settings(Settings(idle_lock_minutes=10))
        await idle_until(pilot, clock, 9 * 60 + 5)
        assert warned(app)
        await pilot.press("down")
        await pilot.pause()
        await pilot.pause()
        assert not warned(app), "the warning stays up while someone is using it"
        await idle_until(pilot, clock, 60)
        assert not isinstance(app.screen, IdleLockDialog) and not warned(app)


async def test_typing_into_a_dialog_in_a_session_keeps_the_room_view_off_and_it_unlocked(
    tmp_path: Path,
) -> None:
    clock = [1000.0]
    app = app_on(
        make_demo(tmp_path / "demo.json"), clock=FrozenClock(), idle_clock=lambda: clock[0]
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.store.save_settings(Settings(idle_lock_minutes=1, session_lock_minutes=5))
        await pilot.press(*IN_SESSION, "t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextCaptureDialog)
        await keep_busy(pilot, clock, a_key, seconds=7 * 60)
        assert app.screen is dialog, "the room view came on while someone was typing"
        typed = dialog.query_one("#capture-text", Input).value
        assert len(typed) == 7 * 60 // 5
        # Stopped: the room view comes on over the dialog, then the warning, then the lock.
        await idle_until(pilot, clock, 60)
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        await idle_until(pilot, clock, 3 * 60 + 30)
        assert warned(app) and not isinstance(app.screen, IdleLockDialog)
        await idle_until(pilot, clock, 30)
        assert isinstance(app.screen, IdleLockDialog)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert dialog in app.screen_stack
        assert dialog.query_one("#capture-text", Input).value == typed


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(form_walks.WALKS))
async def test_every_key_typed_into_every_form_counts_as_use(tmp_path: Path, name: str) -> None:
    """Each form and dialog the app has, each field a person can type into: a key typed there
    (as the terminal sends it), a paste, the mouse over it, each moves the idle lock on."""
    clock = [1000.0]
    demo = make_demo(tmp_path / "demo.json")
    app = app_on(
        form_walks.PREPARE.get(name, Path)(demo), clock=FrozenClock(), idle_clock=lambda: clock[0]
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await form_walks.open_walked(app, pilot, name)
        fields = [
            field
            for field in [*form.query(Input), *form.query(TextArea)]
            if not field.disabled and field.display and not getattr(field, "read_only", False)
        ]
        # A dialog of choices only (who facilitates, a consent's answer): its keys go to them.
        for field in fields or [form.focused]:
            if field is not None:
                field.focus()
            await pilot.pause()
            for send in ("x", bracketed("pasted"), "\x1b[<35;5;5M"):
                clock[0] += 5
                feed(app, send)
                await pilot.pause()
                assert app._last_activity == clock[0], f"{field!r}: {send!r} was not use"
