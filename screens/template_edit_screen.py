"""A group's session plan: rename it, reorder, add or drop parts, set minutes, edit prompts.

The group edits its own copy of the shipped plan; each save is a new version, and sessions keep
the version they were run with.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from screens.form_screen import FormScreen
from screens.widgets.form import Field, show_validation
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import literal
from screens.widgets.tick_marks import TickBox
from voicesgroup import templates
from voicesgroup.models import SessionTemplate


class TemplateEditScreen(FormScreen[None]):
    """Edit the plan on the left, the chosen part on the right; Ctrl+S saves a new version."""

    HELP_TITLE = "The group's session plan"
    HELP = (
        "Choose a part on the left and change it on the right: its title, minutes, whether it "
        "is a round, and its prompts (one a line). Ctrl+N adds a part after the chosen one, "
        "Ctrl+D drops it, Ctrl+Up and Ctrl+Down move it. Ctrl+S saves the plan as a new "
        "version; sessions already run keep the version they used."
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-plan"),
        Binding("ctrl+n", "add_part", "Add part", id="add-part"),
        Binding("ctrl+d", "drop_part", "Drop part", id="drop-part"),
        Binding("ctrl+up", "move_part(-1)", "Part up", id="move-part-up"),
        Binding("ctrl+down", "move_part(1)", "Part down", id="move-part-down"),
        Binding("ctrl+r", "use_shipped", "Use the shipped plan", id="use-shipped", show=False),
        Binding("escape", "leave", "Back", id="back"),
    ]

    ENTER_SUBMITS = False
    FORM_SUBJECT = "the session plan"

    def __init__(self, group_id: UUID) -> None:
        super().__init__()
        self.group_id = group_id
        self._plan_asked: SessionTemplate | None = None

    def compose(self) -> ComposeResult:
        self.group = self.store.group(self.group_id)
        self.plan: SessionTemplate = templates.editable_copy(self.group)
        self.title = self.group.name
        yield Header()
        with Vertical(id="plan-editor", classes="form"):
            yield Static("", id="plan-heading", classes="section-title")
            with Horizontal(id="plan-body"):
                with Vertical(id="plan-side"):
                    yield Field(
                        "Plan name", Input(self.plan.name, id="plan-name-input"), name="name"
                    )
                    yield OptionList(id="plan-parts")
                with Vertical(id="part-form"):
                    yield Field("Part title", Input(id="part-title"), name="title")
                    yield Field("Minutes", Input(id="part-minutes", type="integer"), name="minutes")
                    yield TickBox("A round (everyone in turn)", id="part-round")
                    yield Static("Prompts, one a line", classes="hint")
                    yield TextArea(id="part-prompts", soft_wrap=True, show_line_numbers=False)
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._show_parts(0)
        self.query_one("#plan-parts", OptionList).focus()

    # -- showing -------------------------------------------------------------------------

    @property
    def chosen(self) -> int:
        highlighted = self.query_one("#plan-parts", OptionList).highlighted
        return 0 if highlighted is None else highlighted

    def _show_parts(self, chosen: int) -> None:
        parts = self.query_one("#plan-parts", OptionList)
        parts.set_options(
            Option(
                Text(
                    f"{number + 1}. {phase.title} · {phase.minutes} min"
                    + (" · round" if phase.is_round else "")
                )
            )
            for number, phase in enumerate(self.plan.phases)
        )
        parts.highlighted = max(0, min(chosen, len(self.plan.phases) - 1))
        stored = self.group.template
        version = stored.version if stored else 1
        state = "the group's own copy" if stored else "as shipped"
        self.query_one("#plan-heading", Static).update(
            literal(
                f"Session plan · version {version}, {state} · {self.plan.total_minutes} min in all"
            )
        )
        self._show_part()

    def _show_part(self) -> None:
        phase = self.plan.phases[self.chosen]
        # Filling the fields fires Changed events; only edits typed into a focused field count.
        self.query_one("#part-title", Input).value = phase.title
        self.query_one("#part-minutes", Input).value = str(phase.minutes)
        self.query_one("#part-round", Checkbox).value = phase.is_round
        self.query_one("#part-prompts", TextArea).text = "\n".join(phase.prompts)

    @on(OptionList.OptionHighlighted, "#plan-parts")
    def _part_chosen(self) -> None:
        self._show_part()

    # -- editing -------------------------------------------------------------------------

    def _edit(self, change: Callable[[SessionTemplate], SessionTemplate]) -> None:
        """Apply a pure template change; a problem shows beside the field, nothing is lost."""
        try:
            self.plan = change(self.plan)
        except ValueError as error:
            show_validation(self, error, fallback="title")
            return
        for field in self.query(Field):
            field.show_message("")
        self._refresh_labels()

    def _refresh_labels(self) -> None:
        parts = self.query_one("#plan-parts", OptionList)
        if parts.option_count != len(self.plan.phases):
            self._show_parts(self.chosen)
            return
        for number, phase in enumerate(self.plan.phases):
            parts.replace_option_prompt_at_index(
                number,
                Text(
                    f"{number + 1}. {phase.title} · {phase.minutes} min"
                    + (" · round" if phase.is_round else "")
                ),
            )

    @on(Input.Changed, "#plan-name-input")
    def _renamed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self._edit(lambda plan: templates.rename(plan, event.value))

    @on(Input.Changed, "#part-title")
    def _part_renamed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            index = self.chosen
            self._edit(lambda plan: templates.rename_phase(plan, index, event.value))

    @on(Input.Changed, "#part-minutes")
    def _minutes_changed(self, event: Input.Changed) -> None:
        if not event.input.has_focus:
            return
        index = self.chosen
        try:
            minutes = int(event.value or "0")
        except ValueError:
            return
        self._edit(lambda plan: templates.set_minutes(plan, index, minutes))

    @on(Checkbox.Changed, "#part-round")
    def _round_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.has_focus:
            index = self.chosen
            self._edit(lambda plan: templates.set_round(plan, index, event.value))

    @on(TextArea.Changed, "#part-prompts")
    def _prompts_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.has_focus:
            index = self.chosen
            lines = event.text_area.text.splitlines()
            self._edit(lambda plan: templates.set_prompts(plan, index, lines))

    def action_add_part(self) -> None:
        index = self.chosen
        self._edit(lambda plan: templates.add_phase(plan, index))
        self._show_parts(index + 1)
        self.query_one("#part-title", Input).focus()

    def action_drop_part(self) -> None:
        index = self.chosen
        try:
            self.plan = templates.drop_phase(self.plan, index)
        except ValueError as error:
            self.notify(str(error).capitalize() + ".", severity="warning")
            return
        self._show_parts(index)

    def action_move_part(self, offset: int) -> None:
        index = self.chosen
        self.plan = templates.move_phase(self.plan, index, offset)
        self._show_parts(index + offset)

    def form_changed(self) -> bool:
        """The plan differs from the stored one, or a field holds what the plan did not take."""
        return self.plan != templates.editable_copy(self.group) or self._not_taken()

    def clear_problems(self) -> None:
        """Messages beside the fields follow the typing (`_edit`); only the form's own go."""
        for message in self.query(".form-problem"):
            message.remove()

    def _not_taken(self) -> bool:
        """A field holds what the plan did not take (it is marked beside the field)."""
        phase = self.plan.phases[self.chosen]
        shown = {
            "#plan-name-input": self.plan.name,
            "#part-title": phase.title,
            "#part-minutes": str(phase.minutes),
        }
        typed = any(self.query_one(key, Input).value != value for key, value in shown.items())
        prompts = self.query_one("#part-prompts", TextArea).text.split("\n")
        return typed or [line for line in prompts if line.strip()] != list(phase.prompts)

    def submit_form(self) -> bool:
        """Save the plan as a new version; the editor stays open."""
        if self._not_taken():
            raise ValueError(
                "A field holds something the plan cannot take (marked beside it): change it, "
                "then save."
            )
        phases = self.plan.phases
        self.ask_about_names(
            {
                "name": self.plan.name,
                "title": "\n".join(phase.title for phase in phases),
                "prompts": "\n".join(prompt for phase in phases for prompt in phase.prompts),
            },
            "The session plan prints and goes to every laptop: keep members' names out.",
        )
        question = templates.plan_question(self.plan, self.group)
        if question is not None and self._plan_asked != self.plan:
            self._plan_asked = self.plan  # asked once for this plan: saving again keeps it
            raise ValueError(question)
        before = self.group.template
        self.group = templates.save_group_template(self.store, self.group, self.plan)
        self.plan = templates.editable_copy(self.group)
        after = self.group.template
        if after is not None and after != before:
            self.vg.changed((f"Saved as version {after.version}.", "Session plan"))
        else:
            self.notify("Nothing changed.", title="Session plan")
        self._show_parts(self.chosen)
        return False

    def action_use_shipped(self) -> None:
        store = self.store
        saved: list = []
        if self.vg.attempt(
            lambda: saved.append(templates.reset_to_shipped(store, self.group)),
            ("Back to the shipped plan.", "Session plan"),
        ):
            self.group = saved[0]
            self.plan = templates.editable_copy(self.group)
            self.query_one("#plan-name-input", Input).value = self.plan.name
            self._show_parts(0)

    def leave_form(self) -> None:
        self.dismiss()
