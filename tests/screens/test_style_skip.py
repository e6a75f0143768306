"""`VoicesGroupApp.update_styles` (screens/app.py) skips two style passes, trusting two of
Textual's internals: `is_attached` (False for a widget not mounted yet, which is styled as it
mounts) and `stack_updates` (1 on a screen's first showing, just after it was styled as it
mounted). Textual is pinned exactly; should an upgrade change what either means, this test
says so: the app with the skip must paint every screen of a journey exactly as Textual's own
`update_styles` does — the same cells and colours, the same styles on every widget — and
must still make fewer style passes (else the skip has silently stopped skipping).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.screens.conftest import settle

JOURNEY = ["enter", "escape", "p", "escape", "f1", "escape", "l", "escape", "enter", "escape"]
"""From Home: the group form, the print dialog, help, the library, then the group form again
(a second showing) and Home again (its second showing)."""

CHANGED_MEANING = (
    "Textual's is_attached or stack_updates no longer means what VoicesGroupApp.update_styles "
    "(screens/app.py) relies on: re-check that skip against this Textual"
)


def styles_of(app: App[Any]) -> dict[str, dict[str, object]]:
    """Every widget on the current screen (by its place in the tree) and the style rules it
    was given."""
    found: dict[str, dict[str, object]] = {}
    for place, widget in enumerate(app.screen.walk_children(with_self=True)):
        rules = {**widget.styles.base.get_rules(), **widget.styles.inline.get_rules()}
        found[f"{place}:{type(widget).__name__}"] = {
            name: repr(value) for name, value in rules.items()
        }
    return found


async def journey(app: VoicesGroupApp) -> list[tuple[str, dict[str, dict[str, object]]]]:
    """The screen and its styles after each key of the journey (and at the start)."""
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await settle(pilot)
        seen.append((app.export_screenshot(), styles_of(app)))
        for key in JOURNEY:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await settle(pilot)
            seen.append((app.export_screenshot(), styles_of(app)))
    return seen


async def test_the_style_skip_paints_what_textual_paints(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes = {"skipping": 0, "textual": 0}
    counting = "skipping"
    textuals = App.update_styles

    def counted(self: App[Any], node: Any, animate: bool = True) -> None:
        passes[counting] += 1
        textuals(self, node, animate)

    monkeypatch.setattr(App, "update_styles", counted)
    skipping = await journey(app_on(demo_db))

    counting = "textual"
    other = tmp_path / "other.json"
    other.write_bytes(demo_db.read_bytes())
    plain = app_on(other)
    plain.update_styles = lambda node, animate=True: counted(plain, node, animate)  # type: ignore[method-assign]  # Textual's own, every pass
    as_textual = await journey(plain)

    assert len(skipping) == len(as_textual) == len(JOURNEY) + 1
    for step, ((screen, styles), (their_screen, their_styles)) in enumerate(
        zip(skipping, as_textual, strict=True)
    ):
        where = f"after {JOURNEY[:step]}"
        assert styles == their_styles, f"{CHANGED_MEANING} (the styles differ {where})"
        assert screen == their_screen, f"{CHANGED_MEANING} (the screen differs {where})"
    assert passes["skipping"] < passes["textual"] - len(JOURNEY) // 2, (
        f"{CHANGED_MEANING}: it no longer skips ({passes})"
    )
