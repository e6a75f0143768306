"""80×24 snapshots of a member's rights: consents and notes, a note and its read-back, the
withdrawal choice and the forget confirmation — on demo data with a frozen date."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

MEMBERS = ["Aisha", "Ben", "Carys", "Dev", "Elif"]


async def open_member(pilot: Pilot, name: str) -> None:
    await pilot.press("m")
    await pilot.pause()
    pilot.app.screen.query_one("#members", DataTable).move_cursor(row=MEMBERS.index(name))
    await pilot.press("enter")
    await pilot.pause()


async def write_a_note(pilot: Pilot) -> None:
    await open_member(pilot, "Aisha")
    await pilot.press("n")
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one(
        "#member-words", TextArea
    ).text = "The voices were quieter this week. I went to the library twice and stayed an hour."
    screen.query_one("#what-helped", TextArea).text = "Headphones, and walking the long way."
    for field in screen.query(TextArea):
        field.cursor_blink = False  # the focused field's cursor would be caught on or off
    await pilot.pause()


def test_member_without_consent(snap_compare, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_member(pilot, "Carys")

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_note_screen(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=write_a_note, terminal_size=(80, 24))


def test_note_read_back(snap_compare, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await write_a_note(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_withdrawal_choice(snap_compare, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_member(pilot, "Elif")
        await pilot.press("c")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#scope").value = "personal_notes"
        dialog.query_one("#action").value = "withdrawn"
        dialog.query_one("#recorded_by").value = "Rosa"
        await pilot.pause()
        dialog.query_one("#erase").value = "restrict"
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_forget_confirmation(snap_compare, make_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_member(pilot, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"Eli")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_forget_confirmation_lists_the_texts_naming_them(snap_compare, make_app) -> None:
    from tests.helpers.app import name_elif_in_a_theme

    app = make_app()
    name_elif_in_a_theme(app)

    async def run_before(pilot: Pilot) -> None:
        await open_member(pilot, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
