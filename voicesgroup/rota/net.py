"""The solver's safety net, made to hold: HiGHS runs in a process of its own, which reports each
better rota it finds and is stopped when the time is up.

HiGHS keeps its own time limit, but not everywhere: on a large plan it was seen to sit in its
preparation for 100 seconds against a 10-second limit, calling back once. A thread cannot be
stopped; a process can. So the planner waits for the answer at most the time limit and
`GRACE_S` (for the process to start and report), then ends the process and keeps the best rota
known — the last one reported, else the first rota — labelled "best found, not proven".

The process is started only when the first rota is not proven optimal by the bounds alone, so a
typical plan never starts it. It is started fresh ("spawn"), never forked, so a planner running
in a worker thread of the app passes no lock or thread into it.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from voicesgroup.rota import bounds
from voicesgroup.rota.model import Problem
from voicesgroup.rota.pairs import Pairs

if TYPE_CHECKING:
    from voicesgroup.rota.solver import Solution

GRACE_S = 3.0
"""Time beyond the limit for the solver's process to start and give its answer."""


def _answer(
    sending: Connection, problem: Problem, greedy: list[list[int]], pairs: Pairs, limit: float
) -> None:
    """The solver's process: each better rota is sent as found, then the solution."""
    from voicesgroup.rota import solver

    def report(people: list[list[int]]) -> None:
        sending.send(("better", people))

    sending.send(("solved", solver.solve_exactly(problem, greedy, pairs, limit, report)))
    sending.close()


SOLVER: Callable[[Connection, Problem, list[list[int]], Pairs, float], None] = _answer
"""What the solver's process runs (a test replaces it with a process that never answers)."""


def solve_apart(problem: Problem, greedy: list[list[int]], pairs: Pairs, limit: float) -> Solution:
    """`solver.solve_exactly` in a process of its own, waited for at most `limit` + `GRACE_S`
    seconds; after that, the best rota known, not proven."""
    from voicesgroup.rota.solver import Solution

    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    worker = context.Process(
        target=SOLVER, args=(sending, problem, greedy, pairs, limit), daemon=True
    )
    deadline = time.monotonic() + limit + GRACE_S
    worker.start()
    sending.close()
    best, solved = greedy, None
    try:
        while solved is None:
            left = deadline - time.monotonic()
            if left <= 0 or not receiving.poll(left):
                break
            try:
                kind, value = receiving.recv()
            except EOFError:  # the process ended without an answer
                break
            if kind == "better":
                best = value
            else:
                solved = value
    finally:
        if solved is None and worker.is_alive():
            worker.kill()
        worker.join()
        receiving.close()
    if solved is not None:
        return solved
    fewest, most = bounds.spread_bound(problem, best)
    return Solution([sorted(found) for found in best], False, most - fewest)
