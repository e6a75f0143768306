"""Reading the project's own source, for the tests that hold it to its rules."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def docstring_nodes(tree: ast.AST) -> set[int]:
    """The ids of the docstring constants in `tree` (module, class and function docstrings)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def is_private(name: str) -> bool:
    """`_name`, not `__dunder__`."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_reaches(source: str) -> Iterator[str]:
    """`other._name` (an object's or module's private part, not the code's own `self`/`cls`)
    and `from voicesgroup… import _name` across modules, as `line: text`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                continue
            yield f"{node.lineno}: {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("voicesgroup"):
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{node.lineno}: from {node.module} import {alias.name}"
