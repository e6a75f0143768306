"""Every printout, taken from the store: the one map from a kind of handout to its sheet, for
the print dialog and `voicesgroup print` alike.

`make(store, PrintRequest(...))` returns a `Printed`: the bytes (PDF, plain text or HTML),
what was left out and why, and a file name that gives nothing away. It writes nothing and
audits nothing: the caller writes the file (`outputs.write_output`) and only then calls
`record_printed`, so a print that never reached the disk is never audited as printed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from uuid import UUID

from voicesgroup import dates, library, printers
from voicesgroup.errors import NameToConfirm, NotFound, NothingToPrint, VoicesGroupError
from voicesgroup.models import Group, Member, SessionTemplate
from voicesgroup.names import confirmation_key
from voicesgroup.shipped import diary_layout, shipped_template
from voicesgroup.store import Store

Paper = Literal["a4", "letter"]
Output = Literal["pdf", "txt", "html"]


@dataclass(frozen=True)
class HandoutKind:
    """One kind of printout: its name in words, and what it needs."""

    key: str
    label: str
    needs_group: bool = False
    uses_group: bool = True
    """Whether a group can be chosen for it (a blank diary and a member's record have none)."""
    large_print: bool = True
    discreet: bool = False
    """Whether it has a discreet version that says nothing of what it is for."""
    shows_meeting: bool = False
    """Whether a discreet copy may still carry the meeting's day, time and venue on request."""
    two_sided: bool = True
    """Whether a printer prints it on both sides of the paper when it runs to two pages (a
    sheet to take home); the facilitators' papers are printed one side only."""


KINDS: dict[str, HandoutKind] = {
    kind.key: kind
    for kind in (
        HandoutKind("strategies", "Coping strategies sheet", discreet=True, shows_meeting=True),
        HandoutKind("agreement", "Group agreement", needs_group=True),
        HandoutKind("diary", "Blank diary", uses_group=False, discreet=True),
        HandoutKind(
            "session-plan", "Session plan", needs_group=True, large_print=False, two_sided=False
        ),
        HandoutKind("rota", "Facilitator rota", large_print=False, two_sided=False),
        HandoutKind("member-record", "A member's own record", uses_group=False),
    )
}
"""Every handout the app prints, by the key the command line and the dialog use."""


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
    reasons: bool = False
    today: dt.date | None = None


@dataclass(frozen=True)
class Printed:
    """A finished handout, not yet on disk."""

    data: bytes
    kind: str
    audit_detail: str
    file_name: str
    said: list[str] = field(default_factory=list)
    """What was left out and why, one sentence each, for the person printing."""


def member_names(store: Store) -> list[Member]:
    """Every member: none may appear on a handout meant for someone else."""
    return store.members()


def group_template(group: Group) -> SessionTemplate:
    """The group's own copy of the session template, else the shipped one for its kind."""
    return group.template or shipped_template(group.variant)


def _confirmed(store: Store) -> list[str]:
    return list(store.settings().words_not_names)


def _organisation(store: Store) -> str:
    return store.settings().organisation


# -- each kind ------------------------------------------------------------------------------


def _strategies(store: Store, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import strategies_sheet

    preview = library.sheet_preview(
        store,
        request.group,
        request.strategy_ids,
        discreet=request.discreet,
        favourites_only=request.favourites,
        show_meeting=request.show_meeting,
    )
    preview = library.require_checked(preview, skip_unchecked=request.skip_unchecked)
    if not preview.strategies:
        picked = len(preview.left_out)
        raise NothingToPrint(
            f"The discreet sheet was not made: all {picked} idea{'s' if picked != 1 else ''} "
            "chosen mention voices, hearing, paranoia or the group, so it would be empty. "
            "Pick ideas without those words."
            if request.discreet and picked
            else "The sheet was not made: there are no ideas to put on it."
        )
    data = strategies_sheet(
        preview.strategies,
        request.group,
        preview.contacts,
        large_print=request.large_print,
        discreet=request.discreet,
        show_meeting=request.show_meeting,
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=request.output,
    )
    detail = "coping strategies sheet" + (" (discreet)" if request.discreet else "")
    return data, detail, preview.left_out_sentences()


def _agreement(store: Store, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import agreement_sheet

    data = agreement_sheet(
        _need_group(request),
        large_print=request.large_print,
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=request.output,
    )
    return data, "group agreement", []


def _diary(store: Store | None, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import diary_sheet

    variant = "discreet" if request.discreet else request.diary
    title, columns = diary_layout(variant)
    data = diary_sheet(
        variant,
        columns=columns,
        title=title,
        paper=request.paper,
        large_print=request.large_print,
        output=request.output,
    )
    return data, "blank diary" + (" (discreet)" if request.discreet else ""), []


def _session_plan(store: Store, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import session_plan

    group = _need_group(request)
    data = session_plan(
        group,
        group_template(group),
        paper=request.paper,
        forbidden_names=member_names(store),
        organisation=_organisation(store),
        facilitators=[person.display_name for person in store.facilitators()],
        confirmed=_confirmed(store),
        output=request.output,
    )
    return data, "session plan", []


def _rota(store: Store, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import RotaRow, rota_table

    group = request.group
    since = request.since or request.today or dt.date.today()
    groups = {item.id: item.name for item in store.groups(include_archived=True)}
    people = {person.id: person.display_name for person in store.facilitators()}
    assignments = [item for item in store.rota(group.id if group else None) if item.date >= since]
    if not assignments:
        raise NotFound(
            f"There is nothing on the rota from {dates.date(since)}: plan one first, "
            "or give an earlier --from date."
        )
    days = [item.date for item in assignments]
    rows = [
        RotaRow(
            date=dates.day_in(item.date, days),
            group=groups.get(item.group_id, ""),
            lead=people.get(item.lead_id, "") if item.lead_id else "",
            co=people.get(item.co_id, "") if item.co_id else "",
            draft=item.status.value == "draft",
            reason=item.reason,
        )
        for item in assignments
    ]
    title = f"Facilitator rota: {group.name}" if group else "Facilitator rota"
    data = rota_table(
        rows,
        title=title,
        subtitle=f"From {dates.date(since)}",
        reasons=request.reasons,
        paper=request.paper,
        forbidden_names=member_names(store),
        facilitators=people.values(),
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        output=request.output,
    )
    return data, "facilitator rota", []


def _member_record(store: Store, request: PrintRequest) -> tuple[bytes, str, list[str]]:
    from voicesgroup.handouts import member_record

    member = request.member
    if member is None:
        raise VoicesGroupError("Choose the member whose record this is.")
    groups = {group.id: group.name for group in store.groups(include_archived=True)}
    attendance = [
        (session.date, groups.get(session.group_id, ""))
        for session in reversed(store.sessions())
        if member.id in session.named_member_ids
    ]
    strategies = [
        strategy
        for strategy in store.strategies(include_archived=True)
        if strategy.attributed_member_id == member.id
    ]
    data = member_record(
        member,
        store.consent_events(member.id),
        store.notes(member.id, include_restricted=True),
        attendance,
        strategies,
        store.contact_details(member.id, include_restricted=True),
        forbidden_names=[other for other in member_names(store) if other.id != member.id],
        paper=request.paper,
        large_print=request.large_print,
        organisation=_organisation(store),
        confirmed=_confirmed(store),
        today=request.today,
        output=request.output,
    )
    return data, "a member's own record", []


def _need_group(request: PrintRequest) -> Group:
    if request.group is None:
        raise VoicesGroupError(f"Choose a group: the {KINDS[request.kind].label.lower()} is "
                               "the group's own.")  # fmt: skip
    return request.group


_MAKERS: dict[str, Callable[[Store, PrintRequest], tuple[bytes, str, list[str]]]] = {
    "strategies": _strategies,
    "agreement": _agreement,
    "diary": _diary,
    "session-plan": _session_plan,
    "rota": _rota,
    "member-record": _member_record,
}


def make(store: Store, request: PrintRequest) -> Printed:
    """The handout asked for, made in memory: nothing is written and nothing audited.

    Raises a `VoicesGroupError` with one sentence when it cannot be made: a member's name
    on it (`NameInHandout`), a word that may be one (`NameToConfirm`: ask, then
    `remember_words`), support contacts not checked (`UncheckedContacts`), nothing to print.
    """
    if request.kind not in _MAKERS:
        raise VoicesGroupError(f"There is no handout called {request.kind!r}.")
    data, detail, said = _MAKERS[request.kind](store, request)
    return Printed(data, request.kind, detail, file_name(request), said)


def make_blank(request: PrintRequest) -> Printed:
    """A blank diary, which reads nothing from the data file, made without one."""
    if request.kind != "diary":
        raise ValueError(f"only a diary is made without a data file, not {request.kind!r}")
    data, detail, said = _diary(None, request)
    return Printed(data, request.kind, detail, file_name(request), said)


def to_printer(
    printed: Printed, printer: printers.Printer, *, copies: int = 1, just_checked: bool = False
) -> printers.Job:
    """Send a finished PDF handout straight to `printer`: nothing is written to disk. A
    two-page sheet to take home goes on both sides of one sheet of paper. The job carries
    the handout's file name, which never names a member or a group."""
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
    """Note in the audit log that a handout was printed (its kind only, never its content).
    Call it once the file is on disk, or the printer has taken it."""
    store.audit("printed", printed.audit_detail)


def remember_words(store: Store, error: NameToConfirm) -> None:
    """A person said each word `error` asked about is the word, not the member: remember it
    for that text (only a hash of the text and name is kept)."""
    settings = store.settings()
    keys = list(settings.words_not_names)
    for text, match in error.matches:
        key = confirmation_key(text, match.name)
        if key not in keys:
            keys.append(key)
    store.save_settings(settings.model_copy(update={"words_not_names": keys}))


def file_name(request: PrintRequest) -> str:
    """A file name for the handout that says what it is and when, and nothing more: never a
    group's or a member's name, and for a discreet sheet nothing about what it is for."""
    day = dates.iso(request.today or dt.date.today())
    extension = request.output
    if request.kind == "strategies":
        stem = "things-that-help" if request.discreet else "what-helps"
    elif request.kind == "diary":
        stem = "my-diary" if request.discreet else f"diary-{request.diary}"
    elif request.kind == "member-record":
        stem = "your-record"
    else:
        stem = request.kind.replace("_", "-")
    if request.large_print and KINDS[request.kind].large_print:
        stem += "-large-print"
    return f"{stem}-{day}.{extension}"


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
