"""Supervision meetings: when, who came, who held it, general topics."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from voicesgroup import dates
from voicesgroup import facilitator_path as fp


class SupervisionScreen(Screen[None]):
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
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store = self.app.store
        today = self.app.today()
        due = [view.name for view in fp.path_views(store, today) if view.supervision_due]
        self.query_one("#supervision-due", Static).update(
            "Due for: " + ", ".join(due) if due else "Nobody is due for supervision."
        )
        names = {person.id: person.display_name for person in store.facilitators()}
        table = self.query_one("#supervision-meetings", DataTable)
        table.clear()
        meetings = fp.supervision_meetings(store)
        days = [meeting.on for meeting in meetings]
        for meeting in meetings:
            table.add_row(
                dates.day_in(meeting.on, days, today=today),
                Text(", ".join(names.get(pid, "(removed)") for pid in meeting.facilitator_ids)),
                Text(meeting.held_by),
                Text("; ".join(meeting.topics)),
                key=str(meeting.id),
            )

    def action_add(self) -> None:
        from screens.dialogs.supervision_dialog import SupervisionDialog

        def kept(saved: bool | None) -> None:
            if saved:
                self.refresh_data()

        self.app.push_screen(SupervisionDialog(), kept)

    def action_back(self) -> None:
        self.dismiss()
