"""The app's exchange is prepared in a worker on a copy of the data and applied on the UI
thread in one save (screens/exchange_worker.py): keys typed while it is prepared reach the
screen, a change made meanwhile makes it prepare again (neither side lost), and a member
forgotten on another laptop is forgotten here by the store's own forgetting, backups included."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from screens import exchange_worker
from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.helpers.exchange_laptops import (
    MEMBER,
    Laptops,
    contact,
    contacts_in,
    laptops_bringing_a_change,
    two_group_laptops,
)
from tests.helpers.screen import screen_text, until_still
from tests.helpers.threads import Watched
from tests.helpers.waits import pilot_until
from voicesgroup.exchange import service
from voicesgroup.store import Store


class HeldPrepare:
    """`service.prepare` held at its start, each of its first `hold` calls until the test lets
    that one go (`release`), counting every call and the thread it ran on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold: int = 1) -> None:
        self.gates = [threading.Event() for _ in range(hold)]
        self.calls: list[str] = []
        real = service.prepare

        def held(*args: Any, **kwargs: Any) -> service.Prepared:
            call = len(self.calls)
            self.calls.append(threading.current_thread().name)
            if call < len(self.gates):
                assert self.gates[call].wait(60), "the test never let the exchange go on"
            return real(*args, **kwargs)

        monkeypatch.setattr(service, "prepare", held)

    def release(self, call: int | None = None) -> None:
        """Let call number `call` (from 0) go on, or every one."""
        for gate in self.gates if call is None else [self.gates[call]]:
            gate.set()


@pytest.fixture
def brings_changes(tmp_path: Path) -> Laptops:
    return laptops_bringing_a_change(tmp_path)


async def test_keys_reach_the_screen_while_the_exchange_is_prepared_and_a_change_meanwhile_is_kept(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch, watched: Watched
) -> None:
    held = HeldPrepare(monkeypatch)
    app = app_on(brings_changes.group)
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await pilot_until(pilot, lambda: held.calls, "the exchange to be prepared")
        assert held.calls[0] != threading.main_thread().name, "prepared on the UI thread"
        # The exchange is being prepared: every key is answered at once.
        await pilot.press("l")
        await pilot_until(pilot, lambda: type(app.screen).__name__ == "LibraryScreen", "Library")
        await pilot.press("slash", *"walk")
        await pilot.pause()
        assert app.screen.query_one("#library-search", Input).value == "walk"
        await pilot.press("escape", "escape")
        await pilot_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "Home")
        # A change on this laptop while the copy is being merged: the copy is now stale.
        assert app.attempt(lambda: app.store.save_support_contact(contact("Harbour line")))
        assert "Canal walk line" not in {c.name for c in app.store.support_contacts()}
        held.release()
        await pilot_until(pilot, lambda: app.exchange_line, "the exchange to end")
        await until_still(pilot, app)
        assert len(held.calls) >= 2, "the stale exchange was applied instead of made again"
        names = {c.name for c in app.store.support_contacts()}
        assert {"Canal walk line", "Harbour line"} <= names, "one side was lost"
        assert app.exchange_line == "Exchanged with 1 laptop: 1 support contact came in."
        assert not app.file_work_under_way and not app.store.unsaved
    assert watched.off_the_ui_thread() == [], "a worker reached the store"
    assert {"Canal walk line", "Harbour line"} <= contacts_in(brings_changes.group)
    with Store.open(brings_changes.second) as store:  # what was typed here travels
        service.exchange(store)
    assert "Harbour line" in contacts_in(brings_changes.second)


async def test_an_exchange_that_keeps_meeting_changes_waits_and_loses_nothing(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = HeldPrepare(monkeypatch, hold=exchange_worker.TRIES)
    app = app_on(brings_changes.group)
    async with app.run_test(size=(80, 24)) as pilot:
        for attempt in range(exchange_worker.TRIES):  # each time, a change while it is made
            await pilot_until(pilot, lambda n=attempt: len(held.calls) > n, "a preparation")
            assert app.attempt(
                lambda n=attempt: app.store.save_support_contact(contact(f"Line {n}"))
            )
            held.release(attempt)
        await pilot_until(pilot, lambda: app.exchange_line, "the exchange to give up")
        await until_still(pilot, app)
        assert app.exchange_line == exchange_worker.WAITS
        assert not app.file_work_under_way
        names = {c.name for c in app.store.support_contacts()}
        assert {f"Line {n}" for n in range(exchange_worker.TRIES)} <= names
        assert "Canal walk line" not in names, "a stale exchange was applied"
        app.exchange_line = None
        app.exchange_soon(asked=True)  # next time, with nothing changing, it runs
        await pilot_until(
            pilot, lambda: app.exchange_line not in (None, exchange_worker.EXCHANGING), "it"
        )
        await until_still(pilot, app)
        assert "Canal walk line" in {c.name for c in app.store.support_contacts()}
    assert {"Canal walk line", "Line 0"} <= contacts_in(brings_changes.group)


async def test_a_member_forgotten_on_another_laptop_is_forgotten_here_off_the_ui_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watched: Watched
) -> None:
    from voicesgroup.store import forgetting

    made = two_group_laptops(tmp_path)
    with Store.open(made.group) as store:  # a backup here still holds the member
        store.save_support_contact(contact("Canal walk line"))
    with Store.open(made.second) as store:
        [member] = store.members()
        store.forget_member(member.id)
        service.exchange(store)
    threads: list[str] = []
    real = forgetting.write_files

    def noted(job: forgetting.Forgetting) -> tuple[int, int]:
        threads.append(threading.current_thread().name)
        return real(job)

    monkeypatch.setattr(forgetting, "write_files", noted)
    app = app_on(made.group)
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await pilot_until(pilot, lambda: app.exchange_line, "the exchange to end")
        await until_still(pilot, app)
        assert app.exchange_line is not None and "1 member forgotten here" in app.exchange_line
        assert app.store.members() == []
        assert MEMBER not in screen_text(app)
        assert threads and threads[0] != threading.main_thread().name
    assert watched.off_the_ui_thread() == [], "a worker reached the store"
    folder = made.group.parent
    assert not forgetting.pending(made.group), "the forgetting was left half done"
    for path in [made.group, *folder.glob("*.backups/*")]:
        assert MEMBER.encode() not in path.read_bytes(), path
    with Store.open(made.second) as store:  # its outbox holds them no more either
        service.exchange(store)
        assert store.members() == []


# -- the adversary: a change of any kind, at any moment of the exchange ----------------------

CHANGES: dict[str, Callable[[VoicesGroupApp], object]] = {
    "a support contact": lambda app: app.store.save_support_contact(contact("Harbour line")),
    "the note": lambda app: _change_note(app),
    "settings": lambda app: app.store.save_settings(
        app.store.settings().model_copy(update={"organisation": "Harbour peers"})
    ),
}


def _change_note(app: VoicesGroupApp) -> None:
    [member] = app.store.members()
    [note] = app.store.notes(member.id)
    app.store.save_note(note.with_changes(what_helped="the harbour at dusk"))


def _kept(app: VoicesGroupApp, kind: str) -> bool:
    if kind == "a support contact":
        return "Harbour line" in {c.name for c in app.store.support_contacts()}
    if kind == "the note":
        [member] = app.store.members()
        return [n.what_helped for n in app.store.notes(member.id)] == ["the harbour at dusk"]
    return app.store.settings().organisation == "Harbour peers"


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(kinds=st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=3, unique=True))
def test_any_change_made_while_the_exchange_is_prepared_is_kept_with_what_came_in(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str]
) -> None:
    import asyncio

    made = two_group_laptops(tmp_path_factory.mktemp("laptops"))
    with Store.open(made.second) as store:
        store.save_support_contact(contact("Canal walk line"))
        service.exchange(store)

    async def run() -> None:
        with pytest.MonkeyPatch.context() as patch:
            held = HeldPrepare(patch)
            app = app_on(made.group)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot_until(pilot, lambda: held.calls, "the exchange to be prepared")
                for kind in kinds:
                    assert app.attempt(lambda k=kind: CHANGES[k](app))
                held.release()
                await pilot_until(pilot, lambda: app.exchange_line, "the exchange to end")
                await until_still(pilot, app)
                assert "Canal walk line" in {c.name for c in app.store.support_contacts()}
                for kind in kinds:
                    assert _kept(app, kind), f"{kind} changed meanwhile was lost"
                assert len(held.calls) >= 2

    asyncio.run(run())


async def test_a_full_exchange_folder_keeps_what_came_in_and_says_both(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from voicesgroup.exchange import folder

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(folder, "_write_and_flush", full)
    app = app_on(brings_changes.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_until(pilot, lambda: app.exchange_line, "the exchange to end")
        await until_still(pilot, app)
        line = app.exchange_line or ""
        assert line.startswith("Exchanged with 1 laptop: 1 support contact came in. ")
        assert "has no room" in line and line.count("\n") == 0
        assert "Canal walk line" in {c.name for c in app.store.support_contacts()}
        assert not app.file_work_under_way
        monkeypatch.undo()
        app.exchange_soon(asked=True)  # room again: the outbox is written
        ran = (line, exchange_worker.EXCHANGING)
        await pilot_until(pilot, lambda: app.exchange_line not in ran, "the next exchange")
        await until_still(pilot, app)
    from voicesgroup.exchange import outbox

    assert "Canal walk line" in contacts_in(brings_changes.group)
    with Store.open(brings_changes.group, readonly=True) as store:
        record = store.storage.read()["_exchange"]["1"]
    own = brings_changes.folder / folder.outbox_name(record["replica"])
    assert outbox.header_of(own)["serial"] == record["serial"], "the outbox was not written"


async def test_a_change_asked_to_travel_while_an_outbox_is_written_goes_in_the_next_one(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conflict settled (or a session ended) while an exchange writes its outbox asks for an
    exchange: the outbox being written was sealed before that change, so another follows."""
    gate, delivering = threading.Event(), threading.Event()
    real = service.deliver

    def held(*args: Any, **kwargs: Any) -> Any:
        if not delivering.is_set():
            delivering.set()
            assert gate.wait(60), "the test never let the outbox be written"
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "deliver", held)
    app = app_on(brings_changes.group)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_until(pilot, delivering.is_set, "the outbox to be written")
        assert app.attempt(lambda: app.store.save_support_contact(contact("Harbour line")))
        app.exchange_soon()  # as settling a conflict asks, while the first one is busy
        gate.set()
        await pilot_until(pilot, lambda: not app.exchange_busy and app.exchange_line, "the end")
        await until_still(pilot, app)
        await pilot_until(pilot, lambda: not app.exchange_busy, "the second exchange")
        await until_still(pilot, app)
    with Store.open(brings_changes.second) as store:
        service.exchange(store)
    assert "Harbour line" in contacts_in(brings_changes.second), "the change never travelled"
