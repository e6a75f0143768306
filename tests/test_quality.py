"""ruff's lint and format checks are part of the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_check() -> None:
    result = subprocess.run([str(RUFF), "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = subprocess.run(
        [str(RUFF), "format", "--check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout
