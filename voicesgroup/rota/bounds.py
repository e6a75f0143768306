"""Bounds no rota can pass, so that `solver` can prove a rota optimal without a search.

- `most_places`: two places a session, fewer where fewer are candidates.
- `spread_bound`: (fewest, most) such that no rota filling as many places has a spread below
  most - fewest. The fewest is at most the smallest capacity (what someone could hold alone,
  with one session a day and their monthly limits) and the average. The most is at least the
  smallest level at which the places can be held at all with nobody above it, the hard rules
  about who is on a session together left aside (`_least_most`): a flow of places from the
  sessions through each person's days and months to the people, found from a rota that keeps
  every rule by moving places along paths one at a time, so its cost is in the places that
  have to move, not in the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

from voicesgroup.rota import rules
from voicesgroup.rota.model import Problem


def most_places(problem: Problem) -> int:
    """Places no rota can exceed: two a session, fewer where fewer are candidates."""
    return sum(min(2, len(people)) for people in problem.candidates)


def loads(problem: Problem, people: list[list[int]]) -> list[int]:
    """The sessions of each person who counts for the spread, kept ones included."""
    counts = list(problem.base)
    for found in people:
        for i in found:
            counts[i] += 1
    return [counts[i] for i in problem.eligible]


def capacity(problem: Problem) -> dict[int, int]:
    """The most sessions each person who counts could hold, taking them alone: one a day and
    their monthly limits over the days they are a candidate, kept sessions added."""
    planned = capacity_of(problem, problem.eligible)
    return {i: problem.base[i] + planned[i] for i in problem.eligible}


def capacity_of(problem: Problem, people: list[int]) -> dict[int, int]:
    """The most planned sessions each of `people` could hold, taking them alone: one a day and
    their monthly limits over the days they are a candidate."""
    wanted = set(people)
    days: dict[tuple[int, int, int], set[dt.date]] = {}
    for s, candidates in enumerate(problem.candidates):
        day = problem.sessions[s].date
        for i in candidates:
            if i in wanted:
                days.setdefault((i, day.year, day.month), set()).add(day)
    room: dict[tuple[int, int, int], int] = {}
    for sessions, i, left in problem.month_rows:
        day = problem.sessions[sessions[0]].date
        room[i, day.year, day.month] = left
    found = dict.fromkeys(people, 0)
    for key, those in days.items():
        found[key[0]] += min(len(those) * rules.DAY_LIMIT, room.get(key, len(those)))
    return found


def spread_bound(problem: Problem, people: list[list[int]]) -> tuple[int, int]:
    """(fewest, most): no rota filling as many places as `people` (a rota keeping every
    rule) has a spread below most - fewest."""
    held = capacity(problem)
    if not held:
        return 0, 0
    filled = sum(map(len, people))
    total = filled + sum(problem.base[i] for i in held)
    fewest = min(min(held.values()), total // len(held))
    most = fewest
    while sum(min(c, most) for c in held.values()) < total:
        most += 1
    if most < max(loads(problem, people), default=0):
        most = _least_most(problem, people, most)
    return fewest, most


class _Flow:
    """Places flowing source -> session -> (person's day) -> (person's month) -> person ->
    sink; a day or month node only where that limit binds (`Problem.day_rows`,
    `month_rows`). Edges are kept in pairs (an edge and its reverse: `e ^ 1`); `path` holds the
    edges each place of `people` takes."""

    SOURCE, SINK = 0, 1

    def __init__(self, problem: Problem, people: list[list[int]]) -> None:
        self.to: list[int] = []
        self.cap: list[int] = []
        self.out: list[list[int]] = [[], []]
        session = [self._node() for _ in problem.sessions]
        person = [self._node() for _ in problem.facs]
        self.to_sink = [self._edge(p, self.SINK, 0) for p in person]
        for s, candidates in enumerate(problem.candidates):
            self._edge(self.SOURCE, session[s], min(2, len(candidates)))
        self.from_source = list(range(2 * len(person), 2 * (len(person) + len(session)), 2))
        month_of: dict[tuple[int, int], tuple[int, int]] = {}
        for sessions, i, room in problem.month_rows:
            node = self._node()
            edge = self._edge(node, person[i], room)
            for s in sessions:
                month_of[s, i] = (node, edge)
        day_of: dict[tuple[int, int], tuple[int, int]] = {}
        for row in problem.day_rows:
            i = row[0]
            node = self._node()
            after = month_of.get((row[1], i), (person[i], -1))[0]
            edge = self._edge(node, after, rules.DAY_LIMIT)
            for s in row[1:]:
                day_of[s, i] = (node, edge)
        # The edges from sessions to people are most of the graph: made here in one loop.
        to, cap, out = self.to, self.cap, self.out
        self.path: dict[tuple[int, int], list[int]] = {}
        for s, candidates in enumerate(problem.candidates):
            here = session[s]
            on = set(people[s])
            for i in candidates:
                day, month = day_of.get((s, i)), month_of.get((s, i))
                first = day[0] if day else month[0] if month else person[i]
                e = len(to)
                to += (first, here)
                cap += (1, 0)
                out[here].append(e)
                out[first].append(e + 1)
                if i in on:
                    edges = [e]
                    if day is not None:
                        edges.append(day[1])
                    if month is not None:
                        edges.append(month[1])
                    edges.append(self.to_sink[i])
                    self.path[s, i] = edges

    def _node(self) -> int:
        self.out.append([])
        return len(self.out) - 1

    def _edge(self, a: int, b: int, cap: int) -> int:
        e = len(self.to)
        self.to += [b, a]
        self.cap += [cap, 0]
        self.out[a].append(e)
        self.out[b].append(e + 1)
        return e

    def push(self, edges: list[int], amount: int) -> None:
        """Send `amount` along `edges` (negative: take it back)."""
        for e in edges:
            self.cap[e] -= amount
            self.cap[e ^ 1] += amount

    def augment(self) -> bool:
        """Move one more place from the source to the sink along a path with room, if any
        (breadth first, edges in the order made: the same data take the same path)."""
        cap, to, out = self.cap, self.to, self.out
        came = [-1] * len(out)
        came[self.SOURCE] = -2
        queue = deque([self.SOURCE])
        while queue:
            node = queue.popleft()
            for e in out[node]:
                nxt = to[e]
                if cap[e] > 0 and came[nxt] == -1:
                    came[nxt] = e
                    if nxt == self.SINK:
                        queue.clear()
                        break
                    queue.append(nxt)
        if came[self.SINK] == -1:
            return False
        node = self.SINK
        while node != self.SOURCE:
            e = came[node]
            cap[e] -= 1
            cap[e ^ 1] += 1
            node = to[e ^ 1]
        return True


def _least_most(problem: Problem, people: list[list[int]], most: int) -> int:
    """The smallest level at or above `most` at which the places of `people` can be held with
    nobody who counts above it, the rules about who is on a session together left aside."""
    flow = _Flow(problem, people)
    counted = set(problem.eligible)
    total = sum(map(len, people))
    for i in range(len(problem.facs)):
        room = most - problem.base[i] if i in counted else total
        flow.cap[flow.to_sink[i]] = max(room, 0)
    held: dict[int, list[int]] = {}
    missing = 0
    for s, found in enumerate(people):
        for i in found:
            held.setdefault(i, []).append(s)
    for i, sessions in sorted(held.items()):
        room = flow.cap[flow.to_sink[i]]
        for k, s in enumerate(sessions):
            if k < room:
                path = flow.path[s, i]
                flow.push([flow.from_source[s], *path], 1)
            else:
                missing += 1
    # `people` holds every place with nobody above its own highest load: the level is reached
    # by then at the latest.
    ceiling = max(loads(problem, people), default=most)
    while missing and most < ceiling:
        if flow.augment():
            missing -= 1
            continue
        most += 1
        for i in counted:
            flow.cap[flow.to_sink[i]] += 1
    return most
