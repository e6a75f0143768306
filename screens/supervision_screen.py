"""Supervision meetings: when, who came, who held it, general topics."""

from __future__ import annotations

from uuid import UUID

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.paint_first import PaintsFirst
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup import dates
from voicesgroup import facilitator_path as fp
from voicesgroup.models import SupervisionMeeting


class SupervisionScreen(AppAccess, PaintsFirst):
    HELP_TITLE = "Supervision"
    HELP = (
        "Regular support and supervision are crucial. Each meeting keeps its date, who came, "
        "who held it and general topics. Topics never name a member: the app checks every "
        "member's name and will not keep a topic that holds one. Home's Due box lists "
        "facilitators without supervision for longer than the interval (a setting, 8 weeks "
        "unless changed: `voicesgroup facilitator settings --supervision-weeks N`). "
        "a adds a meeting."
    )
    BINDINGS = [
        Binding("a", "add", "Add meeting", id="add-supervision"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._meetings: list[SupervisionMeeting] = []
        self._names: dict[UUID, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("Supervision", classes="section-title")
            yield Static("", id="supervision-due", markup=False)
            table: DataTable[str] = DataTable(
                id="supervision-meetings", cursor_type="row", zebra_stripes=True
            )
            for label, width in (("Date", 11), ("Who came", 18), ("Held by", 14), ("Topics", 23)):
                table.add_column(label, width=width)
            yield table
            yield Static("", id="supervision-detail", markup=False)
        yield KeysFooter(show_command_palette=False)

    def refresh_data(self) -> None:
        store = self.store
        today = self.vg.today()
        due = [view.name for view in fp.path_views(store, today) if view.supervision_due]
        self.query_one("#supervision-due", Static).update(
            "Due for: " + ", ".join(due) if due else "Nobody is due for supervision."
        )
        names = {person.id: person.display_name for person in store.facilitators()}
        table = self.query_one("#supervision-meetings", DataTable)
        table.clear()
        meetings = self._meetings = fp.supervision_meetings(store)
        self._names = names
        days = dates.days_in([meeting.on for meeting in meetings], today=today)
        for meeting, day in zip(meetings, days, strict=True):
            table.add_row(
                *plain(
                    day,
                    ", ".join(names.get(pid, "(removed)") for pid in meeting.facilitator_ids),
                    meeting.held_by,
                    "; ".join(meeting.topics),
                ),
                key=str(meeting.id),
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole of the chosen meeting, which the table may cut short."""
        row = event.cursor_row
        detail = ""
        if 0 <= row < len(self._meetings):
            meeting = self._meetings[row]
            came = ", ".join(self._names.get(pid, "(removed)") for pid in meeting.facilitator_ids)
            detail = f"Came: {came}. Held by {meeting.held_by}."
            if meeting.topics:
                detail += " Topics: " + "; ".join(meeting.topics)
        self.query_one("#supervision-detail", Static).update(detail)

    def action_add(self) -> None:
        from screens.dialogs.supervision_dialog import SupervisionDialog

        def kept(saved: bool | None) -> None:
            if saved:
                self.refresh_data()

        self.app.push_screen(SupervisionDialog(), kept)

    def action_back(self) -> None:
        self.dismiss()
