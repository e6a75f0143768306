"""The app in a real 80×24 terminal (tmux): start on demo data, move around, quit cleanly."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import orjson
import pytest

from tests.helpers.waits import until
from tests.tmux.terminal import VOICESGROUP, Terminal, run_in_terminal

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_home_members_consent_and_quit_in_a_real_terminal(demo_file: Path, tmp_path: Path) -> None:
    terminal = run_in_terminal([str(VOICESGROUP), "--db", str(demo_file)], tmp_path)
    try:
        home = terminal.wait_for("Thursday Beliefs")
        assert "Tuesday Voices" in home and "Thursday Beliefs" in home
        assert all(len(line) <= 80 for line in home.splitlines())
        terminal.keys("m")
        # Columns widen as the table lays out its rows: wait for whole names.
        terminal.wait_for("Aisha")
        assert "Has agreed to" in terminal.wait_for("Zoë")
        terminal.keys("Enter")
        terminal.wait_for("What they have agreed to")
        terminal.keys("c")
        dialog = terminal.wait_for("Record of")
        assert "Answer" in dialog and "choose…" in dialog  # nothing chosen for them
        # One Escape at a time: tmux reads a quick Escape + key as Alt+key.
        terminal.keys("Escape")  # nothing typed: it closes without a question
        terminal.wait_until_gone("Record of")
        terminal.keys("Escape")
        terminal.wait_for("Has agreed to")
        terminal.keys("Escape")
        terminal.wait_for("Your groups")
        terminal.keys("F1")
        terminal.wait_for("What this laptop records")
        terminal.keys("Escape")
        terminal.wait_until_gone("What this laptop records")
        terminal.keys("C-q")
        until(lambda: not terminal.alive(), "the app to quit")
    finally:
        terminal.stop()
    assert not list(demo_file.parent.glob(".*.vg-tmp"))


def test_demo_flag_shows_sample_groups_at_once(tmp_path: Path) -> None:
    terminal = run_in_terminal([str(VOICESGROUP), "--demo"], tmp_path)
    try:
        shown = terminal.wait_for("Saturday Drop-in")
        assert "demo data" in shown
        terminal.keys("C-q")
    finally:
        terminal.stop()


def test_a_second_window_is_refused_with_a_message(demo_file: Path, tmp_path: Path) -> None:
    first = run_in_terminal([str(VOICESGROUP), "--db", str(demo_file)], tmp_path)
    try:
        first.wait_for("Your groups")
        second = subprocess.run(
            [str(VOICESGROUP), "--db", str(demo_file)], capture_output=True, text=True, timeout=20
        )
        assert second.returncode == 1
        assert "already open in another voicesgroup window" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.stop()


def test_a_damaged_record_ends_with_a_message_not_a_traceback(
    demo_file: Path, tmp_path: Path
) -> None:
    data = orjson.loads(demo_file.read_bytes())
    first_member = next(iter(data["members"]))
    data["members"][first_member]["display_name"] = ""
    demo_file.write_bytes(orjson.dumps(data))
    before = demo_file.read_bytes()
    shell = f"'{VOICESGROUP}' --db '{demo_file}'; echo exit status \\$?; sleep 60"
    terminal = Terminal(f"voicesgroup-app-{uuid.uuid4().hex[:8]}")
    terminal.start(
        f"cd '{tmp_path}' && env TERM=xterm-256color HOME='{tmp_path}' sh -c \"{shell}\""
    )
    try:
        terminal.wait_for("Your groups")  # the home screen reads documents and still paints
        terminal.keys("m")
        shown = " ".join(terminal.wait_for("exit status").split())  # as one line, unwrapped
        assert "holds a record that cannot be read" in shown
        assert "voicesgroup check" in shown
        assert "exit status 1" in shown
        assert "Traceback" not in shown
    finally:
        terminal.stop()
    assert demo_file.read_bytes() == before
