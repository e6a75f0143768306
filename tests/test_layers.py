"""The core never imports Textual: checked module by module, and by import-linter."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import voicesgroup

ROOT = Path(__file__).resolve().parent.parent
CORE_MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(voicesgroup.__path__, prefix="voicesgroup.")
    if not module.name.endswith("__main__")
)


# What each module would load is asked of one fresh interpreter per test process (a zygote)
# that forks a child per module, so a module costs a fork and its own imports rather than an
# interpreter start and all of pydantic. The zygote loads BASE first and reports what that
# loaded: each child then reports what was loaded once it imported its module too. Whatever a
# module loads is in that second set, so a forbidden package it pulls in is always seen.
WATCHED = ("textual", "screens", "reportlab")
BASE = ("voicesgroup.models", "voicesgroup.store")
ZYGOTE = f"""
import importlib, os, sys
WATCHED = {WATCHED!r}
def loaded():
    return ",".join(m for m in WATCHED if m in sys.modules)
for name in {BASE!r}:
    importlib.import_module(name)
print(loaded(), flush=True)
for line in sys.stdin:
    module = line.strip()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(module)
            answer = "ok " + loaded()
        except BaseException as error:
            answer = f"error {{type(error).__name__}}: {{error}}"
        os.write(write, answer.replace("\\n", " ").encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        text = answer.read().decode()
    os.waitpid(pid, 0)
    print(text, flush=True)
"""


class Zygote:
    def __init__(self) -> None:
        if not hasattr(os, "fork"):  # one fresh interpreter per module instead
            self.process = None
            self.base = ""
            return
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        self.base = self.stdout.readline().strip()

    def loaded_by(self, module: str) -> set[str]:
        """The watched packages in sys.modules once `module` (and BASE) were imported."""
        if self.process is None:
            code = f"import importlib, sys; importlib.import_module({module!r}); " + (
                f"print('ok ' + ','.join(m for m in {WATCHED!r} if m in sys.modules))"
            )
            done = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
            )
            answer = done.stdout.strip() or done.stderr
        else:
            self.stdin.write(module + "\n")
            self.stdin.flush()
            answer = self.stdout.readline().strip()
        assert answer.startswith("ok"), f"importing {module} failed: {answer}"
        return set(filter(None, answer.removeprefix("ok").strip().split(",")))

    def close(self) -> None:
        if self.process is None:
            return
        self.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    started = Zygote()
    yield started
    started.close()


def test_the_base_every_module_is_imported_on_leaves_all_three_out(zygote: Zygote) -> None:
    assert zygote.base == "", f"{BASE} load {zygote.base}"


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_leaves_textual_out(zygote: Zygote, module: str) -> None:
    assert zygote.base == ""
    loaded = zygote.loaded_by(module)
    assert "textual" not in loaded and "screens" not in loaded, f"{module} imports {loaded}"
    if not module.startswith("voicesgroup.handouts."):
        assert "reportlab" not in loaded, f"{module} imports reportlab at import time"


def test_the_check_sees_a_package_a_module_loads(zygote: Zygote) -> None:
    """The zygote's children really report what an import pulls in."""
    assert zygote.loaded_by("reportlab.pdfgen.canvas") == {"reportlab"}
    assert "textual" in zygote.loaded_by("screens.app")


def test_import_linter_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_modules_were_found() -> None:
    assert {"voicesgroup.store", "voicesgroup.models", "voicesgroup.cli"} <= set(CORE_MODULES)


def lint_a_copy_with(
    tmp_path: Path, module: str, wrong_import: str
) -> subprocess.CompletedProcess[str]:
    """import-linter run on a copy of the project whose `module` gained `wrong_import`."""
    for package in ("voicesgroup", "screens"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / Path(*module.split(".")).with_suffix(".py")
    target.write_text(target.read_text() + f"\n{wrong_import}\n")
    lint = Path(sys.executable).with_name("lint-imports")
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=tmp_path, env=environment
    )


@pytest.mark.parametrize(
    ("module", "wrong_import", "contract"),
    [
        ("voicesgroup.models", "import voicesgroup.store.storage", "Records know nothing of files"),
        ("voicesgroup.consent", "import voicesgroup.store", "The core's layers, top to bottom"),
        (
            "voicesgroup.store.repository",
            "import voicesgroup.rota",
            "The core's layers, top to bottom",
        ),
        ("voicesgroup.names", "import textual", "The core never imports the UI or Textual"),
        (
            "voicesgroup.exchange.run",
            "import voicesgroup.exchange.stamping",
            "The exchange's modules, top to bottom",
        ),
        (
            "voicesgroup.exchange.inbox",
            "import voicesgroup.exchange.applying",
            "The exchange's modules, top to bottom",
        ),
    ],
)
def test_a_wrong_import_breaks_the_lint(
    tmp_path: Path, module: str, wrong_import: str, contract: str
) -> None:
    """The layers are enforced: one import against the house fails `dev.py lint`."""
    result = lint_a_copy_with(tmp_path, module, wrong_import)
    assert result.returncode != 0, result.stdout
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(contract)]
    assert verdicts and "BROKEN" in verdicts[0], result.stdout[-2000:]
