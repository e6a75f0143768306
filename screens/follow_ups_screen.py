"""Follow-ups from sessions and debriefs: who takes each on, and when it was done."""

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
from voicesgroup import facilitator_path as fp
from voicesgroup.facilitator_counts import FollowUpRow


class FollowUpsScreen(AppAccess, PaintsFirst):
    HELP_TITLE = "Follow-ups"
    HELP = (
        "Everything noted to follow up, during a session (f) or in the debrief, from every "
        "group, newest first. o gives it to the next facilitator (again to pass it on, and "
        "after the last to nobody); d marks it done today, or open again; a shows the done ones "
        "too. Open follow-ups are listed on Home and when the group's next session starts."
    )
    BINDINGS = [
        Binding("o", "owner", "Owner", id="follow-up-owner"),
        Binding("d", "done", "Done", id="follow-up-done"),
        Binding("a", "show_all", "Open / all", id="follow-ups-all"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[FollowUpRow] = []
        self.show_done = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("Follow-ups still open", id="follow-ups-title", classes="section-title")
            table: DataTable[str] = DataTable(
                id="follow-ups", cursor_type="row", zebra_stripes=True
            )
            for label, width in (
                ("Session", 10),
                ("Group", 12),
                ("To follow up", 24),
                ("Owner", 8),
                ("Done", 11),
            ):
                table.add_column(label, width=width)
            yield table
            yield Static("", id="follow-up-text", markup=False)
        yield KeysFooter(show_command_palette=False)

    def refresh_data(self) -> None:
        store = self.store
        groups = {str(group.id): group.name for group in store.groups(include_archived=True)}
        names = {str(person.id): person.display_name for person in store.facilitators()}
        self._rows = fp.follow_up_list(store, open_only=not self.show_done)
        title = "All follow-ups" if self.show_done else "Follow-ups still open"
        self.query_one("#follow-ups-title", Static).update(title)
        table = self.query_one("#follow-ups", DataTable)
        with highlight_kept(table):
            table.clear()
            days = dates.days_in([row.session_date for row in self._rows], today=self.vg.today())
            for row, day in zip(self._rows, days, strict=True):
                table.add_row(
                    *plain(
                        day,
                        groups.get(row.group_id, ""),
                        row.text + (" (debrief)" if row.from_debrief else ""),
                        names.get(row.owner_id or "", "nobody"),
                        dates.date(row.done_on) if row.done_on else "",
                    ),
                    key=f"{row.session_id}:{row.key}",
                )
            if not self._rows:
                table.add_row("", "", "Nothing to follow up.", "", "", key="none")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole of the chosen follow-up, which the table may cut short."""
        row = self._chosen()
        self.query_one("#follow-up-text", Static).update(row.text if row else "")

    def _chosen(self) -> FollowUpRow | None:
        table = self.query_one("#follow-ups", DataTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self._rows[table.cursor_row]

    def action_owner(self) -> None:
        """Ask who owns the follow-up: a facilitator from the list, or nobody for now."""
        from screens.dialogs.choose_facilitator_dialog import ChooseFacilitatorDialog

        row = self._chosen()
        if row is None:
            return
        people = self.store.facilitators(include_inactive=False)
        current = next((person.id for person in people if str(person.id) == row.owner_id), None)

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            owner = next((person for person in people if str(person.id) == choice), None)
            if self.vg.attempt(lambda: fp.set_owner(self.store, row, owner)):
                self.refresh_data()

        self.app.push_screen(
            ChooseFacilitatorDialog("Who follows this up?", people, current), chosen
        )

    def action_done(self) -> None:
        """Done today, or open again."""
        row = self._chosen()
        if row is None:
            return
        on = None if row.done_on else self.vg.today()
        if self.vg.attempt(lambda: fp.mark_done(self.store, row, on)):
            self.notify("Marked done." if on else "Open again.")
            self.refresh_data()

    def action_show_all(self) -> None:
        self.show_done = not self.show_done
        self.refresh_data()

    def action_back(self) -> None:
        self.dismiss()
