"""Closing a screen sweeps its garbage just after the screen beneath has painted
(`VoicesGroupApp.pop_screen`), so the collector's full sweep does not fall inside the next
screen's first paint, where with ten years of data it took 30–120 ms."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from tests.helpers.app import app_on


async def test_closing_a_form_sweeps_its_garbage(demo_db: Path) -> None:
    sweeps: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            sweeps.append(info["generation"])

    app = app_on(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the group form
        await pilot.pause()
        gc.callbacks.append(seen)
        try:
            await pilot.press("escape")
            for _ in range(3):
                await pilot.pause()
        finally:
            gc.callbacks.remove(seen)
        assert type(app.screen).__name__ == "HomeScreen"
        assert sweeps, "no full sweep after the form closed"
