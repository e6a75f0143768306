"""The audit that plays the reader: every report of a grid, read back from its CSV, and an
integer program that tries to work each protected count out.

The reader knows what the README says: a count shown as "fewer than N" is 1 to N-1, any other
count of people is rounded to the nearest N (so 10 is 8 to 12, and 5 is 5 to 7), zero is
nobody, sessions are counted exactly. From the definitions they also know:

- a group's count over any stretch of days is the sum of its counts over the parts of it
  (months add up to the period, periods a day apart differ by that day);
- the groups add up to "All groups";
- where no session was held, nobody came and nobody was new;
- newcomers are among the visits; named members who came are among the visits, and came
  again at most as often as they came (came + came more than once ≤ visits); a longer stretch
  has at least as many named members as any stretch inside it, and all groups at least as many
  as any one group and at most as many as all of them together.

Each stretch of days between two report edges is one unknown per group and measure, so every
report of the grid constrains the same unknowns. Passing means no count from 1 to N-1 — a
published "fewer than N", or the count of a stretch between two reports' edges — is pinned to
a single value. The second test shows the audit catches a report protected cell by cell.
"""

from __future__ import annotations

import concurrent.futures
import csv
import datetime as dt
import io
import itertools
import multiprocessing
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.clock import TODAY
from tests.helpers.records import add_group
from voicesgroup import evaluation
from voicesgroup.demo import write_demo_file
from voicesgroup.evaluation import Period
from voicesgroup.models import Group, MeetingPattern, Session, SessionStatus, Variant
from voicesgroup.protection import Cell
from voicesgroup.report_csv import csv_text
from voicesgroup.store import Store

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

THRESHOLD = 5
SHOWN_FROM = 8
"""The README: counts from 0 to 7 are shown as "fewer than 8", the rest rounded to the nearest 5."""
ADDITIVE = ("attendance", "newcomers", "themes_not_shown")
TOP = 10_000

Span = tuple[dt.date, dt.date]
Bounds = Callable[[str, str], tuple[int, int]]


def rounded_bounds(value: str, note: str) -> tuple[int, int]:
    """What the README lets a reader know of a published count of people."""
    if note:
        return 0, SHOWN_FROM - 1
    shown = int(value)
    if shown == 0:
        return 0, 0
    return max(SHOWN_FROM, shown - THRESHOLD // 2), shown + (THRESHOLD - 1) // 2


def exact_bounds(value: str, note: str) -> tuple[int, int]:
    """A reader of a report that hides small counts and prints the rest as they are."""
    if note:
        return 1, THRESHOLD - 1
    return int(value), int(value)


# -- the grid of reports ----------------------------------------------------------------------


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def grid_periods(first: dt.date, last: dt.date) -> Iterator[tuple[Period, bool]]:
    """Every month, quarter and calendar year from `first` to `last`; years beside the year
    before; and, for some months, the same month a day shorter at either end."""
    month = first.replace(day=1)
    while month <= last:
        yield Period(month, month_end(month)), False
        if month.month % 3 == 1:
            yield Period(month, month_end(month.replace(month=month.month + 2))), False
        if month.month == 1:
            yield Period(month, month.replace(month=12, day=31)), True
        if month.month % 2 == 0:
            yield Period(month, month_end(month) - dt.timedelta(days=1)), False
            yield Period(month + dt.timedelta(days=1), month_end(month)), False
        month = month_end(month) + dt.timedelta(days=1)


def reports(store: Store, first: dt.date, last: dt.date) -> Iterator[tuple[str | None, str]]:
    """(the one group's name or None, the CSV text) of every report of the grid."""
    groups = [None, *store.groups(include_archived=True)]
    for period, compare in grid_periods(first, last):
        for group in groups:
            made = evaluation.report(
                store,
                period,
                group_id=group.id if group else None,
                compare_previous_year=compare,
                today=TODAY,
            )
            yield (group.name if group else None), csv_text(made)


# -- the reader -------------------------------------------------------------------------------


@dataclass
class Reader:
    bounds: Bounds
    facts: dict[tuple[str, str, Span, int, int], None] = field(default_factory=dict)
    """(group, measure, stretch, low, high) for each published count of people."""
    held: dict[tuple[str, Span], int] = field(default_factory=dict)
    protected: set[tuple[str, str, Span]] = field(default_factory=set)

    def read(self, one_group: str | None, text: str) -> None:
        for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
            start = dt.date.fromisoformat(row["period_start"])
            end = dt.date.fromisoformat(row["period_end"])
            if row["month"] == "all":
                span = (start, end)
            elif row["month"][:4].isdigit():
                first = dt.date.fromisoformat(row["month"] + "-01")
                span = (max(start, first), min(end, month_end(first)))
            else:
                continue
            group = row["group"] if one_group is None else one_group
            measure = row["measure"]
            if measure == "held":
                self.held[(group, span)] = int(row["value"])
            if measure in ADDITIVE or measure.startswith("named_members"):
                low, high = self.bounds(row["value"], row["note"])
                self.facts[(group, measure, span, low, high)] = None
                if row["note"]:
                    self.protected.add((group, measure, span))


def audit(reader: Reader, truth: Callable[[str, str, Span], int]) -> list[str]:
    """Every protected count the reader can pin to one value, in words (empty when none)."""
    from ortools.sat.python import cp_model

    edges = sorted({d for _, _, (s, e), _, _ in reader.facts for d in (s, e + dt.timedelta(1))})
    pieces = list(itertools.pairwise(edges))
    groups = sorted({g for g, *_ in reader.facts} - {"All groups"})
    model = cp_model.CpModel()
    unknown = {
        (g, m, p): model.new_int_var(0, TOP, f"{g}|{m}|{p}")
        for g in groups
        for m in ADDITIVE
        for p in pieces
    }

    sums: dict[tuple[str, str, Span], cp_model.LinearExprT] = {}

    def total(group: str, measure: str, span: Span) -> cp_model.LinearExprT:
        if (group, measure, span) not in sums:
            sums[(group, measure, span)] = _total(group, measure, span)
        return sums[(group, measure, span)]

    def _total(group: str, measure: str, span: Span) -> cp_model.LinearExprT:
        inside = [p for p in pieces if span[0] <= p[0] and p[1] <= span[1] + dt.timedelta(1)]
        members = groups if group == "All groups" else [group]
        return cp_model.LinearExpr.sum([unknown[(g, measure, p)] for g in members for p in inside])

    named: dict[tuple[str, str, Span], cp_model.IntVar] = {}
    for group, measure, span, low, high in reader.facts:
        if measure in ADDITIVE:
            expression = total(group, measure, span)
        else:
            key = (group, measure, span)
            expression = named.setdefault(key, model.new_int_var(0, TOP, str(key)))
        model.add(expression >= low)
        model.add(expression <= high)
    for (group, span), held in reader.held.items():
        model.add(total(group, "newcomers", span) <= total(group, "attendance", span))
        if held == 0:
            model.add(total(group, "attendance", span) == 0)
            model.add(total(group, "themes_not_shown", span) == 0)
    came, again = "named_members_who_came", "named_members_who_came_more_than_once"
    for (group, measure, span), variable in named.items():
        model.add(variable <= total(group, "attendance", span))
        if measure == came and (group, again, span) in named:
            model.add(variable + named[(group, again, span)] <= total(group, "attendance", span))
            model.add(named[(group, again, span)] <= variable)
        for (other, other_measure, wider), bigger in named.items():
            same = (other, other_measure) == (group, measure)
            if same and wider != span and wider[0] <= span[0] and span[1] <= wider[1]:
                model.add(variable <= bigger)
        if group == "All groups":  # the same person may go to two groups, nobody to none
            parts = [named[(g, measure, span)] for g in groups if (g, measure, span) in named]
            for part in parts:
                model.add(part <= variable)
            if len(parts) == len(groups):
                model.add(variable <= sum(parts))
    targets: dict[str, tuple[cp_model.LinearExprT, int]] = {}
    for group, measure, span in reader.protected:
        key = (group, measure, span)
        expression = named[key] if key in named else total(group, measure, span)
        if measure in ADDITIVE:
            targets[f"{key}"] = (expression, truth(group, measure, span))
    for group in groups:
        for measure in ("attendance", "newcomers"):
            for piece in pieces:
                value = truth(group, measure, (piece[0], piece[1] - dt.timedelta(1)))
                if 0 < value < THRESHOLD:
                    targets[f"{group} {measure} {piece}"] = (
                        unknown[(group, measure, piece)],
                        value,
                    )
    return [f"{name} is {targets[name][1]}" for name in pinned(model, targets)]


def pinned(
    model: cp_model.CpModel, targets: dict[str, tuple[cp_model.LinearExprT, int]]
) -> list[str]:
    """The targets no solution moves off their true value. Each round asks for a solution that
    moves as many of the remaining targets as it can (a few seconds at most), and drops those;
    when no solution moves any of them, every one left is pinned."""
    from ortools.sat.python import cp_model

    moved = {name: model.new_bool_var(name) for name in targets}
    for name, (expression, value) in targets.items():
        model.add(expression != value).only_enforce_if(moved[name])
    left = set(targets)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # Deterministic work units, not seconds: the same answer on a loaded machine as on an idle one.
    solver.parameters.max_deterministic_time = 5
    while left:
        model.clear_assumptions()
        model.maximize(sum(moved[name] for name in left))
        status = solver.solve(model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        gone = {name for name in left if found and solver.boolean_value(moved[name])}
        if not gone:
            if status == cp_model.OPTIMAL:
                break
            # no solution found in time moved any: ask about each one alone
            gone = {name for name in left if _can_move(model, moved[name])}
            if not gone:
                break
        left -= gone
    return sorted(left)


def _can_move(model: cp_model.CpModel, moved: cp_model.IntVar) -> bool:
    from ortools.sat.python import cp_model

    model.clear_objective()
    model.clear_assumptions()
    model.add_assumption(moved)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


# -- the data ---------------------------------------------------------------------------------


Table = dict[tuple[str, str, str], int]
"""(group, measure, day) -> the true count: what the audit's answers are checked against."""


def true_table(store: Store) -> Table:
    sessions = [d for d in store.documents("sessions") if d.get("status") == "ended"]
    name_of = {str(g.id): g.name for g in store.groups(include_archived=True)}
    by: Table = defaultdict(int)
    for doc in sessions:
        visits = len(doc["named_member_ids"]) + doc["anonymous_count"] + doc["newcomers"]
        by[(name_of[doc["group_id"]], "attendance", doc["date"])] += visits
        by[(name_of[doc["group_id"]], "newcomers", doc["date"])] += doc["newcomers"]
    return dict(by)


def truth_from(by: Table) -> Callable[[str, str, Span], int]:
    def count(group: str, measure: str, span: Span) -> int:
        first, last = span[0].isoformat(), span[1].isoformat()
        return sum(
            v
            for (g, m, d), v in by.items()
            if group in (g, "All groups") and m == measure and first <= d <= last
        )

    return count


def judge(texts: list[tuple[str | None, str]], by: Table, exact: bool) -> tuple[int, list[str]]:
    """Read every CSV as the reader would and run the audit: (protected counts, pinned)."""
    reader = Reader(exact_bounds if exact else rounded_bounds)
    for one_group, text in texts:
        reader.read(one_group, text)
    return len(reader.protected), audit(reader, truth_from(by))


_JUDGE: concurrent.futures.ProcessPoolExecutor | None = None


def run_judge(
    store: Store, first: dt.date, last: dt.date, *, exact: bool = False
) -> tuple[int, list[str]]:
    """The reports are made here; they are read and judged in a process of its own, started
    once: OR-Tools carries its own build of HiGHS, which cannot be loaded beside the `highspy`
    the rota planner (and so the demo) uses (as in tests/core/rota_oracle.py)."""
    global _JUDGE
    if _JUDGE is None:
        context = multiprocessing.get_context("spawn")
        _JUDGE = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
    texts = list(reports(store, first, last))
    return _JUDGE.submit(judge, texts, true_table(store), exact).result()


def generated_store(path: Path) -> Store:
    """Three years of three small groups, seeded: many months of few people and newcomers."""
    store = Store.open(path, seed=False)
    rng = random.Random(22)
    groups = [
        add_group(store, "Tuesday Voices"),
        Group(name="Thursday Beliefs", variant=Variant.PARANOIA_BELIEFS,
              pattern=MeetingPattern(weekday=3)),
        Group(name="Saturday Drop-in", variant=Variant.DROP_IN,
              pattern=MeetingPattern(weekday=5, every_weeks=2)),
    ]  # fmt: skip
    for group in groups[1:]:
        store.save_group(group)
    day = dt.date(2023, 1, 2)
    sessions = []
    while day <= dt.date(2025, 12, 31):
        for group in groups:
            if day.weekday() == group.pattern.weekday and rng.random() < 0.8:
                start = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
                sessions.append(
                    Session(
                        group_id=group.id,
                        date=day,
                        status=SessionStatus.ENDED,
                        started_at=start,
                        ended_at=start + dt.timedelta(minutes=90),
                        anonymous_count=rng.choice([0, 1, 1, 2, 3, 4, 6]),
                        newcomers=rng.choice([0, 0, 0, 0, 1, 1, 2]),
                    )
                )
        day += dt.timedelta(days=1)
    for session in sessions:
        store.save_session(session)
    return store


# -- the tests --------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _judge_stops() -> Iterator[None]:
    """The judge's process ends with this module's tests, not at interpreter exit."""
    yield
    global _JUDGE
    if _JUDGE is not None:
        _JUDGE.shutdown()
        _JUDGE = None


@pytest.mark.slow
def test_no_protected_count_is_pinned_by_every_report_of_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    write_demo_file(path, TODAY)
    store = Store.open(path, readonly=True)
    protected, pinned = run_judge(store, dt.date(2025, 8, 1), dt.date(2026, 11, 30))
    assert protected > 10  # the demo has small counts to protect
    assert pinned == []


@pytest.mark.slow
def test_no_protected_count_is_pinned_by_three_years_of_reports(tmp_path: Path) -> None:
    store = generated_store(tmp_path / "three.json")
    protected, pinned = run_judge(store, dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert protected > 30
    assert pinned == []


def test_the_audit_catches_a_report_protected_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cell_by_cell(value: int, threshold: int = THRESHOLD, **_: object) -> Cell:
        if 0 < value < threshold:
            return Cell(None, "small", threshold)
        return Cell(value, "", threshold)

    monkeypatch.setattr(evaluation, "protect", cell_by_cell)
    path = tmp_path / "demo.json"
    write_demo_file(path, TODAY)
    store = Store.open(path, readonly=True)
    _, pinned = run_judge(store, dt.date(2026, 9, 1), dt.date(2026, 11, 30), exact=True)
    assert pinned
