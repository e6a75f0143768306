"""The app in a real 80×24 terminal (tmux): start on demo data, move around, quit cleanly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
VOICESGROUP = Path(sys.executable).with_name("voicesgroup")


class Terminal:
    """A tmux session of 80×24 running one command."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.name = f"vg-{uuid.uuid4().hex[:8]}"
        shell_command = " ".join(f"'{part}'" for part in command)
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shell_command],
            check=True,
            cwd=cwd,
            env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(cwd)},
        )

    def screen(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name]).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    subprocess.run([str(VOICESGROUP), "--db", str(path), "demo"], check=True, capture_output=True)
    return path


def test_home_members_consent_and_quit_in_a_real_terminal(demo_file: Path, tmp_path: Path) -> None:
    terminal = Terminal([str(VOICESGROUP), "--db", str(demo_file)], tmp_path)
    try:
        home = terminal.wait_for("Thursday Beliefs")
        assert "Tuesday Voices" in home and "Thursday Beliefs" in home
        assert all(len(line) <= 80 for line in home.splitlines())
        terminal.keys("m")
        members = terminal.wait_for("Has agreed to")
        assert "Aisha" in members
        terminal.keys("Enter")
        terminal.wait_for("What they have agreed to")
        terminal.keys("c")
        terminal.wait_for("What this will do")
        terminal.keys("Escape", "Escape", "Escape")
        terminal.wait_for("Your groups")
        terminal.keys("F1")
        terminal.wait_for("What this laptop records")
        terminal.keys("Escape", "C-q")
        deadline = time.monotonic() + 10
        while terminal.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not terminal.alive(), "the app did not quit"
    finally:
        terminal.close()
    assert not list(demo_file.parent.glob(".*.vg-tmp"))


def test_demo_flag_shows_sample_groups_at_once(tmp_path: Path) -> None:
    terminal = Terminal([str(VOICESGROUP), "--demo"], tmp_path)
    try:
        shown = terminal.wait_for("Saturday Drop-in")
        assert "demo data" in shown
        terminal.keys("C-q")
    finally:
        terminal.close()


def test_a_second_window_is_refused_with_a_message(demo_file: Path, tmp_path: Path) -> None:
    first = Terminal([str(VOICESGROUP), "--db", str(demo_file)], tmp_path)
    try:
        first.wait_for("Your groups")
        second = subprocess.run(
            [str(VOICESGROUP), "--db", str(demo_file)], capture_output=True, text=True, timeout=20
        )
        assert second.returncode == 1
        assert "already open in another voicesgroup window" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.close()
