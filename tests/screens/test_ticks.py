"""Ticks that are ticks: every screen with tick boxes, rendered under NO_COLOR, reads ticked and
unticked differently as plain text (✓ or an empty box), never by colour alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, SelectionList

from screens.widgets.tick_marks import TICKED
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.screen import screen_text

# name: (keys that open it, the tick box or list to try)
WITH_TICKS = {
    "group form": (["n"], "#women_rule"),
    "facilitator form": (["f", "enter"], "#active"),
    "availability": (["f", "enter", "ctrl+o"], "#day-0"),
    "strategy form": (["l", "a"], "#experience-beliefs"),
    "support contact": (["l", "c", "a"], "#local"),
    "session plan": (["t"], "#part-round"),
    "reports": (["e"], "#reports-compare"),
    "print dialog": (["p"], "#print-large"),
    "supervision, who came": (["f", "s", "a"], "#supervision-who"),
}


@pytest.mark.parametrize("name", WITH_TICKS)
async def test_ticked_and_unticked_read_differently_without_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    keys, selector = WITH_TICKS[name]
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        box = app.screen.query_one(selector)
        box.scroll_visible(animate=False)
        if isinstance(box, SelectionList):
            box.deselect_all()
        else:
            assert isinstance(box, Checkbox)
            box.value = False
        await pilot.pause()
        unticked = screen_text(app)
        if isinstance(box, SelectionList):
            box.select(box.get_option_at_index(0).value)
        else:
            box.value = True
        await pilot.pause()
        ticked = screen_text(app)
        assert unticked != ticked
        assert ticked.count(TICKED) == unticked.count(TICKED) + 1, name
        assert "X" not in set(ticked) - set(unticked)


async def test_a_choice_not_offered_reads_so_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under NO_COLOR, for every printout in the print dialog, each of its tick boxes reads
    as text whether it is offered: a box not offered shows a dash and says why beside it,
    one offered has neither (a member's own record, never discreet, among them)."""
    from screens.dialogs.print_dialog import NOT_ON_IT, PrintDialog
    from screens.widgets.tick_marks import NOT_AVAILABLE, TickBox

    monkeypatch.setenv("NO_COLOR", "1")
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await app.workers.wait_for_complete()
        dialog = app.screen
        assert isinstance(dialog, PrintDialog)
        seen = set()
        for key in dialog._choices:
            dialog.query_one("#print-kind").value = key
            await pilot.pause()
            for selector, label in (
                ("#print-discreet", "Discreet"),
                ("#print-large", "Large print"),
            ):
                box = dialog.query_one(selector, TickBox)
                offered = not box.disabled
                seen.add((label, offered))
                box.scroll_visible(animate=False)
                await pilot.pause()
                drawn = str(box.render())  # the box as drawn, mark and label, no colour
                said = f"{label} ({NOT_ON_IT})"
                assert (said in drawn) != offered, (key, label, drawn)
                assert drawn.count(NOT_AVAILABLE) == (0 if offered else 1), (key, drawn)
        assert ("Discreet", False) in seen and ("Discreet", True) in seen
