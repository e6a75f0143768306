"""The first step of the evaluation: the true counts of a period, read from the store.

`count(store, period)` counts sessions planned and held, visits, newcomers, facilitation,
themes and what helped. These figures never leave the app as they are: `evaluation.publish`
passes every count of people through `protection.protect` first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.facilitator_counts import effective_path, shadowing_on
from voicesgroup.kinds import SessionStatus, everyone_present
from voicesgroup.protection import Cell, measures

if TYPE_CHECKING:
    from voicesgroup.models import Group
    from voicesgroup.store import Store


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
            raise PeriodError("The period must end on or after the day it starts")

    @classmethod
    def last_twelve_months(cls, today: dt.date) -> Period:
        """The report's period when nobody chose one: from the first day of the month eleven
        months back, to today."""
        from voicesgroup.consent import add_months

        return cls(add_months(today.replace(day=1), -11), today)

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

    @property
    def part_months(self) -> set[str]:
        """The months (as `month_key`) the period covers only in part: its first, its last."""
        part = set()
        if self.start.day != 1:
            part.add(month_key(self.start))
        if (self.end + dt.timedelta(days=1)).day != 1:
            part.add(month_key(self.end))
        return part

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


def monthly_measures() -> list[str]:
    """The keys of every measure counted per group and month (`protection.MEASURES`, scope
    "month"): counts of sessions first as the table lists them, then counts of people."""
    return [m.key for m in measures("month", people=False) + measures("month", people=True)]


def _present(doc: Mapping[str, Any]) -> int:
    named = len(doc.get("named_member_ids", ()))
    return everyone_present(named, doc.get("anonymous_count", 0), doc.get("newcomers", 0))


FROM_PLAN = ("planned", "not_held")
"""The monthly measures counted from the planned dates rather than from a session."""
PER_SESSION: dict[str, Callable[[Mapping[str, Any]], int]] = {
    "held": lambda doc: 1,
    "attendance": _present,
    "newcomers": lambda doc: doc.get("newcomers", 0),
}
"""How each other monthly measure counts one ended session (as stored), added up by month."""


@dataclass(frozen=True)
class FacilitatorFigures:
    name: str
    led: int = 0
    co_facilitated: int = 0
    shadowing: int = 0
    minutes: int = 0
    supervised: int = 0
    """Supervision meetings they came to in the period."""
    people: int = 1
    """How many facilitators the row stands for (more than one in the row without names)."""
    named: bool = True
    """A row of one facilitator who said yes to their name; False for the row of everyone
    else, whose figures are published only through `evaluation.publish` (see there)."""
    shown_as: Mapping[str, Cell | None] | None = field(default=None, compare=False)
    """The published figure of each facilitator measure, where it differs from the true one:
    set by `evaluation.publish` for the row without names, never by the count."""

    @property
    def hours(self) -> float:
        """Hours to a tenth, halves up (the one rounding rule for hours)."""
        return (self.minutes + 3) // 6 / 10


@dataclass
class GroupCounts:
    """One group's true figures over the period."""

    group_id: UUID
    name: str
    kind: str
    monthly: dict[str, dict[str, int]] = field(default_factory=dict)
    """measure -> month key -> count."""
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
    members_held: bool = True
    """Whether the laptop counted holds members' records (the coordinator's holds none): the
    measures counted from them (`Measure.from_members`) are published only where it does."""


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
        raise PeriodError("There is no such group")
    group_of = {str(g.id): g for g in groups}
    sessions, began = _ended_sessions(store, group_of, period)
    member_names = [doc["display_name"] for doc in store.documents("members")]
    facilitators = {doc["id"]: doc for doc in store.documents("facilitators")}
    planned_days = _planned_days(store, groups, period, began)
    by_group = _empty_counts(group_of, period)

    per_session = [(m, PER_SESSION[m]) for m in monthly_measures() if m not in FROM_PLAN]
    held_days: dict[str, set[str]] = defaultdict(set)
    visits: dict[str, Counter[str]] = defaultdict(Counter)
    theme_forms: dict[str, str] = {}
    noted: dict[str, list[str]] = defaultdict(list)
    facil: dict[str, Counter[str]] = defaultdict(Counter)
    paths = {doc["facilitator_id"]: doc for doc in store.documents("facilitator_paths")}
    for doc in sessions:
        gid = doc["group_id"]
        counts = by_group[gid]
        month = doc["date"][:7]
        held_days[gid].add(doc["date"])
        for measure, counted in per_session:
            counts.monthly[measure][month] += counted(doc)
        visits[gid].update(set(doc.get("named_member_ids", ())))
        _note_themes(doc, theme_forms, noted[gid])
        given = _session_minutes(doc, group_of[gid].pattern.minutes)
        given += prep_minutes + debrief_minutes
        _tally_facilitators(doc, given, facilitators, paths, facil)

    with_names = _themes_holding_names(theme_forms, member_names)
    for gid, counts in by_group.items():
        _place_themes(counts, noted[gid], theme_forms, with_names)
        _count_planned(counts, planned_days.get(counts.group_id, ()), held_days[gid], today)
        counts.named_came = len(visits[gid])
        counts.named_returned = sum(1 for n in visits[gid].values() if n >= 2)

    meetings = _supervision_meetings(store, period, group_id, facil)
    everyone: Counter[str] = Counter()
    for per_group in visits.values():
        everyone.update(per_group)
    people = _facilitator_rows(facil, facilitators)
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
        members_held=holds_members(store),
    )


def holds_members(store: Store) -> bool:
    """Whether this laptop holds members' records: every laptop but the coordinator's, to
    which the exchange never sends them (`exchange.sharing`)."""
    from voicesgroup.exchange import state

    return state.role(store.storage.read()) != state.COORDINATOR


def _ended_sessions(
    store: Store, group_of: Mapping[str, Group], period: Period
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The groups' ended sessions in `period`, oldest first, and each group's first session
    ever (which the plan starts from), found in one pass over the stored documents."""
    first, last = period.start.isoformat(), period.end.isoformat()
    ended = SessionStatus.ENDED.value
    began: dict[str, str] = {}
    in_period = []
    for doc in store.documents("sessions"):
        gid, day = doc["group_id"], doc["date"]
        if gid not in group_of or doc.get("status") != ended:
            continue
        if gid not in began or day < began[gid]:
            began[gid] = day
        if first <= day <= last:
            in_period.append(doc)
    sessions = sorted(in_period, key=lambda doc: (doc["date"], doc.get("created_at", "")))
    return sessions, began


def _empty_counts(group_of: Mapping[str, Group], period: Period) -> dict[str, GroupCounts]:
    """Every group's counts at zero for every month, so a month with nothing still shows."""
    by_group: dict[str, GroupCounts] = {}
    for key, group in group_of.items():
        counts = GroupCounts(group.id, group.name, group.variant.label)
        for measure in monthly_measures():
            counts.monthly[measure] = {month_key(m): 0 for m in period.months}
        by_group[key] = counts
    return by_group


def _note_themes(doc: Mapping[str, Any], theme_forms: dict[str, str], noted: list[str]) -> None:
    """A session's themes, tidied and matched without case, so one theme counts as one."""
    for theme in doc.get("themes", ()):
        tidy = " ".join(theme.split())
        if tidy:
            theme_forms.setdefault(tidy.casefold(), tidy)
            noted.append(tidy.casefold())


def _tally_facilitators(
    doc: Mapping[str, Any],
    given: int,
    facilitators: Mapping[str, dict[str, Any]],
    paths: Mapping[str, dict[str, Any]],
    facil: dict[str, Counter[str]],
) -> None:
    """Who led, co-facilitated or shadowed a session, and the minutes each gave to it."""
    lead_found = False  # the first facilitator listed leads, unless in training
    for person_id in dict.fromkeys(doc.get("facilitator_ids", ())):
        person = facilitators.get(person_id)
        tally = facil[person_id]
        if person is not None and shadowing_on(
            effective_path(person, paths.get(person_id)), dt.date.fromisoformat(doc["date"])
        ):
            tally["shadowing"] += 1
        elif not lead_found:
            tally["led"] += 1
            lead_found = True
        else:
            tally["co_facilitated"] += 1
        tally["minutes"] += given


def _themes_holding_names(theme_forms: Mapping[str, str], member_names: Sequence[str]) -> set[str]:
    """The themes (by their casefolded key) that hold a member's name: never published."""
    keys = list(theme_forms)
    return {keys[i] for i in texts_holding_names([theme_forms[k] for k in keys], member_names)}


def _place_themes(
    counts: GroupCounts,
    noted: Sequence[str],
    theme_forms: Mapping[str, str],
    with_names: set[str],
) -> None:
    """A group's themes counted, except those holding a name, which are only counted as
    not shown."""
    for key in noted:
        if key in with_names:
            counts.themes_not_shown += 1
        else:
            counts.themes[theme_forms[key]] += 1


def _count_planned(
    counts: GroupCounts, planned: Iterable[dt.date], held: set[str], today: dt.date
) -> None:
    """Sessions planned up to today, and those of them that were not held. A date still to
    come is left out: an evaluation says what took place, so planned is held on a planned day
    plus not held (a session held on a day not planned counts as held only). Today is still
    to come until its session has been held: a report made in the morning does not call the
    evening's group "not held"."""
    for day in planned:
        if day > today or (day == today and day.isoformat() not in held):
            continue
        counts.monthly["planned"][month_key(day)] += 1
        if day.isoformat() not in held:
            counts.monthly["not_held"][month_key(day)] += 1


def _supervision_meetings(
    store: Store, period: Period, group_id: UUID | None, facil: dict[str, Counter[str]]
) -> list[dict[str, Any]]:
    """The supervision meetings in `period`, each counted for the facilitators who came (for
    one group's report, only those who facilitated it)."""
    first, last = period.start.isoformat(), period.end.isoformat()
    meetings = [doc for doc in store.documents("supervision") if first <= doc.get("on", "") <= last]
    for meeting in meetings:
        for person_id in dict.fromkeys(meeting.get("facilitator_ids", ())):
            if group_id is None or person_id in facil:
                facil[person_id]["supervised"] += 1
    return meetings


def texts_holding_names(
    texts: Sequence[str], member_names: Sequence[str], *, allow: Sequence[str] = ()
) -> set[int]:
    """The indexes of the `texts` that hold a member's name, by the report's policy in
    `voicesgroup.names` (`Purpose.REPORT`: an everyday word counts when written with a
    capital, "Will's new flat", and is read as the word when written small)."""
    from voicesgroup.names import texts_naming_members

    return texts_naming_members(texts, member_names, allow=allow)


UNNAMED = "Facilitators not named ({count})"
"""The row that holds the figures of everyone who did not say yes to their name."""


def _facilitator_rows(
    tallies: Mapping[str, Counter[str]], facilitators: Mapping[str, Mapping[str, Any]]
) -> list[FacilitatorFigures]:
    """One row for each facilitator who agreed to be named in reports (most hours first),
    then one row with the summed figures of everyone else, without names."""
    named: list[FacilitatorFigures] = []
    rest: Counter[str] = Counter()
    others = 0
    for person_id, tally in tallies.items():
        doc = facilitators.get(person_id)
        if doc is not None and doc.get("named_in_reports"):
            named.append(
                FacilitatorFigures(
                    name=doc["display_name"],
                    led=tally["led"],
                    co_facilitated=tally["co_facilitated"],
                    shadowing=tally["shadowing"],
                    minutes=tally["minutes"],
                    supervised=tally["supervised"],
                )
            )
        else:
            rest.update(tally)
            others += 1
    named.sort(key=lambda f: (-f.minutes, f.name.casefold()))
    if others:
        named.append(
            FacilitatorFigures(
                name=UNNAMED.format(count=others),
                led=rest["led"],
                co_facilitated=rest["co_facilitated"],
                shadowing=rest["shadowing"],
                minutes=rest["minutes"],
                supervised=rest["supervised"],
                people=others,
                named=False,
            )
        )
    return named


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
    store: Store, groups: Iterable[Group], period: Period, began: Mapping[str, str]
) -> dict[UUID, set[dt.date]]:
    """Each group's planned meeting dates in the period: in a month the rota covers, the rota's
    dates; in any other month, the dates of the group's meeting pattern, from its first date
    or else its first session on (a group does not miss meetings before it began), and none
    for an archived group. Which months the rota covers is read over whole months, so a
    period that ends mid-month plans those days exactly as the whole month does."""
    ids = {str(g.id) for g in groups}
    from_rota: dict[str, set[dt.date]] = defaultdict(set)
    whole_first = period.start.replace(day=1).isoformat()
    whole_last = period.end.replace(day=28) + dt.timedelta(days=4)
    whole_last_text = (whole_last - dt.timedelta(days=whole_last.day)).isoformat()
    for doc in store.documents("rota"):
        if whole_first <= doc["date"] <= whole_last_text and doc["group_id"] in ids:
            from_rota[doc["group_id"]].add(dt.date.fromisoformat(doc["date"]))
    planned: dict[UUID, set[dt.date]] = {}
    for group in groups:
        rota = from_rota.get(str(group.id), set())
        covered = {month_key(day) for day in rota}
        pattern = group.pattern
        first_session = began.get(str(group.id))
        start = pattern.first_date or (first_session and dt.date.fromisoformat(first_session))
        from_pattern: set[dt.date] = set()
        if start and not group.archived:
            begin = max(period.start, start)
            weeks = (period.end - begin).days // 7 + 2
            from_pattern = {
                day
                for day in pattern.dates_from(begin, max(weeks // pattern.every_weeks + 1, 1))
                if day in period and month_key(day) not in covered
            }
        planned[group.id] = {day for day in rota if day in period} | from_pattern
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
