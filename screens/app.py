"""The voicesgroup Textual app: opens the store, shows the home screen, saves off the UI thread.

Threads, one pattern: the thread computes, a message carries the result, the UI thread applies
it. The store belongs to the UI thread (even a read fills its caches), so a worker
(`@work(thread=True, exit_on_error=False)`) never calls it: the UI thread hands the worker
plain values, a `Snapshot` of the data to read, or what a core `start`/`begin` step prepared;
the worker does the slow part (a PDF, Argon2id, rewriting every backup) and posts one message;
its handler, on the UI thread, applies the result to the store and calls `changed()`. The one
lock is the storage's own (`SafeStorage.file_lock`): every write of the data file holds it,
whether the app's background save or a worker's file work. Work on several files that must not
meet a save (forgetting, a passphrase change) goes through `start_file_work`: it begins once no
save is running, and saves wait until `file_work_done`. A thread never calls into the UI: its
message does.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID
from weakref import WeakSet

from textual import events, work
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen

from screens.exchange_worker import ExchangesInBackground
from screens.themes import CALM, HIGH_CONTRAST
from screens.typed_runs import TypesInRuns
from voicesgroup import dates
from voicesgroup.counting import counted
from voicesgroup.errors import PassphraseNeeded, StoreError, VoicesGroupError, invalid_input
from voicesgroup.home import groups_in_session, room_view_on
from voicesgroup.store import Store
from voicesgroup.store.storage import write_atomically

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from screens.home_screen import HomeScreen
    from screens.unlock_screen import Opened

STYLESHEET = Path(__file__).resolve().parent / "voicesgroup.tcss"
IDLE_CHECK_SECONDS = 15
EXCHANGE_AFTER = 0.3
"""Seconds after Home's first paint before the exchange reads the folder (after warm-up)."""
WARN_BEFORE_LOCK_SECONDS = 60


def lock_warning_lead(limit: float) -> float:
    """How many seconds before the idle lock its warning comes: a minute, or half the limit
    when that is shorter, so a short limit (one minute) never warns someone still typing."""
    return min(WARN_BEFORE_LOCK_SECONDS, limit / 2)


SWEEP_WHEN_QUIET_SECONDS = 0.4
"""How long nobody has pressed a key before the sweep after a closed screen runs: a key pressed
just after closing one (Escape, then the next screen's key) never waits behind the sweep."""
FULL_SWEEPS_HELD = 1_000_000
"""The collector's full-sweep threshold while a sweep waits: in effect, none of its own."""

DEEPER_PLACES = [
    (
        "Consent",
        "Record a member's yes or withdrawal: choose the member, then c",
        "consent",
        "members",
    ),
    (
        "Supervision",
        "Supervision meetings, and who is due (on Facilitators, s)",
        "supervision",
        "facilitators",
    ),
    (
        "Follow-ups",
        "Follow-ups from sessions and debriefs, with owners (Facilitators, u)",
        "follow_ups",
        "facilitators",
    ),
    (
        "Facilitator path",
        "Course, shadowing and sign-off (on Facilitators, p)",
        "path",
        "facilitators",
    ),
    (
        "Sharing",
        "Sharing between laptops: set-up, each laptop, conflicts (x)",
        "exchange",
        "exchange",
    ),
]
"""Actions a screen deeper than Home, offered in Home's command palette by name, each with
the key of Home's that leads there: the palette offers a place only when Home would let that
key work now (`HomeScreen.offers`: never in the room view; no members on the coordinator's)."""

Announcement = tuple[str, str]
"""A message and its title, shown once a change is on disk."""


class VoicesGroupApp(ExchangesInBackground, TypesInRuns, App[None]):
    """A calm app for running peer support groups; everything stays on this laptop."""

    CSS_PATH = STYLESHEET
    TITLE = "voicesgroup"
    ENABLE_COMMAND_PALETTE = True
    AUTO_FOCUS = "Input, TextArea, Select, OptionList, DataTable, Checkbox, Button"
    """Every screen and dialog opens with its first field focused, never a scrolling box."""
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "settings", "Settings", id="settings", show=False),
        Binding("ctrl+t", "toggle_contrast", "High contrast", id="contrast", show=False),
        # Priority bindings: a dialog (a modal screen) hides the app's other keys, and Ctrl+L
        # must lock over whatever is open (a dialog with words typed stays under the lock), and
        # Ctrl+Q must still ask there (something typed, a change being checked).
        Binding("ctrl+l", "lock", "Lock now", id="lock", show=False, priority=True),
        # Shown on Home's footer (it has its own); elsewhere its room goes to that screen's keys.
        Binding("ctrl+q", "quit", "Quit", id="quit", show=False, priority=True),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        demo: bool = False,
        store: Store | None = None,
        today: Callable[[], dt.date] | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        session_clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.db_path = db_path
        self.demo = demo
        self._store = store
        """The open data file; None until it is open (it may need a passphrase first)."""
        self.startup_error: str | None = None
        self._today = today or dt.date.today
        self.idle_clock = idle_clock
        self.session_clock = session_clock
        """Wall-clock time for sessions' timers; None means the real time (tests freeze it)."""
        self._last_activity = idle_clock()
        self.failed_unlocks = 0
        self.save_problem: str | None = None
        """Why the last save failed, while the change lives only in memory."""
        self._lock_warning: Notification | None = None
        """The "Locking soon" warning on screen, taken back at the next key, paste or mouse."""
        self._saves_running = 0
        """Background saves started and not yet reported back (counted on the UI thread)."""
        self._file_work: Callable[[], None] | None = None
        """The file work waiting for the running saves to end, or running (see the docstring)."""
        self._file_work_started = False
        self._held_saves: list[Announcement | None] = []
        self._shown: WeakSet[Screen[object]] = WeakSet()
        """Screens shown once: see `update_styles`."""
        self._thresholds_while_sweep_waits: tuple[int, int, int] | None = None
        """The collector's own thresholds, held while a sweep waits: see `pop_screen`."""
        self.register_theme(CALM)
        self.register_theme(HIGH_CONTRAST)
        # Set without the watcher, which re-parses and re-applies every rule: before the
        # first parse that only doubles the start-up work. The first parse takes the
        # theme's colours from these variables; CALM is dark like Textual's default, so
        # nothing else the watcher sets would differ.
        self.set_reactive(VoicesGroupApp.theme, CALM.name)
        self.stylesheet.set_variables(self.get_css_variables())

    @property
    def store(self) -> Store:
        """The open data file. Screens are shown only once it is open."""
        if self._store is None:
            raise RuntimeError("the data file is not open yet")
        return self._store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store

    def today(self) -> dt.date:
        """Today's date (tests freeze it)."""
        return self._today()

    def on_mount(self) -> None:
        if self._store is not None:
            self._begin()
            return
        try:
            self.store = Store.open(self.db_path)
        except PassphraseNeeded:
            from screens.unlock_screen import UnlockScreen

            self.push_screen(UnlockScreen(self.db_path), self._unlocked)
            return
        except VoicesGroupError as error:
            self.startup_error = str(error)
            self.exit()
            return
        self._begin()

    def _unlocked(self, opened: Opened | None) -> None:
        if opened is None:
            self.exit()
            return
        self.store = opened.store
        self._begin()
        if opened.failed_attempts:
            self.record_failed_unlocks(opened.failed_attempts)

    def record_failed_unlocks(self, count: int) -> None:
        """Failed unlocks are written to the audit log once the file is open again."""
        self.attempt(
            lambda: self.store.audit("failed unlock", f"{counted(count, 'attempt')} before this")
        )

    def _begin(self) -> None:
        from screens.home_screen import HomeScreen

        # The loaded data lives as long as the app: keeping it out of the garbage
        # collector's sweeps keeps key presses as quick with ten years of data as with none.
        gc.freeze()

        self.store.storage.autosave = False
        if self.demo:
            self.sub_title = "demo data — nothing here is real"
        elif self.store.read_only:
            self.sub_title = "read-only: this file's permissions allow no changes"
        for sentence in self.store.finished_on_open:
            self.notify(sentence, title="Finished from last time", timeout=12)
        self.push_screen(HomeScreen())
        # Sharing with the other laptops starts once Home has painted (screens/exchange_worker).
        self.call_after_refresh(self.set_timer, EXCHANGE_AFTER, self.exchange_soon)
        self.note_activity()
        self.set_interval(IDLE_CHECK_SECONDS, self._lock_if_idle)
        if self.store.created and not self.demo:
            from screens.dialogs.passphrase_dialog import PassphraseDialog

            self.push_screen(PassphraseDialog(first_run=True))

    # -- idle lock -----------------------------------------------------------------------

    def note_activity(self) -> None:
        """Someone is using the app: the idle lock counts from now, and its warning goes."""
        self._last_activity = self.idle_clock()
        warning, self._lock_warning = self._lock_warning, None
        if warning is not None:
            # Behind the message that shows it, should that still be on its way.
            self.call_later(self._take_back, warning)

    def _take_back(self, notification: Notification) -> None:
        if notification in self._notifications:
            self._unnotify(notification)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste | events.MouseEvent):
            # Any key, paste or use of the mouse, on any screen or dialog, whatever field
            # takes it: the app sees each before passing it on (see `TypedRun`).
            self.note_activity()
        await super().on_event(event)  # keys typed in a run: `TypesInRuns`

    def _lock_if_idle(self) -> None:
        """Outside a session, lock after the idle limit. In a running session the room view
        comes on at that limit instead (a long sharing part is not a reason to lock), and the
        lock waits for the session's own, longer limit. A minute before locking, a warning."""
        from screens.dialogs.idle_lock_dialog import IdleLockDialog

        if self._store is None or isinstance(self.screen, IdleLockDialog):
            return
        settings = self.store.settings()
        idle = self.idle_clock() - self._last_activity
        limit = settings.idle_lock_minutes * 60
        running = self._running_session()
        if running is not None:
            if idle >= limit:
                self.room_view_on(running)
            limit = max(limit, settings.session_lock_minutes * 60)
        lead = lock_warning_lead(limit)
        if idle >= limit:
            self.lock_now(idle=True)
        elif idle >= limit - lead and self._lock_warning is None:
            when = "a minute" if lead == WARN_BEFORE_LOCK_SECONDS else f"{lead:.0f} seconds"
            self._lock_warning = Notification(
                f"Nobody has pressed a key for a while: this locks in {when}. Press any key "
                "to keep it open.",
                title="Locking soon",
                timeout=lead,
            )
            self.post_message(Notify(self._lock_warning))

    def _running_session(self) -> UUID | None:
        from voicesgroup.session_runner import session_in_progress

        if not groups_in_session(self.store):
            return None
        running = session_in_progress(self.store)
        return running.id if running is not None else None

    def room_view_on(self, session_id: UUID) -> None:
        """Turn the room view on for a session, whichever screen is showing."""
        from screens.session_screen import SessionScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen) and screen.session_id == session_id:
                screen.room_safe = True  # the screen keeps it with the session
                if screen is self.screen:
                    return
                # Something is open above it (a dialog half written, a list of names): it
                # stays as it is, under another view of the session, in the room view.
                self.push_screen(SessionScreen(session_id))
                return
        from voicesgroup.models import now
        from voicesgroup.session_runner import SessionRunner

        runner = SessionRunner.resume(self.store, session_id, self.session_clock or now)
        if not runner.session.room_view and not self.attempt(lambda: runner.set_room_view(True)):
            return
        # Whatever was showing (a member, a list of names) goes under the session's room view.
        self.push_screen(SessionScreen(session_id))

    def action_lock(self) -> None:
        """Lock at once (e.g. before leaving the laptop)."""
        self.lock_now(idle=False)

    def lock_now(self, *, idle: bool = False) -> None:
        from screens.dialogs.idle_lock_dialog import IdleLockDialog

        if not isinstance(self.screen, IdleLockDialog):
            self.push_screen(IdleLockDialog(idle=idle))

    def on_unmount(self) -> None:
        self._give_back_thresholds()
        if self._store is not None and not self.store.closed:
            try:
                if self.store.unsaved:
                    self.store.save()  # waits for a save in a worker (the storage's lock)
            except StoreError as error:
                self.startup_error = str(error)
            self.store.close()

    # -- saving --------------------------------------------------------------------------
    #
    # The change is made on the UI thread; a worker thread only writes the file; a message
    # carries the outcome back. Nothing says "saved" before the file on disk holds the change.

    @dataclass
    class SaveFinished(Message):
        """A background save ended: `problem` is None when the file on disk holds everything."""

        problem: str | None
        announce: Announcement | None

    def changed(self, announce: Announcement | None = None) -> None:
        """Call after changing the store: writes it to disk in a worker thread.

        `announce` (a message and its title) is shown once the save has succeeded. While file
        work is under way the save waits for it to end.
        """
        if self._file_work is not None:
            self._held_saves.append(announce)
            return
        self._saves_running += 1
        self._save_in_background(announce)

    @work(thread=True, exit_on_error=False, group="save")
    def _save_in_background(self, announce: Announcement | None) -> None:
        # The only worker that reads the live data: `save` serialises it under the storage's
        # own lock, which every other write of the data file holds too.
        try:
            if self.store.unsaved:
                self.store.save()
        except StoreError as error:
            self.post_message(self.SaveFinished(str(error), announce))
        except Exception as error:  # still a message: file work may be waiting for this save
            self.post_message(
                self.SaveFinished(f"The data file was not saved ({error}).", announce)
            )
        else:
            self.post_message(self.SaveFinished(None, announce))

    def start_file_work(self, begin: Callable[[], None]) -> None:
        """Run `begin` (on the UI thread) once no save is running; until `file_work_done`,
        saves wait. For work on several files that a save must not meet half-way: forgetting
        a member (a save between erasing and the intent could lose the intent) and changing
        the passphrase (a save could write its log entry before the change, or under the old
        key)."""
        if self._file_work is not None:
            raise RuntimeError("file work is already under way")
        self._file_work = begin
        self._begin_file_work_if_ready()

    def _begin_file_work_if_ready(self) -> None:
        if self._file_work is not None and not self._file_work_started and not self._saves_running:
            self._file_work_started = True
            self._file_work()

    def file_work_done(self) -> None:
        """The file work has ended (done or not): the saves held meanwhile go ahead."""
        self._file_work = None
        self._file_work_started = False
        held, self._held_saves = self._held_saves, []
        for announce in held:
            self.changed(announce)

    @property
    def file_work_under_way(self) -> bool:
        return self._file_work is not None

    def on_voices_group_app_save_finished(self, message: SaveFinished) -> None:
        self._saves_running -= 1
        self._begin_file_work_if_ready()
        self.save_problem = message.problem
        if message.problem is None:
            if message.announce is not None:
                text, title = message.announce
                self.notify(text, title=title)
            return
        self.notify(
            f"{message.problem} The change is kept in this window only; quitting will ask "
            "what to do with it.",
            title="Not saved",
            severity="error",
            timeout=15,
        )

    def attempt(self, change: Callable[[], object], announce: Announcement | None = None) -> bool:
        """Run a change to the store; show a refusal as a message. True when it happened.

        `announce` is shown only once the change is safely on disk.
        """
        try:
            change()
        except VoicesGroupError as error:
            self.notify(str(error), title="Not saved", severity="warning", timeout=8)
            return False
        except ValueError as error:  # a model refused what was typed: one sentence, not a dump
            refused = invalid_input(error)
            if refused is None:
                raise
            self.notify(refused, title="Not saved", severity="warning", timeout=8)
            return False
        self.changed(announce)
        return True

    def _fatal_error(self) -> None:
        """End with one sentence, never Textual's traceback: it prints every local variable,
        and those hold members' records. (Errors of our own end through `__rich__` instead.)"""
        import sys

        error = sys.exc_info()[1]
        kind = f" ({type(error).__name__})" if error is not None else ""
        self.bell()
        self._exit_renderables.append(
            self._record_sentence()
            or f"voicesgroup: something unexpected went wrong{kind} and the app has closed. "
            "Nothing more was changed; please report this."
        )
        self._close_messages_no_wait()

    def _record_sentence(self) -> str | None:
        """The sentence naming the file when the failure came from a record that cannot be
        read (a reader of stored documents met one of the wrong shape)."""
        from voicesgroup.store.integrity import unreadable_record

        if self._store is None:
            return None
        try:
            sentence = unreadable_record(self._store)
        except Exception:  # already failing: never fail differently here
            return None
        return f"voicesgroup: {sentence}" if sentence else None

    # -- quitting --------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; asks first during a session or with a form's typing not kept, and with
        changes not on disk, says so and offers to try again or keep them."""
        from screens.dialogs.confirm_dialog import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog):
            return  # already asking
        reasons, loses = self._why_ask_before_quitting()
        if not reasons:
            await self._quit_now()
            return

        async def answered(quit_now: bool | None) -> None:
            if quit_now:
                await self._quit_now()

        self.push_screen(
            ConfirmDialog("Quit now?", " ".join(reasons), confirm="Quit", destructive=loses),
            answered,
        )

    def _why_ask_before_quitting(self) -> tuple[list[str], bool]:
        """What quitting now would leave: sentences, and whether typing would be lost."""
        from screens.form_screen import FormScreen
        from screens.guarded_change import GuardsChanges

        reasons = [
            f"What was typed in {screen.FORM_SUBJECT} is not kept yet."
            for screen in self.screen_stack
            if isinstance(screen, FormScreen) and screen.form_changed()
        ]
        if any(
            isinstance(screen, GuardsChanges) and screen.change_running
            for screen in self.screen_stack
        ):
            reasons.append(
                "A change is still being checked against the rota's rules: quitting now leaves "
                "it unmade. Cancel, and it is made (or refused) in a moment."
            )
        loses = bool(reasons)
        if self._store is not None and not self.store.closed and groups_in_session(self.store):
            reasons.append(
                "A session is running: it is kept as it is, and offered again when the app "
                "next opens."
            )
        return reasons, loses

    async def _quit_now(self) -> None:
        if self.file_work_under_way:
            self.notify(
                "Files are being rewritten: quit once that has finished.",
                title="Not yet",
                severity="warning",
            )
            return
        problem = self._save_before_quitting()
        if problem is None:
            self.exit()
            return
        from screens.dialogs.unsaved_dialog import UnsavedDialog

        if not isinstance(self.screen, UnsavedDialog):
            self.push_screen(UnsavedDialog(problem))

    def _save_before_quitting(self) -> str | None:
        """Save what is only in memory; None when everything is on disk, else the problem."""
        if self._store is None or self.store.closed:
            return None
        try:
            if self.store.unsaved:
                self.store.save()  # waits for a save in a worker (the storage's lock)
        except StoreError as error:
            return str(error)
        return None

    def try_saving_again(self) -> str | None:
        """Try the save once more (from the unsaved-changes dialog); the problem, or None."""
        problem = self._save_before_quitting()
        self.save_problem = problem
        return problem

    def write_unsaved_beside(self) -> Path:
        """Write what is in memory to a new file beside the data file (encrypted like it).

        Raises OSError when that cannot be written either.
        """
        stamp = dates.file_stamp(dt.datetime.now())
        target = self.db_path.with_name(f"{self.db_path.name}.unsaved-{stamp}")
        number = 1
        while target.exists():
            number += 1
            target = self.db_path.with_name(f"{self.db_path.name}.unsaved-{stamp}-{number}")
        write_atomically(target, self.store.storage.serialise())
        return target

    def quit_without_saving(self) -> None:
        """Quit, leaving the data file as it is on disk (the person chose this)."""
        self.store.storage.unsaved = False
        self.exit()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every message is shown as plain text: names and notes are never read as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- painting --------------------------------------------------------------------------

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Work a node's styles out again, except where that only repeats work.

        Every style pass walks the whole stylesheet for each node, and a new screen paid for
        three: one for each class a widget sets while it is built (Input, Select and Field set
        theirs before they are mounted), one as it mounts, and one more for the whole screen
        when it is first shown. Only the one as it mounts counts: a widget not yet mounted
        gets its styles then (`App._register`), and a screen shown for the first time was
        styled a moment before, as it mounted. Screens and dialogs paint about twice as
        quickly for it.
        """
        if node is not self and not node.is_attached:
            return  # not mounted yet: styled as it mounts
        if isinstance(node, Screen) and node.stack_updates == 1 and node not in self._shown:
            self._shown.add(node)
            return  # its first ScreenResume: every node on it was styled as it mounted
        super().update_styles(node, animate)

    def pop_screen(self) -> AwaitComplete:
        """Close the current screen; its garbage is swept once nobody is pressing keys.

        A closed screen leaves its widgets behind as garbage in cycles, and Python's collector
        sweeps them whenever its counters say so: with ten years of data a full sweep took
        30-120 ms, and it fell inside whatever was opened next, delaying its first paint. Swept
        just after the screen beneath painted, it still held a key pressed in the next moment
        (Escape, then the next screen's key). So it waits until no key has been pressed for
        `SWEEP_WHEN_QUIET_SECONDS`, a pause nobody typing notices; meanwhile the collector
        makes no full sweep of its own (its quick sweeps of new objects go on)."""
        closing = super().pop_screen()
        if self._thresholds_while_sweep_waits is None:
            young, middle, full = self._thresholds_while_sweep_waits = gc.get_threshold()
            gc.set_threshold(young, middle, max(full, FULL_SWEEPS_HELD))
            self.call_after_refresh(self._sweep_when_quiet)
        return closing

    def _sweep_when_quiet(self) -> None:
        quiet = self.idle_clock() - self._last_activity
        if quiet < SWEEP_WHEN_QUIET_SECONDS:
            self.set_timer(SWEEP_WHEN_QUIET_SECONDS - quiet, self._sweep_when_quiet)
            return
        self._forget_closed_watchers()
        gc.collect()
        self._give_back_thresholds()

    def _forget_closed_watchers(self) -> None:
        """Let go of what closed widgets watched on the app: a `Header` watches the app's title
        and sub-title (`self.watch(self.app, "title", …)`), and Textual drops a closed
        widget's watch only when that value next changes, which in this app it never does, so
        each closed screen's header (four widgets) stayed alive for good. This is Textual's
        own filter (`Reactive._check_watchers`), applied now rather than at that change."""
        watching: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for watchers in watching.values():
            watchers[:] = [(node, callback) for node, callback in watchers if not node._closing]

    def _give_back_thresholds(self) -> None:
        """The collector's own thresholds again (after the sweep, or as the app closes)."""
        thresholds, self._thresholds_while_sweep_waits = self._thresholds_while_sweep_waits, None
        if thresholds is not None:
            gc.set_threshold(*thresholds)

    # -- keys and commands ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "settings" and self._store is not None and not self.store.closed:
            return not room_view_on(self.store)  # settings show counts and the audit log
        return True

    def action_help(self) -> None:
        from screens.dialogs.help_dialog import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

    def action_settings(self) -> None:
        from screens.settings_screen import SettingsScreen

        if self._store is not None and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_toggle_contrast(self) -> None:
        self.theme = CALM.name if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key action of the current screen is in the palette, plus the app's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # Widget-level keys (cursor moves, copy) are not actions a person looks up.
            # Only the app's own actions (each has an id): Textual's focus and copy keys
            # are not what a person looks for here.
            if active.node not in (screen, self) or not binding.description or not binding.id:
                continue
            if not active.enabled or binding.description in seen:
                continue
            seen.add(binding.description)
            key = self.get_key_display(binding)
            help_text = f"{binding.tooltip} · key {key}" if binding.tooltip else f"Key: {key}"
            yield SystemCommand(
                binding.description,
                help_text,
                partial(self.run_action, binding.action, active.node),
            )
        # Textual's own commands (Keys, Maximize, Theme, Screenshot…) are not this app's: its
        # Quit would skip the question about unsaved changes, its Screenshot would write names
        # to a file nobody chose. F1 is the help; Ctrl+T the high-contrast look.
        from screens.home_screen import HomeScreen

        if isinstance(screen, HomeScreen):
            yield from self._deeper_places(screen, seen)

    def _deeper_places(self, home: HomeScreen, seen: set[str]) -> Iterable[SystemCommand]:
        """From Home, what lives a screen deeper, so searching its name finds it."""
        for title, help_text, action, way in DEEPER_PLACES:
            if title not in seen and home.offers(way):
                yield SystemCommand(title, help_text, partial(self._open_deeper, action))

    def _open_deeper(self, action: str) -> None:
        from screens.facilitators_screen import FacilitatorsScreen
        from screens.members_screen import MembersScreen

        if action == "exchange":
            from screens.exchange_screen import ExchangeScreen

            self.push_screen(ExchangeScreen())
            return
        if action == "consent":
            self.push_screen(MembersScreen())
            self.notify("Choose the member, then press c to record their answer.")
            return
        facilitators = FacilitatorsScreen()
        self.push_screen(facilitators)
        self.call_after_refresh(facilitators.run_action, action)
