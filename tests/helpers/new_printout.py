"""A kind of printout added the way the README's "How to add… a handout" says: its drawing and
one `HandoutKind` given to `printing.register`, and nothing else. The tests that walk it
(`tests/core/test_printout_registry.py`, `tests/screens/test_print_dialog.py`) check that the
dialog, the command line, the file name, the read-back and the audit then take it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from voicesgroup import printing
from voicesgroup.handouts import Handout
from voicesgroup.printing import HandoutKind, Made, Preview, PrintRequest

if TYPE_CHECKING:
    from voicesgroup.store import Store

KEY = "kindness-card"
WORDS = "Be gentle with yourself today."


def _draw(store: Store | None, request: PrintRequest) -> Made:
    card = Handout(
        kind="kindness card",
        title="A kindness card",
        paper=request.paper,
        large_print=request.large_print,
        forbidden_names=printing.member_names(store) if store is not None else (),
    )
    card.para(WORDS)
    if request.group is not None:
        card.para(f"From {request.group.name}.")
    # The kind comes in the registry's usual formats: printing refuses a CSV before drawing.
    assert request.output != "csv", "printing asked a handout for a CSV"
    return card.to_bytes(request.output), "kindness card", []


def _preview(store: Store, request: PrintRequest, preview: Preview) -> None:
    preview.add(f"\nOne sentence to keep: {WORDS}")


CARD = HandoutKind(
    KEY,
    "Kindness card",
    _draw,
    stem=lambda request: "kind-words",
    help="a card with one kind sentence on it",
    preview=_preview,
    options=(
        printing.group_option("the group it comes from", required=False),
        printing.large_print_option(),
    ),
)


def add_kindness_card(monkeypatch: pytest.MonkeyPatch) -> HandoutKind:
    """Register the card for one test; the registry is as it was afterwards."""
    monkeypatch.setattr(printing, "KINDS", dict(printing.KINDS))
    return printing.register(CARD)
