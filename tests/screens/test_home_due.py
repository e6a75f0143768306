"""Home paints its groups first; the Due box is worked out after, in a worker, from a copy."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from textual.widgets import DataTable, Static

from screens import home_screen
from voicesgroup.store import Store


async def test_what_is_due_is_worked_out_after_the_groups_on_a_copy(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[bool, bool, int]] = []
    real = home_screen.due_items

    def watched(store: Store, today: dt.date) -> list[str]:
        table = app.screen.query_one("#groups", DataTable)
        asked.append(
            (threading.current_thread() is threading.main_thread(), store.read_only, table.row_count)
        )
        return real(store, today)

    monkeypatch.setattr(home_screen, "due_items", watched)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        due = app.screen.query_one("#due", Static)
        assert due.display
        assert "follow-up(s) still open" in str(due.render())
    assert asked, "the Due box was never worked out"
    on_ui_thread, read_only, groups_shown = asked[0]
    assert not on_ui_thread
    assert read_only  # a copy of the data, never the live store
    assert groups_shown > 0  # the groups were already in their table


async def test_an_older_answer_is_not_shown_over_a_newer_one(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, home_screen.HomeScreen)
        before = str(screen.query_one("#due", Static).render())
        screen.post_message(screen.DueFound(screen._due_asked - 1, ["Something stale"]))
        await pilot.pause()
        assert str(screen.query_one("#due", Static).render()) == before
