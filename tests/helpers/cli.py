"""The `voicesgroup` command line run in-process, and what every refusal of it must look like."""

from __future__ import annotations

import pytest

from voicesgroup.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `voicesgroup ARGV`, run in this process."""
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clear_line(err: str) -> None:
    """A refusal is one line, named for the program, with no traceback."""
    assert "Traceback" not in err
    assert err.startswith("voicesgroup: ")
    assert err.count("\n") == 1, err
