"""The print dialog: it says what will be printed, writes the PDF in a worker, and never
crashes — with `lp` mocked so no real printer is ever called."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from screens.dialogs.print_dialog import PrintDialog
from tests.pdf_helpers import pdf_text
from voicesgroup.models import CopingStrategy, Group, MeetingPattern, Variant


class FakeLp:
    """Stands in for `subprocess.run`: records each command, optionally fails like lp does."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, command, **kwargs):
        self.calls.append(list(command))
        if self.fail:
            raise subprocess.CalledProcessError(1, command, stderr="lp: No default destination")
        return subprocess.CompletedProcess(command, 0, stdout="request id is office-1", stderr="")


@pytest.fixture
def no_lp(monkeypatch: pytest.MonkeyPatch) -> FakeLp:
    fake = FakeLp()
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(subprocess, "run", fake)
    return fake


@pytest.fixture
def lp(monkeypatch: pytest.MonkeyPatch) -> FakeLp:
    fake = FakeLp()
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: f"/usr/bin/{name}")
    monkeypatch.setattr(subprocess, "run", fake)
    return fake


async def open_dialog(app, pilot, **kwargs) -> PrintDialog:
    await pilot.pause()
    app.push_screen(PrintDialog(**kwargs))
    await pilot.pause()
    return app.screen


async def print_now(app, pilot, dialog: PrintDialog, path: Path | str) -> str:
    dialog.query_one("#print-path").value = str(path)
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(dialog.query_one("#print-message").render())


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
        # No lp here: the box is off and disabled, and the dialog says so.
        send = dialog.query_one("#print-send")
        assert send.disabled and not send.value
        assert "No printer (lp) found" in str(dialog.query_one("#print-no-printer").render())
        default = dialog.query_one("#print-path").value
        assert default == "~/what-helps-2026-11-26.pdf"
        message = await print_now(app, pilot, dialog, tmp_path / "sheet.pdf")
        assert message == f"✓ Saved. It is at {tmp_path / 'sheet.pdf'}"
        text = pdf_text((tmp_path / "sheet.pdf").read_bytes())
        assert "Go for a walk" in text and "Make a comfort box" in text
        assert no_lp.calls == []
        assert app.store.audit_log()[-1].detail == "coping strategies sheet"
        # Once an option changes, "✓ Saved" would speak of a sheet that is not the one shown.
        dialog.query_one("#print-large").value = True
        await pilot.pause()
        assert "Saved" not in str(dialog.query_one("#print-message").render())


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


async def test_sends_to_the_printer_with_lp(make_app, tmp_path, lp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        assert dialog.query_one("#print-send").value
        assert str(dialog.query_one("#print").label) == "Print"
        dialog.query_one("#print-kind").value = "diary-beliefs"
        await pilot.pause()
        assert dialog.query_one("#print-group").disabled
        assert dialog.query_one("#print-path").value == "~/diary-beliefs-2026-11-26.pdf"
        target = tmp_path / "diary.pdf"
        message = await print_now(app, pilot, dialog, target)
        assert lp.calls == [["lp", str(target)]]
        assert message == f"✓ Sent to the printer. The PDF is at {target}"
        assert target.read_bytes().startswith(b"%PDF-")


async def test_a_printer_refusal_is_reported_and_the_pdf_kept(make_app, tmp_path, lp) -> None:
    lp.fail = True
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(app, pilot)
        dialog.query_one("#print-kind").value = "session-plan"
        await pilot.pause()
        assert dialog.query_one("#print-large").disabled
        assert "Session plan for Saturday Drop-in" in dialog.preview().plain
        message = await print_now(app, pilot, dialog, tmp_path / "plan.pdf")
        assert "the printer did not take it: lp: No default destination" in message
        assert (tmp_path / "plan.pdf").exists()


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
        await pilot.press("escape")
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
        await pilot.press("escape")
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
