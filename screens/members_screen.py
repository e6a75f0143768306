"""The members known by name, and what each has agreed to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.paint_first import PaintsFirst
from screens.widgets.kept_row import highlight_kept
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup import dates
from voicesgroup.models import Member


class MembersScreen(AppAccess, PaintsFirst):
    HELP_TITLE = "Members"
    HELP = (
        "Members known by a first or chosen name. What is kept about each of them is only "
        "what they agreed to; Enter opens a member and their consents."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="add-member"),
        Binding("enter", "edit", "Open", id="open-member", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._members: list[Member] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("Members", classes="section-title")
            yield Static(
                "Anyone can come without being listed here; a name is kept only with a yes.",
                classes="hint",
            )
            table: DataTable[str] = DataTable(id="members", cursor_type="row", zebra_stripes=True)
            table.add_column("Name", width=24)
            table.add_column("Joined", width=11)
            table.add_column("Has agreed to", width=35)
            yield table
            yield Static(
                "list: their name on the attendance list · strategies: their name beside "
                "strategies they share",
                classes="hint",
            )
        yield KeysFooter(show_command_palette=False)

    def refresh_data(self) -> None:
        store = self.store
        self._members = store.members()
        table = self.query_one(DataTable)
        with highlight_kept(table):
            table.clear()
            consents = store.consents_by_member()
            for member in self._members:
                scopes = sorted(consents.get(member.id, set()))
                agreed = ", ".join(scope.short_label for scope in scopes) or "nothing recorded"
                table.add_row(
                    *plain(member.display_name, dates.date(member.joined_on), agreed),
                    key=str(member.id),
                )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from screens.member_screen import MemberScreen

        self.app.push_screen(MemberScreen(None))

    def action_edit(self) -> None:
        from screens.member_screen import MemberScreen

        table = self.query_one(DataTable)
        if self._members and table.cursor_row >= 0:
            self.app.push_screen(MemberScreen(self._members[table.cursor_row]))

    def action_back(self) -> None:
        self.dismiss()
