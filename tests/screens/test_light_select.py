"""`LightSelect` (screens/widgets/light_select.py): Textual's `Select`, painted as one widget.

It must be the same choice to a person as Textual's own: the same line on the screen for any
label (whatever was typed, however long, at any width, with or without a border, focused or
not), the same answer to the same keys, and its list there when it is opened, keys typed while
it is being made included. And every screen uses it: a `Select` composed directly would bring
back six widgets a choice.
"""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.strip import Strip
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from screens.widgets.light_select import LightSelect

SCREENS = Path(__file__).resolve().parents[2] / "screens"

# Labels as a person might have typed them (a name is shown through `literal`, a Text), and
# the fixed words of the app (plain strings, no markup in them).
typed_labels = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("[]/\\ 😀é字\u0301"),
    max_size=40,
).map(Text)
fixed_labels = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs")), min_size=1, max_size=30
)
labels = typed_labels | fixed_labels
option_lists = st.lists(labels, min_size=1, max_size=5)


class Pairs(App[None]):
    """Each case as Textual's Select beside a LightSelect, the same width, the same options."""

    AUTO_FOCUS = None
    CSS = """
    Horizontal { height: auto; }
    Select { margin: 0 1 0 0; }
    """

    def __init__(self, cases: list[dict[str, Any]]) -> None:
        super().__init__()
        self.cases = cases

    def compose(self) -> ComposeResult:
        for number, case in enumerate(self.cases):
            with Horizontal():
                for kind in (Select, LightSelect):
                    choice = kind(
                        [(label, index) for index, label in enumerate(case["options"])],
                        value=case["value"],
                        allow_blank=case["blank"],
                        prompt=case["prompt"],
                        compact=case["compact"],
                        id=f"{kind.__name__}-{number}",
                    )
                    choice.styles.width = case["width"]
                    yield choice


def painted(app: App[Any], widget: Select[Any]) -> list[list[tuple[str, Any]]]:
    """The cells the widget covers on the screen: text and style, row by row."""
    region = widget.region
    rows: list[Strip] = app.screen._compositor.render_strips()
    cells = []
    for strip in rows[region.y : region.bottom]:
        part = strip.crop(region.x, region.right).simplify()
        cells.append([(segment.text, segment.style) for segment in part])
    return cells


cases = st.fixed_dictionaries(
    {
        "options": option_lists,
        "width": st.integers(min_value=4, max_value=36),
        "compact": st.booleans(),
        "blank": st.booleans(),
        "prompt": fixed_labels,
        "pick": st.integers(min_value=-1, max_value=4),
    }
).map(
    lambda case: {
        **case,
        "value": (
            case["pick"] % len(case["options"])
            if case["pick"] >= 0 or not case["blank"]
            else Select.NULL
        ),
    }
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases, min_size=1, max_size=4))
def test_it_paints_what_textuals_select_paints(batch: list[dict[str, Any]]) -> None:
    async def run() -> None:
        app = Pairs(batch)
        async with app.run_test(size=(80, 6 * len(batch) + 2)) as pilot:
            await pilot.pause()
            for number in range(len(batch)):
                theirs = app.query_one(f"#Select-{number}", Select)
                ours = app.query_one(f"#LightSelect-{number}", LightSelect)
                assert ours.region.size == theirs.region.size
                assert painted(app, ours) == painted(app, theirs), batch[number]
                assert ours.value == theirs.value
            # Focused, each in turn: the border and the tint of a focused choice.
            theirs, ours = app.query_one("#Select-0", Select), app.query_one("#LightSelect-0")
            theirs.focus()
            await pilot.pause()
            focused_theirs = painted(app, theirs)
            ours.focus()
            await pilot.pause()
            assert painted(app, ours) == focused_theirs

    asyncio.run(run())


KEYS = st.lists(
    st.sampled_from(["enter", "down", "up", "space", "escape", "a", "e", "v"]), max_size=8
)
OPTIONS = ["Every week", "Every other week", "Away days", "Evenings", "Virtual"]


class Side(App[None]):
    """Textual's Select and a LightSelect for each sequence of keys, one pair a row."""

    AUTO_FOCUS = None

    def __init__(self, rows: int, options: list[str] = OPTIONS) -> None:
        super().__init__()
        self.rows = rows
        self.options = options
        self.changes: dict[str, list[object]] = {}

    def compose(self) -> ComposeResult:
        for row in range(self.rows):
            with Horizontal(classes="row"):
                for kind in (Select, LightSelect):
                    yield kind(
                        [(label, label) for label in self.options],
                        allow_blank=False,
                        id=f"{kind.__name__}-{row}",
                    )

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changes.setdefault(event.select.id or "", []).append(event.value)


async def after_keys(app: Side, pilot: Any, choice: Select[Any], keys: list[str]) -> object:
    """What a person sees after pressing `keys` on `choice`: its value, whether its list is
    open, where the focus is, and each change it announced."""
    choice.focus()
    await pilot.pause()
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    focused = app.focused
    where = "list" if isinstance(focused, SelectOverlay) else "itself" if focused is choice else "?"
    shown = choice.value, choice.expanded, where, app.changes.get(choice.id or "", [])[1:]
    choice.expanded = False
    await pilot.pause()
    return shown


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(KEYS, min_size=1, max_size=5))
def test_the_same_keys_give_the_same_choice(sequences: list[list[str]]) -> None:
    async def run() -> None:
        app = Side(len(sequences))
        async with app.run_test(size=(80, 20)) as pilot:
            await pilot.pause()
            for row, keys in enumerate(sequences):
                theirs = await after_keys(app, pilot, app.query_one(f"#Select-{row}"), keys)
                ours = await after_keys(app, pilot, app.query_one(f"#LightSelect-{row}"), keys)
                assert ours == theirs, keys

    asyncio.run(run())


async def test_its_list_is_made_when_first_opened_and_keys_typed_meanwhile_reach_it() -> None:
    app = Side(1)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        choice = app.query_one("#LightSelect-0", LightSelect)
        assert not choice.list_made and not choice.query(SelectOverlay)
        choice.focus()
        await pilot.pause()
        # Enter has asked for the list; the first letters of a choice, and Enter, are typed
        # before it is made.
        choice.action_show_overlay()
        assert choice.expanded and not choice.list_made
        for key, character in [("v", "v"), ("enter", "\r")]:
            app.post_message(events.Key(key, character))
        for _ in range(5):
            await pilot.pause()
        assert choice.list_made
        assert choice.value == "Virtual"
        assert not choice.expanded
        assert app.focused is choice


async def test_new_options_before_the_list_is_made_are_the_ones_it_shows() -> None:
    app = Side(1)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        choice = app.query_one("#LightSelect-0", LightSelect)
        choice.set_options([("Tuesday", 2), ("Thursday", 4)])
        choice.value = 4
        await pilot.pause()
        choice.focus()
        await pilot.press("enter")
        await pilot.pause()
        overlay = choice.query_one(SelectOverlay)
        shown = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert shown == ["Tuesday", "Thursday"]
        assert overlay.highlighted == 1
        await pilot.press("up", "enter")
        assert choice.value == 2


async def test_a_typed_label_is_shown_as_typed() -> None:
    app = Side(1, ["[b]Sam[/b]", "[/]"])
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        line = app.query_one("#LightSelect-0").query_one("SelectLine")
        rows = [strip.text for strip in line.render_lines(line.region.reset_offset)]
        assert "[b]Sam[/b]" in "".join(rows)


def direct_selects(root: Path) -> list[str]:
    """Where code under `root` builds Textual's `Select` itself (file:line)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "light_select.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func
            if isinstance(called, ast.Attribute) and called.attr == "from_values":
                called = called.value
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
            if name == "Select":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_screens_compose_the_light_select_only() -> None:
    """A choice composed as Textual's `Select` costs six widgets before the first paint."""
    direct = direct_selects(SCREENS)
    assert not direct, f"Textual's Select composed directly (use LightSelect): {direct}"


def test_the_check_finds_a_select_composed_directly(tmp_path: Path) -> None:
    (tmp_path / "a_screen.py").write_text(
        "from textual import widgets\n"
        "from textual.widgets import Select\n"
        "one = Select([('a', 1)])\n"
        "two = widgets.Select([('b', 2)])\n"
        "three = Select.from_values([3])\n"
        "fine = LightSelect([('c', 4)])\n"
    )
    assert direct_selects(tmp_path) == ["a_screen.py:3", "a_screen.py:4", "a_screen.py:5"]
