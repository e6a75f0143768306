"""The app exchanges with the organisation's other laptops, in the one worker pattern.

When: once Home has painted after opening the file, after a session ends, and when asked
(x on the Exchange screen). How (screens/app.py describes the pattern; the steps are the
core's, `voicesgroup.exchange.one_exchange`, the same the command line runs in a row):

0. The exchange's modules (a tenth of a second to import) are imported in a worker the first
   time, never on the UI thread (`_import_exchange`).
1. On the UI thread, `service.reading` takes plain values (the folder, the keys, which
   outboxes were read already); a worker reads and opens the other laptops' outboxes
   (`service.read_folder`: files and decryption, no store) and posts `ExchangeRead`.
2. Once no session is running, no form or dialog is up and no file work is under way, the UI
   thread takes a snapshot of the data (`service.begin`), and a worker makes the whole
   exchange on a scratch copy of it (`service.prepare`: stamping, the merge, every record
   checked, this laptop's outbox sealed) and posts `ExchangePrepared`. Keys are answered
   meanwhile: the UI thread is not held.
3. The UI thread applies it (`service.apply`, as file work: saves wait): one atomic save of
   the prepared document. If the data changed on the UI thread meanwhile, nothing is applied
   (`ChangedMeanwhile`): the exchange is prepared again from the data as it is now, with the
   outboxes already read; never half-applied, and neither side is lost.
4. A worker writes the outbox, the note beside the data file and removes merged conflict
   copies (`service.deliver`). The screens showing data read it again, and one quiet line
   says what came in, or in one sentence why the exchange could not run.

A member forgotten on another laptop is forgotten here by the store's own forgetting, split as
every forgetting in the app is (`voicesgroup.store.forgetting`): erased in memory and the
intent written on the UI thread, the data file saved and every backup rewritten in a worker,
still inside the exchange's file work, so no save meets it half-way and a stop anywhere leaves
the intent, which the next opening finishes. Then the outbox is prepared again (the member in
none of it) and applied the same way.

A facilitator in the room is never interrupted: while a session runs, what was read waits
(nothing pops up), and the exchange after the session ends reads the folder again anyway.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import work
from textual.message import Message

from voicesgroup.errors import ChangedMeanwhile, NotFound, VoicesGroupError

if TYPE_CHECKING:
    from textual.app import App

    from screens.app import VoicesGroupApp
    from voicesgroup.exchange.service import (
        Basis,
        Delivery,
        FolderRead,
        Prepared,
        Reading,
        Summary,
    )
    from voicesgroup.store.forgetting import Forgetting

    _Mixed = App[None]
    """What the mixin is mixed into: the app."""
else:
    _Mixed = object

EXCHANGING = "Exchanging…"
"""The line while an exchange a person asked for is under way."""
TRIES = 3
"""How many times running an exchange is prepared again when the data changed meanwhile,
before it waits for the next time (Home or the Exchange screen coming back, or x)."""
WAITS = (
    "The exchange waits: the data kept changing while it was being prepared; it runs again "
    "next time, and nothing was lost."
)


EXCHANGE_MODULES = (
    "voicesgroup.exchange.service",
    "voicesgroup.exchange.view",
    "voicesgroup.exchange.conflicts",  # (the Exchange screen's, looked for when one ends)
)
"""What the UI thread uses of the exchange: imported in a worker before it is used."""


@dataclass
class ExchangeImported(Message):
    """The worker has imported the exchange's modules: the exchange asked for goes on."""

    asked: bool


@dataclass
class ExchangeRead(Message):
    """The worker has read the exchange folder (or says why it could not)."""

    read: FolderRead | None
    problem: str | None
    asked: bool


@dataclass
class ExchangePrepared(Message):
    """The worker has made the exchange on a copy of the data (or says why it could not)."""

    prepared: Prepared | None
    problem: str | None


@dataclass
class ExchangeDelivered(Message):
    """The worker has written the outbox after the merge's save (or says why not: what came
    in is kept all the same)."""

    prepared: Prepared
    problem: str | None


@dataclass
class ExchangeForgotten(Message):
    """A worker step of forgetting a member the organisation forgot: the data file and the
    backups written (`counts`), then the intent removed (`finished`), or why it stopped."""

    prepared: Prepared
    job: Forgetting
    done: int
    """How many of the members due were forgotten before this one."""
    counts: tuple[int, int]
    finished: bool
    problem: str | None


@dataclass
class ExchangeFinished(Message):
    """An exchange ended: `line` says what came in, or why it could not run."""

    line: str
    changed: bool
    listed: str | None = None
    """The line for the Sharing screen, which lists every problem itself (None: `line`)."""


def _said(error: Exception) -> str:
    """One calm sentence for an exchange that stopped, never a traceback."""
    if isinstance(error, VoicesGroupError):
        return f"The exchange did not run: {error}"
    return (
        f"The exchange stopped unexpectedly ({type(error).__name__}); the next exchange tries "
        "again."
    )


class ExchangesInBackground(_Mixed):
    """Mixed into the app: exchanges in the background, never in the room's way."""

    exchange_line: str | None = None
    """The quiet line about the last exchange, shown on Home."""
    exchange_line_listed: str | None = None
    """That line on the Sharing screen, without the problems it lists itself (None: the
    line as Home shows it)."""
    _exchange_waiting: ExchangeRead | None = None
    """The folder read, waiting to be exchanged with (kept until the exchange is applied)."""
    _exchange_reading = False
    _exchange_preparing = False
    _exchange_tries = 0
    _exchange_again = False
    """An exchange was asked for while one ran: it runs once that one has ended."""
    _exchange_forgot = 0
    """Members just forgotten here: the exchange being prepared sends that news."""
    _exchange_before: Summary | None = None
    """What the exchange before the forgetting did, told with the one after it."""

    @property
    def _vg(self) -> VoicesGroupApp:
        return cast("VoicesGroupApp", self)

    @property
    def exchange_busy(self) -> bool:
        """An exchange is reading the folder or being prepared, applied or delivered."""
        return self._exchange_reading or self._exchange_preparing

    def exchange_soon(self, *, asked: bool = False) -> None:
        """Start an exchange: read the folder in a worker, then exchange when free.

        Without set-up, or on a read-only file, nothing happens unless a person asked (then
        one sentence says why)."""
        if self.exchange_busy:
            # The one running may have sealed its outbox before the change that asks now:
            # another exchange follows it, so that change travels too.
            self._exchange_again = True
            if asked:
                self._exchange_said(EXCHANGING, changed=False)
            return
        if not all(name in sys.modules for name in EXCHANGE_MODULES):
            self._exchange_reading = True  # busy meanwhile: a second ask waits for this one
            self._import_exchange(asked)
            return
        from voicesgroup.exchange import service

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
            self._exchange_said(EXCHANGING, changed=False)
        self._read_exchange_folder(plan, asked)

    @work(thread=True, exit_on_error=False, exclusive=True, group="exchange")
    def _import_exchange(self, asked: bool) -> None:
        """The exchange's modules imported off the UI thread, once per run."""
        try:
            for name in EXCHANGE_MODULES:
                __import__(name)
        except Exception as error:  # a worker never ends without its message
            problem = f"The exchange could not start ({type(error).__name__})."
            self.post_message(ExchangeRead(None, problem, asked))
        else:
            self.post_message(ExchangeImported(asked))

    def on_exchange_imported(self, message: ExchangeImported) -> None:
        self._exchange_reading = False
        self.exchange_soon(asked=message.asked)

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
        self._exchange_tries = 0
        self.exchange_when_free()

    def _exchange_free(self) -> bool:
        """Nothing in the way: no session on, no file work, Home or the Exchange screen."""
        from voicesgroup.home import groups_in_session

        if self._vg.store.closed or self._vg.file_work_under_way:
            return False
        if groups_in_session(self._vg.store):
            return False
        from screens.exchange_screen import ExchangeScreen
        from screens.home_screen import HomeScreen

        return isinstance(self.screen, HomeScreen | ExchangeScreen)  # no form or dialog up

    def exchange_when_free(self) -> None:
        """Prepare the exchange read ahead in a worker, unless a session is on, a form or a
        dialog is up or the files are busy (it is tried again when Home or the Exchange screen
        comes back)."""
        waiting = self._exchange_waiting
        if waiting is None or self.exchange_busy or not self._exchange_free():
            return
        from voicesgroup.exchange import service  # (not before Home's first paint)

        try:
            # a snapshot: quick, on the UI thread
            basis = service.begin(self._vg.store, forgot=self._exchange_forgot)
        except VoicesGroupError as error:
            self._exchange_waiting = None
            self._exchange_said(_said(error), changed=False)
            return
        self._exchange_preparing = True
        self._prepare_exchange(basis, waiting.read)

    @work(thread=True, exit_on_error=False, exclusive=True, group="exchange")
    def _prepare_exchange(self, basis: Basis, read: FolderRead | None) -> None:
        """The exchange made on a scratch copy of the snapshot: the slow part, off the UI
        thread, touching no store but the copy."""
        from voicesgroup.exchange import service

        try:
            prepared = service.prepare(basis, ahead=read)
        except Exception as error:  # a worker never ends without its message
            self.post_message(ExchangePrepared(None, _said(error)))
        else:
            self.post_message(ExchangePrepared(prepared, None))

    def on_exchange_prepared(self, message: ExchangePrepared) -> None:
        prepared = message.prepared
        if prepared is None:
            self._exchange_preparing = False
            self._exchange_waiting = None
            self._exchange_said(message.problem or "", changed=False)
            return
        if not self._exchange_free():  # a session began meanwhile: prepared again later
            self._exchange_preparing = False
            return
        self._vg.start_file_work(lambda: self._apply_exchange(prepared))

    def _apply_exchange(self, prepared: Prepared) -> None:
        """On the UI thread, as file work: the prepared exchange applied in one save, or
        dropped whole when the data changed meanwhile (then prepared again)."""
        from voicesgroup.exchange import service

        try:
            delivery = service.apply(self._vg.store, prepared)
        except ChangedMeanwhile:
            self._exchange_preparing = False
            self._vg.file_work_done()
            self._exchange_tries += 1
            if self._exchange_tries < TRIES:
                self.exchange_when_free()  # with the folder already read, from the data now
            else:
                self._exchange_waiting = self._exchange_before = None
                self._exchange_forgot = 0
                self._exchange_said(WAITS, changed=False)
            return
        except Exception as error:  # one calm sentence, never a traceback
            self._exchange_preparing = False
            self._exchange_waiting = None
            self._vg.file_work_done()
            self._exchange_said(_said(error), changed=False)
            return
        self._exchange_waiting = None
        self._deliver_exchange(delivery, prepared)

    @work(thread=True, exit_on_error=False, group="exchange-files")
    def _deliver_exchange(self, delivery: Delivery, prepared: Prepared) -> None:
        """The outbox written after the save, and the folder tidied: files only."""
        from voicesgroup.exchange import service

        try:
            service.deliver(delivery)
        except VoicesGroupError as error:  # what came in is kept: said after it
            self.post_message(ExchangeDelivered(prepared, str(error)))
        except Exception as error:  # a worker never ends without its message
            problem = (
                f"This laptop's outbox was not written ({type(error).__name__}); the next "
                "exchange writes it."
            )
            self.post_message(ExchangeDelivered(prepared, problem))
        else:
            self.post_message(ExchangeDelivered(prepared, None))

    def on_exchange_delivered(self, message: ExchangeDelivered) -> None:
        prepared = message.prepared
        if message.problem is None and prepared.forget:
            self._forget_next(prepared, 0)
            return
        self._exchange_preparing = False
        self._vg.file_work_done()
        self._exchange_done(prepared, message.problem)

    def _exchange_done(self, prepared: Prepared, problem: str | None) -> None:
        from voicesgroup.exchange import service
        from voicesgroup.exchange.view import summary_words

        summary = prepared.summary
        if self._exchange_before is not None:
            summary = service.joined(self._exchange_before, summary)
        self._exchange_before, self._exchange_forgot = None, 0
        # (new problems are listed by the Sharing screen from the record: it is read again)
        changed = bool(
            summary.came_in or summary.forgotten or summary.conflicts or summary.problems
        )
        line = summary_words(summary)
        listed = summary_words(summary, problems=False)
        self._exchange_said(
            f"{line} {problem}" if problem else line,
            changed=changed,
            listed=f"{listed} {problem}" if problem else listed,
        )

    # -- a member the organisation forgot, forgotten here -----------------------------------

    def _forget_next(self, prepared: Prepared, done: int) -> None:
        """Forget the next member due (the store's own forgetting: in memory and its intent
        here, the files in a worker), or, when all are, prepare the outbox that says so."""
        from voicesgroup.store import forgetting

        store = self._vg.store
        while done < len(prepared.forget):
            member_id = prepared.forget[done]
            try:
                job = forgetting.start(
                    store, uuid.UUID(member_id), prepared.texts.get(member_id), told=True
                )
            except NotFound:
                done += 1  # forgotten meanwhile: nothing of theirs left here
                continue
            except VoicesGroupError as error:
                self._forgetting_stopped(str(error))
                return
            self._forget_files(prepared, job, done)
            return
        self._exchange_preparing = False
        self._vg.file_work_done()
        self._exchange_before = prepared.summary
        self._exchange_forgot = len(prepared.forget)
        self._exchange_waiting = ExchangeRead(None, None, asked=False)
        self._exchange_tries = 0
        self.exchange_when_free()

    @work(thread=True, exit_on_error=False, group="exchange-files")
    def _forget_files(
        self,
        prepared: Prepared,
        job: Forgetting,
        done: int,
        counts: tuple[int, int] | None = None,
    ) -> None:
        """The data file saved and every backup rewritten; then, once the log entry is
        noted, the intent removed. Reads no record."""
        from voicesgroup.store import forgetting

        try:
            if counts is None:
                counts = forgetting.write_files(job)
                finished = False
            else:
                forgetting.finish(job, counts)
                finished = True
        except Exception as error:  # a worker never ends without its message
            message = ExchangeForgotten(prepared, job, done, (0, 0), False, str(error))
        else:
            message = ExchangeForgotten(prepared, job, done, counts, finished, None)
        self.post_message(message)

    def on_exchange_forgotten(self, message: ExchangeForgotten) -> None:
        from voicesgroup.store import forgetting

        if message.problem is not None:
            self._forgetting_stopped(message.problem)
            return
        if not message.finished:
            forgetting.note_done(self._vg.store, message.counts)
            self._forget_files(message.prepared, message.job, message.done, message.counts)
            return
        self._forget_next(message.prepared, message.done + 1)

    def _forgetting_stopped(self, reason: str) -> None:
        self._exchange_preparing = False
        self._exchange_before, self._exchange_forgot = None, 0
        self._vg.file_work_done()
        self._exchange_said(
            f"A member forgotten on another laptop is not forgotten here yet: {reason}",
            changed=True,
        )

    # -- what is said ------------------------------------------------------------------------

    def _exchange_said(self, line: str, *, changed: bool, listed: str | None = None) -> None:
        self.post_message(ExchangeFinished(line, changed, listed))

    def on_exchange_finished(self, message: ExchangeFinished) -> None:
        self.exchange_line = message.line
        self.exchange_line_listed = message.listed
        if self._exchange_again and not self.exchange_busy:
            self._exchange_again = False
            self.exchange_soon()
        from screens.exchange_screen import ExchangeScreen
        from screens.home_screen import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_exchange_line(message.line)
            elif isinstance(screen, ExchangeScreen):
                screen.show_exchange_line(message.listed or message.line)
        screen = self.screen
        if message.changed and isinstance(screen, HomeScreen | ExchangeScreen):
            screen.refresh_data()
