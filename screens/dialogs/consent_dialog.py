"""Record a member's yes, or a withdrawal, for one kind of record — with the wording read out.

A withdrawal says, before it is recorded, exactly what it will do to what is kept about this
member, with their numbers. For notes and contact details it asks a separate question that
has no default: erase them now, or keep them restricted (shown only in the member's own
record). Nothing is recorded until that is answered.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from screens.access import AppAccess
from voicesgroup.models import ConsentAction, ConsentEvent, ConsentMethod, ConsentScope, Member
from voicesgroup.shipped import consent_wording
from voicesgroup.store import Store

COVERS_RECORDS = {ConsentScope.PERSONAL_NOTES, ConsentScope.CONTACT_DETAILS}
REVIEW_CHOICES = [
    ("No review date", 0),
    ("Check again in 6 months", 6),
    ("Check again in 12 months", 12),
]


ERASE = "erase"
RESTRICT = "restrict"
KINDS = {
    ConsentScope.PERSONAL_NOTES: ("note", "notes"),
    ConsentScope.CONTACT_DETAILS: ("contact detail", "contact details"),
}


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def covered_count(store: Store, member: Member, scope: ConsentScope) -> int:
    """How many stored records a withdrawal of `scope` would touch for `member`."""
    if scope is ConsentScope.PERSONAL_NOTES:
        return len(store.notes(member.id, include_restricted=True))
    if scope is ConsentScope.CONTACT_DETAILS:
        return len(store.contact_details(member.id, include_restricted=True))
    if scope is ConsentScope.ATTENDANCE_BY_NAME:
        return sum(member.id in session.named_member_ids for session in store.sessions())
    return sum(
        strategy.attributed_member_id == member.id
        for strategy in store.strategies(include_archived=True)
    )


def what_it_will_do(
    store: Store, member: Member, scope: ConsentScope, action: ConsentAction, keep: str | None
) -> str:
    """What recording this answer does to what is kept, in words, with this member's numbers.

    `keep` is ERASE, RESTRICT or None (not chosen yet); it matters only for notes and
    contact details.
    """
    name = member.display_name
    if action is ConsentAction.GIVEN:
        return (
            f"Nothing is written yet: this lets the group keep {scope.label.lower()} for {name} "
            "from now on. They can take it back whenever they like."
        )
    count = covered_count(store, member, scope)
    if scope is ConsentScope.ATTENDANCE_BY_NAME:
        if not count:
            return f"{name} is not named at any session; from now on they are counted, unnamed."
        return (
            f"{name}'s name comes off {counted(count, 'session', 'sessions')} now. Each keeps "
            "its head count, with one more person counted without a name."
        )
    if scope is ConsentScope.STRATEGY_ATTRIBUTION:
        if not count:
            return f"No strategy has {name}'s name beside it, so nothing changes there."
        return (
            f"{name}'s name is taken from beside {counted(count, 'strategy', 'strategies')} "
            "now. The strategies stay in the library."
        )
    one, many = KINDS[scope]
    if not count:
        return f"No {many} are kept about {name}, so there is nothing to erase or keep."
    things = counted(count, one, many)
    if keep == ERASE:
        return f"{things} will be erased now. This cannot be undone."
    if keep == RESTRICT:
        return (
            f"{things} will be kept restricted: shown only in {name}'s own record, never used or "
            "shown anywhere else."
        )
    return f"{things} kept about {name}. Ask them: erase now, or keep restricted?"


def labelled(label: str, control: Select, row_id: str | None = None) -> Horizontal:
    """One line: a label, then its choice."""
    return Horizontal(
        Label(f"{label}:", classes="row-label"), control, classes="choice-row", id=row_id
    )


class ConsentDialog(AppAccess, ModalScreen[bool]):
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
        facilitators = [(p.display_name, p.display_name) for p in self.store.facilitators()]
        current = self.store.current_consents(self.member.id)
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
        return (
            action is ConsentAction.WITHDRAWN
            and scope in COVERS_RECORDS
            and covered_count(self.store, self.member, scope) > 0
        )

    @on(Select.Changed)
    def _show_wording(self) -> None:
        scope = ConsentScope(self.query_one("#scope", Select).value)
        action = ConsentAction(self.query_one("#action", Select).value)
        wording = consent_wording(scope)
        withdrawing = action is ConsentAction.WITHDRAWN
        name = escape(self.member.display_name)
        self.query_one("#wording", Static).update(
            f"[b]Withdrawing[/b]\nNo reason is needed, and nothing changes about coming to the "
            f"group. Check with {name} what should happen to what is kept."
            if withdrawing
            else f"[b]Read this out[/b]\n{wording.wording}\n[dim](wording {wording.version})[/dim]"
        )
        # Select.Changed can arrive while the dialog is still being put together.
        self.query("#erase-row").set(display=self.needs_keep_choice(scope, action))
        self.query("#review-row").set(display=not withdrawing)
        effect = what_it_will_do(self.store, self.member, scope, action, self._keep_choice())
        for shown in self.query("#withdraw-effect").results(Static):
            shown.update(f"[b]What this will do[/b]\n{escape(effect)}")

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
        store = self.store
        keep = self._keep_choice()
        if self.needs_keep_choice(scope, action) and keep is None:
            self.notify(
                "Ask them first: erase what it covered now, or keep it restricted?",
                title="One more answer",
                severity="warning",
            )
            self.query_one("#erase", Select).focus()
            return
        if action is ConsentAction.GIVEN:
            done = self.vg.attempt(lambda: store.give_consent(event))
        else:
            erase = keep != RESTRICT
            done = self.vg.attempt(lambda: store.withdraw_consent(event, erase=erase))
        if done:
            self.notify(f"Recorded: {scope.label.lower()} — {action.value}.")
            self.dismiss(True)
