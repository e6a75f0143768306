"""Sharing between laptops: this laptop and the others, conflicts to settle, exchange now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.paint_first import PaintsFirst
from screens.widgets.kept_row import highlight_kept
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup.exchange import conflicts
from voicesgroup.exchange.view import NOT_SET_UP, SETUP_COMMAND, status_view


class ExchangeScreen(AppAccess, PaintsFirst):
    """What the exchange knows, and the conflicts a person settles."""

    HELP_TITLE = "Sharing between laptops"
    HELP = (
        "Each laptop of the organisation keeps its own data file and leaves an encrypted file "
        "for the others in one shared folder; an exchange reads theirs and writes its own. "
        "The app exchanges when it opens, after a session ends, and when you press x here. "
        "Members, consent and notes stay on their group's laptops; the coordinator's laptop "
        "never holds them. When a note's or a strategy's text was changed on two laptops at "
        "once, both versions are kept: choose one in the list and press Enter to settle it. "
        "Forgetting acknowledged by N of M laptops says how many laptops have already "
        "forgotten everyone forgotten anywhere."
    )
    BINDINGS = [
        Binding("x", "exchange_now", "Exchange now", id="exchange-now"),
        Binding("enter", "settle", "Settle", id="settle-conflict", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._waiting: list[conflicts.Conflict] = []
        self._set_up = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="exchange", classes="list-screen"):
            yield Static("Sharing between laptops", classes="section-title")
            yield Static("", id="exchange-here", markup=False)
            yield Static("", id="exchange-setup", classes="command", markup=False)
            yield Static("", id="exchange-line", classes="hint", markup=False)
            laptops: DataTable[str] = DataTable(
                id="exchange-laptops", cursor_type="none", zebra_stripes=True
            )
            laptops.can_focus = False  # read only: the keys go to the conflicts
            for label, width in (
                ("Laptop", 7),
                ("Whose", 28),
                ("Last seen", 22),
                ("Forgetting", 10),
            ):
                laptops.add_column(label, width=width)
            yield laptops
            yield Static("", id="exchange-forgetting", markup=False)
            yield Static("Conflicts to settle", id="conflicts-title", classes="section-title")
            table: DataTable[str] = DataTable(
                id="exchange-conflicts", cursor_type="row", zebra_stripes=True
            )
            table.add_column("Changed on two laptops at once", width=72)
            yield table
        yield KeysFooter(show_command_palette=False)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.vg.exchange_when_free()  # what was read while a conflict was open

    def refresh_data(self) -> None:
        view = status_view(self.store)
        if view.set_up != self._set_up:
            self._set_up = view.set_up
            self.refresh_bindings()
        here = self.query_one("#exchange-here", Static)
        setup = self.query_one("#exchange-setup", Static)
        setup.display = not view.set_up
        for selector in (
            "#exchange-laptops",
            "#exchange-forgetting",
            "#conflicts-title",
            "#exchange-conflicts",
        ):
            self.query_one(selector).display = view.set_up
        self.show_exchange_line(self.vg.exchange_line_listed or self.vg.exchange_line)
        if not view.set_up:
            here.update(NOT_SET_UP)
            setup.update(SETUP_COMMAND)
            self._waiting = []
            return
        said = [view.here, view.came_in, *view.problems]
        here.update("\n".join(said))
        laptops = self.query_one("#exchange-laptops", DataTable)
        laptops.clear()
        for laptop in view.laptops:
            laptops.add_row(
                *plain(laptop.short_id, laptop.role, laptop.last_seen, laptop.forgetting)
            )
        if not view.laptops:
            laptops.add_row("", "No other laptop has exchanged yet.", "", "")
        forgetting = self.query_one("#exchange-forgetting", Static)
        forgetting.update(view.forgetting)
        forgetting.display = bool(view.forgetting)
        self._waiting = conflicts.waiting(self.store)
        table = self.query_one("#exchange-conflicts", DataTable)
        with highlight_kept(table):
            table.clear()
            for conflict in self._waiting:
                table.add_row(*plain(conflict.what), key=str(conflict.copy_id))
            if not self._waiting:
                table.add_row("Nothing to settle.", key="none")
        self.refresh_bindings()

    def show_exchange_line(self, line: str | None) -> None:
        """The quiet line about the last exchange (what came in, or why it could not run),
        without the problems the screen lists above it (`exchange_line_listed`)."""
        shown = self.query_one("#exchange-line", Static)
        shown.update(line or "")
        shown.display = bool(line)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "settle":
            return bool(self._waiting)
        if action == "exchange_now":
            return self._set_up  # until then the screen says how to set it up
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "exchange-conflicts":
            self.action_settle()

    def action_settle(self) -> None:
        from screens.conflict_screen import ConflictScreen

        table = self.query_one("#exchange-conflicts", DataTable)
        if not self._waiting or not 0 <= table.cursor_row < len(self._waiting):
            return
        self.app.push_screen(ConflictScreen(self._waiting[table.cursor_row]))

    def action_exchange_now(self) -> None:
        self.vg.exchange_soon(asked=True)

    def action_back(self) -> None:
        self.dismiss()
