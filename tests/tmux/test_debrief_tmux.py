"""The debrief in a real terminal: what is typed survives Escape, and is kept with Ctrl+S.

tmux at 80×24, the installed `voicesgroup` command, a demo file it wrote itself. Skipped
without tmux.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.tmux.terminal import VOICESGROUP as COMMAND
from tests.tmux.terminal import Terminal
from voicesgroup.demo import write_demo_file
from voicesgroup.store import Store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_escape_on_a_debrief_asks_and_keeps_the_words(tmp_path: Path, terminal: Terminal) -> None:
    db = tmp_path / "demo.json"
    write_demo_file(db, with_rota=False)
    terminal.start(f"env NO_COLOR= TERM=xterm-256color {COMMAND} --db {db}")
    terminal.wait_for("Your groups")

    # A session with a lead and nobody else, ended at once.
    terminal.keys("s")
    terminal.wait_for("choose who is facilitating")
    terminal.keys("Enter")
    terminal.wait_for("Priya")
    terminal.keys("Down", "Enter")  # Marcia
    terminal.wait_until_gone("Priya")
    terminal.keys("Tab", "Enter")
    terminal.wait_for("Nobody else today")
    terminal.keys("Down", "Enter")  # nobody else
    terminal.wait_until_gone("Priya")
    terminal.keys("C-s")
    terminal.wait_for("Part 1 of")
    terminal.keys("e")
    terminal.wait_for("End and debrief")
    terminal.keys("Enter")
    terminal.wait_for("Who facilitated today")

    # Type, then Escape: a question, not a loss.
    terminal.type("We listened well")
    terminal.wait_for("We listened well")
    terminal.keys("Escape")
    terminal.wait_for("Leave without keeping it?")
    terminal.keys("Enter")  # Keep writing
    terminal.wait_until_gone("Leave without keeping it?")
    shown = terminal.wait_for("We listened well")
    assert "Who facilitated today" in shown
    terminal.type(" today")
    terminal.keys("C-s")
    terminal.wait_for("Your groups")
    terminal.keys("C-q")
    terminal.wait_until_gone("Your groups")

    with Store.open(db, readonly=True) as store:
        answers = [s.debrief.answers for s in store.sessions() if s.debrief is not None]
    assert any("We listened well today" in given.values() for given in answers)
