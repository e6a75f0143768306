"""The coordinator's review of a rota: load per person, gaps, rule breaks, planned against actual.

Rule breaks are found by `rules`' own checks and worded in its sentences. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from voicesgroup import dates
from voicesgroup.models import Facilitator, Group, RotaAssignment
from voicesgroup.rota import rules
from voicesgroup.rota.reasons import NOT_PROVEN, RotaIndex


@dataclass(frozen=True)
class FacilitatorLoad:
    """One facilitator's figures in a rota review."""

    facilitator_id: UUID
    name: str
    planned_leads: int
    planned_co: int
    actual: int | None
    """Sessions actually facilitated; None when no record of actual sessions was given."""
    last_facilitated: dt.date | None
    next_due: dt.date | None

    @property
    def planned(self) -> int:
        return self.planned_leads + self.planned_co


SPREAD_MEANS = (
    "planned sessions, most minus fewest, among active facilitators who could take at least "
    "one of these sessions."
)
"""What the review's spread counts, said after "Spread N: " on the screen and the command line."""
NO_GAPS = "No gaps: every place is filled."
NO_BREAKS = "No rules broken."
NO_DIFFERENCES = "Planned and actual agree (or no session in this period has ended yet)."


@dataclass(frozen=True)
class Review:
    """The coordinator's view of a rota: load per person, gaps, rule breaks, spread."""

    loads: list[FacilitatorLoad]
    gaps: list[str]
    rule_breaks: list[str]
    differences: list[str]
    """Planned versus actual, one sentence per session that went differently."""
    spread: int
    unproven: int = 0
    """Sessions planned when the planner stopped at its time limit (best found, not proven)."""

    @property
    def proven(self) -> bool:
        """Whether every session reviewed was planned to a proven optimum."""
        return self.unproven == 0

    def unproven_words(self) -> str:
        """The label for sessions the planner did not prove ("" when there are none)."""
        if self.proven:
            return ""
        return f"{self.unproven} of these sessions: {NOT_PROVEN}"


def _sort_key(facilitator: Facilitator) -> tuple[str, str, str]:
    return (facilitator.display_name.casefold(), facilitator.display_name, str(facilitator.id))


def _group_key(group: Group) -> tuple[str, str, str]:
    return (group.name.casefold(), group.name, str(group.id))


def review(
    assignments: Sequence[RotaAssignment],
    sessions_actual: Mapping[tuple[UUID, dt.date], Sequence[UUID]] | None,
    facilitators: Sequence[Facilitator],
    start: dt.date | None = None,
    end: dt.date | None = None,
    group_id: UUID | None = None,
    *,
    groups: Sequence[Group] = (),
    today: dt.date | None = None,
    waiting: Collection[UUID] = (),
) -> Review:
    """The coordinator's review of a rota between `start` and `end` (inclusive, optional).

    Per facilitator: planned leads and co-facilitations, sessions actually facilitated (from
    `sessions_actual`, keyed by (group id, date), when given), the last date they facilitated
    and when they are next due. "Last facilitated" is the latest actual session when actuals
    are given, else the latest planned session before `today`. "Next due" is the first planned
    session on or after `today`, or, without `today`, the first planned session after the last
    one they facilitated; a session that has ended (in `sessions_actual`) is never next due.
    Gaps (open places) and rule breaks come as sentences; `groups` lets them name the group
    and check the women facilitator rule. With `today`, rule breaks are those of sessions to
    come: a session held is history (what happened is in planned against actual), and is not
    judged by anyone's availability or training today, as the guard on changes does not. The
    spread is planned sessions, most minus fewest, among those who count for it as the
    planner counts them (`rules.counted_for_spread`): active facilitators on one of these
    sessions or free to take one (counting those with none); `waiting` are those the path
    keeps off the rota for now, who count only when they hold a session.
    """
    window = _Window(start, end, group_id)
    by_id = {f.id: f for f in facilitators}
    group_by_id = {g.id: g for g in groups}

    def order(a: RotaAssignment) -> tuple[dt.date, tuple[str, str, str], str]:
        group = group_by_id.get(a.group_id)
        return (a.date, _group_key(group) if group else ("", "", str(a.group_id)), str(a.id))

    chosen = sorted((a for a in assignments if window.wants(a.date, a.group_id)), key=order)
    actual = (
        {key: list(ids) for key, ids in sessions_actual.items() if window.wants(key[1], key[0])}
        if sessions_actual is not None
        else None
    )
    index = RotaIndex(assignments, facilitators, groups)
    coming = _ToCome(today, set(sessions_actual or {}))
    gaps, breaks = _gaps_and_breaks(chosen, group_by_id, index, coming)
    differences = _differences(chosen, actual, group_by_id, by_id) if actual is not None else []
    mine = _by_person(chosen)
    done = _done_by_person(actual) if actual is not None else None
    loads = [
        load
        for f in sorted(facilitators, key=_sort_key)
        if (
            load := _load_of(
                f, mine.get(f.id, []), None if done is None else done.get(f.id, []), coming
            )
        )
        is not None
    ]
    planned = {load.facilitator_id: load.planned for load in loads}
    counted = [planned.get(i, 0) for i in _counted(chosen, facilitators, group_by_id, waiting)]
    spread = max(counted) - min(counted) if counted else 0
    unproven = sum(1 for a in chosen if (a.reason or "").startswith(NOT_PROVEN))
    return Review(loads, gaps, breaks, differences, spread, unproven)


def _counted(
    chosen: Sequence[RotaAssignment],
    facilitators: Sequence[Facilitator],
    group_by_id: Mapping[UUID, Group],
    waiting: Collection[UUID],
) -> set[UUID]:
    """Who counts for the review's spread: the planner's rule, over the sessions reviewed, with
    each session's free people those its day's rules about one person allow."""
    active = [f for f in facilitators if f.active]
    placeable = [f for f in active if f.id not in waiting]
    holding = {i for a in chosen for i in (a.lead_id, a.co_id) if i is not None}
    free_on: dict[dt.date, list[Facilitator]] = {}
    for day in {a.date for a in chosen}:
        free_on[day] = [
            f for f in placeable if not rules.person_breaks(f, day, elsewhere=None, month_others=0)
        ]
    sessions = ((group_by_id.get(a.group_id), free_on[a.date]) for a in chosen)
    found = rules.counted_for_spread(sessions, holding)
    return {f.id for f in active if f.id in found}


@dataclass(frozen=True)
class _Window:
    """The part of the rota under review: between `start` and `end`, in one group or all."""

    start: dt.date | None
    end: dt.date | None
    group_id: UUID | None

    def wants(self, day: dt.date, gid: UUID) -> bool:
        """Whether a session of group `gid` on `day` is under review."""
        return (
            (self.start is None or day >= self.start)
            and (self.end is None or day <= self.end)
            and (self.group_id is None or gid == self.group_id)
        )


@dataclass(frozen=True)
class _ToCome:
    """Which sessions are still to come, so a session held is judged as history, not today."""

    today: dt.date | None
    ended: set[tuple[UUID, dt.date]]

    def __call__(self, a: RotaAssignment) -> bool:
        """Not yet held: on or after `today` (every session without `today`), not ended."""
        ended = (a.group_id, a.date) in self.ended
        return (self.today is None or a.date >= self.today) and not ended


def _where(group_by_id: Mapping[UUID, Group], gid: UUID, day: dt.date) -> str:
    """A session named for the coordinator: its group (when known) and its day."""
    group = group_by_id.get(gid)
    label = group.name if group else "the session"
    return f"{label} on {dates.day(day)}"


def _who(by_id: Mapping[UUID, Facilitator], fid: UUID | None) -> str:
    """A facilitator's name, or a plain phrase for an id the list does not hold."""
    f = by_id.get(fid) if fid is not None else None
    return f.display_name if f else "someone not on the facilitator list"


def _gaps_and_breaks(
    chosen: Sequence[RotaAssignment],
    group_by_id: Mapping[UUID, Group],
    index: RotaIndex,
    coming: _ToCome,
) -> tuple[list[str], list[str]]:
    """The open places, and the rules broken by sessions to come, each as a sentence."""
    gaps: list[str] = []
    breaks: list[str] = []
    for a in chosen:
        place = _where(group_by_id, a.group_id, a.date)
        if a.lead_id is None and a.co_id is None:
            gaps.append(f"{place} has nobody yet.")
        elif a.lead_id is None:
            gaps.append(f"{place} has no lead.")
        elif a.co_id is None:
            gaps.append(f"{place} has no co-facilitator.")
        if coming.today is None or coming(a):
            breaks.extend(f"{place}: {b.sentence}" for b in session_breaks(a, index))
    return gaps, breaks


def _differences(
    chosen: Sequence[RotaAssignment],
    actual: Mapping[tuple[UUID, dt.date], Sequence[UUID]],
    group_by_id: Mapping[UUID, Group],
    by_id: Mapping[UUID, Facilitator],
) -> list[str]:
    """Planned against actual: one sentence for each ended session that went differently."""
    differences: list[str] = []
    for a in chosen:
        planned = {a.lead_id, a.co_id} - {None}
        did = actual.get((a.group_id, a.date))
        if did is None:
            continue
        missing = sorted((_who(by_id, i) for i in planned - set(did)), key=str.casefold)
        extra = sorted((_who(by_id, i) for i in set(did) - planned), key=str.casefold)
        if missing or extra:
            text = _where(group_by_id, a.group_id, a.date)
            bits = []
            if missing:
                bits.append(f"{' and '.join(missing)} planned but did not facilitate")
            if extra:
                bits.append(f"{' and '.join(extra)} facilitated instead")
            differences.append(f"{text}: " + "; ".join(bits) + ".")
    return differences


def _by_person(chosen: Sequence[RotaAssignment]) -> dict[UUID, list[RotaAssignment]]:
    """The sessions each facilitator holds among `chosen`, in its order (one pass over it)."""
    found: dict[UUID, list[RotaAssignment]] = {}
    for a in chosen:
        for fid in dict.fromkeys(i for i in (a.lead_id, a.co_id) if i is not None):
            found.setdefault(fid, []).append(a)
    return found


def _done_by_person(
    actual: Mapping[tuple[UUID, dt.date], Sequence[UUID]],
) -> dict[UUID, list[dt.date]]:
    """The days each facilitator actually facilitated, in order (one pass over `actual`)."""
    found: dict[UUID, list[dt.date]] = {}
    for (_, day), ids in actual.items():
        for fid in dict.fromkeys(ids):
            found.setdefault(fid, []).append(day)
    for days in found.values():
        days.sort()
    return found


def _load_of(
    f: Facilitator,
    mine: Sequence[RotaAssignment],
    done_days: Sequence[dt.date] | None,
    coming: _ToCome,
) -> FacilitatorLoad | None:
    """One facilitator's figures (None for someone inactive with nothing planned): from the
    sessions they hold under review (`mine`) and the days they actually facilitated (None:
    no record of actual sessions was given)."""
    today = coming.today
    planned_leads = sum(1 for a in mine if a.lead_id == f.id)
    planned_co = len(mine) - planned_leads
    if not f.active and not mine:
        return None
    if done_days is not None:
        last = done_days[-1] if done_days else None
    elif today is not None:
        last = max((a.date for a in mine if a.date < today), default=None)
    else:
        last = None
    if today is not None:
        upcoming = [a.date for a in mine if coming(a)]
    else:
        upcoming = [a.date for a in mine if last is None or a.date > last]
    return FacilitatorLoad(
        facilitator_id=f.id,
        name=f.display_name,
        planned_leads=planned_leads,
        planned_co=planned_co,
        actual=len(done_days) if done_days is not None else None,
        last_facilitated=last,
        next_due=min(upcoming, default=None),
    )


def session_breaks(assignment: RotaAssignment, index: RotaIndex) -> list[rules.Break]:
    """Every hard rule `assignment` breaks, within the rota `index` holds (which may hold
    `assignment` itself, or an older version of it under the same id)."""
    found: list[rules.Break] = []
    ids = [i for i in (assignment.lead_id, assignment.co_id) if i is not None]
    for fid in dict.fromkeys(ids):
        person = index.people.get(fid)
        if person is None:
            found.append(rules.UNKNOWN)
            continue
        found.extend(index.person_breaks(person, assignment))
    lead = index.people.get(assignment.lead_id) if assignment.lead_id else None
    co = index.people.get(assignment.co_id) if assignment.co_id else None
    # A session whose group is gone is checked against every rule that does not need it.
    found.extend(rules.session_breaks(lead, co, index.groups.get(assignment.group_id)))
    return found
