"""The app exchanges with the organisation's other laptops, in the one worker pattern.

When: once Home has painted after opening the file, after a session ends, and when asked
(x on the Exchange screen). How (screens/app.py describes the pattern):

1. On the UI thread, `service.reading` takes plain values (the folder, the keys, which
   outboxes were read already).
2. A worker reads and opens the other laptops' outboxes (`service.read_folder`: files and
   decryption, no store) and posts `ExchangeRead`.
3. Back on the UI thread, once no session is running and no save is under way, the exchange
   runs as file work (`start_file_work`: saves wait) with the outboxes read ahead; its saves
   are made as the command line's are, so the order on disk (the data file before the
   outbox) holds. Then the screens showing data read it again, and one quiet line says what
   came in, or in one sentence why the exchange could not run.

A facilitator in the room is never interrupted: while a session runs, what was read waits
(nothing pops up), and the exchange after the session ends reads the folder again anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.message import Message

from voicesgroup.errors import VoicesGroupError

if TYPE_CHECKING:
    from textual.app import App

    from screens.app import VoicesGroupApp
    from voicesgroup.exchange.service import FolderRead, Reading

    _Mixed = App[None]
    """What the mixin is mixed into: the app."""
else:
    _Mixed = object


@dataclass
class ExchangeRead(Message):
    """The worker has read the exchange folder (or says why it could not)."""

    read: FolderRead | None
    problem: str | None
    asked: bool


@dataclass
class ExchangeFinished(Message):
    """An exchange ended: `line` says what came in, or why it could not run."""

    line: str
    changed: bool


class ExchangesInBackground(_Mixed):
    """Mixed into the app: exchanges in the background, never in the room's way."""

    exchange_line: str | None = None
    """The quiet line about the last exchange, shown on Home and on the Exchange screen."""
    _exchange_waiting: ExchangeRead | None = None
    _exchange_reading = False

    @property
    def _vg(self) -> VoicesGroupApp:
        return cast("VoicesGroupApp", self)

    def exchange_soon(self, *, asked: bool = False) -> None:
        """Start an exchange: read the folder in a worker, then exchange on the UI thread.

        Without set-up, or on a read-only file, nothing happens unless a person asked (then
        one sentence says why)."""
        from voicesgroup.exchange import service

        if self._exchange_reading:
            return
        try:
            if self._vg.store.read_only:
                raise VoicesGroupError(
                    "This data file is read-only here, so it cannot take in what the other "
                    "laptops shared."
                )
            plan = service.reading(self._vg.store)
        except VoicesGroupError as error:
            if asked:
                self._exchange_said(str(error), changed=False)
            return
        if plan is None:
            if asked:
                from voicesgroup.exchange.view import NOT_SET_UP

                self._exchange_said(NOT_SET_UP.split(":")[0] + ".", changed=False)
            return
        self._exchange_reading = True
        if asked:
            self._exchange_said("Exchanging…", changed=False)
        self._read_exchange_folder(plan, asked)

    @work(thread=True, exit_on_error=False, exclusive=True, group="exchange")
    def _read_exchange_folder(self, plan: Reading, asked: bool) -> None:
        from voicesgroup.exchange import service

        try:
            read = service.read_folder(plan)
        except Exception as error:  # a worker never ends without its message
            self.post_message(
                ExchangeRead(None, f"The exchange folder could not be read ({error}).", asked)
            )
        else:
            self.post_message(ExchangeRead(read, None, asked))

    def on_exchange_read(self, message: ExchangeRead) -> None:
        self._exchange_reading = False
        if message.problem is not None:
            self._exchange_said(message.problem, changed=False)
            return
        self._exchange_waiting = message
        self.exchange_when_free()

    def exchange_when_free(self) -> None:
        """Run the exchange read ahead, unless a session is on or the files are busy (it is
        tried again when Home or the Exchange screen comes back)."""
        from voicesgroup.home import groups_in_session

        waiting = self._exchange_waiting
        if waiting is None or self._vg.store.closed:
            return
        if self._vg.file_work_under_way or groups_in_session(self._vg.store):
            return
        from screens.exchange_screen import ExchangeScreen
        from screens.home_screen import HomeScreen

        if not isinstance(self.screen, HomeScreen | ExchangeScreen):
            return  # a form or a dialog is open: not under a person's hands
        self._exchange_waiting = None
        self._vg.start_file_work(lambda: self._exchange_now(waiting))

    def _exchange_now(self, waiting: ExchangeRead) -> None:
        import orjson

        from voicesgroup.exchange import service
        from voicesgroup.exchange.view import summary_words

        storage = self._vg.store.storage
        line, changed = "", False
        # The merge works in the data in memory: if it stops before its save, memory goes back
        # to what the file and this window held, so no later save writes half a merge.
        before, saves = orjson.dumps(storage.read()), storage.saves
        storage.autosave = True  # saved as the command line saves: the data file, then the outbox
        try:
            summary = service.exchange(self._vg.store, ahead=waiting.read)
        except Exception as error:  # one calm sentence, never a traceback
            if storage.saves == saves:
                storage.replace_data(orjson.loads(before))
                self._vg.store.documents_replaced()
            line = (
                f"The exchange did not run: {error}"
                if isinstance(error, VoicesGroupError)
                else f"The exchange stopped unexpectedly ({type(error).__name__}); the next "
                "exchange tries again."
            )
        else:
            line = summary_words(summary)
            changed = bool(summary.came_in or summary.forgotten or summary.conflicts)
        finally:
            storage.autosave = False
            self._vg.file_work_done()
        self.post_message(ExchangeFinished(line, changed))

    def _exchange_said(self, line: str, *, changed: bool) -> None:
        self.post_message(ExchangeFinished(line, changed))

    def on_exchange_finished(self, message: ExchangeFinished) -> None:
        self.exchange_line = message.line
        from screens.exchange_screen import ExchangeScreen
        from screens.home_screen import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen | ExchangeScreen):
                screen.show_exchange_line(message.line)
        screen = self.screen
        if message.changed and isinstance(screen, HomeScreen | ExchangeScreen):
            screen.refresh_data()
