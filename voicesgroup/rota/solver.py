"""The exact solver: who is on each session, found by HiGHS (mixed-integer programming).

One 0/1 variable per session and candidate (`model.Problem`), and the rows the rules give:
two places a session, one session a day, the monthly limits, and each session rule's
constraints. The objectives are taken in order, each proven (or the rota says it is not) and
held while the next is worked on: (1) the most places filled; (2) the smallest spread among
those who count for it; (3) the lead rotation (`rotate_leads`); (4) the pairs (`pairs`): the
most requests to work together met, then the most new pairings of a trainee and an
experienced partner.

(3) needs no rows: its measure, the sessions whose lead led more recently than a partner who
could have led, is 0 for every choice of pairs when roles are given in date order, so it is
proven by its bound (0) and held whatever pairs (4) chooses; it is worked out once the pairs are
final.

Most plans are proven without a search. A first rota (`first.first_rota`) is compared with
bounds no rota can pass (`bounds`, `pairs.Pairs.bounds`): the places the candidates allow, the
spread's lower bound from what each person could hold and where the places can flow, and the
pairs' bounds. Moves that add pairings without touching places or spread
(`pairs.more_pairings`) bring it to the pairs' bounds where they can. When it reaches every
bound, it is optimal as it stands and HiGHS is not loaded. Otherwise HiGHS solves the rest in a
process of its own (`net`): when the places are settled it looks for a rota with everyone
inside the spread bound's window, with no objective (a far easier problem than the spread's
own), and only when there is none does it search for the spread; then the pairs, each measure
searched only when the rota found so far is below its bound.

HiGHS runs on one thread with a fixed seed, and every limit other than the safety net is one of
size or of nodes, never of time, so the same problem gives the same rota. Its time limit is only
a safety net, made to hold by `net` (the process is ended when HiGHS does not stop in time):
when it is reached the best rota found is kept and `Solution.proven` is False, which the rota
shows ("best found, not proven").

HiGHS was chosen over OR-Tools CP-SAT for its size and start-up: its wheel installs in about
12 MB plus numpy's 73 MB (CP-SAT: 80 MB and protobuf) and imports in a tenth of the time.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from voicesgroup.rota import bounds, net, rules
from voicesgroup.rota.first import first_rota
from voicesgroup.rota.model import Problem
from voicesgroup.rota.pairs import Pairs, more_pairings

TIME_LIMIT_S = 10.0
"""The safety net: the most time the objectives together may take. When it is reached the
best rota found so far is kept, and labelled as not proven."""


WINDOW_NODES = 200
"""The most branch-and-bound nodes spent looking for a rota inside the spread's bound (see
`_spread_by_window`) before the spread is searched for as an objective."""


@dataclass
class Solution:
    """Who is on each session (candidates' indices), and whether every objective is proven."""

    people: list[list[int]]
    proven: bool
    spread_bound: int
    """No rota filling as many places has a smaller spread (the spread itself once proven)."""
    roles: list[tuple[int | None, int | None]] = field(default_factory=list)
    """(lead, co) of each session, by `rotate_leads`."""


class _Rows:
    """The constraint matrix, a row at a time (each row: lower, upper, {column: value})."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.indices: list[int] = []
        self.values: list[float] = []

    def add(self, terms: Iterable[tuple[int, float]], lower: float, upper: float) -> None:
        self.starts.append(len(self.indices))
        for column, value in terms:
            self.indices.append(column)
            self.values.append(value)
        self.lower.append(lower)
        self.upper.append(upper)


class _Model:
    def __init__(self, problem: Problem, limit: float) -> None:
        import highspy

        self.highspy = highspy
        self.problem = problem
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's stubs leave it untyped
        h = self.h
        for option, value in (
            ("output_flag", False),
            ("threads", 1),
            ("random_seed", 0),
            ("mip_rel_gap", 0.0),
            ("mip_abs_gap", 0.0),
        ):
            h.setOptionValue(option, value)
        self.inf = highspy.kHighsInf
        self.dual_bound = 0.0
        self.deadline = time.monotonic() + limit
        self.known: list[float] = []
        self.column: list[dict[int, int]] = []
        n = 0
        for people in problem.candidates:
            self.column.append({i: n + k for k, i in enumerate(people)})
            n += len(people)
        self.n_x = n
        self.extra = 0
        self.rows = _Rows()
        self.upper = [1.0] * n
        for s, constraints in enumerate(problem.constraints):
            col = self.column[s]
            self.rows.add(((c, 1.0) for c in col.values()), -self.inf, 2)
            for each in constraints:
                if not each.partners and each.most == 0:
                    for i in each.people:
                        self.upper[col[i]] = 0.0
                    continue
                terms = [*((col[i], 1.0) for i in each.people)]
                terms += [(col[i], -1.0) for i in each.partners]
                self.rows.add(terms, -self.inf, each.most)
        for row in problem.day_rows:
            i, sessions = row[0], row[1:]
            self.rows.add(((self.column[s][i], 1.0) for s in sessions), -self.inf, 1)
        for sessions, i, room in problem.month_rows:
            self.rows.add(((self.column[s][i], 1.0) for s in sessions), -self.inf, room)
        self.by_person: dict[int, list[int]] = {}
        for col in self.column:
            for i, c in col.items():
                self.by_person.setdefault(i, []).append(c)

    def pass_model(self, extra: list[tuple[int, float, float, bool]]) -> None:
        import numpy as np

        hp = self.highspy
        h = self.h
        lower = [0.0] * self.n_x
        upper = list(self.upper)
        integer = [True] * self.n_x
        for count, lo, up, is_int in extra:
            lower += [lo] * count
            upper += [up] * count
            integer += [is_int] * count
        total = len(lower)
        h.addVars(total, np.array(lower), np.array(upper))
        kinds = [hp.HighsVarType.kInteger if i else hp.HighsVarType.kContinuous for i in integer]
        h.changeColsIntegrality(total, np.arange(total, dtype=np.int32), np.array(kinds))
        self.total = total
        self._add_rows()

    def _add_rows(self) -> None:
        import numpy as np

        rows = self.rows
        self.h.addRows(
            len(rows.lower),
            np.array(rows.lower),
            np.array(rows.upper),
            len(rows.indices),
            np.array(rows.starts, dtype=np.int32),
            np.array(rows.indices, dtype=np.int32),
            np.array(rows.values),
        )

    def run(self, *, search: bool = False) -> None:
        """One HiGHS run (`search`: the branch-and-bound), within what is left of the net."""
        self.h.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 0.01))
        self.h.run()

    def limit_nodes(self, nodes: int | None) -> None:
        """The most branch-and-bound nodes the next search may take (None: no limit). A limit
        by work, not time: the same data take the same path on any machine."""
        self.h.setOptionValue("mip_max_nodes", self.highspy.kHighsIInf if nodes is None else nodes)

    def solve(
        self, costs: dict[int, float], maximise: bool, *, nodes: int | None = None
    ) -> tuple[float, bool, list[float]]:
        """Optimise `costs` (the relaxation first); `nodes`: search at most that many nodes
        and keep the best rota found (0: keep the rota found so far unless the relaxation's
        optimum is whole)."""
        import numpy as np

        h = self.h
        self._tighten()
        cost = np.zeros(self.total)
        for column, value in costs.items():
            cost[column] = value
        h.changeColsCost(self.total, np.arange(self.total, dtype=np.int32), cost)
        sense = self.highspy.ObjSense.kMaximize if maximise else self.highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        # The relaxation first: when its optimum is whole (as it mostly is: who is on which
        # session is close to a flow), no rota does better and the branch-and-bound is spared.
        h.setOptionValue("solve_relaxation", True)
        self.run()
        solution = h.getSolution()
        values = list(solution.col_value)
        if (
            h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal
            and solution.value_valid
            and all(abs(v - round(v)) < 1e-6 for v in values[: self.n_x])
        ):
            value = h.getInfo().objective_function_value
            self.dual_bound = value
            self.known = values
            return value, True, values
        known_value = sum(self.known[c] * v for c, v in costs.items())
        bound = math.inf if maximise else -math.inf
        if h.getModelStatus() == self.highspy.HighsModelStatus.kOptimal:
            # A whole rota reaching the relaxation's bound is optimal.
            relaxed = h.getInfo().objective_function_value
            bound = math.floor(relaxed + 1e-6) if maximise else math.ceil(relaxed - 1e-6)
            if (known_value >= bound) if maximise else (known_value <= bound):
                self.dual_bound = known_value
                return known_value, True, self.known
        if nodes == 0:
            return known_value, False, self.known
        h.setOptionValue("solve_relaxation", False)
        known = self.highspy.HighsSolution()
        known.col_value = self.known
        h.setSolution(known)  # the rota found so far: the search starts from it
        self.limit_nodes(nodes)
        self.run(search=True)
        status = h.getModelStatus()
        info = h.getInfo()
        self.dual_bound = info.mip_dual_bound
        solution = h.getSolution()
        values = list(solution.col_value)
        whole = all(abs(v - round(v)) < 1e-6 for v in values[: self.n_x])
        if len(values) == self.total and solution.value_valid and whole:
            self.known = values
            value = info.objective_function_value
            reached = (value >= bound - 1e-6) if maximise else (value <= bound + 1e-6)
            proven = status == self.highspy.HighsModelStatus.kOptimal or reached
            return value, proven, self.known
        # Stopped at the safety net with nothing better: keep the rota found so far.
        return sum(self.known[c] * v for c, v in costs.items()), False, self.known

    def _tighten(self) -> None:
        """The spread's two columns at the counts of the rota found so far."""
        if not self.known:
            return
        problem = self.problem
        totals = [
            problem.base[i] + round(sum(self.known[c] for c in self.by_person.get(i, [])))
            for i in problem.eligible
        ]
        self.known[self.n_x] = float(max(totals, default=0))
        self.known[self.n_x + 1] = float(min(totals, default=0))

    def start(self, people: list[list[int]]) -> None:
        """Begin from a rota that keeps every rule (`first.first_rota`'s)."""
        self.known = [0.0] * self.total
        for s, found in enumerate(people):
            for i in found:
                self.known[self.column[s][i]] = 1.0
        self._tighten()

    def add_columns(self, count: int, values: list[float], *, whole: bool = False) -> int:
        """Add `count` columns in [0, 1] at `values` (`whole`: 0 or 1); the first one's index."""
        import numpy as np

        first = self.total
        self.h.addVars(count, np.zeros(count), np.ones(count))
        if whole and count:
            kinds = np.array([self.highspy.HighsVarType.kInteger] * count)
            columns = np.arange(first, first + count, dtype=np.int32)
            self.h.changeColsIntegrality(count, columns, kinds)
        self.total += count
        self.known = self.known + values
        return first

    def add_rows(self, rows: list[tuple[list[tuple[int, float]], float, float]]) -> None:
        """Add rows (terms, lower, upper) to the model as it stands."""
        self.rows = _Rows()
        for terms, low, high in rows:
            self.rows.add(terms, low, high)
        self._add_rows()

    def people(self) -> list[list[int]]:
        """Who is on each session in the rota found so far."""
        known = self.known
        return [[i for i, c in col.items() if known[c] > 0.5] for col in self.column]

    def fix_window(self, fewest: int, most: int | None) -> None:
        """Everyone who counts holds between `fewest` and `most` sessions (None: no most)."""
        high, low = self.n_x, self.n_x + 1
        top = self.inf if most is None else float(most)
        self.h.changeColBounds(high, 0.0 if most is None else top, top)
        self.h.changeColBounds(low, float(fewest), self.inf if most is None else float(fewest))

    def feasible(self) -> bool:
        """Whether a rota keeps every row and bound as they stand; it becomes the one known.
        False also when the safety net is reached first (the caller then searches as usual)."""
        import numpy as np

        h = self.h
        h.changeColsCost(self.total, np.arange(self.total, dtype=np.int32), np.zeros(self.total))
        h.setOptionValue("solve_relaxation", False)
        self.limit_nodes(WINDOW_NODES)
        self.run(search=True)
        solution = h.getSolution()
        values = list(solution.col_value)
        if not solution.value_valid or len(values) != self.total:
            return False
        if any(abs(v - round(v)) > 1e-6 for v in values[: self.n_x]):
            return False
        self.known = values
        return True

    def hold(self, costs: dict[int, float], lower: float, upper: float) -> None:
        """Keep an objective at the value found (as a new row)."""
        import numpy as np

        items = sorted(costs.items())
        self.h.addRow(
            lower,
            upper,
            len(items),
            np.array([c for c, _ in items], dtype=np.int32),
            np.array([v for _, v in items]),
        )


def solve(problem: Problem) -> Solution:
    """The rota with the most places filled, then the least spread, then the lead rotation,
    then the best pairs."""
    solution = _pairs_solved(problem)
    solution.roles = rotate_leads(problem, solution.people)
    return solution


def _pairs_solved(problem: Problem) -> Solution:
    """Who is on each session: objectives (1), (2) and (4)."""
    greedy = first_rota(problem)
    pairs = Pairs.of(problem)
    filled = sum(map(len, greedy))
    if filled == bounds.most_places(problem):
        fewest, most = bounds.spread_bound(problem, greedy)
        loads = bounds.loads(problem, greedy)
        if max(loads, default=0) - min(loads, default=0) <= most - fewest:
            # The first rota reaches both bounds: it is proven optimal as it stands, its pairs
            # are those it chose, and HiGHS is not even loaded.
            spread = max(loads, default=0) - min(loads, default=0)
            if pairs.measures(greedy) != pairs.bounds(problem, greedy):
                greedy = more_pairings(problem, greedy, pairs)
            if pairs.measures(greedy) == pairs.bounds(problem, greedy):
                return Solution([sorted(found) for found in greedy], True, spread)
    return net.solve_apart(problem, greedy, pairs, TIME_LIMIT_S)


def rotate_leads(problem: Problem, people: list[list[int]]) -> list[tuple[int | None, int | None]]:
    """(lead, co) for each session: objective (3), whoever of the two led less recently leads
    (then fewer leads, then the order of `model.person_key`), among the orders the rules allow.

    Sessions are taken in date order; a day's leads count as "last led" from the next day on,
    and kept (published) sessions count on their own dates, earlier sessions before the first.
    Each choice depends only on earlier days, so no session is led by the one of its two who
    led more recently when the other may lead: the measure is 0, its lower bound, whatever the
    pairs. A pair is on a session only when one of them may lead (`rules.SESSION_RULES`)."""
    facs = problem.facs
    index = problem.index
    last_led = list(problem.last_led)
    leads = [0] * len(facs)
    for kept in problem.keep:
        i = index.get(kept.lead_id) if kept.lead_id else None
        if i is not None:
            leads[i] += 1
    first_day = problem.sessions[0].date if problem.sessions else dt.date.max
    kept_led = sorted(
        (k.date, index[k.lead_id])
        for k in problem.keep
        if k.date >= first_day and k.lead_id in index
    )
    k = 0
    roles: list[tuple[int | None, int | None]] = []
    led_today: list[int] = []
    for s, session in enumerate(problem.sessions):
        if s and session.date != problem.sessions[s - 1].date:
            for i in led_today:
                last_led[i] = problem.sessions[s - 1].date
            led_today = []
        while k < len(kept_led) and kept_led[k][0] < session.date:
            last_led[kept_led[k][1]] = kept_led[k][0]
            k += 1
        lead, co = _roles(problem, s, people[s], last_led, leads)
        roles.append((lead, co))
        if lead is not None:
            leads[lead] += 1
            led_today.append(lead)
    return roles


def _roles(
    problem: Problem, s: int, people: list[int], last_led: list[dt.date | None], leads: list[int]
) -> tuple[int | None, int | None]:
    if len(people) < 2:
        return (people[0] if people else None), None

    def key(i: int) -> tuple[dt.date, int, int]:
        return (last_led[i] or dt.date.min, leads[i], i)

    a, b = sorted(people, key=key)
    facs = problem.facs
    if rules.session_breaks(facs[a], facs[b], problem.group_of(s)):
        return b, a
    return a, b


def solve_exactly(
    problem: Problem,
    greedy: list[list[int]],
    pairs: Pairs,
    limit: float,
    report: Callable[[list[list[int]]], None],
) -> Solution:
    """Objectives (1), (2) and (4) by HiGHS, from the first rota `greedy`, within `limit`
    seconds (the safety net); `report` is given each better rota as it is found. Run in a
    process of its own (`net.solve_apart`)."""
    model = _Model(problem, limit)
    eligible = problem.eligible
    high, low = (model.n_x, model.n_x + 1)
    for terms, lower, upper in _spread_rows(problem, model, high, low):
        model.rows.add(terms, lower, upper)
    if not eligible:  # nobody counts: the spread is 0
        model.rows.add([(high, 1.0)], 0, 0)
        model.rows.add([(low, 1.0)], 0, 0)
    model.pass_model([(2, 0.0, model.inf, False)])

    model.start(greedy)
    filled = {c: 1.0 for c in range(model.n_x)}
    if sum(map(len, greedy)) == bounds.most_places(problem):
        most, proven_filled = float(sum(map(len, greedy))), True  # no rota fills more
    else:
        most, proven_filled, values = model.solve(filled, maximise=True)
    model.hold(filled, round(most) - 0.5, model.inf)
    report(model.people())
    spread = {high: 1.0, low: -1.0}
    least, proven_spread, window = _spread_by_window(problem, model)
    if window is None:
        least, proven_spread, values = model.solve(spread, maximise=False)
    bound = round(least)
    if not proven_spread and math.isfinite(model.dual_bound):
        bound = math.ceil(model.dual_bound - 1e-6)
    model.fix_window(0, None)
    model.hold(spread, -model.inf, round(least) + 0.5)
    report(model.people())
    proven = proven_filled and proven_spread
    proven = _pairs_solved_exactly(problem, model, pairs, report) and proven
    values = model.known
    people = [
        [i for i, c in model.column[s].items() if values[c] > 0.5]
        for s in range(len(problem.sessions))
    ]
    return Solution(people, proven, max(bound, 0))


def _spread_by_window(
    problem: Problem, model: _Model
) -> tuple[float, bool, tuple[int, int] | None]:
    """The spread when a rota reaches `bounds.spread_bound`'s level: everyone who counts
    between the fewest and the most, found as a feasibility problem (no objective), which HiGHS
    solves far faster than the spread's own. (spread, proven, the window) or, when no rota fits
    the window, (0, False, None) and the spread is left to `_Model.solve`."""
    fewest, most = bounds.spread_bound(problem, model.people())
    high, low = model.n_x, model.n_x + 1
    known = model.known
    if known[high] - known[low] <= most - fewest:  # the first rota reaches the bound already
        model.fix_window(round(known[low]), round(known[high]))
        return known[high] - known[low], True, (round(known[low]), round(known[high]))
    model.fix_window(fewest, most)
    if model.feasible():
        return float(most - fewest), True, (fewest, most)
    model.fix_window(0, None)
    return 0.0, False, None


def _spread_rows(
    problem: Problem, model: _Model, high: int, low: int
) -> list[tuple[list[tuple[int, float]], float, float]]:
    """low <= base + sessions <= high, for everyone who counts for the spread."""
    rows: list[tuple[list[tuple[int, float]], float, float]] = []
    for i in problem.eligible:
        mine = [(c, 1.0) for c in model.by_person.get(i, [])]
        base = float(problem.base[i])
        rows.append(([*mine, (high, -1.0)], -model.inf, -base))
        rows.append(([*mine, (low, -1.0)], -base, model.inf))
    return rows


def _pairs_solved_exactly(
    problem: Problem, model: _Model, pairs: Pairs, report: Callable[[list[list[int]]], None]
) -> bool:
    """Objective (4), with places and spread held: the most requests met, then the most new
    pairings (`pairs`), each proven (False: the safety net came first) and held for the next.
    A measure the rota found so far already brings to its bound needs no search.

    Columns: one per session and way it may hold someone the measures are about (alone, or
    beside another: `Pairs.ways`), 0 or 1; one per new pair, in [0, 1]. Each such person on
    a session is on it in exactly one of its ways (anyone else in at most one), and a session
    holds at most one way, so the relaxation cannot count one person as half of two pairs
    at once: it proves in one node what columns per pair alone needed tens of nodes and
    seconds for. Requests met are the ways that are asked pairs; a new pair is met when one
    of its ways is."""
    people = model.people()
    best = pairs.bounds(problem, people)
    if pairs.measures(people) != best:
        people = more_pairings(problem, people, pairs)
        model.start(people)
    known = pairs.measures(people)
    if known == best:
        return True
    on = [set(found) for found in model.people()]
    ways = pairs.ways(problem)
    first = model.add_columns(len(ways), [float(set(w) == on[s]) for s, w in ways], whole=True)
    already = pairs.met(model.people())
    met = model.add_columns(len(pairs.new), [float(each in already) for each in pairs.new])
    about = pairs.people()
    in_ways: dict[tuple[int, int], list[int]] = {}
    by_session: dict[int, list[int]] = {}
    asked: list[int] = []
    by_pair: dict[tuple[int, int], list[int]] = {}
    asked_at = {each: set(sessions) for each, sessions in pairs.asked.items()}
    for k, (s, way) in enumerate(ways):
        for i in way:
            in_ways.setdefault((s, i), []).append(first + k)
        by_session.setdefault(s, []).append(first + k)
        if len(way) == 2:
            if s in asked_at.get(way, ()):  # a candidate list is sorted: the pair's own key
                asked.append(first + k)
            if pairs.is_new(*way):
                by_pair.setdefault(way if way in pairs.new_set else way[::-1], []).append(first + k)
    rows: list[tuple[list[tuple[int, float]], float, float]] = []
    for (s, i), columns in in_ways.items():
        terms = [*((c, 1.0) for c in columns), (model.column[s][i], -1.0)]
        rows.append((terms, 0.0 if i in about else -model.inf, 0.0))
    for columns in by_session.values():
        rows.append(([(c, 1.0) for c in columns], -model.inf, 1.0))
    pairing = {each: met + k for k, each in enumerate(pairs.new)}
    for each, column in pairing.items():
        terms = [(column, 1.0), *((c, -1.0) for c in by_pair.get(each, []))]
        rows.append((terms, -model.inf, 0.0))
    model.add_rows(rows)
    proven = True
    stages = [dict.fromkeys(asked, 1.0), {column: 1.0 for column in pairing.values()}]
    for k, costs in enumerate(stages):
        # Measured on the rota found so far, which the stage before may have changed.
        found = pairs.measures(model.people())[k]
        if found < best[k]:
            value, exact, _ = model.solve(costs, maximise=True)
            proven = proven and exact
            found = max(found, round(value))
            report(model.people())
        model.hold(costs, found - 0.5, model.inf)
    return proven
