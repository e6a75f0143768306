"""A paste the terminal sends as one key per character arrives whole, in order, and quickly.

A terminal without bracketed paste types a paste: 20,000 characters are 20,000 key events. Fed
here through Textual's own terminal parser, as the terminal's bytes reach the app, in chunks the
size the Linux driver reads. `screens/typed_runs.py` lets the keys queued for a field in with
one insertion; these tests prove the text is the same as typing it key by key would give (the
same characters, the same place, the same refusals), and that it takes a handful of insertions
instead of one per key (each insertion measures the whole text again: 20,000 of them took about
a minute).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.dialogs.text_capture_dialog import TextCaptureDialog
from screens.typed_runs import INTEGER, TypesInRuns, takes_runs
from tests.helpers.app import IN_SESSION, app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.terminal import CHUNK, bracketed, feed

ODD = (
    "[/]Zoë  e\u0301 ١٢٣ ５ 🙂👩🏽\u200d🦱 שלום\u200f عربي ߷ \u200b\u00ad "
    "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"
)
"""Markup brackets, a combining accent, other scripts' digits, full width, an emoji joined by
an invisible joiner, right-to-left words with their mark, a zero-width space and a soft hyphen
(Unicode's format characters, which Textual's fields drop when typed one by one and keep in a
bracketed paste), and every ASCII symbol."""


async def settled(pilot: Pilot[Any], done: Any, tries: int = 400) -> None:
    """Pause until `done()` holds (the keys are all in), or fail."""
    for _ in range(tries):
        await pilot.pause()
        if done():
            return
    raise AssertionError("the typed keys did not all arrive")


def count_insertions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times any Input's value changed from now on (one entry per change)."""
    changes: list[int] = []
    watch = Input._watch_value

    def counted(self: Input, value: str) -> None:
        changes.append(len(value))
        watch(self, value)

    monkeypatch.setattr(Input, "_watch_value", counted)
    return changes


@pytest.mark.slow
async def test_twenty_thousand_typed_characters_reach_the_theme_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ODD * (20_000 // len(ODD) + 1))[:20_000]
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*IN_SESSION, "t")
        await pilot.pause()
        assert isinstance(app.screen, TextCaptureDialog)
        field = app.screen.query_one("#capture-text", Input)
        insertions = count_insertions(monkeypatch)
        feed(app, text)
        await settled(pilot, lambda: len(field.value) >= len(text))
        assert field.value == text  # every key, in order, nothing doubled
        assert field.cursor_position == len(text)
        # One insertion per run of queued keys, not one per key (20,000 took a minute).
        assert 1 <= len(insertions) <= 2 * (len(text) // CHUNK + 1), len(insertions)
        assert isinstance(app.screen, TextCaptureDialog), "a typed character acted as a key"


class OneByOne(Input):
    """An Input that takes its keys one at a time (its own key handler): the reference."""

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)


class OneByOneArea(TextArea):
    """A TextArea that takes its keys one at a time: the reference."""

    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)


class Fields(TypesInRuns, App[None]):
    """A gathering field and a one-key-at-a-time field of each kind, made alike."""

    def __init__(self, options: dict[str, Any], start: str) -> None:
        super().__init__()
        self.options = options
        self.start = start

    def compose(self) -> ComposeResult:
        yield Input(self.start, id="runs", **self.options)
        yield OneByOne(self.start, id="keys", **self.options)
        yield TextArea(self.start, id="runs-area")
        yield OneByOneArea(self.start, id="keys-area")


def test_only_textual_s_own_fields_gather() -> None:
    assert takes_runs(Input()) and takes_runs(TextArea())
    assert not takes_runs(OneByOne()) and not takes_runs(OneByOneArea())
    assert not takes_runs(TextArea(read_only=True)) and not takes_runs(Input(disabled=True))
    assert not takes_runs(None)


TYPED = st.lists(
    st.one_of(
        st.text(
            st.characters(blacklist_categories=("Cc", "Cs")).filter(str.isprintable),
            min_size=1,
            max_size=30,
        ),
        st.sampled_from([piece for piece in ODD.split(" ") if piece.isprintable()]),
        # Keys that are not characters, between them: Backspace, the arrows, Home, End, Enter.
        st.sampled_from(["\x7f", "\x1b[D", "\x1b[C", "\x1b[H", "\x1b[F", "\r"]),
    ),
    max_size=12,
).map("".join)

OPTIONS = st.sampled_from(
    [
        {},
        {"type": "integer"},
        {"type": "number"},
        {"max_length": 7},
        {"restrict": r"[a-zé ]*"},
        {"type": "integer", "max_length": 3},
    ]
)


async def type_both_ways(options: dict[str, Any], start: str, typed: str) -> None:
    app = Fields(options, start)
    async with app.run_test(size=(80, 24)) as pilot:
        for gathering, one_by_one in (("#runs", "#keys"), ("#runs-area", "#keys-area")):
            fields = [app.query_one(gathering), app.query_one(one_by_one)]
            for field in fields:
                field.focus()
                await pilot.pause()
                feed(app, typed + "\x1b[D")  # an arrow last: every key has gone in before it
                await pilot.pause()
                await pilot.pause()
            runs, keys = fields
            if isinstance(runs, Input):
                assert isinstance(keys, Input)
                assert (runs.value, runs.cursor_position) == (keys.value, keys.cursor_position)
            else:
                assert isinstance(runs, TextArea) and isinstance(keys, TextArea)
                assert (runs.text, runs.cursor_location) == (keys.text, keys.cursor_location)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(options=OPTIONS, start=st.sampled_from(["", "12", "ab c"]), typed=TYPED)
def test_keys_let_in_together_give_what_typing_them_one_by_one_gives(
    options: dict[str, Any], start: str, typed: str
) -> None:
    asyncio.run(type_both_ways(options, start, typed))


async def test_a_typed_paste_keeps_invisible_characters_as_a_bracketed_one_does() -> None:
    typed = "👩🏽\u200d🦱 a\u00adb \u200fשלום\u200e, x\u200by"
    app = Fields({}, "")
    async with app.run_test(size=(80, 24)) as pilot:
        for one, other in (("#runs", "#keys"), ("#runs-area", "#keys-area")):
            typed_into, pasted_into = app.query_one(one), app.query_one(other)
            typed_into.focus()
            await pilot.pause()
            feed(app, typed)
            await pilot.pause()
            pasted_into.focus()
            await pilot.pause()
            feed(app, bracketed(typed))
            await pilot.pause()
            assert isinstance(typed_into, Input | TextArea)
            assert isinstance(pasted_into, Input | TextArea)
            kept = [
                field.value if isinstance(field, Input) else field.text
                for field in (typed_into, pasted_into)
            ]
            assert kept == [typed, typed]


TEXTUAL_INTEGER = r"[-+]?(?:\d*|\d+_)*"
"""Textual's own pattern for an integer field, which backtracks for ever on a long number."""


def test_an_integer_field_allows_what_textual_allowed_and_reads_each_character_once() -> None:
    import itertools
    import re

    from textual.widgets._input import _RESTRICT_TYPES

    assert _RESTRICT_TYPES["integer"] == INTEGER, "Textual's own pattern is in use"
    for length in range(6):
        for characters in itertools.product("1٣_+-a.", repeat=length):
            text = "".join(characters)
            ours = re.fullmatch(INTEGER, text) is not None
            assert ours == (re.fullmatch(TEXTUAL_INTEGER, text) is not None), text


async def test_a_letter_after_a_long_number_is_refused_at_once() -> None:
    """Typed, or pasted, after 40 digits: with Textual's pattern each took hours."""
    app = Fields({"type": "integer"}, "")
    async with app.run_test(size=(80, 24)) as pilot:
        for field_id in ("#runs", "#keys"):
            field = app.query_one(field_id, Input)
            field.focus()
            await pilot.pause()
            feed(app, "9" * 40 + "a" + "1")
            feed(app, bracketed("x" + "2" * 40))
            await pilot.pause()
            await pilot.pause()
            assert field.value == "9" * 40 + "1", field_id


def test_a_number_field_allows_every_start_of_what_it_allows() -> None:
    """What lets a run typed at the end of a number field go in with one check."""
    import itertools
    import re

    from textual.widgets._input import _RESTRICT_TYPES

    for kind in ("integer", "number"):
        pattern = _RESTRICT_TYPES[kind]
        assert pattern is not None
        for length in range(1, 6):
            for characters in itertools.product("1_+-e.a", repeat=length):
                text = "".join(characters)
                if re.fullmatch(pattern, text):
                    assert all(re.fullmatch(pattern, text[:cut]) for cut in range(length)), text
