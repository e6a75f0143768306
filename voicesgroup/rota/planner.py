"""The rota planner: who leads and who co-facilitates each session, fairly.

Everything here is a pure function of its arguments: no files, no clock, no randomness. The
hard rules are `rules`' (each written there once); the planner asks them once per pair of
people and never breaks one. Sessions in `keep` (the published ones inside the planned weeks)
are fixed inputs: never planned again, and they count for days, monthly limits, the spread
and lead rotation; `history` (the rest of the rota) counts for days, limits and rotation.

The objective, in order: (1) the most places filled; (2) the smallest spread; (3) the lead
goes to whoever led least recently, kept and earlier sessions included; (4) pairs vary (a
trainee's experienced partner changes across leads and kinds of group) and requests to work
together are met. (3) and (4) are decided after (1) and (2), never at their cost. Ties are
broken by name, then id, so the same data give the same rota whatever their order.

**Spread, and who counts for it.** `RotaResult.spread` is the most sessions any *eligible*
facilitator has in the planned weeks (kept sessions included) minus the fewest (counting those
with none). A facilitator is eligible when they hold a kept session in those weeks, or when,
taking each planned session on its own, there is at least one session they could fill under
the hard rules: active, available that day, room left in the month, and a rule-abiding
partner available that day (or able to take the session alone: not in training, and a woman
where the group asks for one). People with no availability in the planned weeks are not
counted; people with dates off or monthly limits are eligible and are counted, so "as even as
possible" means: the smallest spread any rota keeping the same hard
rules and filling as many places can have. The tests check the generator reaches exactly that
optimum, against the CP-SAT solver, on realistic inputs. `RotaResult.spread_bound` is a proven
lower bound; when it equals the spread, the rota is provably as even as it can be.

**How.** A greedy pass in date order gives each place to the free facilitator with the
fewest sessions so far (then the least recent session, then name), choosing the partner who
keeps counts even and pairs varied. Open places are then filled by augmenting chains (someone
takes the place, handing one of their own sessions on to someone else, and so on, until the
chain ends with someone who has room), and counts are evened out by *improving transfers*:
while someone with n sessions can pass one, possibly through such a chain, to someone with at
most n - 2, do it. Without the pairing rules this is exact (the rota is then "decreasingly
minimal", which minimises the largest count and maximises the smallest at once). The pairing
rules (trainee with an experienced lead, women facilitator rule, avoid) can need two places
to change together, so when the spread is still above its lower bound, or places are open,
a wider search follows: chains may swap a partner between sessions on the way; months with
open places are re-planned by a bounded exact search; sessions are rebuilt with a new pair,
also "sideways" followed by transfers. It stops at the lower bound, when nothing improves,
or after a fixed number of steps (not a clock, so the result never depends on machine speed).
If the rota is still not proven best (places open, or the spread above its bound), a branch
and bound over every session's choices looks for a better one within a fixed number of nodes
(`exact`). Roles are chosen last, in date order; `reasons` then explains each session.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from voicesgroup import dates as house_dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import (
    Facilitator,
    Group,
    RotaAssignment,
    RotaStatus,
)
from voicesgroup.rota import reasons, rules

MAX_WEEKS = 156
"""The longest rota the generator plans in one go (three years)."""

_NO_LIMIT = 10_000
_WORK_LIMIT = 400_000
"""Search steps the improvement phase may take: bounds the time on hard inputs, and, unlike
a clock, keeps the result the same from one run to the next."""
_STALL_LIMIT = 100_000
"""Search steps allowed after the last gain in places filled or in spread."""
_DAY_SEARCH_NODES = 5_000
"""Nodes the search for one day's most places may visit."""
_DEEP_TRIES = 4
"""Sideways session rebuilds tried per session when nothing else improves the rota."""
_EXACT_NODES = 8_000
"""Nodes the last, exact search may visit when the rota is not yet proven best."""
_MONTH_SEARCH_NODES = 12_000
"""Steps (nodes, and sessions looked at for bounds) one month's re-planning may take."""


class RotaInputError(VoicesGroupError):
    """The rota cannot be planned from what was given; the message says why, in one line."""


@dataclass(frozen=True)
class PlannedSession:
    """One meeting of one group that needs a lead and a co-facilitator."""

    group_id: UUID
    date: dt.date


@dataclass
class RotaResult:
    """A draft rota: one assignment per planned session, in date order."""

    assignments: list[RotaAssignment]
    open_sessions: list[RotaAssignment]
    spread: int
    sessions: dict[UUID, int] = field(default_factory=dict)
    """Sessions per eligible facilitator (those counted for the spread)."""
    leads: dict[UUID, int] = field(default_factory=dict)
    """Leads per eligible facilitator."""
    spread_bound: int = 0
    """No rota filling as many places can have a smaller spread than this."""

    @property
    def as_even_as_possible(self) -> bool:
        """True when the spread is proven to be the smallest possible."""
        return self.spread <= self.spread_bound


# --------------------------------------------------------------------------------------------
# Words


def _day(day: dt.date) -> str:
    return house_dates.date(day)


def _sort_key(facilitator: Facilitator) -> tuple[str, str, str]:
    return (facilitator.display_name.casefold(), facilitator.display_name, str(facilitator.id))


def _group_key(group: Group) -> tuple[str, str, str]:
    return (group.name.casefold(), group.name, str(group.id))


def _is_trainee(facilitator: Facilitator) -> bool:
    return rules.is_trainee(facilitator)


def _is_experienced(facilitator: Facilitator) -> bool:
    return rules.is_experienced(facilitator)


def _prefer(one: Facilitator, other: Facilitator) -> bool:
    return rules.asked_to_pair(one, other) or rules.asked_to_pair(other, one)


# --------------------------------------------------------------------------------------------
# Sessions


def check_weeks(weeks: int) -> None:
    """Refuse a number of weeks the planner cannot use, in one sentence."""
    if weeks <= 0:
        raise RotaInputError(f"A rota needs at least one week (got {weeks}).")
    if weeks > MAX_WEEKS:
        raise RotaInputError(f"A rota can cover at most {MAX_WEEKS} weeks (got {weeks}).")


def check_groups(groups: Sequence[Group]) -> None:
    """Refuse to plan for no group, or only archived ones."""
    if not groups:
        raise RotaInputError("There are no groups to plan a rota for.")
    if all(g.archived for g in groups):
        raise RotaInputError("Every group is archived, so there is nothing to plan.")


def check_facilitators(facilitators: Sequence[Facilitator]) -> None:
    """Refuse to plan with nobody, or with nobody active."""
    if not any(f.active for f in facilitators):
        raise RotaInputError(
            "There are no active facilitators to put on the rota."
            if facilitators
            else "There are no facilitators to put on the rota."
        )


def sessions_for(groups: Sequence[Group], start: dt.date, weeks: int) -> list[PlannedSession]:
    """Every meeting of every (non-archived) group in the `weeks` weeks from `start`.

    Dates come from each group's `MeetingPattern.dates_from`; a group with a `first_date` in
    the future has no sessions before it. Sorted by date, then group name.
    """
    check_weeks(weeks)
    end = start + dt.timedelta(weeks=weeks)
    found: list[tuple[dt.date, tuple[str, str, str], PlannedSession]] = []
    for group in groups:
        if group.archived:
            continue
        first = group.pattern.first_date
        for day in group.pattern.dates_from(start, weeks):
            if start <= day < end and (first is None or day >= first):
                found.append((day, _group_key(group), PlannedSession(group.id, day)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [session for _, _, session in found]


# --------------------------------------------------------------------------------------------
# The planner


def _most_filled(options: list[list[tuple[int, ...]]]) -> int:
    """The most places one day's sessions can take together (each person once).

    Exact unless the search runs out of steps, when it gives the simple upper bound.
    """
    target = sum(len(found[0]) for found in options)
    best = 0
    budget = _DAY_SEARCH_NODES

    def search(k: int, taken: frozenset[int], so_far: int) -> bool:
        nonlocal best, budget
        budget -= 1
        if k == len(options):
            best = max(best, so_far)
            return best == target
        for option in options[k]:
            if budget <= 0:
                return True
            if taken.isdisjoint(option) and search(
                k + 1, taken.union(option), so_far + len(option)
            ):
                return True
        return False

    search(0, frozenset(), 0)
    return best if budget > 0 else target


Step = tuple[tuple[int, int, int], ...]
"""Places changing hands in one move: (session, position, new holder)."""


class _Planner:
    """Mutable working state for one call of `generate`; facilitators are small integers."""

    def __init__(
        self,
        groups: Sequence[Group],
        facilitators: Sequence[Facilitator],
        sessions: Sequence[PlannedSession],
        history: Sequence[RotaAssignment],
        keep: Sequence[RotaAssignment] = (),
    ) -> None:
        self.all_facs = list(facilitators)
        self.facs = sorted((f for f in facilitators if f.active), key=_sort_key)
        n = self.n = len(self.facs)
        self.index = {f.id: i for i, f in enumerate(self.facs)}
        self.group_by_id = {g.id: g for g in groups}
        self.sessions = list(sessions)

        dates = sorted({s.date for s in self.sessions})
        months = sorted({(d.year, d.month) for d in dates})
        day_of = {d: k for k, d in enumerate(dates)}
        month_of = {m: k for k, m in enumerate(months)}
        self.dates = dates
        self.s_day = [day_of[s.date] for s in self.sessions]
        self.s_month = [month_of[(s.date.year, s.date.month)] for s in self.sessions]
        self.s_rule = [
            1 if self.group_by_id[s.group_id].women_facilitator_rule else 0 for s in self.sessions
        ]
        self.by_day: list[list[int]] = [[] for _ in dates]
        for s, k in enumerate(self.s_day):
            self.by_day[k].append(s)

        # What history and the kept (published) sessions fix: days taken, places used in a
        # month, who led when, pairs already run. Kept sessions inside the planned weeks also
        # count for the spread and, in date order, for lead rotation (see `build`).
        planned = {(s.group_id, s.date) for s in self.sessions}
        self.history_busy: list[set[dt.date]] = [set() for _ in range(n)]
        self.history_month = [[0] * len(months) for _ in range(n)]
        self.last_led: list[dt.date | None] = [None] * n
        self.pair_times = [[0] * n for _ in range(n)]
        self.base = [0] * n
        self.keep = sorted(keep, key=lambda a: (a.date, str(a.group_id), str(a.id)))
        kept_ids = {a.id for a in self.keep}
        first_day = dates[0] if dates else dt.date.max
        fixed = [a for a in history if a.id not in kept_ids] + self.keep
        for past in sorted(fixed, key=lambda a: (a.date, str(a.group_id), str(a.id))):
            if (past.group_id, past.date) in planned:
                continue  # an old version of a session being planned now
            ids = [self.index.get(past.lead_id), self.index.get(past.co_id)]
            on = [i for i in ids if i is not None]
            for i in set(on):
                self.history_busy[i].add(past.date)
                month = month_of.get((past.date.year, past.date.month))
                if month is not None:
                    self.history_month[i][month] += 1
            lead = ids[0]
            if lead is not None and past.date < first_day:
                self.last_led[lead] = past.date
            if len(on) == 2 and on[0] != on[1] and past.date < first_day:
                self.pair_times[on[0]][on[1]] += 1
                self.pair_times[on[1]][on[0]] += 1
        for kept in self.keep:
            for i in {self.index.get(kept.lead_id), self.index.get(kept.co_id)} - {None}:
                assert i is not None
                self.base[i] += 1

        self.cap_left = [
            [
                _NO_LIMIT if f.max_per_month is None else f.max_per_month - self.history_month[i][m]
                for m in range(len(months))
            ]
            for i, f in enumerate(self.facs)
        ]
        free_on = [[f.available_on(d) for d in dates] for f in self.facs]
        self.avail: list[list[int]] = []
        for s, session in enumerate(self.sessions):
            day, month = self.s_day[s], self.s_month[s]
            self.avail.append(
                [
                    i
                    for i in range(n)
                    if free_on[i][day]
                    and self.cap_left[i][month] > 0
                    and session.date not in self.history_busy[i]
                ]
            )
        self.avail_set = [frozenset(a) for a in self.avail]

        # The pairing rules, asked of `rules` once per pair: for groups without and with the
        # women facilitator rule (any group of each kind stands for all of them).
        stand_in = {g.women_facilitator_rule: g for g in sorted(groups, key=_group_key)}
        self.pair_ok: list[list[list[bool]]] = []
        self.alone_ok: list[list[bool]] = []
        for rule in (False, True):
            g = stand_in.get(rule)
            if g is None:
                self.pair_ok.append([[False] * n for _ in range(n)])
                self.alone_ok.append([False] * n)
                continue
            self.pair_ok.append(
                [[a.id != b.id and rules.may_pair(a, b, g) for b in self.facs] for a in self.facs]
            )
            self.alone_ok.append([rules.may_hold_alone(a, g) for a in self.facs])
        self.prefer = [[_prefer(a, b) for b in self.facs] for a in self.facs]

        # Working state.
        self.slot = [[-1, -1] for _ in self.sessions]
        self.count = list(self.base)
        self.month_count = [[0] * len(months) for _ in range(n)]
        self.day_busy: list[dict[int, int]] = [{} for _ in range(n)]
        self.held: list[set[int]] = [set() for _ in range(n)]
        self.version = 0
        self.month_version = [0] * len(months)
        self._month_tried: dict[int, int] = {}
        self._open_tried: dict[tuple[int, int, bool], int] = {}

        self.eligible = self._eligible()
        self.wide = False
        self._swap_cache: dict[tuple[int, int, int], Step | None] = {}
        self.work = 0
        self.work_limit = _WORK_LIMIT
        self._best: tuple[int, int] | None = None
        self.reached: set[int] = set()
        self.proven = False

    # -- bookkeeping ---------------------------------------------------------------------

    def _set(self, s: int, pos: int, i: int) -> None:
        self.version += 1
        self.month_version[self.s_month[s]] += 1
        self.slot[s][pos] = i
        self.count[i] += 1
        self.month_count[i][self.s_month[s]] += 1
        self.day_busy[i][self.s_day[s]] = s
        self.held[i].add(s)

    def _unset(self, s: int, pos: int) -> None:
        self.version += 1
        self.month_version[self.s_month[s]] += 1
        i = self.slot[s][pos]
        self.slot[s][pos] = -1
        self.count[i] -= 1
        self.month_count[i][self.s_month[s]] -= 1
        del self.day_busy[i][self.s_day[s]]
        self.held[i].discard(s)

    def _session_ok(self, s: int) -> bool:
        a, b = self.slot[s]
        rule = self.s_rule[s]
        if a >= 0 and b >= 0:
            return self.pair_ok[rule][a][b]
        if a >= 0:
            return self.alone_ok[rule][a]
        if b >= 0:
            return self.alone_ok[rule][b]
        return True

    def _eligible(self) -> list[int]:
        """Facilitators who could fill some planned session, taking each session alone.

        Also works out each one's capacity: the most sessions they could take at all.
        """
        found = set()
        days: list[list[set[int]]] = [[set() for _ in self.month_version] for _ in self.facs]
        for s, people in enumerate(self.avail):
            rule = self.s_rule[s]
            ok = self.pair_ok[rule]
            for i in people:
                if self.alone_ok[rule][i] or any(ok[i][j] for j in people):
                    found.add(i)
                    days[i][self.s_month[s]].add(self.s_day[s])
        self.capacity = [
            self.base[i]
            + sum(
                min(len(d), max(cap, 0)) for d, cap in zip(days[i], self.cap_left[i], strict=True)
            )
            for i in range(self.n)
        ]
        found.update(i for i in range(self.n) if self.base[i])
        return sorted(found)

    # -- greedy ----------------------------------------------------------------------------

    def greedy(self) -> None:
        """A first rota, in date order: the free person with the fewest sessions so far (then
        the least recent, then name) and the partner who keeps counts even and pairs new."""
        last = [-1] * self.n
        kinds: dict[tuple[int, int, str], int] = {}
        """Sessions a pair ran together per kind of group: a trainee's experienced partner
        varies across leads and across kinds of group."""
        for day, todays in enumerate(self.by_day):
            for s in sorted(todays, key=lambda s: (len(self.avail[s]), s)):
                month = self.s_month[s]
                kind = self.group_by_id[self.sessions[s].group_id].variant.value
                free = [
                    i
                    for i in self.avail[s]
                    if day not in self.day_busy[i]
                    and self.month_count[i][month] < self.cap_left[i][month]
                ]
                free.sort(key=lambda i: (self.count[i], last[i], i))
                ok = self.pair_ok[self.s_rule[s]]
                chosen: tuple[int, ...] = ()
                for first in free:
                    best = None
                    best_key = None
                    for other in free:
                        if other == first or not ok[first][other]:
                            continue
                        key = (
                            self.count[other],
                            self.pair_times[first][other],
                            kinds.get((first, other, kind), 0),
                            not self.prefer[first][other],
                            last[other],
                            other,
                        )
                        if best_key is None or key < best_key:
                            best, best_key = other, key
                    if best is not None:
                        chosen = (first, best)
                        break
                if not chosen:
                    alone = self.alone_ok[self.s_rule[s]]
                    chosen = next(((i,) for i in free if alone[i]), ())
                for pos, i in enumerate(chosen):
                    self._set(s, pos, i)
                    last[i] = day
                if len(chosen) == 2:
                    a, b = chosen
                    self.pair_times[a][b] += 1
                    self.pair_times[b][a] += 1
                    kinds[a, b, kind] = kinds.get((a, b, kind), 0) + 1
                    kinds[b, a, kind] = kinds.get((b, a, kind), 0) + 1

    # -- augmenting paths ----------------------------------------------------------------

    def _takers(
        self, s: int, pos: int, moved: dict[tuple[int, int], int]
    ) -> Iterator[tuple[int, tuple[int, int] | None, Step]]:
        """Who could take place `pos` of session `s`, what they must then give up, and how.

        `moved` holds the places already changing hands earlier in the chain (place -> new
        holder), so that partners are judged as they will be. The second item is None when
        the taker gives up nothing, (0, s2) when their place in session s2 on the same day,
        (1, month) when one of their places in that month (they are at the limit). The third
        is the step: the places that change hands, as (session, position, person). In wide
        mode, someone who cannot work beside the partner may still take the place when the
        partner swaps sessions with a third person who can (a count-neutral swap).
        """
        holder = moved.get((s, pos), self.slot[s][pos])
        other = moved.get((s, 1 - pos), self.slot[s][1 - pos])
        rule = self.s_rule[s]
        day, month = self.s_day[s], self.s_month[s]
        ok = self.pair_ok[rule][other] if other >= 0 else self.alone_ok[rule]
        for c in self.avail[s]:
            if c in (holder, other):
                continue
            step: Step = ((s, pos, c),)
            if not ok[c]:
                if not self.wide or other < 0:
                    continue
                swap = self._swap_for(s, pos, c, other, moved)
                if swap is None:
                    continue
                step = (*swap, (s, pos, c))
            busy = self.day_busy[c].get(day)
            if busy is not None and self._holds(c, busy, moved):
                yield c, (0, busy), step
            elif self.month_count[c][month] >= self.cap_left[c][month]:
                yield c, (1, month), step
            else:
                yield c, None, step

    def _holds(self, person: int, s: int, moved: dict[tuple[int, int], int]) -> bool:
        return (
            moved.get((s, 0), self.slot[s][0]) == person
            or moved.get((s, 1), self.slot[s][1]) == person
        )

    def _swap_for(
        self, s: int, pos: int, c: int, p: int, moved: dict[tuple[int, int], int]
    ) -> Step | None:
        """A swap of session `s`'s other person `p` with someone `c` can work beside."""
        key = (s, pos, c)
        if not moved and key in self._swap_cache:
            return self._swap_cache[key]
        found: Step | None = None
        holder = moved.get((s, pos), self.slot[s][pos])
        day, month = self.s_day[s], self.s_month[s]
        ok = self.pair_ok[self.s_rule[s]][c]
        for q in self.avail[s]:
            if q in (c, p, holder) or not ok[q]:
                continue
            if self.day_busy[q].get(day) is not None:
                continue
            self.work += len(self.held[q])
            for s2 in sorted(self.held[q]):
                if s2 == s:
                    continue
                pos2 = 0 if self.slot[s2][0] == q else 1
                if (s2, pos2) in moved:
                    continue
                mate = moved.get((s2, 1 - pos2), self.slot[s2][1 - pos2])
                day2, month2 = self.s_day[s2], self.s_month[s2]
                if p not in self.avail_set[s2] or mate == p:
                    continue
                rule2 = self.s_rule[s2]
                if not (self.pair_ok[rule2][p][mate] if mate >= 0 else self.alone_ok[rule2][p]):
                    continue
                if self.day_busy[p].get(day2, s) != s:
                    continue
                if month2 != month and (
                    self.month_count[q][month] >= self.cap_left[q][month]
                    or self.month_count[p][month2] >= self.cap_left[p][month2]
                ):
                    continue
                found = ((s, 1 - pos, q), (s2, pos2, p))
                break
            if found:
                break
        if not moved:
            self._swap_cache[key] = found
        return found

    def _places_of(
        self, node: tuple[int, int, int], moved: dict[tuple[int, int], int]
    ) -> list[int]:
        person, kind, value = node
        if kind == 1:
            return [value]
        places = sorted(self.held[person])
        if kind == 2:
            places = [s for s in places if self.s_month[s] == value]
        return [s for s in places if self._holds(person, s, moved)]

    def _paths(
        self, person: int | None, open_place: tuple[int, int] | None, limit: int | None
    ) -> Iterator[list[tuple[int, int, int]]]:
        """Breadth-first chains of hand-overs, each ending with someone taking a place freely.

        Starts either from `person` giving up one place, or from an open place. A chain is a
        list of (session, position, new holder). With `limit`, it must end with someone who
        has at most `limit` sessions. `self.reached` holds everyone reached with a free hand.
        """
        root = (-1, -1, -1)
        parent: dict[tuple[int, int, int], tuple[tuple[int, int, int], Step]] = {}
        queue: deque[tuple[int, int, int]] = deque()
        if person is not None:
            start = (person, 0, 0)
            parent[start] = (root, ())
            queue.append(start)
        self.reached = set()

        def chain(node: tuple[int, int, int]) -> list[tuple[int, int, int]]:
            steps: list[Step] = []
            while node != root:
                prev, step = parent[node]
                steps.append(step)
                node = prev
            return [place for step in reversed(steps) for place in step]

        def visit(
            from_node: tuple[int, int, int], s: int, pos: int, before: list[tuple[int, int, int]]
        ) -> Iterator[list[tuple[int, int, int]]]:
            moved = {(ms, mpos): who for ms, mpos, who in before}
            for c, need, step in self._takers(s, pos, moved):
                self.work += 1
                if need is None:
                    if limit is None or self.count[c] <= limit:
                        yield [*before, *step]
                    node = (c, 0, 0)
                else:
                    node = (c, need[0] + 1, need[1])
                    if (c, 0, 0) in parent:
                        continue
                if node not in parent:
                    parent[node] = (from_node, step)
                    if need is None:
                        self.reached.add(c)
                    queue.append(node)

        if open_place is not None:
            yield from visit(root, *open_place, [])
        while queue:
            if self.work > self.work_limit:
                return
            node = queue.popleft()
            before = chain(node)
            moved = {(ms, mpos): who for ms, mpos, who in before}
            for s in self._places_of(node, moved):
                pos = 0 if self.slot[s][0] == node[0] else 1
                yield from visit(node, s, pos, before)

    def _apply(self, path: list[tuple[int, int, int]]) -> bool:
        """Carry out a chain of hand-overs if the result keeps every hard rule."""
        places = [(s, pos) for s, pos, _ in path]
        if len(set(places)) != len(places):
            return False
        before = [self.slot[s][pos] for s, pos in places]
        for (s, pos), giver in zip(places, before, strict=True):
            if giver >= 0:
                self._unset(s, pos)
        done = 0
        ok = True
        for s, pos, taker in path:
            if self.s_day[s] in self.day_busy[taker] or taker not in self.avail_set[s]:
                ok = False
                break
            self._set(s, pos, taker)
            done += 1
        if ok:
            ok = all(self._session_ok(s) for s, _ in places) and all(
                self.month_count[t][self.s_month[s]] <= self.cap_left[t][self.s_month[s]]
                for s, _, t in path
            )
        if ok:
            self._swap_cache.clear()
            self._progress()
            return True
        for s, pos, _ in path[:done]:
            self._unset(s, pos)
        for (s, pos), giver in zip(places, before, strict=True):
            if giver >= 0:
                self._set(s, pos, giver)
        return False

    def fill_open(self) -> bool:
        """Fill open places by chains of hand-overs, so as many places as possible are filled."""
        changed = False
        for s in range(len(self.sessions)):
            for pos in (0, 1):
                if self.slot[s][pos] >= 0:
                    continue
                if pos == 1 and self.slot[s][0] < 0:
                    continue  # nobody could take the first place alone
                key = (s, pos, self.wide)
                if self._open_tried.get(key) == self.version:
                    continue  # nothing has changed since the last search failed
                for path in self._paths(None, (s, pos), None):
                    if self._apply(path):
                        changed = True
                        break
                else:
                    self._open_tried[key] = self.version
        return changed

    def improve(self) -> None:
        """Local search until the rota is provably best, or no move helps any more.

        First plain hand-over chains. If that leaves places open or the spread above its
        lower bound, a wider search: chains may swap a partner out of the way, months with
        open places are re-planned, sessions are rebuilt with a new pair (and, failing all
        else, rebuilt sideways and followed by transfers), until nothing improves or the
        step budget is spent.
        """
        self.fill_open()
        self.balance()
        if self._settled():
            return
        self.wide = True
        self._best = None
        self._progress()
        while self.work < self.work_limit:
            changed = self.fill_open()
            changed = self._fill_months() or changed
            changed = self.balance() or changed
            if self._settled():
                return
            changed = self._rebuild_pass() or changed
            if not changed:
                changed = self._deep_pass()
            if not changed:
                break
        if not self._settled():
            self.exact()

    def _choices(self, s: int) -> list[tuple[int, ...]]:
        """Every pair the hard rules allow on session `s`, then everyone who may take it alone."""
        rule = self.s_rule[s]
        ok = self.pair_ok[rule]
        people = self.avail[s]
        found: list[tuple[int, ...]] = [
            (a, b) for k, a in enumerate(people) for b in people[k + 1 :] if ok[a][b]
        ]
        found += [(a,) for a in people if self.alone_ok[rule][a]]
        return found

    def exact(self) -> bool:
        """Branch and bound over every session's choices (each allowed pair, one person
        alone, nobody), for a rota better than this one: more places filled, else a smaller
        spread. Bounds: places by each day's exact best (monthly limits aside), spread by
        each counted person's sessions so far and the days left to them. The search visits
        at most `_EXACT_NODES` nodes (a count, so the answer never depends on machine speed);
        when it finishes within them, the rota is the proven optimum. True when it improved.
        """
        size = len(self.sessions)
        order = sorted(range(size), key=lambda s: (self.s_day[s], len(self.avail[s]), s))
        options: list[list[tuple[int, ...]]] = []
        for s in order:
            options.append(self._choices(s))
        days = [self.s_day[s] for s in order]
        # rest[k]: most places sessions k... could add (each day exactly, limits aside).
        rest = [0] * (size + 1)
        k = size
        while k > 0:
            first = k - 1
            while first > 0 and days[first - 1] == days[k - 1]:
                first -= 1
            for j in range(k - 1, first, -1):
                rest[j] = rest[j + 1] + max((len(o) for o in options[j]), default=0)
            rest[first] = _most_filled([[*o, ()] for o in options[first:k]]) + rest[k]
            k = first
        eligible = self.eligible
        counted = set(eligible)
        # For session k on: days person i could still be placed in k's month (cur), and the
        # most places they could take in the months after it (later), limits included.
        months = [self.s_month[s] for s in order]
        cur = [[0] * (size + 1) for _ in range(self.n)]
        later = [[0] * (size + 1) for _ in range(self.n)]
        for i in range(self.n):
            seen: set[int] = set()
            done = 0
            for j in range(size - 1, -1, -1):
                if j + 1 < size and months[j + 1] != months[j]:
                    done += min(len(seen), max(self.cap_left[i][months[j + 1]], 0))
                    seen = set()
                if i in self.avail_set[order[j]]:
                    seen.add(days[j])
                cur[i][j] = len(seen)
                later[i][j] = done

        def room(i: int, k: int) -> int:
            if k == size:
                return 0
            month = months[k]
            return min(cur[i][k], max(self.cap_left[i][month] - used[i][month], 0)) + later[i][k]

        count = list(self.base)
        used = [[0] * len(self.month_version) for _ in range(self.n)]
        busy: set[tuple[int, int]] = set()
        choice: list[tuple[int, ...]] = [()] * size
        best_filled = sum(1 for pair in self.slot for i in pair if i >= 0)
        best_spread = self.spread()
        best: list[tuple[int, ...]] | None = None
        budget = _EXACT_NODES

        def spread_floor(k: int) -> int:
            if not eligible:
                return 0
            high = max(count[i] for i in eligible)
            low = min(count[i] + room(i, k) for i in eligible)
            return max(0, high - low)

        def search(k: int, filled: int) -> None:
            nonlocal best, best_filled, best_spread, budget
            budget -= 1
            if budget <= 0:
                return
            most = filled + min(rest[k], sum(room(i, k) for i in range(self.n)))
            if most < best_filled or (most == best_filled and spread_floor(k) >= best_spread):
                return
            if k == size:
                spread = spread_floor(k)
                best, best_filled, best_spread = list(choice), filled, spread
                return
            s = order[k]
            day, month = self.s_day[s], self.s_month[s]
            ranked = sorted(
                options[k], key=lambda o: (-len(o), sum(count[i] for i in o if i in counted), o)
            )
            for option in [*ranked, ()]:
                if any(
                    (i, day) in busy or used[i][month] >= self.cap_left[i][month] for i in option
                ):
                    continue
                for i in option:
                    count[i] += 1
                    used[i][month] += 1
                    busy.add((i, day))
                choice[k] = option
                search(k + 1, filled + len(option))
                for i in option:
                    count[i] -= 1
                    used[i][month] -= 1
                    busy.discard((i, day))
                if budget <= 0:
                    return

        search(0, 0)
        self.proven = budget > 0
        if best is None:
            return False
        for k, s in enumerate(order):
            self._set_pair(s, best[k])
        return True

    def _fill_months(self) -> bool:
        """Re-plan each month that has open places, if a search finds more places to fill.

        A bounded depth-first search over that month's sessions (every valid pair, one
        person alone, or nobody), keeping monthly limits and one session a day. It only
        replaces the month when it fills strictly more places.
        """
        changed = False
        months = sorted({self.s_month[s] for s, pair in enumerate(self.slot) if -1 in pair})
        for month in months:
            if self.work > self.work_limit:
                break
            if self._month_tried.get(month) == self.month_version[month]:
                continue  # searched as it stands, and nothing better was found
            if self._fill_month(month):
                changed = True
            else:
                self._month_tried[month] = self.month_version[month]
        return changed

    def _fill_month(self, month: int) -> bool:
        window = [s for s in range(len(self.sessions)) if self.s_month[s] == month]
        filled = sum(1 for s in window for i in self.slot[s] if i >= 0)
        base = list(self.count)
        for s in window:
            for i in self.slot[s]:
                if i >= 0:
                    base[i] -= 1
        options: list[list[tuple[int, ...]]] = []
        for s in window:
            found = self._choices(s)
            found.sort(key=lambda o: (-len(o), sum(base[i] for i in o), o))
            found.append(())
            options.append(found)
        # Within a day, the session with the fewest ways to fill it goes first.
        order = sorted(range(len(window)), key=lambda k: (self.s_day[window[k]], len(options[k])))
        window = [window[k] for k in order]
        options = [options[k] for k in order]
        size = len(window)
        days = [self.s_day[s] for s in window]
        starts = [k for k in range(size) if k == 0 or days[k] != days[k - 1]]
        # The most places each day could take on its own, found exactly (days are small).
        day_max: dict[int, int] = {}
        for k0 in starts:
            k1 = k0
            while k1 < size and days[k1] == days[k0]:
                k1 += 1
            day_max[days[k0]] = _most_filled(options[k0:k1])
        # rest[k]: the most places sessions k… could add. From a day's first session it is
        # exact per day; inside a day, each remaining session's best on its own.
        rest = [0] * (size + 1)
        for k in range(size - 1, -1, -1):
            nxt = k + 1
            while nxt < size and days[nxt] == days[k]:
                nxt += 1
            if k in starts:
                rest[k] = day_max[days[k]] + rest[nxt]
            else:
                rest[k] = sum(len(options[j][0]) for j in range(k, nxt)) + rest[nxt]
        if rest[0] <= filled:
            return False
        # Days each person could still be placed on, from each day's first session on.
        avail_days_from: list[list[int]] = [[0] * (size + 1) for _ in range(self.n)]
        for i in range(self.n):
            running = 0
            seen_day = None
            for k in range(size - 1, -1, -1):
                if i in self.avail_set[window[k]] and days[k] != seen_day:
                    running += 1
                    seen_day = days[k]
                avail_days_from[i][k] = running
        used = [0] * self.n
        busy: set[tuple[int, int]] = set()
        choice: list[tuple[int, ...]] = [()] * size
        best: list[tuple[int, ...]] | None = None
        best_filled = filled
        budget = _MONTH_SEARCH_NODES
        start_set = set(starts)

        def people_bound(k: int) -> int:
            return sum(
                min(self.cap_left[i][month] - used[i], avail_days_from[i][k]) for i in range(self.n)
            )

        def search(k: int, so_far: int) -> None:
            nonlocal best, best_filled, budget
            budget -= 1
            if so_far + rest[k] <= best_filled or budget <= 0:
                return
            if k == size:
                best, best_filled = list(choice), so_far
                return
            if k in start_set and k > 0:
                budget -= self.n
                if so_far + people_bound(k) <= best_filled:
                    return
            day = days[k]
            for option in options[k]:
                if any((i, day) in busy or used[i] >= self.cap_left[i][month] for i in option):
                    continue
                for i in option:
                    used[i] += 1
                    busy.add((i, day))
                choice[k] = option
                search(k + 1, so_far + len(option))
                for i in option:
                    used[i] -= 1
                    busy.discard((i, day))
                if so_far + rest[k] <= best_filled or budget <= 0:
                    return

        search(0, 0)
        self.work += _MONTH_SEARCH_NODES - budget
        if best is None:
            return False
        for s in window:
            for pos in (0, 1):
                if self.slot[s][pos] >= 0:
                    self._unset(s, pos)
        for s, option in zip(window, best, strict=True):
            for pos, i in enumerate(option):
                self._set(s, pos, i)
        self._swap_cache.clear()
        self._progress()
        return True

    def _progress(self) -> None:
        """After a change: if it filled more places or narrowed the spread, allow the search
        another `_STALL_LIMIT` steps (within `_WORK_LIMIT`) to find the next such gain."""
        best = (-sum(self.count), self.spread())
        if self._best is None or best < self._best:
            self._best = best
            self.work_limit = min(_WORK_LIMIT, self.work + _STALL_LIMIT)

    def _settled(self) -> bool:
        """True when the rota is provably as good as it gets."""
        if any(i < 0 for pair in self.slot for i in pair):
            return False
        return self.spread() <= self.spread_bound()

    def spread_bound(self) -> int:
        """A lower bound on the spread of any rota filling as many places as this one.

        The spread is at least d unless all counts could lie in some window [L, L + d] while
        meeting these necessary conditions: the counts add up to the places filled; nobody
        exceeds their capacity (one session a day on days they could be placed, within their
        monthly limits); trainees, who each need an experienced partner, have no more places
        than experienced people; and, when every place is filled, women have at least as
        many places as there are sessions under the women facilitator rule.
        """
        eligible = self.eligible
        if not eligible:
            return 0
        counts = [self.count[i] for i in eligible]
        total, spread = sum(counts), max(counts) - min(counts)
        capacity = {i: self.capacity[i] for i in eligible}
        women = [i for i in eligible if self.facs[i].is_woman is True]
        trainees = [i for i in eligible if _is_trainee(self.facs[i])]
        experienced = [i for i in eligible if _is_experienced(self.facs[i])]
        full = all(i >= 0 for pair in self.slot for i in pair)
        women_needed = sum(self.s_rule) if full else 0
        base = {i: self.base[i] for i in eligible}
        women_base = sum(base[i] for i in women)
        for d in range(spread):
            for low in range(min(capacity.values()) + 1):
                lo = {i: max(low, base[i]) for i in eligible}
                if sum(lo.values()) > total:
                    break
                high = {i: min(low + d, c) for i, c in capacity.items()}
                if any(lo[i] > high[i] for i in eligible) or sum(high.values()) < total:
                    continue
                if sum(lo[i] - base[i] for i in trainees) > sum(
                    high[i] - base[i] for i in experienced
                ):
                    continue
                if women_needed and (
                    sum(high[i] for i in women) - women_base < women_needed
                    or total - sum(lo[i] for i in eligible if i not in women) - women_base
                    < women_needed
                ):
                    continue
                return d
        return spread

    def balance(self) -> bool:
        """Even out session counts by improving transfers until none is left."""
        eligible = self.eligible
        changed = False
        if not eligible:
            return changed
        while True:
            low = min(self.count[i] for i in eligible)
            if max(self.count[i] for i in eligible) - low <= 1:
                return changed
            dead: set[int] = set()
            improved = False
            for a in sorted(eligible, key=lambda i: (-self.count[i], i)):
                if self.count[a] - low < 2:
                    break
                if a in dead:
                    continue
                for path in self._paths(a, None, self.count[a] - 2):
                    if self._apply(path):
                        improved = True
                        break
                if improved:
                    break
                # Anyone `a` reaches can reach no further than `a` does.
                dead.update(b for b in self.reached if self.count[b] <= self.count[a])
            if not improved:
                return changed
            changed = True

    def _rebuild_pass(self) -> bool:
        """Try every session with a different pair; keep each change that improves the rota.

        Better means more places filled, else a better `_shape` of the counts.
        """
        changed = False
        for s in range(len(self.sessions)):
            if self.work > self.work_limit:
                break
            if self._rebuild(s):
                changed = True
        return changed

    def _shape(self, delta: dict[int, int] | None = None) -> tuple[int, ...]:
        """How even the counts are, smaller being better: the spread, then the largest count,
        the smallest (negated), how many share the largest and the smallest, and the sum of
        squares. Improving transfers never make it worse, so no move undoes another."""
        counts = [self.count[i] for i in self.eligible]
        if delta:
            counts = [self.count[i] + delta.get(i, 0) for i in self.eligible]
        if not counts:
            return (0,)
        high, low = max(counts), min(counts)
        return (
            high - low,
            high,
            -low,
            counts.count(high),
            counts.count(low),
            sum(c * c for c in counts),
        )

    def _rebuild(self, s: int, deep: bool = False) -> bool:
        """Give session `s` the pair that improves the rota most, if any does.

        With `deep`, also try a few pairs that make the counts no better on their own (they
        take someone off a top count, or give someone on the bottom count a session), each
        followed by improving transfers from whoever gained, keeping the first combination
        that ends better than it started.
        """
        day, month = self.s_day[s], self.s_month[s]
        rule = self.s_rule[s]
        current = [i for i in self.slot[s] if i >= 0]
        count = self.count
        free = [
            c
            for c in self.avail[s]
            if self.day_busy[c].get(day, s) == s
            and self.month_count[c][month] - (c in current) < self.cap_left[c][month]
        ]
        ok = self.pair_ok[rule]
        eligible = self.eligible
        if not eligible:
            return False
        high = max(count[i] for i in eligible)
        low = min(count[i] for i in eligible)
        shape = self._shape()
        best: tuple[int, tuple[int, ...]] | None = None
        best_people: tuple[int, ...] = ()
        sideways: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        options: list[tuple[int, ...]] = [
            (a, b) for k, a in enumerate(free) for b in free[k + 1 :] if ok[a][b]
        ]
        if len(current) < 2:
            options += [(a,) for a in free if self.alone_ok[rule][a]]
        self.work += len(options)
        for people in options:
            gain = len(people) - len(current)
            if gain < 0:
                continue
            delta: dict[int, int] = {}
            for i in current:
                delta[i] = delta.get(i, 0) - 1
            for i in people:
                delta[i] = delta.get(i, 0) + 1
            # Cheap filter: an even shape needs a top count to fall, a bottom count to rise,
            # or the sum of squares to drop.
            touches_edge = any(
                (d < 0 and count[i] == high) or (d > 0 and count[i] == low)
                for i, d in delta.items()
            )
            squares = sum(2 * count[i] * d + d * d for i, d in delta.items())
            if gain == 0 and not touches_edge and squares >= 0:
                continue
            score = (-gain, self._shape(delta))
            if gain == 0 and score[1] >= shape:
                if deep and touches_edge:
                    sideways.append((score[1], people))
                continue
            if best is None or score < best:
                best, best_people = score, people
        if best is not None:
            self._set_pair(s, best_people)
            return True
        if not deep:
            return False
        sideways.sort()
        for _, people in sideways[:_DEEP_TRIES]:
            before = [tuple(pair) for pair in self.slot]
            gained = sorted((i for i in people if i not in current), key=lambda i: (-count[i], i))
            self._set_pair(s, people)
            for person in gained:
                for path in self._paths(person, None, count[person] - 2):
                    if self._apply(path):
                        break
            if self._shape() < shape:
                return True
            self._restore(before)
        return False

    def _set_pair(self, s: int, people: tuple[int, ...]) -> None:
        for pos in (0, 1):
            if self.slot[s][pos] >= 0:
                self._unset(s, pos)
        for pos, i in enumerate(people):
            self._set(s, pos, i)
        self._swap_cache.clear()
        self._progress()

    def _restore(self, before: list[tuple[int, ...]]) -> None:
        changed = [s for s, pair in enumerate(before) if tuple(self.slot[s]) != pair]
        for s in changed:
            for pos in (0, 1):
                if self.slot[s][pos] >= 0:
                    self._unset(s, pos)
        for s in changed:
            for pos, i in enumerate(before[s]):
                if i >= 0:
                    self._set(s, pos, i)
        self._swap_cache.clear()

    def _deep_pass(self) -> bool:
        """Deep rebuilds of the sessions of everyone on the top count, until one works."""
        eligible = self.eligible
        if not eligible:
            return False
        high = max(self.count[i] for i in eligible)
        top = [i for i in eligible if self.count[i] == high]
        sessions = sorted({s for i in top for s in self.held[i]})
        for s in sessions:
            if self.work > self.work_limit:
                return False
            if self._rebuild(s, deep=True):
                return True
        return False

    # -- results ---------------------------------------------------------------------------

    def spread(self) -> int:
        if not self.eligible:
            return 0
        counts = [self.count[i] for i in self.eligible]
        return max(counts) - min(counts)

    def build(self, history: Sequence[RotaAssignment], *, explain: bool = True) -> RotaResult:
        """The rota: roles chosen in date order (whoever led least recently leads, kept
        sessions included), then a reason for each session, true of the whole rota."""
        facs = self.facs
        n = self.n
        last_led = list(self.last_led)
        leads = [0] * n
        for kept in self.keep:
            i = self.index.get(kept.lead_id) if kept.lead_id else None
            if i is not None:
                leads[i] += 1
        first_day = self.dates[0] if self.dates else dt.date.max
        kept_by_date: dict[dt.date, list[RotaAssignment]] = {}
        for kept in self.keep:
            if kept.date >= first_day:
                kept_by_date.setdefault(kept.date, []).append(kept)
        kept_days = sorted(kept_by_date)
        k = 0
        assignments: list[RotaAssignment] = []
        for day, todays in enumerate(self.by_day):
            date = self.dates[day]
            while k < len(kept_days) and kept_days[k] < date:
                for kept in kept_by_date[kept_days[k]]:
                    i = self.index.get(kept.lead_id) if kept.lead_id else None
                    if i is not None:
                        last_led[i] = kept.date
                k += 1
            led_today: list[int] = []
            for s in todays:
                people = [i for i in self.slot[s] if i >= 0]
                lead, co = self._roles(people, last_led, leads)
                assignments.append(
                    RotaAssignment(
                        group_id=self.sessions[s].group_id,
                        date=date,
                        lead_id=facs[lead].id if lead is not None else None,
                        co_id=facs[co].id if co is not None else None,
                        status=RotaStatus.DRAFT,
                    )
                )
                if lead is not None:
                    leads[lead] += 1
                    led_today.append(lead)
            for i in led_today:
                last_led[i] = date
        if explain:
            whole = [*history, *self.keep, *assignments]
            groups = list(self.group_by_id.values())
            found = reasons.explain_all(whole, self.all_facs, groups, [a.id for a in assignments])
            assignments = [a.model_copy(update={"reason": found[a.id]}) for a in assignments]
        return RotaResult(
            assignments=assignments,
            open_sessions=[a for a in assignments if a.is_open],
            spread=self.spread(),
            sessions={facs[i].id: self.count[i] for i in self.eligible},
            leads={facs[i].id: leads[i] for i in self.eligible},
            spread_bound=self.spread_bound(),
        )

    def _roles(
        self, people: list[int], last_led: list[dt.date | None], leads: list[int]
    ) -> tuple[int | None, int | None]:
        if not people:
            return None, None
        if len(people) == 1:
            return people[0], None
        a, b = people
        if _is_trainee(self.facs[a]):
            return b, a
        if _is_trainee(self.facs[b]):
            return a, b

        def key(i: int) -> tuple[dt.date, int, int]:
            return (last_led[i] or dt.date.min, leads[i], i)

        return (a, b) if key(a) <= key(b) else (b, a)


def generate(
    groups: Sequence[Group],
    facilitators: Sequence[Facilitator],
    start: dt.date,
    weeks: int,
    history: Sequence[RotaAssignment] = (),
    keep: Sequence[RotaAssignment] = (),
    *,
    explain: bool = True,
) -> RotaResult:
    """A draft rota for `weeks` weeks from `start`: every hard rule kept, counts balanced.

    `keep` holds the sessions inside those weeks that stay as they are (published ones): they
    are never planned again, and they count for monthly limits, days, the spread and lead
    rotation. `history` is the rest of the rota (earlier sessions, other groups): it counts for
    limits, days and rotation. The result holds only the newly planned sessions.

    Raises `RotaInputError` when there is nothing to plan or nobody to plan it with. See the
    module docstring for the rules and for how the spread is measured.
    """
    check_weeks(weeks)
    check_groups(groups)
    check_facilitators(facilitators)
    every = sessions_for(groups, start, weeks)
    if not every:
        raise RotaInputError(f"No group meets in the {weeks} weeks from {_day(start)}.")
    kept = {(a.group_id, a.date) for a in keep}
    sessions = [s for s in every if (s.group_id, s.date) not in kept]
    if not sessions:
        raise RotaInputError(
            f"Every session in the {weeks} weeks from {_day(start)} is already kept on the rota."
        )
    planner = _Planner(groups, facilitators, sessions, history, keep)
    if not any(planner.avail):
        first, last = sessions[0].date, sessions[-1].date
        raise RotaInputError(
            "Every facilitator is away or unavailable for all the planned sessions "
            f"({_day(first)} to {_day(last)})."
        )
    planner.greedy()
    planner.improve()
    return planner.build(history, explain=explain)
