"""The first rota: found without a solver, kept when it reaches the bounds `solver` checks.

Sessions are taken in date order, each given the pair (else the one person) with the fewest
sessions so far that keeps every constraint of `model.Problem`; partners who have been together
least come first, so a trainee's experienced partner varies. Then the spread is narrowed by
moves that each keep every constraint: a session of someone with the most sessions goes to
someone with at least two fewer, or someone with the fewest takes a session from someone with
at least two more. Every move narrows the loads, so the moves end; nothing here is random.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator

from voicesgroup.rota.model import Problem

FIRST_CHOICES = 24
"""The people with the fewest sessions a session's pair is chosen among."""

PAIRS_TRIED = 400
"""The most pairs tried for one session before one person is placed alone."""


def pair(one: int, other: int) -> tuple[int, int]:
    """Two people as one key, the smaller index first."""
    return (one, other) if one < other else (other, one)


class Draft:
    """A rota being made: who is on each session, everyone's sessions, and the room left in
    each counting row (one a day, the monthly limits)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.used: dict[tuple[int, int], int] = {}  # (person, row of day_rows or month_rows)
        self.rows_of: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for r, row in enumerate(problem.day_rows):
            for s in row[1:]:
                self.rows_of.setdefault((s, row[0]), []).append((r, 1))
        for r, (sessions, i, room) in enumerate(problem.month_rows):
            for s in sessions:
                self.rows_of.setdefault((s, i), []).append((len(problem.day_rows) + r, room))
        self.counts = list(problem.base)
        self.people: list[list[int]] = [[] for _ in problem.sessions]

    def free(self, s: int, i: int) -> bool:
        """Whether `i` has room for session `s` in every counting row."""
        used = self.used
        return all(used.get((i, r), 0) < room for r, room in self.rows_of.get((s, i), []))

    def allowed(self, s: int, people: tuple[int, ...] | list[int]) -> bool:
        """Whether `people` together on session `s` keep every session rule."""
        return all(
            sum(i in people for i in c.people) - sum(i in people for i in c.partners) <= c.most
            for c in self.problem.constraints[s]
        )

    def place(self, s: int, i: int, step: int = 1) -> None:
        """Put `i` on session `s` (`step` -1: take them off)."""
        if step > 0:
            self.people[s].append(i)
        else:
            self.people[s].remove(i)
        self.counts[i] += step
        for r, _ in self.rows_of.get((s, i), []):
            self.used[i, r] = self.used.get((i, r), 0) + step

    def swap(self, s: int, out: int, into: int) -> bool:
        """Put `into` on session `s` instead of `out` when every rule allows it."""
        if into in self.people[s] or not self.free(s, into):
            return False
        others = [i for i in self.people[s] if i != out]
        if not self.allowed(s, [*others, into]):
            return False
        self.place(s, out, -1)
        self.place(s, into)
        return True


def first_rota(problem: Problem) -> list[list[int]]:
    """A rota that keeps every constraint, filling places and balancing loads as it can."""
    rota = Draft(problem)
    together = dict(problem.pair_times)
    index = problem.index
    asked = frozenset(
        pair(i, index[other])
        for i, person in enumerate(problem.facs)
        for other in person.prefers
        if other in index and index[other] != i
    )
    for s, candidates in enumerate(problem.candidates):
        counts = rota.counts
        ready = [i for i in candidates if rota.free(s, i)]
        ready = sorted(ready, key=lambda i: (counts[i], i))[:FIRST_CHOICES]
        pairs = itertools.islice(pairs_by_load(ready, counts, together, asked), PAIRS_TRIED)
        singles = ((i,) for i in ready)
        choice = next((c for c in itertools.chain(pairs, singles) if rota.allowed(s, c)), ())
        if len(choice) == 2:
            key = pair(*choice)
            together[key] = together.get(key, 0) + 1
        for i in choice:
            rota.place(s, i)
    _narrow(rota)
    return [sorted(people) for people in rota.people]


def _narrow(rota: Draft) -> None:
    """Move sessions from the most loaded to the least, while a move keeps every rule."""
    problem = rota.problem
    counted = problem.eligible
    held: dict[int, list[int]] = {i: [] for i in counted}
    for s, people in enumerate(rota.people):
        for i in people:
            held.setdefault(i, []).append(s)
    could: dict[int, list[int]] = {i: [] for i in counted}
    for s, people in enumerate(problem.candidates):
        for i in people:
            could.setdefault(i, []).append(s)
    counts = rota.counts
    while counted:
        most = max(counts[i] for i in counted)
        fewest = min(counts[i] for i in counted)
        if most - fewest < 2 or not _one_move(rota, counted, held, could, most, fewest):
            return


def _one_move(
    rota: Draft,
    counted: list[int],
    held: dict[int, list[int]],
    could: dict[int, list[int]],
    most: int,
    fewest: int,
) -> bool:
    """Make the first move that narrows the loads (see the module docstring)."""
    counts = rota.counts
    for out in (i for i in counted if counts[i] == most):
        for s in held[out]:
            for into in sorted(rota.problem.candidates[s], key=lambda i: (counts[i], i)):
                if counts[into] > most - 2:
                    break
                if rota.swap(s, out, into):
                    held[out].remove(s)
                    held.setdefault(into, []).append(s)
                    return True
    for into in (i for i in counted if counts[i] == fewest):
        for s in could[into]:
            for out in sorted(rota.people[s], key=lambda i: (-counts[i], i)):
                if counts[out] < fewest + 2:
                    break
                if rota.swap(s, out, into):
                    held[out].remove(s)
                    held[into].append(s)
                    return True
    return False


def pairs_by_load(
    ready: list[int],
    counts: list[int],
    together: dict[tuple[int, int], int],
    asked: frozenset[tuple[int, int]] = frozenset(),
) -> Iterator[tuple[int, ...]]:
    """The pairs of `ready` (sorted by sessions so far), fewest sessions between them first,
    then those who `asked` to work together, then those together least (so partners vary),
    then by index: made as they are asked for, since the first is mostly taken."""
    heap = [(counts[ready[k]] + counts[ready[k + 1]], k, k + 1) for k in range(len(ready) - 1)]
    heapq.heapify(heap)
    while heap:
        load = heap[0][0]
        level: list[tuple[bool, int, int, int]] = []
        while heap and heap[0][0] == load:
            _, k, m = heapq.heappop(heap)
            a, b = ready[k], ready[m]
            key = (a, b) if a < b else (b, a)
            level.append((key not in asked, together.get(key, 0), a, b))
            if m + 1 < len(ready):
                heapq.heappush(heap, (counts[a] + counts[ready[m + 1]], k, m + 1))
        for _, _, a, b in sorted(level):
            yield (a, b)
