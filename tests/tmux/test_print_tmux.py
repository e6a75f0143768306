"""Printing in a real 80×24 terminal to a real printing system: a member's own record from
their screen to the room's printer (the CUPS server of `tests/helpers/cups_server.py`), and what
arrived read back."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.helpers.cups_server import CupsServer
from tests.helpers.pdf import pdf_text
from tests.tmux.terminal import VOICESGROUP, Terminal

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def test_a_members_record_goes_to_the_printer_from_their_screen(
    tmp_path: Path, cups: CupsServer
) -> None:
    data = tmp_path / "demo.json"
    subprocess.run([str(VOICESGROUP), "--db", str(data), "demo"], check=True, capture_output=True)
    terminal = Terminal(f"voicesgroup-print-{uuid.uuid4().hex[:8]}")
    terminal.start(
        f"cd '{tmp_path}' && env TERM=xterm-256color HOME='{tmp_path}' "
        f"CUPS_SERVER='{cups.socket}' '{VOICESGROUP}' --db '{data}'"
    )
    try:
        terminal.wait_for("Thursday Beliefs")
        terminal.keys("m")
        terminal.wait_for("Zoë")
        terminal.keys("Enter")  # the first member: Aisha
        terminal.wait_for("Name on the attendance list")  # their record read and shown
        terminal.keys("p")
        terminal.wait_for("Office printer")  # the printers are found while the dialog opens
        shown = terminal.wait_for("Member Aisha")
        assert "A member's own record" in shown
        assert all(len(line) <= 80 for line in shown.splitlines())
        terminal.keys("C-s")
        shown = terminal.wait_for("✓ Sent to Office printer.")
        terminal.keys("C-q")
    finally:
        terminal.stop()
    jobs = [line for line in cups.run("lpstat", "-W", "completed", "-o").splitlines() if line]
    arrived, document = cups.received(jobs[-1].split()[0])
    assert "What the group holds about you" in pdf_text(document)
    assert "For Aisha." in " ".join(pdf_text(document).split())
    for path in tmp_path.rglob("*"):  # nothing named after her was left behind
        assert "aisha" not in path.name.casefold()
    assert "aisha" not in arrived.name.casefold()
