"""Where a handout goes: one of the room's printers (with copies), or a file.

The printers are asked for in a worker thread (the printing system may be slow to answer);
until they are known, and where this computer has no printing system, the only choice is a
file, and the line beside it says so in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select, Static

from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup import printers

NO_SYSTEM = "No printing system: save a file."
"""Beside the choice where the computer has no printing system (CUPS) running."""
TO_FILE = ":file"
"""The choice that saves a file (no printer's name can start with a colon)."""


class PrinterChoice(Horizontal):
    """The printer to send to (the one chosen last first), copies, or a file instead."""

    DEFAULT_CSS = """
    PrinterChoice { height: 1; }
    PrinterChoice .print-label { width: 9; color: $text-muted; }
    PrinterChoice #print-to { width: 26; }
    PrinterChoice #print-copies-label { width: 8; padding: 0 0 0 1; color: $text-muted; }
    PrinterChoice #print-copies { width: 5; }
    PrinterChoice #printer-state { width: 1fr; padding: 0 0 0 1; }
    """

    @dataclass
    class Changed(Message):
        """The destination changed: a printer, or a file."""

        choice: PrinterChoice

    @dataclass
    class PrintersFound(Message):
        found: list[printers.Printer]
        problem: str

    def __init__(self, remembered: str = "") -> None:
        super().__init__(id="printer-choice")
        self.remembered = remembered
        self.found: list[printers.Printer] = []

    def compose(self) -> ComposeResult:
        yield Static("Print to", classes="print-label")
        yield LightSelect(
            [("A file (below)", TO_FILE)],
            value=TO_FILE,
            allow_blank=False,
            compact=True,
            id="print-to",
        )
        # As `_show_state` leaves them until printers are found: built so, they are styled
        # once as they mount rather than again just before the dialog's first paint.
        label = Static("Copies", id="print-copies-label")
        copies = Input("1", restrict=r"[0-9]{0,2}", compact=True, id="print-copies", disabled=True)
        label.display = copies.display = bool(self.found)
        yield label
        yield copies
        yield Static("Looking for printers…", id="printer-state", classes="hint")

    def on_mount(self) -> None:
        # Asked once the dialog is painted: starting `lpstat` and its thread would slow that.
        self.call_after_refresh(self._look)

    @work(thread=True, exit_on_error=False, group="printers")
    def _look(self) -> None:
        try:
            found, problem = printers.list_printers(), ""
        except printers.PrinterProblem as error:
            found, problem = [], str(error)
        except Exception as error:  # never a crash: the file is always there
            found, problem = [], f"The printers could not be listed ({error}); save the file."
        self.post_message(self.PrintersFound(found, problem))

    def on_printer_choice_printers_found(self, message: PrintersFound) -> None:
        message.stop()
        self.found = message.found
        select = self.query_one("#print-to", Select)
        options = [(literal(printer.label), printer.name) for printer in self.found]
        select.set_options([*options, ("A file (below)", TO_FILE)])
        names = [printer.name for printer in self.found]
        defaults = [printer.name for printer in self.found if printer.is_default]
        if self.remembered in names:
            select.value = self.remembered
        elif defaults or names:
            select.value = (defaults or names)[0]
        else:
            select.value = TO_FILE
        state = self.query_one("#printer-state", Static)
        if message.problem:
            no_system = message.problem == printers.NO_PRINTING
            state.update(NO_SYSTEM if no_system else "Printers not answering: save a file.")
            state.tooltip = message.problem
        elif not self.found:
            state.update("No printer set up: save a file.")
        self._show_state()
        self.post_message(self.Changed(self))

    @on(Select.Changed, "#print-to")
    def _chosen(self, event: Select.Changed) -> None:
        event.stop()
        self._show_state()
        self.post_message(self.Changed(self))

    def _show_state(self) -> None:
        printer = self.printer
        self.query_one("#print-copies", Input).disabled = printer is None
        for part in ("#print-copies", "#print-copies-label"):  # room for the words beside
            self.query_one(part).display = bool(self.found)
        if printer is not None:
            self.query_one("#printer-state", Static).update(
                "ready" if printer.state == "ready" else literal(printer.state)
            )

    @property
    def printer(self) -> printers.Printer | None:
        """The printer chosen, or None for a file."""
        value = self.query_one("#print-to", Select).value
        for printer in self.found:
            if printer.name == value:
                return printer
        return None

    @property
    def copies(self) -> int | None:
        """The copies asked for (1 to 99), or None when what was typed is not that."""
        typed = self.query_one("#print-copies", Input).value.strip()
        return int(typed) if typed.isdigit() and 1 <= int(typed) <= 99 else None
