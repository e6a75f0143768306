"""The facilitators: who they are and where they are in their training."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from voicesgroup.models import Facilitator


class FacilitatorsScreen(Screen[None]):
    HELP_TITLE = "Facilitators"
    HELP = (
        "Everyone who facilitates. Someone in training always works beside an experienced "
        "facilitator."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="add-facilitator"),
        Binding("enter", "edit", "Edit", id="edit-facilitator", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._people: list[Facilitator] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("Facilitators", classes="section-title")
            table: DataTable[str] = DataTable(
                id="facilitators", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Name", "Training", "Status")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        self._people = self.app.store.facilitators()
        table = self.query_one(DataTable)
        table.clear()
        for person in self._people:
            table.add_row(
                person.display_name,
                person.training.label,
                "active" if person.active else "resting",
                key=str(person.id),
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from screens.facilitator_edit_screen import FacilitatorEditScreen

        self.app.push_screen(FacilitatorEditScreen(None))

    def action_edit(self) -> None:
        from screens.facilitator_edit_screen import FacilitatorEditScreen

        table = self.query_one(DataTable)
        if self._people and table.cursor_row >= 0:
            self.app.push_screen(FacilitatorEditScreen(self._people[table.cursor_row]))

    def action_back(self) -> None:
        self.dismiss()
