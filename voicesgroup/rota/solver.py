"""The exact solver: who is on each session, found by HiGHS (mixed-integer programming).

One 0/1 variable per session and candidate (`model.Problem`), and the rows the rules give:
two places a session, one session a day, the monthly limits, and each session rule's
constraints. The objectives are taken in order, each solved to a proven optimum and then held
while the next is solved: (1) the most places filled; (2) the smallest spread among those who
count for it; (3) pairs: a trainee's experienced partner changes (each pairing again is a
repeat, earlier sessions included) and requests to work together are met.

HiGHS runs on one thread with a fixed seed, so the same problem gives the same rota. Its time
limit is only a safety net: when it is reached the best rota found is kept and `Solution.proven`
is False, which the rota shows ("best found, not proven").

HiGHS was chosen over OR-Tools CP-SAT for its size and start-up: its wheel installs in about
12 MB (CP-SAT: 80 MB and protobuf) and imports in a tenth of the time, which is most of what
planning a year takes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from voicesgroup.rota import rules
from voicesgroup.rota.model import Problem

TIME_LIMIT_S = 10.0
"""The safety net: the most time the objectives together may take. When it is reached the
best rota found so far is kept, and labelled as not proven."""


@dataclass
class Solution:
    """Who is on each session (candidates' indices), and whether every objective is proven."""

    people: list[list[int]]
    proven: bool
    spread_bound: int
    """No rota filling as many places has a smaller spread (the spread itself once proven)."""


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
    def __init__(self, problem: Problem) -> None:
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
        self.deadline = time.monotonic() + TIME_LIMIT_S
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

    def solve(
        self, costs: dict[int, float], maximise: bool, *, search: bool = True
    ) -> tuple[float, bool, list[float]]:
        """Optimise `costs` (the relaxation first); `search` False: keep the rota found so far
        unless the relaxation's optimum is whole."""
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
        if not search:
            return known_value, False, self.known
        h.setOptionValue("solve_relaxation", False)
        known = self.highspy.HighsSolution()
        known.col_value = self.known
        h.setSolution(known)  # the rota found so far: the search starts from it
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
        """Begin from a rota that keeps every rule (`_greedy`'s)."""
        self.known = [0.0] * self.total
        for s, found in enumerate(people):
            for i in found:
                self.known[self.column[s][i]] = 1.0
        self._tighten()

    def add_pairs(self, pairs: _PairColumns) -> None:
        """Add the pairs objective's columns and rows, at their values in the rota so far."""
        import numpy as np

        lower = [lo for count, lo, _, _ in pairs.extra for _ in range(count)]
        upper = [up for count, _, up, _ in pairs.extra for _ in range(count)]
        self.h.addVars(len(lower), np.array(lower), np.array(upper))
        self.total += len(lower)
        self.rows = _Rows()
        for terms, low, high in pairs.rows(self):
            self.rows.add(terms, low, high)
        self._add_rows()
        on = [{i for i, c in column.items() if self.known[c] > 0.5} for column in self.column]
        values = self.known + [0.0] * len(lower)
        per_pair: dict[tuple[int, int], int] = {}
        for column, s, one, other in [*pairs.counted, *pairs.wanted]:
            both = one in on[s] and other in on[s]
            values[column] = float(both)
            if both and (one, other) in pairs.repeats:
                per_pair[one, other] = per_pair.get((one, other), 0) + 1
        for pair, column in pairs.repeats.items():
            together = per_pair.get(pair, 0) + self.problem.pair_times.get(pair, 0)
            values[column] = max(0.0, together - 1.0)
        self.known = values

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
    """The rota with the most places filled, then the least spread, then the best pairs."""
    model = _Model(problem)
    eligible = problem.eligible
    high, low = (model.n_x, model.n_x + 1)
    for terms, lower, upper in _spread_rows(problem, model, high, low):
        model.rows.add(terms, lower, upper)
    if not eligible:  # nobody counts: the spread is 0
        model.rows.add([(high, 1.0)], 0, 0)
        model.rows.add([(low, 1.0)], 0, 0)
    model.pass_model([(2, 0.0, model.inf, False)])

    model.start(_greedy(problem))
    filled = {c: 1.0 for c in range(model.n_x)}
    most, proven_filled, values = model.solve(filled, maximise=True)
    model.hold(filled, round(most) - 0.5, model.inf)
    spread = {high: 1.0, low: -1.0}
    least, proven_spread, values = model.solve(spread, maximise=False)
    bound = round(least)
    if not proven_spread and math.isfinite(model.dual_bound):
        bound = math.ceil(model.dual_bound - 1e-6)
    model.hold(spread, -model.inf, round(least) + 0.5)
    proven = proven_filled and proven_spread
    pair_columns = _pair_columns(problem, model.total, model.inf)
    if pair_columns.costs:
        model.add_pairs(pair_columns)
        # Pairs are a preference: taken when the relaxation's optimum is whole (no search),
        # else the rota stays as the spread left it. Places and spread are proven already.
        _, _, values = model.solve(pair_columns.costs, maximise=False, search=False)
    people = [
        [i for i, c in model.column[s].items() if values[c] > 0.5]
        for s in range(len(problem.sessions))
    ]
    return Solution(people, proven, max(bound, 0))


def _greedy(problem: Problem) -> list[list[int]]:
    """A first rota in date order: each session the pair (else the one person) with the fewest
    sessions so far that keeps every constraint. Only a start for the solver."""
    used: dict[tuple[int, int], int] = {}  # (person, row of `day_rows` or `month_rows`)
    rows_of: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r, row in enumerate(problem.day_rows):
        for s in row[1:]:
            rows_of.setdefault((s, row[0]), []).append((r, 1))
    for r, (sessions, i, room) in enumerate(problem.month_rows):
        for s in sessions:
            rows_of.setdefault((s, i), []).append((len(problem.day_rows) + r, room))
    counts = list(problem.base)
    found: list[list[int]] = []

    def free(s: int, i: int) -> bool:
        return all(used.get((i, r), 0) < room for r, room in rows_of.get((s, i), []))

    def allowed(s: int, people: tuple[int, ...]) -> bool:
        return all(
            sum(i in people for i in c.people) - sum(i in people for i in c.partners) <= c.most
            for c in problem.constraints[s]
        )

    for s, candidates in enumerate(problem.candidates):
        ready = sorted((i for i in candidates if free(s, i)), key=lambda i: (counts[i], i))[:24]
        options = [(a, b) for k, a in enumerate(ready) for b in ready[k + 1 :]]
        options.sort(key=lambda pair: (counts[pair[0]] + counts[pair[1]], pair))
        singles: list[tuple[int, ...]] = [(i,) for i in ready]
        choice = next((c for c in [*options[:400], *singles] if allowed(s, c)), ())
        for i in choice:
            counts[i] += 1
            for r, _ in rows_of.get((s, i), []):
                used[i, r] = used.get((i, r), 0) + 1
        found.append(list(choice))
    return found


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


@dataclass
class _PairColumns:
    """Columns for the pairs objective, with the costs that use them: one per session and
    trainee with an experienced partner (`counted`: 1 when both are on), one per session and
    pair who asked to work together (`wanted`: at most 1 when both are on), and one per trainee
    and experienced partner (`repeats`: their sessions together beyond the first)."""

    extra: list[tuple[int, float, float, bool]]
    counted: list[tuple[int, int, int, int]]
    """(column, session, one, other)."""
    wanted: list[tuple[int, int, int, int]]
    repeats: dict[tuple[int, int], int]
    costs: dict[int, float]

    def rows(self, model: _Model) -> list[tuple[list[tuple[int, float]], float, float]]:
        found: list[tuple[list[tuple[int, float]], float, float]] = []
        per_pair: dict[tuple[int, int], list[int]] = {}
        for column, s, one, other in self.counted:
            a, b = model.column[s][one], model.column[s][other]
            found.append(([(column, 1.0), (a, -1.0), (b, -1.0)], -1.0, model.inf))
            per_pair.setdefault((one, other), []).append(column)
        for column, s, one, other in self.wanted:
            for person in (one, other):
                found.append(([(column, 1.0), (model.column[s][person], -1.0)], -model.inf, 0.0))
        for pair, column in self.repeats.items():
            before = model.problem.pair_times.get(pair, 0)
            terms = [(c, 1.0) for c in per_pair.get(pair, [])]
            found.append(([*terms, (column, -1.0)], -model.inf, 1.0 - before))
        return found


def _pair_columns(problem: Problem, first: int, inf: float) -> _PairColumns:
    facs = problem.facs
    trainees = {i for i, f in enumerate(facs) if rules.is_trainee(f)}
    experienced = {i for i, f in enumerate(facs) if rules.is_experienced(f)}
    index = problem.index
    asked = {
        (min(i, index[other]), max(i, index[other]))
        for i, f in enumerate(facs)
        for other in f.prefers
        if other in index and index[other] != i
    }
    counted: list[tuple[int, int, int, int]] = []
    wanted: list[tuple[int, int, int, int]] = []
    column = first
    for s, people in enumerate(problem.candidates):
        here = set(people)
        followed = sorted(
            (min(t, e), max(t, e)) for t in here & trainees for e in here & experienced
        )
        for one, other in followed:
            counted.append((column, s, one, other))
            column += 1
        for one, other in sorted(pair for pair in asked if pair[0] in here and pair[1] in here):
            wanted.append((column, s, one, other))
            column += 1
    costs = {entry[0]: -1.0 for entry in wanted}
    pairs = sorted({(one, other) for _, _, one, other in counted})
    repeats = {pair: column + k for k, pair in enumerate(pairs)}
    costs.update({c: 2.0 for c in repeats.values()})
    extra: list[tuple[int, float, float, bool]] = []
    if column > first:
        extra.append((column - first, 0.0, 1.0, False))
    if repeats:
        extra.append((len(repeats), 0.0, inf, False))
    return _PairColumns(extra, counted, wanted, repeats, costs)
