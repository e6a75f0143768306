"""Names in choice lists and form messages are text, never markup.

A group, facilitator or member may be called `[/]` (the models accept it). Every list of
choices that shows names, every form message that repeats what was typed, must show it as
typed: read as markup, `[/]` closes the app with a MarkupError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, Select

from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.helpers.clock import TODAY
from tests.helpers.screen import screen_text
from voicesgroup.demo import write_demo_file
from voicesgroup.rota.service import rota_lines
from voicesgroup.store import Store

GROUP = "[/] Tuesday"
FACILITATOR = "[/] Rosa"
MEMBER = "[/] Aisha"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.json"
    write_demo_file(path, TODAY)
    with Store.open(path) as store:
        group = next(g for g in store.groups() if g.name == "Tuesday Voices")
        store.save_group(group.with_changes(name=GROUP))
        rosa = next(f for f in store.facilitators() if f.display_name == "Rosa")
        store.save_facilitator(rosa.with_changes(display_name=FACILITATOR))
        aisha = next(m for m in store.members() if m.display_name == "Aisha")
        store.save_member(aisha.with_changes(display_name=MEMBER))
    return path


def _rota() -> Screen[None]:
    from screens.rota_screen import RotaScreen

    return RotaScreen()


def _review(app: VoicesGroupApp) -> Screen[None]:
    from screens.rota_review_screen import RotaReviewScreen

    return RotaReviewScreen()


def _print(app: VoicesGroupApp) -> Screen[None]:
    from screens.dialogs.print_dialog import PrintDialog

    return PrintDialog()


def _plan(app: VoicesGroupApp) -> Screen[object]:
    from screens.dialogs.generate_rota_dialog import GenerateRotaDialog

    return GenerateRotaDialog(group_id=None, start=TODAY)


def _supervision(app: VoicesGroupApp) -> Screen[bool]:
    from screens.dialogs.supervision_dialog import SupervisionDialog

    return SupervisionDialog()


def _group(app: VoicesGroupApp) -> Screen[None]:
    from screens.group_edit_screen import GroupEditScreen

    return GroupEditScreen(next(g for g in app.store.groups() if g.name == GROUP))


def _library(app: VoicesGroupApp) -> Screen[None]:
    from screens.library_screen import LibraryScreen

    return LibraryScreen()


def _strategy(app: VoicesGroupApp) -> Screen[object]:
    from screens.strategy_edit_screen import StrategyEditScreen

    return StrategyEditScreen(app.store.strategies()[0])


def _swap(app: VoicesGroupApp) -> Screen[object]:
    from screens.dialogs.swap_dialog import SwapDialog

    lines = rota_lines(app.store, None)  # the demo rota has Rosa on it
    line = next(line for line in lines if FACILITATOR in (line.lead, line.co))
    return SwapDialog(line, lines)


SCREENS: dict[str, tuple[Callable[[VoicesGroupApp], Screen[object]], str]] = {
    "rota": (lambda app: _rota(), GROUP),
    "rota review": (_review, GROUP),
    "print": (_print, GROUP),
    "plan a rota": (_plan, GROUP),
    "supervision": (_supervision, FACILITATOR),
    "group form": (_group, GROUP),
    "library": (_library, GROUP),
    "strategy form": (_strategy, MEMBER),
    "swap": (_swap, FACILITATOR),
}


@pytest.mark.parametrize("name", SCREENS)
async def test_choices_show_names_as_typed(data_file: Path, name: str) -> None:
    make, shown = SCREENS[name]
    app = app_on(data_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.push_screen(make(app))
        await pilot.pause()
        seen = ""
        for choice in app.screen.query(Select):
            choice.expanded = True  # the list of choices, as a person opening it sees it
            await pilot.pause()
            seen += screen_text(app)
            choice.expanded = False
            await pilot.pause()
        seen += screen_text(app)
        assert app.return_code is None, "the app closed"
        assert shown in seen


async def test_a_form_message_repeats_what_was_typed_as_typed(data_file: Path) -> None:
    from screens.group_edit_screen import GroupEditScreen

    app = app_on(data_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.push_screen(GroupEditScreen(None))
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "Thursday"
        app.screen.query_one("#start", Input).value = "[/]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.return_code is None, "the app closed"
        shown = " ".join(screen_text(app).split())  # the field is narrow: it wraps
        assert "What was typed, '[/]', is not a" in shown, shown
