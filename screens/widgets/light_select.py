"""A choice from a list that costs one widget to paint, and makes its list only when opened.

Textual's `Select` is six widgets before anything is chosen: itself, a row of three (the
label and two arrows) and the option list it drops down, each built, styled and laid out
before the screen's first frame (about 1 ms apiece; the print dialog had six of them). A
`LightSelect` is the same `Select` — the same keys, messages, values and looks, found by
the same queries (`query_one("#x", Select)`) and read the same way by the forms — drawn as
one line (`SelectLine`) and holding its option list back until the list is opened for the
first time. Keys typed while that list is being made (Enter, then the first letters of a
choice) reach it once it is there.

Screens compose `LightSelect`, never Textual's `Select` itself
(`tests/screens/test_light_select.py` holds them to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Select
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay, SelectType

ARROW_WIDTH = 2
"""The arrow and the space before it (Textual's arrow: one cell, with one cell of padding)."""


def _content(label: RenderableType) -> Content:
    """A label as content, never read as markup (a choice may be a name someone typed)."""
    if isinstance(label, Content):
        return label
    if isinstance(label, Text):
        return Content.from_rich_text(label)
    return Content(str(label))


class _LabelAndArrow(Visual):
    """The label wrapped into the width left of the arrow, the arrow on its first line: what
    Textual's row of a 1fr label beside a padded one-cell arrow draws."""

    def __init__(self, label: Content, arrow: Content) -> None:
        self.label = label
        self.arrow = arrow

    def _label_width(self, width: int) -> int:
        return max(width - ARROW_WIDTH, 1)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        if not width:
            return []
        label_width = self._label_width(width)
        # Space is painted as Textual pads a widget: its background only.
        blank = RichStyle.from_color(bgcolor=style.rich_style.bgcolor)
        lines = self.label.render_strips(label_width, None, style, options) or [Strip([])]
        arrow = self.arrow.render_strips(1, 1, style, options) or [Strip([])]
        strips = [
            Strip.join(
                [
                    line.extend_cell_length(label_width, blank).crop(0, label_width),
                    Strip.blank(1, blank),
                    arrow[0] if row == 0 else Strip.blank(1, blank),
                ]
            )
            for row, line in enumerate(lines)
        ]
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.label.cell_length + ARROW_WIDTH

    def get_height(self, rules: RulesMap, width: int) -> int:
        return max(len(self.label.wrap(self._label_width(width))), 1)


class SelectLine(SelectCurrent):
    """The chosen option and its arrow as one widget: styled as Textual's `SelectCurrent`
    (it is one, for the stylesheet), drawn without its three children."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"select-line--placeholder", "select-line--arrow"}
    DEFAULT_CSS = """
    SelectLine > .select-line--placeholder { color: $foreground 50%; }
    SelectLine > .select-line--arrow { color: $foreground 50%; }
    """

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder)
        self._list_open = False

    @property
    def is_container(self) -> bool:
        return False  # drawn, not laid out: it has no children

    @property
    def is_scrollable(self) -> bool:
        return False

    def compose(self) -> ComposeResult:
        return iter(())

    def update(self, label: RenderableType | NoSelection) -> None:
        self.label = label
        self.has_value = label is not Select.NULL
        self.refresh(layout=True)

    def _watch_has_value(self, has_value: bool) -> None:
        super()._watch_has_value(has_value)
        self.refresh()

    def show_arrow(self, expanded: bool) -> None:
        """▲ while the list is open, ▼ while it is closed."""
        self._list_open = expanded
        self.refresh()

    def render(self) -> Visual:
        if isinstance(self.label, NoSelection):
            label = Content(self.placeholder)
        else:
            label = _content(self.label)
        if not self.has_value:
            label = label.stylize(".select-line--placeholder")
        arrow = Content("▲" if self._list_open else "▼").stylize(".select-line--arrow")
        return _LabelAndArrow(label, arrow)


class _ChoiceList(SelectOverlay):
    """Textual's list of choices, marking each key it was given (see `LightSelect._on_key`)."""

    async def _on_key(self, event: events.Key) -> None:
        event._seen_by_list = True  # type: ignore[attr-defined]  # a mark for the select above
        await super()._on_key(event)


class LightSelect(Select[SelectType]):
    """Textual's `Select`, painted as one line; its list is made the first time it opens."""

    # Class defaults: Select's reactives call the watchers below while it is being built.
    _overlay: SelectOverlay | None = None
    _first_on_open = False

    def __init__(
        self,
        options: Iterable[tuple[RenderableType, SelectType]],
        **kwargs: object,
    ) -> None:
        self._keys_while_opening: list[events.Key] = []
        super().__init__(options, **kwargs)  # type: ignore[arg-type]  # Select's own keywords

    @property
    def _line(self) -> SelectLine:
        return self.query_one(SelectLine)

    def compose(self) -> ComposeResult:
        line = SelectLine(self.prompt)
        # The line shows the value it opens with from the start, as it would once mounted
        # (`Select._on_mount` sets the value again): styled once, as it mounts, not twice.
        value = self._value
        if value == self.NULL and not self._allow_blank and self._options:
            value = self._options[0][1]
        for prompt, option_value in self._options:
            if value != self.NULL and option_value == value:
                line.label = prompt
                line.has_value = True
                line.set_class(True, "-has-value")
                break
        yield line

    # -- the list, made when it is first opened ---------------------------------------------

    @property
    def list_made(self) -> bool:
        """Whether the option list exists yet (it is made the first time it opens)."""
        return self._overlay is not None

    def _setup_options_renderables(self) -> None:
        if self._overlay is not None:
            super()._setup_options_renderables()

    async def _make_list_and_open(self) -> None:
        overlay = _ChoiceList(type_to_search=self._type_to_search)
        overlay.compact = self.compact
        self._overlay = overlay
        await self.mount(overlay)
        self._setup_options_renderables()
        if self.expanded:
            self._open()

    def _open(self) -> None:
        super()._watch_expanded(True)  # shows the list and moves the focus to it
        self._line.show_arrow(True)
        overlay = self._overlay
        if self._first_on_open and overlay is not None and overlay.highlighted is None:
            overlay.action_first()  # as Select does when opened from the keyboard
        self._first_on_open = False
        keys, self._keys_while_opening = self._keys_while_opening, []
        for key in keys:
            self._press_again(key)

    def _watch_expanded(self, expanded: bool) -> None:
        if self._overlay is None:
            if expanded:
                self.call_next(self._make_list_and_open)
            return
        if expanded:
            self._open()
            return
        super()._watch_expanded(expanded)
        self._line.show_arrow(False)

    def action_show_overlay(self) -> None:
        self._line.has_value = True
        self._first_on_open = True
        self.expanded = True

    async def _on_key(self, event: events.Key) -> None:
        """A key typed after the list was asked for, but sent here before the list had the
        focus, goes to the list (its first letters find a choice), not to the screen behind."""
        if (
            not self.expanded
            or getattr(event, "_seen_by_list", False)
            or getattr(event, "_pressed_again", False)
        ):
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        overlay = self._overlay
        if overlay is None or not overlay.is_mounted:
            self._keys_while_opening.append(event)  # pressed again once the list is open
        else:
            self._press_again(event)  # after the focus, already on its way to the list

    def _press_again(self, key: events.Key) -> None:
        """Press `key` again, as the app: sent by this widget it would bubble no higher than
        here (Textual stops a message at its sender), and the list's own keys such as Enter
        are bindings, answered only once a key reaches the app."""

        def press() -> None:
            again = events.Key(key.key, key.character)
            again._pressed_again = True  # type: ignore[attr-defined]  # never held back twice
            self.app.post_message(again)

        self.app.call_later(press)

    # -- the chosen value, shown on the line ------------------------------------------------

    def _watch_value(self, value: SelectType | NoSelection) -> None:
        self._value = value
        lines = self.query(SelectLine)
        if not lines:
            return  # not composed yet: the line is drawn from the value when it is
        line = lines.first()
        if value == self.NULL:
            line.update(self.NULL)
        else:
            for index, (prompt, option_value) in enumerate(self._options):
                if option_value == value:
                    if self._overlay is not None:
                        self._overlay.highlighted = index
                    line.update(prompt)
                    break
        self.post_message(self.Changed(self, value))

    def _watch_prompt(self, prompt: str) -> None:
        if not self.is_mounted:
            return
        line = self._line
        line.placeholder = prompt
        if not self._allow_blank:
            return
        if self.value == self.NULL:
            line.update(self.NULL)
        if self._overlay is not None:
            self._overlay.replace_option_prompt_at_index(0, Text(prompt, style="dim"))

    def _watch_compact(self, compact: bool) -> None:
        if self._overlay is not None:
            self._overlay.compact = compact
