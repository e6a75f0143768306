"""Closing a screen sweeps its garbage once nobody is pressing keys
(`VoicesGroupApp.pop_screen`): neither the collector's full sweep nor ours falls inside the
first paint of a screen opened just after, where with ten years of data it took 30–120 ms."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from screens.app import SWEEP_WHEN_QUIET_SECONDS
from tests.helpers.app import app_on


class FullSweeps:
    """Counts the collector's full sweeps while it is in a `with` block."""

    def __init__(self) -> None:
        self.count = 0

    def _seen(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.count += 1

    def __enter__(self) -> FullSweeps:
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._seen)


async def test_closing_a_form_sweeps_its_garbage_once_keys_stop(demo_db: Path) -> None:
    now = [1000.0]
    app = app_on(demo_db, idle_clock=lambda: now[0])
    thresholds = gc.get_threshold()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the group form
        await pilot.pause()
        with FullSweeps() as sweeps:
            await pilot.press("escape")
            for _ in range(3):
                await pilot.pause(SWEEP_WHEN_QUIET_SECONDS)
            assert type(app.screen).__name__ == "HomeScreen"
            assert sweeps.count == 0, "swept while the last key was a moment ago"
            now[0] += 2 * SWEEP_WHEN_QUIET_SECONDS  # nobody has pressed a key since
            for _ in range(3):
                await pilot.pause(SWEEP_WHEN_QUIET_SECONDS)
            assert sweeps.count == 1, "no full sweep once keys stopped"
        assert gc.get_threshold() == thresholds, "the collector's own thresholds not given back"


async def test_no_full_sweep_while_keys_follow_a_closed_screen(demo_db: Path) -> None:
    """Escape, then straight on to the next screen and the next: however much garbage there is,
    the collector makes no full sweep of its own in their way, and its thresholds come back when
    the app closes with a sweep still waiting."""
    now = [1000.0]
    app = app_on(demo_db, idle_clock=lambda: now[0])
    thresholds = gc.get_threshold()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        with FullSweeps() as sweeps:
            for key in ("enter", "escape", "m", "escape", "f2", "escape", "l", "escape"):
                await pilot.press(key)
                await pilot.pause()
                now[0] += SWEEP_WHEN_QUIET_SECONDS / 4
                junk = [[i, []] for i in range(20_000)]  # young objects that live, as a screen's
                for pair in junk:
                    pair[1].append(pair)  # cycles, as widgets and their parents are
                del junk
            assert sweeps.count == 0
        assert gc.get_threshold() != thresholds  # held: a sweep is still waiting
    assert gc.get_threshold() == thresholds


def detached_widgets() -> int:
    """Widgets still alive after a full sweep that are on no screen."""
    from textual.widget import Widget

    gc.collect()
    return sum(1 for each in gc.get_objects() if isinstance(each, Widget) and not each.is_attached)


async def test_closed_screens_leave_no_widgets_alive(demo_db: Path) -> None:
    """Once the sweep after closing has run, nothing of a closed screen is left: before, each
    screen's header (four widgets) stayed, watched from the app (`_forget_closed_watchers`)."""
    now = [1000.0]
    app = app_on(demo_db, idle_clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        counts = []
        for _ in range(3):
            for key in ("enter", "m", "f2", "l"):
                await pilot.press(key)
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
            now[0] += 2 * SWEEP_WHEN_QUIET_SECONDS  # nobody has pressed a key since
            for _ in range(3):
                await pilot.pause(SWEEP_WHEN_QUIET_SECONDS)
            counts.append(detached_widgets())
        assert counts[2] == counts[0], f"widgets of closed screens still alive: {counts}"
