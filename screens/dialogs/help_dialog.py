"""F1: the keys of the screen underneath, and what this laptop records."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from screens.access import AppAccess
from screens.widgets.keys_table import KeysTable

WHAT_IS_RECORDED = """\
**What this laptop records.** For each session: the date, the facilitators, a head count and
the themes. A member's name is kept only where that member has said yes to that kind of record,
and they can see, change or withdraw it at any time. Nothing leaves this laptop unless you print
or export it{shared}.

Press **Ctrl+P** for every action by name, **Escape** to close this.
"""
SHARED = (
    ", or it is shared with the organisation's other laptops (x on Home): members, consent and "
    "notes only with the laptops of their own group"
)
"""What the help adds once this laptop is set up for sharing between laptops."""


class HelpDialog(AppAccess, ModalScreen[None]):
    """Help for the screen it was opened over."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close", id="close-help"),
        # Nothing in the help takes the focus, so the dialog scrolls its text itself.
        Binding("pagedown,space", "scroll_help('scroll_page_down')", "Page down", show=False),
        Binding("pageup", "scroll_help('scroll_page_up')", "Page up", show=False),
        Binding("down,j", "scroll_help('scroll_down')", "Down", show=False),
        Binding("up,k", "scroll_help('scroll_up')", "Up", show=False),
        Binding("home", "scroll_help('scroll_home')", "Top", show=False),
        Binding("end", "scroll_help('scroll_end')", "End", show=False),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self._under = under

    def compose(self) -> ComposeResult:
        rows: list[tuple[str, str]] = []
        for _key, active in sorted(self._under.active_bindings.items()):
            binding = active.binding
            # Widget keys (cursor moves, copy) are the same everywhere; list this screen's.
            if binding.description and binding.id and active.node in (self._under, self.app):
                shown = self.app.get_key_display(binding)
                rows.append((shown, binding.tooltip or binding.description))
        from voicesgroup.exchange import state

        try:
            shared = SHARED if state.role(self.store.storage.read()) is not None else ""
        except RuntimeError:  # help over the unlock screen: the data file is not open yet
            shared = ""
        recorded = WHAT_IS_RECORDED.format(shared=shared)
        title = getattr(self._under, "HELP_TITLE", "Help")
        about = getattr(self._under, "HELP", "")
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Markdown(f"## {title}\n\n{about}\n\n{recorded}")
            # One widget, not a Markdown table's grid of one widget per cell (see KeysTable).
            yield KeysTable(rows, id="help-keys")

    def action_scroll_help(self, how: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        getattr(body, how)(animate=False)
