"""The printouts: each builds a `Handout` and returns its bytes (a PDF, or with
`output="txt"`/`"html"` the same handout as plain text or an accessible web page).

Every function takes keyword options, checks all of its text against `forbidden_names`
(members who must not appear) and raises `NameInHandout` (or `NameToConfirm` for a word that
may be a name) before drawing anything. Nothing here touches the disk or the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from voicesgroup import dates
from voicesgroup.errors import NothingToPrint, UncheckedContacts
from voicesgroup.handouts.discreet import find_discreet_word
from voicesgroup.handouts.layer import Handout, Paper, Run, bold

if TYPE_CHECKING:
    from uuid import UUID

    from voicesgroup.models import (
        Agreement,
        ConsentEvent,
        ContactDetail,
        CopingStrategy,
        Group,
        Member,
        Note,
        SessionTemplate,
        SupportContact,
    )
    from voicesgroup.names import Named

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EVERY = {1: "Every", 2: "Every other", 3: "Every third", 4: "Every fourth"}


Output = Literal["pdf", "txt", "html"]


def _finish(h: Handout, output: Output) -> bytes:
    """The handout's bytes in the format asked for."""
    return h.to_bytes(output)


def _meets(group: Group) -> str:
    p = group.pattern
    return (
        f"{_EVERY.get(p.every_weeks, 'Every')} {_WEEKDAYS[p.weekday]} "
        f"at {dates.clock(p.start)}, for {p.minutes} minutes"
    )


def _variant_words(group: Group) -> str:
    return {
        "hearing_voices": "a hearing voices group",
        "paranoia_beliefs": "a paranoia and beliefs group",
        "drop_in": "a drop-in group",
    }.get(str(group.variant), "")


# -- 1. coping strategies ---------------------------------------------------------------------


def discreet_safe(strategy: CopingStrategy, group: Group | None = None) -> bool:
    """Whether a strategy can go on a discreet sheet as it is written.

    False when its title, description or caution says voices, hearing, paranoia (or the
    like), or names the group. The discreet sheet leaves such strategies out; the UI can
    use this to show which ones.
    """
    texts = (strategy.title, strategy.description, strategy.caution)
    phrases = [group.name] if group is not None else []
    return find_discreet_word(texts, phrases) is None


CAUTION_LABEL = "Take care: "
SHEET_IDEAS = 8
"""Up to this many ideas, with the helplines and space to write, fit one sheet of paper
(two sides); longer sheets flow on at full size."""


def _caution(caution: str) -> tuple[Run, ...]:
    """A safety line: plain body text after a bold label, never italic, never faint."""
    return (bold(CAUTION_LABEL), Run(caution.strip()))


def contacts_checked_note(contacts: Sequence[SupportContact]) -> str:
    """The footer's one line on when the support contacts were checked (the oldest date)."""
    days = [contact.last_checked for contact in contacts if contact.last_checked]
    return f"Contacts checked {dates.date(min(days))}" if days else ""


def strategies_sheet(
    strategies: Sequence[CopingStrategy],
    group: Group | None = None,
    contacts: Sequence[SupportContact] = (),
    *,
    large_print: bool = False,
    discreet: bool = False,
    show_meeting: bool = False,
    paper: Paper = "a4",
    forbidden_names: Iterable[Named | str] = (),
    organisation: str = "",
    confirmed: Iterable[str] = (),
    output: Output = "pdf",
) -> bytes:
    """A coping-strategies sheet to take home: the ideas, space for the member's own, the
    support contacts kept together, and (unless discreet) when and where the group meets.

    Every contact must have been checked (`UncheckedContacts` otherwise): a member is never
    told a helpline is unverified. The date they were checked is in the footer, once.
    Discreet: titled "Things that help"; nothing on it (text or PDF metadata) says voices,
    hearing or paranoia or gives the group's name; contacts are in their neutral wording,
    with no description, and the meeting's day, time and venue only with `show_meeting`.
    Pass ideas and contacts already chosen (`library.sheet_preview` leaves out what a
    discreet sheet cannot carry). An empty sheet is refused (`NothingToPrint`).
    """
    unchecked = [contact for contact in contacts if contact.last_checked is None]
    if unchecked:
        raise UncheckedContacts(unchecked)
    phrases = [group.name] if group is not None else []
    if discreet:  # what would give the sheet away is left out (the preview says which)
        strategies = [s for s in strategies if discreet_safe(s, group)]
        contacts = [
            c
            for c in contacts
            if find_discreet_word((c.name, c.discreet_how or c.how), phrases) is None
        ]
    if not strategies:
        raise NothingToPrint(
            "The sheet was not made: it would have no ideas on it. Pick at least one "
            "strategy that can go on it."
        )
    title = "Things that help" if discreet else "What helps"
    subtitle = "Ideas people have found useful. Take what suits you and leave the rest."
    if not discreet and group is not None:
        variant = _variant_words(group)
        where = f"{group.name}, {variant}" if variant else group.name
        subtitle = f"Ideas swapped at {where}. Take what suits you and leave the rest."
    h = Handout(
        organisation=organisation,
        kind="coping strategies sheet",
        title=title,
        subtitle=subtitle,
        paper=paper,
        large_print=large_print,
        forbidden_names=forbidden_names,
        discreet=discreet,
        discreet_phrases=phrases,
        footer_note=contacts_checked_note(contacts),
        fit_pages=2 if len(strategies) <= SHEET_IDEAS else None,
        allow=[part for part in (organisation, group.venue if group else "") if part],
        confirmed=confirmed,
    )
    h.heading("Ideas to try")
    for strategy in strategies:
        with h.together():
            h.para(strategy.title, style="item")
            if strategy.description:
                h.para(strategy.description)
            if strategy.caution:
                h.para(*_caution(strategy.caution), style="caution")
    h.write_space("My own ideas", 4)
    if group is not None and (show_meeting or not discreet):
        _when_and_where(h, group, discreet=discreet, phrases=phrases)
    if contacts:
        h.helplines(
            "If you want to talk to someone",
            [_helpline(contact, discreet=discreet, phrases=phrases) for contact in contacts],
        )
    return _finish(h, output)


def _when_and_where(h: Handout, group: Group, *, discreet: bool, phrases: list[str]) -> None:
    """When and where the group meets; on a discreet sheet without its name, and without a
    venue whose name would give it away."""
    venue = group.venue.strip()
    if discreet and venue and find_discreet_word([venue], phrases) is not None:
        venue = ""
    with h.together():
        h.heading("When and where we meet")
        meets = _meets(group)
        where = f" At {venue}." if venue else ""
        welcome = " You are welcome to come, or not, whenever suits you."
        if discreet:
            h.para(f"{meets}.{where}{welcome}")
        else:
            h.para(bold(group.name), f": {meets[0].lower()}{meets[1:]}.{where}{welcome}")


def _helpline(
    contact: SupportContact, *, discreet: bool, phrases: Sequence[str]
) -> tuple[str, str, str]:
    """A support contact as a sheet prints it: on a discreet sheet its neutral "how", and
    its "when" unless that says what the sheet is for."""
    if not discreet:
        return contact.name, contact.how, contact.when
    when = contact.when
    if when and find_discreet_word([when], phrases) is not None:
        when = ""
    return contact.name, contact.discreet_how or contact.how, when


# -- 2. group agreement -----------------------------------------------------------------------


def _require_agreement(group: Group) -> Agreement:
    agreement = group.agreement
    if agreement is None:
        raise NothingToPrint(f"The group “{group.name}” has no agreement yet to print.")
    return agreement


def _agreement_blocks(h: Handout, agreement: Agreement) -> None:
    """The agreement's points and limits; each point is kept whole on one page."""
    h.bullets(agreement.points, numbered=True)
    with h.together():
        h.heading("What stays private, and the limits")
        h.bullets(agreement.confidentiality)
    h.para(
        f"Version {agreement.version}, agreed on {dates.long_date(agreement.agreed_on)}. "
        f"We'll look at it together again by {dates.long_date(agreement.review_on)}, "
        "and anyone can suggest a change before then.",
        style="footnote",
    )


def agreement_sheet(
    group: Group,
    *,
    large_print: bool = False,
    paper: Paper = "a4",
    forbidden_names: Iterable[Named | str] = (),
    organisation: str = "",
    confirmed: Iterable[str] = (),
    output: Output = "pdf",
) -> bytes:
    """The group's current agreement and the limits of confidentiality."""
    agreement = _require_agreement(group)
    variant = _variant_words(group)
    h = Handout(
        organisation=organisation,
        kind="group agreement",
        title="Our group agreement",
        subtitle=f"{group.name}, {variant}" if variant else group.name,
        paper=paper,
        large_print=large_print,
        forbidden_names=forbidden_names,
        allow=[part for part in (organisation, group.venue) if part],
        confirmed=confirmed,
    )
    h.heading("What we agree")
    _agreement_blocks(h, agreement)
    return _finish(h, output)


# -- 3. experience diary ----------------------------------------------------------------------

DIARY_ROWS = 7


def diary_sheet(
    variant: Literal["voices", "beliefs", "discreet"],
    *,
    columns: Sequence[str],
    title: str,
    paper: Paper = "a4",
    large_print: bool = False,
    organisation: str = "",
    output: Output = "pdf",
    forbidden_names: Iterable[Named | str] = (),
) -> bytes:
    """A blank experience diary: one landscape page, the given column headings, empty rows.

    The "discreet" diary says nothing about what it is for, in its text or its metadata.
    Made from a data file, it is read back against its members like every printout."""
    if variant not in ("voices", "beliefs", "discreet"):
        raise ValueError(f"A diary is for 'voices', 'beliefs' or 'discreet', not {variant!r}")
    if not columns:
        raise ValueError("A diary needs at least one column heading")
    first = 0.7 if len(columns) > 2 else 1.0
    widths = [first] + [1.0] * (len(columns) - 1)
    h = Handout(
        organisation=organisation,
        kind="experience diary",
        title=title,
        subtitle="This diary is yours. Write only what you want to; "
        "nothing in it comes back to the group.",
        paper=paper,
        landscape=True,
        large_print=large_print,
        discreet=variant == "discreet",
        forbidden_names=forbidden_names,
    )
    h.table(columns, [], widths=widths, blank_rows=DIARY_ROWS)
    return _finish(h, output)


# -- 4. session plan --------------------------------------------------------------------------


def _clock(start: dt.time, minutes: int) -> str:
    """The time of day `minutes` after `start`, as a session plan gives it ("18:35")."""
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return dates.clock(moment.time())


def session_plan(
    group: Group,
    template: SessionTemplate,
    *,
    paper: Paper = "a4",
    large_print: bool = False,
    forbidden_names: Iterable[Named | str] = (),
    organisation: str = "",
    facilitators: Iterable[str] = (),
    confirmed: Iterable[str] = (),
    output: Output = "pdf",
) -> bytes:
    """A facilitators' plan: each phase with its clock times (from the group's start time),
    minutes and prompts, the total time, and the group agreement to read out, kept whole on
    one page."""
    total = template.total_minutes
    h = Handout(
        organisation=organisation,
        kind="session plan",
        title=f"Session plan: {group.name}",
        subtitle=f"{template.name} (version {template.version}), {total} minutes in all. "
        f"{_meets(group)}.",
        paper=paper,
        large_print=large_print,
        forbidden_names=forbidden_names,
        allow=[part for part in (organisation, group.venue, *facilitators) if part],
        confirmed=confirmed,
    )
    if total != group.pattern.minutes:
        h.para(
            f"The phases add up to {total} minutes; the group meets for {group.pattern.minutes}.",
            style="gentle",
        )
    start = 0
    for number, phase in enumerate(template.phases, start=1):
        end = start + phase.minutes
        with h.together():
            h.heading(f"{number}. {phase.title}")
            begins = group.pattern.start
            timing = f"{_clock(begins, start)} to {_clock(begins, end)}, {phase.minutes} minutes"
            if phase.is_round:
                timing += ". A round: anyone may pass"
            h.para(timing + ".", style="muted")
            if phase.prompts:
                h.bullets(phase.prompts)
        start = end
    h.para(bold(f"Total time: {total} minutes."), style="lead")
    agreement = group.agreement
    if agreement is not None:
        with h.together():
            h.heading(f"Group agreement to read together (version {agreement.version})")
            _agreement_blocks(h, agreement)
    return _finish(h, output)


# -- 5. facilitator rota ----------------------------------------------------------------------


@dataclass(frozen=True)
class RotaRow:
    """One line of a printed rota, already in words. An empty lead or co prints as open;
    `draft` marks a session not yet published."""

    date: str
    group: str
    lead: str
    co: str
    draft: bool = False
    reason: str = ""


def rota_table(
    rows: Sequence[RotaRow],
    *,
    title: str,
    subtitle: str = "",
    reasons: bool = False,
    paper: Paper = "a4",
    large_print: bool = False,
    forbidden_names: Iterable[Named | str] = (),
    facilitators: Iterable[str] = (),
    organisation: str = "",
    confirmed: Iterable[str] = (),
    output: Output = "pdf",
) -> bytes:
    """The facilitator rota as one compact landscape table: date, group, lead, co.

    Facilitators' names are expected here (`facilitators` are allowed); `forbidden_names`
    (members) are still refused. The planner's reasons are a column only with `reasons`;
    a draft session is marked "(draft)", a published one carries no mark.
    """
    count = f"{len(rows)} session{'s' if len(rows) != 1 else ''}"
    open_places = sum(1 for r in rows for name in (r.lead, r.co) if not name.strip())
    if open_places:
        places = "An open place" if open_places == 1 else f"{open_places} open places"
        count += f". {places} still need{'s' if open_places == 1 else ''} a facilitator"
    h = Handout(
        organisation=organisation,
        kind="facilitator rota",
        title=title,
        subtitle=f"{subtitle + '. ' if subtitle else ''}{count}.",
        paper=paper,
        landscape=True,
        large_print=large_print,
        forbidden_names=forbidden_names,
        allow=[name for name in (*facilitators, organisation) if name],
        confirmed=confirmed,
    )

    def person(name: str) -> str:
        return name if name.strip() else "open"

    header = ["Date", "Group", "Lead", "Co-facilitator"]
    widths = [0.2, 0.3, 0.25, 0.25]
    if reasons:  # the reasons take the room: the other columns only what they need
        header.append("Why this pair")
        widths = [0.16, 0.15, 0.09, 0.11, 0.49]
    table = []
    for r in rows:
        row = [r.date + (" (draft)" if r.draft else ""), r.group, person(r.lead), person(r.co)]
        if reasons:
            row.append(r.reason)
        table.append(row)
    if not rows:
        h.para("Nothing on the rota for these dates.", style="muted")
    else:
        h.table(header, table, widths=widths, compact=True)
    return _finish(h, output)


# -- 6. a member's own record -----------------------------------------------------------------


ANOTHER_MEMBER = "another member"


def member_record(
    member: Member,
    consent_events: Iterable[ConsentEvent],
    notes: Iterable[Note],
    attendance_dates: Iterable[tuple[dt.date, str]],
    strategies: Iterable[CopingStrategy],
    contact_details: Iterable[ContactDetail],
    *,
    forbidden_names: Iterable[Named | str],
    paper: Paper = "a4",
    large_print: bool = False,
    organisation: str = "",
    confirmed: Iterable[str] = (),
    today: dt.date | None = None,
    output: Output = "pdf",
    record_mark: str = "",
) -> bytes:
    """Everything held about one member, in plain words spoken to them, for them to keep.

    Only records carrying this member's id are used. A person's own record is never held
    back: where their notes name another member (any in `forbidden_names`), the name is
    printed as "another member" ("Another member" where a sentence starts) and the record
    says so beside the words it changed. Who else a record names is expected there: the
    facilitator who wrote a consent down, and the groups on the attendance list.
    """
    others = list(forbidden_names)
    words = _TheirWords(member.display_name, others, list(confirmed))
    me = member.id
    events = sorted(
        (e for e in consent_events if e.member_id == me), key=lambda e: (e.on, e.created_at)
    )
    notes = sorted((n for n in notes if n.member_id == me), key=lambda n: n.created_at)
    attended = sorted(attendance_dates)
    mine = [s for s in strategies if s.attributed_member_id == me]
    contacts = [c for c in contact_details if c.member_id == me]
    printed_on = today or dt.date.today()

    h = Handout(
        organisation=organisation,
        kind="member's own record",
        title="What the group holds about you",
        subtitle=f"For {member.display_name}. You joined on {dates.long_date(member.joined_on)}. "
        f"Printed on {dates.long_date(printed_on)}.",
        paper=paper,
        large_print=large_print,
        forbidden_names=others,
        allowed_name=member.display_name,
        allow=[
            part
            for part in (
                organisation,
                *(f"{event.recorded_by} wrote it down" for event in events),
                *(group for _, group in attended),
            )
            if part
        ],
        confirmed=words.confirmed,
        record_mark=record_mark,
    )
    h.para(
        "This is everything we keep about you on the facilitators' laptop. You can ask us to "
        "change or remove any of it, to stop keeping a kind of record, or to forget you "
        "completely.",
        style="lead",
    )
    _record_consents(h, events, me)
    _record_notes(h, notes, words)
    h.heading("Sessions where your name is on the list")
    if attended:
        h.table(
            ["Date", "Group"], [[dates.long_date(d), g] for d, g in attended], widths=[0.35, 0.65]
        )
    else:
        h.para("Your name is not on the list of any session.", style="muted")
    _record_ideas(h, mine, words)
    _record_contacts(h, contacts, words)
    return _finish(h, output)


class _TheirWords:
    """A member's own words as their record prints them: another member's name in them reads
    "another member", counted so the record can say so beside what it changed."""

    def __init__(self, keep: str, others: list[Named | str], confirmed: list[str]) -> None:
        self.keep, self.others, self.confirmed = keep, others, confirmed
        self.replaced = 0

    def __call__(self, text: str) -> str:
        from voicesgroup.names import replace_member_names

        clean, count = replace_member_names(
            text, self.others, ANOTHER_MEMBER, keep=self.keep, confirmed=self.confirmed
        )
        self.replaced += count
        return clean

    def explained(self, h: Handout, before: int) -> None:
        """Say, beside what it changed, why a name reads "another member"."""
        count = self.replaced - before
        if count:
            h.para(
                f"Where these records named someone else, their name is printed as "
                f"“{ANOTHER_MEMBER}” ({count} time{'s' if count != 1 else ''}): this "
                "record is yours, their name is theirs."
            )


def _record_consents(h: Handout, events: list[ConsentEvent], me: UUID) -> None:
    """What the member said yes to now, then each time they told us."""
    from voicesgroup.consent import latest_events
    from voicesgroup.models import ConsentAction, ConsentMethod, ConsentScope

    h.heading("What you said yes to")
    latest = latest_events(events, me)
    agreed = []
    for scope in ConsentScope:
        event = latest.get(scope)
        topic, yes, stop = _YOUR_SCOPE[scope.value]
        if event is None:
            state = f"Nobody has asked you about {topic}, so we keep nothing of this kind."
        elif event.action is ConsentAction.GIVEN:
            state = f"You said yes to {yes} on {dates.long_date(event.on)}."
        else:
            state = f"You asked us to stop {stop} on {dates.long_date(event.on)}."
        agreed.append(state)
    h.bullets(agreed)

    h.heading("Each time you told us")
    if not events:
        h.para("You have not told us anything about this yet.", style="muted")
    how_words = {
        ConsentMethod.SAID_IN_ROOM.value: "You told us in the group",
        ConsentMethod.WRITTEN.value: "You told us in writing",
    }
    h.bullets(
        [
            bold(f"{dates.long_date(e.on)}: "),
            (
                f"you said yes to {_YOUR_SCOPE[e.scope.value][1]}. "
                if e.action is ConsentAction.GIVEN
                else f"you asked us to stop {_YOUR_SCOPE[e.scope.value][2]}. "
            )
            + f"{how_words.get(e.method.value, 'You told us ' + e.method.label)}, and "
            f"{e.recorded_by} wrote it down.",
        ]
        for e in events
    )


def _record_notes(h: Handout, notes: list[Note], theirs: _TheirWords) -> None:
    h.heading("Notes written with you")
    if not notes:
        h.para("There are no notes.", style="muted")
    before = theirs.replaced
    for note in notes:
        with h.together():
            label = f"{dates.long_date(note.created_at)}"
            if note.restricted:
                label += KEPT_ASIDE
            h.para(label, style="item")
            h.para(bold("In your words: "), theirs(note.member_words))
            if note.what_helped:
                h.para(bold("What helped: "), theirs(note.what_helped))
            if note.to_remember:
                h.para(bold("To remember: "), theirs(note.to_remember))
            if note.facilitator_words:
                h.para(bold("What the facilitator wrote: "), theirs(note.facilitator_words))
    theirs.explained(h, before)


def _record_ideas(h: Handout, mine: list[CopingStrategy], theirs: _TheirWords) -> None:
    h.heading("Ideas shared with your name beside them")
    if not mine:
        h.para("None.", style="muted")
    before = theirs.replaced
    for strategy in mine:
        with h.together():
            h.para(theirs(strategy.title), style="item")
            if strategy.description:
                h.para(theirs(strategy.description))
    theirs.explained(h, before)


def _record_contacts(h: Handout, contacts: list[ContactDetail], theirs: _TheirWords) -> None:
    h.heading("How we can reach you")
    if not contacts:
        h.para("We keep no contact details for you.", style="muted")
    before = theirs.replaced
    for contact in contacts:
        extra = KEPT_ASIDE if contact.restricted else ""
        h.bullets([[bold(f"{contact.kind}: "), theirs(contact.value) + extra]])
    theirs.explained(h, before)


KEPT_ASIDE = " (you asked us to stop: kept aside, not used)"
"""Beside a note or contact a member asked us to stop using, in their own record."""

_YOUR_SCOPE = {  # what it is about, what you said yes to, what you asked us to stop
    "attendance_by_name": (
        *["your name on the attendance list"] * 2,
        "putting your name on the attendance list",
    ),
    "personal_notes": ("notes written with you", "notes written with you", "writing notes"),
    "contact_details": (
        "keeping your contact details",
        "us keeping your contact details",
        "keeping your contact details",
    ),
    "strategy_attribution": (
        *["your name beside ideas you share"] * 2,
        "putting your name beside ideas you share",
    ),
}
