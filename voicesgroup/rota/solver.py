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
from collections.abc import Iterable
from dataclasses import dataclass

from voicesgroup.rota import rules
from voicesgroup.rota.model import Problem

TIME_LIMIT_S = 20.0
"""Each objective's safety net; instances of real size are solved far within it."""


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
            ("time_limit", TIME_LIMIT_S),
        ):
            h.setOptionValue(option, value)
        self.inf = highspy.kHighsInf
        self.dual_bound = 0.0
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
                if each.person is None:
                    self.rows.add(((col[i], 1.0) for i in each.people), -self.inf, each.most)
                elif not each.people:
                    self.upper[col[each.person]] = 0.0
                else:
                    terms = [(col[each.person], 1.0), *((col[i], -1.0) for i in each.people)]
                    self.rows.add(terms, -self.inf, 0)
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
        rows = self.rows
        h.addRows(
            len(rows.lower),
            np.array(rows.lower),
            np.array(rows.upper),
            len(rows.indices),
            np.array(rows.starts, dtype=np.int32),
            np.array(rows.indices, dtype=np.int32),
            np.array(rows.values),
        )
        self.total = total

    def solve(self, costs: dict[int, float], maximise: bool) -> tuple[float, bool, list[float]]:
        import numpy as np

        h = self.h
        cost = np.zeros(self.total)
        for column, value in costs.items():
            cost[column] = value
        h.changeColsCost(self.total, np.arange(self.total, dtype=np.int32), cost)
        sense = self.highspy.ObjSense.kMaximize if maximise else self.highspy.ObjSense.kMinimize
        h.changeObjectiveSense(sense)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        value, self.dual_bound = info.objective_function_value, info.mip_dual_bound
        proven = status == self.highspy.HighsModelStatus.kOptimal
        solution = h.getSolution()
        values = list(solution.col_value)
        if len(values) != self.total or not solution.value_valid:
            raise RuntimeError(f"the rota's solver found no rota ({h.modelStatusToString(status)})")
        h.setSolution(solution)  # where the next objective starts
        return value, proven, values

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
    pair_columns = _pair_columns(problem, model.n_x + 2, model.inf)
    extra = [(2, 0.0, model.inf, False), *pair_columns.extra]
    for terms, lower, upper in _spread_rows(problem, model, high, low):
        model.rows.add(terms, lower, upper)
    for terms, lower, upper in pair_columns.rows(model):
        model.rows.add(terms, lower, upper)
    if not eligible:  # nobody counts: the spread is 0
        model.rows.add([(high, 1.0)], 0, 0)
        model.rows.add([(low, 1.0)], 0, 0)
    model.pass_model(extra)

    filled = {c: 1.0 for c in range(model.n_x)}
    most, proven_filled, values = model.solve(filled, maximise=True)
    model.hold(filled, round(most) - 0.5, model.inf)
    spread = {high: 1.0, low: -1.0}
    least, proven_spread, values = model.solve(spread, maximise=False)
    bound = round(least) if proven_spread else math.ceil(model.dual_bound - 1e-6)
    model.hold(spread, -model.inf, round(least) + 0.5)
    proven = proven_filled and proven_spread
    if pair_columns.costs:
        _, proven_pairs, values = model.solve(pair_columns.costs, maximise=False)
        proven = proven and proven_pairs
    people = [
        [i for i, c in model.column[s].items() if values[c] > 0.5]
        for s in range(len(problem.sessions))
    ]
    return Solution(people, proven, max(bound, 0))


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
    counted: list[tuple[int, int, int, int]] = []
    wanted: list[tuple[int, int, int, int]] = []
    column = first
    for s, people in enumerate(problem.candidates):
        for k, one in enumerate(people):
            for other in people[k + 1 :]:
                if (one in trainees and other in experienced) or (
                    other in trainees and one in experienced
                ):
                    counted.append((column, s, one, other))
                    column += 1
                if rules.asked_to_pair(facs[one], facs[other]) or rules.asked_to_pair(
                    facs[other], facs[one]
                ):
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
