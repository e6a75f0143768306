"""The evaluation as plain text and as a web page, like every handout: the same published
figures, labels and words as the PDF (`evaluation`, `protection.MEASURES`), nothing else."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from typing import Literal

from voicesgroup import dates
from voicesgroup.evaluation import (
    WHOLE_PERIOD,
    GroupReport,
    PeriodReport,
    Report,
    figure,
    figure_text,
    months_shown,
    person_figure,
    summary_lines,
    team_total,
)
from voicesgroup.normalise import drawn
from voicesgroup.protection import label, measures, shown_from

TITLE = "What the groups did"

Section = tuple[str, list[str], list[list[str]]]
"""A heading, a table's header and its rows (no header: a list of lines)."""


CANNOT_SHOW_HEADING = "What this report cannot show"
NO_RECORDS = "no records for that period"


def none_listed(kind: Literal["theme", "strategy"], report: Report) -> str:
    """What a list of themes or strategies says when none came up often enough to be shown:
    "No theme was noted at least 8 times."."""
    what = {"theme": "theme was noted", "strategy": "strategy was marked as having helped"}
    return f"No {what[kind]} at least {shown_from(report.threshold)} times."


def has_records(group: GroupReport) -> bool:
    """Whether anything was planned or held in the period (else the report says so once)."""
    return bool(group.sessions["held"][WHOLE_PERIOD] or group.sessions["planned"][WHOLE_PERIOD])


def whole_rows(group: GroupReport) -> list[list[str]]:
    """A group's (or the totals') figures over the whole period, label and value, one row for
    each measure of a group in the table of measures, for every form of the report; a period
    with nothing planned or held says so once."""
    if not has_records(group):
        return [[label("held"), NO_RECORDS]]
    return [[m.label, figure_text(figure(group, m.key))] for m in measures("month", "group")]


def month_header() -> list[str]:
    """The header of a group's month-by-month table: every measure counted per month."""
    return ["Month", *(m.heading for m in measures("month"))]


def month_rows(
    part: PeriodReport, group: GroupReport, month_name: Callable[[str], str] = str
) -> list[list[str]]:
    """A group's months from the month it began (`evaluation.months_shown`), each measure
    counted per month in the table's order; `month_name` writes the month's key."""
    keys = [m.key for m in measures("month")]
    return [
        [month_name(month), *(figure_text(figure(group, key, month)) for key in keys)]
        for month in months_shown(part, group)
    ]


def facilitator_header() -> list[str]:
    """The header of the team's table: every facilitator measure, in the table's order."""
    return ["Facilitator", *(m.heading for m in measures("facilitator"))]


def facilitator_rows(part: PeriodReport) -> list[list[str]]:
    """One row a facilitator named (and one for the team without names), then the totals:
    each column the sum of its rows (hours as printed, see `PeriodReport.volunteer_hours`)."""
    keys = [m.key for m in measures("facilitator")]
    rows = [
        [f.name, *(figure_text(person_figure(f, key)) for key in keys)] for f in part.facilitators
    ]
    totals = [figure_text(team_total(part.facilitators, key)) for key in keys]
    rows.append(["Total", *totals])
    return rows


def sections(report: Report, organisation: str = "") -> tuple[list[str], list[Section]]:
    """The report's opening lines and its sections, for any plain form."""
    part = report.current
    opening = [f"{TITLE}: {report.scope}", part.period.describe()]
    if organisation:
        opening.append(organisation)
    opening.append(f"Printed on {dates.date(report.made_on)}.")
    opening += report.coverage
    opening += summary_lines(report)
    if report.previous is not None:
        opening.append(f"Compared with {report.previous.period.describe()}.")
    opening.append(report.protection)
    found: list[Section] = [(part.total.name, ["", "This period"], whole_rows(part.total))]
    if report.previous is not None:
        found.append(("A year before", ["", "A year before"], whole_rows(report.previous.total)))
    found.append((CANNOT_SHOW_HEADING, [], [[line] for line in report.cannot_show]))
    for group in part.groups if report.group_name is None else []:
        rows = month_rows(part, group)
        if rows:
            found.append((group.name, month_header(), rows))
        found.append((f"{group.name}: whole period", ["", "This period"], whole_rows(group)))
    if report.group_name is not None and (rows := month_rows(part, part.total)):
        found.append((report.scope, month_header(), rows))
    found.append(("Who facilitated", facilitator_header(), facilitator_rows(part)))
    for kind, items in part.strategies_by_kind.items():
        rows = [[item.text, item.times.text] for item in items]
        if rows:
            found.append((f"What helped: {kind} groups", ["", "Times"], rows))
        else:
            found.append((f"What helped: {kind} groups", [], [[none_listed("strategy", report)]]))
    return opening, found


def report_text(report: Report, organisation: str = "") -> str:
    """The report as plain text, columns padded with spaces."""
    opening, found = sections(report, organisation)
    lines = [textwrap.fill(drawn(line), 78) for line in opening]
    for heading, header, rows in found:
        lines += ["", drawn(heading), "-" * len(drawn(heading))]
        if not header:
            lines += [textwrap.fill(drawn(row[0]), 78, subsequent_indent="  ") for row in rows]
            continue
        table = [header, *rows]
        widths = [max(len(drawn(row[i])) for row in table) for i in range(len(table[0]))]
        for row in table:
            cells = [drawn(text).ljust(widths[i]) for i, text in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def report_html(report: Report, organisation: str = "") -> str:
    """The report as a web page: headings and tables, every text escaped."""
    opening, found = sections(report, organisation)

    def esc(text: str) -> str:
        return html.escape(drawn(text), quote=True)

    body = [f"<h1>{esc(opening[0])}</h1>"] + [f"<p>{esc(line)}</p>" for line in opening[1:]]
    for heading, header, rows in found:
        body.append(f"<h2>{esc(heading)}</h2>")
        if not header:
            body.append("<ul>" + "".join(f"<li>{esc(row[0])}</li>" for row in rows) + "</ul>")
            continue
        head = "".join(f'<th scope="col">{esc(text)}</th>' for text in header)
        cells = "".join(
            "<tr>" + "".join(f"<td>{esc(text)}</td>" for text in row) + "</tr>" for row in rows
        )
        body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
    title = esc(f"{TITLE}: {report.scope}, {report.current.period.describe()}")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font:1.1rem/1.5 sans-serif;max-width:48rem;margin:2rem auto}"
        "table{border-collapse:collapse}th,td{padding:.2rem .8rem;text-align:left}"
        "thead th{border-bottom:2px solid}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
