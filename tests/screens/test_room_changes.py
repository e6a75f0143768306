"""Taking things back on screen: a theme reworded or removed, a debrief reopened from the
history, a helped mark undone; and a note that names another member warns as a theme does."""

from __future__ import annotations

from pathlib import Path

from screens.debrief_screen import DebriefScreen
from screens.history_screen import HistoryScreen
from screens.note_screen import NoteScreen
from screens.session_screen import SessionScreen
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import TODAY, FrozenClock
from tests.helpers.screen import open_member, screen_text
from voicesgroup.models import SessionStatus
from voicesgroup.store import Store


async def test_a_theme_is_reworded_and_a_follow_up_taken_back(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "ctrl+s")
        await pilot.pause()
        await pilot.press("t", *"Hope", "enter", "f", *"Book room", "enter")
        await pilot.pause()
        await pilot.press("o", "enter")  # the first line: the theme
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"Finding hope", "enter")
        await pilot.pause()
        await pilot.press("o", "down", "x")  # the follow-up
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        session = app.screen.runner.session
        assert session.themes == ["Finding hope"] and session.follow_ups == []
        shown = screen_text(app)
        assert "Finding hope" in shown and "Book room" not in shown
        await app.workers.wait_for_complete()


async def test_a_debrief_is_reopened_from_the_history(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "ctrl+s", "e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press(*"Warm")  # straight into the first answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert "Warm" in screen_text(app)
        await pilot.press("end", *" and kind", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await app.workers.wait_for_complete()
    with Store.open(path, readonly=True) as store:
        [today] = [s for s in store.sessions() if s.date == TODAY]
        assert today.status is SessionStatus.ENDED
        assert "Warm and kind" in today.debrief.answers.values()


async def test_a_note_naming_another_member_warns_first(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_member(pilot, app, "Aisha")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Talking with Kit helped", "ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen) and app.screen.draft is None
        assert "mentions Kit" in screen_text(app)
        await pilot.press("ctrl+r")  # as it is, after the warning
        await pilot.pause()
        assert app.screen.draft is not None


async def test_helped_is_taken_back_by_pressing_h_again(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        screen = app.screen
        first = screen.highlighted
        before = first.helped_count
        await pilot.press("h")
        await pilot.pause()
        assert app.store.strategy(first.id).helped_count == before + 1
        await pilot.press("h")
        await pilot.pause()
        assert app.store.strategy(first.id).helped_count == before
        await app.workers.wait_for_complete()


async def test_an_ended_sessions_theme_is_reworded_from_the_history(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        session = app.store.session(app.screen._rows[0].session_id)
        assert session.themes, "the newest session in the history has themes"
        await pilot.press("t")
        await pilot.pause()
        assert session.themes[0] in screen_text(app)
        await pilot.press("enter")  # the first line: a theme
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"Feeling heard at last", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Feeling heard at last" in screen_text(app)
        await app.workers.wait_for_complete()
    with Store.open(path, readonly=True) as store:
        reworded = store.session(session.id)
        assert reworded.themes == ["Feeling heard at last", *session.themes[1:]]
