"""Reading the project's own source, for the tests that hold it to its rules."""

from __future__ import annotations

import ast


def docstring_nodes(tree: ast.AST) -> set[int]:
    """The ids of the docstring constants in `tree` (module, class and function docstrings)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found
