"""The facilitators: who they are and where they are in their training."""

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
from voicesgroup.models import Facilitator
from voicesgroup.rota.service import availability_words


class FacilitatorsScreen(AppAccess, PaintsFirst):
    HELP_TITLE = "Facilitators"
    HELP = (
        "Everyone who facilitates. Someone in training always works beside an experienced "
        "facilitator. V sets someone's availability for the rota: days they can't do, dates "
        "off, the most sessions a month, and who they'd like (or rather not) to pair with. "
        "P shows someone's path (course, shadowing, sign-off); T the whole team's picture; "
        "S supervision meetings; U follow-ups from sessions and debriefs."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="add-facilitator"),
        Binding("enter", "edit", "Edit", id="edit-facilitator", show=False),
        Binding(
            "v",
            "availability",
            "Availability",
            id="facilitator-availability",
            tooltip="Days, dates off, monthly limit and partners",
        ),
        Binding("p", "path", "Path", id="facilitator-path", tooltip="Course, shadowing, sign-off"),
        Binding(
            "t",
            "team",
            "Team",
            id="facilitator-team",
            tooltip="Who can lead each kind",
            show=False,  # in the palette and the help: the footer is full at 80 columns
        ),
        Binding("s", "supervision", "Supervision", id="facilitator-supervision"),
        Binding("u", "follow_ups", "Follow-ups", id="facilitator-follow-ups"),
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
            table.add_columns("Name", "Path", "Status", "Availability")
            yield table
        yield KeysFooter(show_command_palette=False)

    def refresh_data(self) -> None:
        self._people = self.store.facilitators()
        today = self.vg.today()
        table = self.query_one(DataTable)
        with highlight_kept(table):
            table.clear()
            from voicesgroup.facilitator_path import path_views

            stages = {
                view.facilitator.id: view.stage_words for view in path_views(self.store, today)
            }
            for person in self._people:
                table.add_row(
                    *plain(
                        person.display_name,
                        stages.get(person.id, person.training.label),
                        "active" if person.active else "resting",
                        availability_words(person, today),
                    ),
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

    def action_availability(self) -> None:
        """Days, dates off, monthly limit and partners of the chosen facilitator."""
        from screens.availability_screen import AvailabilityScreen

        table = self.query_one(DataTable)
        if self._people and table.cursor_row >= 0:
            self.app.push_screen(AvailabilityScreen(self._people[table.cursor_row]))

    def action_path(self) -> None:
        """The chosen facilitator's path: course, shadowing, sign-off, support."""
        from screens.facilitator_path_screen import FacilitatorPathScreen

        table = self.query_one(DataTable)
        if self._people and table.cursor_row >= 0:
            self.app.push_screen(FacilitatorPathScreen(self._people[table.cursor_row]))

    def action_team(self) -> None:
        """How many can lead each kind of group, and where the team is thin."""
        from screens.team_screen import TeamScreen

        self.app.push_screen(TeamScreen())

    def action_supervision(self) -> None:
        """Supervision meetings, and who is due."""
        from screens.supervision_screen import SupervisionScreen

        self.app.push_screen(SupervisionScreen())

    def action_follow_ups(self) -> None:
        """Follow-ups from sessions and debriefs, with owners."""
        from screens.follow_ups_screen import FollowUpsScreen

        self.app.push_screen(FollowUpsScreen())

    def action_back(self) -> None:
        self.dismiss()
