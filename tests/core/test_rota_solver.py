"""The rota's solver when its safety net is reached: the best rota found is kept, it keeps
every rule, and it says so ("best found, not proven") in its reasons and in the review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import stuck_solver
from tests.helpers.rota_instances import check_rules, hard_instance
from voicesgroup.rota import first, generate, model, net, reasons, review, sessions_for, solver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The solver's processes started while the test runs."""
    found: list[subprocess.Popen[bytes]] = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            found.append(self)

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    return found


@pytest.fixture
def no_time(monkeypatch: pytest.MonkeyPatch, started) -> list[subprocess.Popen[bytes]]:
    """The planner has no time to wait for the solver's process."""
    monkeypatch.setattr(solver, "TIME_LIMIT_S", 0.0)
    monkeypatch.setattr(net, "GRACE_S", 0.0)
    return started


def test_without_time_the_rota_keeps_the_rules_and_says_it_is_not_proven(no_time):
    groups, people, start, weeks, keep = hard_instance("few_women", 3)
    result = generate(groups, people, start, weeks, keep=keep)
    assert not result.proven
    check_rules(groups, people, keep, result)
    assert any(a.lead_id for a in result.assignments), "the first rota found is kept"
    assert all(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)
    found = review([*keep, *result.assignments], None, people, groups=groups)
    assert found.unproven == len(result.assignments)
    assert no_time and all(p.poll() is not None for p in no_time), "the process is ended"


@pytest.mark.parametrize("kind", ["few_women", "same_day", "tight_few"])
def test_a_solver_that_never_answers_is_ended_and_the_best_rota_known_kept(
    monkeypatch, started, kind
):
    """The net holds whatever the solver does: a process that takes the problem and never
    answers (as HiGHS sat before its first node on a large plan, past its own time limit) is
    ended once the limit and the grace are over; the rota is the first one, keeps every rule
    and says it is the best found."""
    monkeypatch.setattr(net, "SOLVER", stuck_solver.never_answer)
    monkeypatch.setattr(solver, "TIME_LIMIT_S", 0.0)
    monkeypatch.setattr(net, "GRACE_S", 0.2)
    for seed in range(5):
        groups, people, start, weeks, keep = hard_instance(kind, seed)
        problem = model.build(groups, people, planned(groups, start, weeks, keep), [], keep)
        if solver.solve(problem).proven:
            continue  # proven by the bounds alone: the solver's process was never started
        result = generate(groups, people, start, weeks, keep=keep)
        assert not result.proven
        check_rules(groups, people, keep, result)
        assert all(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)
        assert started and all(p.poll() is not None for p in started), "every process ended"
        return
    pytest.fail(f"no {kind} instance needs the solver's process")


def test_without_a_process_to_solve_in_the_first_rota_stands_labelled(monkeypatch, started):
    """Where no interpreter can be started (an embedded Python), planning still gives a rota
    that keeps every rule, said to be the best found; nothing is raised."""
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    groups, people, start, weeks, keep = hard_instance("few_women", 3)
    result = generate(groups, people, start, weeks, keep=keep)
    assert not result.proven and not started
    check_rules(groups, people, keep, result)
    assert all(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)


def planned(groups, start, weeks, keep):
    kept = {(a.group_id, a.date) for a in keep}
    return [s for s in sessions_for(groups, start, weeks) if (s.group_id, s.date) not in kept]


def test_with_time_the_same_rota_is_proven():
    groups, people, start, weeks, keep = hard_instance("few_women", 1)
    result = generate(groups, people, start, weeks, keep=keep)
    assert result.proven and result.spread_bound == result.spread
    assert not any(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)
    assert review([*keep, *result.assignments], None, people, groups=groups).unproven == 0


def test_a_label_stays_when_a_reason_is_worked_out_again():
    fresh = "Ana leads: has not led before."
    assert reasons.labelled(f"{reasons.NOT_PROVEN} Old words.", fresh) == (
        f"{reasons.NOT_PROVEN} {fresh}"
    )
    assert reasons.labelled("Old words.", fresh) == fresh


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=12, max_size=12),
    st.sets(st.integers(0, 11)),
    st.dictionaries(
        st.tuples(st.integers(0, 11), st.integers(0, 11)).map(lambda p: (min(p), max(p))),
        st.integers(0, 3),
    ),
)
def test_the_first_rota_takes_pairs_in_the_order_of_a_full_sort(counts, people, together):
    """`first.pairs_by_load` makes pairs as they are asked for, in the very order sorting every
    pair would give (fewest sessions, then asked for, then together least, then index)."""
    asked = frozenset(p for p in together if sum(p) % 3 == 0)
    ready = sorted(people, key=lambda i: (counts[i], i))
    every = [(a, b) for k, a in enumerate(ready) for b in ready[k + 1 :]]

    def key(p: tuple[int, int]) -> tuple[int, bool, int, tuple[int, int]]:
        both = (min(p), max(p))
        return (counts[p[0]] + counts[p[1]], both not in asked, together.get(both, 0), p)

    every.sort(key=key)
    assert list(first.pairs_by_load(ready, counts, together, asked)) == every


CHILD = """
import sys
from voicesgroup.cli import main
if sys.argv[1] == "solver-loaded":
    import highspy  # the check below must see a solver that is loaded
try:
    main(sys.argv[2:])
finally:
    loaded = [name for name in ("highspy", "numpy") if name in sys.modules]
    print("loaded:", *loaded, file=sys.stderr)
"""


def loaded_by(db: Path, *argv: str, solver_loaded: bool = False) -> set[str]:
    """Which of HiGHS and numpy a `voicesgroup ARGV` process has imported when it ends."""
    first = "solver-loaded" if solver_loaded else "-"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, first, "--db", str(db), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stderr.splitlines() if line.startswith("loaded:"))
    return set(line.split()[1:])


@pytest.mark.parametrize(
    "argv",
    [["facilitators"], ["groups"], ["rota", "show"], ["rota", "show", "--json"], ["check"]],
)
def test_only_planning_loads_the_solver(demo_path: Path, argv: list[str]) -> None:
    """HiGHS and numpy take longer to import than the rest of a command runs: only a plan made
    loads them."""
    assert loaded_by(demo_path, *argv) == set()
    assert loaded_by(demo_path, *argv, solver_loaded=True) == {"highspy", "numpy"}
