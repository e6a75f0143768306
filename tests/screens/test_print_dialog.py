"""The print dialog: it says what will be printed, sends it to a real printer (a CUPS server
of the test's own, `tests/helpers/cups_server.py`) or writes the file in a worker, and never
crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from screens.dialogs.print_dialog import PrintDialog
from tests.helpers.cups_server import CupsServer
from tests.helpers.pdf import pdf_text
from voicesgroup.models import CopingStrategy, Group, MeetingPattern, Variant


@pytest.fixture
def no_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """No printing system on this computer: the dialog offers the file only."""
    monkeypatch.setenv("CUPS_SERVER", "/nonexistent/cups.sock")


async def open_dialog(app, pilot, **kwargs) -> PrintDialog:
    await pilot.pause()
    app.push_screen(PrintDialog(**kwargs))
    await pilot.pause()
    await app.workers.wait_for_complete()  # the printers are asked for in a worker
    await pilot.pause()
    return app.screen


async def print_now(app, pilot, dialog: PrintDialog, path: Path | str) -> str:
    dialog.query_one("#print-path").value = str(path)
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(dialog.query_one("#print-message").render())


async def close_asking(app, pilot, dialog: PrintDialog) -> None:
    """Escape on a dialog whose choices were not printed asks first, with everything still
    there; Discard closes it."""
    chosen = dialog.form_values()
    await pilot.press("escape")
    await pilot.pause()
    assert type(app.screen).__name__ == "LeaveFormDialog"
    await pilot.press("enter")  # Keep writing is ready
    await pilot.pause()
    assert app.screen is dialog and dialog.form_values() == chosen
    await pilot.press("escape")
    await pilot.pause()
    app.screen.query_one("#discard").press()
    await pilot.pause()
    assert app.screen is not dialog


def titled(app, *titles: str) -> list:
    by_title = {s.title: s.id for s in app.store.strategies()}
    return [by_title[title] for title in titles]


async def test_lists_what_will_be_printed_and_prints_it(make_app, tmp_path, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        group = app.store.find_group("Tuesday Voices")
        ids = titled(app, "Go for a walk", "Make a comfort box")
        dialog = await open_dialog(app, pilot, group_id=group.id, strategy_ids=ids)
        preview = dialog.preview().plain
        assert preview.startswith("Coping strategies sheet for Tuesday Voices, A4")
        assert "2 picked strategies:" in preview
        assert "• Go for a walk" in preview and "• Make a comfort box" in preview
        assert "Support contacts: Emergency services, NHS 111, Samaritans, Shout." in preview
        # No printing system here: a file is the only choice, and the dialog says so.
        assert dialog.query_one("#print-to").value == ":file"
        state = dialog.query_one("#printer-state")
        assert str(state.render()) == "No printing system: save a file."
        assert "no printing system (CUPS) running" in str(state.tooltip)
        assert str(dialog.query_one("#print").label) == "Save"
        default = dialog.query_one("#print-path").value
        assert default == "~/what-helps-2026-11-26.pdf"
        message = await print_now(app, pilot, dialog, tmp_path / "sheet.pdf")
        assert message == f"✓ Saved. It is at {tmp_path / 'sheet.pdf'}"
        text = pdf_text((tmp_path / "sheet.pdf").read_bytes())
        assert "Go for a walk" in text and "Make a comfort box" in text
        assert app.store.audit_log()[-1].detail == "coping strategies sheet"
        # Once an option changes, "✓ Saved" would speak of a sheet that is not the one shown.
        dialog.query_one("#print-large").value = True
        await pilot.pause()
        assert "Saved" not in str(dialog.query_one("#print-message").render())


async def test_what_was_printed_counts_as_kept_and_escape_then_just_closes(
    make_app, tmp_path, no_lp
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        dialog = await open_dialog(app, pilot)
        assert not dialog.form_changed(), "the path the dialog fills in counts as typed"
        dialog.query_one("#print-large").value = True
        await pilot.pause()
        assert dialog.form_changed()
        assert (await print_now(app, pilot, dialog, tmp_path / "big.pdf")).startswith("✓ Saved")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is home  # nothing unprinted: no question


async def test_a_discreet_sheet_says_which_were_left_out(make_app, tmp_path, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ids = titled(app, "Make a comfort box", "Answer the voices calmly")
        dialog = await open_dialog(app, pilot, strategy_ids=ids)
        dialog.query_one("#print-discreet").value = True
        await pilot.pause()
        preview = dialog.preview().plain
        assert "2 picked strategies, 1 on this discreet sheet:\n  • Make a comfort box" in preview
        assert "Left out of the discreet sheet (1)" in preview
        assert "– Answer the voices calmly (says “voice”)" in preview
        assert "nothing on it says voices, hearing or paranoia" in preview
        await print_now(app, pilot, dialog, tmp_path / "discreet.pdf")
        text = pdf_text((tmp_path / "discreet.pdf").read_bytes())
        assert "Things that help" in text and "Make a comfort box" in text
        assert "calmly" not in text


async def test_an_impossible_path_gives_a_message_not_a_crash(make_app, tmp_path, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        target = tmp_path / "no such folder" / "sheet.pdf"
        message = await print_now(app, pilot, dialog, target)
        assert message.startswith("! Nothing printed. Nothing could be saved in")
        assert not target.parent.exists()
        assert app.screen is dialog and not dialog.query_one("#print").disabled
        # An empty path is caught before any work starts.
        message = await print_now(app, pilot, dialog, "")
        assert "Say where to save it" in message
        # A name too long for the file system is one sentence too, not the app closing.
        message = await print_now(app, pilot, dialog, tmp_path / ("é" * 300 + ".pdf"))
        assert message.startswith("! Nothing printed.") and "choose a shorter one" in message
        assert app.screen is dialog and not list(tmp_path.glob("é*"))


async def send_now(app, pilot, dialog: PrintDialog) -> str:
    """Print to the printer chosen, and follow the job until the dialog says it is done."""
    await pilot.press("ctrl+s")
    for _ in range(600):
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = str(dialog.query_one("#print-message").render())
        if message.startswith(("✓", "!")):
            return message
    raise AssertionError(f"the dialog still says {message!r}")


async def test_sends_a_sheet_to_the_printer_and_nothing_to_disk(
    make_app, tmp_path, cups: CupsServer
) -> None:
    cups.add_printer("Upstairs", "Upstairs printer")
    home = Path.home()
    before = {path for path in home.iterdir()} if home.exists() else set()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        # The system's default comes first until another is chosen.
        assert dialog.query_one("#print-to").value == "Office"
        assert str(dialog.query_one("#print").label) == "Print"
        assert dialog.query_one("#print-path").disabled
        dialog.query_one("#print-to").value = "Upstairs"
        dialog.query_one("#print-copies").value = "2"
        await pilot.pause()
        message = await send_now(app, pilot, dialog)
        assert message == "✓ Sent to Upstairs printer."
        (job,) = [line for line in cups.run("lpstat", "-W", "completed", "-o").split("\n") if line]
        _, data = cups.received(job.split()[0])
        assert "My own ideas" in " ".join(pdf_text(data).split())
        assert app.store.audit_log()[-1].detail == "coping strategies sheet"
        assert app.store.settings().printer == "Upstairs"
        await pilot.press("escape")
        # Next time, the printer used last comes first.
        dialog = await open_dialog(app, pilot)
        assert dialog.query_one("#print-to").value == "Upstairs"
    assert {path for path in home.iterdir()} == before if home.exists() else True
    assert list(tmp_path.glob("*.pdf")) == []


async def test_a_members_own_record_from_the_member_screen_goes_to_the_printer(
    make_app, tmp_path, cups: CupsServer
) -> None:
    from tests.helpers.screen import open_member

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Aisha")
        await pilot.press("p")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PrintDialog)
        assert dialog.kind == "member-record" and dialog.member.display_name == "Aisha"
        assert "Everything kept about Aisha" in dialog.preview().plain
        assert "aisha" not in dialog.query_one("#print-path").value.casefold()
        message = await send_now(app, pilot, dialog)
        assert message == "✓ Sent to Office printer."
        jobs = [line for line in cups.run("lpstat", "-W", "completed", "-o").split("\n") if line]
        arrived, data = cups.received(jobs[-1].split()[0])
        assert "Aisha" in pdf_text(data) and "aisha" not in arrived.name.casefold()
        assert app.store.audit_log()[-1].detail == "a member's own record"
    for path in tmp_path.rglob("*"):
        assert "aisha" not in path.name.casefold()


async def test_a_stopped_or_missing_printer_is_one_sentence_and_loses_nothing(
    make_app, tmp_path, cups: CupsServer
) -> None:
    cups.add_printer("Upstairs")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#print-kind").value = "session-plan"
        await pilot.pause()
        audits = len(app.store.audit_log())
        cups.stop_printer("Office", "paper jam")
        message = await send_now(app, pilot, dialog)
        assert message == (
            "! Office printer is stopped (paper jam): nothing was lost; start it again in the "
            "system's printer settings, choose another printer, or save the PDF."
        )
        cups.remove_printer("Office")
        message = await send_now(app, pilot, dialog)
        assert message.startswith("! There is no printer called 'Office'")
        assert message.count(". ") == 0 and "nothing was printed or lost" in message
        # Nothing lost: the choices are as they were, nothing was audited, and the file is
        # still there to choose.
        assert dialog.kind == "session-plan"
        assert len(app.store.audit_log()) == audits
        assert cups.run("lpstat", "-o").strip() == ""
        dialog.query_one("#print-to").value = ":file"
        await pilot.pause()
        message = await print_now(app, pilot, dialog, tmp_path / "plan.pdf")
        assert message.startswith("✓ Saved.") and (tmp_path / "plan.pdf").exists()


async def test_nothing_to_print_and_names_reach_the_person(make_app, tmp_path, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bare = Group(name="New Group", variant=Variant.CUSTOM, pattern=MeetingPattern(weekday=2))
        app.store.save_group(bare)
        dialog = await open_dialog(app, pilot, group_id=bare.id)
        dialog.query_one("#print-kind").value = "agreement"
        await pilot.pause()
        assert "has no agreement yet" in dialog.preview().plain
        message = await print_now(app, pilot, dialog, tmp_path / "agreement.pdf")
        assert message == "! Nothing printed. The group “New Group” has no agreement yet to print."
        await close_asking(app, pilot, dialog)
        named = CopingStrategy(title="Ring Aisha", category="social")
        app.store.save_strategy(named)
        dialog = await open_dialog(app, pilot, strategy_ids=[named.id])
        await print_now(app, pilot, dialog, tmp_path / "named.pdf")
        # A member's name is asked about too (it may be an everyday word); Cancel is ready.
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "name of a member, Aisha" in str(app.screen.query_one("#question").render())
        await pilot.press("enter")
        await pilot.pause()
        message = str(dialog.query_one("#print-message").render())
        assert message.startswith("! Nothing printed") and "name" in message
        assert not (tmp_path / "named.pdf").exists()
        await close_asking(app, pilot, dialog)
        assert type(app.screen).__name__ == "HomeScreen"


def test_print_dialog_snapshot(snap_compare, make_app, no_lp) -> None:
    async def open_discreet(pilot) -> None:
        app = pilot.app
        ids = titled(app, "Make a comfort box", "Answer the voices calmly", "Agree a text buddy")
        dialog = await open_dialog(app, pilot, strategy_ids=ids)
        dialog.query_one("#print-discreet").value = True
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_discreet)


async def test_asks_before_replacing_and_remembers_the_folder(make_app, tmp_path, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        target = tmp_path / "out" / "sheet.pdf"
        target.parent.mkdir()
        target.write_bytes(b"an earlier sheet")
        audits = len(app.store.audit_log())
        dialog.query_one("#print-path").value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "already exists" in str(app.screen.query_one("#question").render())
        await pilot.click("#cancel")
        await pilot.pause()
        assert target.read_bytes() == b"an earlier sheet"
        assert len(app.store.audit_log()) == audits  # nothing printed, nothing audited
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.read_bytes().startswith(b"%PDF-")
        assert app.store.audit_log()[-1].action == "printed"
        assert app.store.settings().print_folder == str(target.parent)
        await pilot.press("escape")
        # Next time the dialog starts in the folder chosen, with a name that says nothing.
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#print-discreet").value = True
        await pilot.pause()
        assert dialog.query_one("#print-path").value == str(
            target.parent / "things-that-help-2026-11-26.pdf"
        )


async def test_never_writes_over_the_data_file(make_app, no_lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        before = app.store.path.read_bytes()
        for target in (app.store.path, Path(f"{app.store.path}.lock")):
            message = await print_now(app, pilot, dialog, target)
            assert message.startswith("! Nothing printed.") and "data file" in message
        assert app.store.path.read_bytes() == before


async def test_unchecked_contacts_are_offered_for_checking_there_and_then(
    make_app, tmp_path, no_lp
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shout = next(c for c in app.store.support_contacts() if c.name == "Shout")
        app.store.save_support_contact(shout.with_changes(last_checked=None))
        dialog = await open_dialog(app, pilot)
        assert "Not checked yet: Shout" in dialog.preview().plain
        dialog.query_one("#print-path").value = str(tmp_path / "sheet.pdf")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert not (tmp_path / "sheet.pdf").exists()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        checked = next(c for c in app.store.support_contacts() if c.name == "Shout")
        assert checked.last_checked == app.today()
        text = pdf_text((tmp_path / "sheet.pdf").read_bytes())
        assert "Shout" in text and "not been checked" not in text


async def test_a_word_that_may_be_a_name_is_asked_about_once(make_app, tmp_path, no_lp) -> None:
    from voicesgroup.models import Member

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.store.save_member(Member(display_name="Hope"))
        idea = CopingStrategy(title="Hold on to hope", category="social")
        app.store.save_strategy(idea)
        dialog = await open_dialog(app, pilot, strategy_ids=[idea.id])
        dialog.query_one("#print-path").value = str(tmp_path / "hope.pdf")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "“hope”" in str(app.screen.query_one("#question").render())
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "hope.pdf").exists()
        # Remembered for that text: the next print does not ask again.
        message = await print_now(app, pilot, dialog, tmp_path / "again.pdf")
        assert message.startswith("✓ Saved.")


async def test_an_ordinary_word_refused_as_a_name_has_a_way_through(
    make_app, tmp_path, no_lp
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        idea = CopingStrategy(title="dev tools for calm", category="social")  # a member is Dev
        app.store.save_strategy(idea)
        dialog = await open_dialog(app, pilot, strategy_ids=[idea.id])
        await print_now(app, pilot, dialog, tmp_path / "dev.pdf")
        assert type(app.screen).__name__ == "ConfirmDialog"
        assert "“dev”" in str(app.screen.query_one("#question").render())
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "dev tools for calm" in pdf_text((tmp_path / "dev.pdf").read_bytes())
        message = await print_now(app, pilot, dialog, tmp_path / "again.pdf")
        assert message.startswith("✓ Saved.")  # remembered for that text


async def test_a_new_printout_is_in_the_list_with_its_preview_and_file_name(
    make_app, tmp_path, no_lp, monkeypatch
) -> None:
    """The README's walk, in the dialog: a kind given to `printing.register` is listed,
    previewed, named and printed with nothing added here."""
    from tests.helpers.new_printout import KEY, WORDS, add_kindness_card

    add_kindness_card(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        group = app.store.find_group("Tuesday Voices")
        dialog = await open_dialog(app, pilot, group_id=group.id)
        kinds = dialog.query_one("#print-kind")
        assert ("Kindness card", KEY) in [(str(label), value) for label, value in kinds._options]
        kinds.value = KEY
        await pilot.pause()
        assert dialog.preview().plain == (
            f"Kindness card for Tuesday Voices, A4\nOne sentence to keep: {WORDS}"
        )
        assert dialog.query_one("#print-path").value == "~/kind-words-2026-11-26.pdf"
        assert dialog.query_one("#print-discreet").disabled  # the card has no discreet version
        message = await print_now(app, pilot, dialog, tmp_path / "card.pdf")
        assert message == f"✓ Saved. It is at {tmp_path / 'card.pdf'}"
        assert WORDS in pdf_text((tmp_path / "card.pdf").read_bytes())
        assert app.store.audit_log()[-1].detail == "kindness card"


async def test_a_symbol_no_font_prints_is_asked_about_and_never_dropped_silently(
    make_app, tmp_path, no_lp
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        idea = CopingStrategy(title="Breathe with the waves 🌊", category="physical")
        app.store.save_strategy(idea)
        dialog = await open_dialog(app, pilot, strategy_ids=[idea.id])
        await print_now(app, pilot, dialog, tmp_path / "waves.pdf")
        assert type(app.screen).__name__ == "ConfirmDialog"
        question = str(app.screen.query_one("#question").render())
        assert "water wave" in question and "Breathe with the waves" in question
        assert not (tmp_path / "waves.pdf").exists()
        await pilot.press("escape")  # no: nothing is printed, and the dialog says what to do
        await pilot.pause()
        assert app.screen is dialog and not (tmp_path / "waves.pdf").exists()
        message = str(dialog.query_one("#print-message").render())
        assert message.startswith("! Nothing printed")
        await print_now(app, pilot, dialog, tmp_path / "waves.pdf")
        assert type(app.screen).__name__ == "ConfirmDialog"  # asked again, every time
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = str(dialog.query_one("#print-message").render())
        assert message.startswith("✓ Saved.") and "without 1 symbol" in message
        assert "water wave" in message
        assert "Breathe with the waves" in pdf_text((tmp_path / "waves.pdf").read_bytes())


async def test_show_meeting_is_offered_only_where_it_means_something(
    make_app, tmp_path, no_lp
) -> None:
    """Every printout in the dialog's list, discreet or not: "Show meeting" is there only on a
    discreet copy of a sheet that can carry the meeting, and only then reaches the request."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        meeting = dialog.query_one("#print-meeting")
        seen = set()
        for key in dialog._choices:
            dialog.query_one("#print-kind").value = key
            await pilot.pause()
            handout = dialog.handout
            for discreet in (False, True):
                box = dialog.query_one("#print-discreet")
                if discreet and box.disabled:
                    continue  # no discreet version of this one
                box.value = discreet
                meeting.value = True
                await pilot.pause()
                means_something = handout.shows_meeting and discreet
                seen.add(means_something)
                assert meeting.display == means_something, (key, discreet)
                assert dialog.request().show_meeting == means_something, (key, discreet)
        assert seen == {True, False}
