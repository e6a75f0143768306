"""The stored rota, as the app and the command line use it: the store-facing service around the
pure parts of `voicesgroup.rota` (planner, reasons, cover, review, rules).

Here live the rules about *the stored rota*:

- Generating replaces the DRAFT sessions of the chosen groups in the chosen weeks and keeps
  every PUBLISHED one: those are the planner's `keep` (never planned again; they count for
  limits, days, the spread and lead rotation). Everything else that stays on the rota
  (sessions before the start, other groups' drafts) is the planner's history.
- Every reason on the rota is true of the rota as it stands: after any change (generating,
  publishing, a swap, cover, a place left open, a facilitator's) the reasons are worked out
  again, by the guard.
- Publishing turns drafts into the rota people rely on. Every change to a session (publishing,
  a swap, cover, a place left open) appends a line to its history.
- A change may not add a rule break: every change goes through `guard.keeping_the_rules`,
  which judges the rota before and after with the review's rule code and refuses a change
  that breaks a rule that was not already broken, with the rule's own sentence. "Can't make
  it" makes that day one of the person's dates off, so no later swap puts them back.

No Textual here: the UI and the CLI both call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from voicesgroup import dates, rota
from voicesgroup.kinds import WEEKDAYS
from voicesgroup.models import (
    Facilitator,
    Group,
    RotaAssignment,
    RotaChange,
    RotaStatus,
)
from voicesgroup.rota import reasons
from voicesgroup.rota.cover import CoverSuggestion
from voicesgroup.rota.guard import (
    RotaChangeRefused,
    RotaState,
    cant_make_it,
    covered,
    keeping_the_rules,
    role_field,
    role_of,
    role_words,
    suggestions_for,
    with_change,
)
from voicesgroup.rota.planner import check_facilitators, check_groups, check_weeks
from voicesgroup.rota.reviewing import review_rota as review_rota  # (its home: reviewing.py)
from voicesgroup.rota.reviewing import rota_span as rota_span
from voicesgroup.store import Store

Role = Literal["lead", "co"]
DEFAULT_WEEKS = 8


# --------------------------------------------------------------------------------------------
# Reading what people type


def parse_date(text: str, what: str = "date") -> dt.date:
    """A date written as YYYY-MM-DD; a clear one-line `RotaInputError` for anything else."""
    return dates.read_day(text, what, error=rota.RotaInputError)


def parse_weeks(text: str) -> int:
    """A number of weeks (1 to the planner's limit); a clear one-line error otherwise."""
    cleaned = text.strip()
    try:
        weeks = int(cleaned)
    except ValueError:
        raise rota.RotaInputError(f"The weeks are a whole number, not {cleaned!r}.") from None
    check_weeks(weeks)
    return weeks


def day_words(day: dt.date) -> str:
    """A date as people say it on a rota: 'Tue 1 Dec 2026'."""
    return dates.day(day)


def short_day(day: dt.date) -> str:
    """A date for a narrow column: 'Tue 1 Dec'."""
    return dates.day(day, year=False)


def availability_words(person: Facilitator, today: dt.date) -> str:
    """A facilitator's availability in a few words: 'not Thu; 3 a month at most; away 16 Dec'."""
    bits: list[str] = []
    if person.unavailable_weekdays:
        days = "/".join(WEEKDAYS[d][:3] for d in sorted(person.unavailable_weekdays))
        bits.append(f"not {days}")
    if person.max_per_month is not None:
        bits.append(f"{person.max_per_month} a month at most")
    coming = sorted((r for r in person.dates_off if r.end >= today), key=lambda r: r.start)
    if coming:
        first = coming[0]
        when = f"{first.start.day} {first.start:%b}"
        if first.end != first.start:
            when += f" to {first.end.day} {first.end:%b}"
        more = f" (+{len(coming) - 1})" if len(coming) > 1 else ""
        bits.append(f"away {when}{more}")
    return "; ".join(bits) or "any day"


# --------------------------------------------------------------------------------------------
# Generating


@dataclass(frozen=True)
class GenerateRequest:
    """What to plan: one group (or all when `group_id` is None), `weeks` weeks from `start`."""

    group_id: UUID | None
    start: dt.date
    weeks: int

    def __post_init__(self) -> None:
        """Refuse weeks reaching past the last day the app reads (`dates.LATEST`), in one
        sentence, before anything is read: a start it accepts cannot carry a plan past it."""
        check_weeks(self.weeks)
        if self.start > dates.LATEST - dt.timedelta(weeks=self.weeks):
            raise rota.RotaInputError(
                f"Planning {self.weeks} week{'s' if self.weeks != 1 else ''} from "
                f"{dates.date(self.start)} reaches past the last day a rota can be planned "
                f"for ({dates.date(dates.LATEST)})."
            )

    @property
    def end(self) -> dt.date:
        """The first day after the planned weeks."""
        return self.start + dt.timedelta(weeks=self.weeks)


@dataclass(frozen=True)
class PreparedGeneration:
    """Everything `rota.generate` needs, read from the store, plus what the result replaces."""

    request: GenerateRequest
    groups: list[Group]
    facilitators: list[Facilitator]
    history: list[RotaAssignment]
    """The rest of the rota: counts for limits, days and rotation."""
    keep: list[RotaAssignment]
    """Published sessions inside the planned weeks: kept as they are, never planned again."""
    replaced_ids: list[UUID]

    @property
    def label(self) -> str:
        """'all groups' or the group's name."""
        if self.request.group_id is None:
            return "all groups"
        return self.groups[0].name


@dataclass(frozen=True)
class GenerateOutcome:
    """What generating did to the stored rota."""

    label: str
    start: dt.date
    end: dt.date
    added: list[RotaAssignment]
    open_sessions: list[RotaAssignment]
    replaced: int
    kept_published: int
    spread: int
    published: bool
    proven: bool = True
    """False when the planner's time limit was reached: the best rota found, not proven."""

    def summary(self) -> str:
        """One or two sentences for a notification or the terminal."""
        last = self.end - dt.timedelta(days=1)
        state = "published" if self.published else "drafts until published"
        words = (
            f"Planned {len(self.added)} session{'s' if len(self.added) != 1 else ''} for "
            f"{self.label}, {day_words(self.start)} to {day_words(last)} ({state})."
        )
        if self.kept_published:
            words += f" Kept {self.kept_published} already published."
        if self.open_sessions:
            count = len(self.open_sessions)
            words += f" {count} still need{'s' if count == 1 else ''} a facilitator."
        else:
            words += " Every place is filled."
        words += f" Spread {self.spread} (most sessions minus fewest)."
        return words if self.proven else f"{words} {reasons.NOT_PROVEN}"


class AlreadyPublished(rota.RotaInputError):
    """Every session in the chosen weeks is already published; `first_open` is the first
    meeting after them without a published session (None when none is in reach)."""

    def __init__(self, message: str, first_open: dt.date | None) -> None:
        super().__init__(message)
        self.first_open = first_open


def _covered_words(days: list[dt.date]) -> str:
    if len(days) <= 4:
        return ", ".join(dates.day(d, year=False) for d in days)
    return f"{dates.day(days[0], year=False)} to {dates.day(days[-1], year=False)}"


def first_open_date(
    store: Store, group_id: UUID | None, start: dt.date, *, weeks: int = rota.MAX_WEEKS
) -> dt.date | None:
    """The first meeting on or after `start` (of one group, or any) with no published session."""
    groups = store.groups() if group_id is None else [store.group(group_id)]
    published = {
        (item.group_id, item.date) for item in store.rota() if item.status is RotaStatus.PUBLISHED
    }
    for session in rota.sessions_for(groups, start, weeks):
        if (session.group_id, session.date) not in published:
            return session.date
    return None


def plan_start(store: Store, group_id: UUID | None, today: dt.date) -> dt.date:
    """Where planning starts by default: today, unless the meetings from today are already
    published, then the first meeting that is not."""
    groups = store.groups() if group_id is None else [store.group(group_id)]
    published = {
        (item.group_id, item.date) for item in store.rota() if item.status is RotaStatus.PUBLISHED
    }
    for session in rota.sessions_for(groups, today, rota.MAX_WEEKS):
        if (session.group_id, session.date) in published:
            return first_open_date(store, group_id, today) or today
        return today
    return today


def prepare_generation(store: Store, request: GenerateRequest) -> PreparedGeneration:
    """Read the groups, facilitators and kept rota for `request` (nothing is changed yet).

    Raises `rota.RotaInputError` (one sentence) for an impossible request, and
    `AlreadyPublished` (naming the dates covered and the first open one) when every session
    in the chosen weeks is already published.
    """
    check_weeks(request.weeks)
    if request.group_id is None:
        groups = store.groups()
        check_groups(groups)
    else:
        group = store.group(request.group_id)
        if group.archived:
            raise rota.RotaInputError(f"The group {group.name} is archived: nothing to plan.")
        groups = [group]
    facilitators = rosterable(store)
    check_facilitators(facilitators)
    chosen = {group.id for group in groups}
    start, end = request.start, request.end

    replaced: list[RotaAssignment] = []
    keep: list[RotaAssignment] = []
    history: list[RotaAssignment] = []
    for item in store.rota():
        in_range = item.group_id in chosen and start <= item.date < end
        if in_range and item.status is RotaStatus.DRAFT:
            replaced.append(item)
        elif in_range:
            keep.append(item)
        else:
            history.append(item)
    planned = rota.sessions_for(groups, start, request.weeks)
    kept = {(a.group_id, a.date) for a in keep}
    if planned and all((s.group_id, s.date) in kept for s in planned):
        label = "all groups" if request.group_id is None else groups[0].name
        covered = sorted({s.date for s in planned})
        first_open = first_open_date(store, request.group_id, end)
        words = (
            f"Nothing to plan: every session for {label} from {day_words(start)} to "
            f"{day_words(end - dt.timedelta(days=1))} is already published "
            f"({_covered_words(covered)})."
        )
        if first_open is not None:
            words += f" The first date without a published session is {day_words(first_open)}."
        raise AlreadyPublished(words, first_open)
    return PreparedGeneration(
        request=request,
        groups=groups,
        facilitators=facilitators,
        history=history,
        keep=keep,
        replaced_ids=[item.id for item in replaced],
    )


def plan_generation(prepared: PreparedGeneration) -> rota.RotaResult:
    """Run the planner (pure: safe in a worker thread)."""
    request = prepared.request
    return rota.generate(
        prepared.groups,
        prepared.facilitators,
        request.start,
        request.weeks,
        prepared.history,
        keep=prepared.keep,
        explain=False,  # apply_generation works out every reason on the saved rota
    )


def apply_generation(
    store: Store,
    prepared: PreparedGeneration,
    result: rota.RotaResult,
    *,
    publish: bool = False,
    today: dt.date | None = None,
) -> GenerateOutcome:
    """Replace the drafts in range with the new plan (one save), optionally publishing it."""
    new = list(result.assignments)
    if not result.proven:  # the label stays when the reasons are worked out again
        new = [a.model_copy(update={"reason": reasons.NOT_PROVEN}) for a in new]
    if publish:
        new = [_published(a) for a in new]
    with keeping_the_rules(store, today=today):
        store.delete_rota(prepared.replaced_ids)
        store.save_rota(new)
    request = prepared.request
    added_ids = {a.id for a in new}
    added = [a for a in store.rota() if a.id in added_ids]
    added.sort(key=lambda a: (a.date, str(a.group_id)))
    return GenerateOutcome(
        label=prepared.label,
        start=request.start,
        end=request.end,
        added=added,
        open_sessions=[a for a in added if a.is_open],
        replaced=len(prepared.replaced_ids),
        kept_published=len(prepared.keep),
        spread=result.spread,
        published=publish,
        proven=result.proven,
    )


def generate_rota(
    store: Store, request: GenerateRequest, *, publish: bool = False, today: dt.date | None = None
) -> GenerateOutcome:
    """Prepare, plan and apply in one go (the command line's way)."""
    prepared = prepare_generation(store, request)
    result = plan_generation(prepared)
    return apply_generation(store, prepared, result, publish=publish, today=today)


# --------------------------------------------------------------------------------------------
# Publishing


def _published(assignment: RotaAssignment) -> RotaAssignment:
    return assignment.with_changes(
        status=RotaStatus.PUBLISHED,
        history=[*assignment.history, RotaChange(what="Published.")],
    )


def publish(store: Store, assignment_ids: Iterable[UUID], *, today: dt.date | None = None) -> int:
    """Publish the drafts among `assignment_ids`; returns how many were published."""
    wanted = set(assignment_ids)
    drafts = [
        _published(item)
        for item in store.rota()
        if item.id in wanted and item.status is RotaStatus.DRAFT
    ]
    if drafts:
        with keeping_the_rules(store, today=today):
            store.save_rota(drafts)
    return len(drafts)


# --------------------------------------------------------------------------------------------
# The rota in words


@dataclass(frozen=True)
class RotaLine:
    """One session of the rota, in words, with the assignment behind it."""

    assignment: RotaAssignment
    group: str
    lead: str
    co: str

    @property
    def id(self) -> UUID:
        """The assignment's id."""
        return self.assignment.id

    @property
    def date(self) -> dt.date:
        """The session's date."""
        return self.assignment.date

    @property
    def status(self) -> str:
        """'draft' or 'published', with 'open' added while a place is empty."""
        status = self.assignment.status.value
        return f"{status}, open" if self.assignment.is_open else status

    @property
    def is_draft(self) -> bool:
        """True until the session is published."""
        return self.assignment.status is RotaStatus.DRAFT

    @property
    def reason(self) -> str:
        """Why the planner chose these people, or why a place is open."""
        return self.assignment.reason

    @property
    def people(self) -> list[tuple[UUID, str, Role]]:
        """Who is on this session: (id, name, role), the lead first."""
        item = self.assignment
        places: list[tuple[UUID | None, str, Role]] = [
            (item.lead_id, self.lead, "lead"),
            (item.co_id, self.co, "co"),
        ]
        return [(fid, name, role) for fid, name, role in places if fid is not None]

    def as_dict(self) -> dict[str, object]:
        """The line as plain data (for JSON)."""
        return {
            "id": str(self.id),
            "date": self.date.isoformat(),
            "weekday": WEEKDAYS[self.date.weekday()],
            "group": self.group,
            "lead": self.lead or None,
            "co": self.co or None,
            "status": self.assignment.status.value,
            "open": self.assignment.is_open,
            "reason": self.reason,
            "proven": not self.reason.startswith(reasons.NOT_PROVEN),
            "history": [
                {"on": change.on.isoformat(), "what": change.what}
                for change in self.assignment.history
            ],
        }


NOBODY_ON_IT = "Nobody is on this session yet."


def rota_lines(store: Store, group_id: UUID | None = None) -> list[RotaLine]:
    """The stored rota (one group's, or all), in date order then group name."""
    groups = {group.id: group.name for group in store.groups(include_archived=True)}
    people = {person.id: person.display_name for person in store.facilitators()}

    def name(fid: UUID | None) -> str:
        return people.get(fid, "someone no longer listed") if fid is not None else ""

    lines = [
        RotaLine(
            item, groups.get(item.group_id, "a removed group"), name(item.lead_id), name(item.co_id)
        )
        for item in store.rota(group_id)
    ]
    lines.sort(key=lambda line: (line.date, line.group.casefold()))
    return lines


# --------------------------------------------------------------------------------------------
# Changes, each through the one guard (`guard.keeping_the_rules`)


def _people_on(assignment: RotaAssignment) -> list[UUID]:
    return [fid for fid in (assignment.lead_id, assignment.co_id) if fid is not None]


def _session(state: RotaState, assignment_id: UUID) -> RotaAssignment:
    found = state.rota.get(assignment_id)
    if found is None:
        raise RotaChangeRefused("That session is no longer on the rota.")
    return found


def _saved(store: Store, ids: Iterable[UUID]) -> dict[UUID, RotaAssignment]:
    current = {item.id: item for item in store.rota()}
    return {key: current[key] for key in ids}


def swap_roles(
    store: Store, assignment_id: UUID, *, today: dt.date | None = None
) -> RotaAssignment:
    """The lead co-facilitates and the co-facilitator leads; kept as history."""
    state = RotaState.read(store)
    item = _session(state, assignment_id)
    if item.lead_id is None or item.co_id is None:
        raise RotaChangeRefused(
            "Not changed: swapping roles needs two people, and this session has an open place."
        )
    lead, co = state.name(item.lead_id), state.name(item.co_id)
    changed = with_change(
        item,
        f"Roles swapped: {co} leads, {lead} co-facilitates.",
        lead_id=item.co_id,
        co_id=item.lead_id,
    )
    with keeping_the_rules(store, today=today):
        store.save_rota([changed])
    return _saved(store, [item.id])[item.id]


def _placed(role: Role, fid: UUID | None) -> dict[str, UUID | None]:
    return {role_field(role): fid}


def swap_people(
    store: Store,
    first_id: UUID,
    first_person: UUID,
    second_id: UUID,
    second_person: UUID,
    *,
    today: dt.date | None = None,
) -> tuple[RotaAssignment, RotaAssignment]:
    """Two people trade places: each takes the other's role on the other's session."""
    if first_id == second_id:
        raise RotaChangeRefused(
            "Not changed: both places are on the same session; swap roles instead."
        )
    state = RotaState.read(store)
    first, second = _session(state, first_id), _session(state, second_id)
    first_role, second_role = role_of(first, first_person), role_of(second, second_person)
    if first_person == second_person:
        raise RotaChangeRefused("Not changed: that is the same person on both sessions.")
    one, other = state.name(first_person), state.name(second_person)
    new_first = with_change(
        first,
        f"{one} swapped with {other} ({state.place(second)}): {other} is now "
        f"{role_words(first_role)}.",
        **_placed(first_role, second_person),
    )
    new_second = with_change(
        second,
        f"{other} swapped with {one} ({state.place(first)}): {one} is now "
        f"{role_words(second_role)}.",
        **_placed(second_role, first_person),
    )
    with keeping_the_rules(store, today=today):
        store.save_rota([new_first, new_second])
    saved = _saved(store, [first.id, second.id])
    return saved[first.id], saved[second.id]


def not_yet_on_the_rota(store: Store) -> set[UUID]:
    """Who the facilitators' path keeps off the rota for now (see `facilitator_path`)."""
    from voicesgroup.facilitator_path import not_yet_on_the_rota as waiting

    return waiting(store)


def rosterable(store: Store) -> list[Facilitator]:
    """The facilitators a rota may place: everyone but those not yet shadowing."""
    waiting = not_yet_on_the_rota(store)
    return [person for person in store.facilitators() if person.id not in waiting]


def cover_suggestions(store: Store, assignment_id: UUID, leaving_id: UUID) -> list[CoverSuggestion]:
    """Who could take over from `leaving_id` on that session, best first, with reasons."""
    state = RotaState.read(store)
    item = _session(state, assignment_id)
    role_of(item, leaving_id)
    return suggestions_for(store, item, leaving_id, state)


def _cant_make_it(
    store: Store,
    assignment_id: UUID,
    leaving_id: UUID,
    cover: CoverSuggestion | None,
    today: dt.date | None,
) -> RotaAssignment:
    """`leaving_id` can't make it: the day becomes one of their dates off (so no later change
    puts them back), and `cover` takes over or the place is left open. One guarded change."""
    state = RotaState.read(store)
    item = _session(state, assignment_id)
    changed = covered(item, leaving_id, cover, state)
    leaving = state.people.get(leaving_id)
    with keeping_the_rules(store, today=today):
        store.save_rota([changed])
        if leaving is not None:
            store.save_facilitator(cant_make_it(leaving, item.date))
    return _saved(store, [item.id])[item.id]


def apply_cover(
    store: Store,
    assignment_id: UUID,
    leaving_id: UUID,
    cover: CoverSuggestion,
    *,
    today: dt.date | None = None,
) -> RotaAssignment:
    """`leaving_id` can't make it and `cover` takes over (roles as suggested); kept as history,
    and the day is one of their dates off from now on."""
    return _cant_make_it(store, assignment_id, leaving_id, cover, today)


def leave_open(
    store: Store, assignment_id: UUID, leaving_id: UUID, *, today: dt.date | None = None
) -> RotaAssignment:
    """`leaving_id` can't make it and nobody covers yet: the place is left open, and the day
    is one of their dates off from now on."""
    return _cant_make_it(store, assignment_id, leaving_id, None, today)


# --------------------------------------------------------------------------------------------
# Review: `reviewing.py` (`review_rota`, `rota_span`, named here too)


def calendar_file(
    store: Store, facilitator_id: UUID | None = None, *, include_drafts: bool = False
) -> tuple[bytes, int]:
    """The rota as an .ics calendar and the number of sessions in it.

    Published sessions only unless `include_drafts`; only `facilitator_id`'s when given.
    Raises `RotaInputError` when there is nothing to put in the calendar.
    """
    from voicesgroup.calendar_export import rota_to_ics

    chosen = [
        item
        for item in store.rota()
        if (include_drafts or item.status is RotaStatus.PUBLISHED)
        and (facilitator_id is None or facilitator_id in _people_on(item))
    ]
    if not chosen:
        whose = ""
        if facilitator_id is not None:
            whose = f" for {store.facilitator(facilitator_id).display_name}"
        kind = "sessions" if include_drafts else "published sessions"
        raise rota.RotaInputError(f"There are no {kind} on the rota{whose} to export.")
    ics = rota_to_ics(
        chosen, store.groups(include_archived=True), store.facilitators(), facilitator_id
    )
    return ics, len(chosen)
