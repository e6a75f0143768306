"""The planning problem, built from `rules` and nothing else: who could be on each session,
and the constraints every rule gives the solver.

Facilitators are small integers here (active ones, by name then id), sessions too (by date,
then group name). `Problem` holds no search of its own; `solver` finds the rota.

- Rules about one person on one day (`rules.person_breaks` with nothing else on the rota)
  decide who is a candidate for a session at all.
- One session a day and the monthly limits are counted over the whole rota: `day_rows` and
  `month_rows` give, per person, the sessions that share a day or a month and the room left
  once the fixed sessions (published and earlier ones) are taken off.
- Every rule about who is on a session together gives its constraints through
  `rules.session_constraints`, for that session's own group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from voicesgroup.models import Facilitator, Group, RotaAssignment
from voicesgroup.rota import rules


@dataclass(frozen=True)
class PlannedSession:
    """One meeting of one group that needs a lead and a co-facilitator."""

    group_id: UUID
    date: dt.date


def person_key(facilitator: Facilitator) -> tuple[str, str, str]:
    """The order people are taken in (and ties broken by): name, then id."""
    return (facilitator.display_name.casefold(), facilitator.display_name, str(facilitator.id))


def group_key(group: Group) -> tuple[str, str, str]:
    """The order groups are taken in: name, then id."""
    return (group.name.casefold(), group.name, str(group.id))


def _order(a: RotaAssignment) -> tuple[dt.date, str, str]:
    return (a.date, str(a.group_id), str(a.id))


@dataclass
class SessionConstraint:
    """A session rule's constraint over the candidates of one session, by index: at most
    `most` of `people`, less as many of `partners` as are on it (`rules.AtMost` has no
    partners; `rules.Needs` is `people` minus `partners` at most 0)."""

    people: tuple[int, ...]
    most: int = 0
    partners: tuple[int, ...] = ()


@dataclass
class Problem:
    """What the solver needs, and what choosing roles and explaining the rota afterwards need."""

    facs: list[Facilitator]
    groups: dict[UUID, Group]
    sessions: list[PlannedSession]
    keep: list[RotaAssignment]
    candidates: list[list[int]] = field(default_factory=list)
    constraints: list[list[SessionConstraint]] = field(default_factory=list)
    day_rows: list[list[int]] = field(default_factory=list)
    """Sessions on one day, for one person: at most one of them (one session a day)."""
    month_rows: list[tuple[list[int], int, int]] = field(default_factory=list)
    """(sessions in one month, person, places left to them that month)."""
    base: list[int] = field(default_factory=list)
    """Each person's kept (published) sessions inside the planned weeks."""
    eligible: list[int] = field(default_factory=list)
    """Who counts for the spread (see `planner`)."""
    last_led: list[dt.date | None] = field(default_factory=list)
    pair_times: dict[tuple[int, int], int] = field(default_factory=dict)
    """Sessions two people hold together on the rest of the rota, earlier and kept sessions
    (smaller index first)."""

    @property
    def index(self) -> dict[UUID, int]:
        return {f.id: i for i, f in enumerate(self.facs)}

    def group_of(self, s: int) -> Group:
        return self.groups[self.sessions[s].group_id]


def build(
    groups: Sequence[Group],
    facilitators: Sequence[Facilitator],
    sessions: Sequence[PlannedSession],
    history: Sequence[RotaAssignment],
    keep: Sequence[RotaAssignment],
) -> Problem:
    """The problem of planning `sessions`, with `history` and `keep` fixed."""
    facs = sorted((f for f in facilitators if f.active), key=person_key)
    problem = Problem(
        facs=facs,
        groups={g.id: g for g in groups},
        sessions=list(sessions),
        keep=sorted(keep, key=_order),
    )
    index = problem.index
    planned = {(s.group_id, s.date) for s in sessions}
    kept_ids = {a.id for a in keep}
    first_day = sessions[0].date if sessions else dt.date.max
    busy: set[tuple[int, dt.date]] = set()
    month_used: dict[tuple[int, int, int], int] = defaultdict(int)
    problem.last_led = [None] * len(facs)
    problem.base = [0] * len(facs)
    fixed = [a for a in history if a.id not in kept_ids] + problem.keep
    for past in sorted(fixed, key=_order):
        if (past.group_id, past.date) in planned:
            continue  # an old version of a session being planned now
        ids = [index.get(p) if p is not None else None for p in (past.lead_id, past.co_id)]
        on = sorted({i for i in ids if i is not None})
        for i in on:
            busy.add((i, past.date))
            month_used[i, past.date.year, past.date.month] += 1
        if past.date < first_day and ids[0] is not None:
            problem.last_led[ids[0]] = past.date
        if len(on) == 2:
            pair = (on[0], on[1])
            problem.pair_times[pair] = problem.pair_times.get(pair, 0) + 1
    for kept in problem.keep:
        for person in {p for p in (kept.lead_id, kept.co_id) if p is not None}:
            if person in index:
                problem.base[index[person]] += 1
    _candidates(problem, busy, month_used)
    _counting_rows(problem, month_used)
    _session_constraints(problem)
    problem.eligible = _eligible(problem)
    return problem


def _candidates(
    problem: Problem, busy: set[tuple[int, dt.date]], month_used: dict[tuple[int, int, int], int]
) -> None:
    """Who may be placed on each session, by the rules about one person on one day, with the
    fixed sessions already counted (their days taken, their places in the month used)."""
    free_on: dict[tuple[int, dt.date], bool] = {}
    for session in problem.sessions:
        day = session.date
        found = []
        for i, person in enumerate(problem.facs):
            key = (i, day)
            if key not in free_on:
                free_on[key] = not rules.person_breaks(
                    person,
                    day,
                    elsewhere="another session" if key in busy else None,
                    month_others=month_used.get((i, day.year, day.month), 0),
                )
            if free_on[key]:
                found.append(i)
        problem.candidates.append(found)


def _counting_rows(problem: Problem, month_used: dict[tuple[int, int, int], int]) -> None:
    """One session a day, and each monthly limit, over the planned sessions."""
    by_day: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    by_month: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for s, people in enumerate(problem.candidates):
        day = problem.sessions[s].date
        for i in people:
            by_day[i, day].append(s)
            by_month[i, day.year, day.month].append(s)
    problem.day_rows = [
        [i, *found] for (i, _), found in sorted(by_day.items()) if len(found) > rules.DAY_LIMIT
    ]
    for (i, year, month), found in sorted(by_month.items()):
        limit = rules.month_room(problem.facs[i], month_used.get((i, year, month), 0))
        if limit is not None and len(found) > limit:
            problem.month_rows.append((found, i, limit))


def _session_constraints(problem: Problem) -> None:
    index = problem.index
    # The rules' constraints depend on the group and the candidates alone, and most sessions
    # of a group share their candidates with another: each such case is asked once.
    asked: dict[tuple[UUID, tuple[int, ...]], list[SessionConstraint]] = {}
    for s, people in enumerate(problem.candidates):
        key = (problem.sessions[s].group_id, tuple(people))
        if key in asked:
            problem.constraints.append(asked[key])
            continue
        here = set(people)
        found: list[SessionConstraint] = []
        asked[key] = found
        for each in rules.session_constraints(
            problem.group_of(s), [problem.facs[i] for i in people]
        ):
            members = tuple(sorted(index[p] for p in each.people if index.get(p) in here))
            if isinstance(each, rules.AtMost):
                if len(members) > each.most:
                    found.append(SessionConstraint(members, most=each.most))
            elif members:
                others = tuple(sorted(index[p] for p in each.any_of if index.get(p) in here))
                found.append(SessionConstraint(members, partners=others))
        problem.constraints.append(found)


def _eligible(problem: Problem) -> list[int]:
    """Who counts for the spread (`rules.counted_for_spread`): anyone holding a kept session,
    and anyone who could fill at least one planned session."""
    facs = problem.facs
    holding = [facs[i].id for i, n in enumerate(problem.base) if n]
    sessions = (
        (problem.group_of(s), [facs[i] for i in people])
        for s, people in enumerate(problem.candidates)
    )
    index = problem.index
    return sorted(index[i] for i in rules.counted_for_spread(sessions, holding))
