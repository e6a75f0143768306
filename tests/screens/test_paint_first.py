"""A list screen paints its frame on its key and reads its rows just after (screens/paint_first.py);
so does the settings form, whose log and retention lines are read after its first paint.

The order is watched where the app hands a frame to the terminal (`App._display`, what the
screen benchmark times) and where the screen reads (`refresh_data`).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Static

from screens.facilitators_screen import FacilitatorsScreen
from screens.follow_ups_screen import FollowUpsScreen
from screens.members_screen import MembersScreen
from screens.paint_first import PaintsFirst
from screens.settings_screen import SettingsScreen
from screens.supervision_screen import SupervisionScreen
from screens.team_screen import TeamScreen

# the screen, the keys from Home to the screen it opens from, the key that opens it
LIST_SCREENS: list[tuple[type[PaintsFirst], list[str], str]] = [
    (MembersScreen, [], "m"),
    (FacilitatorsScreen, [], "f"),
    (TeamScreen, ["f"], "t"),
    (SupervisionScreen, ["f"], "s"),
    (FollowUpsScreen, ["f"], "u"),
    (SettingsScreen, [], "f2"),
]


def read_shown(screen: Screen[Any]) -> bool:
    """What the screen's read fills is on it: a list's rows, the settings' protection line."""
    if isinstance(screen, SettingsScreen):
        return bool(str(screen.query_one("#protection", Static).render()))
    return screen.query(DataTable).first().row_count > 0


@pytest.mark.parametrize(
    ("screen_class", "path", "key"), LIST_SCREENS, ids=[c[0].__name__ for c in LIST_SCREENS]
)
async def test_the_frame_is_painted_before_the_rows_are_read(
    make_app, monkeypatch, screen_class: type[PaintsFirst], path: list[str], key: str
) -> None:
    events: list[str] = []
    read = screen_class.refresh_data

    def reading(self: PaintsFirst) -> None:
        events.append("read")
        read(self)

    monkeypatch.setattr(screen_class, "refresh_data", reading)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for step in path:
            await pilot.press(step)
            await pilot.pause()
        shown = app._display

        def display(screen: Screen[Any], renderable: Any) -> None:
            if renderable is not None and isinstance(screen, screen_class):
                events.append("painted")
            shown(screen, renderable)

        monkeypatch.setattr(app, "_display", display)
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, screen_class)
        assert "read" in events, events
        assert events[0] == "painted", events  # the frame first, then the rows
        assert read_shown(app.screen)  # the rows did arrive


async def test_back_from_a_dialog_the_rows_are_read_again(make_app, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        reads: list[int] = []
        monkeypatch.setattr(screen, "refresh_data", lambda: reads.append(1))
        await pilot.press("f1")
        await pilot.pause()
        assert reads == []  # nothing is read while the dialog covers it…
        await pilot.press("escape")
        await pilot.pause()
        assert reads == [1]  # …and once when it is back
