"""What a kind of printout is, and what is asked of it: the shapes `voicesgroup.printing`
keeps its registry in (`HandoutKind`, with its command-line `Option`s, its lines in the print
dialog and its `Preview`), a `PrintRequest` and the `Printed` result.

Plain data only, so the registry is cheap to read (the command line reads it to offer each
kind); the kinds themselves are in `voicesgroup.printouts`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

if TYPE_CHECKING:
    from voicesgroup.evaluation import Report
    from voicesgroup.models import Group, Member
    from voicesgroup.store import Store

Paper = Literal["a4", "letter"]
Output = Literal["pdf", "txt", "html", "csv"]
"""What a printout can be made as; each kind says which it comes in (`HandoutKind.outputs`)."""


@dataclass(frozen=True)
class Option:
    """One command-line option of a kind of printout, read into one field of its request.

    `voicesgroup print KIND` is built from these: the flag, its help, and the
    `PrintRequest` field it fills (`field`). `read` turns what was typed into the field's
    value (a group's name into the group); it raises a `VoicesGroupError` with one sentence.
    """

    flag: str
    field: str
    help: str = ""
    switch: bool = False
    """A flag with no value: present is True."""
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    metavar: str | None = None
    repeat: bool = False
    """May be given more than once; `read` gets the list."""
    apart: str = ""
    """Options sharing this word may not be given together."""
    read: Callable[[Store | None, Any], object] | None = None
    parse: Callable[[str], object] | None = None
    """Turns the text into the value as the command line is read, needing no data file (a
    mistake is then a usage error); it raises `ValueError` with one sentence."""


@dataclass(frozen=True)
class Choice:
    """One line in the print dialog's list: a kind, and the settings that line stands for
    (the blank diary is two lines, one for each variant)."""

    key: str
    label: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview:
    """What a printout will carry, in words, before anything is made: pieces of text, some
    marked to stand out (what is missing, what is left out)."""

    pieces: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, *, strong: bool = False) -> None:
        self.pieces.append((text, strong))

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.pieces)


Made = tuple[bytes, str, list[str]]
"""A printout's bytes, its audit entry's detail, and what was left out (one sentence each)."""


@dataclass(frozen=True)
class HandoutKind:
    """One kind of printout: everything about it in one entry of `KINDS` — its name in
    words, what it needs and allows, how it is drawn (`draw`), its file name (`stem`), its
    command-line options, the print dialog's lines for it and its preview there."""

    key: str
    label: str
    draw: Callable[[Store | None, PrintRequest], Made]
    """Make it from the store (None only for a `blank` kind) and the request."""
    needs_group: bool = False
    uses_group: bool = True
    """Whether a group can be chosen for it (a blank diary and a member's record have none)."""
    needs_member: bool = False
    """Whether it is one member's own (the dialog asks for the member instead of a group)."""
    large_print: bool = True
    discreet: bool = False
    """Whether it has a discreet version that says nothing of what it is for."""
    shows_meeting: bool = False
    """Whether a discreet copy may still carry the meeting's day, time and venue on request."""
    two_sided: bool = True
    """Whether a printer prints it on both sides of the paper when it runs to two pages (a
    sheet to take home); the facilitators' papers are printed one side only."""
    blank: bool = False
    """Made without a data file (nothing from the laptop is on it)."""
    stem: Callable[[PrintRequest], str] | None = None
    """The file name before the date; the key when None. Never a group's or member's name."""
    options: tuple[Option, ...] = ()
    """Its own options on `voicesgroup print KEY`, beside those every printout has."""
    help: str = ""
    """What `voicesgroup print --help` says it is."""
    in_dialog: bool = True
    choices: tuple[Choice, ...] = ()
    """Its lines in the print dialog; one line with its label when empty."""
    preview: Callable[[Store, PrintRequest, Preview], None] | None = None
    """Adds what it will carry to the dialog's preview, after the line naming it."""
    outputs: tuple[Output, ...] = ("pdf", "txt", "html")
    """What it can be made as (the first is what the command line makes unless told)."""
    audit_action: str = "printed"
    """What the audit log calls making it (its detail says which, never its content)."""

    def dialog_choices(self) -> tuple[Choice, ...]:
        if not self.in_dialog:
            return ()
        return self.choices or (Choice(self.key, self.label, self.key),)


@dataclass(frozen=True)
class PrintRequest:
    """What to print and how. Options that do not apply to a kind are ignored."""

    kind: str
    group: Group | None = None
    member: Member | None = None
    strategy_ids: tuple[UUID, ...] = ()
    favourites: bool = False
    large_print: bool = False
    discreet: bool = False
    show_meeting: bool = False
    skip_unchecked: bool = False
    diary: Literal["voices", "beliefs"] = "voices"
    paper: Paper = "a4"
    output: Output = "pdf"
    since: dt.date | None = None
    """The first day: of the rota printed, of the period a report covers."""
    until: dt.date | None = None
    """The last day of the period a report covers."""
    reasons: bool = False
    compare_previous_year: bool = False
    report: Report | None = None
    """A report already worked out (the Reports screen shows one before it is saved)."""
    today: dt.date | None = None
    leave_out: tuple[str, ...] = ()
    """Characters no font here prints as typed that a person said to print without
    (`errors.CannotPrintCharacters` names them); any other is still refused."""


@dataclass(frozen=True)
class Printed:
    """A finished handout, not yet on disk."""

    data: bytes
    kind: str
    audit_detail: str
    file_name: str
    said: list[str] = field(default_factory=list)
    """What was left out and why, one sentence each, for the person printing."""
