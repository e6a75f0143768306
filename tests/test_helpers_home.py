"""A test imports what it shares from `tests/helpers/`, never from another test's module.

Importing a helper out of `test_x.py` ties two tests together by accident: the helper moves or
changes for one and the other breaks, and pytest may collect the other's tests twice. In the
same way the app with a frozen day or session clock is built in one place,
`tests/helpers/app.py`'s `app_on`.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

NOT_YET = {
    "core/test_rota_solver.py": "tests.core.test_rota_optimal",
    "core/test_rota_cli.py": "tests.core.test_rota_optimal",
    "screens/test_rota_screens.py": "tests.core.test_rota_optimal",
}
"""Imports still to move, each with the module it reaches into (`hard_instance` and
`check_rules`, kept beside the planner's optimum tests while the planner is reworked). This list
must shrink, never grow."""


def test_the_finder_sees_test_modules_and_nothing_else() -> None:
    tree = ast.parse(
        "from tests.core.test_cli import run\n"
        "import tests.screens.test_locking as locking\n"
        "from tests.helpers.cli import run\n"
        "from tests.core.rota_oracle import optimum\n"
    )
    assert imported_test_modules(tree) == ["tests.core.test_cli", "tests.screens.test_locking"]


def imported_test_modules(tree: ast.AST) -> list[str]:
    """The test modules (`tests…test_*`) that `tree` imports from."""
    found = []
    for node in ast.walk(tree):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        found += [
            name
            for name in names
            if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_")
        ]
    return found


def test_no_test_imports_from_another_test() -> None:
    reaching = {}
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [m for m in imported_test_modules(tree) if m != NOT_YET.get(name)]
        if modules:
            reaching[name] = modules
    assert not reaching, (
        f"Tests importing from other tests' modules: {reaching}. Move what they share to "
        "tests/helpers/ (see tests/helpers/__init__.py) and import it from there."
    )


def test_the_list_still_to_move_only_shrinks() -> None:
    for name, module in NOT_YET.items():
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        assert module in imported_test_modules(tree), f"{name} no longer imports {module}"


def frozen_apps_built(tree: ast.AST) -> list[int]:
    """The lines where `tree` builds the app with a frozen day or clock itself."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "VoicesGroupApp"
        and {keyword.arg for keyword in node.keywords} & {"today", "session_clock"}
    ]


def test_the_app_with_a_frozen_day_is_built_in_one_place() -> None:
    assert frozen_apps_built(ast.parse("VoicesGroupApp(path, today=lambda: day)\n")) == [1]
    assert frozen_apps_built(ast.parse("VoicesGroupApp(path)\napp_on(path)\n")) == []
    factory = TESTS / "helpers" / "app.py"
    elsewhere = {
        path.relative_to(TESTS).as_posix(): lines
        for path in sorted(TESTS.rglob("*.py"))
        if path != factory
        and (lines := frozen_apps_built(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert not elsewhere, (
        f"The app built with a frozen day or clock outside tests/helpers/app.py: {elsewhere}. "
        "Call app_on(path, today=…, clock=…) instead."
    )
