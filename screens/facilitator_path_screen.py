"""One facilitator's path: the course, shadowing counted from sessions run, sign-off, support."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.guarded_change import GuardsChanges
from screens.widgets.kept_row import highlight_kept
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup import dates
from voicesgroup import facilitator_path as fp
from voicesgroup.counting import counted
from voicesgroup.errors import shown
from voicesgroup.kinds import PathStage
from voicesgroup.models import Facilitator

if TYPE_CHECKING:
    from voicesgroup.rota.guard import Change


class FacilitatorPathScreen(GuardsChanges, Screen[None]):
    HELP_TITLE = "A facilitator's path"
    HELP = (
        "The path from interested, through the course and shadowing, to signed off to lead. "
        "Shadowed sessions are counted from the sessions actually run, with the facilitators "
        "recorded at the end: nobody types them in. The rota never makes someone lead before "
        "sign-off and always puts them beside an experienced lead.\n\n"
        "m marks the chosen module attended today; n takes the next step (a step skipped needs "
        "a reason, which is kept); o signs them off to lead; x marks a signed-off facilitator "
        "experienced (may lead beside someone shadowing) or not; b notes that they need a "
        "break: the days become dates off, no reason asked."
    )
    BINDINGS = [
        Binding("m", "attended", "Attended", id="module-attended"),
        Binding("n", "next_step", "Next step", id="path-next-step"),
        Binding("o", "sign_off", "Sign off", id="path-sign-off"),
        Binding("x", "experienced", "Experienced", id="path-experienced", show=False),
        Binding("b", "take_break", "Break", id="path-break"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, person: Facilitator) -> None:
        super().__init__()
        self.person = person
        self.view: fp.PathView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen"):
            yield Static("", id="path-title", classes="section-title", markup=False)
            yield Static("", id="path-summary", markup=False)
            yield Static("", id="path-said", classes="form-problem")
            table: DataTable[str] = DataTable(id="path-modules", cursor_type="row")
            table.add_column("Course module", width=58)
            table.add_column("Attended", width=12)
            yield table
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#path-said", Static).display = False

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def show_problem(self, error: Exception) -> None:
        """Why the change was not made: on the path itself, until the next change."""
        self._say(f"! {shown(error)}")

    def show_working(self, words: str) -> None:
        self._say(words)

    def _say(self, words: str) -> None:
        said = self.query_one("#path-said", Static)
        said.update(Text(words))
        said.display = bool(words)

    def refresh_data(self) -> None:
        store = self.store
        today = self.vg.today()
        self.person = store.facilitator(self.person.id)
        view = self.view = fp.path_view(store, self.person, today)
        self.query_one("#path-title", Static).update(f"{view.name}: {view.stage_words}")
        self.query_one("#path-summary", Static).update("\n".join(view.summary(sign_off_key="o")))
        table = self.query_one("#path-modules", DataTable)
        with highlight_kept(table):
            table.clear()
            for module, on in view.modules:
                when = dates.date(on) if on else ("optional" if module.optional else "not yet")
                table.add_row(*plain(module.title, when), key=module.key)

    # -- actions --------------------------------------------------------------------------

    def _change(self, change: Change, done: str) -> None:
        """Make the change through the rota's guard; a refusal stays on the path."""

        def made(_: object) -> None:
            self.notify(done, markup=False)
            self.refresh_data()

        self._say("")
        self.guarded_change(change, made)

    def _kept(self, answers: dict[str, str] | None, done: str) -> None:
        """A step's dialog has made its change (answers) or was left (None)."""
        if answers is not None:
            self.notify(done, markup=False)
            self.refresh_data()

    def action_attended(self) -> None:
        """Mark the chosen course module attended today."""
        table = self.query_one("#path-modules", DataTable)
        if self.view is None or not self.view.modules or table.cursor_row < 0:
            return
        module, _ = self.view.modules[table.cursor_row]
        today, person = self.vg.today(), self.person
        self._change(
            lambda store, _: fp.attend_module(store, person, module.key, today),
            f"{module.title}: attended {dates.date(today)}.",
        )

    def action_next_step(self) -> None:
        """Start the course, start shadowing, or sign off, whichever comes next."""
        if self.view is None:
            return
        store, today, person = self.store, self.vg.today(), self.person
        stage = self.view.stage
        if stage is PathStage.INTERESTED:
            self._change(
                lambda changed, _: fp.start_training(changed, person, today),
                f"{self.person.display_name} has started the course.",
            )
        elif stage is PathStage.IN_TRAINING:
            record = fp.path_record(store, self.person.id)
            missing = fp.modules_missing(store, record) if record else []
            if not missing:
                self._change(
                    lambda changed, _: fp.start_shadowing(changed, person, today),
                    f"{self.person.display_name} is shadowing from today.",
                )
                return
            self._ask_skip(len(missing))
        elif stage is PathStage.SHADOWING:
            self.action_sign_off()
        else:
            self.notify(self._signed_off(), markup=False)

    def _ask_skip(self, missing: int) -> None:
        from screens.dialogs.path_step_dialog import PathStepDialog

        today, person = self.vg.today(), self.person

        def keep(answers: dict[str, str]) -> Change:
            return lambda store, _: fp.start_shadowing(
                store, person, today, by=answers["by"], reason=answers["reason"]
            )

        def answered(answers: dict[str, str] | None) -> None:
            self._kept(answers, f"{self.person.display_name} is shadowing from today.")

        self.app.push_screen(
            PathStepDialog(
                "Start shadowing before the course is finished?",
                f"{counted(missing, 'course module')} not attended yet. Skipping them is kept on "
                "their path with the reason and who decided.",
                [("by", "Who decided", ""), ("reason", "Why", "")],
                keep,
                confirm="Start shadowing",
            ),
            answered,
        )

    def action_sign_off(self) -> None:
        """Sign them off to lead: by whom (today's date); a reason if it is early."""
        from screens.dialogs.path_step_dialog import PathStepDialog

        if self.view is None:
            return
        if self.view.stage is not PathStage.SHADOWING:
            self.notify(
                f"{self.person.display_name} is {self.view.stage.label}: sign-off follows "
                "shadowing.",
                severity="warning",
                markup=False,
            )
            return
        today, person = self.vg.today(), self.person
        early = "; ".join(self.view.missing)
        hint = (
            "The suggested shadowing is done. From now on the rota may make them lead."
            if not early
            else f"Still suggested first: {early}. Signing off now needs a reason."
        )

        def keep(answers: dict[str, str]) -> Change:
            by, reason = answers["by"], answers["reason"]
            return lambda store, _: fp.sign_off(
                store, person, by, today, reason=reason, today=today
            )

        def answered(answers: dict[str, str] | None) -> None:
            self._kept(answers, self._signed_off())

        self.app.push_screen(
            PathStepDialog(
                f"Sign {self.person.display_name} off to lead",
                hint,
                [("by", "Signed off by", ""), ("reason", "Reason (only when early)", "")],
                keep,
                confirm="Sign off",
            ),
            answered,
        )

    def action_experienced(self) -> None:
        """Mark a signed-off facilitator experienced, or no longer."""
        if self.view is None:
            return
        wanted = not self.view.experienced
        words = f"{self.person.display_name} is " + (
            "experienced." if wanted else "no longer marked experienced."
        )
        today, person = self.vg.today(), self.person
        self._change(
            lambda store, covers: fp.set_experienced(
                store, person, wanted, today=today, covers=covers
            ),
            words,
        )

    def action_take_break(self) -> None:
        """They need a break: dates off the rota honours, no reason asked."""
        from screens.dialogs.path_step_dialog import PathStepDialog

        today, person = self.vg.today(), self.person

        def keep(answers: dict[str, str]) -> Change:
            """Days that cannot be read keep the dialog open; so does a break the rules
            refuse. Sessions it touches may need cover first (asked from the dialog)."""
            start = fp.parse_day(answers["start"], "first day")
            end = fp.parse_day(answers["end"], "last day")
            return lambda store, covers: fp.take_break(
                store, person, start, end, today=today, covers=covers
            )

        def answered(answers: dict[str, str] | None) -> None:
            self._kept(answers, "The break is noted; the rota leaves them out on those days.")

        self.app.push_screen(
            PathStepDialog(
                f"A break for {self.person.display_name}",
                "No reason is asked. The days become dates off, which the rota honours.",
                [
                    ("start", "First day (YYYY-MM-DD)", dates.typed(today)),
                    ("end", "Last day (YYYY-MM-DD)", ""),
                ],
                keep,
                confirm="Keep the break",
            ),
            answered,
        )

    def _signed_off(self) -> str:
        return f"{self.person.display_name} is signed off and may lead."

    def action_back(self) -> None:
        self.dismiss()
