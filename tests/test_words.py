"""The words we never use (PRODUCT.md) appear in no UI string, template, data file or printout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers.source import docstring_nodes

ROOT = Path(__file__).resolve().parent.parent
NEVER = re.compile(
    r"\b(patients?|clients?|symptoms?|symptomatic|complian(?:ce|t)|cases?|risk scores?|"
    r"risk ratings?|diagnos(?:is|es|ed|e)|psychotic|psychosis|schizophreni\w*|delusions?|"
    r"hallucinations?|disorders?|illness(?:es)?|service users?|sufferers?)\b",
    re.IGNORECASE,
)


BLOCKLIST_NAME = re.compile(r"STEMS|FORBIDDEN|BLOCKED")


def _blocklist_nodes(tree: ast.AST) -> set[int]:
    """Constants inside a blocklist (e.g. DISCREET_STEMS): words listed so as to keep them out."""
    found = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and BLOCKLIST_NAME.search(t.id) for t in targets):
            found.update(id(inner) for inner in ast.walk(node))
    return found


def strings_in(path: Path) -> list[tuple[int, str]]:
    """Every string literal in a Python file except docstrings and blocklists."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = docstring_nodes(tree) | _blocklist_nodes(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
    ]


SOURCES = sorted((ROOT / "screens").rglob("*.py")) + sorted((ROOT / "voicesgroup").rglob("*.py"))
# Every shipped file but the fonts (data/fonts/*.ttf), which hold glyphs, not words.
DATA_FILES = sorted(p for p in (ROOT / "data").rglob("*") if p.is_file() and p.suffix != ".ttf")
STYLESHEETS = sorted((ROOT / "screens").rglob("*.tcss"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unwanted_words_in_strings(path: Path) -> None:
    bad = [(line, text) for line, text in strings_in(path) if NEVER.search(text)]
    assert not bad, f"{path.name}: {bad}"


@pytest.mark.parametrize("path", DATA_FILES + STYLESHEETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unwanted_words_in_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not NEVER.search(text), f"{path.name}: {NEVER.findall(text)}"


def test_the_scanner_catches_a_planted_word(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('"""Docstrings may explain."""\nLABEL = "Next patient"\n')
    assert [text for _, text in strings_in(planted) if NEVER.search(text)] == ["Next patient"]


BRACKETED_PLURAL = re.compile(r"\w\((?:s|es|ies)\)")
"""'theme(s)', 'strategy(ies)': a count says its word (voicesgroup/counting.py)."""


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_bracketed_plurals_in_strings(path: Path) -> None:
    bad = [(line, text) for line, text in strings_in(path) if BRACKETED_PLURAL.search(text)]
    assert not bad, f"{path.name}: {bad} (use voicesgroup.counting.counted)"


def test_the_plural_scanner_catches_a_planted_bracket(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('SAID = f"{n} strategy(ies) shared"\nFINE = "(s) on its own"\n')
    assert [text for _, text in strings_in(planted) if BRACKETED_PLURAL.search(text)] == [
        " strategy(ies) shared"
    ]
