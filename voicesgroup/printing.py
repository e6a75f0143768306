"""Every printout, taken from the store, by one route: the registry of kinds (`KINDS`) that
the print dialog, `voicesgroup print`, the team sheet and the evaluation's file name read.

`make(store, PrintRequest(...))` returns a `Printed`: the bytes (PDF, plain text or HTML),
what was left out and why, and a file name that gives nothing away. It writes nothing and
audits nothing: the caller writes the file (`outputs.write_output`) and only then calls
`record_printed`, so a print that never reached the disk is never audited as printed. Each
kind is described once (`voicesgroup.printouts`); the shapes are in `voicesgroup.print_kind`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup import dates
from voicesgroup.counting import counted
from voicesgroup.errors import VoicesGroupError
from voicesgroup.print_kind import (
    Choice,
    HandoutKind,
    Made,
    Option,
    Output,
    Paper,
    Preview,
    Printed,
    PrintRequest,
)
from voicesgroup.printouts import (
    BUILT_IN,
    CHOOSE_MEMBER,
    MEMBER,
    discreet_option,
    group_option,
    group_template,
    large_print_option,
    member_names,
)

if TYPE_CHECKING:
    from voicesgroup import printers
    from voicesgroup.errors import NameToConfirm
    from voicesgroup.store import Store

__all__ = [
    "CHOOSE_MEMBER",
    "KINDS",
    "MEMBER",
    "Choice",
    "HandoutKind",
    "Made",
    "Option",
    "Output",
    "Paper",
    "Preview",
    "PrintRequest",
    "Printed",
    "discreet_option",
    "group_option",
    "group_template",
    "large_print_option",
    "member_names",
]

KINDS: dict[str, HandoutKind] = {}
"""Every printout the app makes, by the key the command line and the dialog use: the one
place a kind of printout is looked up (see `register`)."""


def register(kind: HandoutKind) -> HandoutKind:
    """Add a kind of printout: from then on the print dialog lists it, `voicesgroup print`
    offers it, and it is made, named, previewed, read back and audited like every other."""
    if kind.key in KINDS:
        raise ValueError(f"A printout called {kind.key!r} is registered already")
    KINDS[kind.key] = kind
    return kind


for _built_in in BUILT_IN:
    register(_built_in)


def dialog_choices() -> dict[str, Choice]:
    """The print dialog's list, in the registry's order, by each line's key."""
    return {choice.key: choice for kind in KINDS.values() for choice in kind.dialog_choices()}


def describe(store: Store, request: PrintRequest, label: str) -> Preview:
    """Exactly what the printout asked for will carry, in words, before anything is made:
    `label` (the line chosen), the group, the paper, then what the kind itself will carry."""
    kind = KINDS[request.kind]
    preview = Preview()
    preview.add(label, strong=True)
    if kind.uses_group:
        group = request.group
        preview.add(f" for {group.name}" if group else " (no group)")
    paper = "Letter" if request.paper == "letter" else "A4"
    large = ", large print" if request.large_print and kind.large_print else ""
    preview.add(f", {paper}{large}")
    if kind.preview is not None:
        kind.preview(store, request, preview)
    return preview


def request_from(
    kind: str, values: dict[str, Any], store: Store | None, **common: Any
) -> PrintRequest:
    """The request the command line's options stand for: each of the kind's `options` read
    from `values` (by field), beside the options every printout has (`common`)."""
    request = PrintRequest(kind, **common)
    found: dict[str, Any] = {}
    for option in KINDS[kind].options:
        raw = values.get(option.field)
        if raw is None or (option.repeat and not raw):
            continue
        found[option.field] = option.read(store, raw) if option.read else raw
    return replace(request, **found)


def prepare(store: Store, request: PrintRequest) -> None:
    """What a printout needs of the open data file before a copy of it is made to print
    from: a member's own record carries its mark, so that `check` names the file once they
    are forgotten, and the mark needs the file's key (`forgetting.record_mark` keeps it)."""
    if request.kind == "member-record" and request.member is not None and not store.read_only:
        from voicesgroup.store import forgetting

        forgetting.record_mark(store, request.member.id)


def make(store: Store, request: PrintRequest) -> Printed:
    """The printout asked for, made in memory: nothing is written and nothing audited.

    Raises a `VoicesGroupError` with one sentence when it cannot be made: a member's name
    on it (`NameInHandout`), a word that may be one (`NameToConfirm`: ask, then
    `remember_words`), support contacts not checked (`UncheckedContacts`), characters no
    font prints as typed (`CannotPrintCharacters`: ask, then `leave_out`), nothing to print.
    """
    kind = _kind(request)
    if request.output not in kind.outputs:
        made_as = ", ".join(kind.outputs[:-1]) + f" or {kind.outputs[-1]}"
        raise VoicesGroupError(
            f"The {kind.label.lower()} comes as {made_as}, not {request.output}."
        )
    data, detail, said = _drawn(kind, store, request)
    return Printed(data, request.kind, detail, file_name(request), said)


def _drawn(kind: HandoutKind, store: Store | None, request: PrintRequest) -> Made:
    """`kind` drawn as `request` asks, without the characters a person said to leave out
    (and saying so); any other character no font prints as typed is refused."""
    from voicesgroup.handouts.layer import leaving_out

    with leaving_out(request.leave_out):
        data, detail, said = kind.draw(store, request)
    if request.leave_out:
        said = [*said, left_out_sentence(request.leave_out)]
    return data, detail, said


def left_out_sentence(characters: tuple[str, ...]) -> str:
    """What was left out, as asked, in words."""
    import unicodedata

    named = ", ".join(unicodedata.name(ch, f"U+{ord(ch):04X}").lower() for ch in characters)
    return f"Printed without {counted(len(characters), 'symbol')}, as asked: {named}."


def make_blank(request: PrintRequest) -> Printed:
    """A blank printout (a diary), which reads nothing from the data file, made without one."""
    kind = _kind(request)
    if not kind.blank:
        raise ValueError(f"Only a blank printout is made without a data file, not {kind.key!r}")
    data, detail, said = _drawn(kind, None, request)
    return Printed(data, request.kind, detail, file_name(request), said)


def _kind(request: PrintRequest) -> HandoutKind:
    if request.kind not in KINDS:
        raise VoicesGroupError(f"There is no handout called {request.kind!r}.")
    return KINDS[request.kind]


def to_printer(
    printed: Printed, printer: printers.Printer, *, copies: int = 1, just_checked: bool = False
) -> printers.Job:
    """Send a finished PDF handout straight to `printer`: nothing is written to disk. A
    two-page sheet to take home goes on both sides of one sheet of paper. The job carries
    the handout's file name, which never names a member or a group."""
    from voicesgroup import printers

    if not printed.data.startswith(b"%PDF"):
        raise printers.PrinterProblem("Only a PDF goes to a printer: choose PDF and try again.")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", printed.data))
    return printers.send(
        printed.data,
        printer,
        title=printed.file_name.rsplit(".", 1)[0],
        copies=copies,
        two_sided=KINDS[printed.kind].two_sided and pages > 1,
        just_checked=just_checked,
    )


def record_printed(store: Store, printed: Printed) -> None:
    """Note in the audit log that a printout was made (its kind only, never its content).
    Call it once the file is on disk, or the printer has taken it."""
    store.audit(_kind_of(printed).audit_action, printed.audit_detail)


def _kind_of(printed: Printed) -> HandoutKind:
    return KINDS[printed.kind]


def remember_words(store: Store, error: NameToConfirm) -> None:
    """A person said each word `error` asked about is the word, not the member: remember it
    for that text (only a hash of the text and name is kept)."""
    from voicesgroup.names import confirmation_key
    from voicesgroup.store.forgetting import remember_words as remember

    remember(store, (confirmation_key(text, match.name) for text, match in error.matches))


def file_name(request: PrintRequest) -> str:
    """A file name for the printout that says what it is and when, and nothing more: never a
    group's or a member's name, and for a discreet sheet nothing about what it is for."""
    kind = _kind(request)
    day = dates.iso(request.today or dt.date.today())
    stem = kind.stem(request) if kind.stem is not None else kind.key
    if request.large_print and kind.large_print:
        stem += "-large-print"
    return f"{stem}-{day}.{request.output}"


def print_folder(store: Store) -> Path | None:
    """The folder printouts go to, chosen once and remembered; None until it is chosen."""
    folder = store.settings().print_folder
    return Path(folder).expanduser() if folder else None


def remember_print_folder(store: Store, folder: Path) -> None:
    """Remember `folder` as where printouts go from now on."""
    settings = store.settings()
    if settings.print_folder != str(folder):
        store.save_settings(settings.model_copy(update={"print_folder": str(folder)}))


def default_path(store: Store, request: PrintRequest) -> Path:
    """Where a printout goes unless a person says otherwise: the chosen folder (the home
    folder until one is chosen), with `file_name`."""
    return (print_folder(store) or Path.home()) / file_name(request)
