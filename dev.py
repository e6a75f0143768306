#!/usr/bin/env python3
"""Set everything up and run voicesgroup, with nothing but python3 on the machine.

    python3 dev.py demo                  # set up, then start the app on throw-away demo data
    python3 dev.py test [PYTEST ARGS]    # set up, then run the whole test suite (3 workers)
    python3 dev.py test -m "not slow"    # the fast loop: everything but the slowest tests
    python3 dev.py start                 # set up, then start the app on your own data
    python3 dev.py lint                  # ruff check, ruff format --check, the import layers
    python3 dev.py types                 # mypy (strict on voicesgroup/, normal on screens/)
    python3 dev.py bench [--quick]       # every benchmark; --quick only proves each one runs
    python3 dev.py lock                  # rebuild requirements-dev.lock from pyproject.toml

Set-up makes `.venv/` beside this file and installs the app and its developer tools into it,
at the exact versions in requirements-dev.lock (again only when that file or pyproject.toml
changed). For the tests it also installs the Debian tools they drive (tmux, poppler-utils, cups,
cups-client, printer-driver-cups-pdf, syncthing) when
they are missing and this user may install them. With CI set, tests that need those tools fail
instead of skipping (see tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = "Scripts" if os.name == "nt" else "bin"
PYTHON = VENV / BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
LOCK = ROOT / "requirements-dev.lock"
# The tools the tests drive, by the Debian package that provides each (a path for a file that
# is not a command: the virtual PDF printer the printing tests print to).
DEBIAN_TOOLS = {
    "tmux": "tmux",
    "pdftoppm": "poppler-utils",
    "cupsd": "cups",
    "lp": "cups-client",
    "/usr/lib/cups/backend/cups-pdf": "printer-driver-cups-pdf",
    "syncthing": "syncthing",  # the carrier the exchange tests sync a folder with
}
# pip learnt `--group` (pyproject's [dependency-groups]) in 25.1.
PIP = "pip>=25.1"
LOCK_HEADER = """\
# Every package the app and its developer tools need, at the exact version tested.
# dev.py installs from this file. Do not edit it by hand: change pyproject.toml (the
# dependencies and the dev dependency group), then run `python3 dev.py lock`.
"""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(*command: str | Path, **kwargs: Any) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def make_venv(folder: Path) -> Path:
    """A new virtual environment in `folder`; returns its python."""
    try:
        run(sys.executable, "-m", "venv", folder)
    except subprocess.CalledProcessError:
        # Debian's python3 ships venv separately.
        install_debian_packages(["python3-venv"])
        shutil.rmtree(folder, ignore_errors=True)
        run(sys.executable, "-m", "venv", folder)
    python = folder / BIN / PYTHON.name
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", PIP)
    return python


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say("creating .venv")
    make_venv(VENV)


def installed_from() -> str:
    """What the venv must be installed from: the lock and the project's own metadata."""
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_installed() -> None:
    wanted = installed_from()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("installing voicesgroup and its developer tools into .venv (requirements-dev.lock)")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", PIP)
    # The lock pins every package; the project itself goes in editable, and pip refuses if
    # pyproject.toml asks for a version the lock does not hold (run `python3 dev.py lock`).
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", LOCK, "-e", ROOT)
    STAMP.write_text(wanted)


def lock() -> int:
    """Install pyproject's dependencies and dev group into a fresh venv; freeze it as the lock."""
    with tempfile.TemporaryDirectory(prefix="voicesgroup-lock-") as folder:
        python = make_venv(Path(folder) / "venv")
        say("resolving pyproject.toml's dependencies and dev group in a fresh environment")
        run(python, "-m", "pip", "install", "--quiet", "-e", ROOT, "--group", "dev", cwd=ROOT)
        frozen = subprocess.run(
            [str(python), "-m", "pip", "freeze", "--exclude-editable"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    LOCK.write_text(LOCK_HEADER + frozen)
    say(f"wrote {LOCK.name}: {len(frozen.splitlines())} packages")
    return 0


def install_debian_packages(packages: list[str]) -> None:
    if not packages:
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        say(f"cannot install {', '.join(packages)} here; tests that need them will be skipped")
        return
    say(f"installing {', '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env, stdout=subprocess.DEVNULL)
    run("apt-get", "install", "-y", "-qq", *packages, env=env, stdout=subprocess.DEVNULL)


def has_tool(tool: str) -> bool:
    """Whether a command (or, given a path, a file) the tests need is here."""
    return Path(tool).exists() if "/" in tool else shutil.which(tool) is not None


def ensure_test_tools() -> None:
    missing = [package for tool, package in DEBIAN_TOOLS.items() if not has_tool(tool)]
    try:
        install_debian_packages(missing)
    except subprocess.CalledProcessError:
        say("could not install the Debian tools; tests that need them will be skipped")
    if os.environ.get("CI") and any(not has_tool(tool) for tool in DEBIAN_TOOLS):
        say("CI is set: the tests that need the missing tools will fail, not skip")


def command_for(task: str, args: list[str]) -> list[str]:
    python, bin_dir = str(PYTHON), PYTHON.parent
    if task == "test":
        # Three workers on a 2-core laptop: a third of a Pilot test's time is spent waiting
        # for the screen to settle, and a third worker fills those waits (5:00 -> 4:05).
        return [python, "-m", "pytest", "-n", "3", "--dist", "loadgroup", *args]
    if task == "types":
        return [str(bin_dir / "mypy"), *args]
    if task == "bench":
        return [python, str(ROOT / "bench" / "run_all.py"), *args]
    if task == "demo":
        return [str(bin_dir / "voicesgroup"), "--demo", *args]
    return [str(bin_dir / "voicesgroup"), *args]


def lint(args: list[str]) -> int:
    bin_dir = PYTHON.parent
    checks = [
        [str(bin_dir / "ruff"), "check", ".", *args],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "lint-imports")],
    ]
    return max(subprocess.call(check, cwd=ROOT) for check in checks)


TASKS = {"demo", "test", "start", "lint", "types", "bench", "lock"}


def main(argv: list[str]) -> int:
    try:
        return run_task(argv)
    except subprocess.CalledProcessError as failed:
        command = " ".join(str(part) for part in failed.cmd)
        say(f"set-up stopped: `{command}` exited with status {failed.returncode} (see above)")
        return failed.returncode or 1


def run_task(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    if task not in TASKS:
        print(__doc__)
        return 0 if task == "help" else 2
    if task == "lock":
        return lock()
    ensure_venv()
    ensure_installed()
    if task == "lint":
        return lint(argv[1:])
    if task == "test":
        ensure_test_tools()
    return subprocess.call(command_for(task, argv[1:]), cwd=ROOT, env=environment())


def environment() -> dict[str, str]:
    """This environment, except that Python may keep compiled modules (in __pycache__/).

    Without them every test process, and every app or command a test starts, compiles the
    app and the tests again: about a sixth of the suite's time.
    """
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
