"""One member: their name, and each kind of consent with its full history."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from screens.widgets.form import Field, FieldProblem, clear_messages, show_validation
from voicesgroup import consent
from voicesgroup.models import ConsentAction, ConsentScope, Member


class MemberScreen(Screen[None]):
    HELP_TITLE = "A member and their consents"
    HELP = (
        "What this member has agreed to, and every change, with who recorded it and the wording "
        "that was read out. Press c to record a yes or a withdrawal."
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Save name", id="save-member"),
        Binding("c", "consent", "Consent", id="record-consent"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, member: Member | None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        member = self.member
        yield Header()
        with VerticalScroll(classes="form"):
            yield Static(
                "New member" if member is None else f"Member: {member.display_name}",
                classes="section-title",
                id="member-title",
            )
            with Horizontal(classes="row"):
                yield Field(
                    "First or chosen name",
                    Input(member.display_name if member else "", id="display_name"),
                    name="display_name",
                )
                yield Field(
                    "Joined (YYYY-MM-DD)",
                    Input(
                        (member.joined_on if member else self.app.today()).isoformat(),
                        id="joined_on",
                    ),
                    name="joined_on",
                )
            with Horizontal(classes="buttons"):
                yield Button("Save name", id="save", variant="primary", compact=True)
                yield Button("Record consent", id="consent", compact=True)
            yield Static("What they have agreed to", classes="section-title")
            yield Static("", id="consent-state", classes="consent-state")
            yield Static("History", classes="section-title")
            history: DataTable[str] = DataTable(id="consent-history", cursor_type="none")
            history.add_columns(
                "When", "What", "Given or withdrawn", "How", "Wording", "Recorded by"
            )
            yield history
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        state = self.query_one("#consent-state", Static)
        history = self.query_one("#consent-history", DataTable)
        history.clear()
        if self.member is None:
            state.update("Save the name first; then you can record what they agree to.")
            return
        self.member = self.app.store.member(self.member.id)
        events = self.app.store.consent_events(self.member.id)
        latest = consent.latest_events(events, self.member.id)
        lines = []
        for scope in ConsentScope:
            event = latest.get(scope)
            if event is None:
                lines.append(f"–  {scope.label}: not asked")
            elif event.action is ConsentAction.GIVEN:
                lines.append(f"✓  {scope.label}: yes, since {event.on:%d %b %Y}")
            else:
                lines.append(f"✗  {scope.label}: withdrawn {event.on:%d %b %Y}")
        state.update("\n".join(lines))
        for event in reversed(events):
            history.add_row(
                f"{event.on:%d %b %Y}",
                event.scope.label,
                event.action.value,
                event.method.label,
                event.wording_version,
                event.recorded_by,
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_consent()

    def action_back(self) -> None:
        self.dismiss()

    def action_save(self) -> None:
        joined_text = self.query_one("#joined_on", Input).value.strip()
        try:
            try:
                joined = dt.date.fromisoformat(joined_text)
            except ValueError:
                raise FieldProblem("joined_on", "write the date like 2026-03-01") from None
            changes = {
                "display_name": self.query_one("#display_name", Input).value,
                "joined_on": joined,
            }
            member = self.member.with_changes(**changes) if self.member else Member(**changes)
        except ValueError as error:
            show_validation(self, error, fallback="display_name")
            return
        clear_messages(self)
        if self.app.attempt(lambda: self.app.store.save_member(member)):
            self.member = member
            self.query_one("#member-title", Static).update(f"Member: {member.display_name}")
            self.notify(f"{member.display_name} saved.")
            self.refresh_data()

    def action_consent(self) -> None:
        from screens.dialogs.consent_dialog import ConsentDialog

        if self.member is None:
            self.notify("Save the member's name first.", severity="warning")
            return
        self.app.push_screen(ConsentDialog(self.member), lambda _: self.refresh_data())
