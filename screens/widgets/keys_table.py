"""A screen's keys as a two-column table drawn as one widget, for the help.

The help listed its keys as a Markdown table: Textual builds that as a grid of one widget per
cell (about 30 for Home), and laying out the grid was two thirds of the help's first paint. A
`KeysTable` draws the same table — lines, header, keys in the colour of inline code — as lines of
text, wrapped to its width. Descriptions are plain text, never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

HEADINGS = ("Key", "What it does")


class KeysTable(Widget):
    """Rows of (key, what it does), under a header, boxed in thin lines."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keys-table--lines",
        "keys-table--header",
        "keys-table--key",
    }
    DEFAULT_CSS = """
    KeysTable {
        height: auto;
        width: 1fr;
        margin: 0 2 1 2;  /* as a Markdown table sits in the help's text */
    }
    KeysTable > .keys-table--lines { color: $foreground 20%; }
    KeysTable > .keys-table--header { color: $primary; }
    KeysTable:dark > .keys-table--key { color: $text-warning 95%; background: $warning 10%; }
    KeysTable:light > .keys-table--key { color: $text-error 95%; background: $error 5%; }
    """

    def __init__(self, rows: Sequence[tuple[str, str]], **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # name, id, classes
        self.rows = list(rows)
        self._drawn: tuple[int, list[Content]] | None = None

    def lines(self, width: int) -> list[Content]:
        """The table drawn `width` cells wide, one `Content` a line."""
        if self._drawn is not None and self._drawn[0] == width:
            return self._drawn[1]
        key_width = max(cell_len(text) for text in [HEADINGS[0], *(k for k, _ in self.rows)]) + 2
        # Never under 4: a wide character (2 cells) must fit beside its column's padding.
        text_width = max(width - key_width - 3, 4)

        def rule(left: str, middle: str, right: str) -> Content:
            line = f"{left}{'─' * key_width}{middle}{'─' * text_width}{right}"
            return Content(line).stylize(".keys-table--lines")

        bar = Content("│").stylize(".keys-table--lines")

        def row(key: Content, text: Content) -> list[Content]:
            """One row: its words wrapped within their column, the key on the first line."""
            drawn = []
            for number, part in enumerate(text.wrap(max(text_width - 2, 1))):
                shown = key if number == 0 else Content("")
                drawn.append(
                    Content.assemble(
                        bar,
                        " ",
                        shown,
                        " " * max(key_width - 1 - shown.cell_length, 0),
                        bar,
                        " ",
                        part,
                        " " * max(text_width - 1 - part.cell_length, 0),
                        bar,
                    )
                )
            return drawn

        header = ".keys-table--header"
        lines = [rule("┌", "┬", "┐")]
        lines += row(Content(HEADINGS[0]).stylize(header), Content(HEADINGS[1]).stylize(header))
        for key, text in self.rows:
            lines.append(rule("├", "┼", "┤"))
            lines += row(Content(key).stylize(".keys-table--key"), Content(text))
        lines.append(rule("└", "┴", "┘"))
        self._drawn = (width, lines)
        return lines

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))
