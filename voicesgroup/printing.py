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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from voicesgroup import dates
from voicesgroup.errors import NotFound, NothingToPrint, VoicesGroupError

if TYPE_CHECKING:  # the registry is read to build the command line: it stays cheap to import
    from voicesgroup import library, printers
    from voicesgroup.errors import NameToConfirm
    from voicesgroup.models import Group, Member, SessionTemplate
    from voicesgroup.store import Store

Paper = Literal["a4", "letter"]
Output = Literal["pdf", "txt", "html"]


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
    from voicesgroup.shipped import shipped_template

    return group.template or shipped_template(group.variant)


def _confirmed(store: Store) -> list[str]:
    return list(store.settings().words_not_names)


def _organisation(store: Store) -> str:
    return store.settings().organisation


# -- each kind ------------------------------------------------------------------------------


def _strategies(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
    from voicesgroup import library
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


def _agreement(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
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


def _diary(store: Store | None, request: PrintRequest) -> Made:
    from voicesgroup.handouts import diary_sheet

    variant = "discreet" if request.discreet else request.diary
    from voicesgroup.shipped import diary_layout

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


def _session_plan(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
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


def _rota(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
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
    days = dates.days_in(item.date for item in assignments)
    rows = [
        RotaRow(
            date=day,
            group=groups.get(item.group_id, ""),
            lead=people.get(item.lead_id, "") if item.lead_id else "",
            co=people.get(item.co_id, "") if item.co_id else "",
            draft=item.status.value == "draft",
            reason=item.reason,
        )
        for item, day in zip(assignments, days, strict=True)
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


def _member_record(store: Store | None, request: PrintRequest) -> Made:
    store = _need_store(store)
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


def _team_sheet(store: Store | None, request: PrintRequest) -> Made:
    from voicesgroup.team_sheet import team_sheet

    sheet = team_sheet(_need_store(store), request.today or dt.date.today(), paper=request.paper)
    return sheet.to_bytes(request.output), "team sheet", []


def _need_store(store: Store | None) -> Store:
    if store is None:
        raise ValueError("only a blank printout is made without a data file")
    return store


# -- what each will carry, for the print dialog -----------------------------------------------


def _preview_strategies(store: Store, request: PrintRequest, preview: Preview) -> None:
    from voicesgroup import library

    group = request.group
    try:
        sheet = library.sheet_preview(
            store,
            group,
            request.strategy_ids,
            discreet=request.discreet,
            favourites_only=request.favourites,
            show_meeting=request.show_meeting,
        )
    except VoicesGroupError as error:
        preview.add(f"\n! {error}", strong=True)
        return
    if request.discreet:
        preview.add(
            "\nDiscreet: titled “Things that help”; nothing on it says voices, hearing "
            "or paranoia, or gives the group's name; contacts in neutral words."
        )
    count = len(sheet.strategies)
    if sheet.chosen_by_hand:
        picked = count + len(sheet.left_out)
        preview.add(f"\n{picked} picked strateg{'y' if picked == 1 else 'ies'}")
        preview.add(f", {count} on this discreet sheet:" if sheet.left_out else ":")
    else:
        kind = f"{group.name}'s kind of group" if group else "any group"
        preview.add(
            f"\nNone picked, so {count} ideas chosen for {kind}. "
            "Pick strategies in the library with Space to choose them."
        )
    for strategy in sheet.strategies:
        preview.add(f"\n  • {strategy.title}")
    if not sheet.strategies:
        preview.add("\n  ! none: there is nothing to print", strong=True)
    _preview_left_out(sheet, preview)


def _preview_left_out(sheet: library.SheetPreview, preview: Preview) -> None:
    if sheet.left_out:
        preview.add(
            f"\nLeft out of the discreet sheet ({len(sheet.left_out)}), because a discreet "
            "sheet never carries these words:",
            strong=True,
        )
        for left in sheet.left_out:
            preview.add(f"\n  – {left.title} (says “{left.because_of}”)")
    preview.add("\nSpace for the member's own ideas.")
    names = ", ".join(contact.name for contact in sheet.contacts) or "none"
    preview.add(f"\nSupport contacts: {names}.")
    if sheet.contacts_left_out:
        dropped = "; ".join(f"{c.title} ({c.because_of})" for c in sheet.contacts_left_out)
        preview.add(f"\nContacts left out: {dropped}.")
    if sheet.unchecked:
        unchecked = ", ".join(contact.name for contact in sheet.unchecked)
        preview.add(
            f"\n! Not checked yet: {unchecked}. Printing asks you to check them first.",
            strong=True,
        )
    if sheet.meeting_left_out:
        preview.add("\nThe day, time and venue are left out (tick Show meeting to add them).")


def _preview_agreement(store: Store, request: PrintRequest, preview: Preview) -> None:
    group = request.group
    if group is None:
        preview.add("\n! Choose a group: the agreement is the group's own.", strong=True)
        return
    agreement = group.agreement
    if agreement is None:
        preview.add(f"\n! {group.name} has no agreement yet: there is nothing to print.")
        return
    preview.add(
        f"\nVersion {agreement.version}, agreed {dates.date(agreement.agreed_on)}, to review "
        f"{dates.date(agreement.review_on)}: {len(agreement.points)} points and "
        f"{len(agreement.confidentiality)} limits of confidentiality."
    )


def _preview_diary(store: Store, request: PrintRequest, preview: Preview) -> None:
    preview.add("\nA blank diary with columns to fill in. Nothing from this laptop is on it.")


def _preview_plan(store: Store, request: PrintRequest, preview: Preview) -> None:
    group = request.group
    if group is None:
        preview.add("\n! Choose a group: the plan follows the group's own session.", strong=True)
        return
    template = group_template(group)
    preview.add(
        f"\n{template.name}: {len(template.phases)} parts, {template.total_minutes} minutes, "
        "with each part's prompts and the group agreement to read out."
    )
    for phase in template.phases:
        preview.add(f"\n  • {phase.title} ({phase.minutes} min)")


CHOOSE_MEMBER = "Choose the member whose own record this is."


def _preview_record(store: Store, request: PrintRequest, preview: Preview) -> None:
    member = request.member
    if member is None:
        preview.add(f"\n! {CHOOSE_MEMBER}", strong=True)
        return
    preview.add(
        f"\nEverything kept about {member.display_name}, for them to keep: consents and "
        "their history, notes (restricted ones too), named attendance, strategies, contact "
        "details. Give it to them and no one else. The file name and the printer's queue "
        "never carry their name."
    )


# -- the command line's options -----------------------------------------------------------------


def _find_group(store: Store | None, name: str) -> Group:
    return _need_store(store).find_group(name)


def _find_member(store: Store | None, name: str) -> Member:
    return _need_store(store).find_member(name)


def _strategy_ids(store: Store | None, raw: list[str]) -> tuple[UUID, ...]:
    ids = []
    for text in raw:
        try:
            ids.append(UUID(text))
        except ValueError:
            raise VoicesGroupError(
                f"{text!r} is not a strategy id (see the library screen)"
            ) from None
    return tuple(ids)


def _since(store: Store | None, raw: str) -> dt.date:
    return dates.read_day(raw, "--from date", error=VoicesGroupError)


def group_option(help: str = "the group's name", *, required: bool = True) -> Option:
    """`--group NAME`: the group it is for."""
    return Option("--group", "group", help, required=required, read=_find_group)


def large_print_option(help: str = "") -> Option:
    """`--large-print`, for a kind that allows it (`HandoutKind.large_print`)."""
    return Option("--large-print", "large_print", help, switch=True)


def discreet_option(help: str) -> Option:
    """`--discreet`, for a kind that has a discreet version (`HandoutKind.discreet`)."""
    return Option("--discreet", "discreet", help, switch=True)


MEMBER = Option(
    "--member",
    "member",
    "the member whose record it is (a name, or the id when two share a name)",
    required=True,
    read=_find_member,
)


def _strategies_stem(request: PrintRequest) -> str:
    return "things-that-help" if request.discreet else "what-helps"


def _diary_stem(request: PrintRequest) -> str:
    return "my-diary" if request.discreet else f"diary-{request.diary}"


# -- the registry --------------------------------------------------------------------------------

KINDS: dict[str, HandoutKind] = {}
"""Every printout the app makes, by the key the command line and the dialog use: the one
place a kind of printout is described (see `register`)."""


def register(kind: HandoutKind) -> HandoutKind:
    """Add a kind of printout: from then on the print dialog lists it, `voicesgroup print`
    offers it, and it is made, named, previewed, read back and audited like every other."""
    if kind.key in KINDS:
        raise ValueError(f"a printout called {kind.key!r} is registered already")
    KINDS[kind.key] = kind
    return kind


for _built_in in (
    HandoutKind(
        "strategies",
        "Coping strategies sheet",
        _strategies,
        discreet=True,
        shows_meeting=True,
        stem=_strategies_stem,
        help="a coping strategies sheet to take home",
        preview=_preview_strategies,
        options=(
            group_option(),
            Option(
                "--favourites",
                "favourites",
                "the ideas the group marked as helping most",
                switch=True,
                apart="chosen",
            ),
            Option(
                "--strategy",
                "strategy_ids",
                "a strategy's id",
                metavar="ID",
                repeat=True,
                apart="chosen",
                read=_strategy_ids,
            ),
            large_print_option("body text 16 pt or more"),
            discreet_option('no "voices", "paranoia" or group name on it'),
            Option(
                "--show-meeting",
                "show_meeting",
                "on a discreet sheet, print the day, time and venue too (left out otherwise)",
                switch=True,
            ),
            Option(
                "--skip-unchecked",
                "skip_unchecked",
                "leave off support contacts nobody has checked yet (otherwise printing stops)",
                switch=True,
            ),
        ),
    ),
    HandoutKind(
        "agreement",
        "Group agreement",
        _agreement,
        needs_group=True,
        help="the group agreement",
        preview=_preview_agreement,
        options=(group_option(), large_print_option()),
    ),
    HandoutKind(
        "session-plan",
        "Session plan",
        _session_plan,
        needs_group=True,
        large_print=False,
        two_sided=False,
        help="the group's session plan, for facilitators",
        preview=_preview_plan,
        options=(group_option(),),
    ),
    HandoutKind(
        "diary",
        "Blank diary",
        _diary,
        uses_group=False,
        discreet=True,
        blank=True,
        stem=_diary_stem,
        help="a blank experience diary",
        preview=_preview_diary,
        choices=(
            Choice("diary-voices", "Blank diary: voices", "diary", {"diary": "voices"}),
            Choice(
                "diary-beliefs",
                "Blank diary: beliefs and paranoia",
                "diary",
                {"diary": "beliefs"},
            ),
        ),
        options=(
            Option("--variant", "diary", choices=("voices", "beliefs"), default="voices"),
            large_print_option(),
            discreet_option("nothing says what it is for"),
        ),
    ),
    HandoutKind(
        "rota",
        "Facilitator rota",
        _rota,
        large_print=False,
        two_sided=False,
        in_dialog=False,
        help="the facilitator rota as a compact landscape table",
        options=(
            group_option("one group (default: all)", required=False),
            Option(
                "--from",
                "since",
                "first date to print (default: today)",
                metavar="YYYY-MM-DD",
                read=_since,
            ),
            Option("--reasons", "reasons", "add why each pair was chosen", switch=True),
        ),
    ),
    HandoutKind(
        "member-record",
        "A member's own record",
        _member_record,
        uses_group=False,
        needs_member=True,
        stem=lambda request: "your-record",
        help="everything held about one member, for them",
        preview=_preview_record,
        options=(MEMBER, large_print_option()),
    ),
    HandoutKind(
        "team-sheet",
        "Facilitators' team sheet",
        _team_sheet,
        uses_group=False,
        large_print=False,
        two_sided=False,
        in_dialog=False,
        help="the facilitators' team sheet for supervision (names of facilitators only)",
    ),
):
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


def make(store: Store, request: PrintRequest) -> Printed:
    """The printout asked for, made in memory: nothing is written and nothing audited.

    Raises a `VoicesGroupError` with one sentence when it cannot be made: a member's name
    on it (`NameInHandout`), a word that may be one (`NameToConfirm`: ask, then
    `remember_words`), support contacts not checked (`UncheckedContacts`), nothing to print.
    """
    kind = _kind(request)
    data, detail, said = kind.draw(store, request)
    return Printed(data, request.kind, detail, file_name(request), said)


def make_blank(request: PrintRequest) -> Printed:
    """A blank printout (a diary), which reads nothing from the data file, made without one."""
    kind = _kind(request)
    if not kind.blank:
        raise ValueError(f"only a blank printout is made without a data file, not {kind.key!r}")
    data, detail, said = kind.draw(None, request)
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
    """Note in the audit log that a handout was printed (its kind only, never its content).
    Call it once the file is on disk, or the printer has taken it."""
    store.audit("printed", printed.audit_detail)


def remember_words(store: Store, error: NameToConfirm) -> None:
    """A person said each word `error` asked about is the word, not the member: remember it
    for that text (only a hash of the text and name is kept)."""
    from voicesgroup.names import confirmation_key

    settings = store.settings()
    keys = list(settings.words_not_names)
    for text, match in error.matches:
        key = confirmation_key(text, match.name)
        if key not in keys:
            keys.append(key)
    store.save_settings(settings.model_copy(update={"words_not_names": keys}))


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
