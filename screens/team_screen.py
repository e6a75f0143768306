"""The team's picture for the coordinator: who can lead each kind of group, where it is thin."""

from __future__ import annotations

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
from voicesgroup.kinds import PathStage

PEOPLE_COLUMNS = (("Name", 10), ("Stage", 23), ("Shadowed", 10), ("Supervision", 17), ("Open", 4))
"""Columns that fit 80 columns; "Open" counts follow-ups they own that are not done."""


class TeamScreen(AppAccess, PaintsFirst):
    HELP_TITLE = "The team"
    HELP = (
        "How many people can lead each kind of group the organisation runs, how many of them "
        "are experienced (so someone can shadow them), who is shadowing, and where the team "
        "is thin. Below, each facilitator: stage, shadowed sessions, last supervision and "
        "open follow-ups they own. Enter opens someone's path. The printable team sheet for "
        "supervision is `voicesgroup facilitator sheet --out FILE.pdf`."
    )
    BINDINGS = [
        Binding("enter", "open_path", "Path", id="team-open-path", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._views: list[fp.PathView] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("The team", classes="section-title")
            kinds: DataTable[str] = DataTable(id="team-kinds", cursor_type="none")
            kinds.add_columns("Kind of group", "Who can lead")
            yield kinds
            yield Static("", id="team-thin", markup=False)
            people: DataTable[str] = DataTable(
                id="team-people", cursor_type="row", zebra_stripes=True
            )
            for label, width in PEOPLE_COLUMNS:
                people.add_column(label, width=width)
            yield people
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#team-people", DataTable).focus()

    def refresh_data(self) -> None:
        picture = fp.team_picture(self.store, self.vg.today())
        kinds = self.query_one("#team-kinds", DataTable)
        kinds.clear()
        for cover in picture.kinds:
            kinds.add_row(*plain(cover.variant.label, cover.words()))
        kinds.styles.height = len(picture.kinds) + 1
        thin = picture.thin_words()
        note = self.query_one("#team-thin", Static)
        note.update("\n".join(f"! {sentence}" for sentence in thin) or "Nowhere thin.")
        self._views = [view for view in picture.people if view.facilitator.active]
        people = self.query_one("#team-people", DataTable)
        keep = people.cursor_row
        people.clear()
        for view in self._views:
            supervision = dates.date(view.last_supervision) if view.last_supervision else "none"
            people.add_row(
                *plain(
                    view.name,
                    view.stage_words,
                    _shadowed(view),
                    supervision + (" (due)" if view.supervision_due else ""),
                    str(view.open_follow_ups or ""),
                ),
                key=str(view.facilitator.id),
            )
        people.move_cursor(row=min(max(keep, 0), max(people.row_count - 1, 0)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_path()

    def action_open_path(self) -> None:
        from screens.facilitator_path_screen import FacilitatorPathScreen

        people = self.query_one("#team-people", DataTable)
        if self._views and people.cursor_row >= 0:
            self.app.push_screen(FacilitatorPathScreen(self._views[people.cursor_row].facilitator))

    def action_back(self) -> None:
        self.dismiss()


def _shadowed(view: fp.PathView) -> str:
    """'4 of 6', with 'due' when sign-off is due (the kinds are on the path screen)."""
    if view.stage is not PathStage.SHADOWING:
        return ""
    text = f"{view.shadowed.sessions} of {view.suggested}"
    return f"{text} due" if view.sign_off_due else text
