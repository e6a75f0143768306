"""The help's table of keys (`KeysTable`): one widget that draws what a Markdown table drew.

Whatever the keys and their words — long, wide, right-to-left, looking like markup — and whatever
the width, each line is exactly as wide as the table, every word is drawn, none is read as
markup, and the lines stay where they were drawn."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from screens.widgets.keys_table import HEADINGS, KeysTable

words = st.text(
    # Every character a person could type, but the column line itself (the test splits on it).
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf", "Mn", "Me", "Co", "Cn"),
        blacklist_characters="│",
    ),
    min_size=1,
    max_size=80,
).filter(str.strip)
rows = st.lists(st.tuples(words.map(lambda key: key[:6]), words), max_size=12)


@settings(max_examples=150, deadline=None)
@given(rows=rows, width=st.integers(min_value=12, max_value=120))
def test_every_line_fills_the_width_and_every_word_is_drawn(
    rows: list[tuple[str, str]], width: int
) -> None:
    table = KeysTable(rows)
    lines = table.lines(width)
    key_width = max(cell_len(key) for key in [HEADINGS[0], *(k for k, _ in rows)])
    if key_width + 2 + 3 + 4 <= width:  # narrower, the lines are cut at the table's edge
        assert {line.cell_length for line in lines} == {width}
    assert lines[0].plain.startswith("┌") and lines[-1].plain.startswith("└")
    columns = [line.plain.split("│") for line in lines if line.plain.startswith("│")]
    keys = [cells[1].strip() for cells in columns if cells[1].strip()]
    drawn = "".join("".join(cells[2].split()) for cells in columns)
    assert keys == [HEADINGS[0], *(key.strip() for key, _ in rows)]
    for _key, text in rows:
        assert "".join(text.split()) in drawn
    # Textual types the container and viewport as Size; this widget reads only the width.
    height = table.get_content_height(None, None, width)  # type: ignore[arg-type]  # see above
    assert height == len(lines)


def test_words_that_look_like_markup_are_drawn_as_typed() -> None:
    lines = KeysTable([("[b]", "[bold red]Lock now[/] $primary")]).lines(60)
    text = "".join(line.plain for line in lines)
    assert "[b]" in text and "[bold red]Lock now[/] $primary" in text
