"""Text a person typed, shown exactly as typed: never read as markup, never a crash.

A member called `[/]` or `[bold red]Sam[/]` is shown as those characters on every screen.
Table cells and `Static` text that holds anything typed go through here.
"""

from __future__ import annotations

from rich.text import Text


def literal(text: object, style: str = "") -> Text:
    """`text` as a renderable that is never parsed as markup; unprintable characters shown
    as visible escapes, so nothing typed can move the cursor or change the terminal."""
    return Text(visible(str(text)), style=style)


def visible(text: str) -> str:
    """`text` with each unprintable character (other than a newline) written as an escape."""
    if all(ch.isprintable() or ch == "\n" for ch in text):
        return text
    return "".join(
        ch if ch.isprintable() or ch == "\n" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def plain(*cells: object) -> list[Text]:
    """Table cells shown literally, each on one line, cut with '…' where a column is narrow."""
    texts = [literal(cell) for cell in cells]
    for text in texts:
        text.no_wrap = True
        text.overflow = "ellipsis"
    return texts
