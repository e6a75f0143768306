"""The stranger's test: each rule and each sentence has one home.

A sentence the app says (five words or more, in a string literal) is written once in the
code: a second copy is a second home for the rule behind it, and the two drift apart. The
README's developer section says where each rule lives; every module it names exists.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from tests.helpers.source import docstring_nodes

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("voicesgroup", "screens")
WORDS = 5


def _docstrings(tree: ast.AST) -> set[int]:
    found = docstring_nodes(tree)
    for node in ast.walk(tree):
        # A constant's docstring (a bare string after an assignment) is not said to anyone.
        if isinstance(node, ast.Module | ast.ClassDef):
            for before, after in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(before, ast.Assign | ast.AnnAssign)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                ):
                    found.add(id(after.value))
    return found


def sentences_written_twice(files: list[Path]) -> dict[str, list[str]]:
    """Each string literal of `WORDS` words or more found in two places, with the places."""
    places: dict[str, list[str]] = defaultdict(list)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = " ".join(node.value.split())
                if id(node) not in skip and len(text.split()) >= WORDS:
                    places[text].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return {text: where for text, where in places.items() if len(where) > 1}


def python_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_sentence_is_written_twice() -> None:
    twice = sentences_written_twice(python_files())
    assert not twice, "\n".join(f"{text!r}: {', '.join(where)}" for text, where in twice.items())


def test_the_check_finds_a_second_copy(tmp_path: Path) -> None:
    """The test above can fail: two modules saying the same sentence are found."""
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        one, two = tmp_path / "one.py", tmp_path / "two.py"
        one.write_text(
            '"""A docstring of five words or more."""\nX = "There are no groups to plan."\n'
        )
        two.write_text('def f():\n    raise ValueError("There are no groups to plan.")\n')
        assert sentences_written_twice([one, two]) == {
            "There are no groups to plan.": ["one.py:2", "two.py:2"]
        }
    finally:
        ROOT = saved


def test_every_module_the_readme_names_as_a_home_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For developers") :]
    named = set(re.findall(r"`((?:voicesgroup|screens|tests|bench)/[\w/]+(?:\.py)?)`", section))
    assert len(named) >= 10, "the developer section names where the rules live"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"README names modules that do not exist: {missing}"
