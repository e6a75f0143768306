"""The Reports screen in a real 80×24 terminal (tmux): the chart from zero with its figures and
months, the protection in words, a PDF saved, and a question before it is saved over."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.tmux.terminal import VOICESGROUP, Terminal

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_report_is_read_saved_and_never_saved_over_unasked(tmp_path: Path) -> None:
    data = tmp_path / "demo.json"
    subprocess.run([str(VOICESGROUP), "--db", str(data), "demo"], check=True, capture_output=True)
    terminal = Terminal(f"voicesgroup-report-{uuid.uuid4().hex[:8]}")
    terminal.start(
        f"cd '{tmp_path}' && env TERM=xterm-256color HOME='{tmp_path}' '{VOICESGROUP}' "
        f"--db '{data}'"
    )
    try:
        terminal.wait_for("Thursday Beliefs")
        terminal.keys("e")
        screen = terminal.wait_for("Visits to the groups, month by month")
        assert all(len(line) <= 80 for line in screen.splitlines())
        flat = " ".join(screen.split())  # sentences as read, wherever their lines break
        assert "rounded to the nearest" in flat and "fewer than 8" in flat
        terminal.keys("PageDown")  # the chart's months are below the figures at 80×24
        screen = terminal.wait_for("Save as")
        assert "█" in screen  # the busiest month's column reaches the top
        months = next(line for line in screen.splitlines() if " Sep " in line)
        assert "Oct" in months and "Nov" in months
        terminal.keys("p")
        terminal.wait_for("Saved")  # the notice, once the file is on disk
        pdf = next(tmp_path.glob("voicesgroup-report-*.pdf"))
        first = PdfReader(pdf).pages[0].extract_text()
        assert "What the groups did: All groups" in first
        before = pdf.read_bytes()
        terminal.keys("p")
        terminal.wait_for("Replace the file?")
        terminal.keys("Escape")
        terminal.wait_for("Nothing saved")
        assert pdf.read_bytes() == before
        terminal.keys("Escape")
        terminal.wait_for("Your groups")
        terminal.keys("C-q")
    finally:
        terminal.stop()
