"""How every screen and dialog makes a change that keeps the rota's rules (one helper).

A change to the rota, a facilitator or a group goes through the core's guard
(`voicesgroup.rota.guard`), which judges it with the review's rule code and works every reason
out again: on ten years of data that takes a second or more, so it is made in a worker thread
on a scratch copy of the data (`guard.trial`), by the app's one worker pattern (screens/app.py):
the worker gets a `Snapshot`, does the slow part and posts one message; on the UI thread the
change is applied to the store (`Store.apply_changes`) and saved. Meanwhile the screen says it
is checking, answers every key, and a second submit waits for the first.

The outcome is shown where the person is acting, by the host itself:
- sessions to come that need cover: `CoverNeededDialog` asks, and the change is made again
  with the answers, all in one save (Cancel changes nothing);
- a refusal (a rule's sentence, a date that cannot be read): `show_problem`, in the form or
  dialog, beside its button, with everything typed kept; never a notification that vanishes;
- done: `done(result)` with what the change returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from screens.access import AppAccess
from voicesgroup.errors import VoicesGroupError, shown
from voicesgroup.store.snapshot import Snapshot

if TYPE_CHECKING:  # the rota's modules load with the first change, not with every form
    from voicesgroup.rota import guard

CHECKING = "Checking the rota's rules…"
"""What a screen says while a change is being checked."""
NOT_MADE = "Not changed: no cover was chosen, so nothing was saved."


@dataclass
class _Pending:
    change: guard.Change
    done: Callable[[Any], object]
    announce: tuple[str, str] | None


class GuardsChanges(AppAccess):
    """A screen or dialog that makes rota changes (mixed into a Textual screen). It says how
    refusals and the work in progress are shown: `show_problem` and `show_working`."""

    _guarded: _Pending | None = None
    _finish_later: Callable[[], object] | None = None

    @dataclass
    class ChangeTried(Message):
        """The worker made the change on a copy: what it would store, or what stops it."""

        trial: guard.Trial
        covers: guard.Covers | None

    # -- what a host says (a dialog: above its buttons; a screen may say it elsewhere) -------

    def show_problem(self, error: Exception) -> None:
        """Show why the change was not made, where the person is acting: above the buttons."""
        sentence = shown(error)
        if not self._line_above_buttons(
            Static(f"! {sentence}", classes="form-problem", markup=False)
        ):
            self._host.notify(sentence, title="Not saved", severity="warning", timeout=8)

    def show_working(self, words: str) -> None:
        """Say the change is being checked (`words`), or that it is over ('')."""
        for line in self._host.query(".form-working"):
            line.remove()
        if words:
            self._line_above_buttons(Static(words, classes="form-working hint", markup=False))

    def clear_problems(self) -> None:
        for line in self._host.query(".form-problem"):
            line.remove()

    @property
    def _host(self) -> Screen[Any]:
        assert isinstance(self, Screen)
        return self

    def _line_above_buttons(self, message: Static) -> bool:
        """Mount `message` above the buttons, or below the last field; False
        with neither."""
        from screens.form_screen import FORM_CONTROLS

        host = self._host
        buttons = host.query(".buttons")
        controls = host.query("*").filter(",".join(kind.__name__ for kind in FORM_CONTROLS))
        if buttons:
            anchor = buttons.last()
            parent, where = anchor.parent, {"before": anchor}
        elif controls:
            anchor = controls.last()
            parent, where = anchor.parent, {"after": anchor}
        else:
            return False
        if not isinstance(parent, Widget):
            return False
        parent.mount(message, **where)
        message.scroll_visible(animate=False)
        return True

    def typed_meanwhile(self) -> bool:
        """After a change is made: whether something was typed while it was being checked
        (then the host stays open with it rather than closing). A form says; others do not
        take typing."""
        return False

    @property
    def change_running(self) -> bool:
        """A change is being checked: another waits until it is done."""
        return self._guarded is not None

    def drop_change(self) -> None:
        """Cancel: the change being checked is never made, whenever its check ends."""
        self._guarded = None
        self._finish_later = None

    # -- the change ------------------------------------------------------------------------

    def guarded_change(
        self,
        change: guard.Change,
        done: Callable[[Any], object],
        *,
        announce: tuple[str, str] | None = None,
    ) -> None:
        """Make `change(store, covers)` through the guard, off the UI thread; `done` gets what
        it returned once it is made (`announce` is said once it is on disk). Nothing happens
        while another change is being checked."""
        if self._guarded is not None:
            return
        self._guarded = _Pending(change, done, announce)
        self.show_working(CHECKING)
        self._try(None)

    def _try(self, covers: guard.Covers | None) -> None:
        pending = self._guarded
        assert pending is not None
        # The worker changes a copy of the data, taken here: the store stays with this thread.
        self._try_change(Snapshot.of(self.store), pending.change, covers)

    @work(thread=True, exit_on_error=False, exclusive=True, group="guarded-change")
    def _try_change(
        self, snapshot: Snapshot, change: guard.Change, covers: guard.Covers | None
    ) -> None:
        from voicesgroup.rota import guard

        try:
            tried = guard.trial(snapshot, change, covers)
        except Exception as error:  # never a crash, nor a screen left waiting: say it
            refused = VoicesGroupError(f"Not changed: it could not be checked ({error}).")
            tried = guard.Trial(refused=refused)
        self.post_message(self.ChangeTried(tried, covers))

    def on_guards_changes_change_tried(self, message: ChangeTried) -> None:
        message.stop()
        pending, tried = self._guarded, message.trial
        if pending is None:
            return
        if tried.cover_needed is not None and message.covers is None:
            self.show_working("")  # the question is asked; nothing is being checked meanwhile
            self._ask_for_cover(tried.cover_needed)
            return
        problem = tried.refused or tried.cover_needed
        if problem is None and tried.changes is not None:
            try:
                self.store.apply_changes(tried.changes)
            except VoicesGroupError as error:
                problem = error
        self._guarded = None
        self.show_working("")
        if problem is not None:
            self.show_problem(problem)
            return
        self.vg.changed(pending.announce)
        if self.typed_meanwhile():
            return  # the change is kept; what was typed since stays, to be kept in its turn
        if self.app.screen is not self._host:
            # Something opened over it while it was checked (help, the question on quitting):
            # closing now would close that instead. It closes once it is in front again.
            result = tried.result

            def finish() -> None:
                pending.done(result)

            self._finish_later = finish
            return
        pending.done(tried.result)

    def on_screen_resume(self) -> None:
        # Textual calls each class's own handler, so a host's on_screen_resume runs too.
        finish, self._finish_later = self._finish_later, None
        if finish is not None:
            self._host.call_later(finish)

    def _ask_for_cover(self, needed: guard.CoverNeeded) -> None:
        from screens.dialogs.cover_needed_dialog import CoverNeededDialog

        def answered(covers: guard.Covers | None) -> None:
            if covers is None:
                self._guarded = None
                self.show_working("")
                self.show_problem(VoicesGroupError(NOT_MADE))
                return
            self.show_working(CHECKING)
            self._try(covers)

        self.vg.push_screen(CoverNeededDialog(needed), answered)
