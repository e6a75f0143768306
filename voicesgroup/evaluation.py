"""The coordinator's evaluation: what the groups did over a period, with nobody identifiable.

Two steps, kept apart on purpose:

1. `count(store, period)` reads the store and counts: sessions planned and held, visits,
   newcomers, facilitation, themes and what helped. These are the true figures and they never
   leave the app as they are.
2. `publish(figures, threshold)` passes every count of people through the one rule,
   `protection.protect` (0 is 0, 1 to threshold-1 is "fewer than N", the rest rounded to the
   nearest N). A published figure depends only on its own true value, so the same cell is
   published the same way in every report the app can make (see `voicesgroup/protection.py`).

`report(store, period, ...)` does both, with the settings' threshold; the PDF, the CSV and the
Reports screen all draw from what it returns, so nothing unprotected can reach them.

Counts of sessions (planned, held, not held) and the facilitators' own figures (sessions led,
hours given) are not counts of members and are shown as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from uuid import UUID

from voicesgroup import dates
from voicesgroup.evaluation_count import (
    FacilitatorFigures,
    Figures,
    GroupCounts,
    Period,
    PeriodError,
    count,
    month_key,
    monthly_measures,
    texts_holding_names,
)
from voicesgroup.protection import (
    DEFAULT_THRESHOLD,
    MEASURES,
    MIN_THRESHOLD,
    Cell,
    check_threshold,
    counted_elsewhere,
    measures,
    protect,
    rule_in_words,
    shown_from,
)

if TYPE_CHECKING:
    from voicesgroup.store import Store

__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_THRESHOLD",
    "Cell",
    "FacilitatorFigures",
    "Figures",
    "GroupCounts",
    "Period",
    "PeriodError",
    "check_threshold",
    "count",
    "month_key",
    "monthly_measures",
    "protect",
    "texts_holding_names",
]
"""The counting step (`evaluation_count`) and the rule (`protection`) are re-exported, so the
screens and commands need only this module."""

TOP_ITEMS = 5
"""How many themes and strategies are listed for each group or kind of group."""
ALL_GROUPS = "All groups"
WHOLE_PERIOD = "Whole period"
MONTHLY_CHART = "Visits to the groups, month by month"

CANNOT_SHOW = (
    "“Visits” counts each person at each session: someone who came to four sessions is four "
    "visits. People who came without giving their name cannot be followed over time, so who "
    "came back is counted only among members who agreed to be named, and never estimated for "
    "anyone else.",
    "“Not held” counts planned meeting dates with no session recorded; the app does not record "
    "why a session did not happen.",
    "Strategies marked as having helped are counted over all time: the app does not record when "
    "a mark was made. A theme or strategy is listed only when it came up at least {shown} "
    "times.",
    "Themes that hold a member's name are left out and only counted. No member's name, note or "
    "contact detail is in this report.",
    "Shadowing counts the sessions a facilitator worked while on the shadowing step of their path.",
    "Facilitators who did not agree to be named are one row without names, each figure rounded "
    "like a count of people; where fewer than {threshold} of them gave time, that row would be "
    "them, so nobody is listed one by one and the team's figures are given together.",
)
"""What the report cannot show, printed on its face (and on the screen)."""


def check_report_names(
    report: Report,
    member_names: Sequence[str],
    facilitator_names: Iterable[str] = (),
    organisation: str = "",
) -> None:
    """Raise `NameInHandout` if any text the report carries (groups, themes, strategies, the
    organisation) holds a member's name: the one check before any form of the report, PDF,
    CSV, text or web page, is made. Facilitators' own names are printed as the rota prints
    them (a member may share one)."""
    from voicesgroup.errors import NameInHandout

    facilitator_names = list(facilitator_names)
    allowed = {name.casefold() for name in facilitator_names}
    forbidden = [name for name in member_names if name.casefold() not in allowed]
    texts = [text for text in (*report.texts(), organisation) if text]
    facilitators = [name for name in facilitator_names if name]
    if texts_holding_names(texts, forbidden, allow=facilitators):
        raise NameInHandout(
            "The report was not made: some of its text holds a member's name "
            "(a group's name or the organisation's). Change that name and try again. "
            "Nothing was saved."
        )


# -- what is published -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A theme or strategy and how often, the count protected like any other."""

    text: str
    times: Cell


@dataclass(frozen=True)
class GroupReport:
    name: str
    kind: str
    sessions: dict[str, dict[str, int]]
    """measure -> month key (and WHOLE_PERIOD) -> count of sessions, shown as is."""
    people: dict[str, dict[str, Cell]]
    """measure -> month key (and WHOLE_PERIOD) -> protected count of people."""
    average: float | None
    """People per session, when the attendance total is shown."""
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
    def facilitator_count(self) -> int:
        """How many facilitators gave time in the period, named or not."""
        return sum(f.people for f in self.facilitators)

    @property
    def volunteer_hours(self) -> float:
        """The sum of each facilitator's hours as printed (one rounding rule: each person's
        hours to a tenth), so the total equals its column."""
        return float(team_total(self.facilitators, "volunteer_hours"))


@dataclass(frozen=True)
class Report:
    """The evaluation of a period, with the same period a year before when asked for."""

    current: PeriodReport
    previous: PeriodReport | None
    threshold: int
    prep_minutes: int
    debrief_minutes: int
    group_name: str | None = None
    made_on: dt.date = field(default_factory=dt.date.today)
    asked: Period | None = None
    """The period asked for, where the one counted (`current.period`) is shorter: days still
    to come are not counted, nor months before anything was planned or held (see `report`)."""

    @property
    def coverage(self) -> list[str]:
        """Where the figures start and stop when that is not the period asked for, in words,
        for every form of the report (empty when they cover it all)."""
        asked, counted = self.asked, self.current.period
        if asked is None:
            return []
        lines = []
        total = self.current.total.sessions
        nothing = not (total["held"][WHOLE_PERIOD] or total["planned"][WHOLE_PERIOD])
        if counted.start > asked.start:
            until, shown = (
                ("on", "shows only its last month, from")
                if nothing
                else (f"until {dates.month(counted.start)}", "starts on")
            )
            lines.append(
                f"Nothing was planned or held from {dates.date(asked.start)} {until}, so the "
                f"report {shown} {dates.date(counted.start)}."
            )
        if counted.end < asked.end:
            lines.append(
                f"The figures stop at {dates.date(counted.end)}, the day this report was made: "
                f"the days from then to {dates.date(asked.end)} are still to come and are not "
                "counted."
            )
        return lines

    @property
    def protection(self) -> str:
        """What the protection does, in a trustee's words (printed on the report's face)."""
        return rule_in_words(self.threshold)

    @property
    def scope(self) -> str:
        """What the report covers: the one group's name, or "All groups"."""
        return self.group_name or ALL_GROUPS

    @property
    def cannot_show(self) -> list[str]:
        return [
            line.format(shown=shown_from(self.threshold), threshold=self.threshold)
            for line in CANNOT_SHOW
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


def summary_lines(report: Report) -> list[str]:
    """The front page's three lines in words, from published figures only."""
    part = report.current
    total = part.total
    held = total.sessions["held"][WHOLE_PERIOD]
    if not held and not total.sessions["planned"][WHOLE_PERIOD]:
        return ["No records for that period."]
    groups = sum(1 for g in part.groups if g.sessions["held"][WHOLE_PERIOD])
    visits = total.people["attendance"][WHOLE_PERIOD]
    newcomers = total.people["newcomers"][WHOLE_PERIOD]
    people = part.facilitator_count
    missed = total.sessions["not_held"][WHOLE_PERIOD]
    average = f", about {total.average:.0f} a session" if total.average else ""
    return [
        f"{held:,} {_plural(held, 'session')} held by {groups:,} {_plural(groups, 'group')}"
        f" ({missed:,} planned {_plural(missed, 'date')} not held).",
        f"{visits} visits{average}; {newcomers} newcomers.",
        f"{part.volunteer_hours:,.1f} volunteer hours given by {people:,} "
        f"{_plural(people, 'facilitator')}{not_counted(part)}.",
    ]


def not_counted(part: PeriodReport) -> str:
    """What follows the volunteer hours, on the front page and the screen, when the report
    lists its facilitators only together (see `publish_team`); empty when it does not."""
    if not together(part):
        return ""
    return " (not listed one by one: a list would show those not named)"


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def publish(
    figures: Figures, threshold: int = DEFAULT_THRESHOLD, scope: str = ALL_GROUPS
) -> PeriodReport:
    """The figures as they may be published: every count of people goes through
    `protection.protect` here, and only here. `scope` names the totals' row."""
    check_threshold(threshold)
    months = [month_key(m) for m in figures.period.months]
    reports = [
        _group_row(
            g.name,
            g.kind,
            g.monthly,
            (g.named_came, g.named_returned),
            (g.themes, g.themes_not_shown),
            months,
            threshold,
        )
        for g in figures.groups
    ]
    total = _total_row(figures, scope, months, threshold)
    if not figures.members_held:
        reports = [_counted_elsewhere(row, threshold) for row in reports]
        total = _counted_elsewhere(total, threshold)
    return PeriodReport(
        period=figures.period,
        months=months,
        groups=reports,
        total=total,
        facilitators=publish_team(figures.facilitators, threshold),
        strategies_by_kind={
            kind: ranked(counter, threshold)
            for kind, counter in sorted(figures.strategies_by_kind.items())
        },
        strategies_not_shown=protect(figures.strategies_not_shown, threshold),
        supervision_meetings=figures.supervision_meetings,
    )


TEAM_TOGETHER = "All facilitators together ({count})"
"""The one row of a report whose facilitators are not listed one by one (see `publish_team`)."""


def publish_team(people: Sequence[FacilitatorFigures], threshold: int) -> list[FacilitatorFigures]:
    """The facilitators' rows as they may be published. A facilitator who said yes to their
    name has their own row; everyone else is one row without names, its figures rounded like
    a count of people (`protection.protect`), so that two reports (periods a day apart, one
    group beside all) differ by rounded figures, never by one person's exact session.

    With fewer than `threshold` people in that row, it would be them (the team knows who
    facilitates), and hiding it is not enough: each session has one lead, so the sessions held
    less the named rows' sessions led would give back theirs, and the same for hours. So such
    a report lists nobody one by one: one row holds the whole team's figures together."""
    unnamed = [row for row in people if not row.named]
    if unnamed and sum(row.people for row in unnamed) < threshold:
        return [_together(people)]
    published = []
    for row in people:
        if row.named:
            published.append(row)
            continue
        shown = {
            m.key: protect(int(getattr(row, m.field) + 0.5), threshold, zero_shown=False)
            for m in measures("facilitator")
        }
        published.append(replace(row, shown_as=shown))
    return published


def _together(people: Sequence[FacilitatorFigures]) -> FacilitatorFigures:
    """One row with everyone's figures summed (hours from the summed minutes)."""
    count = sum(row.people for row in people)
    return FacilitatorFigures(
        name=TEAM_TOGETHER.format(count=count),
        led=sum(row.led for row in people),
        co_facilitated=sum(row.co_facilitated for row in people),
        shadowing=sum(row.shadowing for row in people),
        minutes=sum(row.minutes for row in people),
        supervised=sum(row.supervised for row in people),
        people=count,
        named=False,
    )


def together(part: PeriodReport) -> bool:
    """Whether the report lists its facilitators only together (see `publish_team`)."""
    # the row without names is always published rounded (`shown_as`); the team's, as it is
    return any(not f.named and f.shown_as is None for f in part.facilitators)


def _counted_elsewhere(row: GroupReport, threshold: int) -> GroupReport:
    """A row made on a laptop without members: each measure counted from members' records
    says where it is counted instead of a count of none (`protection.counted_elsewhere`)."""
    elsewhere = counted_elsewhere(threshold)
    people = dict(row.people)
    fields: dict[str, Cell] = {}
    for measure in MEASURES.values():
        if not measure.from_members:
            continue
        if measure.scope == "month":
            people[measure.key] = dict.fromkeys(people[measure.key], elsewhere)
        else:
            fields[measure.field] = elsewhere
    return replace(row, people=people, **fields)  # type: ignore[arg-type]  # each field named is a Cell


def _session_counts(monthly: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Counts of sessions are not counts of people: each month as it is, plus the period."""
    return {
        measure.key: {**monthly[measure.key], WHOLE_PERIOD: sum(monthly[measure.key].values())}
        for measure in measures("month", people=False)
    }


def _people_counts(
    monthly: Mapping[str, Mapping[str, int]], months: Sequence[str], threshold: int
) -> dict[str, dict[str, Cell]]:
    """Each count of people, month by month and for the period, as `protect` lets it show."""
    held = {key: monthly["held"][key] for key in months}
    held[WHOLE_PERIOD] = sum(held.values())
    return {
        measure.key: {
            key: protect(
                sum(monthly[measure.key].values())
                if key == WHOLE_PERIOD
                else monthly[measure.key][key],
                threshold,
                zero_shown=not held[key],
            )
            for key in [*months, WHOLE_PERIOD]
        }
        for measure in measures("month", people=True)
    }


def _group_row(
    name: str,
    kind: str,
    monthly: Mapping[str, Mapping[str, int]],
    named: tuple[int, int],
    themes: tuple[Counter[str], int],
    months: Sequence[str],
    threshold: int,
) -> GroupReport:
    """One row of the report (a group, or all of them) with every count of people protected;
    `named` is (came, returned), `themes` is (counted, not shown)."""
    came, returned = named
    counted, themes_hidden = themes
    sessions = _session_counts(monthly)
    people = _people_counts(monthly, months, threshold)
    none_held = not sessions["held"][WHOLE_PERIOD]
    return GroupReport(
        name=name,
        kind=kind,
        sessions=sessions,
        people=people,
        average=_average(people["attendance"][WHOLE_PERIOD], sessions["held"][WHOLE_PERIOD]),
        named_came=protect(came, threshold, zero_shown=none_held),
        named_returned=protect(returned, threshold, zero_shown=none_held),
        themes=ranked(counted, threshold),
        themes_not_shown=protect(themes_hidden, threshold, zero_shown=none_held),
    )


def _total_row(figures: Figures, scope: str, months: Sequence[str], threshold: int) -> GroupReport:
    """The totals' row: the groups' true counts summed first, then protected once, so no
    total is built from already-rounded cells."""
    every = [m.key for m in measures("month", people=False)]
    every += [m.key for m in measures("month", people=True)]
    all_monthly = {
        measure: {m: sum(g.monthly[measure][m] for g in figures.groups) for m in months}
        for measure in every
    }
    all_themes: Counter[str] = Counter()
    for group in figures.groups:
        all_themes.update(group.themes)
    return _group_row(
        scope,
        "",
        all_monthly,
        (figures.named_came_total, figures.named_returned_total),
        (all_themes, sum(g.themes_not_shown for g in figures.groups)),
        months,
        threshold,
    )


def ranked(counter: Counter[str], threshold: int) -> list[Ranked]:
    """The themes or strategies whose count is shown as a number, most first by their
    protected count and then alphabetically: the order tells a reader nothing the published
    counts do not (a true-count order would rank items within "fewer than 8")."""
    cells = [(text, protect(times, threshold)) for text, times in counter.items()]
    shown = [(text, cell) for text, cell in cells if cell.shown and cell.value]
    shown.sort(key=lambda item: (-(item[1].value or 0), item[0].casefold(), item[0]))
    return [Ranked(text, times) for text, times in shown[:TOP_ITEMS]]


def _average(visits: Cell, held: int) -> float | None:
    """Visits per session, worked out from the published (rounded) visits, so it gives away
    nothing the visits do not; None when there is nothing to divide."""
    if not visits.shown or not visits.value or not held:
        return None
    return round(visits.value / held, 1)


def began(row: GroupReport | None, months: Sequence[str]) -> int:
    """How many of `months` (month keys, in order) come before the first in which `row` had
    anything planned or held: the months before a group began, which no table or chart of the
    report lists (a group not begun did not miss its meetings). `len(months)` when it had
    nothing at all in them; 0 without a row."""
    if row is None:
        return 0
    for index, key in enumerate(months):
        if row.sessions["planned"][key] or row.sessions["held"][key]:
            return index
    return len(months)


def months_shown(part: PeriodReport, row: GroupReport) -> list[str]:
    """The months of `part` a group's table lists: from the month it began (see `began`);
    none when nothing was planned or held in the period."""
    return part.months[began(row, part.months) :]


NOT_WORKED_OUT = "not worked out (too few visits shown)"
"""What stands for a figure worked out from others when they are too few to show (visits per
session, where the visits are "fewer than 8" or none)."""

Figure = Cell | int | float | None
"""A published figure: a protected count of people, a count shown as it is, or nothing to
show (a visits-per-session with no visits shown)."""


def figure(row: GroupReport, key: str, month: str = WHOLE_PERIOD) -> Figure:
    """The published figure of measure `key` for a group (or the totals' row): a "month"
    measure for `month` (the whole period unless given), a "group" measure from its field."""
    measure = MEASURES[key]
    if measure.scope == "month":
        return (row.sessions if key in row.sessions else row.people)[key][month]
    found: Figure = getattr(row, measure.field)
    return found


def person_figure(person: FacilitatorFigures, key: str) -> Figure:
    """The figure of the facilitator measure `key` for one row of the team, as published
    (the row without names through `publish_team`)."""
    if person.shown_as is not None:
        return person.shown_as.get(key)
    found: Figure = getattr(person, MEASURES[key].field)
    return found


def team_total(people: Sequence[FacilitatorFigures], key: str) -> int | float:
    """The total of a facilitator measure: the sum of its rows as printed (hours to a tenth
    each, so the total equals its column; a figure shown as "fewer than" adds nothing)."""
    printed = [person_figure(f, key) for f in people]
    values = [v.value if isinstance(v, Cell) else v for v in printed]
    if any(isinstance(v, float) for v in values):
        return round(sum(v for v in values if isinstance(v, int | float)), 1)
    return sum(v for v in values if isinstance(v, int))


def figure_text(value: Figure) -> str:
    """A figure as every form of the report writes it: "fewer than 8", "1,234", "142.5", or,
    where there is nothing to work it out from (visits per session with no visits shown),
    `NOT_WORKED_OUT`, a reason in words."""
    if value is None:
        return NOT_WORKED_OUT
    if isinstance(value, Cell):
        return value.text
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def report(
    store: Store,
    period: Period,
    *,
    group_id: UUID | None = None,
    compare_previous_year: bool = False,
    today: dt.date | None = None,
) -> Report:
    """The evaluation of `period`, protected with the organisation's threshold."""
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

    today = today or dt.date.today()
    asked = period
    period = up_to(period, today)
    current_figures = counted(period)
    # A period with nothing planned or held in its first months (decades of nothing) starts
    # at its first month with something to count (in it, or in the year before when that is
    # compared), unless supervision met before then.
    start = first_counted(current_figures)
    before = counted(period.year_before()) if compare_previous_year else None
    if before is not None and (start is None or start > period.start):
        earlier = first_counted(before)
        if earlier is not None:
            earlier = max(earlier.replace(day=1, year=earlier.year + 1), period.start)
            start = earlier if start is None else min(start, earlier)
    if start is None:  # nothing at all: the last month says so, not decades of empty months
        start = max(period.end.replace(day=1), period.start)
    if start > period.start:
        trimmed = counted(Period(start, period.end))
        if trimmed.supervision_meetings == current_figures.supervision_meetings:
            period, current_figures = trimmed.period, trimmed
            before = counted(period.year_before()) if compare_previous_year else None
    name = None
    if group_id is not None and current_figures.groups:
        name = current_figures.groups[0].name
    scope = name or ALL_GROUPS
    current = publish(current_figures, threshold, scope)
    previous = publish(before, threshold, scope) if before is not None else None
    return Report(
        current=current,
        previous=previous,
        threshold=threshold,
        prep_minutes=settings.report_preparation_minutes,
        debrief_minutes=settings.report_debrief_minutes,
        group_name=name,
        made_on=today,
        asked=asked,
    )


def up_to(period: Period, today: dt.date) -> Period:
    """The part of `period` that has come by `today`: an evaluation counts what took place,
    so days still to come are left out of every table and chart (not printed as zeros). A
    period that has not begun is refused in a sentence."""
    if period.start > today:
        raise PeriodError(
            f"That period starts after today ({dates.date(today)}): nothing in it has "
            "happened yet to count. Choose a period that has begun."
        )
    return Period(period.start, min(period.end, today))


def first_counted(figures: Figures) -> dt.date | None:
    """The first day of the first month in which any group had a session planned or held;
    None when nothing was, all period long."""
    for month in figures.period.months:
        key = month_key(month)
        for group in figures.groups:
            if group.monthly["planned"][key] or group.monthly["held"][key]:
                return max(month, figures.period.start)
    return None
