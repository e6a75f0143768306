"""The fourth objective, the pairs, as two measures taken in order, each with a bound no rota
can pass (so a rota reaching it is proven without a search) and its columns for `solver`:

- **requests**: the sessions where two people who asked to work together (either of them
  asking) are on together; the more the better. Bound: the sessions where such a pair could
  be on together (both candidates, the rules allowing them as a pair).
- **new pairings**: the trainees and experienced partners who work beside each other in the
  planned weeks and nowhere else on the rota (`model.Problem.pair_times`): the more the better,
  so a trainee meets as many experienced facilitators as the places allow. Bound, per trainee:
  the experienced people not yet beside them who could share one of their sessions, and at
  most the sessions they could hold.

Beyond these, partners who have been together least come first (`first.first_rota`): a
tie-break, not a proven objective.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from voicesgroup.rota import rules
from voicesgroup.rota.bounds import capacity_of, loads
from voicesgroup.rota.first import Draft, pair
from voicesgroup.rota.model import Problem


@dataclass
class Pairs:
    """Who the two measures are about, by index: pairs who asked to work together (with the
    sessions they could hold together), and the (trainee, experienced) pairs not yet together
    on the rota who could hold at least one session together."""

    asked: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    """An asked pair (smaller index first) and the sessions they could hold together."""
    new: list[tuple[int, int]] = field(default_factory=list)
    """(trainee, experienced), in order."""
    new_set: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def of(cls, problem: Problem) -> Pairs:
        facs = problem.facs
        index = problem.index
        asked = {
            pair(i, index[other])
            for i, f in enumerate(facs)
            for other in f.prefers
            if other in index and index[other] != i
        }
        trainees = {i for i, f in enumerate(facs) if rules.is_trainee(f)}
        experienced = {i for i, f in enumerate(facs) if rules.is_experienced(f)}
        found = cls()
        # Sessions of one group with the same candidates share their pairs: each asked once;
        # groups by a small number, since a group's id is slow to hash this often.
        number = {gid: n for n, gid in enumerate(problem.groups)}
        allowed: dict[tuple[int, int, int], bool] = {}
        shared: dict[tuple[int, tuple[int, ...]], list[tuple[int, int]]] = {}
        together = problem.pair_times
        for s, people in enumerate(problem.candidates):
            group = problem.group_of(s)
            g = number[group.id]
            key = (g, tuple(people))
            if key in shared:
                for each in shared[key]:
                    found.asked[each].append(s)
                continue
            here = set(people)
            wanted = [(a, b) for a, b in sorted(asked) if a in here and b in here]
            fresh = [
                (t, e)
                for t in sorted(here & trainees)
                for e in sorted(here & experienced)
                if not together or pair(t, e) not in together
            ]
            for one, other in [*wanted, *fresh]:
                if (g, one, other) not in allowed:
                    allowed[g, one, other] = rules.may_pair(facs[one], facs[other], group)
            shared[key] = [each for each in wanted if allowed[g, *each]]
            for each in shared[key]:
                found.asked.setdefault(each, []).append(s)
            found.new_set.update(each for each in fresh if allowed[g, *each])
        found.asked = dict(sorted(found.asked.items()))
        found.new = sorted(found.new_set)
        return found

    def is_new(self, one: int, other: int) -> bool:
        """Whether the two are a (trainee, experienced) pair counted as new, either way round."""
        return (one, other) in self.new_set or (other, one) in self.new_set

    def met(self, people: list[list[int]]) -> set[tuple[int, int]]:
        """The new pairings of a rota (who is on each session)."""
        found: set[tuple[int, int]] = set()
        for on in people:
            if len(on) == 2:
                a, b = on
                if (a, b) in self.new_set:
                    found.add((a, b))
                elif (b, a) in self.new_set:
                    found.add((b, a))
        return found

    def sessions(self, problem: Problem) -> list[tuple[int, int, int]]:
        """(trainee, experienced, session) for every new pair who are both candidates on it."""
        trainees = {t for t, _ in self.new}
        found: list[tuple[int, int, int]] = []
        for s, people in enumerate(problem.candidates):
            here = [i for i in people if i in trainees]
            for t in here:
                found.extend((t, e, s) for e in people if (t, e) in self.new_set)
        return found

    def people(self) -> set[int]:
        """One of each pair the two measures count: both of an asked pair, and the trainee of
        a new one (its experienced partners are many, and often most of a large team)."""
        return {i for each in self.asked for i in each} | {t for t, _ in self.new}

    def ways(self, problem: Problem) -> list[tuple[int, tuple[int, ...]]]:
        """(session, who is on it) for each way the rules allow a session to hold one of
        `people()`: alone, or beside any candidate. The solver's columns for the two
        measures (see `solver._pairs_solved_exactly`); every pair the measures count is one
        of them."""
        about = self.people()
        rota = Draft(problem)
        found: list[tuple[int, tuple[int, ...]]] = []
        for s, candidates in enumerate(problem.candidates):
            for k, one in enumerate(candidates):
                if one in about and rota.allowed(s, (one,)):
                    found.append((s, (one,)))
                for other in candidates[k + 1 :]:
                    if (one in about or other in about) and rota.allowed(s, (one, other)):
                        found.append((s, (one, other)))
        return found

    def measures(self, people: list[list[int]]) -> tuple[int, int]:
        """(requests, new pairings) of a rota (who is on each session)."""
        on = [set(found) for found in people]
        requests = sum(
            1 for (a, b), sessions in self.asked.items() for s in sessions if {a, b} <= on[s]
        )
        return requests, len(self.met(people))

    def bounds(self, problem: Problem, people: list[list[int]]) -> tuple[int, int]:
        """(requests, new pairings) no rota can pass that fills the places `people` fills with
        no wider spread (see `most_new`)."""
        requests = len({s for sessions in self.asked.values() for s in sessions})
        return requests, sum(self.most_new(problem, people).values())

    def most_new(self, problem: Problem, people: list[list[int]]) -> dict[int, int]:
        """Per trainee, the new pairings no such rota passes: the experienced people not yet
        beside them who could share a session, and at most the sessions they could hold —
        alone (`bounds.capacity_of`), and no more than the average (rounded down) plus the
        spread of `people`, since nobody who counts holds more."""
        per_trainee: dict[int, int] = {}
        for t, _ in self.new:
            per_trainee[t] = per_trainee.get(t, 0) + 1
        room = capacity_of(problem, list(per_trainee))
        found = loads(problem, people)
        if found:
            most = sum(found) // len(found) + max(found) - min(found)
            for t in room:
                room[t] = min(room[t], max(most - problem.base[t], 0))
        return {t: min(n, room[t]) for t, n in per_trainee.items()}


Change = tuple[int, int, int]
"""(session, who leaves it, who takes their place)."""

CHAIN = 3
"""The most places one move passes along to add a pairing (see `more_pairings`)."""


def more_pairings(problem: Problem, people: list[list[int]], pairs: Pairs) -> list[list[int]]:
    """`people` with more new pairings where moves allow, places, spread and requests as they
    were. For a trainee and an experienced partner not yet met: on one of the trainee's sessions
    the newcomer takes the partner's place, that partner takes another's on another of the
    trainee's sessions, and so on (at most `CHAIN` places) until a partner the trainee meets
    elsewhere too gives up a place; or the newcomer and the partner exchange sessions. A move
    is made only when every rule allows the result, the spread does not grow, and no pairing
    or request is lost; each adds a pairing, so the moves end. Nothing is random."""
    state = _State(problem, people, pairs)
    most = pairs.most_new(problem, people)
    for t, e in pairs.new:
        if state.met(t, e) or state.new_met(t) >= most[t]:
            continue
        if not any(state.apply(changes) for changes in state.moves(t, e)):
            state.join_then_move(t, e)
    return [sorted(found) for found in state.rota.people]


class _State:
    def __init__(self, problem: Problem, people: list[list[int]], pairs: Pairs) -> None:
        self.problem = problem
        self.pairs = pairs
        self.rota = Draft(problem)
        self.held: dict[int, set[int]] = {}
        for s, found in enumerate(people):
            for i in found:
                self.rota.place(s, i)
                self.held.setdefault(i, set()).add(s)
        self.spread = self._spread()
        self.could = [set(found) for found in problem.candidates]
        self.partners: dict[int, list[int]] = {}
        for t, e in pairs.new:
            self.partners.setdefault(t, []).append(e)

    def _spread(self) -> int:
        counted, loads = self.problem.eligible, self.rota.counts
        return max(loads[i] for i in counted) - min(loads[i] for i in counted) if counted else 0

    def together(self, one: int, other: int) -> int:
        return len(self.held.get(one, set()) & self.held.get(other, set()))

    def met(self, t: int, e: int) -> bool:
        return self.together(t, e) > 0

    def spare(self, one: int, other: int) -> bool:
        """Whether `one` and `other` can be apart on one session and lose neither a pairing
        nor a request."""
        if pair(one, other) in self.pairs.asked:
            return False
        return not self.pairs.is_new(one, other) or self.together(one, other) >= 2

    def new_met(self, t: int) -> int:
        """The new pairings trainee `t` has."""
        return sum(1 for e in self.partners.get(t, []) if self.met(t, e))

    def join_then_move(self, t: int, e: int) -> bool:
        """The trainee takes one more session (beside someone met already, who can then be
        spared elsewhere), then `e` is brought beside them; or nothing changes."""
        for s, found in enumerate(self.rota.people):
            if t not in self.could[s] or t in found or len(found) != 2:
                continue
            for out in found:
                other = found[0] if found[1] == out else found[1]
                if not self.spare(out, other) or not self.apply([(s, out, t)]):
                    continue
                if any(self.apply(changes) for changes in self.moves(t, e)):
                    return True
                self.apply([(s, t, out)])
        return False

    def partner(self, s: int, i: int) -> int | None:
        return next((j for j in self.rota.people[s] if j != i), None)

    def moves(self, t: int, e: int) -> Iterator[list[Change]]:
        """Moves that would bring `e` beside trainee `t`, shortest first: a chain along the
        trainee's sessions ending with a partner who can be spared, then the same chain with
        that partner taking one of `e`'s sessions in exchange (so no load changes)."""
        mine = sorted(self.held.get(t, set()))
        paths: list[tuple[int, list[Change]]] = [(e, [])]
        seen = {e}
        for _ in range(CHAIN):
            longer: list[tuple[int, list[Change]]] = []
            for into, path in paths:
                for s in mine:
                    out = self.partner(s, t)
                    if out is None or out in seen or not self._could(s, t, into, e):
                        continue
                    if any(s == done for done, _, _ in path):
                        continue
                    step = [*path, (s, out, into)]
                    seen.add(out)
                    longer.append((out, step))
                    if self.spare(t, out):
                        yield step
                        yield from self._exchanges(e, out, step)
            paths = longer
        yield from self._joins(t, e)

    def _joins(self, t: int, e: int) -> Iterator[list[Change]]:
        """The trainee takes the place beside `e` on one of `e`'s sessions, alone or giving
        the one who leaves it one of their own sessions in exchange."""
        mine = sorted(self.held.get(t, set()))
        for s in sorted(self.held.get(e, set())):
            out = self.partner(s, e)
            if out is None or t in self.rota.people[s] or t not in self.could[s]:
                continue
            if not self.spare(out, e):
                continue
            yield [(s, out, t)]
            for s2 in mine:
                other = self.partner(s2, t)
                if other is not None and self.spare(t, other) and out in self.could[s2]:
                    yield [(s, out, t), (s2, t, out)]

    def _could(self, s: int, t: int, into: int, e: int) -> bool:
        """Whether `into` could be beside `t` on session `s` (`e`, who may leave a session
        the same day in exchange, is checked when the move is made)."""
        if into not in self.could[s] or not self.rota.allowed(s, [t, into]):
            return False
        return into == e or self.rota.free(s, into)

    def _exchanges(self, e: int, out: int, path: list[Change]) -> Iterator[list[Change]]:
        used = {s for s, _, _ in path}
        for s in sorted(self.held.get(e, set()) - self.held.get(out, set()) - used):
            other = self.partner(s, e)
            if out in self.could[s] and (other is None or self.spare(other, e)):
                yield [*path, (s, e, out)]

    def apply(self, changes: list[Change]) -> bool:
        """Make all of `changes` at once when every rule allows the result and the spread
        does not grow; else change nothing."""
        rota = self.rota
        for s, out, _ in changes:
            rota.place(s, out, -1)
        placed: list[Change] = []
        ok = True
        for change in changes:
            s, _, into = change
            if into in rota.people[s] or not rota.free(s, into):
                ok = False
                break
            if not rota.allowed(s, [*rota.people[s], into]):
                ok = False
                break
            rota.place(s, into)
            placed.append(change)
        if ok and self._spread() <= self.spread:
            for s, out, into in changes:
                self.held[out].discard(s)
                self.held.setdefault(into, set()).add(s)
            return True
        for s, _, into in placed:
            rota.place(s, into, -1)
        for s, out, _ in changes:
            rota.place(s, out)
        return False
