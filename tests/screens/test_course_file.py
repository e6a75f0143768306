"""A mistyped course file beside the data file never closes the app: the facilitators, their
paths and supervision still open, and the path says what is wrong with the file."""

from __future__ import annotations

from tests.helpers.screen import press, text_of

SOL_ROW = 4  # Marcia, Niall, Priya, Rosa, Sol, Tomasz


async def test_a_broken_course_file_is_a_sentence_not_a_closed_app(make_app) -> None:
    app = make_app()
    (app.db_path.parent / "training_modules.toml").write_text(
        '[[module]]\nkey = "one"\ntitle = "Our own day"\noptional = "false"\n'
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f")
        assert type(app.screen).__name__ == "FacilitatorsScreen"
        await press(pilot, *["down"] * SOL_ROW, "p")
        assert type(app.screen).__name__ == "FacilitatorPathScreen"
        summary = " ".join(text_of(app, "#path-summary").split())
        assert "training_modules.toml gives optional = 'false'" in summary
        assert "Shadowed: 4 of 6" in summary  # the rest of the path still holds
        await press(pilot, "escape", "escape")
        assert app.is_running
