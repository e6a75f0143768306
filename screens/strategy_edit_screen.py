"""Add or change a coping strategy; a member's name beside it only if they agreed to that."""

from __future__ import annotations

from uuid import UUID

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Select, Static, TextArea

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import (
    Field,
    FieldProblem,
    chosen,
    save_and_back,
)
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from screens.widgets.tick_marks import TickBox
from voicesgroup.library import may_be_named
from voicesgroup.models import (
    STRATEGY_CATEGORIES,
    ConsentScope,
    CopingStrategy,
    Experience,
    Moment,
)

NOBODY = "nobody"


TITLE_PROMPT = "What it is, in a few words"
"""What a strategy's title asks for, here and where one is shared in a session."""


SHARED_AND_PRINTED = (
    "The library is shared with every group and printed on sheets: keep members' names out "
    "unless they agreed (Shared by)."
)


class StrategyEditScreen(FormScreen[UUID | None]):
    """The strategy's words, kind, who it is for, when it helps, and an optional caution.

    Dismisses with the saved strategy's id, or None when left without saving.
    """

    HELP_TITLE = "A coping strategy"
    HELP = (
        "Write it in plain words, as people said it. A caution is for anything to go gently "
        "with. A name is offered under 'Shared by' only for members who said yes to their "
        "name beside strategies they share." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-strategy"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    FORM_FALLBACK = "title"
    FORM_SUBJECT = "this strategy"

    def __init__(self, strategy: CopingStrategy | None) -> None:
        super().__init__()
        self.strategy = strategy
        self.saved_id: UUID | None = None

    def compose(self) -> ComposeResult:
        strategy = self.strategy
        experiences = strategy.experiences if strategy else [Experience.VOICES]
        shared_by = [("Nobody named", NOBODY)] + [
            (literal(member.display_name), str(member.id)) for member in may_be_named(self.store)
        ]
        current = NOBODY
        if strategy and strategy.attributed_member_id is not None:
            current = str(strategy.attributed_member_id)
            if all(value != current for _, value in shared_by):
                # Kept so the form shows the truth; saving it is refused without consent.
                shared_by.append((self._name_of(strategy.attributed_member_id), current))
        yield Header()
        with VerticalScroll(classes="form", id="strategy-form"):
            yield Static(
                "New strategy" if strategy is None else f"Strategy: {strategy.title}",
                classes="section-title",
                id="strategy-form-title",
            )
            yield Field(
                TITLE_PROMPT,
                Input(strategy.title if strategy else "", id="title"),
                name="title",
            )
            yield Field(
                "How it works (optional)",
                TextArea(
                    strategy.description if strategy else "",
                    id="description",
                    soft_wrap=True,
                    show_line_numbers=False,
                ),
                name="description",
            )
            with Horizontal(classes="row"):
                yield Field(
                    "Kind",
                    LightSelect(
                        [(label, key) for key, label in STRATEGY_CATEGORIES.items()],
                        value=strategy.category if strategy else "practical",
                        allow_blank=False,
                        id="category",
                    ),
                    name="category",
                )
                yield Field(
                    "When it helps",
                    LightSelect(
                        [(moment.label, moment.value) for moment in Moment],
                        value=(strategy.moment if strategy else Moment.IN_THE_MOMENT).value,
                        allow_blank=False,
                        id="moment",
                    ),
                    name="moment",
                )
            yield Static("For these experiences", classes="field-label")
            with Horizontal(id="experiences-row", classes="checkbox-row"):
                for experience in Experience:
                    yield TickBox(
                        experience.label,
                        experience in experiences,
                        compact=True,
                        id=f"experience-{experience.value}",
                    )
            message = Static(
                "", id="experiences-message", classes="field-message-inline", markup=False
            )
            message.display = False
            yield message
            with Horizontal(classes="row"):
                yield Field(
                    "Go gently with… (optional caution)",
                    Input(strategy.caution if strategy else "", id="caution"),
                    name="caution",
                )
                yield Field(
                    "Shared by",
                    LightSelect(shared_by, value=current, allow_blank=False, id="shared_by"),
                    name="attributed_member_id",
                )
            yield save_and_back()
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def _name_of(self, member_id: UUID) -> str:
        try:
            return self.store.member(member_id).display_name
        except LookupError:
            return "a member"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_submit() if event.button.id == "save" else self.action_leave()

    def _experiences(self) -> list[Experience]:
        return [
            experience
            for experience in Experience
            if self.query_one(f"#experience-{experience.value}", Checkbox).value
        ]

    def submit_form(self) -> bool:
        experiences_message = self.query_one("#experiences-message", Static)
        experiences_message.update("")
        experiences_message.display = False
        shared_by = self.query_one("#shared_by", Select).value
        changes = {
            "title": " ".join(self.query_one("#title", Input).value.split()),
            "description": self.query_one("#description", TextArea).text.strip(),
            "category": self.query_one("#category", Select).value,
            "moment": Moment(chosen(self.query_one("#moment", Select))),
            "experiences": self._experiences(),
            "caution": self.query_one("#caution", Input).value.strip(),
            "attributed_member_id": None if shared_by in (NOBODY, Select.BLANK) else shared_by,
        }
        if not changes["title"]:
            raise FieldProblem("title", "Give it a few words.")
        texts = {name: str(changes[name]) for name in ("title", "description", "caution")}
        self.ask_about_names(texts, SHARED_AND_PRINTED)
        strategy = (
            self.strategy.with_changes(**changes) if self.strategy else CopingStrategy(**changes)
        )
        if not strategy.experiences:
            experiences_message.update("! Tick at least one kind of experience.")
            experiences_message.display = True
            return False
        if not self.form_attempt(
            lambda: self.store.save_strategy(strategy), (f"Saved: {strategy.title}.", "")
        ):
            # The store refused (shown as a message); say why beside the name too.
            member_id = strategy.attributed_member_id
            if member_id is not None and not self.store.has_consent(
                member_id, ConsentScope.STRATEGY_ATTRIBUTION
            ):
                self.query_one("#field-attributed_member_id", Field).show_message(
                    "they have no current yes to their name beside strategies"
                )
            return False
        self.saved_id = strategy.id
        return True

    def dismiss_form(self) -> None:
        self.dismiss(self.saved_id)
