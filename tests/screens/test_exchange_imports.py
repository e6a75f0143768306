"""The app's first exchange imports the exchange's modules in a worker, never on the UI thread
(screens/exchange_worker.py, step 0): a fresh interpreter runs the app and notes the thread on
which each of those modules is first imported once the exchange has begun (Home imports the few
it reads itself, the laptop's role, as it paints)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.exchange_laptops import Laptops, laptops_bringing_a_change

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import asyncio, json, sys, threading

first = {}
began = []


class Watch:
    # Asked only for a module not imported yet, on the thread importing it.
    def find_spec(self, name, path=None, target=None):
        if began and name.startswith("voicesgroup.exchange"):
            first.setdefault(name, threading.current_thread() is threading.main_thread())
        return None


sys.meta_path.insert(0, Watch())
from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.helpers.waits import pilot_until

exchange_soon = VoicesGroupApp.exchange_soon


def noted(app, **kwargs):
    began.append(True)
    return exchange_soon(app, **kwargs)


VoicesGroupApp.exchange_soon = noted


async def main():
    app = app_on(__import__("pathlib").Path(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot_until(pilot, lambda: app.exchange_line, "the exchange to end")
        await pilot_until(pilot, lambda: not app.exchange_busy, "the exchange to be done")
        line = app.exchange_line
    print(json.dumps({"line": line, "first": first}))


asyncio.run(main())
"""


def test_the_apps_first_exchange_imports_its_modules_off_the_ui_thread(tmp_path: Path) -> None:
    made: Laptops = laptops_bringing_a_change(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(made.group)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told["line"] == "Exchanged with 1 laptop: 1 support contact came in."
    first: dict[str, bool] = told["first"]
    assert "voicesgroup.exchange.one_exchange" in first, "the exchange never ran"
    on_the_ui_thread = sorted(name for name, on_main in first.items() if on_main)
    assert on_the_ui_thread == [], "imported on the UI thread"
