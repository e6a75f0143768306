"""After the session: the facilitators' debrief, built on Intentional Peer Support.

Every question is optional. Who actually facilitated is recorded here, which is what the
coordinator's planned-versus-actual review reads.
"""

from __future__ import annotations

from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Static, TextArea

from screens.form_screen import FormScreen
from screens.session_screen import app_clock
from screens.widgets.facilitator_picker import FacilitatorPicker
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal
from voicesgroup import dates
from voicesgroup.session_runner import SessionRunner
from voicesgroup.shipped import debrief_prompts
from voicesgroup.templates import vocabulary_for


class DebriefScreen(FormScreen[None]):
    """The debrief form; Ctrl+S keeps it, Escape leaves without one (asking, once written)."""

    HELP_TITLE = "The facilitators' debrief"
    FORM_SUBJECT = "the debrief"
    HELP = (
        "A few questions for the two of you, about connection, worldview, mutuality and "
        "moving towards, and about how you are. Answer any, all or none. It is about how "
        "the group went and how you are, never an assessment of anyone."
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Keep the debrief", id="save-debrief"),
        Binding("escape", "leave", "Skip", id="skip-debrief"),
    ]

    def __init__(self, session_id: UUID, *, reopened: bool = False) -> None:
        super().__init__()
        self.session_id = session_id
        self.reopened = reopened
        """Opened again from the history (rather than straight after the session)."""

    def compose(self) -> ComposeResult:
        store = self.store
        self.runner = SessionRunner.resume(store, self.session_id, app_clock(self.vg))
        session = self.runner.session
        words = vocabulary_for(self.runner.group)
        self.title = self.runner.group.name
        answers = session.debrief.answers if session.debrief else {}
        yield Header()
        with VerticalScroll(id="debrief", classes="form"):
            yield Static(
                literal(f"After the {words.group_noun}, {dates.day(session.date)}"),
                classes="section-title",
            )
            yield Static(
                literal(
                    f"{session.head_count} in the room · themes: {'; '.join(session.themes) or '—'}"
                ),
                id="debrief-summary",
            )
            if session.follow_ups:
                yield Static(
                    literal("To follow up: " + "; ".join(session.follow_ups)),
                    id="debrief-follow-ups",
                )
            yield Static("Who facilitated today", classes="section-title")
            yield FacilitatorPicker(
                store.facilitators(),
                list(session.facilitator_ids),
                labels=("Facilitator", "And"),
                nobody="Nobody else",
                ids=("facilitator-1", "facilitator-2"),
                second_defaults_to_nobody=True,
            )
            yield Static("Every question is optional.", classes="hint")
            for prompt in debrief_prompts():
                yield Static(prompt.title, classes="section-title")
                yield Static(prompt.question, classes="hint")
                yield TextArea(
                    answers.get(prompt.key, ""),
                    id=f"answer-{prompt.key}",
                    classes="debrief-answer",
                    soft_wrap=True,
                    show_line_numbers=False,
                )
            with Horizontal(classes="buttons"):
                yield Button("Keep the debrief", id="save", variant="primary", compact=True)
                yield Button("Skip", id="skip", compact=True)
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#debrief", VerticalScroll).scroll_home(animate=False)
        # Typing starts in the first answer: the facilitators are often already talking.
        self.query(TextArea).first().focus(scroll_visible=False)

    def chosen_facilitators(self) -> list[UUID]:
        return self.query_one(FacilitatorPicker).chosen()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        answers = {
            prompt.key: self.query_one(f"#answer-{prompt.key}", TextArea).text
            for prompt in debrief_prompts()
        }
        picker = self.query_one(FacilitatorPicker)
        problem = picker.problem(first_missing="")  # nobody named is allowed here
        if problem:
            raise ValueError(problem)
        facilitators = picker.chosen()
        return self.form_attempt(
            lambda: self.runner.write_debrief(answers, facilitators or None),
            (
                "The debrief is kept with the session.",
                "Thank you both"
                if len(facilitators or self.runner.session.facilitator_ids) > 1
                else "Thank you",
            ),
        )

    @on(Button.Pressed, "#skip")
    def _skip_pressed(self) -> None:
        self.action_leave()

    def leave_form(self) -> None:
        if self.reopened:
            self.notify("The debrief was left as it was.")
        else:
            self.notify("The session was ended and kept; no debrief was written.")
        self.dismiss()
