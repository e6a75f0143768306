"""The solver's safety net, made to hold: HiGHS runs in a process of its own, which reports each
better rota it finds and is stopped when the time is up.

HiGHS keeps its own time limit, but not everywhere: on a large plan it was seen to sit in its
preparation for 100 seconds against a 10-second limit, calling back once. A thread cannot be
stopped; a process can. So the planner waits for the answer at most the time limit and
`GRACE_S` (for the process to start and report), then ends the process and keeps the best rota
known — the last one reported, else the first rota — labelled "best found, not proven".

The process is started only when the first rota is not proven optimal by the bounds alone, so a
typical plan never starts it. It is a fresh interpreter (`python -c`, reading its work from its
input and writing its answers on a copy of its output, with its own output sent nowhere), so
it depends neither on how the app was started nor on the threads of the one starting it.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from voicesgroup.rota import bounds, rules
from voicesgroup.rota.model import Problem
from voicesgroup.rota.pairs import Pairs

if TYPE_CHECKING:
    from voicesgroup.rota.solver import Solution

GRACE_S = 3.0
"""Time beyond the limit for the solver's process to start and give its answer."""

Answer = Callable[[IO[bytes], Problem, list[list[int]], Pairs, float], None]


def _answer(
    sending: IO[bytes], problem: Problem, greedy: list[list[int]], pairs: Pairs, limit: float
) -> None:
    """The solver's work: each better rota is sent as found, then the solution."""
    from voicesgroup.rota import solver

    def report(people: list[list[int]]) -> None:
        _send(sending, ("better", people))

    _send(sending, ("solved", solver.solve_exactly(problem, greedy, pairs, limit, report)))


SOLVER: Answer = _answer
"""What the solver's process runs (a test puts a process that never answers in its place)."""


def _send(sending: IO[bytes], message: tuple[str, Any]) -> None:
    pickle.dump(message, sending)
    sending.flush()


def main() -> None:
    """The solver's process: its output kept for answers (anything else written there, by
    HiGHS or Python, goes to the error stream, which the planner does not read)."""
    sending = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    reading = sys.stdin.buffer
    sys.path[:0] = [p for p in pickle.load(reading) if p not in sys.path]
    work, *args = pickle.load(reading)
    work(sending, *args)
    sending.close()


def solve_apart(problem: Problem, greedy: list[list[int]], pairs: Pairs, limit: float) -> Solution:
    """`solver.solve_exactly` in a process of its own, waited for at most `limit` + `GRACE_S`
    seconds; after that, the best rota known, not proven."""
    from voicesgroup.rota.solver import Solution

    deadline = time.monotonic() + limit + GRACE_S
    try:
        worker = subprocess.Popen(
            [sys.executable, "-c", "from voicesgroup.rota.net import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no interpreter to start (an embedded Python): the first rota stands
        return _not_proven(problem, greedy)
    answers: queue.Queue[tuple[str, Any]] = queue.Queue()
    work = (SOLVER, problem, greedy, pairs, limit)
    # Writing and reading in threads of their own: the wait below is the only one, and it
    # ends at the deadline whatever the process does.
    writer = threading.Thread(target=_write, args=(worker.stdin, work), daemon=True)
    reader = threading.Thread(target=_read, args=(worker.stdout, answers), daemon=True)
    writer.start()
    reader.start()
    best: list[list[int]] = greedy
    solved: object = None
    try:
        while solved is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                kind, value = answers.get(timeout=left)
            except queue.Empty:
                break
            if kind == "better":
                # A rota from another process is taken only when it is one of this problem's
                # that keeps every rule; else the best one known stands (a bug, another version).
                best = value if keeps_the_rules(problem, value) else best
            elif kind == "solved":
                solved = value
            else:  # the process ended without an answer
                break
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        writer.join()
        reader.join()
    if (
        isinstance(solved, Solution)
        and isinstance(solved.proven, bool)
        and isinstance(solved.spread_bound, int)
        and keeps_the_rules(problem, solved.people)
    ):
        return solved
    return _not_proven(problem, best)


def keeps_the_rules(problem: Problem, people: object) -> bool:
    """Whether `people` is a rota of `problem` that keeps every rule: a list of who is on each
    of its sessions (at most two people, by index); each of them free that day by the rules
    about one person (`problem.candidates`, from `rules.person_breaks`); one session a day and
    each monthly limit over the whole rota; and the two on a session allowed together, one of
    them leading (`rules.session_breaks`)."""
    if not isinstance(people, list) or len(people) != len(problem.sessions):
        return False
    on: list[list[int]] = []
    for s, found in enumerate(people):
        if not isinstance(found, list | tuple) or len(found) > 2:
            return False
        if not all(type(i) is int for i in found) or len(set(found)) != len(found):
            return False
        if not set(found) <= set(problem.candidates[s]):
            return False
        on.append(list(found))
    return _counts_kept(problem, on) and all(
        _allowed_together(problem, s, found) for s, found in enumerate(on) if found
    )


def _counts_kept(problem: Problem, on: list[list[int]]) -> bool:
    """One session a day (`rules.DAY_LIMIT`) and each monthly limit, over the rota `on`."""
    for person, *sessions in problem.day_rows:
        if sum(person in on[s] for s in sessions) > rules.DAY_LIMIT:
            return False
    return all(
        sum(person in on[s] for s in sessions) <= limit
        for sessions, person, limit in problem.month_rows
    )


def _allowed_together(problem: Problem, s: int, found: list[int]) -> bool:
    """Whether the people on session `s` may hold it, either of them leading."""
    group = problem.group_of(s)
    facs = [problem.facs[i] for i in found]
    if len(facs) == 1:
        return not rules.session_breaks(facs[0], None, group)
    one, other = facs
    return not rules.session_breaks(one, other, group) or not rules.session_breaks(
        other, one, group
    )


def _not_proven(problem: Problem, best: list[list[int]]) -> Solution:
    """The best rota known, labelled as not proven, with the spread's bound it has."""
    from voicesgroup.rota.solver import Solution

    fewest, most = bounds.spread_bound(problem, best)
    return Solution([sorted(found) for found in best], False, most - fewest)


def _write(stream: IO[bytes] | None, work: tuple[Any, ...]) -> None:
    """The process's work: where to import from, then what to run and with what."""
    if stream is None:
        return
    try:
        pickle.dump(list(sys.path), stream)
        pickle.dump(work, stream)
        stream.close()
    except OSError:  # the process was ended before it took its work
        pass


def _read(stream: IO[bytes] | None, answers: queue.Queue[tuple[str, Any]]) -> None:
    """Every answer the process gives, then ("ended", None)."""
    try:
        while stream is not None:
            answers.put(pickle.load(stream))
    except Exception:  # the end of the stream, or a process ended mid-answer
        pass
    finally:
        answers.put(("ended", None))
