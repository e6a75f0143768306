"""A group's sessions: date, facilitators, head count, themes; Enter opens one to read it."""

from __future__ import annotations

from uuid import UUID

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.dialogs.change_notes_dialog import NoteChoice
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal, plain
from screens.widgets.session_record import SessionRecord
from voicesgroup import dates
from voicesgroup.errors import NotFound, VoicesGroupError
from voicesgroup.exchange.view import kept_on_group_laptops
from voicesgroup.models import CopingStrategy
from voicesgroup.session_runner import HistoryRow, SessionRunner, history_rows, plan_of
from voicesgroup.store import Store
from voicesgroup.templates import vocabulary_for

DATE_WIDTH = 21  # "Thu 26 Nov 2026 (now)"
NAMES_WIDTH = 18
PEOPLE_WIDTH = 6
DEBRIEF_ELSEWHERE = (
    "The debrief is kept on the group's laptop: it is read and written there, not on the "
    "coordinator's."
)


class HistoryScreen(AppAccess, Screen[None]):
    """The list of a group's sessions, newest first, and one of them opened."""

    HELP_TITLE = "Session history"
    HELP = (
        "Every session of this group, newest first. Enter opens one to read it; d writes or "
        "reopens its debrief; t rewords or takes back one of its themes or follow-ups; Escape "
        "goes back to the list, and from the list back home."
    )
    BINDINGS = [
        Binding("enter", "open_session", "Read", id="open-session"),
        Binding(
            "d", "debrief", "Debrief", id="reopen-debrief", tooltip="Write or reopen the debrief"
        ),
        Binding(
            "t",
            "reword",
            "Themes",
            id="reword-themes",
            tooltip="Reword or take back a theme or follow-up",
        ),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, group_id: UUID) -> None:
        super().__init__()
        self.group_id = group_id
        self._rows: list[HistoryRow] = []

    def compose(self) -> ComposeResult:
        group = self.store.group(self.group_id)
        self.title = group.name
        yield Header()
        with Vertical(id="history", classes="list-screen"):
            yield Static(
                literal(f"Sessions of the {vocabulary_for(group).group_noun}: {group.name}"),
                classes="section-title",
                id="history-title",
            )
            table: DataTable[str] = DataTable(
                id="history-table", cursor_type="row", zebra_stripes=True
            )
            yield table
            with VerticalScroll(id="history-record"):
                yield SessionRecord(id="session-record")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # Ten years of sessions take a moment to read: the screen paints first and the rows
        # follow on the next frame (keys typed meanwhile wait for them).
        self.query_one("#history-record").display = False
        self.query_one("#history-table", DataTable).focus()
        self.call_after_refresh(self._fill_rows)

    def _fill_rows(self) -> None:
        """The table's rows from the stored sessions."""
        self._rows = history_rows(self.store, self.group_id)
        table = self.query_one("#history-table", DataTable)
        # Themes take the width left over, so a long one ends in "…" on screen rather than
        # running off its edge.
        left = self.app.size.width - DATE_WIDTH - NAMES_WIDTH - PEOPLE_WIDTH - 4 * 2 - 4
        table.add_column("Date", width=DATE_WIDTH)
        table.add_column("Facilitators", width=NAMES_WIDTH)
        table.add_column("People", width=PEOPLE_WIDTH)
        table.add_column("Themes", width=max(left, 12))
        for row in self._rows:
            date = dates.day(row.date) + (" (now)" if row.in_progress else "")
            table.add_row(*plain(date, row.facilitators, row.head_count, row.themes))
        if not self._rows:
            table.add_row("No sessions yet", "", "", "")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_session()

    def action_open_session(self) -> None:
        table = self.query_one("#history-table", DataTable)
        if not self._rows or table.cursor_row < 0:
            return
        row = self._rows[table.cursor_row]
        store = self.store
        session = store.session(row.session_id)
        record = self.query_one(SessionRecord)
        record.facilitators = row.facilitators
        record.members = tuple(_names(store, session.named_member_ids))
        record.strategies = tuple(_strategies(store, session.strategy_ids))
        record.plan = plan_of(store, session)
        record.session = session
        table.display = False
        holder = self.query_one("#history-record", VerticalScroll)
        holder.display = True
        holder.focus()

    def action_debrief(self) -> None:
        """Write the debrief of an ended session, or reopen it (after a crash it is not lost)."""
        from screens.debrief_screen import DebriefScreen

        table = self.query_one("#history-table", DataTable)
        if not self._rows or table.cursor_row < 0:
            return
        row = self._rows[table.cursor_row]
        if kept_on_group_laptops(self.store, "sessions", "debrief"):
            # This laptop holds no group's debriefs: a form here would write a second one
            # that nobody on the group's laptops would ever see.
            self.notify(DEBRIEF_ELSEWHERE, title="Debrief")
            return
        if row.in_progress:
            self.notify("This session is still in progress: end it first (e on its screen).")
            return
        self.app.push_screen(DebriefScreen(row.session_id, reopened=True), self._debriefed)

    def action_reword(self) -> None:
        """Reword a theme or follow-up of the chosen session, or take it back."""
        from screens.dialogs.change_notes_dialog import ChangeNotesDialog

        table = self.query_one("#history-table", DataTable)
        if not self._rows or table.cursor_row < 0:
            return
        runner = SessionRunner.resume(self.store, self._rows[table.cursor_row].session_id)
        session = runner.session

        def chosen(choice: NoteChoice | None) -> None:
            if choice is None:
                return
            if choice.remove:
                if self._changed(runner, choice, None):
                    self.notify(f"The {choice.kind} was taken back.", title="Changed")
                return
            texts = session.themes if choice.kind == "theme" else session.follow_ups
            self._reword(runner, choice, texts[choice.index])

        self.app.push_screen(
            ChangeNotesDialog(list(session.themes), list(session.follow_ups)), chosen
        )

    def _reword(self, runner: SessionRunner, choice: NoteChoice, text: str) -> None:
        """Ask for the new words; if they cannot be saved, ask again with them as typed."""
        from screens.dialogs.text_capture_dialog import TextCaptureDialog

        def reworded(typed: str | None) -> None:
            if typed and not self._changed(runner, choice, typed):
                self._reword(runner, choice, typed)

        self.app.push_screen(
            TextCaptureDialog.reword(choice.kind, runner.names_in, text),
            reworded,
        )

    def _changed(self, runner: SessionRunner, choice: NoteChoice, text: str | None) -> bool:
        """The change saved through the session's own rules; a refusal is a message."""
        change = runner.change_theme if choice.kind == "theme" else runner.change_follow_up
        try:
            change(choice.index, text)
        except (VoicesGroupError, ValueError) as error:
            self.notify(f"Not changed: {error}", title="Not changed", severity="error")
            return False
        self._refresh_rows()
        return True

    def _refresh_rows(self) -> None:
        table = self.query_one("#history-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        self._fill_rows()
        table.move_cursor(row=cursor)
        if self.query_one("#history-record", VerticalScroll).display:
            self.action_open_session()

    def _debriefed(self, _: None) -> None:
        if self.query_one("#history-record", VerticalScroll).display:
            self.action_open_session()

    def action_back(self) -> None:
        holder = self.query_one("#history-record", VerticalScroll)
        if holder.display:
            holder.display = False
            table = self.query_one("#history-table", DataTable)
            table.display = True
            table.focus()
            return
        self.dismiss()


def _names(store: Store, member_ids: list[UUID]) -> list[str]:
    names = []
    for member_id in member_ids:
        try:
            names.append(store.member(member_id).display_name)
        except NotFound:
            continue
    return names


def _strategies(store: Store, strategy_ids: list[UUID]) -> list[CopingStrategy]:
    found = []
    for strategy_id in strategy_ids:
        try:
            found.append(store.strategy(strategy_id))
        except NotFound:
            continue
    return found
