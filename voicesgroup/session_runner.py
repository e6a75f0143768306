"""Running a session in the room: phases and their timers, rounds, attendance, quick capture.

`SessionRunner` holds one session and its group. Every change makes a new `Session`, saves it
through `Store.save_session` (which applies the consent rule: a member is present by name only
with their consent) and only then keeps it, so what is on screen is always what is stored and a
session can be resumed exactly where it was after the app or the laptop stops.

Nothing here imports Textual; the session screen and the tests drive the same class.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from voicesgroup import consent, dates
from voicesgroup.errors import NotFound
from voicesgroup.facilitator_path import PathError, follow_ups_moved, not_facilitating_yet
from voicesgroup.kinds import WEEKDAYS
from voicesgroup.library import may_be_named
from voicesgroup.mentions import member_names_in
from voicesgroup.models import (
    ConsentEvent,
    ConsentScope,
    CopingStrategy,
    Debrief,
    Experience,
    Group,
    Member,
    Phase,
    RotaStatus,
    RoundMark,
    Session,
    SessionStatus,
    SessionTemplate,
    Variant,
    now,
)
from voicesgroup.shipped import TEMPLATE_VARIANTS, shipped_template
from voicesgroup.store import Store
from voicesgroup.templates import template_for

Clock = Callable[[], dt.datetime]
AGREEMENT_PHASE_KEY = "agreement"
MAX_COUNT = 500

ROUND_MARK_WORDS = {
    RoundMark.NOT_YET: "not yet",
    RoundMark.SPOKE: "spoke",
    RoundMark.PASSED: "passed",
}

EXPERIENCES_FOR_VARIANT = {
    Variant.HEARING_VOICES: [Experience.VOICES],
    Variant.PARANOIA_BELIEFS: [Experience.BELIEFS],
    Variant.DROP_IN: [Experience.VOICES, Experience.BELIEFS],
    Variant.CUSTOM: [Experience.VOICES],
}


# -- facilitators --------------------------------------------------------------------------


def planned_facilitators(store: Store, group_id: UUID, day: dt.date) -> list[UUID]:
    """Lead and co-facilitator from the published rota for that day; empty when there is none."""
    for assignment in store.rota(group_id):
        if assignment.date == day and assignment.status is RotaStatus.PUBLISHED:
            return [person for person in (assignment.lead_id, assignment.co_id) if person]
    return []


# -- who is in the room --------------------------------------------------------------------


@dataclass(frozen=True)
class PresentPerson:
    """Someone in the room, as the round sees them: a name only with consent."""

    key: str
    label: str
    member_id: UUID | None = None
    is_newcomer: bool = False


def anonymous_key(number: int) -> str:
    return f"person-{number}"


def newcomer_key(number: int) -> str:
    return f"newcomer-{number}"


def present_people(session: Session, names: Mapping[UUID, str]) -> list[PresentPerson]:
    """Named members in the order they arrived, then 'Person 1..n', then 'Newcomer 1..n'."""
    people = [
        PresentPerson(str(member_id), names.get(member_id, "A member"), member_id)
        for member_id in session.named_member_ids
    ]
    people += [
        PresentPerson(anonymous_key(number), f"Person {number}")
        for number in range(1, session.anonymous_count + 1)
    ]
    people += [
        PresentPerson(newcomer_key(number), f"Newcomer {number}", is_newcomer=True)
        for number in range(1, session.newcomers + 1)
    ]
    return people


def members_by_name_allowed(store: Store) -> list[Member]:
    """Members who have said yes to being on the attendance list by name, by name.

    Reads every consent record once (not once per member): a big club's list stays quick.
    """
    events_of: dict[UUID, list[ConsentEvent]] = defaultdict(list)
    for event in store.consent_events():
        events_of[event.member_id].append(event)
    return [
        member
        for member in store.members()
        if consent.has_consent(events_of[member.id], member.id, ConsentScope.ATTENDANCE_BY_NAME)
    ]


REGULARS_MONTHS = 12


def known_members(
    store: Store, session: Session, allowed: list[Member], months: int = REGULARS_MONTHS
) -> list[Member]:
    """The group's known members for the attendance list: those in `allowed` who were here
    by name in the group's sessions of the last `months` months, or are here now; by name.

    Anyone else who agreed to be listed is found by name (a short list stays usable in the
    room, whatever the size of the whole club).
    """
    since = session.date - dt.timedelta(days=round(months * 30.4))
    seen = set(session.named_member_ids)
    for earlier in store.sessions(session.group_id):
        if earlier.date >= since:
            seen.update(earlier.named_member_ids)
    return [member for member in allowed if member.id in seen]


@dataclass(frozen=True)
class StrategyDraft:
    """A coping strategy as someone shared it in the room, before it joins the library."""

    title: str
    description: str = ""
    category: str = "practical"
    experiences: tuple[Experience, ...] = ()
    attributed_member_id: UUID | None = None

    def check(self) -> None:
        """Raise the library's own refusal (pydantic's ValidationError, one sentence through
        `errors.shown`) when the strategy could not be kept as written: a title too long, say.
        Nothing is cut short to fit."""
        CopingStrategy(
            title=" ".join(self.title.split()),
            description=self.description.strip(),
            category=self.category,
        )


# -- the clock -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseClock:
    """How the time is going: this phase against its plan, and the session against its end."""

    phase_seconds: int
    planned_seconds: int
    session_seconds_left: int

    @property
    def over_by_seconds(self) -> int:
        """Seconds past the phase's planned minutes (0 when within them)."""
        if self.planned_seconds == 0:
            return 0
        return max(0, self.phase_seconds - self.planned_seconds)

    @property
    def is_over(self) -> bool:
        return self.over_by_seconds > 0

    def phase_words(self) -> str:
        """'This part 04:12 of 15 min'."""
        planned = self.planned_seconds // 60
        return f"This part {_mmss(self.phase_seconds)} of {planned} min"

    def over_words(self) -> str:
        """A gentle cue in words (never by colour alone); empty while within the plan."""
        if not self.is_over:
            return ""
        minutes = max(1, round(self.over_by_seconds / 60))
        return f"Running {minutes} min over the plan for this part, no rush"

    def session_words(self) -> str:
        """'78 min left' or '5 min past the planned end'."""
        left = self.session_seconds_left
        if left >= 0:
            return f"{(left + 59) // 60} min left of the session"
        return f"{(-left) // 60} min past the planned end"


def _mmss(seconds: int) -> str:
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def phase_clock(session: Session, template: SessionTemplate, at: dt.datetime) -> PhaseClock:
    """The timers of `session` at time `at`."""
    phase = phase_of(session, template)
    started = session.phase_started_at or session.started_at or at
    begun = session.started_at or started
    planned_end = begun + dt.timedelta(minutes=template.total_minutes)
    return PhaseClock(
        phase_seconds=int((at - started).total_seconds()),
        planned_seconds=phase.minutes * 60,
        session_seconds_left=int((planned_end - at).total_seconds()),
    )


def phase_of(session: Session, template: SessionTemplate) -> Phase:
    """The session's current phase (clamped, should the plan have lost phases since)."""
    return template.phases[min(session.current_phase, len(template.phases) - 1)]


# -- the runner ----------------------------------------------------------------------------


class SessionRunner:
    """One session being run: each method changes it, saves it and keeps the saved version.

    A refused change (no consent, a count out of range) raises and leaves the session as it was.
    """

    def __init__(self, store: Store, session: Session, clock: Clock = now) -> None:
        self.store = store
        self.session = session
        self.clock = clock
        self.group: Group = store.group(session.group_id)
        self.template: SessionTemplate = template_for(self.group)
        self._names: dict[UUID, str] | None = None

    @classmethod
    def start(
        cls,
        store: Store,
        group: Group,
        day: dt.date,
        facilitator_ids: Iterable[UUID],
        clock: Clock = now,
    ) -> SessionRunner:
        """Start a new session of `group` on `day`, at its first phase, and save it."""
        facilitator_ids = _distinct(facilitator_ids)
        from voicesgroup.facilitator_path import may_start_with  # (the rota's rules)

        _may_facilitate(store, facilitator_ids, may_start_with)
        template = template_for(group)
        started = clock()
        session = Session(
            group_id=group.id,
            date=day,
            template_key=template.key,
            template_version=template.version,
            facilitator_ids=facilitator_ids,
            started_at=started,
            phase_started_at=started,
        )
        session = _enter_phase(session, template, 0, started)
        store.save_session(session)
        return cls(store, session, clock)

    @classmethod
    def resume(cls, store: Store, session_id: UUID, clock: Clock = now) -> SessionRunner:
        """Pick up a stored session exactly where it was."""
        return cls(store, store.session(session_id), clock)

    # -- reading -------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return phase_of(self.session, self.template)

    @property
    def phase_index(self) -> int:
        return min(self.session.current_phase, len(self.template.phases) - 1)

    @property
    def is_round(self) -> bool:
        return self.phase.is_round

    @property
    def is_agreement(self) -> bool:
        return self.phase.key == AGREEMENT_PHASE_KEY

    def names(self) -> dict[UUID, str]:
        """Display names of the members present by name (looked up once, then kept)."""
        if self._names is None:
            self._names = {}
        for member_id in self.session.named_member_ids:
            if member_id not in self._names:
                self._names[member_id] = self.store.member(member_id).display_name
        return self._names

    def people(self) -> list[PresentPerson]:
        """Everyone present, in round order."""
        return present_people(self.session, self.names())

    def current_person(self) -> PresentPerson | None:
        people = self.people()
        if not people:
            return None
        return people[min(self.session.round_position, len(people) - 1)]

    def mark_of(self, person: PresentPerson) -> RoundMark:
        return self.session.round_marks.get(person.key, RoundMark.NOT_YET)

    def clock_now(self) -> PhaseClock:
        return phase_clock(self.session, self.template, self.clock())

    def strategies(self) -> list[CopingStrategy]:
        """The strategies shared in this session, in the order they were shared."""
        found = []
        for strategy_id in self.session.strategy_ids:
            try:
                found.append(self.store.strategy(strategy_id))
            except NotFound:  # removed from the library since
                continue
        return found

    # -- phases --------------------------------------------------------------------------

    def go_to_phase(self, index: int) -> Session:
        """Move to phase `index` (clamped); its timer starts now."""
        index = max(0, min(index, len(self.template.phases) - 1))
        if index == self.session.current_phase:
            return self.session
        return self._save(_enter_phase(self.session, self.template, index, self.clock()))

    def next_phase(self) -> Session:
        return self.go_to_phase(self.phase_index + 1)

    def previous_phase(self) -> Session:
        return self.go_to_phase(self.phase_index - 1)

    # -- attendance ----------------------------------------------------------------------

    def toggle_member(self, member_id: UUID) -> Session:
        """Mark a member present by name, or not; refused by the store without their consent."""
        named = list(self.session.named_member_ids)
        if member_id in named:
            named.remove(member_id)
            marks = {k: v for k, v in self.session.round_marks.items() if k != str(member_id)}
            return self._save(self._with_people(named_member_ids=named, round_marks=marks))
        return self._save(self._with_people(named_member_ids=[*named, member_id]))

    def change_anonymous(self, delta: int) -> Session:
        """Add to (or take from) the anonymous head count."""
        count = max(0, min(MAX_COUNT, self.session.anonymous_count + delta))
        marks = _marks_within(self.session.round_marks, "person-", count)
        return self._save(self._with_people(anonymous_count=count, round_marks=marks))

    def change_newcomers(self, delta: int) -> Session:
        """Add to (or take from) the count of newcomers."""
        count = max(0, min(MAX_COUNT, self.session.newcomers + delta))
        marks = _marks_within(self.session.round_marks, "newcomer-", count)
        return self._save(self._with_people(newcomers=count, round_marks=marks))

    def _with_people(self, **changes: object) -> Session:
        updated = self.session.with_changes(**changes)
        total = len(present_people(updated, {}))
        position = min(updated.round_position, max(total - 1, 0))
        if position != updated.round_position:
            updated = updated.with_changes(round_position=position)
        return updated

    # -- rounds --------------------------------------------------------------------------

    def mark_current(self, mark: RoundMark, move_on: bool = True) -> Session:
        """Mark whoever's turn it is (spoke, passed, not yet) and, by default, move on."""
        person = self.current_person()
        if person is None:
            return self.session
        marks = {**self.session.round_marks}
        if mark is RoundMark.NOT_YET:
            marks.pop(person.key, None)
        else:
            marks[person.key] = mark
        changes: dict[str, object] = {"round_marks": marks}
        if move_on:
            changes["round_position"] = self._next_position()
        return self._save(self.session.with_changes(**changes))

    def next_person(self) -> Session:
        """Move to the next person in the round (round the circle again after the last)."""
        return self._save(self.session.with_changes(round_position=self._next_position()))

    def previous_person(self) -> Session:
        total = len(self.people())
        if total == 0:
            return self.session
        position = (self.session.round_position - 1) % total
        return self._save(self.session.with_changes(round_position=position))

    def _next_position(self) -> int:
        total = len(self.people())
        return 0 if total == 0 else (self.session.round_position + 1) % total

    def round_summary(self) -> str:
        """'3 spoke · 1 passed · 2 not yet' — counts only, for the facilitators."""
        people = self.people()
        counts = {mark: 0 for mark in RoundMark}
        for person in people:
            counts[self.mark_of(person)] += 1
        return " · ".join(
            f"{counts[mark]} {ROUND_MARK_WORDS[mark]}"
            for mark in (RoundMark.SPOKE, RoundMark.PASSED, RoundMark.NOT_YET)
        )

    # -- quick capture -------------------------------------------------------------------

    def names_in(self, text: str) -> list[str]:
        """Members' names found in `text`, to keep names out of group-level notes."""
        return member_names_in(self.store, text)

    def add_theme(self, text: str) -> Session:
        """Note a theme the group talked about (group-level: no names)."""
        text = " ".join(text.split())
        if not text:
            raise ValueError("A theme needs a few words")
        return self._save(self.session.with_changes(themes=[*self.session.themes, text]))

    def add_follow_up(self, text: str) -> Session:
        """Note something for the facilitators to follow up."""
        text = " ".join(text.split())
        if not text:
            raise ValueError("A follow-up needs a few words")
        return self._save(self.session.with_changes(follow_ups=[*self.session.follow_ups, text]))

    def change_theme(self, index: int, text: str | None) -> Session:
        """Reword theme `index`, or take it back (None or blank) when the group asks."""
        return self._save(
            self.session.with_changes(themes=_changed(self.session.themes, index, text))
        )

    def change_follow_up(self, index: int, text: str | None) -> Session:
        """Reword follow-up `index`, or remove it (None or blank)."""
        changed = _changed(self.session.follow_ups, index, text)
        return self._save(self.session.with_changes(follow_ups=changed))

    def set_room_view(self, on: bool) -> Session:
        """Turn the room view on or off; it is kept with the session, so it survives leaving
        the screen, locking and a restart, until it is turned off or the session ends."""
        return self._save(self.session.with_changes(room_view=on))

    def attribution_choices(self) -> list[Member]:
        """Present members who may have their name beside a strategy they share."""
        present = [self.store.member(member_id) for member_id in self.session.named_member_ids]
        return may_be_named(self.store, present)

    def share_strategy(self, draft: StrategyDraft) -> CopingStrategy:
        """Add a strategy someone shared to the library, and to this session's list.

        It is anonymous unless the draft names a member, and the store refuses that without
        the member's consent to attribution (nothing is saved then).
        """
        strategy = CopingStrategy(
            title=" ".join(draft.title.split()),
            description=draft.description.strip(),
            category=draft.category,
            experiences=list(draft.experiences or EXPERIENCES_FOR_VARIANT[self.group.variant]),
            shared_in_group_id=self.group.id,
            shared_on=self.session.date,
            attributed_member_id=draft.attributed_member_id,
        )
        updated = self.session.with_changes(strategy_ids=[*self.session.strategy_ids, strategy.id])
        with self.store.batch():
            self.store.save_strategy(strategy)
            self.store.save_session(updated)
        self.session = updated
        return strategy

    # -- facilitators, end, debrief ------------------------------------------------------

    def set_facilitators(self, facilitator_ids: Iterable[UUID]) -> Session:
        """Record who is actually facilitating (the rota's planned vs actual comes from here);
        someone not facilitating yet (interested, on the course) is refused with the rule's
        sentence."""
        chosen = _distinct(facilitator_ids)
        self._may_join(chosen)
        return self._save(self.session.with_changes(facilitator_ids=chosen))

    def _may_join(self, chosen: list[UUID]) -> None:
        """The path rule for anyone added to the session's facilitators (those already on it
        stay, whatever their path says now)."""
        on_it = set(self.session.facilitator_ids)
        _may_facilitate(self.store, [person for person in chosen if person not in on_it])

    def end(self) -> Session:
        """End the session now; what was entered stays as it was."""
        if self.session.status is SessionStatus.ENDED:
            return self.session
        return self._save(
            self.session.with_changes(
                status=SessionStatus.ENDED, ended_at=self.clock(), room_view=False
            )
        )

    def write_debrief(
        self, answers: Mapping[str, str], facilitator_ids: Iterable[UUID] | None = None
    ) -> Session:
        """Keep the facilitators' debrief (blank answers are left out) and who facilitated
        (someone added who does not facilitate yet is refused, as in `set_facilitators`)."""
        kept = {key: text.strip() for key, text in answers.items() if text.strip()}
        changes: dict[str, object] = {"debrief": Debrief(answers=kept, written_at=self.clock())}
        if facilitator_ids is not None:
            chosen = _distinct(facilitator_ids)
            self._may_join(chosen)
            changes["facilitator_ids"] = chosen
        return self._save(self.session.with_changes(**changes))

    def _save(self, updated: Session) -> Session:
        if updated is not self.session:
            moved = (updated.follow_ups, updated.debrief) != (
                self.session.follow_ups,
                self.session.debrief,
            )
            if moved:  # owners follow their follow-ups, in the same save as the session
                with self.store.batch():
                    follow_ups_moved(self.store, self.session, updated)
                    self.store.save_session(updated)
            else:
                self.store.save_session(updated)
            self.session = updated
        return updated


def _enter_phase(
    session: Session, template: SessionTemplate, index: int, at: dt.datetime
) -> Session:
    phase = template.phases[index]
    changes: dict[str, object] = {"current_phase": index, "phase_started_at": at}
    if phase.is_round and session.round_phase_key != phase.key:
        # A new round starts with everyone 'not yet', from the first person.
        changes.update(round_phase_key=phase.key, round_marks={}, round_position=0)
    return session.with_changes(**changes)


def _marks_within(marks: Mapping[str, RoundMark], prefix: str, count: int) -> dict[str, RoundMark]:
    """Marks without those of numbered people beyond `count` (they have left)."""
    return {
        key: mark
        for key, mark in marks.items()
        if not key.startswith(prefix) or int(key.removeprefix(prefix)) <= count
    }


def _changed(items: list[str], index: int, text: str | None) -> list[str]:
    """`items` with item `index` reworded, or removed when `text` is None or blank."""
    if not 0 <= index < len(items):
        raise ValueError("That line is no longer there")
    words = " ".join((text or "").split())
    return [*items[:index], *([words] if words else []), *items[index + 1 :]]


def _distinct(ids: Iterable[UUID]) -> list[UUID]:
    return list(dict.fromkeys(ids))


def _may_facilitate(
    store: Store, ids: list[UUID], rule: Callable[..., str | None] = not_facilitating_yet
) -> None:
    """Refuse with the rule's sentence (`may_start_with` for a start) anyone it refuses."""
    known = {person.id: person for person in store.facilitators()}
    sentence = rule(store, [known[i] for i in ids if i in known])
    if sentence is not None:
        raise PathError(sentence)


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    """One past session as the history lists it."""

    session_id: UUID
    date: dt.date
    facilitators: str
    head_count: int
    themes: str
    in_progress: bool


def history_rows(store: Store, group_id: UUID) -> list[HistoryRow]:
    """The group's sessions, newest first: date, facilitators, head count, themes."""
    names = {person.id: person.display_name for person in store.facilitators()}
    return [
        HistoryRow(
            session.id,
            session.date,
            " & ".join(names.get(person, "?") for person in session.facilitator_ids) or "—",
            session.head_count,
            "; ".join(session.themes) or "—",
            session.status is SessionStatus.IN_PROGRESS,
        )
        for session in store.sessions(group_id)
    ]


def plan_of(store: Store, session: Session) -> str:
    """The plan a session followed, by its name: 'Hearing voices group, version 2, 18:30–20:00'.

    Times are the laptop's local times.
    """
    name = _plan_name(store, session)
    text = f"{name}, version {session.template_version}"
    if session.started_at:
        text += f", {dates.clock(session.started_at)}"
        if session.ended_at:
            text += f"–{dates.clock(session.ended_at)}"
    return text


def _plan_name(store: Store, session: Session) -> str:
    try:
        group = store.group(session.group_id)
    except NotFound:
        group = None
    if (
        group is not None
        and group.template is not None
        and group.template.key == (session.template_key)
    ):
        return group.template.name
    for variant in TEMPLATE_VARIANTS:
        shipped = shipped_template(variant)
        if shipped.key == session.template_key:
            return shipped.name
    if group is not None:
        return template_for(group).name
    return "the session plan"


def start_wording(store: Store, group: Group, day: dt.date, noun: str) -> str:
    """The title of the start dialog, saying when `day` is not the group's usual day and when
    a session of the group already ended that day."""
    ended = [
        session
        for session in store.sessions(group.id)
        if session.date == day and session.status is SessionStatus.ENDED
    ]
    if ended:
        last = max(ended, key=lambda session: session.ended_at or session.created_at)
        when = f" at {dates.clock(last.ended_at)}" if last.ended_at else ""
        return f"Today's {noun} ended{when}: {group.name}. Start another one today?"
    if day not in group.pattern.dates_from(day, 1):
        usual = WEEKDAYS[group.pattern.weekday]
        return f"Not the usual day: {group.name} meets on {usual}s. Start a {noun} today anyway?"
    return f"Start today's {noun}: {group.name}"


def session_in_progress(store: Store, group_id: UUID | None = None) -> Session | None:
    """The most recently started session still in progress (of one group, if given)."""
    found = [
        session
        for session in store.sessions_in_progress()
        if group_id is None or session.group_id == group_id
    ]
    if not found:
        return None
    return max(found, key=lambda session: session.started_at or session.created_at)


def describe_in_progress(store: Store, session: Session) -> str:
    """One sentence saying which session is in progress and where it was (no names)."""
    group = store.group(session.group_id)
    template = template_for(group)
    phase = phase_of(session, template)
    index = min(session.current_phase, len(template.phases) - 1)
    started = f" at {dates.clock(session.started_at)}" if session.started_at else ""
    text = (
        f"{group.name}, started{started} on {dates.day(session.date, year=False)}: part "
        f"{index + 1} of {len(template.phases)} ({phase.title})"
    )
    if session.room_view:
        return text + ". The room view is on: names and counts stay hidden."
    return text + f", {session.head_count} in the room."
