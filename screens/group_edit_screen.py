"""Add or change a group: its kind, when and where it meets, its own words for experiences."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Select, Static

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import Field, FieldProblem, chosen, save_and_back
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from screens.widgets.tick_marks import TickBox
from voicesgroup import dates
from voicesgroup.groups import PRINTED_EVERYWHERE, changed_group, new_group
from voicesgroup.kinds import VARIANT_LABELS, WEEKDAYS, Variant
from voicesgroup.models import Group, MeetingPattern
from voicesgroup.rota import guard

OFTEN = [
    ("Every week", 1),
    ("Every other week", 2),
    ("Every three weeks", 3),
    ("Every four weeks", 4),
]


class GroupEditScreen(FormScreen[None]):
    """The form for one group; Ctrl+S saves, Escape goes back (asking, when changed)."""

    HELP_TITLE = "A group's details"
    HELP = (
        "The kind of group sets its session plan, agreement and words; you can change those "
        "later." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-group"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    FORM_FALLBACK = "name"
    FORM_SUBJECT = "this group's details"

    def __init__(self, group: Group | None) -> None:
        super().__init__()
        self.group = group

    def compose(self) -> ComposeResult:
        group = self.group
        pattern = group.pattern if group else MeetingPattern(weekday=1)
        yield Header()
        with VerticalScroll(id="form", classes="form"):
            yield Static(
                "New group" if group is None else literal(f"Group: {group.name}"),
                classes="section-title",
            )
            yield Field("Name", Input(group.name if group else "", id="name"), name="name")
            yield Field(
                "Kind of group",
                LightSelect(
                    [(label, variant.value) for variant, label in VARIANT_LABELS.items()],
                    value=(group.variant if group else Variant.HEARING_VOICES).value,
                    allow_blank=False,
                    id="variant",
                ),
                name="variant",
            )
            with Horizontal(classes="row"):
                yield Field(
                    "Day",
                    LightSelect(
                        [(day, index) for index, day in enumerate(WEEKDAYS)],
                        value=pattern.weekday,
                        allow_blank=False,
                        id="weekday",
                    ),
                    name="weekday",
                )
                yield Field(
                    "Starts (HH:MM)", Input(dates.clock(pattern.start), id="start"), name="start"
                )
                yield Field(
                    "Minutes",
                    Input(str(pattern.minutes), id="minutes", type="integer"),
                    name="minutes",
                )
            yield Field(
                "How often",
                LightSelect(OFTEN, value=pattern.every_weeks, allow_blank=False, id="every_weeks"),
                name="every_weeks",
            )
            yield Field("Venue", Input(group.venue if group else "", id="venue"), name="venue")
            yield TickBox(
                "A woman facilitator at every session (only if the group asks)",
                group.women_facilitator_rule if group else False,
                id="women_rule",
            )
            yield save_and_back()
        yield KeysFooter(show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_submit()
        else:
            self.action_leave()

    def submit_form(self) -> bool:
        group = self._read_form()
        self._ask_about_names(group)
        today, kept = self.vg.today(), self._kept_names()
        self.guarded_change(
            lambda store, _: guard.save_group(store, group, today=today, kept=kept),
            lambda _: self.dismiss_form(),
            announce=(f"{group.name} saved.", ""),
        )
        return False  # closed once the change is made

    def _ask_about_names(self, group: Group) -> None:
        """A venue or a group's name that names a member is asked about once (Enter again
        keeps it: "St Mary's" may be a church), in the core's words (`groups`); what the
        person keeps is handed to the core's own check at saving (`guard.save_group`)."""
        self.ask_about_names({"name": group.name, "venue": group.venue}, PRINTED_EVERYWHERE)

    def _kept_names(self) -> set[str]:
        """The texts naming a member that the person said to keep (asked, then saved again)."""
        questions = self._name_questions
        return set(questions.asked.values()) if questions is not None else set()

    def _read_form(self) -> Group:
        def typed(selector: str) -> str:
            return self.query_one(selector, Input).value

        start_text = typed("#start").strip()
        try:
            start = dates.read_time(start_text)
        except ValueError as error:
            raise FieldProblem("start", str(error)) from None
        minutes_text = typed("#minutes").strip() or "0"
        variant = Variant(chosen(self.query_one("#variant", Select)))
        pattern = MeetingPattern(
            weekday=self.query_one("#weekday", Select).value,
            start=start,
            minutes=int(minutes_text),
            every_weeks=self.query_one("#every_weeks", Select).value,
            first_date=self.group.pattern.first_date if self.group else None,
        )
        changes = {
            "name": typed("#name"),
            "variant": variant,
            "pattern": pattern,
            "venue": typed("#venue").strip(),
            "women_facilitator_rule": self.query_one("#women_rule", TickBox).value,
        }
        if self.group is not None:
            return changed_group(self.group, **changes)
        return new_group(self.vg.today(), **changes)
