"""What every tmux test shares: a real 80×24 terminal of its own, stopped after the test."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tmux.terminal import VOICESGROUP, Terminal


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"voicesgroup-{uuid.uuid4().hex[:8]}")
    yield term
    term.stop()


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    """A demo data file written by the installed command."""
    path = tmp_path / "demo.json"
    subprocess.run([str(VOICESGROUP), "--db", str(path), "demo"], check=True, capture_output=True)
    return path
