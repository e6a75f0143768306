"""The room view belongs to the session: it survives Escape, Home, locking and a restart; the
idle lock in a running session turns it on instead of locking; nothing says saved before it is."""

from __future__ import annotations

from pathlib import Path

from screens.app import VoicesGroupApp
from screens.dialogs.idle_lock_dialog import IdleLockDialog
from screens.dialogs.unsaved_dialog import UnsavedDialog
from screens.home_screen import HomeScreen
from screens.session_screen import SessionScreen
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import TODAY, FrozenClock
from tests.helpers.screen import screen_text
from voicesgroup.errors import SaveFailed
from voicesgroup.models import Settings
from voicesgroup.store import Store

SIZE = (80, 24)


async def start_with_people(pilot, app: VoicesGroupApp) -> str:
    """Start today's session on the first group with a named member here; that name."""
    await pilot.press("s")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, SessionScreen)
    await pilot.press("enter", "+", "t", *"Being believed", "enter")
    await pilot.pause()
    runner = app.screen.runner
    [name] = runner.names().values()
    assert name in screen_text(app)
    return name


def shows_nothing_private(app: VoicesGroupApp, name: str) -> None:
    shown = screen_text(app)
    assert name not in shown, shown
    assert "In the room" not in shown and "Being believed" not in shown, shown


async def test_room_view_survives_escape_home_other_keys_and_locking(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = await start_with_people(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        shows_nothing_private(app, name)

        # Escape to Home: Home says the room view is on and offers only the way back.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Room view is on" in screen_text(app)
        for key in ("m", "h", "l", "f", "r", "p", "t", "n", "enter", "f2"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), key
        shows_nothing_private(app, name)
        # The palette offers no more than Home's keys: the way back and the app's own.
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert titles <= {"Session", "Help", "High contrast", "Lock now", "Quit"}, titles

        # Back to the session: still in the room view.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        shows_nothing_private(app, name)

        # Locked and unlocked: still in the room view.
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, IdleLockDialog)
        assert "Locked with Ctrl+L" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        shows_nothing_private(app, name)

        # Only r turns it off.
        await pilot.press("r")
        await pilot.pause()
        assert name in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert type(app.screen).__name__ == "MembersScreen"
        await app.workers.wait_for_complete()


async def test_room_view_comes_back_after_a_restart_and_ends_with_the_session(
    tmp_path: Path,
) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = await start_with_people(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
    # As if the laptop stopped: a new app on the same file offers to resume, without counts.
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        offer = screen_text(app)
        assert "room view is on" in offer and "in the room" not in offer
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        shows_nothing_private(app, name)
        await pilot.press("e")
        await pilot.pause()
        assert "summary is hidden" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
    with Store.open(path, readonly=True) as store:
        [today] = [s for s in store.sessions() if s.date == TODAY]
        assert today.room_view is False


async def test_idle_in_a_session_turns_the_room_view_on_and_locks_much_later(
    tmp_path: Path,
) -> None:
    path = make_demo(tmp_path / "demo.json")
    clock = [1000.0]
    app = app_on(path, clock=FrozenClock(), idle_clock=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.store.save_settings(Settings(idle_lock_minutes=10, session_lock_minutes=60))
        name = await start_with_people(pilot, app)
        # Out to the members list, mid-session, then nobody touches the laptop.
        await pilot.press("escape", "m")
        await pilot.pause()
        assert name in screen_text(app)
        clock[0] += 11 * 60
        app._lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        shows_nothing_private(app, name)
        # Escape does not uncover the members list underneath.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        clock[0] += 59 * 60 + 5  # 59 minutes since that key: a warning, not a lock
        app._lock_if_idle()
        await pilot.pause()
        assert not isinstance(app.screen, IdleLockDialog)
        assert any("locks in a minute" in n.message for n in app._notifications)
        clock[0] += 60
        app._lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleLockDialog)
        assert "nobody was using it" in screen_text(app)
        await app.workers.wait_for_complete()


async def test_outside_a_session_it_warns_a_minute_before_locking(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    clock = [1000.0]
    app = app_on(path, clock=FrozenClock(), idle_clock=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock[0] += 9 * 60 + 10
        app._lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("locks in a minute" in n.message for n in app._notifications)
        clock[0] += 60
        app._lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleLockDialog)


async def _failing_saves(app: VoicesGroupApp) -> None:
    def refuse(*_: object) -> None:
        app.store.storage.unsaved = True
        raise SaveFailed("The folder is read-only, so nothing could be written.")

    app.store.save = refuse  # type: ignore[method-assign]  # a save that fails, for the test


async def test_a_failed_save_never_says_saved_and_quitting_offers_to_keep_it(
    tmp_path: Path,
) -> None:
    path = make_demo(tmp_path / "demo.json")
    before = path.read_bytes()
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _failing_saves(app)
        await pilot.press("enter")  # the group form
        await pilot.pause()
        app.screen.query_one("#venue").value = "Upstairs room"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [(n.title, n.message) for n in app._notifications]
        assert not any("saved." in message for _, message in said), said
        assert any(title == "Not saved" for title, _ in said), said

        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        assert "read-only" in screen_text(app)
        assert app.focused.id == "retry"
        await pilot.press("enter")  # try again: still failing, still here
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        assert "Still not saved" in screen_text(app)
        app.screen.query_one("#write").press()
        await pilot.pause()
    assert path.read_bytes() == before
    [kept] = list(tmp_path.glob("demo.json.unsaved-*"))
    with Store.open(kept, readonly=True) as store:
        assert any(group.venue == "Upstairs room" for group in store.groups())
    assert str(kept) in (app.startup_error or "")


async def test_a_save_that_succeeds_is_announced_after_it_is_on_disk(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#venue").value = "Upstairs room"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("saved." in n.message for n in app._notifications)
        assert b"Upstairs room" in path.read_bytes()


async def test_an_idea_naming_a_member_is_asked_about_and_never_shown_in_the_room_view(
    tmp_path: Path,
) -> None:
    """`w` warns as a theme does when the words name a member (Enter again keeps them); the
    room view never shows those words, whoever typed them."""
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = await start_with_people(pilot, app)
        other = next(m.display_name for m in app.store.members() if m.display_name != name)
        idea = f"Humming a tune {other} taught us"
        await pilot.press("w")
        await pilot.pause()
        await pilot.press(*idea, "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "StrategyCaptureDialog", "kept without a question"
        assert f"This mentions {other}" in " ".join(screen_text(app).split())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert idea in [s.title for s in app.store.strategies()]
        await pilot.press("r")
        await pilot.pause()
        shown = screen_text(app)
        assert other not in shown and "Humming" not in shown, shown
        from screens.widgets.shared_strategies import SharedStrategies

        listed = app.screen.query_one("#room-strategies", SharedStrategies).render().plain
        assert "an idea whose words name someone" in listed and other not in listed, listed


async def test_idle_in_a_session_covers_a_dialog_half_written_and_keeps_its_words(
    tmp_path: Path,
) -> None:
    """The room view comes on over whatever is open above the session (a theme half typed):
    the words are hidden, and kept in the dialog beneath."""
    from textual.widgets import Input

    clock = [1000.0]
    app = app_on(
        make_demo(tmp_path / "demo.json"), clock=FrozenClock(), idle_clock=lambda: clock[0]
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.store.save_settings(Settings(idle_lock_minutes=10, session_lock_minutes=60))
        await start_with_people(pilot, app)
        await pilot.press("t", *"Voices at night, said quietly")
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "TextCaptureDialog"
        clock[0] += 11 * 60
        app._lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen) and app.screen.room_safe
        assert "Voices at night" not in screen_text(app)
        assert dialog in app.screen_stack
        assert dialog.query_one("#capture-text", Input).value == "Voices at night, said quietly"
