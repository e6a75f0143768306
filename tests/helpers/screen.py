"""Reading the screen as a person would, and the few key journeys many screen tests take.

What a test asserts is what someone at the laptop sees: the terminal's text (`screen_text`), a
widget's words (`text_of`), the notifications shown (`notifications`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from screens.rota_screen import RotaScreen


def screen_text(app: App[Any]) -> str:
    """What a person sees on the terminal right now, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def text_of(app: App[Any], selector: str) -> str:
    """The words of the `Static` at `selector` on the current screen."""
    return str(app.screen.query_one(selector, Static).render())


def notifications(app: App[Any]) -> str:
    """Every notification shown and not yet gone, one a line."""
    return "\n".join(str(item.message) for item in app._notifications)


async def until_still(pilot: Pilot[Any], app: App[Any]) -> None:
    """Wait until no worker runs and no message waits (a worker's message may start another)."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):  # one just started counts
            return
    raise AssertionError("the workers never finished")


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press each key in turn, and let the app answer each before the next, workers included
    (a change may be checked in one)."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
        await until_still(pilot, pilot.app)


async def open_member(pilot: Pilot[Any], app: App[Any], name: str) -> None:
    """From Home: the members list, then the member called `name`."""
    await pilot.press("m")
    await pilot.pause()
    table = app.screen.query_one("#members", DataTable)
    row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == name)
    table.move_cursor(row=row)
    await pilot.press("enter")
    await pilot.pause()
    assert type(app.screen).__name__ == "MemberScreen"


async def print_record_to_file(pilot: Pilot[Any], app: App[Any], path: Path) -> str:
    """On a member's screen: `p` opens the print dialog on their own record; save it as a
    file at `path` and return what the dialog says."""
    await pilot.press("p")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    dialog = app.screen
    assert type(dialog).__name__ == "PrintDialog"
    dialog.query_one("#print-to", Select).value = ":file"
    await pilot.pause()
    dialog.query_one("#print-path", Input).value = str(path)
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(dialog.query_one("#print-message").render())


async def settled(pilot: Pilot[Any]) -> None:
    """Until the screen is still: a change is checked in a worker (and a rota plan, once made,
    is saved by another)."""
    await pilot.pause()
    await until_still(pilot, pilot.app)


async def open_rota(pilot: Pilot[Any]) -> RotaScreen:
    """The rota screen, opened and settled."""
    await settled(pilot)
    pilot.app.push_screen(RotaScreen())
    await settled(pilot)
    assert isinstance(pilot.app.screen, RotaScreen)
    return pilot.app.screen
