"""Kill the app mid-session (SIGKILL, no goodbye), reopen it, and resume exactly where it was.

A real subprocess runs the app headless and drives a session with keys; once everything it
entered has been saved it says so and waits, and is killed. The test then opens the same file
in a fresh app and checks the resume offer brings back the phase, the timer start, the
attendance and the round marks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from screens.dialogs.resume_session_dialog import ResumeSessionDialog
from screens.session_screen import SessionScreen
from tests.helpers.app import app_on
from tests.helpers.clock import TODAY
from voicesgroup.demo import write_demo_file
from voicesgroup.models import RoundMark, SessionStatus
from voicesgroup.store import Store

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import asyncio, json, sys
from pathlib import Path
from tests.helpers.app import app_on
from tests.helpers.waits import pilot_until
from voicesgroup.store import Store

def on_disk(path):
    with Store.open(path, readonly=True) as store:
        return [s.model_dump(mode="json") for s in store.sessions_in_progress()]

async def main(path):
    app = app_on(Path(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        # No rota in the demo: choose a lead, then a different co-facilitator, then start.
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "down", "down")
        await pilot.press("enter", "ctrl+s")
        await pilot.press("enter", "down", "enter", "plus", "plus", "plus", "n")
        await pilot.press("right", "right", "s", "p", "space", "s")
        session = app.screen.runner.session
        # The save follows the last change by a moment: wait until the file holds it.
        await pilot_until(
            pilot,
            lambda: on_disk(path) == [session.model_dump(mode="json")],
            "the session as entered to be on disk",
        )
        await app.workers.wait_for_complete()
        assert not app.store.unsaved
        print(json.dumps(session.model_dump(mode="json")), flush=True)
        await asyncio.sleep(600)  # killed long before this

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.slow
async def test_a_killed_session_resumes_exactly_where_it_was(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    write_demo_file(path, TODAY, with_rota=False)
    script = tmp_path / "drive_session.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line, child.stderr.read()
        before = json.loads(line)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    # What is on disk is the session as it was, still in progress.
    with Store.open(path, readonly=True) as store:
        [stored] = store.sessions_in_progress()
    assert stored.model_dump(mode="json") == before
    assert stored.status is SessionStatus.IN_PROGRESS
    assert stored.current_phase == 2 and stored.phase_started_at is not None
    assert (stored.anonymous_count, stored.newcomers, len(stored.named_member_ids)) == (3, 1, 2)
    assert sorted(stored.round_marks.values()) == sorted(
        [RoundMark.SPOKE, RoundMark.PASSED, RoundMark.SPOKE]
    )

    # Starting again offers to resume, and resuming shows exactly that state.
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeSessionDialog)
        assert "part 3 of 7" in app.screen.description
        assert "6 in the room" in app.screen.description
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        resumed = app.screen.runner.session
        assert resumed.model_dump(mode="json") == before
        assert app.screen.runner.current_person().label == "Person 3"
