"""A mistyped course file beside the data file, in a real terminal at 80×24: `f` opens the
facilitators, `p` a path that names the file and what to fix, and the app keeps running."""

from __future__ import annotations

import shutil
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


def test_a_mistyped_course_file_in_a_real_terminal(tmp_path: Path, terminal: Terminal) -> None:
    db = tmp_path / "demo.json"
    write_demo_file(db)
    (tmp_path / "training_modules.toml").write_text(
        '[[module]]\nkey = "one"\ntitle = "Our own day"\noptional = "false"\n'
    )
    terminal.start(f"env NO_COLOR= TERM=xterm-256color {COMMAND} --db {db}")
    terminal.wait_for("Your groups")
    terminal.keys("f")
    terminal.wait_for("Sol")
    terminal.keys("Down", "Down", "Down", "Down", "p")  # Marcia, Niall, Priya, Rosa, Sol
    screen = " ".join(terminal.wait_for("optional").split())
    assert "training_modules.toml" in screen.replace(" ", "") or "course file" in screen
    assert "write true or false" in screen
    assert terminal.alive()
    terminal.keys("Escape", "Escape")
    terminal.wait_for("Your groups")
    assert terminal.alive()
