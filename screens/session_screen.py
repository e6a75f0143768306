"""The session, in the room: the plan and its timer, who is here, the round, quick capture.

The screen owns the session (through a `SessionRunner`) and pushes what each widget shows down
to it; widgets report what the facilitator did with messages. Every change is saved as it is
made, so a session can be resumed exactly where it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from screens.access import AppAccess
from screens.widgets.agreement_view import AgreementView
from screens.widgets.attendance_list import AttendanceList
from screens.widgets.captured_notes import CapturedNotes
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.phase_list import PhaseList
from screens.widgets.phase_timer import PhaseTimer
from screens.widgets.plain import literal
from screens.widgets.room_count import RoomCount
from screens.widgets.round_tracker import RoundTracker
from screens.widgets.shared_strategies import SharedStrategies
from voicesgroup.counting import counted
from voicesgroup.errors import VoicesGroupError, shown
from voicesgroup.models import RoundMark, now
from voicesgroup.session_runner import (
    SessionRunner,
    StrategyDraft,
    known_members,
    members_by_name_allowed,
    planned_facilitators,
    session_in_progress,
    start_wording,
)
from voicesgroup.templates import vocabulary_for

if TYPE_CHECKING:
    from screens.app import VoicesGroupApp

Clock = Callable[[], dt.datetime]

SAVE_AFTER_SECONDS = 0.05
"""Long enough for the change to be painted first (a frame is 1/60 s), short enough that a
laptop that dies straight after a key press still has it on disk."""
ROUND_ACTIONS = {"next_person", "previous_person", "mark_spoke", "mark_passed", "mark_not_yet"}
ROOM_SAFE_ACTIONS = {
    "next_phase",
    "previous_phase",
    "room_view",
    "scroll_main",
    "share_strategy",
    "back",
    "end",
}


def app_clock(app: VoicesGroupApp) -> Clock:
    """The clock sessions run on: the app's `session_clock` when set (tests freeze it)."""
    return app.session_clock or now


def open_session(app: VoicesGroupApp, group_id: UUID) -> None:
    """Resume the group's session in progress, or ask who is facilitating and start one."""
    from screens.dialogs.start_session_dialog import StartSessionDialog
    from voicesgroup.templates import vocabulary_for as words_of

    store = app.store
    running = session_in_progress(store, group_id)
    if running is not None:
        app.push_screen(SessionScreen(running.id))
        return
    group = store.group(group_id)
    today = app.today()
    planned = planned_facilitators(store, group_id, today)

    def start(chosen: list[UUID] | None) -> None:
        if not chosen:
            return
        started: list[SessionRunner] = []
        done = app.attempt(
            lambda: started.append(SessionRunner.start(store, group, today, chosen, app_clock(app)))
        )
        if done:
            app.push_screen(SessionScreen(started[0].session.id))

    app.push_screen(
        StartSessionDialog(
            start_wording(store, group, today, words_of(group).group_noun),
            store.facilitators(include_inactive=False),
            planned,
            from_rota=bool(planned),
        ),
        start,
    )


class SessionScreen(AppAccess, Screen[None]):
    """One session being run; Escape leaves it in progress, e ends it."""

    HELP_TITLE = "Running a session"
    HELP = (
        "The plan is on the left with the current part marked; its prompts and timer on the "
        "right. Arrow keys move between parts. In a round, s or p marks whoever's turn it is "
        "and moves on; Space moves on without a mark. Enter marks a member here or not (only "
        "this group's members who agreed to be listed by name appear; a finds anyone else "
        "who agreed); + and − count others, n and N "
        "newcomers. Page Up and Page Down scroll the right-hand side. r turns the screen "
        "into the room view: no names, notes or counts, kept with the session until r is pressed "
        "again or the session ends. t notes a theme, w something that helps, f a follow-up; "
        "o rewords one or takes it back. Everything is saved as you go."
    )
    BINDINGS = [
        # Short words: at 80 columns a round's footer holds every key it shows.
        Binding(
            "right",
            "next_phase",
            "Next",
            id="session-next-part",
            priority=True,
            tooltip="The next part of the session",
        ),
        Binding(
            "left",
            "previous_phase",
            "Back",
            tooltip="The part before",
            id="session-previous-part",
            priority=True,
        ),
        Binding(
            "space",
            "next_person",
            "Skip",
            id="round-next-person",
            key_display="␣",
            tooltip="Move on to the next person without a mark",
        ),
        Binding("s", "mark_spoke", "Spoke", id="round-spoke"),
        Binding("p", "mark_passed", "Pass", id="round-passed", tooltip="They passed"),
        Binding("u", "mark_not_yet", "Not yet", id="round-not-yet"),
        Binding("b", "previous_person", "Back one person", id="round-back", show=False),
        Binding("r", "room_view", "Room view", id="room-view"),
        Binding(
            "pagedown", "scroll_main(1)", "Scroll down", id="scroll-down", show=False, priority=True
        ),
        Binding(
            "pageup", "scroll_main(-1)", "Scroll up", id="scroll-up", show=False, priority=True
        ),
        Binding(
            "plus,equals_sign", "more_anonymous", "Someone arrived", id="anon-more", show=False
        ),
        Binding("minus", "fewer_anonymous", "Someone left", id="anon-fewer", show=False),
        Binding("n", "more_newcomers", "Newcomer arrived", id="newcomer-more", show=False),
        Binding("N", "fewer_newcomers", "Newcomer left", id="newcomer-fewer", show=False),
        Binding("a", "someone_else", "Someone else by name", id="someone-else", show=False),
        Binding("t", "theme", "Theme", id="capture-theme", show=False),
        Binding("w", "share_strategy", "What helps", id="capture-strategy", show=False),
        Binding("f", "follow_up", "Follow-up", id="capture-follow-up", show=False),
        Binding("o", "change_notes", "Change notes", id="change-notes", show=False),
        Binding("c", "facilitators", "Who is facilitating", id="change-facilitators", show=False),
        Binding("e", "end", "End", id="end-session"),
        Binding("escape", "back", "Home", id="back", show=False),
    ]

    room_safe: reactive[bool] = reactive(False, init=False)

    def __init__(self, session_id: UUID, clock: Clock | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self._clock = clock
        self.runner: SessionRunner | None = None
        self._shown_phase: int | None = None
        self._shown_mode: tuple[bool, int] | None = None
        self._save_timer: Timer | None = None

    # -- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.runner = SessionRunner.resume(
            self.store,
            self.session_id,
            self._clock or app_clock(self.vg),
        )
        self.words = vocabulary_for(self.runner.group)
        # The room view belongs to the session: it comes back on after leaving and a restart.
        self.set_reactive(SessionScreen.room_safe, self.runner.session.room_view)
        self.title = self.runner.group.name
        yield Header()
        with Horizontal(id="session"):
            with Vertical(id="session-side"):
                yield Static(
                    literal(self.runner.template.name), classes="section-title", id="plan-name"
                )
                yield PhaseList(id="phase-list")
                yield SharedStrategies(id="room-strategies", classes="room-only")
                yield RoomCount(id="room-count", classes="private")
                yield AttendanceList(id="attendance-list", classes="private")
                yield Static(
                    "Enter here · a someone else\n+/− others · n/N newcomers",
                    id="attendance-hint",
                    classes="hint private",
                )
            with VerticalScroll(id="session-main", can_focus=False):
                yield Static("", id="room-banner", classes="room-only")
                yield Static("", id="phase-heading", classes="section-title")
                yield PhaseTimer(id="phase-timer")
                yield CapturedNotes(id="captured-notes", classes="private")
                yield SharedStrategies(id="shared-strategies", classes="private")
                yield RoundTracker(id="round-tracker", classes="private")
                yield Static("", id="phase-prompts")
                yield AgreementView(id="agreement-view")
                yield Static(
                    "t theme · w what helps · f follow-up\no change one · c who is facilitating",
                    id="capture-hint",
                    classes="hint private",
                )
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        runner = self._runner
        attendance = self.query_one(AttendanceList)
        self._allowed = members_by_name_allowed(runner.store)
        attendance.members = tuple(known_members(runner.store, runner.session, self._allowed))
        self.query_one(PhaseList).phases = tuple(runner.template.phases)
        self.query_one(AgreementView).agreement = runner.group.agreement
        self.query_one(
            "#room-strategies", SharedStrategies
        ).heading = f"What helps with {self.words.experience_short}, shared today"
        self.query_one("#shared-strategies", SharedStrategies).heading = "What helps, today"
        self.query_one("#room-strategies", SharedStrategies).room_safe = True
        self.query_one("#room-strategies", SharedStrategies).names_in = self._runner.names_in
        self.query_one("#room-banner", Static).update(
            "Room view: names, notes and counts are hidden. Press r to bring them back."
        )
        self._show()
        attendance.focus()
        self.set_interval(1.0, self._tick)
        self._tell_open_follow_ups()

    def _tell_open_follow_ups(self) -> None:
        """Follow-ups still open from this group's earlier sessions, for the facilitators."""
        from voicesgroup.facilitator_path import open_before_session

        runner = self._runner
        waiting = open_before_session(runner.store, runner.group.id, runner.session.date)
        if waiting:
            lines = "\n".join(f"• {row.text}" for row in waiting[:3])
            more = f"\n…and {len(waiting) - 3} more (Facilitators, u)" if len(waiting) > 3 else ""
            self.notify(
                lines + more, title="Still to follow up from before", markup=False, timeout=8
            )

    @property
    def _runner(self) -> SessionRunner:
        assert self.runner is not None, "the runner is made in compose"
        return self.runner

    # -- pushing state down --------------------------------------------------------------

    def _show(self) -> None:
        """Push the session's state down to the widgets (each redraws only what changed)."""
        runner = self._runner
        session = runner.session
        template = runner.template
        index = runner.phase_index
        phase = runner.phase
        self.query_one(PhaseList).current = index
        if self._shown_phase != index:
            # Text is replaced only when the part changes: a new layout on every key would
            # measure every line on screen again (the attendance list of a big club too).
            self._shown_phase = index
            self.query_one("#phase-heading", Static).update(
                literal(
                    f"Part {index + 1} of {len(template.phases)} · {phase.title}"
                    + (" · a round" if phase.is_round else "")
                )
            )
            self.query_one("#phase-prompts", Static).update(
                literal("\n".join(f"“{prompt}”" for prompt in phase.prompts) or " ")
            )
        self._tick()
        counts = self.query_one(RoomCount)
        counts.named = len(session.named_member_ids)
        counts.anonymous = session.anonymous_count
        counts.newcomers = session.newcomers
        counts.total = session.head_count
        self.query_one(AttendanceList).present = frozenset(session.named_member_ids)
        tracker = self.query_one(RoundTracker)
        if phase.is_round:
            tracker.people = tuple(runner.people())
            tracker.marks = dict(session.round_marks)
            tracker.position = session.round_position
        shared = tuple(runner.strategies())
        self.query_one("#room-strategies", SharedStrategies).strategies = shared
        strategies = self.query_one("#shared-strategies", SharedStrategies)
        strategies.strategies = shared
        strategies.names = {str(key): name for key, name in runner.names().items()}
        notes = self.query_one(CapturedNotes)
        notes.themes = tuple(session.themes)
        notes.follow_ups = tuple(session.follow_ups)
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        private = not self.room_safe
        runner = self._runner
        mode = (self.room_safe, runner.phase_index)
        if mode == self._shown_mode:
            return
        self._shown_mode = mode
        for widget in self.query(".private"):
            widget.display = private
        for widget in self.query(".room-only"):
            widget.display = not private
        self.query_one(RoundTracker).display = private and runner.is_round
        self.query_one(AgreementView).display = runner.is_agreement or self.room_safe
        self.set_class(self.room_safe, "-room-safe")

    def _tick(self) -> None:
        self.query_one(PhaseTimer).timing = self._runner.clock_now()

    def watch_room_safe(self) -> None:
        if self._runner.session.room_view != self.room_safe:
            self._apply(lambda: self._runner.set_room_view(self.room_safe))
        self._show()
        self.refresh_bindings()
        if not self.room_safe:
            self.query_one(AttendanceList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.runner is None:
            return True
        if self.room_safe and action not in ROOM_SAFE_ACTIONS:
            return False
        if action in ROUND_ACTIONS:
            return self.runner.is_round
        return True

    def _apply(self, change: Callable[[], object]) -> bool:
        """Make a change through the runner; a refusal becomes a message, never a crash.

        The change is in the store (in memory) at once and on screen at the next frame; the
        write to disk follows a moment later, so saving a big file never delays the frame.
        """
        try:
            change()
        except (VoicesGroupError, ValueError) as error:
            self.notify(shown(error), title="Not saved", severity="warning", timeout=8)
            done = False
        else:
            done = True
            self._save_soon()
        self._show()
        return done

    def _save_soon(self) -> None:
        """Write to disk once the screen has been painted; quick keys share one save."""
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_AFTER_SECONDS, self._save_now)

    def _save_now(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
            self.vg.changed()

    def on_unmount(self) -> None:
        self._save_now()

    # -- phases --------------------------------------------------------------------------

    def action_next_phase(self) -> None:
        self._change_phase(self._runner.next_phase)

    def action_previous_phase(self) -> None:
        self._change_phase(self._runner.previous_phase)

    def _change_phase(self, change: Callable[[], object]) -> None:
        was_round = self._runner.is_round
        self._apply(change)
        if self._runner.is_round != was_round:
            self.refresh_bindings()  # the round keys come and go with rounds

    # -- the round -----------------------------------------------------------------------

    def action_next_person(self) -> None:
        self._apply(self._runner.next_person)

    def action_previous_person(self) -> None:
        self._apply(self._runner.previous_person)

    def action_mark_spoke(self) -> None:
        self._apply(lambda: self._runner.mark_current(RoundMark.SPOKE))

    def action_mark_passed(self) -> None:
        self._apply(lambda: self._runner.mark_current(RoundMark.PASSED))

    def action_mark_not_yet(self) -> None:
        self._apply(lambda: self._runner.mark_current(RoundMark.NOT_YET, move_on=False))

    # -- attendance ----------------------------------------------------------------------

    @on(AttendanceList.MemberToggled)
    def _member_toggled(self, event: AttendanceList.MemberToggled) -> None:
        self._apply(lambda: self._runner.toggle_member(event.member_id))

    def action_someone_else(self) -> None:
        """Find a member who agreed to be listed but is not on the group's short list."""
        from screens.dialogs.member_search_dialog import MemberSearchDialog

        attendance = self.query_one(AttendanceList)
        listed = {member.id for member in attendance.members}

        def found(member_id: UUID | None) -> None:
            if member_id is None:
                return
            if member_id not in self._runner.session.named_member_ids:
                self._apply(lambda: self._runner.toggle_member(member_id))
            if member_id not in listed:
                chosen = [m for m in self._allowed if m.id in listed or m.id == member_id]
                attendance.members = tuple(chosen)

        others = [member for member in self._allowed if member.id not in listed]
        self.app.push_screen(MemberSearchDialog(others), found)

    def action_more_anonymous(self) -> None:
        self._apply(lambda: self._runner.change_anonymous(1))

    def action_fewer_anonymous(self) -> None:
        self._apply(lambda: self._runner.change_anonymous(-1))

    def action_more_newcomers(self) -> None:
        self._apply(lambda: self._runner.change_newcomers(1))

    def action_fewer_newcomers(self) -> None:
        self._apply(lambda: self._runner.change_newcomers(-1))

    # -- quick capture -------------------------------------------------------------------

    def action_theme(self) -> None:
        from screens.dialogs.text_capture_dialog import TextCaptureDialog

        def keep(text: str | None) -> None:
            if text:
                self._apply(lambda: self._runner.add_theme(text))

        self.app.push_screen(
            TextCaptureDialog(
                "A theme",
                f"What the group talked about, in a few words: about {self.words.experiences}, "
                "never about one person.",
                self._runner.names_in,
                "Themes are for the whole group, with no names.",
                placeholder="e.g. Being believed",
            ),
            keep,
        )

    def action_follow_up(self) -> None:
        from screens.dialogs.text_capture_dialog import TextCaptureDialog

        def keep(text: str | None) -> None:
            if text:
                self._apply(lambda: self._runner.add_follow_up(text))

        self.app.push_screen(
            TextCaptureDialog(
                "Something to follow up",
                "For the facilitators: a task, a question for the coordinator, a reminder.",
                self._runner.names_in,
                "A follow-up is kept with the session; leave names out unless they agreed.",
                placeholder="e.g. Book the room for the holidays",
            ),
            keep,
        )

    def action_change_notes(self) -> None:
        """Reword a theme or follow-up, or take it back (the group sometimes asks)."""
        from screens.dialogs.change_notes_dialog import ChangeNotesDialog, NoteChoice
        from screens.dialogs.text_capture_dialog import TextCaptureDialog

        session = self._runner.session

        def chosen(choice: NoteChoice | None) -> None:
            if choice is None:
                return
            change = (
                self._runner.change_theme
                if choice.kind == "theme"
                else self._runner.change_follow_up
            )
            if choice.remove:
                if self._apply(lambda: change(choice.index, None)):
                    self.notify(f"The {choice.kind} was taken back.", title="Changed")
                return
            before = (session.themes if choice.kind == "theme" else session.follow_ups)[
                choice.index
            ]

            def reworded(text: str | None) -> None:
                if text:
                    self._apply(lambda: change(choice.index, text))

            self.app.push_screen(
                TextCaptureDialog.reword(choice.kind, self._runner.names_in, before),
                reworded,
            )

        self.app.push_screen(
            ChangeNotesDialog(list(session.themes), list(session.follow_ups)), chosen
        )

    def action_share_strategy(self) -> None:
        from screens.dialogs.strategy_capture_dialog import StrategyCaptureDialog

        def keep(draft: StrategyDraft | None) -> None:
            if draft is not None and self._apply(lambda: self._runner.share_strategy(draft)):
                self.notify("Added to the strategy library.", title="What helps")

        choices = [] if self.room_safe else self._runner.attribution_choices()
        self.app.push_screen(
            StrategyCaptureDialog(
                f"Something that helps with {self.words.experience_short}",
                choices,
                self._runner.names_in,
            ),
            keep,
        )

    def action_facilitators(self) -> None:
        from screens.dialogs.start_session_dialog import StartSessionDialog

        def keep(chosen: list[UUID] | None) -> None:
            if chosen:
                self._apply(lambda: self._runner.set_facilitators(chosen))

        self.app.push_screen(
            StartSessionDialog(
                "Who is facilitating",
                self._runner.store.facilitators(include_inactive=False),
                list(self._runner.session.facilitator_ids),
                from_rota=False,
                confirm_label="Keep",
            ),
            keep,
        )

    # -- room view, leaving, ending ------------------------------------------------------

    def action_scroll_main(self, pages: int) -> None:
        """Page the prompts, the agreement and the notes (the agreement is often long)."""
        main = self.query_one("#session-main", VerticalScroll)
        if pages > 0:
            main.scroll_page_down(animate=False)
        else:
            main.scroll_page_up(animate=False)

    def action_room_view(self) -> None:
        self.room_safe = not self.room_safe

    def action_back(self) -> None:
        from screens.home_screen import HomeScreen

        stack = self.app.screen_stack
        beneath = stack[stack.index(self) - 1] if self in stack and stack.index(self) else None
        if self.room_safe and not isinstance(beneath, HomeScreen):
            # Only Home is known to hide names while the room view is on.
            self.notify(
                "The room view is on: press r to turn it off before going back.",
                title="Room view",
            )
            return
        self._save_now()
        if self.room_safe:
            self.notify("The session and its room view stay on: press s to carry on.")
        else:
            self.notify("The session stays in progress: press s on its group to carry on.")
        self.dismiss()

    def action_end(self) -> None:
        from screens.debrief_screen import DebriefScreen
        from screens.dialogs.end_session_dialog import EndSessionDialog

        session = self._runner.session

        def end(confirmed: bool | None) -> None:
            if confirmed and self._apply(self._runner.end):
                self._save_now()
                self.app.switch_screen(DebriefScreen(session.id))
                self.vg.exchange_soon()  # taken in once the facilitators are back on Home

        summary = (
            f"{session.head_count} in the room · {counted(len(session.themes), 'theme')} · "
            f"{counted(len(session.strategy_ids), 'strategy', 'strategies')} shared · "
            f"{counted(len(session.follow_ups), 'follow-up')}"
        )
        if self.room_safe:
            summary = "The room view is on: the summary is hidden."
        self.app.push_screen(
            EndSessionDialog(f"End today's {self.words.group_noun}?", summary), end
        )
