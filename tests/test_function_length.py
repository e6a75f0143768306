"""No function in the core runs over 80 lines: a stranger reads one in a screen or two.

A longer function is split into pieces named for what they do. The few still too long are
listed in `TOO_LONG_FOR_NOW`, each with its length when it was listed; the list may only
shrink: a listed function that grows fails, and one that has been split (or is gone) fails
too, until its line is taken out.
"""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "voicesgroup"
LONGEST = 80

TOO_LONG_FOR_NOW: dict[str, int] = {}
"""'path::name' (path under voicesgroup/) -> its length in lines when it was listed. This list
must shrink, never grow."""


def function_lengths(source: str) -> dict[str, int]:
    """Each function in `source` (methods and nested ones as 'Outer.inner') -> its lines,
    from its `def` (or first decorator) to its last line."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    lengths[name] = (child.end_lineno or child.lineno) - first + 1
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return lengths


def core_lengths() -> dict[str, int]:
    return {
        f"{path.relative_to(CORE).as_posix()}::{name}": lines
        for path in sorted(CORE.rglob("*.py"))
        for name, lines in function_lengths(path.read_text(encoding="utf-8")).items()
    }


def test_the_count_takes_decorators_methods_and_nested_functions() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(3))
    source = (
        "@cache\n"
        f"def outer():\n{body}\n"
        "    def inner():\n        return 1\n"
        "    return inner\n"
        "class Sheet:\n"
        "    def draw(self):\n        pass\n"
    )
    assert function_lengths(source) == {"outer": 8, "outer.inner": 2, "Sheet.draw": 2}


def test_no_core_function_runs_over_80_lines() -> None:
    lengths = core_lengths()
    too_long = {
        name: lines
        for name, lines in lengths.items()
        if lines > LONGEST and name not in TOO_LONG_FOR_NOW
    }
    assert not too_long, (
        f"Functions over {LONGEST} lines: {too_long}. Split each into pieces named for what "
        "they do."
    )


def test_the_list_of_functions_still_too_long_only_shrinks() -> None:
    lengths = core_lengths()
    grown = {
        name: (lengths[name], listed)
        for name, listed in TOO_LONG_FOR_NOW.items()
        if lengths.get(name, 0) > listed
    }
    assert not grown, f"Listed as too long, and longer still (now, listed): {grown}"
    done = [name for name in TOO_LONG_FOR_NOW if lengths.get(name, 0) <= LONGEST]
    assert not done, f"Now {LONGEST} lines or fewer (or gone): take out of TOO_LONG_FOR_NOW: {done}"
