"""Sharing between laptops in the app: the Exchange screen, conflicts settled side by side, the
exchange the app runs by itself (in a worker, never in the room's way), the coordinator's Home."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, TextArea

from screens.app import VoicesGroupApp
from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import TODAY, FrozenClock
from tests.helpers.exchange_laptops import (
    GROUP,
    Laptops,
    change_note_on_both,
    join,
    two_group_laptops,
)
from tests.helpers.screen import screen_text, text_of, until_still
from tests.helpers.threads import Watched
from voicesgroup.exchange import clock, conflicts, service
from voicesgroup.exchange.view import NOT_SET_UP, SETUP_COMMAND
from voicesgroup.models import SupportContact
from voicesgroup.store import Store

WALL_MS = int(dt.datetime(2026, 11, 25, 17, 0, tzinfo=dt.UTC).timestamp() * 1000)
SNAPSHOT_FOLDER = Path("/tmp/voicesgroup-snapshot-exchange")
"""A fixed place, so the path the screen shows is the same on every run."""
UNREAD_SNAPSHOT_FOLDER = Path("/tmp/voicesgroup-snapshot-unread")
"""Another fixed place, for the other snapshot that makes one: tests run side by side."""


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every laptop's clock says the same moment, and replica ids come in a fixed order."""
    monkeypatch.setattr(clock, "wall_ms", lambda: WALL_MS)
    counter = itertools.count(1)

    def replica_id(n: int = 16) -> str:
        return (f"{next(counter)}f3a9c" * n)[: 2 * n]

    monkeypatch.setattr("secrets.token_hex", replica_id)


@pytest.fixture
def with_conflict(tmp_path: Path) -> Laptops:
    made = two_group_laptops(tmp_path, coordinator=True)
    change_note_on_both(made, "walking helps", "music helps")
    return made


async def opened(pilot: Pilot[Any], app: VoicesGroupApp) -> None:
    """Home painted, and the exchange the app starts by itself run to its end."""
    await pilot.pause(0.5)
    await until_still(pilot, app)


def footer(app: VoicesGroupApp) -> str:
    return screen_text(app).rstrip().splitlines()[-1]


# -- not set up ---------------------------------------------------------------------------


async def test_without_set_up_the_screen_says_what_sharing_is_and_the_command(
    make_app: Callable[..., VoicesGroupApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        assert "Sharing" not in footer(app), "the key shows once the laptop is set up"
        await app.run_action("app.command_palette")
        await pilot.press(*"Sharing")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ExchangeScreen"
        text = " ".join(screen_text(app).split())
        assert SETUP_COMMAND in text
        assert "members, consent and notes stay on their group's laptops" in text
        assert "Conflicts to settle" not in text
        assert "Exchange now" not in footer(app)
        app.exchange_soon(asked=True)  # the app asked anyway: one sentence, nothing else
        await until_still(pilot, app)
        assert NOT_SET_UP.split(":")[0] + "." in " ".join(screen_text(app).split())


# -- set up: the exchange, conflicts -------------------------------------------------------


async def test_the_app_exchanges_after_home_paints_and_says_so_quietly(
    with_conflict: Laptops,
    watched: Watched,
) -> None:
    with Store.open(with_conflict.second) as store:
        store.save_support_contact(SupportContact(name="Canal walk line", how="0800 000 000"))
        service.exchange(store)
    app = app_on(with_conflict.group)
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        assert app.exchange_line is None  # nothing before Home has painted
        await opened(pilot, app)
        assert "x Sharing" in footer(app)
        for shown in app.screen.active_bindings.values():  # all of them, F1 help included
            if shown.binding.show and shown.enabled:
                key = f"{app.get_key_display(shown.binding)} {shown.binding.description}"
                assert key in footer(app), footer(app)
        assert app.exchange_line == "Exchanged with 1 laptop: 1 support contact came in."
        assert (app.exchange_line or "?") in " ".join(screen_text(app).split())
        assert "Canal walk line" in {c.name for c in app.store.support_contacts()}
        assert not app.file_work_under_way and not app.store.unsaved
    assert watched.off_the_ui_thread() == [], "the worker reached the store"
    with Store.open(with_conflict.group, readonly=True) as store:
        assert "Canal walk line" in {c.name for c in store.support_contacts()}


async def test_a_conflict_is_settled_side_by_side_and_the_other_version_goes(
    with_conflict: Laptops,
) -> None:
    app = app_on(with_conflict.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "A note written on 4 March 2025" in text
        assert "the coordinator's laptop" in text and f"a laptop of {GROUP}" in text
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConflictScreen"
        text = screen_text(app)
        assert "walking helps" in text and "music helps" in text
        [waiting] = conflicts.waiting(app.store)
        version_two = waiting.other["member_words"]
        await pilot.press("2")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")  # a second thought: nothing changes
        await pilot.pause()
        assert len(conflicts.waiting(app.store)) == 1
        await pilot.press("2")
        await pilot.pause()
        await pilot.click("#confirm")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "ExchangeScreen"
        assert "Nothing to settle." in screen_text(app)
        [member] = app.store.members()
        assert [n.member_words for n in app.store.notes(member.id)] == [version_two]
    with Store.open(with_conflict.group, readonly=True) as store:
        assert conflicts.waiting(store) == []
    with Store.open(with_conflict.second) as store:  # the app sent the choice by itself
        service.exchange(store)
        [member] = store.members()
        assert [n.member_words for n in store.notes(member.id)] == [version_two]
        assert conflicts.waiting(store) == []


async def test_help_says_what_is_shared_once_set_up(
    with_conflict: Laptops, make_app: Callable[..., VoicesGroupApp]
) -> None:
    for app, shared in ((app_on(with_conflict.group), True), (make_app(), False)):
        async with app.run_test(size=(80, 24)) as pilot:
            await opened(pilot, app)
            await pilot.press("f1")
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpDialog"
            text = " ".join(app.screen.query_one(Markdown).source.split())
            assert ("shared with the organisation's other laptops" in text) is shared
            assert "Nothing leaves this laptop unless you print" in text


async def test_both_versions_are_written_into_one_and_kept(with_conflict: Laptops) -> None:
    app = app_on(with_conflict.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConflictEditScreen"
        words = app.screen.query_one("#conflict-member_words", TextArea)
        assert {"walking helps", "music helps"} <= set(words.text.split("\n\n"))
        words.text = "walking helps, and music on the way"
        await pilot.press("ctrl+s")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "ExchangeScreen"
        [member] = app.store.members()
        kept = [n.member_words for n in app.store.notes(member.id)]
        assert kept == ["walking helps, and music on the way"]
        assert conflicts.waiting(app.store) == []


async def test_exchange_now_brings_in_what_came_and_refreshes_the_screen(
    with_conflict: Laptops,
) -> None:
    app = app_on(with_conflict.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        await pilot.press("x")
        await pilot.pause()
        with Store.open(with_conflict.second) as store:
            [waiting] = conflicts.waiting(store)
            conflicts.resolve(store, waiting.copy_id, waiting.shown)
            service.exchange(store)
        await pilot.press("x")
        await until_still(pilot, app)
        text = screen_text(app)
        assert "Exchanged with 1 laptop" in text
        assert "Nothing to settle." in text, "the other laptop's choice reached this one"


async def test_a_folder_that_is_gone_is_one_calm_sentence(with_conflict: Laptops) -> None:
    app = app_on(with_conflict.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        before = app.db_path.read_bytes()
        shutil.rmtree(with_conflict.folder)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("x")
        await until_still(pilot, app)
        line = app.exchange_line or ""
        assert line.startswith("The exchange did not run: ")
        assert "Traceback" not in screen_text(app) and line.count("\n") == 0
        assert type(app.screen).__name__ == "ExchangeScreen"
        assert app.db_path.read_bytes() == before


# -- the room -----------------------------------------------------------------------------


async def test_a_session_is_never_interrupted_by_an_exchange(tmp_path: Path) -> None:
    demo = make_demo(tmp_path / "demo.json")
    folder = tmp_path / "exchange"
    folder.mkdir()
    other = tmp_path / "other" / "vg.json"
    other.parent.mkdir()
    with Store.open(demo) as store:
        group = store.groups()[0].name
        service.setup(
            store,
            folder,
            passphrase="river stones and tea",
            group_passphrases={group: "tuesday evening"},
            coordinator=False,
            params=_quick(),
        )
        service.exchange(store)
    with Store.open(other) as store:
        join(store, folder, group=False)
        service.exchange(store)
    app = app_on(demo, clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)  # the exchange at opening has run
        line_before = app.exchange_line
        with Store.open(other) as store:  # meanwhile, on the coordinator's laptop
            store.save_support_contact(SupportContact(name="Canal walk line", how="0800 000 000"))
            service.exchange(store)
        for key in IN_SESSION:
            await pilot.press(key)
            await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"
        session_screen = app.screen
        notes_before = len(app._notifications)
        app.exchange_soon()  # as at opening, or from a key on another screen
        await until_still(pilot, app)
        await pilot.pause(0.5)
        assert app.screen is session_screen, "something opened over the session"
        assert len(app._notifications) == notes_before, "a message popped up in the room"
        assert "Canal walk line" not in {c.name for c in app.store.support_contacts()}
        assert app.exchange_line == line_before
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")  # end the session
        await pilot.pause()
        assert type(app.screen).__name__ == "DebriefScreen"
        await pilot.press("escape")  # the debrief can wait
        await until_still(pilot, app)
        if type(app.screen).__name__ != "HomeScreen":
            await pilot.press("enter")
            await until_still(pilot, app)
        assert type(app.screen).__name__ == "HomeScreen"
        await until_still(pilot, app)
        assert "Canal walk line" in {c.name for c in app.store.support_contacts()}
        assert app.exchange_line == "Exchanged with 1 laptop: 1 support contact came in."


def _quick() -> Any:
    from tests.helpers.exchange_laptops import QUICK

    return QUICK


# -- the coordinator's Home ------------------------------------------------------------------


async def test_the_coordinators_laptop_opens_on_a_home_for_its_role(
    with_conflict: Laptops,
) -> None:
    assert with_conflict.coordinator is not None
    app = app_on(with_conflict.coordinator)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        text = screen_text(app)
        assert "All groups" in text and GROUP in text
        assert "Nobody on the rota" in text
        keys = footer(app)
        assert "Session" not in keys and "Members" not in keys
        assert "Reports" in keys and "Sharing" in keys
        # Nor does the palette lead to members (it offers what Home's keys allow).
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Consent" not in titles and "Members" not in titles, titles
        assert {"Supervision", "Sharing"} <= titles, titles
        await pilot.press("v")
        await pilot.pause()
        assert type(app.screen).__name__ == "RotaReviewScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("e")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "ReportsScreen"
        assert "counted on each group's own laptop" in " ".join(screen_text(app).split())


# -- how it looks ---------------------------------------------------------------------------


def test_exchange_screen_not_set_up(snap_compare, make_app) -> None:
    async def open_it(pilot: Pilot[Any]) -> None:
        from screens.exchange_screen import ExchangeScreen

        await pilot.pause(0.5)
        await pilot.app.push_screen(ExchangeScreen())

    assert snap_compare(make_app(), run_before=open_it)


def test_exchange_screen_with_two_laptops_and_a_conflict(
    snap_compare, still_clock, tmp_path: Path
) -> None:
    shutil.rmtree(SNAPSHOT_FOLDER, ignore_errors=True)
    try:
        made = two_group_laptops(tmp_path, folder=SNAPSHOT_FOLDER)
        change_note_on_both(made, "walking helps", "music helps")

        async def open_it(pilot: Pilot[Any]) -> None:
            await opened(pilot, pilot.app)  # type: ignore[arg-type]  # Pilot's app is any App
            await pilot.press("x")

        # The conflict waits on the laptop whose merge found it: here the second one.
        assert snap_compare(app_on(made.second), run_before=open_it)
    finally:
        shutil.rmtree(SNAPSHOT_FOLDER, ignore_errors=True)


def test_coordinators_home(snap_compare, still_clock, tmp_path: Path) -> None:
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None

    async def open_it(pilot: Pilot[Any]) -> None:
        await opened(pilot, pilot.app)  # type: ignore[arg-type]  # Pilot's app is any App

    assert snap_compare(app_on(made.coordinator), run_before=open_it)


async def test_a_groups_session_in_progress_is_not_the_coordinators_to_resume(
    tmp_path: Path,
) -> None:
    """A session that reached the coordinator while it ran on its group's laptop (room view
    on) is not offered for resuming there, does not hide the coordinator's Home, and does not
    hold the coordinator's exchange as a session running in the room would."""
    from voicesgroup.session_runner import SessionRunner

    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    with Store.open(made.group) as store:
        [group] = store.groups()
        runner = SessionRunner.start(store, group, TODAY, [])
        runner.set_room_view(True)
        service.exchange(store)
    with Store.open(made.coordinator) as store:
        service.exchange(store)
        assert [s.status.value for s in store.sessions()] == ["in_progress"]
    with Store.open(made.group) as store:
        store.save_support_contact(SupportContact(name="Canal walk line", how="0800 000 000"))
        service.exchange(store)
    app = app_on(made.coordinator)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        assert type(app.screen).__name__ == "HomeScreen"
        text = screen_text(app)
        assert "A session is still in progress" not in text and "Room view is on" not in text
        assert "Canal walk line" in {c.name for c in app.store.support_contacts()}


# -- outboxes that cannot be read ------------------------------------------------------------

UNREADABLE = "voicesgroup-abcdef.outbox"
"""A file in the folder named as an outbox, cut short (a stick pulled out mid-copy)."""


def unreadable_files(made: Laptops) -> Path:
    """A cut-short outbox and a cut-short conflict copy of the second laptop's outbox put in
    the folder; the copy's path."""
    [second] = [p for p in made.folder.glob("*.outbox") if service_replica(made.second) in p.name]
    (made.folder / UNREADABLE).write_bytes(b"VOICESGROUP-EXCHANGE\n\x00\x00")
    copy = made.folder / second.name.replace(".outbox", ".sync-conflict-20261207-101010-A.outbox")
    copy.write_bytes(second.read_bytes()[:300])
    return copy


def service_replica(data_file: Path) -> str:
    with Store.open(data_file, readonly=True) as store:
        return str(service.status(store)["this_laptop"]["replica"])


async def test_sharing_names_an_outbox_that_cannot_be_read_once_with_what_to_do(
    tmp_path: Path,
) -> None:
    made = two_group_laptops(tmp_path)
    copy = unreadable_files(made)
    app = app_on(made.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        home_line = app.exchange_line or ""
        assert home_line.count("was not read") == 1  # Home tells the first, and counts
        assert home_line.endswith("(and 1 more problem)")
        await pilot.press("x")
        await pilot.pause()
        said = text_of(app, "#exchange-here") + "\n" + text_of(app, "#exchange-line")
        assert said.count(UNREADABLE) == 1, said
        assert said.count(copy.name) == 1, said
        assert "If it stays, exchange again on the laptop that wrote it." in said
        assert "was not read" not in text_of(app, "#exchange-line")
        await pilot.press("x")  # a later exchange: the copy goes, in one sentence
        await until_still(pilot, app)
        said = text_of(app, "#exchange-here") + "\n" + text_of(app, "#exchange-line")
        assert not copy.exists()
        assert said.count(copy.name) == 1 and f"The conflict copy {copy.name} was removed" in said
        assert said.count(UNREADABLE) == 1, said
        assert "still holds" not in said  # the line on Home says it; here the list does
        assert "Traceback" not in screen_text(app)
    assert "still holds 1 outbox that cannot be read" in (app.exchange_line or "")


def test_exchange_screen_with_an_outbox_that_cannot_be_read(
    snap_compare, still_clock, tmp_path: Path
) -> None:
    shutil.rmtree(UNREAD_SNAPSHOT_FOLDER, ignore_errors=True)
    try:
        made = two_group_laptops(tmp_path, folder=UNREAD_SNAPSHOT_FOLDER)
        (made.folder / UNREADABLE).write_bytes(b"VOICESGROUP-EXCHANGE\n\x00\x00")

        async def open_it(pilot: Pilot[Any]) -> None:
            await opened(pilot, pilot.app)  # type: ignore[arg-type]  # Pilot's app is any App
            await pilot.press("x")

        assert snap_compare(app_on(made.second), run_before=open_it)
    finally:
        shutil.rmtree(UNREAD_SNAPSHOT_FOLDER, ignore_errors=True)
