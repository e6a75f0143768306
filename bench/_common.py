"""Shared by the bench scripts: fresh-interpreter children, data files, the app root.

Not named bench_*.py, so run_all.py does not run it on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CHILD = BENCH / "_headless.py"
APP_ROOT_ENV = "BENCH_APP_ROOT"


QUICK_HELP = "tiny inputs, one run each: proves the script still works; budgets are not judged"


def add_quick(parser: argparse.ArgumentParser) -> None:
    """`--quick`: what CI runs, once per benchmark (a full run judges the budgets)."""
    parser.add_argument("--quick", action="store_true", help=QUICK_HELP)


def exit_status(within_budget: bool, quick: bool) -> int:
    """0 when every budget held; in a quick run 0 once it got this far (budgets not judged)."""
    if quick:
        print("quick run: it runs; budgets not judged (run it without --quick for them)")
        return 0
    return 0 if within_budget else 1


def use_app_root(app_root: Path | None) -> Path:
    """Measure the app in `app_root` (another checkout, e.g. with a proposed fix) or this one.

    Children read the same setting from the environment (see _headless.py).
    """
    root = (app_root or ROOT).resolve()
    if app_root:
        os.environ[APP_ROOT_ENV] = str(root)
    for path in (str(BENCH), str(root)):
        if path not in sys.path:
            sys.path.insert(0, path)
    return root


def child_env(pycache: Path | None) -> dict[str, str]:
    """The children's environment: with a bytecode cache, as an installed app would have.

    Without one (PYTHONDONTWRITEBYTECODE is set on some machines) the app's own modules would
    be compiled from source on every start while Textual's come from the wheel's .pyc files,
    which is not what a user's start looks like. The cache goes to a temporary folder
    (PYTHONPYCACHEPREFIX) so the work tree stays clean; a warm-up run fills it.
    """
    env = dict(os.environ)
    env.pop("BENCH_PROFILE", None)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_child(
    mode: str, db: Path | None, pycache: Path | None, profile: Path | None = None
) -> dict[str, Any]:
    """One fresh interpreter running bench/_headless.py; its JSON line, parsed."""
    command = [sys.executable, str(CHILD), mode] + ([str(db)] if db else [])
    env = child_env(pycache)
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=180)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} start failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_empty_db(path: Path) -> None:
    """A new file holding only the app's own starter data, as the app would create it.

    Made (like the big file) in a subprocess, so the calling process stays small: on Linux a
    child's ru_maxrss starts from its parent's RSS at fork time.
    """
    code = "import sys; from voicesgroup.store import Store; Store.open(sys.argv[1]).close()"
    env = child_env(None)
    root = os.environ.get(APP_ROOT_ENV)
    if root:
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=ROOT, env=env)


def make_big_db(path: Path, years: int) -> str:
    """The big file, written by big_data.py in a subprocess; returns what it printed."""
    done = subprocess.run(
        [sys.executable, str(BENCH / "big_data.py"), str(path), "--years", str(years)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def load_note() -> str:
    """A warning when the machine is busy: wall-clock figures are then unreliable."""
    try:
        one_minute = os.getloadavg()[0]
    except OSError:
        return ""
    cpus = os.cpu_count() or 1
    if one_minute > cpus * 0.75:
        return (
            f"note: load average {one_minute:.1f} on {cpus} CPU(s) — other work is running; "
            "wall-clock figures are noisy: run again when it is idle"
        )
    return ""


class Verdicts:
    """Each budget a bench judges, and the ones missed, for its RESULT line."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def judge(self, ok: bool, what: str) -> str:
        """'pass', or 'FAIL' with `what` noted among the failures."""
        if not ok:
            self.failures.append(what)
        return "pass" if ok else "FAIL"
