"""A real 80×24 terminal for tests: tmux with send-keys and capture-pane."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

VOICESGROUP = Path(sys.executable).with_name("voicesgroup")
"""The app's own command, from the environment the tests run in."""


class Terminal:
    """One tmux server of our own (its own socket), one 80×24 window."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        # COLUMNS and LINES (pytest sets them) would make the app ignore the window's real size.
        env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, env=env
        )
        return result.stdout

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-s", "vg", "-x", "80", "-y", "24", command)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "vg", key)
            time.sleep(0.05)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "vg", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "vg")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")

    def wait_until_gone(self, text: str, timeout: float = 30) -> str:
        """The screen once `text` has left it; an app that ended (its window closed with it)
        has nothing on screen, so its text is gone too."""
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            try:
                shown = self.screen()
            except subprocess.CalledProcessError:
                if not self.alive():
                    return ""
                raise
            if text not in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} stayed on screen:\n{shown}")

    def alive(self) -> bool:
        """Whether the program is still running (its window closes when it ends)."""
        done = subprocess.run(
            ["tmux", "-L", self.socket, "has-session", "-t", "vg"], capture_output=True
        )
        return done.returncode == 0

    def stop(self) -> None:
        """End the server and wait until it is gone ("no server running" on its socket), so
        that a terminal started next on the same socket never meets the old one going."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        for _ in range(200):
            asked = subprocess.run(
                ["tmux", "-L", self.socket, "list-sessions"], capture_output=True, text=True
            )
            if "no server running" in asked.stderr:
                return
            time.sleep(0.05)

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
        """Poll `ready` (a condition outside the screen, such as the data file) until true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what} never happened; the screen was:\n{self.screen()}")


def run_in_terminal(command: list[str], cwd: Path) -> Terminal:
    """`command` running in its own tmux server, 80×24."""
    terminal = Terminal(f"voicesgroup-app-{uuid.uuid4().hex[:8]}")
    shell = " ".join(f"'{part}'" for part in command)
    terminal.start(f"cd '{cwd}' && env TERM=xterm-256color HOME='{cwd}' {shell}")
    return terminal
