"""Screens show their keys with `KeysFooter`, which lets go of the keys it removed: Textual's
`Footer` kept every key it ever showed alive (14 for each screen opened from Home), and each
full sweep of the collector walked them again."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import Footer

from screens.widgets.keys_footer import KeysFooter
from tests.helpers.app import app_on

SCREENS = Path(__file__).resolve().parents[2] / "screens"


def followers(footer: Footer) -> int:
    """How many widgets follow the footer's settings (Textual's own record of them)."""
    return sum(len(entries) for entries in getattr(footer, "__watchers", {}).values())


async def test_home_keeps_no_dead_keys_however_often_it_is_left(demo_db: Path) -> None:
    app = app_on(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        for key in ("enter", "m", "f2", "l", "enter", "m", "f2", "l"):
            await pilot.press(key)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        shown = len(footer.children)
        assert shown > 0
        assert followers(footer) <= shown, "keys no longer on the footer are still held"


def direct_footers(root: Path) -> list[str]:
    """Where code under `root` builds Textual's `Footer` itself (file:line)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
                if name == "Footer":
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_screens_compose_the_keys_footer_only() -> None:
    direct = direct_footers(SCREENS)
    assert not direct, f"Textual's Footer composed directly (use KeysFooter): {direct}"


def test_the_check_finds_a_footer_composed_directly(tmp_path: Path) -> None:
    (tmp_path / "a_screen.py").write_text(
        "from textual import widgets\n"
        "from textual.widgets import Footer\n"
        "one = Footer()\n"
        "two = widgets.Footer(show_command_palette=False)\n"
        "fine = KeysFooter()\n"
    )
    assert direct_footers(tmp_path) == ["a_screen.py:3", "a_screen.py:4"]
