"""The evaluation as a tidy CSV: one row per group, month and measure.

It carries only what `evaluation.publish` let through, with the labels of the one table of
measures (`protection.MEASURES`). Written as UTF-8 with a byte-order mark, so a spreadsheet
opens accents intact; the period's first and last days are columns of their own, written as
"2026-01-01" text that a spreadsheet keeps as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from voicesgroup import dates
from voicesgroup.evaluation import (
    WHOLE_PERIOD,
    PeriodReport,
    Report,
    figure,
    person_figure,
)
from voicesgroup.protection import MEASURES, Cell, measures

CSV_COLUMNS = (
    "period_start",
    "period_end",
    "group",
    "month",
    "measure",
    "label",
    "unit",
    "item",
    "value",
    "note",
)
"""One row per group, month and measure, with the measure's label and unit from the table of
measures: a funder's spreadsheet can pivot it as it is."""
_TEXT_COLUMNS = ("group", "item", "label", "unit")

Add = Callable[..., None]


def tidy_rows(report: Report) -> list[dict[str, str]]:
    """The report as tidy rows (see `CSV_COLUMNS`); a count shown as "fewer than N" has an
    empty value and says so in `note`."""
    rows: list[dict[str, str]] = []
    for part in (report.current, report.previous):
        if part is not None:
            _part_rows(part, report.scope, rows, one_group=report.group_name is not None)
    return rows


def _part_rows(
    part: PeriodReport, scope: str, rows: list[dict[str, str]], *, one_group: bool
) -> None:
    start, end = dates.iso(part.period.start), dates.iso(part.period.end)

    def add(
        group: str, month: str, measure: str, value: Cell | float | None, item: str = ""
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
                "period_start": start,
                "period_end": end,
                "group": group,
                "month": month,
                "measure": measure,
                "label": MEASURES[measure].label,
                "unit": MEASURES[measure].unit,
                "item": item,
                "value": shown,
                "note": note,
            }
        )

    monthly, whole = measures("month"), measures("group")
    groups = [] if one_group else part.groups  # one group's report: its totals row is the group
    for group in [*groups, part.total]:
        for key in [*part.months, WHOLE_PERIOD]:
            month = "all" if key == WHOLE_PERIOD else key
            for measure in monthly:
                add(group.name, month, measure.key, figure(group, measure.key, key))
        for measure in whole:
            add(group.name, "all", measure.key, figure(group, measure.key))
        add(group.name, "all", "themes_not_shown", group.themes_not_shown)
        for item in group.themes:
            add(group.name, "all", "theme_noted", item.times, item.text)
    for person in part.facilitators:
        for measure in measures("facilitator"):
            add(scope, "all", measure.key, person_figure(person, measure.key), person.name)
    add(scope, "all", "volunteer_hours", part.volunteer_hours, "all facilitators")
    add(scope, "all", "supervision_meetings", part.supervision_meetings)
    for kind, items in part.strategies_by_kind.items():
        for item in items:
            add(f"{kind} groups", "all time", "strategy_marked_helped", item.times, item.text)
    add(scope, "all time", "strategies_not_shown", part.strategies_not_shown)


def csv_text(report: Report) -> str:
    """The tidy rows as CSV text. A text cell that a spreadsheet would read as a formula gets
    a leading apostrophe, so it stays text (`outputs.spreadsheet_text`, the one home)."""
    import csv
    import io

    from voicesgroup.outputs import spreadsheet_text

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in tidy_rows(report):
        writer.writerow(
            {
                key: spreadsheet_text(value) if key in _TEXT_COLUMNS else value
                for key, value in row.items()
            }
        )
    return out.getvalue()


def csv_bytes(report: Report) -> bytes:
    """The CSV as UTF-8 with a byte-order mark, which Excel needs to read accents right."""
    return csv_text(report).encode("utf-8-sig")
