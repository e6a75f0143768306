"""With a read-only data file, the app refuses a printout before anything is written: the audit
log, which notes every printout, cannot take the note."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from screens.dialogs.print_dialog import PrintDialog
from screens.reports_screen import ReportsScreen


@pytest.fixture
def no_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: None)


async def test_a_read_only_file_refuses_a_printout_before_writing_it(
    make_app, tmp_path: Path, no_printer: None
) -> None:
    app = make_app()
    app.db_path.chmod(0o444)
    before = app.db_path.read_bytes()
    out = tmp_path / "out" / "sheet.pdf"
    out.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.store.read_only
        app.push_screen(PrintDialog())
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#print-path").value = str(out)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = " ".join(str(dialog.query_one("#print-message").render()).split())
    assert message.startswith("! Nothing printed.") and "read-only" in message, message
    assert "Nothing was written" in message
    assert list(out.parent.iterdir()) == []
    assert app.db_path.read_bytes() == before


@pytest.mark.parametrize("key", ["p", "c"])
async def test_a_read_only_file_refuses_a_report_before_writing_it(
    make_app, tmp_path: Path, key: str
) -> None:
    app = make_app()
    app.db_path.chmod(0o444)
    out = tmp_path / "out" / "trustees.file"
    out.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#reports-path", Input).value = str(out)
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = " ".join(str(screen.query_one("#reports-message", Static).render()).split())
    assert "read-only" in message and "Nothing was written" in message, message
    assert list(out.parent.iterdir()) == []
