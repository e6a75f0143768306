"""Every form and dialog opens with its first field focused, so typing goes where it should;
Enter in a one-line form saves; a confirmation focuses Cancel only where something is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from screens.dialogs.confirm_dialog import ConfirmDialog
from screens.dialogs.unsaved_dialog import UnsavedDialog
from tests.helpers.app import IN_SESSION, app_on, encrypted_demo, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.forms import assert_no_max_length

JOURNEYS = {
    "new group": (["n"], "name"),
    "group form": (["enter"], "name"),
    "new member": (["m", "a"], "display_name"),
    # An open member is acted on with letter keys, so no text field takes them.
    "member": (["m", "enter"], "consent"),
    "consent dialog": (["m", "enter", "c"], "scope"),
    "note with a member": (["m", "enter", "n"], "member-words"),
    "forget dialog": (["m", "enter", "f"], "forget-name"),
    "facilitator form": (["f", "enter"], "display_name"),
    "strategy form": (["l", "a"], "title"),
    "settings": (["f2"], "organisation"),
    "session plan": (["t"], "plan-parts"),
    "history": (["h"], "history-table"),
    # Both filled in from the published rota: Enter starts (or keeps) them as they are.
    "start session": (["s"], "confirm"),
    "who is facilitating": ([*IN_SESSION, "c"], "confirm"),
    "theme": ([*IN_SESSION, "t"], "capture-text"),
    "follow-up": ([*IN_SESSION, "f"], "capture-text"),
    "what helps": ([*IN_SESSION, "w"], "strategy-title"),
    "someone else by name": ([*IN_SESSION, "a"], "member-search"),
    "change notes": ([*IN_SESSION, "t", *"Hope", "enter", "o"], "note-lines"),
    "end session": ([*IN_SESSION, "e"], "end"),
    "debrief": ([*IN_SESSION, "e", "enter"], "answer-connection"),
    "idle lock": (["ctrl+l"], "secret"),
    "print dialog": (["p"], "print-kind"),
}


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda name: name.replace(" ", "-"))
async def test_focus_on_open(tmp_path: Path, journey: str) -> None:
    keys, expected = JOURNEYS[journey]
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.pause()
        assert app.focused is not None, f"nothing focused on {type(app.screen).__name__}"
        assert app.focused.id == expected, type(app.screen).__name__
        assert_no_max_length(app.screen)
        await app.workers.wait_for_complete()


async def test_start_without_a_rota_focuses_the_lead(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json", publish_rota=False), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "lead"


async def test_first_run_passphrase_and_unlock_focus_the_passphrase(tmp_path: Path) -> None:
    app = app_on(tmp_path / "new.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "first"
    path = tmp_path / "locked.json"
    encrypted_demo(path)
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "secret"
        # Ticking "use the recovery key" sends what is typed next to the key field.
        await pilot.press("tab", "space")
        await pilot.pause()
        await pilot.press(*"ABCD")
        assert app.screen.query_one("#secret").value == "ABCD"


async def test_resume_offer_focuses_resume(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*IN_SESSION)
        await pilot.pause()
        await app.workers.wait_for_complete()
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "resume"


async def test_confirmations_focus_the_safe_button_only_where_something_is_lost(
    tmp_path: Path,
) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        answers: list[bool | None] = []
        app.push_screen(ConfirmDialog("Erase?", "It cannot be undone."), answers.append)
        await pilot.pause()
        assert app.focused.id == "cancel"
        await pilot.press("enter")
        await pilot.pause()
        app.push_screen(
            ConfirmDialog("Publish?", "Everyone sees it.", destructive=False), answers.append
        )
        await pilot.pause()
        assert app.focused.id == "confirm"
        await pilot.press("enter")
        await pilot.pause()
        assert answers == [False, True]
        app.push_screen(UnsavedDialog("The disk is full."))
        await pilot.pause()
        assert app.focused.id == "retry"


async def test_enter_in_a_new_member_form_saves(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m", "a")
        await pilot.pause()
        await pilot.press(*"Morgan", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert any(m.display_name == "Morgan" for m in app.store.members())
