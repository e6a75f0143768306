"""A note with a member opens at its top at 80×24: the first question is read above its box,
not scrolled off the screen as the box takes the focus."""

from __future__ import annotations

from pathlib import Path

import pytest

from screens.note_screen import NoteScreen
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.screen import screen_text


@pytest.mark.parametrize("height", [24, 30])
async def test_the_note_opens_with_its_first_question_on_screen(
    tmp_path: Path, height: int
) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, height)) as pilot:
        await pilot.pause()
        for key in ("m", "enter", "n"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NoteScreen)
        name = screen.member.display_name
        said = screen_text(app)
        assert f"In {name}'s own words" in said, said[-2000:]
        assert screen.focused is not None and screen.focused.id == "member-words"
