"""The smaller things a facilitator trips on, each checked the way they would notice it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Select

from screens.app import VoicesGroupApp
from screens.dialogs.confirm_dialog import ConfirmDialog
from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.screen import notifications, screen_text

MakeApp = Callable[..., VoicesGroupApp]
SCREENS_BY_KEY = [[], ["m"], ["f"], ["l"], ["r"], ["f", "s"], ["h"], IN_SESSION]


@pytest.mark.parametrize("keys", SCREENS_BY_KEY, ids=lambda keys: "-".join(keys) or "home")
async def test_the_palette_holds_this_apps_actions_only(make_app: MakeApp, keys: list[str]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert titles, type(app.screen).__name__
        assert not titles & {"Keys", "Maximize", "Minimize", "Screenshot", "Theme"}, titles


@pytest.mark.parametrize(
    ("search", "opens"),
    [
        ("Consent", "MembersScreen"),
        ("Supervision", "SupervisionScreen"),
        ("Members", "MembersScreen"),
    ],
)
async def test_from_home_the_palette_finds_what_lives_deeper(
    make_app: MakeApp, search: str, opens: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert search in commands, sorted(commands)
        result = commands[search].callback()
        if result is not None:
            await result
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == opens


@pytest.mark.parametrize(
    ("word", "opens", "said"),
    [
        ("forget", "MembersScreen", "f to forget them"),
        ("break", "FacilitatorsScreen", "b for a break"),
        ("passphrase", "PassphraseDialog", ""),
        ("audit", "SettingsScreen", ""),
        ("backup", "SettingsScreen", "voicesgroup restore BACKUP"),
        ("restore", "SettingsScreen", "voicesgroup restore BACKUP"),
    ],
)
async def test_from_home_a_word_typed_in_the_palette_finds_its_place(
    make_app: MakeApp, word: str, opens: str, said: str
) -> None:
    """Searched as the palette searches (Textual's fuzzy matcher on each title): the word a
    person would type finds the place, and choosing it gets there or says how."""
    from textual.fuzzy import Matcher

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        matcher = Matcher(word)
        found = [c for c in app.get_system_commands(app.screen) if matcher.match(c.title) > 0]
        assert found, f"nothing in the palette for {word!r}"
        best = max(found, key=lambda command: matcher.match(command.title))
        result = best.callback()
        if result is not None:
            await result
        for _ in range(3):
            await pilot.pause()
        assert type(app.screen).__name__ == opens
        assert said in notifications(app)


async def test_quitting_during_a_session_asks_first(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in IN_SESSION:
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "A session is running" in screen_text(app)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.is_running and type(app.screen).__name__ == "SessionScreen"


async def test_quitting_with_a_form_half_written_asks_and_focuses_stay(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Thursday")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "not kept yet" in screen_text(app)
        assert app.focused is not None and app.focused.id == "cancel"


async def test_history_ends_a_cut_theme_with_an_ellipsis(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        rows = [line for line in screen_text(app).splitlines() if " 2026 " in line]
        assert rows and any(line.rstrip().endswith("…") for line in rows), rows


async def test_the_consent_answer_starts_on_nothing_chosen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m", "enter", "c")
        await pilot.pause()
        assert app.screen.query_one("#action", Select).value is Select.NULL


FOOTER_JOURNEYS = {
    "home": [],
    "members": ["m"],
    "facilitators": ["f"],
    "library": ["l"],
    "rota": ["r"],
    "history": ["h"],
    "reports": ["e"],
    "member": ["m", "enter"],
    "supervision": ["f", "s"],
    "follow-ups": ["f", "u"],
    "session": IN_SESSION,
    "a round": [*IN_SESSION, "right", "right"],
}


@pytest.mark.parametrize("journey", FOOTER_JOURNEYS)
async def test_the_footer_at_80_columns_keeps_every_key_it_shows(
    tmp_path: Path, journey: str
) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in FOOTER_JOURNEYS[journey]:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).rstrip().splitlines()[-1]
        shown = [
            active.binding
            for active in app.screen.active_bindings.values()
            if active.binding.show and active.enabled
        ]
        assert shown
        for binding in shown:
            assert f"{app.get_key_display(binding)} {binding.description}" in footer, footer


@pytest.mark.parametrize("keys", [[], IN_SESSION], ids=["home", "session"])
async def test_help_scrolls_with_page_down(tmp_path: Path, keys: list[str]) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0, "the help fits: nothing to scroll"
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y


@pytest.mark.parametrize("keys", [["e"], ["ctrl+q"]], ids=["end", "quit"])
async def test_a_dialog_fits_a_terminal_narrower_than_80(tmp_path: Path, keys: list[str]) -> None:
    """At 60 columns a dialog is as wide as the terminal, not cut off at its right edge."""
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        for key in IN_SESSION + keys:
            await pilot.press(key)
            await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        assert dialog.region.right <= 60, dialog.region
        assert dialog.region.x >= 0
