"""Record a member's yes, or a withdrawal, for one kind of record — with the wording read out."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from voicesgroup.models import ConsentAction, ConsentEvent, ConsentMethod, ConsentScope, Member
from voicesgroup.shipped import consent_wording

COVERS_RECORDS = {ConsentScope.PERSONAL_NOTES, ConsentScope.CONTACT_DETAILS}
REVIEW_CHOICES = [
    ("No review date", 0),
    ("Check again in 6 months", 6),
    ("Check again in 12 months", 12),
]


def labelled(label: str, control: Select, row_id: str | None = None) -> Horizontal:
    """One line: a label, then its choice."""
    return Horizontal(
        Label(f"{label}:", classes="row-label"), control, classes="choice-row", id=row_id
    )


class ConsentDialog(ModalScreen[bool]):
    """Asks which consent, given or withdrawn, how, and who recorded it."""

    BINDINGS = [
        Binding("ctrl+s", "record", "Record", id="record-consent"),
        Binding("escape", "cancel", "Cancel", id="cancel-consent"),
    ]

    def __init__(self, member: Member, scope: ConsentScope | None = None) -> None:
        super().__init__()
        self.member = member
        self.scope = scope or ConsentScope.ATTENDANCE_BY_NAME

    def compose(self) -> ComposeResult:
        facilitators = [(p.display_name, p.display_name) for p in self.app.store.facilitators()]
        current = self.app.store.current_consents(self.member.id)
        with VerticalScroll(classes="dialog", id="consent-dialog"):
            yield Static(f"Consent: {self.member.display_name}", classes="section-title")
            yield labelled(
                "Record of",
                Select(
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
                Select(
                    [
                        ("They said yes", ConsentAction.GIVEN.value),
                        ("They withdrew", ConsentAction.WITHDRAWN.value),
                    ],
                    value=(
                        ConsentAction.WITHDRAWN if self.scope in current else ConsentAction.GIVEN
                    ).value,
                    allow_blank=False,
                    id="action",
                    compact=True,
                ),
            )
            yield labelled(
                "How",
                Select(
                    [(method.label.capitalize(), method.value) for method in ConsentMethod],
                    value=ConsentMethod.SAID_IN_ROOM.value,
                    allow_blank=False,
                    id="method",
                    compact=True,
                ),
            )
            yield labelled(
                "Recorded by",
                Select(facilitators, prompt="choose…", id="recorded_by", compact=True),
            )
            yield labelled(
                "Review",
                Select(REVIEW_CHOICES, value=0, allow_blank=False, id="review", compact=True),
                row_id="review-row",
            )
            yield labelled(
                "What is kept",
                Select(
                    [
                        ("Erase it now", "erase"),
                        ("Keep it restricted (only in their own record)", "restrict"),
                    ],
                    value="erase",
                    allow_blank=False,
                    id="erase",
                    compact=True,
                ),
                row_id="erase-row",
            )
            with Horizontal(classes="buttons"):
                yield Button("Record", id="record", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_wording()

    @on(Select.Changed)
    def _show_wording(self) -> None:
        scope = ConsentScope(self.query_one("#scope", Select).value)
        wording = consent_wording(scope)
        self.query_one("#wording", Static).update(
            f"[b]Read this out[/b]\n{wording.wording}\n[dim](wording {wording.version})[/dim]"
        )
        withdrawing = self.query_one("#action", Select).value == ConsentAction.WITHDRAWN.value
        # Select.Changed can arrive while the dialog is still being put together.
        self.query("#erase-row").set(display=withdrawing and scope in COVERS_RECORDS)
        self.query("#review-row").set(display=not withdrawing)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        recorded_by = self.query_one("#recorded_by", Select).value
        if recorded_by is Select.NULL:
            self.notify("Choose who is recording this.", severity="warning")
            return
        scope = ConsentScope(self.query_one("#scope", Select).value)
        action = ConsentAction(self.query_one("#action", Select).value)
        review = self.query_one("#review", Select).value
        event = ConsentEvent(
            member_id=self.member.id,
            scope=scope,
            action=action,
            method=ConsentMethod(self.query_one("#method", Select).value),
            wording_version=consent_wording(scope).version,
            recorded_by=str(recorded_by),
            review_after_months=review or None if action is ConsentAction.GIVEN else None,
        )
        store = self.app.store
        if action is ConsentAction.GIVEN:
            done = self.app.attempt(lambda: store.give_consent(event))
        else:
            erase = self.query_one("#erase", Select).value == "erase"
            done = self.app.attempt(lambda: store.withdraw_consent(event, erase=erase))
        if done:
            self.notify(f"Recorded: {scope.label.lower()} — {action.value}.")
            self.dismiss(True)
