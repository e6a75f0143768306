"""One text changed on two laptops at once: both versions side by side, and a choice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from screens.access import AppAccess
from screens.widgets.keys_footer import KeysFooter
from voicesgroup.errors import VoicesGroupError, invalid_input
from voicesgroup.exchange import conflicts


class ConflictScreen(AppAccess, Screen[None]):
    """Choose version 1, version 2, or keep both one after the other."""

    HELP_TITLE = "Settling a conflict"
    HELP = (
        "This text was changed on two laptops before either had seen the other's change, so "
        "both versions were kept. 1 keeps version 1, 2 keeps version 2, e opens both, one "
        "after the other, to write them into one. The version not kept is removed here, and "
        "from the other laptops at their next exchange. Escape goes back and keeps both "
        "versions for now."
    )
    BINDINGS = [
        Binding("1", "keep('shown')", "Keep version 1", id="keep-first"),
        Binding("2", "keep('other')", "Keep version 2", id="keep-second"),
        Binding("e", "write_one", "Write one from both", id="keep-both"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, conflict: conflicts.Conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        conflict = self.conflict
        yield Header()
        with VerticalScroll(id="conflict"):
            yield Static(conflict.what, classes="section-title", markup=False)
            with Horizontal(id="conflict-sides"):
                for side in conflicts.SIDES:
                    title = conflict.title(side)
                    texts = conflict.shown if side == "shown" else conflict.other
                    with VerticalScroll(classes="conflict-side", id=f"conflict-{side}"):
                        yield Static(title, classes="conflict-side-title")
                        if not texts:
                            yield Static("(removed on this laptop since)", classes="hint")
                        for field in conflict.fields:
                            if texts.get(field):
                                yield Static(conflict.label(field), classes="conflict-label")
                                yield Static(texts[field], markup=False)
            yield Static("", id="conflict-message", markup=False)
        yield KeysFooter(show_command_palette=False)

    def action_write_one(self) -> None:
        from screens.conflict_edit_screen import ConflictEditScreen

        def written(kept: bool | None) -> None:
            if kept:
                self.dismiss()

        self.app.push_screen(ConflictEditScreen(self.conflict, self._texts("both")), written)

    def _texts(self, choice: str) -> dict[str, str]:
        shown, other = self.conflict.shown, self.conflict.other
        if choice == "shown" and shown:
            return shown
        if choice in ("shown", "other"):
            return other
        both: dict[str, str] = {}
        for field in self.conflict.fields:
            first, second = shown.get(field, ""), other.get(field, "")
            joiner = " / " if field == "title" else "\n\n"  # a title stays on one line
            both[field] = first if second in ("", first) else f"{first}{joiner}{second}".strip()
        return both

    def action_keep(self, choice: str) -> None:
        from screens.dialogs.confirm_dialog import ConfirmDialog

        question = {
            "shown": "Keep version 1? Version 2 is removed.",
            "other": "Keep version 2? Version 1 is replaced by it.",
        }[choice]

        def answered(yes: bool | None) -> None:
            if yes:
                self._keep(choice)

        self.app.push_screen(
            ConfirmDialog(
                "Settle this conflict",
                f"{question} The other laptops follow at their next exchange.",
                confirm="Keep",
            ),
            answered,
        )

    def _keep(self, choice: str) -> None:
        message = self.query_one("#conflict-message", Static)
        try:
            said = conflicts.resolve(self.store, self.conflict.copy_id, self._texts(choice))
        except VoicesGroupError as error:
            message.update(str(error))
            return
        except ValueError as error:
            refused = invalid_input(error)
            if refused is None:
                raise
            message.update(f"That cannot be kept as it is: {refused}")
            return
        self.vg.changed((said, "Settled"))
        self.vg.exchange_soon()  # the choice travels to the other laptops
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
