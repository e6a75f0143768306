"""The core never imports Textual: checked module by module, and by import-linter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import voicesgroup

ROOT = Path(__file__).resolve().parent.parent
CORE_MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(voicesgroup.__path__, prefix="voicesgroup.")
    if not module.name.endswith("__main__")
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_leaves_textual_out(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in ('textual', 'screens', 'reportlab') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = set(filter(None, result.stdout.strip().split(",")))
    assert "textual" not in loaded and "screens" not in loaded, f"{module} imports {loaded}"
    if not module.startswith("voicesgroup.handouts."):
        assert "reportlab" not in loaded, f"{module} imports reportlab at import time"


def test_import_linter_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_modules_were_found() -> None:
    assert {"voicesgroup.store", "voicesgroup.models", "voicesgroup.cli"} <= set(CORE_MODULES)
