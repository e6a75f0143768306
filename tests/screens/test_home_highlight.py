"""Home's highlight stays on the group it was on when the list is rebuilt: after a group is
added (sorting above it), renamed, archived or brought in by an exchange. `s` and `p` act on
the highlighted group, so a highlight that slid onto another group would act on the wrong one.
"""

from __future__ import annotations

import random
from pathlib import Path

from textual.widgets import DataTable

from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.records import add_group


async def test_a_new_group_sorting_above_leaves_the_highlight_where_it_was(
    tmp_path: Path,
) -> None:
    """The outside tester's case, through the form: highlight the last group, add one whose
    name sorts first, and the highlight is still on the group it was on."""
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        table = home.query_one("#groups", DataTable)
        table.focus()
        await pilot.press(*["down"] * (table.row_count - 1))
        await pilot.pause()
        chosen = home.selected_group_id()
        assert chosen is not None and table.cursor_row == table.row_count - 1
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#name").value = "Aardvark Monday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is home
        assert any(g.name == "Aardvark Monday" for g in app.store.groups())
        assert home.selected_group_id() == chosen


async def test_the_highlight_follows_its_group_through_any_change_to_the_list(
    tmp_path: Path,
) -> None:
    """The adversary: random adds, renames and archivings, each followed by the rebuild Home
    does (after a form, an exchange, a return to Home). Wherever the highlighted group still
    is, the highlight is on it; when it is gone, the highlight is on a group that is listed."""
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    chosen = random.Random(7)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        table = home.query_one("#groups", DataTable)
        for step in range(40):
            store = app.store
            groups = store.groups()
            if groups:
                table.move_cursor(row=chosen.randrange(len(groups)))
            before = home.selected_group_id()
            change = chosen.choice(["add", "rename", "archive"] if len(groups) > 1 else ["add"])
            if change == "add":
                add_group(store, f"{chosen.choice('ABCXYZ')}{step:02d} group")
            else:
                group = chosen.choice(groups)
                if change == "rename":
                    name = f"{chosen.choice('ABCXYZ')}{step:02d} renamed"
                    store.save_group(group.model_copy(update={"name": name}))
                else:
                    store.save_group(group.model_copy(update={"archived": True}))
            home.refresh_data()
            await pilot.pause()
            listed = {g.id for g in app.store.groups()}
            after = home.selected_group_id()
            if before in listed:
                assert after == before, (step, change)
            else:
                assert after in listed, (step, change)
