"""The pairs objectives (requests to work together met, then new pairings of a trainee and an
experienced partner) on any team, not only the seeded classes: the planner reaches CP-SAT's
optimum of the whole order (places, spread, requests, pairings), and the moves that add
pairings (`pairs.more_pairings`) never cost a place, widen the spread, lose a request or break
a rule, whatever rota they start from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.rota_oracle import (
    Fixed,
    could_take,
    on,
    optimum_with_pairs,
    pair_measures,
)
from tests.helpers.rota_instances import NAMES, START, TR, E, T, check_rules
from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    RotaStatus,
    Variant,
)
from voicesgroup.rota import first, generate, model, sessions_for, solver
from voicesgroup.rota.pairs import Pairs, more_pairings

person = st.tuples(
    st.sampled_from([E, E, E, TR, T, T]),
    st.sampled_from([True, False, None]),
    st.lists(st.integers(0, 4), max_size=3, unique=True),
    st.sampled_from([None, None, 1, 2, 3]),
    st.lists(st.integers(0, 7), max_size=2, unique=True),
    st.integers(-1, 60),
    st.booleans(),
)
team = st.lists(person, min_size=3, max_size=8)
meetings = st.lists(
    st.tuples(st.integers(0, 4), st.integers(1, 2), st.booleans()), min_size=1, max_size=3
)


def build(drawn, drawn_groups):
    n = len(drawn)
    people = []
    for k, (training, woman, weekdays, limit, prefers, off, avoids) in enumerate(drawn):
        offs = []
        if off >= 0:
            day = START + dt.timedelta(days=off)
            offs = [DateRange(start=day, end=day + dt.timedelta(days=9))]
        people.append(
            Facilitator(
                id=UUID(int=k + 1),
                display_name=NAMES[k],
                training=training,
                is_woman=woman,
                unavailable_weekdays=weekdays,
                max_per_month=limit,
                prefers=[UUID(int=p % n + 1) for p in prefers if p % n != k],
                avoids=[UUID(int=(k + 2) % n + 1)] if avoids and (k + 2) % n != k else [],
                dates_off=offs,
            )
        )
    groups = [
        Group(
            id=UUID(int=1000 + g),
            name=f"Group {g}",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=weekday, every_weeks=every),
            women_facilitator_rule=women,
        )
        for g, (weekday, every, women) in enumerate(drawn_groups)
    ]
    return people, groups


WEEKS = 8


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(team, meetings)
def test_any_team_is_planned_at_the_optimum_of_every_objective(drawn, drawn_groups):
    people, groups = build(drawn, drawn_groups)
    sessions = sessions_for(groups, START, WEEKS)
    problem = model.build(groups, people, sessions, [], [])
    if not any(problem.candidates):
        return
    result = generate(groups, people, START, WEEKS, explain=False)
    assert result.proven
    check_rules(groups, people, [], result)
    who = could_take(groups, people, sessions, Fixed())
    most, spread, requests, pairings = optimum_with_pairs(groups, people, sessions, Fixed(), who)
    assert sum(len(on(a)) for a in result.assignments) == most
    assert result.spread == spread
    assert pair_measures(people, result.assignments, Fixed()) == (requests, pairings)


def as_rota(problem, people):
    """A rota of `people` (who is on each session), roles as the planner gives them."""
    roles = solver.rotate_leads(problem, people)
    return SimpleNamespace(
        assignments=[
            RotaAssignment(
                group_id=session.group_id,
                date=session.date,
                lead_id=problem.facs[lead].id if lead is not None else None,
                co_id=problem.facs[co].id if co is not None else None,
                status=RotaStatus.DRAFT,
            )
            for session, (lead, co) in zip(problem.sessions, roles, strict=True)
        ]
    )


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(team, meetings, st.randoms(use_true_random=False))
def test_moves_that_add_pairings_lose_nothing(drawn, drawn_groups, shuffle):
    """From the first rota with its sessions' people dropped at random (any valid rota, not
    only a good one), the moves keep every rule and every place, never widen the spread, and
    never lose a request or a pairing."""
    people, groups = build(drawn, drawn_groups)
    problem = model.build(groups, people, sessions_for(groups, START, WEEKS), [], [])
    start = first.first_rota(problem)
    start = [found if shuffle.random() < 0.7 else found[:1] for found in start]
    start = [
        found
        if len(found) != 1 or not problem.constraints[s] or _alone_ok(problem, s, found)
        else []
        for s, found in enumerate(start)
    ]
    check_rules(groups, people, [], as_rota(problem, start))
    pairs = Pairs.of(problem)
    moved = more_pairings(problem, start, pairs)
    check_rules(groups, people, [], as_rota(problem, moved))
    assert list(map(len, moved)) == list(map(len, start)), "every place as it was"
    assert spread(problem, moved) <= spread(problem, start)
    before, after = pairs.measures(start), pairs.measures(moved)
    assert after[0] >= before[0] and after[1] >= before[1]


def _alone_ok(problem, s, found) -> bool:
    draft = first.Draft(problem)
    return draft.allowed(s, found)


def spread(problem, people) -> int:
    counts = Counter(i for found in people for i in found)
    loads = [counts[i] + problem.base[i] for i in problem.eligible]
    return max(loads) - min(loads) if loads else 0


class _Unreachable(Pairs):
    """The measures with bounds no rota reaches, so the solver searches both stages."""

    def bounds(self, problem, people):
        return (10**6, 10**6)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(team, meetings)
def test_the_solvers_pairs_model_reaches_the_optimum_on_any_team(drawn, drawn_groups):
    """HiGHS's model of the pairs (each session's ways), searched on every team whatever the
    bounds and moves would have proven: places, spread, requests met and new pairings equal
    CP-SAT's optimum of the whole order, and the rota keeps every rule."""
    people, groups = build(drawn, drawn_groups)
    sessions = sessions_for(groups, START, WEEKS)
    problem = model.build(groups, people, sessions, [], [])
    if not any(problem.candidates):
        return
    pairs = _Unreachable.of(problem)
    found = solver.solve_exactly(problem, first.first_rota(problem), pairs, 300.0, lambda _: None)
    assert found.proven
    check_rules(groups, people, [], as_rota(problem, found.people))
    who = could_take(groups, people, sessions, Fixed())
    most, least, requests, pairings = optimum_with_pairs(groups, people, sessions, Fixed(), who)
    assert sum(map(len, found.people)) == most
    assert spread(problem, found.people) == least
    assert pairs.measures(found.people) == (requests, pairings)
