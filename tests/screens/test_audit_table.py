"""F2's "What was done": a detail too long for its column ends in "…" on screen, never cut
mid-word at the edge with nothing to say that more is there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock


@pytest.mark.parametrize("width", [80, 101, 140])
async def test_a_long_detail_ends_in_an_ellipsis_within_the_screen(
    tmp_path: Path, width: int
) -> None:
    extra = "0 left as they were because each one was open elsewhere, " * 4
    demo = make_demo(tmp_path / "demo.json")
    app = app_on(demo, clock=FrozenClock())
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        app.store.audit("member forgotten", "10 backups rewritten, " + extra)
        await pilot.press("f2")
        await pilot.pause()
        table = app.screen.query_one("#audit", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width + 1, (
            "the log runs off the screen's edge"
        )
        detail = table.get_row_at(0)[2]
        assert detail.overflow == "ellipsis" and detail.no_wrap  # cut with "…" in its column
