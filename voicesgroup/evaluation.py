"""The coordinator's evaluation: what the groups did over a period, with nobody identifiable.

Two steps, kept apart on purpose:

1. `count(store, period)` reads the store and counts: sessions planned and held, attendance,
   newcomers, facilitation, themes and what helped. These are the true figures and they never
   leave the app as they are.
2. `publish(figures, threshold)` is the ONE place small numbers are suppressed. Every count of
   people (attendance, newcomers, returning members, sessions that had a newcomer, how often a
   theme or a strategy came up) from 1 to `threshold - 1` becomes "fewer than 5"; then, in
   every table with totals, more cells are hidden ("not shown") until no hidden cell can be
   worked back out from its row and column totals. Zero is shown as zero.

`report(store, period, ...)` does both, with the settings' threshold; the PDF, the CSV and the
Reports screen all draw from what it returns, so nothing unsuppressed can reach them.

Counts of sessions (planned, held, not held) and the facilitators' own figures (sessions led,
hours given) are not counts of members and are shown as they are.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.kinds import SessionStatus, TrainingStatus

if TYPE_CHECKING:
    from voicesgroup.models import Group
    from voicesgroup.store import Store

MIN_THRESHOLD = 3
"""Below this, suppression would protect nobody; the setting refuses anything lower."""
DEFAULT_THRESHOLD = 5
TOP_ITEMS = 5
"""How many themes and strategies are listed for each group or kind of group."""
ALL_GROUPS = "All groups"
WHOLE_PERIOD = "Whole period"
MONTHLY_CHART = "People at sessions, month by month"

CANNOT_SHOW = (
    "People who came without giving their name cannot be followed over time, so who came back "
    "is counted only among members who agreed to be named, and never estimated for anyone else.",
    "Counts of people from 1 to {small} are shown as “fewer than {threshold}”, and some other "
    "counts as “not shown”, so that no one can be worked out from the totals. Zero is zero.",
    "“Not held” counts planned meeting dates with no session recorded; the app does not record "
    "why a session did not happen.",
    "Strategies marked as having helped are counted over all time: the app does not record when "
    "a mark was made.",
    "Themes that hold a member's name are left out and only counted. No member's name, note or "
    "contact detail is in this report.",
    "Trainees' sessions are counted as shadowing by their training status today.",
)
"""What the report cannot show, printed on its face (and on the screen)."""


class PeriodError(VoicesGroupError, ValueError):
    """A period that cannot be reported on; the message says why."""


# -- the period ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("the period must end on or after the day it starts")
        if (self.end - self.start).days > 366 * 5:
            raise PeriodError("a report covers at most five years")

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> list[dt.date]:
        """The first day of each calendar month the period touches, in order."""
        found = []
        month = self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return found

    def year_before(self) -> Period:
        """The same days a year earlier (29 February becomes the 28th)."""
        return Period(_year_back(self.start), _year_back(self.end))

    def describe(self) -> str:
        """'1 Jan 2026 to 31 Dec 2026'."""
        return f"{dates.date(self.start)} to {dates.date(self.end)}"


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def month_key(day: dt.date) -> str:
    """'2026-03': how a month is named in the CSV."""
    return f"{day.year:04d}-{day.month:02d}"


# -- the true counts ---------------------------------------------------------------------------

PEOPLE_MEASURES = ("attendance", "newcomers", "sessions_with_newcomer")
"""Counts of people, per group and month: suppressed, with totals, before anything leaves."""
SESSION_MEASURES = ("planned", "held", "not_held")
"""Counts of sessions, per group and month: shown as they are."""


@dataclass(frozen=True)
class FacilitatorFigures:
    name: str
    led: int = 0
    co_facilitated: int = 0
    shadowing: int = 0
    minutes: int = 0
    supervised: int = 0
    """Supervision meetings they came to in the period."""

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class GroupCounts:
    """One group's true figures over the period."""

    group_id: UUID
    name: str
    kind: str
    monthly: dict[str, dict[str, int]] = field(default_factory=dict)
    """measure -> month key -> count."""
    sizes: list[int] = field(default_factory=list)
    """People present at each session held, in date order."""
    named_came: int = 0
    named_returned: int = 0
    themes: Counter[str] = field(default_factory=Counter)
    themes_not_shown: int = 0


@dataclass
class Figures:
    """The true figures of one period: never shown as they are (see `publish`)."""

    period: Period
    groups: list[GroupCounts]
    facilitators: list[FacilitatorFigures]
    strategies_by_kind: dict[str, Counter[str]]
    strategies_not_shown: int
    named_came_total: int
    named_returned_total: int
    prep_minutes: int
    debrief_minutes: int
    supervision_meetings: int = 0


def count(
    store: Store,
    period: Period,
    *,
    group_id: UUID | None = None,
    prep_minutes: int = 30,
    debrief_minutes: int = 15,
    today: dt.date | None = None,
) -> Figures:
    """Count what the groups did in `period` (one group with `group_id`), from the store.

    Sessions, members, facilitators and strategies are read as stored documents (the store
    validated each when it was saved): a year's report on ten years of data must not build
    models for the other nine.
    """
    today = today or dt.date.today()
    groups = [g for g in store.groups(include_archived=True) if group_id in (None, g.id)]
    if group_id is not None and not groups:
        raise PeriodError("there is no such group")
    group_of = {str(g.id): g for g in groups}
    first, last = period.start.isoformat(), period.end.isoformat()
    sessions = sorted(
        (
            doc
            for doc in store.documents("sessions")
            if first <= doc["date"] <= last
            and doc["group_id"] in group_of
            and doc.get("status") == SessionStatus.ENDED.value
        ),
        key=lambda doc: (doc["date"], doc.get("created_at", "")),
    )
    member_names = [doc["display_name"] for doc in store.documents("members")]
    facilitators = {doc["id"]: doc for doc in store.documents("facilitators")}
    planned_days = _planned_days(store, groups, period, today)

    by_group: dict[str, GroupCounts] = {}
    for key, group in group_of.items():
        counts = GroupCounts(group.id, group.name, group.variant.label)
        for measure in (*SESSION_MEASURES, *PEOPLE_MEASURES):
            counts.monthly[measure] = {month_key(m): 0 for m in period.months}
        by_group[key] = counts

    held_days: dict[str, set[str]] = defaultdict(set)
    visits: dict[str, Counter[str]] = defaultdict(Counter)
    theme_forms: dict[str, str] = {}
    noted: dict[str, list[str]] = defaultdict(list)
    facil: dict[str, Counter[str]] = defaultdict(Counter)
    trainee = TrainingStatus.IN_TRAINING.value
    for doc in sessions:
        gid = doc["group_id"]
        counts = by_group[gid]
        month = doc["date"][:7]
        held_days[gid].add(doc["date"])
        named = set(doc.get("named_member_ids", ()))
        newcomers = doc.get("newcomers", 0)
        present = len(doc.get("named_member_ids", ())) + doc.get("anonymous_count", 0) + newcomers
        monthly = counts.monthly
        monthly["held"][month] += 1
        monthly["attendance"][month] += present
        monthly["newcomers"][month] += newcomers
        monthly["sessions_with_newcomer"][month] += 1 if newcomers else 0
        counts.sizes.append(present)
        visits[gid].update(named)
        for theme in doc.get("themes", ()):
            tidy = " ".join(theme.split())
            if tidy:
                theme_forms.setdefault(tidy.casefold(), tidy)
                noted[gid].append(tidy.casefold())
        given = _session_minutes(doc, group_of[gid].pattern.minutes)
        given += prep_minutes + debrief_minutes
        lead_found = False  # the first facilitator listed leads, unless in training
        for person_id in dict.fromkeys(doc.get("facilitator_ids", ())):
            person = facilitators.get(person_id)
            tally = facil[person_id]
            if person is not None and person.get("training") == trainee:
                tally["shadowing"] += 1
            elif not lead_found:
                tally["led"] += 1
                lead_found = True
            else:
                tally["co_facilitated"] += 1
            tally["minutes"] += given

    keys = list(theme_forms)
    with_names = {
        keys[i] for i in texts_holding_names([theme_forms[k] for k in keys], member_names)
    }
    for gid, counts in by_group.items():
        for key in noted[gid]:
            if key in with_names:
                counts.themes_not_shown += 1
            else:
                counts.themes[theme_forms[key]] += 1
        for day in planned_days.get(counts.group_id, ()):
            counts.monthly["planned"][month_key(day)] += 1
            if day <= today and day.isoformat() not in held_days[gid]:
                counts.monthly["not_held"][month_key(day)] += 1
        counts.named_came = len(visits[gid])
        counts.named_returned = sum(1 for n in visits[gid].values() if n >= 2)

    meetings = [doc for doc in store.documents("supervision") if first <= doc.get("on", "") <= last]
    for meeting in meetings:
        for person_id in dict.fromkeys(meeting.get("facilitator_ids", ())):
            if group_id is None or person_id in facil:
                facil[person_id]["supervised"] += 1

    everyone: Counter[str] = Counter()
    for per_group in visits.values():
        everyone.update(per_group)
    people = [
        FacilitatorFigures(
            name=facilitators[pid]["display_name"]
            if pid in facilitators
            else "A former facilitator",
            led=tally["led"],
            co_facilitated=tally["co_facilitated"],
            shadowing=tally["shadowing"],
            minutes=tally["minutes"],
            supervised=tally["supervised"],
        )
        for pid, tally in facil.items()
    ]
    people.sort(key=lambda f: (-f.minutes, f.name.casefold()))
    strategies, hidden_strategies = _strategies_by_kind(store, groups, member_names)
    return Figures(
        period=period,
        groups=list(by_group.values()),
        facilitators=people,
        strategies_by_kind=strategies,
        strategies_not_shown=hidden_strategies,
        named_came_total=len(everyone),
        named_returned_total=sum(1 for n in everyone.values() if n >= 2),
        prep_minutes=prep_minutes,
        debrief_minutes=debrief_minutes,
        supervision_meetings=len(meetings),
    )


def texts_holding_names(
    texts: Sequence[str], member_names: Sequence[str], *, allow: Sequence[str] = ()
) -> set[int]:
    """The indexes of the `texts` that hold a member's name, by the report's policy in
    `voicesgroup.names` (`Purpose.REPORT`: an everyday word counts when written with a
    capital, "Will's new flat", and is read as the word when written small)."""
    from voicesgroup.names import texts_naming_members

    return texts_naming_members(texts, member_names, allow=allow)


def _session_minutes(doc: Mapping[str, Any], planned_minutes: int) -> int:
    """How long a stored session ran (at most eight hours), else how long it was planned."""
    started, ended = doc.get("started_at"), doc.get("ended_at")
    if started and ended:
        seconds = (
            dt.datetime.fromisoformat(ended) - dt.datetime.fromisoformat(started)
        ).total_seconds()
        if seconds > 0:
            return min(int(seconds // 60), 480)
    return planned_minutes


def _planned_days(
    store: Store, groups: Iterable[Group], period: Period, today: dt.date
) -> dict[UUID, set[dt.date]]:
    """Each group's planned meeting dates in the period: in a month the rota covers, the rota's
    dates; in any other month, the dates of the group's meeting pattern."""
    ids = {str(g.id) for g in groups}
    from_rota: dict[str, set[dt.date]] = defaultdict(set)
    first, last = period.start.isoformat(), period.end.isoformat()
    for doc in store.documents("rota"):
        if first <= doc["date"] <= last and doc["group_id"] in ids:
            from_rota[doc["group_id"]].add(dt.date.fromisoformat(doc["date"]))
    planned: dict[UUID, set[dt.date]] = {}
    for group in groups:
        rota = from_rota.get(str(group.id), set())
        covered = {month_key(day) for day in rota}
        pattern = group.pattern
        begin = max(period.start, pattern.first_date or period.start)
        weeks = (period.end - begin).days // 7 + 2
        from_pattern = {
            day
            for day in pattern.dates_from(begin, max(weeks // pattern.every_weeks + 1, 1))
            if day in period and month_key(day) not in covered
        }
        planned[group.id] = rota | from_pattern
    return planned


def _strategies_by_kind(
    store: Store, groups: Iterable[Group], member_names: Sequence[str]
) -> tuple[dict[str, Counter[str]], int]:
    kind_of = {str(g.id): g.variant.label for g in groups}
    helped = [
        doc
        for doc in store.documents("strategies")
        if any(
            gid in kind_of and marks > 0 for gid, marks in doc.get("helped_by_group", {}).items()
        )
    ]
    with_names = texts_holding_names(
        [f"{doc['title']}\n{doc.get('description', '')}" for doc in helped], member_names
    )
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for index, doc in enumerate(helped):
        if index in with_names:
            continue
        for gid, marks in doc["helped_by_group"].items():
            if gid in kind_of and marks > 0:
                found[kind_of[gid]][doc["title"]] += marks
    return dict(found), len(with_names)


# -- suppression: the one place ----------------------------------------------------------------

Why = Literal["", "small", "secondary"]
Place = tuple[int, int]
"""A cell of a table: (row, column)."""
Hidden = dict[Place, Why]
Node = tuple[str, int]
"""A row ("r", index) or a column ("c", index) of a table."""


@dataclass(frozen=True)
class Cell:
    """A published count: the number, or why it is not shown."""

    value: int | None
    why: Why = ""
    threshold: int = DEFAULT_THRESHOLD

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        if self.why == "small":
            return f"fewer than {self.threshold}"
        if self.why == "secondary":
            return "not shown"
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.text


def check_threshold(threshold: int) -> int:
    if threshold < MIN_THRESHOLD:
        raise PeriodError(f"the smallest count shown must be at least {MIN_THRESHOLD}")
    return threshold


def suppress_value(value: int, threshold: int) -> Cell:
    """One count standing alone: 1 to threshold-1 is shown as "fewer than N"."""
    if 0 < value < threshold:
        return Cell(None, "small", threshold)
    return Cell(value, "", threshold)


def suppress_grid(values: Sequence[Sequence[int]], threshold: int) -> list[list[Cell]]:
    """A table of counts with its totals added (a last column and a last row), suppressed.

    Small counts (1 to threshold-1) are hidden first. Then more cells are hidden until every
    hidden cell is safe: each row and column with a hidden cell has at least two (so no
    subtraction gives one back), the bounds a reader knows ("fewer than N" is 1 to N-1, "not
    shown" is N or more) never pin a hidden cell to one value within a row or column, and
    every hidden cell lies on a cycle of hidden cells, so no combination of rows and columns
    isolates it either. Totals are hidden only when nothing inside the table will do.
    """
    check_threshold(threshold)
    rows = len(values)
    cols = len(values[0]) if rows else 0
    grid = [[int(v) for v in row] + [sum(row)] for row in values]
    grid.append([sum(grid[r][c] for r in range(rows)) for c in range(cols + 1)])
    height, width = rows + 1, cols + 1
    why: dict[tuple[int, int], Why] = {
        (r, c): "small" for r in range(height) for c in range(width) if 0 < grid[r][c] < threshold
    }
    if why:
        lines = [[(r, c) for c in range(width)] for r in range(height)]
        lines += [[(r, c) for r in range(height)] for c in range(width)]
        changed = True
        while changed:
            changed = False
            for line in lines:
                extra = _line_needs(line, grid, why, threshold, height, width)
                if extra is not None:
                    why[extra] = "secondary"
                    changed = True
            if not changed:
                path = _bridge_fix(grid, why, height, width)
                if path:
                    for place in path:
                        why.setdefault(place, "secondary")
                    changed = True
    return [
        [
            Cell(None, why[(r, c)], threshold) if (r, c) in why else Cell(grid[r][c], "", threshold)
            for c in range(width)
        ]
        for r in range(height)
    ]


def _is_total(place: tuple[int, int], height: int, width: int) -> bool:
    return place[0] == height - 1 or place[1] == width - 1


def _cheapest(
    line: Iterable[Place], grid: Sequence[Sequence[int]], why: Hidden, height: int, width: int
) -> Place | None:
    choices = [p for p in line if p not in why and grid[p[0]][p[1]] > 0]
    if not choices:
        return None
    return min(choices, key=lambda p: (_is_total(p, height, width), grid[p[0]][p[1]], p))


def _bounds(place: Place, why: Hidden, threshold: int) -> tuple[int, float]:
    return (1, threshold - 1) if why[place] == "small" else (threshold, float("inf"))


def _line_needs(
    line: Sequence[Place],
    grid: Sequence[Sequence[int]],
    why: Hidden,
    threshold: int,
    height: int,
    width: int,
) -> Place | None:
    """A cell to hide as well, when this row or column would give a hidden cell away."""
    hidden = [p for p in line if p in why]
    if not hidden:
        return None
    if len(hidden) == 1:
        return _cheapest(line, grid, why, height, width)
    # The line says: cells add up to the total. Write it as sum(sign * value) = 0, the total
    # with sign -1, and see whether the known bounds pin any hidden cell to one value.
    total = line[-1]
    sign = {p: (-1 if p == total else 1) for p in line}
    rest = -sum(sign[p] * grid[p[0]][p[1]] for p in line if p not in why)
    spans: dict[Place, tuple[float, float]] = {}
    low: float
    high: float
    for p in hidden:
        low, high = _bounds(p, why, threshold)
        spans[p] = (low, high) if sign[p] > 0 else (-high, -low)
    for p in hidden:
        others_low = sum(spans[q][0] for q in hidden if q != p)
        others_high = sum(spans[q][1] for q in hidden if q != p)
        low, high = rest - others_high, rest - others_low  # of sign * value
        if sign[p] < 0:
            low, high = -high, -low
        own_low, own_high = _bounds(p, why, threshold)
        if max(low, own_low) >= min(high, own_high):
            return _cheapest(line, grid, why, height, width)
    return None


def _bridge_fix(grid: Sequence[Sequence[int]], why: Hidden, height: int, width: int) -> list[Place]:
    """Cells to hide so a hidden cell that only a chain of rows and columns pins is hidden
    on a cycle; empty when every hidden cell already lies on one."""
    edges = list(why)
    adjacency: dict[Node, list[tuple[Node, int]]] = defaultdict(list)
    for index, (r, c) in enumerate(edges):
        adjacency[("r", r)].append((("c", c), index))
        adjacency[("c", c)].append((("r", r), index))
    for bridge in _bridges(adjacency):
        r, c = edges[bridge]
        path = _cheapest_path(grid, why, height, width, ("c", c), ("r", r), (r, c))
        if path:
            return path
    return []


def _bridges(adjacency: dict[Node, list[tuple[Node, int]]]) -> list[int]:
    """Edge indexes that are bridges of the graph (iterative Tarjan)."""
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: list[int] = []
    counter = 0
    for root in list(adjacency):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for nxt, edge in neighbours:
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, iter(adjacency[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)
    return found


def _cheapest_path(
    grid: Sequence[Sequence[int]],
    why: Hidden,
    height: int,
    width: int,
    start: Node,
    goal: Node,
    skip: Place,
) -> list[Place]:
    """The cheapest chain of cells from one row/column to another, avoiding `skip`; hidden
    cells are free, zeros cannot be hidden, totals cost more than cells inside the table."""
    penalty = 1 + sum(map(sum, grid))
    best = {start: 0}
    queue: list[tuple[int, Node, list[Place]]] = [(0, start, [])]
    while queue:
        cost, node, path = heapq.heappop(queue)
        if node == goal:
            return [p for p in path if p not in why]
        if cost > best.get(node, float("inf")):
            continue
        kind, index = node
        others = range(width) if kind == "r" else range(height)
        for other in others:
            place = (index, other) if kind == "r" else (other, index)
            if place == skip:
                continue
            value = grid[place[0]][place[1]]
            if place in why:
                step = 0
            elif value > 0:
                step = value + (penalty if _is_total(place, height, width) else 0)
            else:
                continue
            nxt = ("c", other) if kind == "r" else ("r", other)
            if cost + step < best.get(nxt, float("inf")):
                best[nxt] = cost + step
                heapq.heappush(queue, (cost + step, nxt, [*path, place]))
    return []


# -- what is published -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A theme or strategy and how often, with the count suppressed like any other."""

    text: str
    times: Cell


@dataclass(frozen=True)
class GroupReport:
    name: str
    kind: str
    sessions: dict[str, dict[str, int]]
    """measure -> month key (and WHOLE_PERIOD) -> count of sessions, shown as is."""
    people: dict[str, dict[str, Cell]]
    """measure -> month key (and WHOLE_PERIOD) -> suppressed count of people."""
    average: float | None
    """People per session, when the attendance total is shown."""
    smallest: Cell | None
    largest: Cell | None
    named_came: Cell
    named_returned: Cell
    themes: list[Ranked]
    themes_not_shown: Cell


@dataclass(frozen=True)
class PeriodReport:
    """Everything published for one period: safe to print, export and show."""

    period: Period
    months: list[str]
    groups: list[GroupReport]
    total: GroupReport
    facilitators: list[FacilitatorFigures]
    strategies_by_kind: dict[str, list[Ranked]]
    strategies_not_shown: Cell
    supervision_meetings: int = 0
    """Supervision meetings held in the period (a count of meetings, not of people)."""

    @property
    def volunteer_hours(self) -> float:
        return round(sum(f.minutes for f in self.facilitators) / 60, 1)


@dataclass(frozen=True)
class Report:
    """The evaluation of a period, with the same period a year before when asked for."""

    current: PeriodReport
    previous: PeriodReport | None
    threshold: int
    prep_minutes: int
    debrief_minutes: int
    group_name: str | None = None

    @property
    def cannot_show(self) -> list[str]:
        return [
            line.format(small=self.threshold - 1, threshold=self.threshold) for line in CANNOT_SHOW
        ]

    def texts(self) -> Iterable[str]:
        """Every piece of free text the report carries (names of groups, facilitators,
        themes, strategies), for the last check that no member's name is in it."""
        for part in (self.current, self.previous):
            if part is None:
                continue
            for group in part.groups:
                yield group.name
                yield from (item.text for item in group.themes)
            yield from (item.text for item in part.total.themes)
            for items in part.strategies_by_kind.values():
                yield from (item.text for item in items)


def publish(figures: Figures, threshold: int = DEFAULT_THRESHOLD) -> PeriodReport:
    """The figures as they may be published: every count of people goes through suppression
    here, and only here."""
    check_threshold(threshold)
    months = [month_key(m) for m in figures.period.months]
    people: dict[str, list[list[Cell]]] = {}
    for measure in PEOPLE_MEASURES:
        grid = [[g.monthly[measure][m] for m in months] for g in figures.groups]
        people[measure] = (
            suppress_grid(grid, threshold) if grid else [[Cell(0)] * (len(months) + 1)]
        )
    keys = [*months, WHOLE_PERIOD]

    def sessions_of(monthly: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        return {
            measure: {**monthly[measure], WHOLE_PERIOD: sum(monthly[measure].values())}
            for measure in SESSION_MEASURES
        }

    def people_row(row: int) -> dict[str, dict[str, Cell]]:
        return {measure: dict(zip(keys, people[measure][row], strict=True)) for measure in people}

    def ranked(counter: Counter[str]) -> list[Ranked]:
        top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold()))[:TOP_ITEMS]
        return [Ranked(text, suppress_value(times, threshold)) for text, times in top]

    def average(total: Cell, held: int) -> float | None:
        return round(total.value / held, 1) if total.shown and total.value and held else None

    reports = []
    for row, group in enumerate(figures.groups):
        sessions = sessions_of(group.monthly)
        row_people = people_row(row)
        reports.append(
            GroupReport(
                name=group.name,
                kind=group.kind,
                sessions=sessions,
                people=row_people,
                average=average(
                    row_people["attendance"][WHOLE_PERIOD], sessions["held"][WHOLE_PERIOD]
                ),
                smallest=suppress_value(min(group.sizes), threshold) if group.sizes else None,
                largest=suppress_value(max(group.sizes), threshold) if group.sizes else None,
                named_came=suppress_value(group.named_came, threshold),
                named_returned=suppress_value(group.named_returned, threshold),
                themes=ranked(group.themes),
                themes_not_shown=suppress_value(group.themes_not_shown, threshold),
            )
        )
    all_monthly = {
        measure: {m: sum(g.monthly[measure][m] for g in figures.groups) for m in months}
        for measure in SESSION_MEASURES
    }
    all_sizes = [size for g in figures.groups for size in g.sizes]
    all_themes: Counter[str] = Counter()
    for group in figures.groups:
        all_themes.update(group.themes)
    total_sessions = sessions_of(all_monthly)
    total_people = people_row(len(figures.groups)) if figures.groups else people_row(0)
    total = GroupReport(
        name=ALL_GROUPS,
        kind="",
        sessions=total_sessions,
        people=total_people,
        average=average(
            total_people["attendance"][WHOLE_PERIOD], total_sessions["held"][WHOLE_PERIOD]
        ),
        smallest=suppress_value(min(all_sizes), threshold) if all_sizes else None,
        largest=suppress_value(max(all_sizes), threshold) if all_sizes else None,
        named_came=suppress_value(figures.named_came_total, threshold),
        named_returned=suppress_value(figures.named_returned_total, threshold),
        themes=ranked(all_themes),
        themes_not_shown=suppress_value(sum(g.themes_not_shown for g in figures.groups), threshold),
    )
    return PeriodReport(
        period=figures.period,
        months=months,
        groups=reports,
        total=total,
        facilitators=figures.facilitators,
        strategies_by_kind={
            kind: ranked(counter) for kind, counter in sorted(figures.strategies_by_kind.items())
        },
        strategies_not_shown=suppress_value(figures.strategies_not_shown, threshold),
        supervision_meetings=figures.supervision_meetings,
    )


def report(
    store: Store,
    period: Period,
    *,
    group_id: UUID | None = None,
    compare_previous_year: bool = False,
    today: dt.date | None = None,
) -> Report:
    """The evaluation of `period`, suppressed with the organisation's settings."""
    settings = store.settings()
    threshold = check_threshold(settings.report_smallest_count)

    def counted(span: Period) -> Figures:
        return count(
            store,
            span,
            group_id=group_id,
            prep_minutes=settings.report_preparation_minutes,
            debrief_minutes=settings.report_debrief_minutes,
            today=today,
        )

    current = publish(counted(period), threshold)
    previous = publish(counted(period.year_before()), threshold) if compare_previous_year else None
    name = current.groups[0].name if group_id is not None and current.groups else None
    return Report(
        current=current,
        previous=previous,
        threshold=threshold,
        prep_minutes=settings.report_preparation_minutes,
        debrief_minutes=settings.report_debrief_minutes,
        group_name=name,
    )


# -- the tidy CSV ----------------------------------------------------------------------------

CSV_COLUMNS = ("period_from", "period_to", "group", "month", "measure", "item", "value", "note")
"""One row per group, month and measure: a funder's spreadsheet can pivot it as it is."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def tidy_rows(report: Report) -> list[dict[str, str]]:
    """The report as tidy rows (see `CSV_COLUMNS`); a count not shown has an empty value
    and says why in `note`."""
    rows: list[dict[str, str]] = []
    for part in (report.current, report.previous):
        if part is None:
            continue

        def add(
            group: str,
            month: str,
            measure: str,
            value: Cell | float | None,
            item: str = "",
            part: PeriodReport = part,
        ) -> None:
            if isinstance(value, Cell):
                shown, note = (
                    ("" if value.value is None else str(value.value)),
                    (value.text if not value.shown else ""),
                )
            else:
                shown, note = ("" if value is None else str(value)), ""
            rows.append(
                {
                    "period_from": dates.iso(part.period.start),
                    "period_to": dates.iso(part.period.end),
                    "group": group,
                    "month": month,
                    "measure": measure,
                    "item": item,
                    "value": shown,
                    "note": note,
                }
            )

        for group in [*part.groups, part.total]:
            for key in [*part.months, WHOLE_PERIOD]:
                month = "all" if key == WHOLE_PERIOD else key
                for measure in SESSION_MEASURES:
                    add(group.name, month, measure, group.sessions[measure][key])
                for measure in PEOPLE_MEASURES:
                    add(group.name, month, measure, group.people[measure][key])
            add(group.name, "all", "people_per_session_average", group.average)
            add(group.name, "all", "people_at_smallest_session", group.smallest)
            add(group.name, "all", "people_at_largest_session", group.largest)
            add(group.name, "all", "named_members_who_came", group.named_came)
            add(group.name, "all", "named_members_who_came_more_than_once", group.named_returned)
            add(group.name, "all", "themes_not_shown", group.themes_not_shown)
            for item in group.themes:
                add(group.name, "all", "theme_noted", item.times, item.text)
        for person in part.facilitators:
            for measure, value in (
                ("sessions_led", person.led),
                ("sessions_co_facilitated", person.co_facilitated),
                ("sessions_shadowing", person.shadowing),
                ("volunteer_hours", person.hours),
                ("supervision_meetings_attended", person.supervised),
            ):
                add(ALL_GROUPS, "all", measure, value, person.name)
        add(ALL_GROUPS, "all", "volunteer_hours", part.volunteer_hours, "all facilitators")
        add(ALL_GROUPS, "all", "supervision_meetings", part.supervision_meetings)
        for kind, items in part.strategies_by_kind.items():
            for item in items:
                add(f"{kind} groups", "all time", "strategy_marked_helped", item.times, item.text)
        add(ALL_GROUPS, "all time", "strategies_not_shown", part.strategies_not_shown)
    return rows


def csv_text(report: Report) -> str:
    """The tidy rows as CSV text. A cell that a spreadsheet would read as a formula (it
    starts with =, +, -, @) gets a leading apostrophe, so it stays text."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in tidy_rows(report):
        writer.writerow(
            {
                key: (
                    "'" + value
                    if key in ("group", "item") and value.startswith(_FORMULA_START)
                    else value
                )
                for key, value in row.items()
            }
        )
    return out.getvalue()
