"""The rota's rules and its exact optimum, written from the README and never from the planner.

Shared by tests/core/test_rota.py and tests/core/test_rota_optimal.py, so there is one
independent statement of the hard rules and one CP-SAT model (OR-Tools, a test-only
dependency) to compare the planner with:

- `pair_ok` / `alone_ok`: who may hold a session together, or alone;
- `Fixed`: what sessions already held or published take (days, places in each month);
- `could_take`: who counts for the spread (could fill at least one planned session);
- `optimum`: the most places any valid rota fills and, among those, the least spread;
- `lead_rotation_misses`: the third objective, sessions whose lead led more recently than a
  co-facilitator who could have led (its optimum is 0, see there);
- `optimum_with_pairs` and `pair_measures`: the fourth, the most requests to work together
  met, then the most new pairings of a trainee and an experienced partner.

CP-SAT runs in a process of its own, started once per test process: OR-Tools carries its own
build of HiGHS, which cannot be loaded beside the `highspy` the planner uses, and keeping the
judge out of the planner's process keeps it independent in that sense too.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from voicesgroup.models import Facilitator, Group, RotaAssignment, TrainingStatus
from voicesgroup.rota import PlannedSession

E, T = TrainingStatus.EXPERIENCED, TrainingStatus.IN_TRAINING


def pair_ok(a: Facilitator, b: Facilitator, women: bool) -> bool:
    """Two different people; a trainee only beside someone experienced; nobody beside someone
    either of them asked not to be paired with; a woman among them where the group asks."""
    if a.id == b.id:
        return False
    if (a.training is T and b.training is not E) or (b.training is T and a.training is not E):
        return False
    if b.id in a.avoids or a.id in b.avoids:
        return False
    return not women or a.is_woman is True or b.is_woman is True


def alone_ok(a: Facilitator, women: bool) -> bool:
    """Nobody in training alone; alone in a group that asks for a woman only as a woman."""
    return a.training is not T and (not women or a.is_woman is True)


def on(a: RotaAssignment) -> list[UUID]:
    """Who holds a session (lead first)."""
    return [i for i in (a.lead_id, a.co_id) if i is not None]


class Fixed:
    """What sessions outside the planning take: days taken and places used per month."""

    def __init__(self, taken: Iterable[RotaAssignment] = ()) -> None:
        taken = list(taken)
        self.days = {(i, a.date) for a in taken for i in on(a)}
        self.month = Counter((i, a.date.year, a.date.month) for a in taken for i in set(on(a)))
        self.count = Counter(i for a in taken for i in set(on(a)))
        self.pairs = {frozenset(on(a)) for a in taken if len(set(on(a))) == 2}

    def room(self, f: Facilitator, day: dt.date) -> int:
        """Places left to `f` in `day`'s month."""
        if f.max_per_month is None:
            return 10_000
        return f.max_per_month - self.month[f.id, day.year, day.month]

    def free(self, people: Iterable[Facilitator], day: dt.date) -> list[Facilitator]:
        """Active people who could be placed on `day`: available, not already on a session
        that day, with room left in the month."""
        return [
            f
            for f in people
            if f.active
            and f.available_on(day)
            and (f.id, day) not in self.days
            and self.room(f, day) > 0
        ]


def could_take(
    groups: Sequence[Group],
    people: Sequence[Facilitator],
    sessions: Sequence[PlannedSession],
    fixed: Fixed,
) -> set[UUID]:
    """Active people who could fill at least one of `sessions`, taken one by one: free that
    day, and allowed alone or beside someone else free."""
    rule = {g.id: g.women_facilitator_rule for g in groups}
    found: set[UUID] = set()
    for s in sessions:
        women = rule[s.group_id]
        free = fixed.free(people, s.date)
        for f in free:
            if alone_ok(f, women) or any(pair_ok(f, g, women) for g in free):
                found.add(f.id)
    return found


_JUDGE: concurrent.futures.ProcessPoolExecutor | None = None


def optimum(
    groups: Sequence[Group],
    people: Sequence[Facilitator],
    sessions: Sequence[PlannedSession],
    fixed: Fixed,
    counted: set[UUID],
) -> tuple[int, int]:
    """`solve_optimum`, in the judge's own process (see the module's docstring)."""
    global _JUDGE
    if _JUDGE is None:
        context = multiprocessing.get_context("spawn")
        _JUDGE = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
    job = _JUDGE.submit(solve_optimum, list(groups), list(people), list(sessions), fixed, counted)
    return job.result()[:2]


def optimum_with_pairs(
    groups: Sequence[Group],
    people: Sequence[Facilitator],
    sessions: Sequence[PlannedSession],
    fixed: Fixed,
    counted: set[UUID],
) -> tuple[int, int, int, int]:
    """`solve_optimum` with the pairs objectives too: (places, spread, requests met, new
    pairings), each the optimum with the ones before it held."""
    global _JUDGE
    if _JUDGE is None:
        context = multiprocessing.get_context("spawn")
        _JUDGE = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
    job = _JUDGE.submit(
        solve_optimum, list(groups), list(people), list(sessions), fixed, counted, pairs=True
    )
    return job.result()


def asked(a: Facilitator, b: Facilitator) -> bool:
    """Either of two people asked to work with the other (README: requests to work together)."""
    return b.id in a.prefers or a.id in b.prefers


def new_pairing(a: Facilitator, b: Facilitator, fixed: Fixed) -> bool:
    """Someone in training and an experienced facilitator, together nowhere on the rota
    outside the planned sessions."""
    kinds = {a.training, b.training}
    return kinds == {T, E} and frozenset((a.id, b.id)) not in fixed.pairs


def pair_measures(
    people: Sequence[Facilitator], planned: Iterable[RotaAssignment], fixed: Fixed
) -> tuple[int, int]:
    """(requests met, new pairings) of a planned rota, counted from the README's words."""
    by_id = {f.id: f for f in people}
    requests = 0
    pairings: set[frozenset[UUID]] = set()
    for a in planned:
        if a.lead_id is None or a.co_id is None:
            continue
        one, other = by_id[a.lead_id], by_id[a.co_id]
        requests += asked(one, other)
        if new_pairing(one, other, fixed):
            pairings.add(frozenset((one.id, other.id)))
    return requests, len(pairings)


def solve_optimum(
    groups: Sequence[Group],
    people: Sequence[Facilitator],
    sessions: Sequence[PlannedSession],
    fixed: Fixed,
    counted: set[UUID],
    *,
    pairs: bool = False,
) -> tuple[int, int, int, int]:
    """(most places any valid rota of `sessions` fills, least spread among those rotas, and
    with `pairs` the most requests met among those, then the most new pairings; else 0, 0).

    One boolean per session and allowed pair (or one person alone), so every pairing rule is
    built into the choices; then one session a day and the monthly limits as constraints.
    The spread is over `counted`, each person's sessions in `fixed` included.
    """
    from ortools.sat.python import cp_model

    rule = {g.id: g.women_facilitator_rule for g in groups}
    by_id = {f.id: f for f in people}

    def model() -> tuple[Any, Any, dict[UUID, list[Any]], list[tuple[tuple[Any, ...], Any]]]:
        m = cp_model.CpModel()
        chosen = {}
        options_made: list[tuple[tuple[Any, ...], Any]] = []
        per_day: dict[tuple[UUID, dt.date], list[Any]] = defaultdict(list)
        per_month: dict[tuple[UUID, int, int], list[Any]] = defaultdict(list)
        per_person: dict[UUID, list[Any]] = defaultdict(list)
        for k, s in enumerate(sessions):
            women = rule[s.group_id]
            free = fixed.free(people, s.date)
            options: list[tuple[Facilitator, ...]] = [(f,) for f in free if alone_ok(f, women)]
            options += [(f, g) for f, g in itertools.combinations(free, 2) if pair_ok(f, g, women)]
            variables = []
            for option in options:
                var = m.new_bool_var(f"s{k}")
                chosen[k, tuple(f.id for f in option)] = var
                options_made.append((option, var))
                variables.append(var)
                for f in option:
                    per_day[f.id, s.date].append(var)
                    per_month[f.id, s.date.year, s.date.month].append(var)
                    per_person[f.id].append(var)
            if variables:
                m.add_at_most_one(variables)
        for variables in per_day.values():
            if len(variables) > 1:
                m.add_at_most_one(variables)
        for (i, year, month), variables in per_month.items():
            room = fixed.room(by_id[i], dt.date(year, month, 1))
            if len(variables) > room:
                m.add(sum(variables) <= room)
        filled = sum(len(option) * var for (_, option), var in chosen.items())
        return m, filled, per_person, options_made

    solver = cp_model.CpSolver()
    # One search thread: the suite already keeps both cores busy, and one thread is
    # deterministic. Optimality is proven either way (the status is checked).
    solver.parameters.num_workers = 1
    m, filled, _, _ = model()
    m.maximize(filled)
    assert solver.solve(m) == cp_model.OPTIMAL
    most = round(solver.objective_value)
    m, filled, per_person, chosen = model()
    m.add(filled == most)
    spread = 0
    if counted:
        high, low = m.new_int_var(0, 10_000, "high"), m.new_int_var(0, 10_000, "low")
        for i in counted:
            total = fixed.count[i] + sum(per_person[i])
            m.add(high >= total)
            m.add(low <= total)
        m.minimize(high - low)
        assert solver.solve(m) == cp_model.OPTIMAL
        spread = round(solver.objective_value)
        m.clear_objective()
        m.add(high - low == spread)
    if not pairs:
        return most, spread, 0, 0
    requests = sum(var for option, var in chosen if len(option) == 2 and asked(*option))
    m.maximize(requests)
    assert solver.solve(m) == cp_model.OPTIMAL
    met = round(solver.objective_value)
    m.clear_objective()
    m.add(requests == met)
    together: dict[frozenset[UUID], list[Any]] = defaultdict(list)
    for option, var in chosen:
        if len(option) == 2 and new_pairing(*option, fixed):
            together[frozenset(f.id for f in option)].append(var)
    pairings = []
    for found in together.values():
        paired = m.new_bool_var("paired")
        m.add(paired <= sum(found))
        pairings.append(paired)
    m.maximize(sum(pairings))
    assert solver.solve(m) == cp_model.OPTIMAL
    return most, spread, met, round(solver.objective_value)


def lead_rotation_misses(
    people: Sequence[Facilitator],
    fixed: Iterable[RotaAssignment],
    planned: Iterable[RotaAssignment],
) -> list[RotaAssignment]:
    """The planned sessions where the lead goes against the rotation (README: "the lead goes
    to whoever led least recently, published sessions included"): both places filled, the
    co-facilitator not in training (so either could lead), and the co-facilitator led less
    recently than the lead, counting every session before that day (earlier, published and
    planned ones) and never having led as least recently of all.

    Its optimum is 0 whatever pairs the first two objectives leave: taking the sessions in
    date order and giving each lead to whichever of its two led less recently misses none,
    since a day's choice depends only on earlier days. So a rota with any miss is not optimal
    for this objective, and no solver is needed to know the optimum."""
    by_id = {f.id: f for f in people}
    every = sorted([*fixed, *planned], key=lambda a: a.date)
    planned_ids = {a.id for a in planned}
    last: dict[UUID, dt.date] = {}
    misses: list[RotaAssignment] = []
    for _, of_the_day in itertools.groupby(every, key=lambda a: a.date):
        todays = list(of_the_day)
        for a in todays:
            if a.id not in planned_ids or a.lead_id is None or a.co_id is None:
                continue
            if by_id[a.co_id].training is T:
                continue
            if last.get(a.co_id, dt.date.min) < last.get(a.lead_id, dt.date.min):
                misses.append(a)
        for a in todays:
            if a.lead_id is not None:
                last[a.lead_id] = a.date
    return misses
