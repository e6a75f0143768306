"""The printouts: each builds a `Handout` and returns the PDF's bytes.

Every function takes keyword options, checks all of its text against `forbidden_names`
(display names of members who must not appear) and raises `NameInHandout` before drawing
anything. Save the bytes with `write_pdf`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from voicesgroup.handouts.layer import Handout, NothingToPrint, Paper, Run, bold, em
from voicesgroup.handouts.names import find_discreet_word, fold

if TYPE_CHECKING:
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

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EVERY = {1: "Every", 2: "Every other", 3: "Every third", 4: "Every fourth"}


def long_date(day: dt.date) -> str:
    """3 March 2025 (no leading zero, on every platform)."""
    return f"{day.day} {day:%B %Y}"


def _meets(group: Group) -> str:
    p = group.pattern
    return (
        f"{_EVERY.get(p.every_weeks, 'Every')} {_WEEKDAYS[p.weekday]} "
        f"at {p.start:%H:%M}, for {p.minutes} minutes"
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


def _contact_safe(contact: SupportContact, group: Group | None) -> bool:
    phrases = [group.name] if group is not None else []
    return find_discreet_word((contact.name, contact.how, contact.when), phrases) is None


def _gently(caution: str) -> tuple[Run, ...]:
    """A caution, introduced with "Go gently:" unless it already says so."""
    if fold(caution).lstrip().startswith("go gently"):
        return (em(caution),)
    return (em("Go gently: "), em(caution))


def strategies_sheet(
    strategies: Sequence[CopingStrategy],
    group: Group | None = None,
    contacts: Sequence[SupportContact] = (),
    *,
    large_print: bool = False,
    discreet: bool = False,
    paper: Paper = "a4",
    forbidden_names: Iterable[str] = (),
    organisation: str = "",
) -> bytes:
    """A coping-strategies sheet to take home.

    Discreet: titled "Things that help", and nothing on it (text or PDF metadata) says
    voices, hearing or paranoia, or gives the group's name; strategies and contacts that
    would are left out (see `discreet_safe`), the venue too.
    """
    phrases = [group.name] if group is not None else []
    if discreet:
        title = "Things that help"
        subtitle = "Ideas people have found useful. Take what suits you and leave the rest."
        strategies = [s for s in strategies if discreet_safe(s, group)]
        contacts = [c for c in contacts if _contact_safe(c, group)]
    else:
        title = "What helps"
        if group is not None:
            variant = _variant_words(group)
            where = f"{group.name}, {variant}" if variant else group.name
            subtitle = f"Ideas swapped at {where}. Take what suits you and leave the rest."
        else:
            subtitle = "Ideas people have found useful. Take what suits you and leave the rest."
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
    )
    h.heading("Ideas to try")
    if not strategies:
        h.para("No ideas were picked for this sheet. The space below is for your own.")
    for strategy in strategies:
        with h.together():
            h.para(strategy.title, style="item")
            if strategy.description:
                h.para(strategy.description)
            if strategy.caution:
                h.para(*_gently(strategy.caution), style="gentle")
    h.write_space("My own ideas", 5 if not large_print else 4)
    h.write_space("What doesn't help me", 4 if not large_print else 3)

    if group is not None:
        venue = group.venue.strip()
        if discreet and venue and find_discreet_word([venue], phrases) is not None:
            venue = ""
        with h.together():
            h.heading("When and where we meet")
            meets = _meets(group)
            if discreet:
                h.para(f"{meets}.")
            else:
                h.para(bold(group.name), f": {meets[0].lower()}{meets[1:]}.")
            if venue:
                h.para("Where: ", venue)
            h.para("You are welcome to come, or not, whenever suits you.", style="muted")

    if contacts:
        h.heading("If you want to talk to someone")
        for contact in contacts:
            with h.together():
                h.para(contact.name, style="item")
                h.para(contact.how, style="tight")
                if contact.when:
                    h.para(contact.when, style="tight_muted")
                checked = (
                    f"Last checked {long_date(contact.last_checked)}."
                    if contact.last_checked
                    else "To be checked: these details have not been checked yet."
                )
                h.para(checked, style="tight_muted")
    return h.to_pdf()


# -- 2. group agreement -----------------------------------------------------------------------


def _require_agreement(group: Group) -> Agreement:
    agreement = group.agreement
    if agreement is None:
        raise NothingToPrint(f"The group “{group.name}” has no agreement yet to print.")
    return agreement


def _agreement_blocks(h: Handout, agreement: Agreement) -> None:
    h.bullets(agreement.points, numbered=True)
    h.heading("What stays private, and the limits")
    h.bullets(agreement.confidentiality)
    h.para(
        f"Version {agreement.version}, agreed on {long_date(agreement.agreed_on)}. "
        f"We'll look at it together again by {long_date(agreement.review_on)}, "
        "and anyone can suggest a change before then.",
        style="footnote",
    )


def agreement_sheet(
    group: Group,
    *,
    large_print: bool = False,
    paper: Paper = "a4",
    forbidden_names: Iterable[str] = (),
    organisation: str = "",
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
    )
    h.heading("What we agree")
    _agreement_blocks(h, agreement)
    return h.to_pdf()


# -- 3. experience diary ----------------------------------------------------------------------

DIARY_ROWS = 7


def diary_sheet(
    variant: Literal["voices", "beliefs"],
    *,
    columns: Sequence[str],
    title: str,
    paper: Paper = "a4",
    large_print: bool = False,
    organisation: str = "",
) -> bytes:
    """A blank experience diary: one landscape page, the given column headings, empty rows."""
    if variant not in ("voices", "beliefs"):
        raise ValueError(f"a diary is for 'voices' or 'beliefs', not {variant!r}")
    if not columns:
        raise ValueError("a diary needs at least one column heading")
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
    )
    h.table(columns, [], widths=widths, blank_rows=DIARY_ROWS)
    return h.to_pdf()


# -- 4. session plan --------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def session_plan(
    group: Group,
    template: SessionTemplate,
    *,
    paper: Paper = "a4",
    large_print: bool = False,
    forbidden_names: Iterable[str] = (),
    organisation: str = "",
) -> bytes:
    """A facilitators' plan: each phase with its minutes and prompts, the total time, and
    the group agreement to read out."""
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
            timing = f"{_clock(start)} to {_clock(end)}, {phase.minutes} minutes"
            if phase.is_round:
                timing += ". A round: anyone may pass"
            h.para(timing + ".", style="muted")
            if phase.prompts:
                h.bullets(phase.prompts)
        start = end
    h.para(bold(f"Total time: {total} minutes."), style="lead")
    agreement = group.agreement
    if agreement is not None:
        h.heading(f"Group agreement to read together (version {agreement.version})")
        _agreement_blocks(h, agreement)
    return h.to_pdf()


# -- 5. facilitator rota ----------------------------------------------------------------------


@dataclass(frozen=True)
class RotaRow:
    """One line of a printed rota, already in words. An empty lead or co prints as open."""

    date: str
    group: str
    lead: str
    co: str
    status: str
    reason: str = ""


def rota_table(
    rows: Sequence[RotaRow],
    *,
    title: str,
    paper: Paper = "a4",
    large_print: bool = False,
    forbidden_names: Iterable[str] = (),
    organisation: str = "",
) -> bytes:
    """The facilitator rota as one clear landscape table. Facilitators' names are expected
    here; `forbidden_names` (members) are still refused."""
    h = Handout(
        organisation=organisation,
        kind="facilitator rota",
        title=title,
        subtitle=f"{len(rows)} session{'s' if len(rows) != 1 else ''}. "
        "An open place still needs a facilitator.",
        paper=paper,
        landscape=True,
        large_print=large_print,
        forbidden_names=forbidden_names,
    )

    def person(name: str):
        return name if name.strip() else em("open")

    h.table(
        ["Date", "Group", "Lead", "Co-facilitator", "Status", "Why this pair"],
        [[r.date, r.group, person(r.lead), person(r.co), r.status, r.reason] for r in rows],
        widths=[0.14, 0.17, 0.14, 0.14, 0.1, 0.31],
    )
    if not rows:
        h.para("Nothing on the rota yet.", style="muted")
    return h.to_pdf()


# -- 6. a member's own record -----------------------------------------------------------------


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date()


def member_record(
    member: Member,
    consent_events: Iterable[ConsentEvent],
    notes: Iterable[Note],
    attendance_dates: Iterable[tuple[dt.date, str]],
    strategies: Iterable[CopingStrategy],
    contact_details: Iterable[ContactDetail],
    *,
    forbidden_names: Iterable[str],
    paper: Paper = "a4",
    large_print: bool = False,
    organisation: str = "",
) -> bytes:
    """Everything held about one member, in plain words, for them to keep.

    Only records carrying this member's id are used; the member's own name is allowed and
    every other name in `forbidden_names` is refused.
    """
    from voicesgroup.consent import latest_events
    from voicesgroup.models import ConsentAction, ConsentScope

    me = member.id
    events = sorted(
        (e for e in consent_events if e.member_id == me), key=lambda e: (e.on, e.created_at)
    )
    notes = sorted((n for n in notes if n.member_id == me), key=lambda n: n.created_at)
    attended = sorted(attendance_dates)
    mine = [s for s in strategies if s.attributed_member_id == me]
    contacts = [c for c in contact_details if c.member_id == me]

    h = Handout(
        organisation=organisation,
        kind="member's own record",
        title="What the group holds about you",
        subtitle=f"For {member.display_name}, who joined on {long_date(member.joined_on)}. "
        f"Printed on {long_date(dt.date.today())}.",
        paper=paper,
        large_print=large_print,
        forbidden_names=forbidden_names,
        allowed_name=member.display_name,
    )
    h.para(
        "This is everything kept about you on the facilitators' laptop. You can ask us to "
        "change or remove any of it, to stop keeping a kind of record, or to forget you "
        "completely.",
        style="lead",
    )

    h.heading("What you agreed to")
    latest = latest_events(events, me)
    agreed = []
    for scope in ConsentScope:
        event = latest.get(scope)
        if event is None:
            state = "not asked, so nothing of this kind is kept"
        elif event.action is ConsentAction.GIVEN:
            state = f"yes, since {long_date(_local_date(event.on))}"
        else:
            state = f"no, you said stop on {long_date(_local_date(event.on))}"
        agreed.append([bold(f"{scope.label}: "), state])
    h.bullets(agreed)

    h.heading("Your consent, step by step")
    if not events:
        h.para("No consent has been recorded.", style="muted")
    h.bullets(
        [
            bold(f"{long_date(_local_date(e.on))}: "),
            f"{e.scope.label}, {'yes' if e.action is ConsentAction.GIVEN else 'you said stop'}. "
            f"{e.method.label.capitalize()}, with wording version {e.wording_version}; "
            f"written down by {e.recorded_by}.",
        ]
        for e in events
    )

    h.heading("Notes written with you")
    if not notes:
        h.para("There are no notes.", style="muted")
    for note in notes:
        with h.together():
            label = f"{long_date(_local_date(note.created_at))}"
            if note.restricted:
                label += " (kept restricted: not used, only kept)"
            h.para(label, style="item")
            h.para(bold("In your words: "), note.member_words)
            if note.what_helped:
                h.para(bold("What helped: "), note.what_helped)
            if note.to_remember:
                h.para(bold("To remember: "), note.to_remember)
            if note.facilitator_words:
                h.para(bold("What the facilitator wrote: "), note.facilitator_words)

    h.heading("Sessions you were named at")
    if attended:
        h.table(["Date", "Group"], [[long_date(d), g] for d, g in attended], widths=[0.35, 0.65])
    else:
        h.para("You are not named at any session.", style="muted")

    h.heading("Strategies with your name beside them")
    if not mine:
        h.para("None.", style="muted")
    for strategy in mine:
        with h.together():
            h.para(strategy.title, style="item")
            if strategy.description:
                h.para(strategy.description)

    h.heading("Your contact details")
    if not contacts:
        h.para("None are kept.", style="muted")
    for contact in contacts:
        extra = " (kept restricted: not used, only kept)" if contact.restricted else ""
        h.bullets([[bold(f"{contact.kind}: "), contact.value + extra]])
    return h.to_pdf()
