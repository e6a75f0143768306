#!/usr/bin/env python3
"""Set everything up and run voicesgroup, with nothing but python3 on the machine.

    python3 dev.py demo     # set up, then start the app on throw-away demo data
    python3 dev.py test     # set up, then run the whole test suite
    python3 dev.py start    # set up, then start the app on your own data

Set-up makes `.venv/` beside this file and installs the app and its test tools into it (again
only when pyproject.toml changed). For the tests it also installs the Debian tools they drive
(tmux, poppler-utils) when they are missing and this user may install them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed-from"
DEBIAN_TOOLS = {"tmux": "tmux", "pdftoppm": "poppler-utils", "rsvg-convert": "librsvg2-bin"}


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(*command: str | Path, **kwargs) -> None:
    subprocess.run([str(part) for part in command], check=True, **kwargs)


def ensure_venv() -> None:
    if PYTHON.exists():
        return
    say("creating .venv")
    try:
        run(sys.executable, "-m", "venv", VENV)
    except subprocess.CalledProcessError:
        # Debian's python3 ships venv separately.
        install_debian_packages(["python3-venv"])
        shutil.rmtree(VENV, ignore_errors=True)
        run(sys.executable, "-m", "venv", VENV)


def ensure_installed() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("installing voicesgroup and its test tools into .venv")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]")
    STAMP.write_text(wanted)


def install_debian_packages(packages: list[str]) -> None:
    if not packages:
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        say(f"cannot install {', '.join(packages)} here; tests that need them will be skipped")
        return
    say(f"installing {', '.join(packages)}")
    quiet = {"stdout": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env, **quiet)
    run("apt-get", "install", "-y", "-qq", *packages, env=env, **quiet)


def ensure_test_tools() -> None:
    missing = [package for tool, package in DEBIAN_TOOLS.items() if not shutil.which(tool)]
    try:
        install_debian_packages(missing)
    except subprocess.CalledProcessError:
        say("could not install the Debian tools; tests that need them will be skipped")


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    if task not in {"demo", "test", "start"}:
        print(__doc__)
        return 0 if task == "help" else 2
    ensure_venv()
    ensure_installed()
    bin_dir = PYTHON.parent
    if task == "test":
        ensure_test_tools()
        command = [str(PYTHON), "-m", "pytest", "-n", "2", "--dist", "loadgroup", *argv[1:]]
    elif task == "demo":
        command = [str(bin_dir / "voicesgroup"), "--demo", *argv[1:]]
    else:
        command = [str(bin_dir / "voicesgroup"), *argv[1:]]
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
