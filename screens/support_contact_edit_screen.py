"""Add a local support contact, or change any contact's details."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Static

from screens.form_screen import FORM_KEYS, FormScreen
from screens.widgets.form import Field, FieldProblem, save_and_back
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.tick_marks import TickBox
from voicesgroup import dates
from voicesgroup.models import SupportContact


class SupportContactEditScreen(FormScreen[None]):
    """Name, how to reach them, when, and whether it is a local contact."""

    HELP_TITLE = "A support contact"
    HELP = (
        "Exactly as it should be printed: who, how to reach them (a number, a text code, an "
        "address) and when to use them. A discreet sheet prints only the name and how to reach "
        "them: give neutral words if 'how' says what it is for." + FORM_KEYS
    )
    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="save-contact"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    FORM_FALLBACK = "name"
    FORM_SUBJECT = "this contact"

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
            yield TickBox(
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
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_submit() if event.button.id == "save" else self.action_leave()

    def submit_form(self) -> bool:
        changes = {
            "name": " ".join(self.query_one("#name", Input).value.split()),
            "how": self.query_one("#how", Input).value.strip(),
            "when": self.query_one("#when", Input).value.strip(),
            "discreet_how": self.query_one("#discreet_how", Input).value.strip(),
            "local": self.query_one("#local", Checkbox).value,
        }
        if not changes["name"]:
            raise FieldProblem("name", "Give the contact a name.")
        if not changes["how"]:
            raise FieldProblem("how", "Say how to reach them.")
        texts = {name: str(changes[name]) for name in ("name", "how", "when", "discreet_how")}
        self.ask_about_names(
            texts, "Support contacts print on every sheet and go to every laptop: keep names out."
        )
        contact = (
            self.contact.with_changes(**changes) if self.contact else SupportContact(**changes)
        )
        return self.form_attempt(
            lambda: self.store.save_support_contact(contact), (f"Saved: {contact.name}.", "")
        )
