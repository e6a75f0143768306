"""The evaluation as a PDF for trustees and funders: a front page read in a minute, then a
page for each group, then who facilitated and what helped.

It draws only what `evaluation.publish` let through (counts of people rounded, small ones as
"fewer than 8"), and it checks all its text against the member list before drawing, like every
handout. Returns the PDF's bytes; the caller writes the file and notes it in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from voicesgroup import dates
from voicesgroup.evaluation import (
    MONTHLY_CHART,
    Cell,
    GroupReport,
    PeriodReport,
    Ranked,
    Report,
    began,
    check_report_names,
    summary_lines,
)
from voicesgroup.protection import label, protect
from voicesgroup.report_text import (
    CANNOT_SHOW_HEADING,
    facilitator_header,
    facilitator_rows,
    month_header,
    month_rows,
    none_listed,
    whole_rows,
)

if TYPE_CHECKING:  # ReportLab itself is imported only when a report is drawn
    from voicesgroup.handouts.layout import Flowable, Layout

TITLE = "What the groups did"


def report_pdf(
    report: Report,
    *,
    member_names: Sequence[str],
    facilitator_names: Iterable[str] = (),
    organisation: str = "",
    large_print: bool = False,
    paper: str = "a4",
) -> bytes:
    """The report as PDF bytes. Raises `NameInHandout` (and draws nothing) if any of its text
    holds a member's name; facilitators' own names (a member may share one) are printed as
    the rota prints them."""
    check_report_names(report, member_names, facilitator_names, organisation)
    from voicesgroup.handouts.layout import Layout  # ReportLab loads here, and only here

    page = Layout([*report.texts(), organisation], large_print=large_print, paper=paper)
    # Each section (the front, each group, the ending) is laid out by `ends_well`, so that
    # none leaves a page holding only its last few lines.
    story = [
        *ends_well(_front_page(page, report, organisation), page.frame_width, page.frame_height),
        *_group_pages(page, report),
        *_facilitators_page(page, report),
    ]
    current = report.current
    return page.build(
        story,
        title=f"{TITLE}: {current.period.describe()}",
        subject="Evaluation report",
        footer=footers(report, organisation),
    )


def footers(report: Report, organisation: str = "") -> list[str]:
    """The footer's forms, longest first: each page draws the first that fits, so a long
    organisation, title or group name gives way before the period is ever cut."""
    period = report.current.period.describe()
    scope = f"{report.scope}, {period}"
    forms = [f"{TITLE}: {scope}", scope, period]
    if organisation:
        forms = [f"{organisation} · {TITLE}: {scope}", f"{organisation} · {scope}", *forms]
    return forms


def _front_page(page: Layout, report: Report, organisation: str) -> list[Flowable]:
    """Read in a minute: the period, the headline figures beside a year before, the chart."""
    current, previous = report.current, report.previous
    story: list[Flowable] = [
        page.para(f"{TITLE}: {report.scope}", "title"),
        page.para(current.period.describe(), "subtitle"),
    ]
    if organisation:
        story.append(page.para(organisation, "subtitle"))
    story.append(page.para(f"Printed on {dates.date(report.made_on)}.", "muted"))
    story += [page.para(line, "muted") for line in report.coverage]
    story += [page.para(line, "item") for line in summary_lines(report)]
    if previous is not None:
        story.append(page.para(f"Compared with {previous.period.describe()}.", "muted"))
    story.append(page.para(report.protection, "muted"))
    story.append(page.space(4))
    widths = [0.52, 0.24, 0.24] if previous else [0.6, 0.4]
    story.append(page.table(*_headline_rows(current, previous), widths))
    story.append(page.space(4))
    before = previous.total if previous else None
    story.append(_chart(page, report, current.months, current.total, before, MONTHLY_CHART))
    # the heading goes with its first line, so no page ends on the heading alone
    first, *rest = report.cannot_show
    story.append(page.together([page.para(CANNOT_SHOW_HEADING, "heading"), page.bullet(first)]))
    story += [page.bullet(line) for line in rest]
    return story


def _group_pages(page: Layout, report: Report) -> list[Flowable]:
    """A page for each group: its months, its whole period and its themes."""
    current, previous = report.current, report.previous
    story: list[Flowable] = []
    for group in current.groups:
        before = _same_group(previous, group.name)
        # The name, its month table and its figures stay together where a page holds them;
        # a table that runs on repeats the group's name above its header. Months before the
        # group began are left out (`report_text.month_rows`).
        opening: list[Flowable] = [
            page.para(group.name, "title"),
            page.para(f"{group.kind} · {current.period.describe()}", "subtitle"),
        ]
        rows = month_rows(current, group, _short_month)
        if rows:
            header = month_header()
            opening += page.tables(header, rows, _first_wide(len(header), 0.2), group.name)
        widths = [0.52, 0.24, 0.24] if previous else [0.6, 0.4]
        empty = none_listed("theme", report)
        section = [
            page.together(opening),
            page.space(3),
            page.together(
                [
                    page.table(*_group_rows(group, before), widths, group.name),
                    page.para("Themes most often noted", "heading"),
                    *_ranked(page, group.themes, group.themes_not_shown, empty),
                ]
            ),
        ]
        story += [page.new_page(), *ends_well(section, page.frame_width, page.frame_height)]
    return story


def _facilitators_page(page: Layout, report: Report) -> list[Flowable]:
    """Who facilitated (sessions, hours, supervision, from the table of measures) and what
    helped."""
    current = report.current
    tail: list[Flowable] = [
        page.para("Who facilitated", "title"),
        page.para(
            f"Volunteer hours are each session's length plus {report.prep_minutes} minutes of "
            f"preparation and {report.debrief_minutes} minutes of debrief, for each "
            f"facilitator. Supervision meetings held: {current.supervision_meetings}.",
            "muted",
        ),
    ]
    header = facilitator_header()
    tail += page.tables(header, facilitator_rows(current), _first_wide(len(header), 0.28))
    tail.append(_what_helped(page, report))
    # The facilitators and what helped follow on the same page when they fit there or most of
    # the page is free.
    ending = page.rest_height(tail)
    return [
        page.new_page_unless(min(ending, page.frame_height * 0.6)),
        *ends_well(tail, page.frame_width, page.frame_height),
    ]


def _what_helped(page: Layout, report: Report) -> Flowable:
    """What helped, kept in one piece where a page holds it."""
    current = report.current
    helped: list[Flowable] = [
        page.para("What helped", "heading"),
        page.para(
            "Strategies most often marked as having helped, by kind of group (all time).", "muted"
        ),
    ]
    if not current.strategies_by_kind:
        helped.append(page.para("No strategy has been marked as having helped yet."))
    for kind, items in current.strategies_by_kind.items():
        helped.append(page.para(f"{kind} groups", "item"))
        helped.extend(_ranked(page, items, None, none_listed("strategy", report)))
    if current.strategies_not_shown.value != 0:
        helped.append(
            page.para(f"{label('strategies_not_shown')}: {current.strategies_not_shown}", "muted")
        )
    return page.together(helped)


def _chart(
    page: Layout,
    report: Report,
    months: list[str],
    now: GroupReport,
    before: GroupReport | None,
    title: str,
) -> Flowable:
    """Visits month by month, beside the same months a year before; a hidden count has no bar
    and says so."""
    previous = report.previous
    before_months = previous.months if previous is not None else []
    # Months before anything was planned or held (a group not begun yet) are left out, by
    # the rule the tables follow (`evaluation.began`); a year before counts month by month.
    skip = min(
        began(now, months),
        began(before, before_months) if before is not None else len(months),
        len(months) - 1,
    )
    months = months[skip:]
    before_months = before_months[skip:]
    data = [_series(now, months)]
    names = ["this period"]
    if before is not None:
        data.insert(0, _series(before, before_months))
        names.insert(0, "a year before")
    hidden = any(v is None for row in data for v in row)
    part = report.current.period.part_months
    labels = [
        _chart_month(key)
        + (" (part)" if key in part else "")
        + ("*" if any(row[i] is None for row in data) else "")
        for i, key in enumerate(months)
    ]
    flowables: list[Flowable] = [page.chart(title, labels, data, names)]
    if part:
        flowables.append(
            page.para("(part): the period covers only some days of that month.", "muted")
        )
    if hidden:
        flowables.append(
            page.para(f"* a month shown as “{protect(1, report.threshold)}” has no bar.", "muted")
        )
    return page.together(flowables)


def _series(row: GroupReport, keys: list[str]) -> list[int | None]:
    """Visits in each month, None where the count is not shown."""
    cells = [row.people["attendance"][key] for key in keys]
    return [cell.value if cell.shown else None for cell in cells]


def _short_month(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return dates.short_month(dt.date(year, month, 1))


def _chart_month(key: str) -> str:
    """'Sep' on the chart, 'Jan 2026' for January (where the year changes)."""
    label = _short_month(key)
    return label if key.endswith("-01") else label.split()[0]


def _same_group(part: PeriodReport | None, name: str) -> GroupReport | None:
    if part is None:
        return None
    return next((group for group in part.groups if group.name == name), None)


def _whole(group: GroupReport) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in whole_rows(group)]


def _headline_rows(
    current: PeriodReport, previous: PeriodReport | None
) -> tuple[list[str], list[list[str]]]:
    now = _whole(current.total)
    hours = ("Volunteer hours given by facilitators", f"{current.volunteer_hours:,.1f}")
    if previous is None:
        return [current.total.name, "This period"], [[k, v] for k, v in [*now, hours]]
    rows = _beside(now, _whole(previous.total))
    rows.append([*hours, f"{previous.volunteer_hours:,.1f}" if previous.facilitators else ""])
    return [current.total.name, "This period", "A year before"], rows


def _beside(now: list[tuple[str, str]], before: list[tuple[str, str]]) -> list[list[str]]:
    """Two columns of figures side by side; a period with no records says so once."""
    if len(before) == 1 and len(now) > 1:
        return [[k, v, before[0][1] if i == 0 else ""] for i, (k, v) in enumerate(now)]
    if len(now) == 1 and len(before) > 1:
        return [[k, now[0][1] if i == 0 else "", b] for i, (k, b) in enumerate(before)]
    return [[k, v, b] for (k, v), (_, b) in zip(now, before, strict=True)]


def _group_rows(
    group: GroupReport, before: GroupReport | None
) -> tuple[list[str], list[list[str]]]:
    now = _whole(group)
    if before is None:
        return ["Whole period", ""], [[k, v] for k, v in now]
    return ["Whole period", "This period", "A year before"], _beside(now, _whole(before))


SHORT_PAGE = 1 / 3
"""A section's last page holding less than this share of a page is nearly empty."""


def ends_well(flowables: list[Flowable], width: float, room: float) -> list[Flowable]:
    """A section of the report laid out so that it never ends on a nearly empty page.

    Before the last stretch of the section that would fill a third of a page, a guard is put
    (`layout.ShortEndGuard`): when the layout reaches it, it knows the room left on the page,
    and if the rest of the section would then spill onto the next page by less than a third
    of a page, it starts that page here instead, so the last page holds at least that third.
    A section that fits, or spills by more, is laid out as it comes. (Where the piece the
    guard stands before is itself taller than two thirds of a page, a page break cannot help
    and the section is laid out as it comes.) `width` and `room` are a page's frame's."""
    from voicesgroup.handouts.layout import ShortEndGuard, rest_heights

    least = room * SHORT_PAGE
    rests = rest_heights(flowables, width, room)
    for index in range(len(flowables) - 1, -1, -1):
        if rests[index] >= least:
            if rests[index] > room:
                return flowables
            guard = ShortEndGuard(rests[index], least, room)
            return [*flowables[:index], guard, *flowables[index:]]
    return flowables


def _first_wide(columns: int, first: float) -> list[float]:
    """Shares of the page's width: `first` for the names' column, the rest shared evenly."""
    return [first] + [(1 - first) / (columns - 1)] * (columns - 1)


def _ranked(
    page: Layout, items: Sequence[Ranked], not_shown: Cell | None, empty: str
) -> list[Flowable]:
    found: list[Flowable] = []
    if items:
        rows = [[item.text, item.times.text] for item in items]
        found.append(page.table(["", "Times"], rows, [0.72, 0.28]))
    else:
        found.append(page.para(empty))
    if not_shown is not None and not_shown.value != 0:
        found.append(page.para(f"{label('themes_not_shown')}: {not_shown}", "muted"))
    return found
