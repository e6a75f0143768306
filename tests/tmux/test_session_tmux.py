"""The whole session journey once more, in a real terminal: tmux at 80×24, keys sent, screen read.

Uses the installed `voicesgroup` command on a demo file it wrote itself. Skipped without tmux.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tmux.terminal import VOICESGROUP as COMMAND
from tests.tmux.terminal import Terminal
from voicesgroup.demo import write_demo_file
from voicesgroup.models import SessionStatus
from voicesgroup.store import Store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_session_in_a_real_terminal(tmp_path: Path, terminal: Terminal) -> None:
    db = tmp_path / "demo.json"
    # Without its rota, so the facilitators are chosen by hand whatever the day of the week.
    write_demo_file(db, with_rota=False)
    env = "env NO_COLOR= TERM=xterm-256color"
    terminal.start(f"{env} {COMMAND} --db {db}")
    terminal.wait_for("Your groups")

    # Start: no rota in the demo, so choose a lead and a different co-facilitator.
    terminal.keys("s")
    terminal.wait_for("choose who is facilitating")
    # Each list opens before keys move in it (a busy machine may take a moment).
    terminal.keys("Enter")
    terminal.wait_for("Priya")
    terminal.keys("Down", "Enter")  # the first: Marcia
    terminal.wait_until_gone("Priya")
    terminal.keys("Tab", "Enter")
    terminal.wait_for("Priya")
    terminal.keys("Down", "Down", "Down", "Enter")  # past 'Nobody else' and Marcia: Niall
    terminal.wait_until_gone("Priya")
    terminal.keys("C-s")
    terminal.wait_for("Part 1 of 7")

    # Attendance: the first of the group's members by name, two more and a newcomer.
    terminal.keys("Enter", "+", "+", "n")
    terminal.wait_for("In the room: 4")
    terminal.wait_for("Iona (here)")  # the count and the row may reach the screen apart

    # The agreement, then the round.
    terminal.keys("Right")
    terminal.wait_for("Our agreement (version")
    terminal.keys("Right")
    terminal.wait_for("Check-in round · a round")
    terminal.keys("s", "p")
    shown = terminal.wait_for("Iona — spoke")
    assert "Person 1 — passed" in shown

    # A strategy and a theme.
    terminal.keys("w")
    terminal.wait_for("Ctrl+S, keeps it")
    terminal.type("Humming")
    terminal.keys("Enter")
    terminal.wait_for("• Humming")
    terminal.keys("t")
    terminal.wait_for("A theme")
    terminal.type("Trust")
    terminal.keys("Enter")
    terminal.wait_for("Themes: Trust")

    # Room view hides names, notes and counts; the same key brings them back.
    terminal.keys("r")
    shown = terminal.wait_for("Room view: names")
    for hidden in ("Iona", "Kit", "In the room", "Person 1", "Trust"):
        assert hidden not in shown, hidden
    assert "Humming" in shown
    terminal.keys("r")
    terminal.wait_for("Iona (here)")

    # End, debrief, and the session in the history.
    terminal.keys("e")
    terminal.wait_for("End and debrief")
    terminal.keys("Enter")
    terminal.wait_for("Who facilitated today")
    terminal.keys("C-s")
    terminal.wait_for("Your groups")
    terminal.keys("h")
    shown = terminal.wait_for("Trust")  # the rows arrive just after the screen is painted
    assert "Sessions of the" in shown
    terminal.keys("C-q")
    terminal.wait_until_gone("Your groups")

    with Store.open(db, readonly=True) as store:
        ended = [s for s in store.sessions() if s.themes == ["Trust"]]
    assert len(ended) == 1 and ended[0].status is SessionStatus.ENDED
    assert ended[0].head_count == 4 and ended[0].debrief is not None
