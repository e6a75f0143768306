"""Support contacts printed on every coping-strategies sheet, and when each was last checked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from screens.access import AppAccess
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.plain import plain
from voicesgroup import dates, library
from voicesgroup.models import SupportContact


class SupportContactsScreen(AppAccess, Screen[None]):
    """The coordinator keeps these current: a sheet says when each was last checked."""

    HELP_TITLE = "Support contacts"
    HELP = (
        "Who members can talk to, printed at the end of every coping-strategies sheet with "
        "the date the details were last checked. Press k after ringing or looking one up to "
        "mark it checked today. National contacts ship with the app and can be changed but "
        "not deleted; local ones can be added and deleted."
    )
    BINDINGS = [
        Binding("a", "add", "Add local", id="add-contact"),
        Binding("enter", "edit", "Edit", id="edit-contact"),
        Binding("k", "checked", "Checked today", id="check-contact"),
        Binding("d", "delete", "Delete", id="delete-contact"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._contacts: list[SupportContact] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="list-screen", id="support-contacts"):
            yield Static("Support contacts", classes="section-title")
            yield Static(
                "Printed on every coping-strategies sheet. Check them now and then: "
                "numbers and opening times change.",
                classes="hint",
            )
            table: DataTable[str | Text] = DataTable(
                id="contacts", cursor_type="row", zebra_stripes=True
            )
            table.add_column("Name", width=20, key="name")
            table.add_column("How", width=28, key="how")
            table.add_column("Where", width=8, key="where")
            table.add_column("Last checked", width=12, key="checked")
            yield table
            yield Static("", id="contact-detail")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#contacts", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    @property
    def highlighted(self) -> SupportContact | None:
        """The contact under the cursor, if any."""
        row = self.query_one("#contacts", DataTable).cursor_row
        return self._contacts[row] if self._contacts and 0 <= row < len(self._contacts) else None

    def refresh_data(self) -> None:
        """Read the contacts again, keeping the cursor on the same one."""
        keep = self.highlighted.id if self.highlighted else None
        self._contacts = self.store.support_contacts()
        table = self.query_one("#contacts", DataTable)
        table.clear()
        for contact in self._contacts:
            table.add_row(
                *plain(
                    contact.name,
                    contact.how,
                    "local" if contact.local else "national",
                    dates.date(contact.last_checked) if contact.last_checked else "not yet",
                ),
                key=str(contact.id),
            )
        row = next((i for i, c in enumerate(self._contacts) if c.id == keep), 0)
        if self._contacts:
            table.move_cursor(row=row)
        self._show_detail()

    def _show_detail(self) -> None:
        contact = self.highlighted
        detail = self.query_one("#contact-detail", Static)
        if contact is None:
            detail.update("No support contacts yet: press a to add a local one.")
            return
        text = Text()
        text.append(contact.name, style="bold")
        text.append(f" · {contact.how}")
        if contact.when:
            text.append(f"\n{contact.when}")
        text.append(
            f"\nLast checked {dates.date(contact.last_checked)}."
            if contact.last_checked
            else "\nNot checked yet: the sheet will say so."
        )
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        from screens.support_contact_edit_screen import SupportContactEditScreen

        self.app.push_screen(SupportContactEditScreen(None))

    def action_edit(self) -> None:
        from screens.support_contact_edit_screen import SupportContactEditScreen

        contact = self.highlighted
        if contact is not None:
            self.app.push_screen(SupportContactEditScreen(contact))

    def action_checked(self) -> None:
        contact = self.highlighted
        if contact is None:
            return
        today = self.vg.today()
        if self.vg.attempt(lambda: library.mark_checked(self.store, [contact], today)):
            self.notify(f"{contact.name}: checked today.")
            self.refresh_data()

    def action_delete(self) -> None:
        from screens.dialogs.confirm_dialog import ConfirmDialog

        contact = self.highlighted
        if contact is None:
            return
        if not contact.local:
            self.notify(
                f"{contact.name} is a national contact: change it (Enter) rather than delete it.",
                severity="warning",
            )
            return

        def delete(yes: bool | None) -> None:
            if yes and self.vg.attempt(lambda: self.store.delete_support_contact(contact.id)):
                self.notify(f"Deleted: {contact.name}.")
                self.refresh_data()

        self.app.push_screen(
            ConfirmDialog(
                "Delete this contact?",
                f"{contact.name} will no longer be printed on coping-strategies sheets.",
                confirm="Delete",
            ),
            delete,
        )

    def action_back(self) -> None:
        self.dismiss()
