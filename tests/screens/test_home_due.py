"""Home paints its groups first; the Due box is worked out just after that paint."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Static

from screens import home_screen
from voicesgroup.store import Store


async def test_what_is_due_is_worked_out_after_the_groups_are_painted(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_due, real_refresh = home_screen.due_items, home_screen.HomeScreen.refresh_data

    def due(store: Store, today: dt.date) -> list[str]:
        events.append("due worked out")
        return real_due(store, today)

    def refresh(screen: home_screen.HomeScreen) -> None:
        real_refresh(screen)
        events.append("groups filled")

    monkeypatch.setattr(home_screen, "due_items", due)
    monkeypatch.setattr(home_screen.HomeScreen, "refresh_data", refresh)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#due", Static)
        assert box.display
        assert "follow-up still open" in str(box.render())
    assert events[:2] == ["groups filled", "due worked out"]
