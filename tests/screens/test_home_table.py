"""Home's table fits an 80-column screen: no sideways scrolling, and text longer than its
column is cut with "…" where a person can see it was cut."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.records import add_group
from tests.helpers.screen import screen_text
from voicesgroup.store import Store

LONG_NAME = "Wednesday evening voices at the library"


async def test_the_groups_table_fits_80_columns_and_cuts_long_text_with_an_ellipsis(
    tmp_path: Path,
) -> None:
    path = make_demo(tmp_path / "demo.json")
    with Store.open(path) as store:
        add_group(store, LONG_NAME)
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*IN_SESSION)  # a session in progress: "Resume the session"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#groups", DataTable)
        assert table.max_scroll_x == 0, "the table scrolls sideways at 80 columns"
        assert not table.show_horizontal_scrollbar
        text = screen_text(app)
        assert "Next step" in text and "Resume the session" in text
        cut = LONG_NAME[:15] + "…"  # 16 columns
        assert cut in text, "a long name is not cut with '…'"
        assert LONG_NAME not in text


async def test_with_more_groups_than_rows_the_table_still_fits(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    with Store.open(path) as store:
        for number in range(14):
            add_group(store, f"Extra group {number:02d} meeting weekly")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#groups", DataTable)
        assert table.max_scroll_y > 0  # more groups than rows: it scrolls down
        assert table.max_scroll_x == 0, "the table scrolls sideways at 80 columns"
        assert "Next step" in screen_text(app)
