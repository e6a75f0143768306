"""A member's rights, driven by keys: notes written with them, withdrawal, their record, forgetting.

Each journey ends by reading what a person would check: the data file (opened again after the
app has gone), the printed record's text, or the data file's bytes.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, TextArea

from screens.app import VoicesGroupApp
from tests.helpers.app import name_elif_in_a_theme
from tests.helpers.pdf import pdf_text
from tests.helpers.screen import notifications, open_member, print_record_to_file, text_of
from voicesgroup.errors import ConsentMissing
from voicesgroup.models import ConsentScope, Note
from voicesgroup.store import Store
from voicesgroup.store.backups import list_backups


async def withdraw_notes(pilot: Pilot, app: VoicesGroupApp, keep: str) -> str:
    """Record Elif's withdrawal of notes with `keep` ("erase" or "restrict"); the effect shown."""
    await pilot.press("c")
    await pilot.pause()
    dialog = app.screen
    dialog.query_one("#scope").value = ConsentScope.PERSONAL_NOTES.value
    dialog.query_one("#action").value = "withdrawn"
    dialog.query_one("#recorded_by").value = "Rosa"
    await pilot.pause()
    assert "1 note kept about Elif. Ask them" in text_of(app, "#withdraw-effect")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert type(app.screen).__name__ == "ConsentDialog", "recorded without the erase question"
    problem = " ".join(str(line.render()) for line in dialog.query(".form-problem"))
    assert "erase what it covered now, or keep it restricted" in problem
    dialog.query_one("#erase").value = keep
    await pilot.pause()
    effect = text_of(app, "#withdraw-effect")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert type(app.screen).__name__ == "MemberScreen"
    return effect


async def test_without_consent_no_note_is_offered_and_the_core_refuses(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Carys")
        screen = app.screen
        assert "No note can be written: Carys has not said yes" in text_of(app, "#notes-why")
        assert screen.query_one("#write-note", Button).disabled
        assert not screen.active_bindings["n"].enabled
        titles = {command.title for command in app.get_system_commands(screen)}
        assert "Write a note" not in titles and "Consent" in titles
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
    with Store.open(app.db_path) as store:
        carys = store.find_member("Carys")
        with pytest.raises(ConsentMissing, match="Carys has not agreed"):
            store.save_note(Note(member_id=carys.id, member_words="x", agreed_by_member=True))
        assert store.notes(carys.id, include_restricted=True) == []


async def test_a_note_is_read_back_changed_then_kept_once_they_agree(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Aisha")
        assert "n writes a note with Aisha" in text_of(app, "#notes-why")
        await pilot.press("n")
        await pilot.pause()
        note_screen = app.screen
        assert type(note_screen).__name__ == "NoteScreen"
        # Their words, what helped, what to remember, the facilitator's words: nothing else.
        assert [area.id for area in note_screen.query(TextArea)] == [
            "member-words",
            "what-helped",
            "to-remember",
            "facilitator-words",
        ]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert note_screen.step == "note-write"
        assert "own words first" in text_of(app, "#member-words-problem")
        await pilot.press(*"Quieter week")
        note_screen.query_one("#what-helped", TextArea).text = "Headphones on the bus"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert note_screen.step == "note-readback"
        readback = text_of(app, "#readback-text")
        assert "In Aisha's own words:\nQuieter week" in readback
        assert "What helped:\nHeadphones on the bus" in readback
        assert "What the facilitator wrote:\n(nothing written)" in readback
        titles = {command.title for command in app.get_system_commands(note_screen)}
        assert {"They agree — save", "Change something"} <= titles
        assert "Read it back" not in titles
        await pilot.press("c")
        await pilot.pause()
        assert note_screen.step == "note-write"
        words = note_screen.query_one("#member-words", TextArea)
        assert words.text == "Quieter week"
        assert app.focused is words
        await pilot.press("end", *", the library helped")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Quieter week, the library helped" in text_of(app, "#readback-text")
        await pilot.click("#agree")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
        table = app.screen.query_one("#member-notes", DataTable)
        assert table.row_count == 2
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        aisha = store.find_member("Aisha")
        notes = store.notes(aisha.id)
        assert len(notes) == 2
        (new,) = [note for note in notes if note.member_words.startswith("Quieter")]
        assert new.member_words == "Quieter week, the library helped"
        assert new.what_helped == "Headphones on the bus"
        assert new.facilitator_words == "" and new.agreed_by_member and not new.restricted
        assert store.problems() == []


async def test_leaving_a_written_note_asks_first_and_keeps_nothing(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Kit")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Not this")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "LeaveFormDialog"
        await pilot.click("#discard")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        assert len(store.notes(store.find_member("Kit").id)) == 1


async def test_correcting_a_note_keeps_one_note_in_their_latest_words(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Kit")
        before = app.store.notes(app.store.find_member("Kit").id)
        await pilot.press("o")
        await pilot.pause()
        note_screen = app.screen
        assert type(note_screen).__name__ == "NoteScreen"
        words = note_screen.query_one("#member-words", TextArea)
        assert words.text == before[0].member_words
        words.text = "Sleep is better. I let them talk and I read."
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "I let them talk and I read." in text_of(app, "#readback-text")
        await pilot.press("escape")
        await pilot.pause()
        assert note_screen.step == "note-write" and app.screen is note_screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is note_screen, "saved without being read back"
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        (note,) = store.notes(store.find_member("Kit").id, include_restricted=True)
        assert note.id == before[0].id
        assert note.member_words == "Sleep is better. I let them talk and I read."
        assert note.created_at == before[0].created_at
        assert note.updated_at > before[0].updated_at


async def test_withdrawing_notes_with_erase_removes_them(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Elif")
        effect = await withdraw_notes(pilot, app, "erase")
        assert "1 note will be erased now. This cannot be undone." in effect
        assert not app.screen.query_one("#member-notes", DataTable).display
        assert "No note can be written" in text_of(app, "#notes-why")
        assert not app.screen.active_bindings["n"].enabled
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        elif_ = store.find_member("Elif")
        assert store.notes(elif_.id, include_restricted=True) == []
        assert not store.has_consent(elif_.id, ConsentScope.PERSONAL_NOTES)
        assert b"bad weeks pass" not in app.db_path.read_bytes()


async def test_withdrawing_notes_kept_restricted_keeps_them_only_in_their_record(
    make_app, tmp_path
) -> None:
    app = make_app()
    printout = tmp_path / "elif-record.pdf"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Elif")
        effect = await withdraw_notes(pilot, app, "restrict")
        assert "1 note will be kept restricted: shown only in Elif's own record" in effect
        table = app.screen.query_one("#member-notes", DataTable)
        assert "kept restricted" in str(table.get_row_at(0)[1])
        assert "bad weeks" not in str(table.get_row_at(0)[1])
        await pilot.press("o")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
        assert "shown only in Elif's own record" in notifications(app)
        message = await print_record_to_file(pilot, app, printout)
        assert message.startswith("✓ Saved.")
    text = " ".join(pdf_text(printout.read_bytes()).split())
    assert "I want to remember that the bad weeks pass." in text
    assert "you asked us to stop: kept aside, not used" in text
    with Store.open(app.db_path, readonly=True) as store:
        elif_ = store.find_member("Elif")
        assert store.notes(elif_.id) == []
        (note,) = store.notes(elif_.id, include_restricted=True)
        assert note.restricted
        assert store.audit_log()[-1].detail == "a member's own record"


async def test_a_printout_that_cannot_be_saved_is_a_message(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Aisha")
        path = tmp_path / "no-such-folder" / "aisha.pdf"
        message = await print_record_to_file(pilot, app, path)
        assert message.startswith("! Nothing printed.")
        assert type(app.screen).__name__ == "PrintDialog"
        await pilot.press("escape")  # the file name typed is not lost without asking
        await pilot.pause()
        assert type(app.screen).__name__ == "LeaveFormDialog"
        app.screen.query_one("#discard").press()
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
    assert not path.exists()


async def test_forgetting_needs_the_name_typed_and_leaves_no_byte_of_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the texts naming them, looked for in a copy
        await pilot.pause()
        dialog = app.screen
        assert type(dialog).__name__ == "ForgetDialog"
        effects = text_of(app, "#forget-effects")
        assert "Every personal record is erased: 1 note" in effects
        assert "anonymous counts" in effects and "rewritten without them" in effects
        assert "cannot be undone" in text_of(app, "#forget-final")
        await pilot.press(*"Eli", "enter")
        await pilot.pause()
        assert dialog.query_one("#forget", Button).disabled
        assert "exactly as shown" in notifications(app)
        assert app.store.find_member("Elif")
        await pilot.press("f", "enter")
        await pilot.pause()
        for _ in range(50):  # two workers in turn: the files, then the log entry saved
            await app.workers.wait_for_complete()
            await pilot.pause()
            if dialog.report is not None:
                break
        report = text_of(app, "#forget-report")
        assert "1 backup rewritten without them" in report
        assert "appeared in no other stored text" in report
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MembersScreen"
        names = {str(row[0]) for row in map(app.screen.query_one(DataTable).get_row_at, range(11))}
        assert "Elif" not in names and app.screen.query_one(DataTable).row_count == 11
    for blob in [app.db_path.read_bytes()] + [
        b.path.read_bytes() for b in list_backups(app.db_path)
    ]:
        assert b"Elif" not in blob
    with Store.open(app.db_path, readonly=True) as store:
        assert store.problems() == []


async def test_two_members_called_sam_are_told_apart(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:

        async def add_sam(joined: str) -> None:
            await pilot.press("a")
            await pilot.pause()
            app.screen.query_one("#display_name", Input).value = "Sam"
            app.screen.query_one("#joined_on", Input).value = joined
            await pilot.press("ctrl+s")
            await pilot.pause()

        await pilot.press("m")
        await add_sam("2026-03-01")
        assert text_of(app, "#member-title") == "Member: Sam · joined 1 Mar 2026"
        await pilot.press("escape")
        await add_sam("2026-06-01")
        assert type(app.screen).__name__ == "ChooseMemberDialog"
        assert "There is already a member called Sam" in text_of(app, "#choose-member-question")
        choices = app.screen.query_one("#member-choices")
        assert [str(choices.get_option_at_index(i).prompt) for i in range(2)] == [
            "Sam, who joined on 1 Mar 2026",
            "Someone new, also called Sam",
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert text_of(app, "#member-title") == "Member: Sam · joined 1 Jun 2026"
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#members", DataTable)
        sams = [[str(cell) for cell in table.get_row_at(i)[:2]] for i in range(table.row_count)]
        assert [row for row in sams if row[0] == "Sam"] == [
            ["Sam", "1 Mar 2026"],
            ["Sam", "1 Jun 2026"],
        ]
        # A third "Sam" who turns out to be the first one opens their record instead.
        await add_sam("2026-11-26")
        assert "2 members are called Sam" in text_of(app, "#choose-member-question")
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "MemberScreen"
        assert text_of(app, "#member-title") == "Member: Sam · joined 1 Mar 2026"
        await pilot.press("f")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the texts naming them, looked for in a copy
        await pilot.pause()
        assert "Sam, who joined on 1 Mar 2026" in text_of(app, "#forget-who")
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        assert sorted(
            m.joined_on.isoformat() for m in store.members() if m.display_name == "Sam"
        ) == [
            "2026-03-01",
            "2026-06-01",
        ]


async def test_the_forget_dialog_lists_every_text_naming_them_and_redacts_it(make_app) -> None:
    app = make_app()
    name_elif_in_a_theme(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the texts naming them, looked for in a copy
        await pilot.pause()
        dialog = app.screen
        effects = text_of(app, "#forget-effects")
        assert 'Their name becomes "another member" in 1 text' in effects
        assert "Another member's idea of a walk at lunch" in effects
        await pilot.press(*"Elif", "enter")
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if dialog.report is not None:
                break
        assert 'now reads "another member" in: a session' in text_of(app, "#forget-report")
        themes = [theme for session in app.store.sessions() for theme in session.themes]
        assert "Another member's idea of a walk at lunch" in themes
    for path in [app.db_path, *(b.path for b in list_backups(app.db_path))]:
        assert b"Elif" not in path.read_bytes()
