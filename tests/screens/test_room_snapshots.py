"""80×24 snapshots of every screen and dialog the other snapshot files leave out: unlock, the
idle lock, history, the session plan, every session dialog, the room view from Home, the
unsaved-changes question, and Home, Members and the session with 60-character names.

Each waits until the screen has settled: workers finished, toasts cleared, a frame painted.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from screens.dialogs.confirm_dialog import ConfirmDialog
from screens.dialogs.unsaved_dialog import UnsavedDialog
from tests.helpers.app import app_on, encrypted_demo, make_demo
from tests.helpers.clock import TODAY, FrozenClock
from voicesgroup.models import Member
from voicesgroup.store import Store

SIZE = (80, 24)
IN_SESSION = ["s", "ctrl+s", "enter", "+", "n", "t", *"Being believed", "enter"]
LONG_MEMBER = "Maria-Fernanda Alexandrina Bartholomew-Constantinou de la Cruz"[:60]
LONG_GROUP = "Saturday Drop-in for Everyone Who Hears Voices or Has Beliefs"[:60]


async def settle(pilot: Pilot) -> None:
    """Wait until nothing is left to change on screen: workers done, toasts gone, and every
    text cursor steady (a blinking one would be caught on or off at random)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    await pilot.pause()


def keys(*pressed: str):
    async def run_before(pilot: Pilot) -> None:
        await pilot.pause()
        for key in pressed:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run_before


def snap(snap_compare, path: Path, *pressed: str) -> bool:
    return snap_compare(
        app_on(path, clock=FrozenClock()), terminal_size=SIZE, run_before=keys(*pressed)
    )


def test_unlock(snap_compare, tmp_path: Path) -> None:
    path = tmp_path / "locked.json"
    encrypted_demo(path)
    assert snap_compare(app_on(path), terminal_size=SIZE)


def test_lock_by_key(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), "ctrl+l")


def test_idle_lock(snap_compare, tmp_path: Path) -> None:
    clock = [1000.0]
    app = app_on(make_demo(tmp_path / "d.json"), idle_clock=lambda: clock[0])

    async def idle(pilot: Pilot) -> None:
        await pilot.pause()
        clock[0] += 11 * 60
        pilot.app._lock_if_idle()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=idle)


def test_history(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), "down", "down", "h")


def test_history_record(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), "down", "down", "h", "enter")


def test_session_plan(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), "t")


def test_start_session(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), "s")


def test_start_on_another_day(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json", publish_rota=False), "s")


def test_theme_that_names_a_member(snap_compare, tmp_path: Path) -> None:
    path = make_demo(tmp_path / "d.json")
    assert snap(snap_compare, path, *IN_SESSION, "t", *"Kit was brave", "enter")


def test_what_helps_dialog(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), *IN_SESSION, "w")


def test_someone_else_by_name(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), *IN_SESSION, "a")


def test_change_notes(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), *IN_SESSION, "o")


def test_who_is_facilitating(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), *IN_SESSION, "c")


def test_end_session(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, make_demo(tmp_path / "d.json"), *IN_SESSION, "e")


def test_home_in_room_view(snap_compare, tmp_path: Path) -> None:
    path = make_demo(tmp_path / "d.json")
    assert snap(snap_compare, path, *IN_SESSION, "r", "escape")


def test_resume_offer(snap_compare, tmp_path: Path) -> None:
    path = make_demo(tmp_path / "d.json")
    with Store.open(path) as store:
        from voicesgroup.session_runner import SessionRunner

        group = store.groups()[0]
        people = [person.id for person in store.facilitators()[:2]]
        runner = SessionRunner.start(store, group, TODAY, people, FrozenClock())
        runner.change_anonymous(3)
    assert snap(snap_compare, path)


def test_choose_member_with_the_same_name(snap_compare, tmp_path: Path) -> None:
    path = make_demo(tmp_path / "d.json")
    assert snap(snap_compare, path, "m", "a", *"Kit", "enter")


def test_confirm_dialog(snap_compare, tmp_path: Path) -> None:
    async def confirm(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.push_screen(
            ConfirmDialog("Leave without keeping it?", "What was written is not kept.")
        )
        await settle(pilot)

    assert snap_compare(
        app_on(make_demo(tmp_path / "d.json"), clock=FrozenClock()),
        terminal_size=SIZE,
        run_before=confirm,
    )


def test_unsaved_changes(snap_compare, tmp_path: Path) -> None:
    async def unsaved(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.push_screen(
            UnsavedDialog("The folder is read-only, so voicesgroup.json could not be written.")
        )
        await settle(pilot)

    assert snap_compare(
        app_on(make_demo(tmp_path / "d.json"), clock=FrozenClock()),
        terminal_size=SIZE,
        run_before=unsaved,
    )


def _long_names(path: Path) -> Path:
    make_demo(path)
    with Store.open(path) as store:
        group = next(g for g in store.groups() if g.name == "Saturday Drop-in")
        store.save_group(group.with_changes(name=LONG_GROUP))
        members: list[Member] = store.members()
        for member in members[:2]:
            store.save_member(member.with_changes(display_name=LONG_MEMBER))
    return path


def test_home_with_long_names(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, _long_names(tmp_path / "d.json"))


def test_members_with_long_names(snap_compare, tmp_path: Path) -> None:
    assert snap(snap_compare, _long_names(tmp_path / "d.json"), "m")


def test_session_with_long_names(snap_compare, tmp_path: Path) -> None:
    path = _long_names(tmp_path / "d.json")
    with Store.open(path) as store:
        from voicesgroup.session_runner import SessionRunner

        group = next(g for g in store.groups() if g.name == LONG_GROUP)
        people = [person.id for person in store.facilitators()[:2]]
        runner = SessionRunner.start(store, group, TODAY, people, FrozenClock())
        for member in store.members():
            if member.display_name == LONG_MEMBER:
                try:
                    runner.toggle_member(member.id)
                except ValueError:
                    continue
    assert snap(snap_compare, path, "enter")
