"""Apps on demo data with a frozen date, for Pilot tests and snapshots.

The app is built by `tests.helpers.app.app_on`, on `tests.helpers.clock.TODAY`; what a test reads
of the screen is in `tests.helpers.screen`.

Every snapshot is taken of a still screen: `snap_compare` below wraps the plugin's with one
settling step (no animation, no blinking cursor, nothing scheduled), so no snapshot depends on
how quickly a loaded machine reaches the screenshot.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.helpers.clock import TODAY
from tests.helpers.demo_files import write_demo_copy
from tests.helpers.threads import watched  # noqa: F401  (the store's calls by thread, for any test)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return write_demo_copy(tmp_path / "demo.json", TODAY)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., VoicesGroupApp]:
    """An app on a fresh demo file (or an empty file with demo=False), with today frozen."""

    def make(demo: bool = True) -> VoicesGroupApp:
        path = tmp_path / ("demo.json" if demo else "empty.json")
        if demo and not path.exists():
            write_demo_copy(path, TODAY)
        return app_on(path)

    return make


SnapCompare = Callable[..., bool]
STILL_GAP = 0.05  # seconds between two looks at the screen
STILL_TRIES = 40


async def settle(pilot: Pilot[Any]) -> None:
    """Bring the app to a still screen: what a person sees once everything has stopped moving.

    On a busy machine a screenshot could otherwise catch a table's scrollbar thumb left where it
    was before a refresh, a scroll part-way, or an input's cursor in a blink's dark half. So:
    animations finish at once, cursors stop blinking, the screen is laid out again, each shown
    scrollbar's thumb is put where its widget is scrolled to, and the screenshot is taken only
    once two in a row, a moment apart, are the same.
    """
    app = pilot.app
    app.animation_level = "none"  # any animation still running finishes on its next frame
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    for field in [*app.screen.query(Input), *app.screen.query(TextArea)]:
        field.cursor_blink = False
        # A TextArea caches its lines under a key that reads "no cursor" both for a blink's
        # dark half and for a steady cursor: without this a steady cursor may not be drawn.
        field.notify_style_update()
    app.screen.refresh(layout=True)
    await pilot.pause()
    for widget in [app.screen, *app.screen.query("*")]:
        # Textual moves a scrollbar's thumb only while the bar is shown: a table scrolled to
        # its cursor just before its new rows made the bar appear keeps a stale thumb.
        if widget.show_vertical_scrollbar:
            widget.vertical_scrollbar.position = widget.scroll_y
        if widget.show_horizontal_scrollbar:
            widget.horizontal_scrollbar.position = widget.scroll_x
    await pilot.pause()
    previous = app.export_screenshot()
    for _ in range(STILL_TRIES):
        await app.animator.wait_until_complete()
        await pilot.pause(STILL_GAP)
        current = app.export_screenshot()
        if current == previous:
            return
        previous = current
    raise AssertionError(f"the screen was still changing after {STILL_TRIES} looks")


@pytest.fixture
def snap_compare(snap_compare: SnapCompare) -> SnapCompare:
    """The plugin's `snap_compare`, with the keys pressed and the screen settled first."""

    def compare(
        app: App[Any],
        press: Iterable[str] = (),
        terminal_size: tuple[int, int] = (80, 24),
        run_before: Callable[[Pilot[Any]], Awaitable[None] | None] | None = None,
    ) -> bool:
        async def then_settle(pilot: Pilot[Any]) -> None:
            pilot.app.animation_level = "none"
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await pilot.pause()
            await pilot.press(*press)
            await settle(pilot)

        return snap_compare(app, terminal_size=terminal_size, run_before=then_settle)

    return compare
