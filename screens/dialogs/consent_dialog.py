"""Record a member's yes, or a withdrawal, for one kind of record — with the wording read out.

A withdrawal says, before it is recorded, exactly what it will do to what is kept about this
member, with their numbers. For notes and contact details it asks a separate question that
has no default: erase them now, or keep them restricted (shown only in the member's own
record). Nothing is recorded until that is answered.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from screens.form_screen import FormDialog
from screens.widgets.form import FieldProblem, chosen
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup import withdrawal
from voicesgroup.models import ConsentAction, ConsentEvent, ConsentMethod, ConsentScope, Member
from voicesgroup.shipped import consent_wording

REVIEW_CHOICES = [
    ("No review date", 0),
    ("Check again in 6 months", 6),
    ("Check again in 12 months", 12),
]
ERASE = "erase"
RESTRICT = "restrict"


def labelled(label: str, control: Select, row_id: str | None = None) -> Horizontal:
    """One line: a label, then its choice."""
    return Horizontal(
        Label(f"{label}:", classes="row-label"), control, classes="choice-row", id=row_id
    )


class ConsentDialog(FormDialog[bool]):
    """Asks which consent, given or withdrawn, how, and who recorded it; the answer starts on
    nothing chosen, so a yes or a withdrawal is always a choice someone made."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Record", id="record-consent"),
        Binding("escape", "leave", "Cancel", id="cancel-consent"),
    ]
    FORM_SUBJECT = "this consent record"

    def __init__(self, member: Member, scope: ConsentScope | None = None) -> None:
        super().__init__()
        self.member = member
        self.scope = scope or ConsentScope.ATTENDANCE_BY_NAME

    def compose(self) -> ComposeResult:
        facilitators = [
            (literal(p.display_name), p.display_name) for p in self.store.facilitators()
        ]
        with VerticalScroll(classes="dialog", id="consent-dialog"):
            yield Static(literal(f"Consent: {self.member.display_name}"), classes="section-title")
            yield labelled(
                "Record of",
                LightSelect(
                    [(scope.label, scope.value) for scope in ConsentScope],
                    value=self.scope.value,
                    allow_blank=False,
                    id="scope",
                    compact=True,
                ),
            )
            yield Static("", id="wording", classes="wording")
            yield labelled(
                "Answer",
                LightSelect(
                    [
                        ("They said yes", ConsentAction.GIVEN.value),
                        ("They withdrew", ConsentAction.WITHDRAWN.value),
                    ],
                    prompt="choose…",
                    id="action",
                    compact=True,
                ),
            )
            yield labelled(
                "How",
                LightSelect(
                    [(method.label.capitalize(), method.value) for method in ConsentMethod],
                    value=ConsentMethod.SAID_IN_ROOM.value,
                    allow_blank=False,
                    id="method",
                    compact=True,
                ),
            )
            yield labelled(
                "Recorded by",
                LightSelect(facilitators, prompt="choose…", id="recorded_by", compact=True),
            )
            yield labelled(
                "Review",
                LightSelect(REVIEW_CHOICES, value=0, allow_blank=False, id="review", compact=True),
                row_id="review-row",
            )
            yield labelled(
                "What is kept",
                LightSelect(
                    [
                        ("Erase it now", ERASE),
                        ("Keep it restricted (only in their own record)", RESTRICT),
                    ],
                    prompt="ask them: erase or keep restricted?",
                    id="erase",
                    compact=True,
                ),
                row_id="erase-row",
            )
            yield Static("", id="withdraw-effect", classes="consent-effect")
            with Horizontal(classes="buttons"):
                yield Button("Record", id="record", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_wording()

    def _keep_choice(self) -> str | None:
        value = self.query_one("#erase", Select).value
        return None if value is Select.NULL else str(value)

    def needs_keep_choice(self, scope: ConsentScope, action: ConsentAction) -> bool:
        """A withdrawal of notes or contact details, with some kept, needs erase-or-restrict."""
        return withdrawal.needs_erase_choice(self.store, self.member.id, scope, action)

    def _erase(self) -> bool | None:
        keep = self._keep_choice()
        return None if keep is None else keep == ERASE

    def _action(self) -> ConsentAction | None:
        value = self.query_one("#action", Select).value
        return None if value is Select.NULL else ConsentAction(str(value))

    @on(Select.Changed)
    def _show_wording(self) -> None:
        scope = ConsentScope(chosen(self.query_one("#scope", Select)))
        action = self._action()
        wording = consent_wording(scope)
        withdrawing = action is ConsentAction.WITHDRAWN
        name = self.member.display_name
        if withdrawing:
            text = Text("Withdrawing", style="bold")
            text.append(
                "\nNo reason is needed, and nothing changes about coming to the group. "
                f"Check with {name} what should happen to what is kept.",
                style="not bold",
            )
        else:
            text = Text("Read this out", style="bold")
            text.append(f" (wording {wording.version})", style="not bold dim")
            text.append(f"\n{wording.wording}", style="not bold")
        self.query_one("#wording", Static).update(text)
        # Select.Changed can arrive while the dialog is still being put together.
        self.query("#erase-row").set(
            display=action is not None and self.needs_keep_choice(scope, action)
        )
        self.query("#review-row").set(display=action is ConsentAction.GIVEN)
        for shown in self.query("#withdraw-effect").results(Static):
            shown.display = action is not None
            if action is None:
                continue
            effect = withdrawal.what_it_will_do(
                self.store, self.member.id, self.member.display_name, scope, action, self._erase()
            )
            text = Text("What this will do: ", style="bold")
            text.append(effect, style="not bold")
            shown.update(text)

    def leave_form(self) -> None:
        self.dismiss(False)

    def dismiss_form(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_leave()

    @on(Button.Pressed, "#record")
    def _record_pressed(self) -> None:
        self.action_submit()

    def submit_form(self) -> bool:
        action = self._action()
        if action is None:
            raise FieldProblem("action", "Choose their answer: a yes, or a withdrawal.")
        recorded_by = self.query_one("#recorded_by", Select).value
        if recorded_by is Select.NULL:
            raise FieldProblem("recorded_by", "Choose who is recording this.")
        scope = ConsentScope(chosen(self.query_one("#scope", Select)))
        review = self.query_one("#review", Select).value
        event = ConsentEvent(
            member_id=self.member.id,
            scope=scope,
            action=action,
            method=ConsentMethod(chosen(self.query_one("#method", Select))),
            wording_version=consent_wording(scope).version,
            recorded_by=str(recorded_by),
            review_after_months=review or None if action is ConsentAction.GIVEN else None,
        )
        store = self.store
        keep = self._keep_choice()
        if self.needs_keep_choice(scope, action) and keep is None:
            self.query_one("#erase", Select).focus()
            raise FieldProblem(
                "erase", "Ask them first: erase what it covered now, or keep it restricted?"
            )
        erase = keep != RESTRICT
        count = withdrawal.covered_count(store, self.member.id, scope)
        said = withdrawal.what_was_done(self.member.display_name, scope, action, count, erase)
        if action is ConsentAction.GIVEN:
            return self.form_attempt(lambda: store.give_consent(event), (said, "Consent"))
        return self.form_attempt(
            lambda: store.withdraw_consent(event, erase=erase), (said, "Consent")
        )
