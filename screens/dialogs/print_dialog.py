"""Print a handout: see exactly what will be on it, choose the options, save the PDF, print it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from uuid import UUID

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from screens.widgets.tick_marks import show_tick, show_ticks
from voicesgroup import library, printing
from voicesgroup.errors import VoicesGroupError
from voicesgroup.handouts import write_pdf
from voicesgroup.models import Group
from voicesgroup.store import Store

KINDS = {
    "strategies": "Coping strategies sheet",
    "agreement": "Group agreement",
    "session-plan": "Session plan",
    "diary-voices": "Blank diary: voices",
    "diary-beliefs": "Blank diary: beliefs and paranoia",
}
NEEDS_GROUP = {"agreement", "session-plan"}
NO_GROUP = ""
PRINT_COMMAND = "lp"
PRINT_SECONDS = 60


class PrintDialog(ModalScreen[None]):
    """Choose a handout and its options; the dialog lists what it will carry before printing."""

    HELP_TITLE = "Print a handout"
    HELP = (
        "Choose what to print, for which group, and how. 'What will be printed' lists "
        "everything the handout will carry before anything is made; a discreet sheet says "
        "which strategies it leaves out and why. Ctrl+S saves the PDF (and sends it to the "
        "printer when that box is ticked); Escape closes."
    )
    BINDINGS = [
        Binding("ctrl+s", "print", "Print", id="print-handout", tooltip="Save the PDF and print"),
        Binding("escape", "close", "Close", id="close-print"),
    ]

    @dataclass
    class HandoutSaved(Message):
        """The PDF is on disk (and, when asked, was handed to the printer)."""

        path: Path
        sent: bool
        printer_problem: str = ""

    @dataclass
    class HandoutFailed(Message):
        """Nothing could be saved; `reason` is one sentence for the person printing."""

        reason: str

    def __init__(
        self, group_id: UUID | None = None, strategy_ids: list[UUID] | None = None
    ) -> None:
        super().__init__()
        self.group_id = group_id
        self.strategy_ids = tuple(strategy_ids or ())
        self._default_path = ""
        self._busy = False
        self.printer = shutil.which(PRINT_COMMAND)

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        groups = self.app.store.groups()
        group_ids = [str(group.id) for group in groups]
        chosen = str(self.group_id) if str(self.group_id) in group_ids else NO_GROUP
        if not chosen and groups and not self.strategy_ids:
            chosen = group_ids[0]
        with Vertical(classes="dialog", id="print-dialog"):
            yield Static("Print a handout", classes="section-title")
            with Horizontal(classes="print-row"):
                yield Static("What", classes="print-label")
                yield Select(
                    [(label, kind) for kind, label in KINDS.items()],
                    value="strategies",
                    allow_blank=False,
                    compact=True,
                    id="print-kind",
                )
                yield Static("Group", classes="print-label print-label-2")
                yield Select(
                    [("No group", NO_GROUP)] + [(group.name, str(group.id)) for group in groups],
                    value=chosen,
                    allow_blank=False,
                    compact=True,
                    id="print-group",
                )
            with Horizontal(classes="print-row"):
                yield Static("Paper", classes="print-label")
                yield Select(
                    [("A4", "a4"), ("Letter", "letter")],
                    value="a4",
                    allow_blank=False,
                    compact=True,
                    id="print-paper",
                )
                yield Checkbox("Large print", compact=True, id="print-large")
                yield Checkbox("Discreet", compact=True, id="print-discreet")
            with Horizontal(classes="print-row"):
                yield Static("Save as", classes="print-label")
                yield Input(compact=True, id="print-path")
            with Horizontal(classes="print-row"):
                yield Static("", classes="print-label")
                yield Checkbox(
                    "Send to the printer",
                    value=self.printer is not None,
                    disabled=self.printer is None,
                    compact=True,
                    id="print-send",
                )
                yield Static(
                    "" if self.printer else "No printer (lp) found: PDF only.",
                    id="print-no-printer",
                    classes="hint",
                )
            yield Static("What will be printed", classes="section-title", id="print-preview-title")
            with VerticalScroll(id="print-preview-box"):
                yield Static("", id="print-preview")
            yield Static("", id="print-message")
            with Horizontal(classes="buttons"):
                yield Button("Print", id="print", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        show_ticks(self)
        self._update()
        self.query_one("#print-kind", Select).focus()

    # -- reading the choices ---------------------------------------------------------------

    @property
    def kind(self) -> str:
        value = self.query_one("#print-kind", Select).value
        return value if isinstance(value, str) else "strategies"

    @property
    def group(self) -> Group | None:
        """The group chosen in the dialog, if any."""
        value = self.query_one("#print-group", Select).value
        if not isinstance(value, str) or not value:
            return None
        return self.app.store.group(UUID(value))

    def default_path(self) -> str:
        """Where the PDF goes unless the person says otherwise: the home folder, dated."""
        return f"~/voicesgroup-{self.kind}-{self.app.today().isoformat()}.pdf"

    # -- keeping the preview true -----------------------------------------------------------

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self, event: Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        if isinstance(event, Checkbox.Changed):
            show_tick(event.checkbox)
        self._update()

    def _update(self) -> None:
        kind = self.kind
        path_input = self.query_one("#print-path", Input)
        if path_input.value in ("", self._default_path):
            self._default_path = self.default_path()
            path_input.value = self._default_path
        discreet = self.query_one("#print-discreet", Checkbox)
        discreet.disabled = kind != "strategies"
        if discreet.disabled and discreet.value:
            discreet.value = False
        self.query_one("#print-large", Checkbox).disabled = kind == "session-plan"
        self.query_one("#print-group", Select).disabled = kind.startswith("diary")
        send = self.printer is not None and self.query_one("#print-send", Checkbox).value
        self.query_one("#print", Button).label = "Print" if send else "Save PDF"
        self.query_one("#print-preview", Static).update(self.preview())

    def preview(self) -> Text:
        """Exactly what the handout will carry, in words, before anything is printed."""
        kind = self.kind
        group = self.group
        paper = "Letter" if self.query_one("#print-paper", Select).value == "letter" else "A4"
        large = self.query_one("#print-large", Checkbox).value and kind != "session-plan"
        text = Text()
        text.append(KINDS[kind], style="bold")
        if kind in NEEDS_GROUP or kind == "strategies":
            text.append(f" for {group.name}" if group else " (no group)")
        text.append(f", {paper}{', large print' if large else ''}")
        if kind == "strategies":
            self._preview_strategies(text, group)
        elif kind == "agreement":
            _preview_agreement(text, group)
        elif kind == "session-plan":
            _preview_plan(text, group)
        else:
            text.append(
                "\nA blank diary with columns to fill in. Nothing from this laptop is on it."
            )
        return text

    def _preview_strategies(self, text: Text, group: Group | None) -> None:
        discreet = self.query_one("#print-discreet", Checkbox).value
        try:
            sheet = library.sheet_preview(
                self.app.store, group, self.strategy_ids, discreet=discreet
            )
        except VoicesGroupError as error:
            text.append(f"\n! {error}", style="bold")
            return
        if discreet:
            text.append(
                "\nDiscreet: titled “Things that help”; nothing on it says voices, hearing "
                "or paranoia, or gives the group's name or venue."
            )
        count = len(sheet.strategies)
        if sheet.chosen_by_hand:
            picked = count + len(sheet.left_out)
            text.append(f"\n{picked} picked strateg{'y' if picked == 1 else 'ies'}")
            text.append(f", {count} on this discreet sheet:" if sheet.left_out else ":")
        else:
            whose = f"{group.name}'s" if group else "the library's"
            text.append(
                f"\nNone picked, so {whose} favourites ({count}). "
                "Pick strategies in the library with Space to choose them."
            )
        for strategy in sheet.strategies:
            text.append(f"\n  • {strategy.title}")
        if not sheet.strategies:
            text.append("\n  (none: the sheet says so and leaves space to write)")
        if sheet.left_out:
            text.append(
                f"\nLeft out of the discreet sheet ({len(sheet.left_out)}), because a discreet "
                "sheet never carries these words:",
                style="bold",
            )
            for left in sheet.left_out:
                text.append(f"\n  – {left.title} (says “{left.because_of}”)")
        text.append("\nSpace for the member's own ideas, and what doesn't help.")
        names = ", ".join(contact.name for contact in sheet.contacts) or "none"
        text.append(f"\nSupport contacts: {names}.")
        if sheet.contacts_left_out:
            left = ", ".join(c.title for c in sheet.contacts_left_out)
            text.append(f"\nContacts left out for discretion: {left}.")

    # -- printing --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    @on(Button.Pressed, "#print")
    def _print_pressed(self) -> None:
        self.action_print()

    @on(Input.Submitted, "#print-path")
    def _path_submitted(self) -> None:
        self.action_print()

    def action_print(self) -> None:
        """Check the choices, then make the PDF (and print it) in a worker thread."""
        if self._busy:
            return
        kind = self.kind
        group = self.group
        raw_path = self.query_one("#print-path", Input).value.strip()
        if not raw_path:
            self._say("! Say where to save the PDF (a file name ending in .pdf).", error=True)
            return
        if kind in NEEDS_GROUP and group is None:
            self._say(f"! Choose a group: a {KINDS[kind].lower()} is for one group.", error=True)
            return
        path = Path(raw_path).expanduser()
        if path.is_dir():
            path = path / Path(self.default_path()).name
        render = partial(
            _render,
            self.app.store,
            kind,
            group,
            self.strategy_ids,
            large_print=self.query_one("#print-large", Checkbox).value,
            discreet=self.query_one("#print-discreet", Checkbox).value,
            paper="letter" if self.query_one("#print-paper", Select).value == "letter" else "a4",
        )
        send = self.printer is not None and self.query_one("#print-send", Checkbox).value
        self._busy = True
        self.query_one("#print", Button).disabled = True
        self._say("Making the PDF…")
        self._make_handout(render, path, send)

    @work(thread=True, exit_on_error=False, exclusive=True, group="print")
    def _make_handout(self, render: Callable[[], bytes], path: Path, send: bool) -> None:
        try:
            path = write_pdf(path, render())
        except (VoicesGroupError, OSError, ValueError) as error:
            self.post_message(self.HandoutFailed(str(error)))
            return
        except Exception as error:  # never a crash in the room: say what happened instead
            self.post_message(self.HandoutFailed(f"The PDF could not be made: {error}"))
            return
        if not send:
            self.post_message(self.HandoutSaved(path, sent=False))
            return
        try:
            subprocess.run(
                [PRINT_COMMAND, str(path)],
                check=True,
                capture_output=True,
                text=True,
                timeout=PRINT_SECONDS,
            )
        except subprocess.CalledProcessError as error:
            why = (error.stderr or "").strip() or f"lp stopped with code {error.returncode}"
            self.post_message(self.HandoutSaved(path, sent=False, printer_problem=why))
        except (OSError, subprocess.SubprocessError) as error:
            self.post_message(self.HandoutSaved(path, sent=False, printer_problem=str(error)))
        else:
            self.post_message(self.HandoutSaved(path, sent=True))

    def on_print_dialog_handout_saved(self, message: HandoutSaved) -> None:
        self.app.changed()  # the audit log notes the print
        self._busy = False
        self.query_one("#print", Button).disabled = False
        if message.printer_problem:
            self._say(
                f"Saved to {message.path}, but the printer did not take it: "
                f"{message.printer_problem}",
                error=True,
            )
        elif message.sent:
            self._say(f"✓ Sent to the printer. The PDF is at {message.path}")
        else:
            self._say(f"✓ Saved. The PDF is at {message.path}")

    def on_print_dialog_handout_failed(self, message: HandoutFailed) -> None:
        self._busy = False
        self.query_one("#print", Button).disabled = False
        self._say(f"! Nothing printed. {message.reason}", error=True)

    def _say(self, words: str, *, error: bool = False) -> None:
        message = self.query_one("#print-message", Static)
        message.update(Text(words))
        message.set_class(error, "-error")
        message.set_class(bool(words), "-shown")


def _render(
    store: Store,
    kind: str,
    group: Group | None,
    strategy_ids: Sequence[UUID],
    *,
    large_print: bool,
    discreet: bool,
    paper: printing.Paper,
) -> bytes:
    """The PDF's bytes for one handout, through `voicesgroup.printing` (runs in the worker)."""
    if kind == "strategies":
        return printing.strategies_pdf(
            store,
            group,
            strategy_ids=strategy_ids,
            large_print=large_print,
            discreet=discreet,
            paper=paper,
        )
    if kind.startswith("diary-"):
        diary = "beliefs" if kind == "diary-beliefs" else "voices"
        return printing.diary_pdf(diary, large_print=large_print, paper=paper)
    if group is None:
        raise VoicesGroupError("Choose a group first.")
    if kind == "agreement":
        return printing.agreement_pdf(store, group, large_print=large_print, paper=paper)
    return printing.session_plan_pdf(store, group, paper=paper)


def _preview_agreement(text: Text, group: Group | None) -> None:
    if group is None:
        text.append("\n! Choose a group: the agreement is the group's own.", style="bold")
        return
    agreement = group.agreement
    if agreement is None:
        text.append(f"\n! {group.name} has no agreement yet: there is nothing to print.")
        return
    text.append(
        f"\nVersion {agreement.version}, agreed {agreement.agreed_on:%d %b %Y}, to review "
        f"{agreement.review_on:%d %b %Y}: {len(agreement.points)} points and "
        f"{len(agreement.confidentiality)} limits of confidentiality."
    )


def _preview_plan(text: Text, group: Group | None) -> None:
    if group is None:
        text.append("\n! Choose a group: the plan follows the group's own session.", style="bold")
        return
    template = printing.group_template(group)
    text.append(
        f"\n{template.name}: {len(template.phases)} parts, {template.total_minutes} minutes, "
        "with each part's prompts and the group agreement to read out."
    )
    for phase in template.phases:
        text.append(f"\n  • {phase.title} ({phase.minutes} min)")
