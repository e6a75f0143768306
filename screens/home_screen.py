"""The home screen: each group with its next session and the obvious next step."""

from __future__ import annotations

import gc
from contextlib import suppress
from typing import TYPE_CHECKING
from uuid import UUID

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.widgets.kept_row import highlight_kept
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup.errors import DamagedFile
from voicesgroup.exchange import state
from voicesgroup.exchange.state import COORDINATOR
from voicesgroup.home import (
    HomeRow,
    due_items,
    groups_in_session,
    home_rows,
    room_view_on,
    rota_rows,
)

if TYPE_CHECKING:
    from voicesgroup.store import Store

WARM_UP_AFTER = 0.1
"""Seconds after the first paint: the home screen paints from stored documents, then the record
models (pydantic) load while the person reads it, so the first key press does not wait."""


def warm_up(store: Store) -> None:
    """Load the models and build the records nearly every screen shows: members, consent.

    A damaged record is left for the screen that shows it to report.
    """
    with suppress(DamagedFile):
        store.members()
        store.events_by_member()
    # Like the data loaded at start (VoicesGroupApp._begin), these records and Home live as
    # long as the app: out of the collector's sweeps, a sweep while a screen opens is short
    # (it took 30-60 ms of a form's first paint with ten years of data).
    gc.freeze()


GROUP_WIDTH = 16
"""A longer group name is cut with '…' here; the group's own screens show it whole."""
COLUMNS = (
    ("Group", GROUP_WIDTH),
    ("Kind", 18),  # "Paranoia & beliefs"
    ("Next meeting", 17),  # "Thu 10 Dec, 18:30"
    ("Next step", 18),  # "Resume the session"; a longer one is cut with '…'
)
"""Home's columns: 69 characters and a space either side of each (77), and a scrollbar of 1
when there are more groups than rows, fill the 78 columns an 80-column screen has inside
Home's margins (voicesgroup.tcss, #home and #groups)."""
KEYS_HINT = (
    "Enter edit group · n new group · h history · t session plan · f facilitators · "
    "p print · F2 settings · F1 help"
)
COORDINATOR_HINT = (
    "The coordinator's laptop: r rota · v rota review · e reports across groups · "
    "f facilitators and supervision · x sharing · F1 help"
)
ROOM_VIEW_HINT = (
    "Room view is on: names, notes and counts are hidden. s goes back to the session; "
    "r there turns the room view off."
)


class HomeScreen(AppAccess, Screen[None]):
    """Groups at a glance, and what is due."""

    HELP_TITLE = "Home"
    HELP = (
        "Each group with its next meeting and what to do next. Choose a group and press "
        "Enter to change its details."
    )
    BINDINGS = [
        Binding(
            "s", "session", "Session", id="start-session", tooltip="Start or resume the session"
        ),
        Binding("m", "members", "Members", id="members"),
        Binding("l", "library", "What helps", id="library", tooltip="The coping strategy library"),
        Binding("r", "rota", "Rota", id="rota", tooltip="Facilitator rotas and the review"),
        Binding(
            "e", "reports", "Reports", id="reports", tooltip="What the groups did, for funders"
        ),
        Binding("enter", "edit_group", "Edit group", id="edit-group", show=False),
        Binding("n", "new_group", "New group", id="new-group", show=False),
        Binding("f", "facilitators", "Facilitators", id="facilitators", show=False),
        Binding("p", "print", "Print", id="print", show=False, tooltip="Print a handout"),
        Binding("h", "history", "History", id="session-history", show=False),
        Binding("t", "session_plan", "Session plan", id="session-plan", show=False),
        Binding("x", "exchange", "Sharing", id="exchange", tooltip="Sharing between laptops"),
        Binding("v", "rota_review", "Rota review", id="home-rota-review", show=False),
        # A priority binding, as the app's is (it reaches dialogs): so this one, shown in the
        # footer, is the one the footer lists.
        Binding("ctrl+q", "app.quit", "Quit", id="home-quit", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[HomeRow] = []
        self.room_view = False
        """A session's room view is on: every key that would show a name waits until it is off."""
        self.role: str | None = None
        """This laptop's part in sharing between laptops (None: not set up)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("Your groups", id="home-title", classes="section-title")
            table: DataTable[str] = DataTable(id="groups", cursor_type="row", zebra_stripes=True)
            # Fixed widths keep every column on an 80-column screen, whatever the names.
            for heading, width in COLUMNS:
                table.add_column(heading, width=width)
            yield table
            due = Static("", id="due")
            due.display = False  # shown once what is due has been worked out
            yield due
            yield Static(KEYS_HINT, id="home-keys", classes="hint")
            line = Static("", id="exchange-line", classes="hint", markup=False)
            line.display = False  # a quiet line once the laptops have exchanged
            yield line
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # The first ScreenResume fills the table; these wait for that paint.
        self.call_after_refresh(self.offer_resume)
        self.call_after_refresh(self.set_timer, WARM_UP_AFTER, lambda: warm_up(self.store))

    def on_screen_resume(self) -> None:
        self.refresh_data()
        self.vg.exchange_when_free()  # what the exchange read while a session was on

    def show_exchange_line(self, line: str | None) -> None:
        shown = self.query_one("#exchange-line", Static)
        shown.update(line or "")
        shown.display = bool(line) and not self.room_view

    def refresh_data(self) -> None:
        store = self.store
        today = self.vg.today()
        role = state.stored_role(store.storage)
        if role != self.role:
            self.role = role
            self.refresh_bindings()
            # A group's laptop that shares shows one key more than 80 columns hold at the usual
            # spacing: the footer closes up rather than cut off F1 help.
            self.query_one(KeysFooter).compact = role is not None and role != COORDINATOR
        coordinator = self.coordinator
        self._rows = rota_rows(store, today) if coordinator else home_rows(store, today)
        self.query_one("#home-title", Static).update("All groups" if coordinator else "Your groups")
        table = self.query_one("#groups", DataTable)
        step_column = table.ordered_columns[-1]
        heading = "On the rota" if coordinator else COLUMNS[-1][0]
        if step_column.label.plain != heading:
            step_column.label = Text(heading)
        # The highlight stays on the group it was on, by its id: a group added, renamed or
        # brought by an exchange can sort above it, and `s`/`p` act on the highlighted one.
        with highlight_kept(table):
            table.clear()
            for row in self._rows:
                table.add_row(
                    *plain(row.name, row.kind, row.next_meeting, row.next_step),
                    key=str(row.group_id),
                )
            if not self._rows:
                table.add_row("No groups yet", "", "", "press n to add one", key="none")
        was = self.room_view
        self.room_view = room_view_on(store)
        keys = self.query_one("#home-keys", Static)
        keys.update(
            ROOM_VIEW_HINT if self.room_view else COORDINATOR_HINT if coordinator else KEYS_HINT
        )
        self.show_exchange_line(self.vg.exchange_line)
        keys.set_class(self.room_view, "room-view-hint")
        if was != self.room_view:
            self.refresh_bindings()
        if self.room_view:
            self._show_due([])
        else:
            # The groups are painted first: what is due reads every session, consent and path,
            # so it is worked out just after that paint (as the models are, by `warm_up`).
            self.call_after_refresh(self._find_due)

    def _find_due(self) -> None:
        if not self.room_view:
            self._show_due(due_items(self.store, self.vg.today()))

    def _show_due(self, items: list[str]) -> None:
        due = self.query_one("#due", Static)
        text = Text("Due", style="bold")
        for item in items:
            text.append(f"\n• {item}")
        due.update(text)
        due.display = bool(items)

    @property
    def coordinator(self) -> bool:
        return self.role == COORDINATOR

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The room can see the screen: only the way back to the session.
        if self.room_view:
            return action == "session"
        if action == "exchange":
            return self.role is not None  # in the footer once set up; the palette always
        # The coordinator's laptop holds no members and runs no sessions.
        return not (self.coordinator and action in ("session", "members"))

    def offers(self, action: str) -> bool:
        """Whether a place reached through Home's `action` may open now, from the palette
        too. Sharing is offered even before set-up, to say what it is and how to set it up."""
        if action == "exchange":
            return not self.room_view
        return bool(self.check_action(action, ()))

    def action_exchange(self) -> None:
        from screens.exchange_screen import ExchangeScreen

        self.app.push_screen(ExchangeScreen())

    def action_rota_review(self) -> None:
        from screens.rota_review_screen import RotaReviewScreen

        self.app.push_screen(RotaReviewScreen())

    def selected_group_id(self) -> UUID | None:
        table = self.query_one("#groups", DataTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self._rows[table.cursor_row].group_id

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("edit_group", ()):
            self.action_edit_group()

    def action_edit_group(self) -> None:
        from screens.group_edit_screen import GroupEditScreen

        group_id = self.selected_group_id()
        if group_id is None:
            self.action_new_group()
            return
        self.app.push_screen(GroupEditScreen(self.store.group(group_id)))

    def action_new_group(self) -> None:
        from screens.group_edit_screen import GroupEditScreen

        self.app.push_screen(GroupEditScreen(None))

    def action_members(self) -> None:
        from screens.members_screen import MembersScreen

        self.app.push_screen(MembersScreen())

    def action_reports(self) -> None:
        from screens.reports_screen import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_facilitators(self) -> None:
        from screens.facilitators_screen import FacilitatorsScreen

        self.app.push_screen(FacilitatorsScreen())

    def action_library(self) -> None:
        from screens.library_screen import LibraryScreen

        self.app.push_screen(LibraryScreen())

    def action_print(self) -> None:
        from screens.dialogs.print_dialog import PrintDialog

        self.app.push_screen(PrintDialog(group_id=self.selected_group_id()))

    def action_rota(self) -> None:
        from screens.rota_screen import RotaScreen

        self.app.push_screen(RotaScreen())

    # -- sessions ----------------------------------------------------------------------------

    def offer_resume(self) -> None:
        """If a session was left in progress (the app or laptop stopped), offer to resume it."""
        if not groups_in_session(self.store):
            return  # the usual case: nothing more to load before the first paint
        from screens.dialogs.resume_session_dialog import ResumeSessionDialog
        from screens.session_screen import SessionScreen
        from voicesgroup.session_runner import describe_in_progress, session_in_progress

        session = session_in_progress(self.store)
        if session is None:
            return

        def resume(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(SessionScreen(session.id))

        self.app.push_screen(ResumeSessionDialog(describe_in_progress(self.store, session)), resume)

    def _chosen_group(self) -> UUID | None:
        group_id = self.selected_group_id()
        if group_id is None:
            self.notify("Add a group first (press n).", severity="warning")
        return group_id

    def action_session(self) -> None:
        from screens.session_screen import open_session

        group_id = self._chosen_group()
        if group_id is not None:
            open_session(self.vg, group_id)

    def action_history(self) -> None:
        from screens.history_screen import HistoryScreen

        group_id = self._chosen_group()
        if group_id is not None:
            self.app.push_screen(HistoryScreen(group_id))

    def action_session_plan(self) -> None:
        from screens.template_edit_screen import TemplateEditScreen

        group_id = self._chosen_group()
        if group_id is not None:
            self.app.push_screen(TemplateEditScreen(group_id))
