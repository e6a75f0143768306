"""Sharing between laptops in a real 80×24 terminal (tmux): the app exchanges once Home has
painted, the Exchange screen shows the laptops and a conflict, the conflict is settled side by
side, and the other laptop follows at its next exchange."""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers.exchange_laptops import change_note_on_both, two_group_laptops
from tests.tmux.terminal import VOICESGROUP, Terminal
from voicesgroup.exchange import service
from voicesgroup.store import Store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_conflict_is_settled_in_the_app_and_the_other_laptop_follows(tmp_path: Path) -> None:
    made = two_group_laptops(tmp_path, coordinator=True)
    change_note_on_both(made, "walking helps", "music helps")
    with Store.open(made.group, readonly=True) as store:
        [member] = store.members()
        shown_first = {note.member_words for note in store.notes(member.id)}
    assert shown_first == {"walking helps", "music helps"}
    terminal = Terminal(f"voicesgroup-exchange-{uuid.uuid4().hex[:8]}")
    terminal.start(
        f"cd '{tmp_path}' && env TERM=xterm-256color HOME='{tmp_path}' '{VOICESGROUP}' "
        f"--db '{made.group}'"
    )
    try:
        terminal.wait_for("Your groups")
        screen = terminal.wait_for("Exchanged")  # the quiet line, once Home has painted
        assert "x Sharing" in screen
        terminal.keys("x")
        screen = terminal.wait_for("A note written on 4 March 2025")
        assert all(len(line) <= 80 for line in screen.splitlines())
        assert "the coordinator's laptop" in screen
        terminal.keys("Enter")
        # "walking helps", made here, lost to the second laptop's later "music helps"
        screen = terminal.wait_for("Version 2 (made on this laptop)")
        assert "walking helps" in screen and "music helps" in screen
        assert "Version 1 (shown now)" in screen
        outbox = _outbox_of(made.group)
        sent_before = outbox.stat().st_mtime_ns
        terminal.keys("2")
        terminal.wait_for("Settle this conflict")
        terminal.keys("BTab", "Enter")  # from Cancel (ready first) to Keep
        terminal.wait_for("Nothing to settle.")
        for _ in range(300):  # the app exchanges again by itself, so the choice travels
            if outbox.stat().st_mtime_ns != sent_before:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the app did not send the choice")
        terminal.keys("Escape")
        terminal.wait_for("Your groups")
        terminal.keys("C-q")
        terminal.wait_until_gone("Your groups")
    finally:
        terminal.stop()
    with Store.open(made.group, readonly=True) as store:
        [member] = store.members()
        [kept] = [note.member_words for note in store.notes(member.id)]
    with Store.open(made.second) as store:
        service.exchange(store)
        [member] = store.members()
        assert [note.member_words for note in store.notes(member.id)] == [kept]


def _outbox_of(laptop: Path) -> Path:
    from voicesgroup.exchange import folder, state

    with Store.open(laptop, readonly=True) as store:
        record = state.read(store.storage.read())
    assert record is not None
    return folder.outbox_path(Path(record["folder"]), record["replica"])
