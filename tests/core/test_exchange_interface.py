"""The exchange's modules talk through a small named interface, and the app through `service`.

Inside `voicesgroup/exchange/` a module uses another's public names only (what one exchange
shares is `run.Run`); outside it, the screens and the commands reach the steps of an exchange
through `service`, never by importing a step's own module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.source import private_reaches

ROOT = Path(__file__).resolve().parents[2]
EXCHANGE = ROOT / "voicesgroup" / "exchange"
STEPS = ("run", "joining", "inbox", "applying", "stamping", "one_exchange", "status")
"""The modules behind `service`: what it gathers, and what they share."""
OUTSIDE = [
    path
    for folder in ("voicesgroup", "screens")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if EXCHANGE not in path.parents
]


def step_imports(source: str) -> Iterator[str]:
    """Imports of a step's own module (`voicesgroup.exchange.run`, `from … import inbox`)."""
    inner = {f"voicesgroup.exchange.{step}" for step in STEPS}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in inner)
        elif isinstance(node, ast.ImportFrom) and node.module in inner:
            yield str(node.module)
        elif isinstance(node, ast.ImportFrom) and node.module == "voicesgroup.exchange":
            yield from (alias.name for alias in node.names if alias.name in STEPS)


@pytest.mark.parametrize("path", sorted(EXCHANGE.glob("*.py")), ids=lambda path: path.name)
def test_an_exchange_module_reaches_no_private_part_of_another(path: Path) -> None:
    found = list(private_reaches(path.read_text(encoding="utf-8")))
    assert not found, f"{path.name} reaches private parts: {found}; name them, or use run.Run"


def test_the_steps_are_reached_through_the_service() -> None:
    assert all((EXCHANGE / f"{step}.py").exists() for step in STEPS)
    found = {
        str(path.relative_to(ROOT)): hits
        for path in OUTSIDE
        if (hits := list(step_imports(path.read_text(encoding="utf-8"))))
    }
    assert not found, f"outside voicesgroup/exchange/, use exchange.service instead: {found}"


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from voicesgroup.exchange.run import _Hidden", True),
        ("import x\nx.run._stamp(run)", True),
        ("self._data = {}", False),
        ("from voicesgroup.exchange.run import Run", False),
        ("entry.__dict__['digest'] = 1", False),
    ],
)
def test_the_private_check_tells_a_reach_from_a_public_name(source: str, caught: bool) -> None:
    assert bool(list(private_reaches(source))) is caught


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("from voicesgroup.exchange import inbox", True),
        ("from voicesgroup.exchange.one_exchange import exchange", True),
        ("import voicesgroup.exchange.applying", True),
        ("from voicesgroup.exchange import service, state", False),
        ("from voicesgroup.exchange.service import Summary", False),
    ],
)
def test_the_service_check_tells_a_step_from_the_face(source: str, caught: bool) -> None:
    assert bool(list(step_imports(source))) is caught
