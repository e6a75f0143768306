"""The one question before a printout leaves out characters no font here prints as typed
(`errors.CannotPrintCharacters`): nothing typed is dropped without it. The print dialog and
the Reports screen both ask it."""

from __future__ import annotations

from collections.abc import Callable

from screens.dialogs.confirm_dialog import ConfirmDialog
from voicesgroup.errors import CannotPrintCharacters


def leave_out_question(error: CannotPrintCharacters) -> ConfirmDialog:
    """The question for `error`: its sentence, and "Print without it/them" or Cancel (ready,
    since leaving out loses something)."""
    count = len(error.characters)
    return ConfirmDialog(
        f"Print without {error.naming(error.characters)}?",
        str(error).replace(" Nothing was saved.", ""),
        confirm="Print without them" if count > 1 else "Print without it",
    )


NOT_LEFT_OUT = (
    "Nothing printed: change the wording, or make a web page or plain text, which keep "
    "every character."
)
"""What is said when the person says no."""


def answered_with(
    error: CannotPrintCharacters,
    again: Callable[[tuple[str, ...]], None],
    refused: Callable[[], None],
) -> Callable[[bool | None], None]:
    """The callback for the question: yes makes it again without `error.characters`."""

    def answered(yes: bool | None) -> None:
        if yes:
            again(error.characters)
        else:
            refused()

    return answered
