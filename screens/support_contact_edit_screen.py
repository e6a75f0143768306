"""Add a local support contact, or change any contact's details."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Static

from screens.access import AppAccess
from screens.widgets.form import Field, FieldProblem, clear_messages, save_and_back, show_validation
from screens.widgets.tick_marks import show_tick, show_ticks
from voicesgroup import dates
from voicesgroup.models import SupportContact


class SupportContactEditScreen(AppAccess, Screen[None]):
    """Name, how to reach them, when, and whether it is a local contact."""

    HELP_TITLE = "A support contact"
    HELP = (
        "Exactly as it should be printed: who, how to reach them (a number, a text code, an "
        "address) and when to use them. A discreet sheet prints only the name and how to reach "
        "them: give neutral words if 'how' says what it is for. Ctrl+S saves; Escape goes "
        "back without saving."
    )
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save-contact"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, contact: SupportContact | None) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        contact = self.contact
        yield Header()
        with VerticalScroll(classes="form", id="contact-form"):
            yield Static(
                "New local contact" if contact is None else f"Contact: {contact.name}",
                classes="section-title",
            )
            yield Field("Name", Input(contact.name if contact else "", id="name"), name="name")
            yield Field(
                "How to reach them (a number, a text code, an address)",
                Input(contact.how if contact else "", id="how"),
                name="how",
            )
            yield Field(
                "When to use them (optional)",
                Input(contact.when if contact else "", id="when"),
                name="when",
            )
            yield Field(
                "On a discreet sheet, how to reach them in neutral words (optional)",
                Input(contact.discreet_how if contact else "", id="discreet_how"),
                name="discreet_how",
            )
            yield Checkbox(
                "Local (only local contacts can be deleted)",
                contact.local if contact else True,
                compact=True,
                id="local",
            )
            if contact is not None:
                checked = (
                    f"Last checked {dates.date(contact.last_checked)}; saving keeps that date. "
                    "Press k on the list to mark it checked today."
                    if contact.last_checked
                    else "Not checked yet. Press k on the list to mark it checked today."
                )
                yield Static(checked, classes="hint")
            yield save_and_back()
        yield Footer()

    def on_mount(self) -> None:
        show_ticks(self)
        self.query_one("#name", Input).focus()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        show_tick(event.checkbox)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_back()

    def action_back(self) -> None:
        self.dismiss()

    def action_save(self) -> None:
        changes = {
            "name": " ".join(self.query_one("#name", Input).value.split()),
            "how": self.query_one("#how", Input).value.strip(),
            "when": self.query_one("#when", Input).value.strip(),
            "discreet_how": self.query_one("#discreet_how", Input).value.strip(),
            "local": self.query_one("#local", Checkbox).value,
        }
        try:
            if not changes["name"]:
                raise FieldProblem("name", "give the contact a name")
            if not changes["how"]:
                raise FieldProblem("how", "say how to reach them")
            contact = (
                self.contact.with_changes(**changes) if self.contact else SupportContact(**changes)
            )
        except ValueError as error:
            show_validation(self, error, fallback="name")
            return
        clear_messages(self)
        if self.vg.attempt(lambda: self.store.save_support_contact(contact)):
            self.notify(f"Saved: {contact.name}.")
            self.dismiss()
