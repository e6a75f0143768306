"""The room view in a real terminal: it survives Escape, Home, locking and a kill of the app.

tmux at 80×24 on a demo file; keys sent, the screen read. Skipped without tmux.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from tests.tmux.terminal import VOICESGROUP as COMMAND
from tests.tmux.terminal import Terminal
from voicesgroup.demo import write_demo_file

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PRIVATE = ("Iona", "In the room", "Person 1", "Trust")


def nothing_private(shown: str) -> None:
    for hidden in PRIVATE:
        assert hidden not in shown, f"{hidden!r} is on screen:\n{shown}"


def room_view_saved(db: Path) -> bool:
    """Whether the data file on disk holds a session in progress with the room view on and
    the theme typed (read as bytes: the running app keeps the file locked for writing)."""
    try:
        sessions = json.loads(db.read_bytes()).get("sessions", {})
    except (OSError, ValueError):
        return False  # between the write of a new file and its rename: look again
    return any(
        doc.get("room_view") and "Trust" in doc.get("themes", [])
        for doc in sessions.values()
        if doc.get("status") == "in_progress"
    )


def test_room_view_survives_escape_home_lock_and_a_kill(tmp_path: Path, terminal: Terminal):
    db = tmp_path / "demo.json"
    write_demo_file(db, with_rota=False)
    start = f"env NO_COLOR= TERM=xterm-256color {COMMAND} --db {db}"
    terminal.start(start)
    terminal.wait_for("Your groups")

    terminal.keys("s")
    terminal.wait_for("choose who is facilitating")
    terminal.keys("Enter")
    terminal.wait_for("Priya")
    terminal.keys("Down", "Enter")
    terminal.wait_until_gone("Priya")
    terminal.keys("Tab", "Enter")
    terminal.wait_for("Priya")
    terminal.keys("Down", "Down", "Down", "Enter")
    terminal.wait_until_gone("Priya")
    terminal.keys("C-s")
    terminal.wait_for("Part 1 of")
    terminal.keys("Enter")  # Iona, first on the list, is here
    terminal.wait_for("Iona (here)")
    terminal.keys("+")
    terminal.wait_for("In the room: 2")
    terminal.keys("t")
    terminal.wait_for("A theme")
    terminal.type("Trust")
    terminal.wait_for("Trust")  # in the field before Enter keeps it
    terminal.keys("Enter")
    terminal.wait_for("Themes: Trust")
    assert "Iona (here)" in terminal.screen()

    # On, then Escape to Home: Home keeps it and offers only the way back.
    terminal.keys("r")
    nothing_private(terminal.wait_for("Room view: names"))
    terminal.keys("Escape")
    shown = terminal.wait_for("Room view is on")
    nothing_private(shown)
    terminal.keys("m")  # Members would show names: not while the room view is on
    nothing_private(terminal.wait_for("Room view is on"))
    terminal.keys("s")
    nothing_private(terminal.wait_for("Room view: names"))

    # Locked and unlocked: still on.
    terminal.keys("C-l")
    terminal.wait_for("Locked with Ctrl+L")
    terminal.keys("Enter")
    nothing_private(terminal.wait_for("Room view: names"))

    # Killed (as if the laptop died) and started again: the offer and the session keep it.
    # The kill comes once the data file holds the room view and the theme, as it would on a
    # laptop that died a moment later: the background save has had its turn.
    terminal.wait_until(lambda: room_view_saved(db), "saving the room view")
    pid = int(terminal.tmux("list-panes", "-t", "vg", "-F", "#{pane_pid}").split()[0])
    os.kill(pid, signal.SIGKILL)
    terminal.wait_until(lambda: not terminal.alive(), "the end of the killed app")
    terminal.stop()
    terminal.start(start)
    shown = terminal.wait_for("room view is on")
    nothing_private(shown)
    terminal.keys("Enter")
    nothing_private(terminal.wait_for("Room view: names"))

    # Only r turns it off.
    terminal.keys("r")
    terminal.wait_for("Iona (here)")
    terminal.keys("C-q")  # during a session, quitting asks first
    terminal.wait_for("A session is running")
    terminal.keys("Enter")
    terminal.wait_until_gone("Part 1 of")
