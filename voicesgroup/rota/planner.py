"""The rota planner: who leads and who co-facilitates each session, fairly.

Everything here is a pure function of its arguments: no files, no clock, no randomness. The
hard rules are `rules`' (each stated there once, with the constraint it gives the solver);
`model` builds the planning problem from them and `solver` solves it exactly. Sessions in
`keep` (the published ones inside the planned weeks) are fixed inputs: never planned again,
and they count for days, monthly limits, the spread and lead rotation; `history` (the rest of
the rota) counts for days, limits and rotation.

The objective, in order: (1) the most places filled; (2) the smallest spread; (3) the lead
goes to whoever led least recently, kept and earlier sessions included; (4) the most
requests to work together met, then the most new pairings of a trainee and an experienced
partner (`pairs`). All four are the solver's (`solver.solve`, which proves each). Ties are
broken by name, then id, so the same data give the same rota whatever their order.

**Spread, and who counts for it.** `RotaResult.spread` is the most sessions any *eligible*
facilitator has in the planned weeks (kept sessions included) minus the fewest (counting those
with none). A facilitator is eligible when they hold a kept session in those weeks, or when,
taking each planned session on its own, there is at least one session they could fill under
the hard rules: active, available that day, room left in the month, and a rule-abiding
partner available that day (or able to take the session alone). People with no availability
in the planned weeks are not counted; people with dates off or monthly limits are.

If the solver's time limit (a safety net) is ever reached, `RotaResult.proven` is False and
every reason begins by saying the rota is the best found, not proven.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from voicesgroup import dates as house_dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Facilitator, Group, RotaAssignment, RotaStatus
from voicesgroup.rota import model, reasons, solver
from voicesgroup.rota.model import PlannedSession as PlannedSession
from voicesgroup.rota.model import Problem, group_key
from voicesgroup.rota.solver import Solution

MAX_WEEKS = 156
"""The longest rota the generator plans in one go (three years)."""


class RotaInputError(VoicesGroupError):
    """The rota cannot be planned from what was given; the message says why, in one line."""


@dataclass
class RotaResult:
    """A draft rota: one assignment per planned session, in date order."""

    assignments: list[RotaAssignment]
    open_sessions: list[RotaAssignment]
    spread: int
    sessions: dict[UUID, int] = field(default_factory=dict)
    """Sessions per eligible facilitator (those counted for the spread)."""
    leads: dict[UUID, int] = field(default_factory=dict)
    """Leads per eligible facilitator."""
    spread_bound: int = 0
    """No rota filling as many places can have a smaller spread than this."""
    proven: bool = True
    """False when the solver's time limit was reached first: the best rota found, not proven."""

    @property
    def as_even_as_possible(self) -> bool:
        """True when the spread is proven to be the smallest possible."""
        return self.spread <= self.spread_bound


# --------------------------------------------------------------------------------------------
# Words


def _day(day: dt.date) -> str:
    return house_dates.date(day)


# --------------------------------------------------------------------------------------------
# Sessions


def check_weeks(weeks: int) -> None:
    """Refuse a number of weeks the planner cannot use, in one sentence."""
    if weeks <= 0:
        raise RotaInputError(f"A rota needs at least one week (got {weeks}).")
    if weeks > MAX_WEEKS:
        raise RotaInputError(f"A rota can cover at most {MAX_WEEKS} weeks (got {weeks}).")


def check_groups(groups: Sequence[Group]) -> None:
    """Refuse to plan for no group, or only archived ones."""
    if not groups:
        raise RotaInputError("There are no groups to plan a rota for.")
    if all(g.archived for g in groups):
        raise RotaInputError("Every group is archived, so there is nothing to plan.")


def check_facilitators(facilitators: Sequence[Facilitator]) -> None:
    """Refuse to plan with nobody, or with nobody active."""
    if not any(f.active for f in facilitators):
        raise RotaInputError(
            "There are no active facilitators to put on the rota."
            if facilitators
            else "There are no facilitators to put on the rota."
        )


def sessions_for(groups: Sequence[Group], start: dt.date, weeks: int) -> list[PlannedSession]:
    """Every meeting of every (non-archived) group in the `weeks` weeks from `start`.

    Dates come from each group's `MeetingPattern.dates_from`; a group with a `first_date` in
    the future has no sessions before it. Sorted by date, then group name.
    """
    check_weeks(weeks)
    end = start + dt.timedelta(weeks=weeks)
    found: list[tuple[dt.date, tuple[str, str, str], PlannedSession]] = []
    for group in groups:
        if group.archived:
            continue
        first = group.pattern.first_date
        for day in group.pattern.dates_from(start, weeks):
            if start <= day < end and (first is None or day >= first):
                found.append((day, group_key(group), PlannedSession(group.id, day)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [session for _, _, session in found]


# --------------------------------------------------------------------------------------------
# The rota, then its reasons


def _build(
    problem: Problem,
    solution: Solution,
    history: Sequence[RotaAssignment],
    everyone: Sequence[Facilitator],
    *,
    explain: bool,
) -> RotaResult:
    """The rota: the solver's people and roles, then a reason for each session, true of the
    whole rota."""
    facs = problem.facs
    index = problem.index
    leads = [0] * len(facs)
    counts = list(problem.base)
    for kept in problem.keep:
        i = index.get(kept.lead_id) if kept.lead_id else None
        if i is not None:
            leads[i] += 1
    assignments: list[RotaAssignment] = []
    for s, session in enumerate(problem.sessions):
        for i in solution.people[s]:
            counts[i] += 1
        lead, co = solution.roles[s]
        assignments.append(
            RotaAssignment(
                group_id=session.group_id,
                date=session.date,
                lead_id=facs[lead].id if lead is not None else None,
                co_id=facs[co].id if co is not None else None,
                status=RotaStatus.DRAFT,
            )
        )
        if lead is not None:
            leads[lead] += 1
    if explain:
        whole = [*history, *problem.keep, *assignments]
        groups = list(problem.groups.values())
        found = reasons.explain_all(whole, everyone, groups, [a.id for a in assignments])
        prefix = "" if solution.proven else reasons.NOT_PROVEN + " "
        assignments = [
            a.model_copy(update={"reason": reasons.clip(prefix + found[a.id])}) for a in assignments
        ]
    eligible = problem.eligible
    spread = max(counts[i] for i in eligible) - min(counts[i] for i in eligible) if eligible else 0
    return RotaResult(
        assignments=assignments,
        open_sessions=[a for a in assignments if a.is_open],
        spread=spread,
        sessions={facs[i].id: counts[i] for i in eligible},
        leads={facs[i].id: leads[i] for i in eligible},
        spread_bound=min(solution.spread_bound, spread),
        proven=solution.proven,
    )


def generate(
    groups: Sequence[Group],
    facilitators: Sequence[Facilitator],
    start: dt.date,
    weeks: int,
    history: Sequence[RotaAssignment] = (),
    keep: Sequence[RotaAssignment] = (),
    *,
    explain: bool = True,
) -> RotaResult:
    """A draft rota for `weeks` weeks from `start`: every hard rule kept, counts balanced.

    `keep` holds the sessions inside those weeks that stay as they are (published ones): they
    are never planned again, and they count for monthly limits, days, the spread and lead
    rotation. `history` is the rest of the rota (earlier sessions, other groups): it counts for
    limits, days and rotation. The result holds only the newly planned sessions.

    Raises `RotaInputError` when there is nothing to plan or nobody to plan it with. See the
    module docstring for the rules and for how the spread is measured.
    """
    check_weeks(weeks)
    check_groups(groups)
    check_facilitators(facilitators)
    every = sessions_for(groups, start, weeks)
    if not every:
        raise RotaInputError(f"No group meets in the {weeks} weeks from {_day(start)}.")
    kept = {(a.group_id, a.date) for a in keep}
    sessions = [s for s in every if (s.group_id, s.date) not in kept]
    if not sessions:
        raise RotaInputError(
            f"Every session in the {weeks} weeks from {_day(start)} is already kept on the rota."
        )
    problem = model.build(groups, facilitators, sessions, history, keep)
    if not any(problem.candidates):
        first, last = sessions[0].date, sessions[-1].date
        raise RotaInputError(
            "Every facilitator is away or unavailable for all the planned sessions "
            f"({_day(first)} to {_day(last)})."
        )
    return _build(problem, solver.solve(problem), history, facilitators, explain=explain)
