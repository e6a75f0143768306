"""A number and the word it needs: "1 theme", "3 themes", never "3 theme(s)".

Every count the app, the commands and the audit log say in words goes through `counted`, so a
tired reader never has to untangle a bracket (tests/test_words.py looks for any left).
"""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """`count` with `one` when it is 1, else `many` (by default `one` + "s")."""
    return f"{count} {one if count == 1 else (many if many is not None else one + 's')}"


def were(count: int) -> str:
    """The verb that follows a count: "was" for one, "were" for any other number."""
    return "was" if count == 1 else "were"
