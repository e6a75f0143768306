"""Keys typed one behind another into a text field go in as one insertion.

A terminal without bracketed paste sends a paste as one key event per character. Textual's
`Input` and `TextArea` measure their whole text again on every insertion (cell widths, tabs,
the cursor's place), so 20,000 such keys cost 20,000 times the text so far: about a minute in
which the screen answers nothing. Here the app gathers the printable keys waiting in its queue
for the focused field, and lets them in with one insertion when the queue reaches the end of
the run: the same text, in the same place, as if each key had gone in on its own, at the cost
of one insertion. A person typing by hand sends one key at a time, so each key still goes in
the moment it is taken.

A paste's invisible characters go in with it, as they do in a bracketed paste: the joiner
inside an emoji (👩🏽‍🦱), the marks that order Hebrew and Arabic, a soft hyphen (Unicode's
"format" characters, which Textual's fields would otherwise drop key by key). Control
characters never do.

Anything else that reaches the app first lets in what was gathered (Enter, Backspace, Tab, an
arrow, a mouse click, a paste, a timer), so everything keeps the order it was typed in. Only a
field that takes printable keys the way Textual's own `Input` and `TextArea` do is served: a
field with keys of its own (a subclass with its own `_on_key`) gets its keys one by one, as
before.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import events
from textual.app import ScreenStackError
from textual.widgets import Input
from textual.widgets._input import _RESTRICT_TYPES  # Textual is pinned: see the test of this

INTEGER = r"[-+]?(?:\d|(?<=\d)_)*"
r"""What an integer field (`Input(type="integer")`) lets be typed: a sign, then digits, each
underscore after a digit. Textual's own pattern, `[-+]?(?:\d*|\d+_)*`, allows exactly these
strings, but before it refuses one more character it tries every way of splitting the digits
typed so far: a letter after 25 digits took seconds, after 30 minutes, for each key or paste,
and the app answered nothing meanwhile. This one reads each character once. Put in Textual's
table as this module loads, so every integer field (and a paste into one) uses it;
`tests/screens/test_typed_runs.py` proves both allow the same strings."""
_RESTRICT_TYPES["integer"] = INTEGER

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget
    from textual.widgets import TextArea

    _Mixed = App[object]
    """The app this is mixed into."""
else:
    _Mixed = object


def _text_area_type() -> type[TextArea] | None:
    """Textual's TextArea, if it is loaded: until a screen uses one, nothing can be one (and
    the app starts without loading it)."""
    module = sys.modules.get("textual.widgets._text_area")
    return None if module is None else module.TextArea


def takes_runs(widget: Widget | None) -> bool:
    """Whether printable keys typed into `widget` may be gathered into one insertion: it is
    Textual's own `Input` or `TextArea` handling of keys, on a field that can be typed into."""
    if isinstance(widget, Input):
        return type(widget)._on_key is Input._on_key and not widget.disabled
    text_area = _text_area_type()
    if text_area is not None and isinstance(widget, text_area):
        return (
            type(widget)._on_key is text_area._on_key
            and not widget.read_only
            and not widget.disabled
        )
    return False


def accepted(input_: Input, start: int, end: int, text: str) -> tuple[str, int, bool]:
    """What an `Input` holds after `text` is typed over `start:end` one character at a time,
    with its cursor and whether a character was refused (too long, or not allowed there):
    Textual's own check (`Input.replace`) applied to each character, so a refused one is
    dropped as it would have been, and the rest go in."""
    value = input_.value
    start, end = sorted((max(0, start), min(len(value), end)))
    before, after = value[:start], value[end:]
    patterns = [
        pattern for pattern in (input_.restrict, _RESTRICT_TYPES.get(input_.type)) if pattern
    ]
    longest = input_.max_length

    def allowed(candidate: str) -> bool:
        if longest and len(candidate) > longest:
            return False
        return all(re.fullmatch(pattern, candidate) is not None for pattern in patterns)

    whole = f"{before}{text}{after}"
    # The patterns of a number field (and a length) allow every start of what they allow
    # (tests/screens/test_typed_runs.py): typed at the end, a whole they allow went in key by
    # key too. Another pattern, or text after the cursor, may refuse a character on the way
    # that the whole hides: then each is checked after the ones let in before it.
    each_start_allowed = not input_.restrict and (not patterns or not after)
    if each_start_allowed and allowed(whole):
        return whole, start + len(text), False
    run = ""
    refused = False
    for character in text:
        if allowed(f"{before}{run}{character}{after}"):
            run += character
        else:
            refused = True
    if not run:
        return value, input_.cursor_position, refused  # nothing went in: the selection stays
    return f"{before}{run}{after}", start + len(run), refused


@dataclass
class TypedRun:
    """The printable keys gathered for one field, waiting to go in."""

    app: App[object]
    target: Widget | None = None
    characters: list[str] = field(default_factory=list)
    keys: list[events.Key] = field(default_factory=list)
    waiting: bool = False
    """Whether a call to `let_in` is already queued behind the gathered keys."""

    def take(self, event: events.Key) -> bool:
        """Gather `event` (a key the driver gave the app) into the run for the focused field;
        False when it is not a key for gathering, and is to be handled as usual."""
        character = event.character
        if event.is_forwarded or character is None or len(character) != 1:
            return False
        try:
            focused = self.app.focused
        except ScreenStackError:
            return False  # no screen yet, or none left as the app closes
        if not takes_runs(focused):
            return False
        assert focused is not None
        if event.is_printable:
            if not focused.check_consume_key(event.key, character):
                return False
        elif unicodedata.category(character) != "Cf":
            return False
        if event.key in focused._bindings.key_to_bindings:
            return False  # one of the field's own keys: it acts on it itself
        if focused is not self.target:
            self.let_in()
            self.target = focused
        if not self.app.app_focus:
            self.app.app_focus = True  # as Textual's own handling of a key does
        self.characters.append(character)
        self.keys.append(event)
        if not self.waiting:
            self.waiting = True
            # Queued behind the keys already waiting: it runs once the queue has given them all.
            self.app.call_later(self.let_in)
        return True

    def let_in(self) -> None:
        """Send what was gathered to its field, to go in as typing it would have.

        It goes through the field's own queue, behind any key the app passed to the field
        before it (Enter, Backspace, an arrow: the app passes a key on by queueing it there),
        so each goes in in the order it was typed."""
        self.waiting = False
        target, text, keys = self.target, "".join(self.characters), self.keys
        self.target, self.characters, self.keys = None, [], []
        if target is None or not text:
            return
        if not (
            target.is_attached and takes_runs(target) and target.call_later(insert, target, text)
        ):
            # The field went away (or stopped taking keys) before its keys went in: they are
            # pressed again, as keys, wherever keys go now, rather than lost.
            for key in keys:
                self.app.post_message(events.Key(key.key, key.character))


def insert(target: Widget, text: str) -> None:
    """Type `text` into `target` at its cursor (over its selection), as its keys one by one
    would have, with one insertion."""
    if not takes_runs(target):
        return  # it stopped taking keys (read-only) before its turn: so would each key have
    target._restart_blink()  # type: ignore[attr-defined]  # the cursor shows, as after a key
    if isinstance(target, Input):
        start, end = target.selection
        value, cursor, refused = accepted(target, start, end, text)
        if value != target.value:
            target.value = value
            target.cursor_position = cursor
        if refused:
            target.restricted()
    else:
        text_area: TextArea = target  # type: ignore[assignment]  # takes_runs said so
        selection = text_area.selection
        text_area.replace(text, *selection, maintain_selection_offset=False)


class TypesInRuns(_Mixed):
    """Mixed into an app (before `App`): every event it is given passes here first."""

    __typed_run: TypedRun | None = None

    @property
    def typed_run(self) -> TypedRun:
        """The keys gathered for the focused field, not yet let in."""
        if self.__typed_run is None:
            self.__typed_run = TypedRun(self)
        return self.__typed_run

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.typed_run.take(event):
            return  # it goes into its field with the keys queued behind it
        self.typed_run.let_in()  # what was typed before this goes in first, in order
        await super().on_event(event)
