"""Screens reach the voicesgroup app through `self.vg` and the data through `self.store`
(screens/access.py), so a type checker sees every call; never the app's private parts."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App

SCREENS = Path(__file__).resolve().parents[2] / "screens"
ALLOWED = {"access.py", "app.py"}
"""access.py is where the typed access is made; app.py is the app itself."""
TEXTUAL_APP = set(dir(App)) | set(vars(App()))
"""What `self.app` is typed as: Textual's own App, attributes and methods."""


def _is_self_app(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "app"
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def reaches(source: str) -> list[str]:
    """Each untyped or private reach into the app in `source`, as 'line: what'."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        app = _is_self_app(owner) or (isinstance(owner, ast.Name) and owner.id == "app")
        if app and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append((node.lineno, f"the app's private {node.attr}"))
        elif _is_self_app(owner) and node.attr not in TEXTUAL_APP:
            found.append((node.lineno, f"self.app.{node.attr} (use self.vg or self.store)"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def test_the_check_finds_each_kind_of_reach() -> None:
    source = (
        "def f(self, app):\n"
        "    self.app.store.members()\n"
        "    self.app.today()\n"
        "    with self.app._save_lock: pass\n"
        "    app._save_lock\n"
        "    self.app.push_screen(x)\n"
        "    self.store.members()\n"
        "    self.vg.today()\n"
    )
    assert reaches(source) == [
        "2: self.app.store (use self.vg or self.store)",
        "3: self.app.today (use self.vg or self.store)",
        "4: the app's private _save_lock",
        "5: the app's private _save_lock",
    ]


def test_screens_reach_the_app_only_through_typed_access() -> None:
    checked = 0
    problems = []
    for path in sorted(SCREENS.rglob("*.py")):
        name = path.relative_to(SCREENS).as_posix()
        if name in ALLOWED:
            continue
        checked += 1
        problems += [f"screens/{name}:{line}" for line in reaches(path.read_text())]
    assert checked > 50, "the screens were not found"
    assert not problems, "\n".join(problems)
