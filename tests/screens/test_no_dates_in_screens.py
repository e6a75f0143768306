"""No screen reads or writes a date itself: `voicesgroup/dates.py` is the one home of both.

A screen that parses a typed date (`fromisoformat`, `strptime`) or formats one (`isoformat`,
`strftime`, a `%`-format in an f-string or `format()`) would sooner or later disagree with the
command line, the handouts and the other screens; it calls `dates.read_day`, `dates.read_time`,
`dates.typed` (a field filled with a date), `dates.day`, `dates.clock`… instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SCREENS = Path(__file__).resolve().parents[2] / "screens"
PARSING = {"fromisoformat", "strptime"}
FORMATTING = {"strftime", "isoformat"}
DIRECTIVE = re.compile(r"%[A-Za-z]")
"""A strftime directive (%d, %b, %H…); a percentage ('.0%') is not one."""


def date_handling(source: str) -> list[str]:
    """Each place in `source` that parses or formats a date itself, as 'line N: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in PARSING | FORMATTING:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if DIRECTIVE.search(spec):
                found.append(f"line {node.lineno}: a date format in an f-string")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "format"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Constant)
            and DIRECTIVE.search(str(node.args[1].value))
        ):
            found.append(f"line {node.lineno}: format(…, '%…')")
    return sorted(found, key=lambda place: int(place.split(":")[0].removeprefix("line ")))


def test_the_check_finds_each_kind_of_date_handling() -> None:
    source = (
        "import datetime as dt\n"
        "a = dt.date.fromisoformat(text)\n"
        "b = dt.datetime.strptime(text, '%Y')\n"
        "c = day.strftime('%d %b')\n"
        "d = f'on {day:%d %b %Y}'\n"
        "e = format(day, '%H:%M')\n"
        "f = f'{count:>3} people, {share:.0%}'\n"
        "g = Input(day.isoformat())\n"
    )
    found = date_handling(source)
    # Line 7 formats a count and a percentage, not a date.
    assert [place.split(":")[0] for place in found] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 8",
    ]


def test_no_screen_parses_or_formats_a_date_itself() -> None:
    offenders = {
        str(path.relative_to(SCREENS)): found
        for path in sorted(SCREENS.rglob("*.py"))
        if (found := date_handling(path.read_text(encoding="utf-8")))
    }
    assert not offenders, (
        "Dates are read and written by voicesgroup/dates.py (read_day, read_time, day, clock…), "
        f"never by a screen: {offenders}"
    )
