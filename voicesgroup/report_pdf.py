"""The evaluation as a PDF for trustees and funders: a front page read in a minute, then a
page for each group, then who facilitated and what helped.

It draws only what `evaluation.publish` let through (counts of people rounded, small ones as
"fewer than 8"), and it checks all its text against the member list before drawing, like every
handout. Returns the PDF's bytes; the caller writes the file and notes it in the audit log.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Callable, Iterable, Sequence
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
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import Color
    from reportlab.platypus import Flowable, Paragraph, Table

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
    story_texts = [*report.texts(), organisation]
    return _draw(
        report, organisation=organisation, large_print=large_print, texts=story_texts, paper=paper
    )


def _draw(
    report: Report, *, organisation: str, large_print: bool, texts: list[str], paper: str
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from voicesgroup.handouts._render import (
        HEADING,
        INK,
        LARGE,
        MUTED,
        SMALLER,
        SOFT,
        FooterCanvas,
        fonts_for,
        markup,
        page_size,
        printable,
        styles,
    )

    fonts = fonts_for(texts)
    sizes = LARGE if large_print else SMALLER[0]
    style = styles(sizes, fonts.key)
    current, previous = report.current, report.previous
    pagesize = page_size(paper, False)
    width = pagesize[0] - 36 * mm
    # A page's frame, inside the margins and its padding of 6 points a side.
    room, inside = pagesize[1] - 34 * mm - 12, width - 12

    def para(text: str, kind: str = "body") -> Paragraph:
        return Paragraph(markup(text, fonts.key), style[kind])

    def cell(text: str, bold: bool = False) -> Paragraph:
        return Paragraph(markup(text, fonts.key), style["cell_head" if bold else "cell"])

    cell_size = style["cell"].fontSize
    head_size = style["cell_head"].fontSize

    def fitted(text: str, column: float, bold: bool = False) -> str | Paragraph:
        """Plain table text where it fits on one line (a Paragraph for every cell would
        double the time the report takes to draw); a wrapping Paragraph where it does not."""
        plain = printable(text, fonts.key)
        face = fonts.bold if bold else fonts.regular
        if "\n" not in plain and stringWidth(plain, face, cell_size) <= column - 12:
            return plain
        return cell(text, bold)

    def needed(text: str) -> float:
        """The width a header needs so that none of its words is broken."""
        words = printable(text, fonts.key).split() or [""]
        return max(stringWidth(word, fonts.bold, head_size) for word in words) + 13

    def unbroken(header: list[str], widths: list[float]) -> list[float]:
        """Column widths in points in which no header word is broken: each column gets the
        room its longest word needs, and what is
        left is shared out as `widths` asks."""
        needs = [needed(text) for text in header]
        spare = width - sum(needs)
        if spare <= 0:
            return [w * width for w in widths]
        wanted = [max(w * width - need, 0) for w, need in zip(widths, needs, strict=True)]
        share = sum(wanted) or 1
        return [need + spare * extra / share for need, extra in zip(needs, wanted, strict=True)]

    def table(
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        heading: str | None = None,
    ) -> Table:
        """A table whose header rows repeat on each page it runs onto; with `heading` (a
        group's name) that name is repeated too, so no part of the table is without it."""
        columns = unbroken(header, widths)
        top = [[fitted(h, columns[i], True) for i, h in enumerate(header)]]
        if heading is not None:
            top.insert(0, [cell(heading, True)] + [""] * (len(header) - 1))
        body = top + [[fitted(v, columns[i]) for i, v in enumerate(row)] for row in rows]
        made = Table(body, colWidths=columns, repeatRows=len(top))
        if heading is not None:
            made.setStyle(TableStyle([("SPAN", (0, 0), (-1, 0))]))
        made.setStyle(
            TableStyle(
                [
                    (
                        "FONT",
                        (0, len(top)),
                        (-1, -1),
                        fonts.regular,
                        style["cell"].fontSize,
                        style["cell"].leading,
                    ),
                    ("TEXTCOLOR", (0, len(top)), (-1, -1), INK),
                    (
                        "FONT",
                        (0, 0),
                        (-1, len(top) - 1),
                        fonts.bold,
                        cell_size,
                        style["cell"].leading,
                    ),
                    ("TEXTCOLOR", (0, 0), (-1, len(top) - 1), HEADING),
                    ("LINEBELOW", (0, len(top) - 1), (-1, len(top) - 1), 0.8, HEADING),
                    ("ROWBACKGROUNDS", (0, len(top)), (-1, -1), [colors.white, SOFT]),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return made

    def tables(
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        heading: str | None = None,
    ) -> list[Flowable]:
        """`table`, or where its headers cannot all fit the page unbroken (large print, many
        measures), several tables side by side in reading order, each starting with the first
        column (the month or the name) and taking as many further columns as fit."""
        parts: list[list[int]] = [[0]]
        for index in range(1, len(header)):
            if len(parts[-1]) > 1 and sum(needed(header[i]) for i in [*parts[-1], index]) > width:
                parts.append([0])
            parts[-1].append(index)
        if len(parts) == 1:
            return [table(header, rows, widths, heading)]
        made: list[Flowable] = []
        for part in parts:
            share = sum(widths[i] for i in part)
            made.append(
                table(
                    [header[i] for i in part],
                    [[row[i] for i in part] for row in rows],
                    [widths[i] / share for i in part],
                    heading,
                )
            )
            made.append(Spacer(1, 2 * mm))
        return made[:-1]

    def chart(
        months: list[str],
        now: GroupReport,
        before: GroupReport | None,
        title: str,
        tall: float = 58,
    ) -> KeepTogether:
        before_months = previous.months if previous is not None else []
        height = (tall + 32 if large_print else tall) * mm

        # Months before anything was planned or held (a group not begun yet) are left out, by
        # the rule the tables follow (`evaluation.began`); a year before counts month by month.
        skip = min(
            began(now, months),
            began(before, before_months) if before is not None else len(months),
            len(months) - 1,
        )
        months = months[skip:]
        before_months = before_months[skip:]

        def series(row: GroupReport, keys: list[str]) -> list[int | None]:
            cells = [row.people["attendance"][key] for key in keys]
            return [cell.value if cell.shown else None for cell in cells]

        data = [series(now, months)]
        colours = [HEADING]
        names = ["this period"]
        if before is not None:
            data.insert(0, series(before, before_months))
            colours.insert(0, colors.HexColor("#b7c9ce"))
            names.insert(0, "a year before")
        hidden = any(v is None for row in data for v in row)
        part = current.period.part_months
        labels = [
            _chart_month(key)
            + (" (part)" if key in part else "")
            + ("*" if any(row[i] is None for row in data) else "")
            for i, key in enumerate(months)
        ]
        drawing = bar_chart(
            width, height, title, labels, data, colours, names,
            font=fonts.regular, bold=fonts.bold, size=16 if large_print else 10, ink=INK,
            muted=MUTED,
        )  # fmt: skip
        flowables: list[Flowable] = [drawing]
        if part:
            flowables.append(
                para("(part): the period covers only some days of that month.", "muted")
            )
        if hidden:
            flowables.append(
                para(f"* a month shown as “{protect(1, report.threshold)}” has no bar.", "muted")
            )
        return KeepTogether(flowables)

    story: list[Flowable] = []
    story.append(para(f"{TITLE}: {report.scope}", "title"))
    story.append(para(current.period.describe(), "subtitle"))
    if organisation:
        story.append(para(organisation, "subtitle"))
    story.append(para(f"Printed on {dates.date(report.made_on)}.", "muted"))
    for line in summary_lines(report):
        story.append(para(line, "item"))
    if previous is not None:
        story.append(para(f"Compared with {previous.period.describe()}.", "muted"))
    story.append(para(report.protection, "muted"))
    story.append(Spacer(1, 4 * mm))
    story.append(
        table(*_headline_rows(current, previous), [0.52, 0.24, 0.24] if previous else [0.6, 0.4])
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        chart(
            current.months,
            current.total,
            previous.total if previous else None,
            MONTHLY_CHART,
        )
    )
    story.append(para(CANNOT_SHOW_HEADING, "heading"))
    small = style["cell"].clone(
        "small_bullet",
        leftIndent=10,
        bulletIndent=0,
        spaceAfter=2,
        bulletFontName=fonts.regular,
        bulletFontSize=style["cell"].fontSize,
    )
    for line in report.cannot_show:
        story.append(Paragraph(markup(line, fonts.key), small, bulletText="•"))

    # Each section (the front, each group, the ending) is laid out by `ends_well`, so that
    # none leaves a page holding only its last few lines.
    story = ends_well(story, inside, room)
    for group in current.groups:
        before = _same_group(previous, group.name)
        section: list[Flowable] = []
        # The name, its month table and its figures stay together where a page holds them;
        # a table that runs on repeats the group's name above its header.
        opening: list[Flowable] = [
            para(group.name, "title"),
            para(f"{group.kind} · {current.period.describe()}", "subtitle"),
        ]
        rows = month_rows(current, group, _short_month)
        if rows:
            header = month_header()
            opening += tables(header, rows, _first_wide(len(header), 0.2), group.name)
        section.append(KeepTogether(opening))
        section.append(Spacer(1, 3 * mm))
        whole = _group_rows(group, before)
        widths = [0.52, 0.24, 0.24] if previous else [0.6, 0.4]
        themes = _ranked(
            group.themes, group.themes_not_shown, para, table, none_listed("theme", report)
        )
        section.append(
            KeepTogether(
                [
                    table(*whole, widths, group.name),
                    para("Themes most often noted", "heading"),
                    *themes,
                ]
            )
        )
        story += [PageBreak(), *ends_well(section, inside, room)]

    # The facilitators and what helped follow on the same page when they fit there or most of
    # the page is free.
    tail: list[Flowable] = []
    tail.append(para("Who facilitated", "title"))
    tail.append(
        para(
            f"Volunteer hours are each session's length plus {report.prep_minutes} minutes of "
            f"preparation and {report.debrief_minutes} minutes of debrief, for each "
            f"facilitator. Supervision meetings held: {current.supervision_meetings}.",
            "muted",
        )
    )
    header = facilitator_header()
    tail += tables(header, facilitator_rows(current), _first_wide(len(header), 0.28))
    # What helped is kept in one piece where a page holds it.
    helped: list[Flowable] = [
        para("What helped", "heading"),
        para(
            "Strategies most often marked as having helped, by kind of group (all time).", "muted"
        ),
    ]
    if not current.strategies_by_kind:
        helped.append(para("No strategy has been marked as having helped yet."))
    for kind, items in current.strategies_by_kind.items():
        helped.append(para(f"{kind} groups", "item"))
        helped.extend(_ranked(items, None, para, table, none_listed("strategy", report)))
    if current.strategies_not_shown.value != 0:
        helped.append(
            para(f"{label('strategies_not_shown')}: {current.strategies_not_shown}", "muted")
        )
    tail.append(KeepTogether(helped))

    ending = _rest_heights(tail, inside, room)[0]
    story += [CondPageBreak(min(ending, room * 0.6)), *ends_well(tail, inside, room)]

    footer = f"{TITLE}: {report.scope}, {current.period.describe()}"
    if organisation:
        footer = f"{organisation} · {footer}"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{TITLE}: {current.period.describe()}",
        author="voicesgroup",
        creator="voicesgroup",
        subject="Evaluation report",
        lang="en-GB",
    )
    doc.build(
        story,
        canvasmaker=functools.partial(
            FooterCanvas,
            footer=printable(footer, fonts.key),
            font=fonts.regular,
            size=sizes.footer,
            margin=18 * mm,
        ),
    )
    return buffer.getvalue()


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
    (`_ShortEndGuard`): when the layout reaches it, it knows the room left on the page, and if
    the rest of the section would then spill onto the next page by less than a third of a
    page, it starts that page here instead, so the last page holds at least that third. A
    section that fits, or spills by more, is laid out as it comes. (Where the piece the guard
    stands before is itself taller than two thirds of a page, a page break cannot help and
    the section is laid out as it comes.)"""
    least = room * SHORT_PAGE
    rests = _rest_heights(flowables, width, room)
    for index in range(len(flowables) - 1, -1, -1):
        if rests[index] >= least:
            if rests[index] > room:
                return flowables
            guard = _short_end_guard()(rests[index], least, room)
            return [*flowables[:index], guard, *flowables[index:]]
    return flowables


def _rest_heights(flowables: list[Flowable], width: float, room: float) -> list[float]:
    """For each flowable, the height it and all after it take one under another in a frame,
    as the frame stacks them: the space between two is the larger of the one's space after
    and the next's space before, and the last one's space after need not fit on the page. A
    block kept together stacks its parts the same way (it can be wrapped only on a canvas)."""
    from reportlab.platypus import KeepTogether

    parts: list[tuple[int, Flowable]] = []
    for index, flowable in enumerate(flowables):
        kept = getattr(flowable, "_content", None) if isinstance(flowable, KeepTogether) else None
        parts += [(index, part) for part in (kept if kept is not None else [flowable])]
    rests = [0.0] * len(flowables)
    below, below_before = 0.0, 0.0  # the height from the next part on, and its space before
    for index, part in reversed(parts):
        after = part.getSpaceAfter()
        gap = max(below_before, after) - below_before if below else 0.0
        below = part.getSpaceBefore() + part.wrap(width, room)[1] + gap + below
        below_before = part.getSpaceBefore()
        rests[index] = below
    return rests


@functools.cache
def _short_end_guard() -> Callable[[float, float, float], Flowable]:
    """The guard's class, made when a report is first drawn (ReportLab loads only then)."""
    from reportlab.platypus import CondPageBreak

    class _ShortEndGuard(CondPageBreak):
        """Starts a new page here when the `rest` of the section would otherwise spill onto
        the next page by less than `least` (and this page already holds something)."""

        def __init__(self, rest: float, least: float, room: float) -> None:
            super().__init__(0)
            self.rest, self.least, self.room = rest, least, room

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
            spill = self.rest - availHeight
            short = 0 < spill < self.least and availHeight < self.room - 2
            self.height = availHeight + 1 if short else 0
            return super().wrap(availWidth, availHeight)

    return _ShortEndGuard


def _first_wide(columns: int, first: float) -> list[float]:
    """Shares of the page's width: `first` for the names' column, the rest shared evenly."""
    return [first] + [(1 - first) / (columns - 1)] * (columns - 1)


def _ranked(
    items: Sequence[Ranked],
    not_shown: Cell | None,
    para: Callable[..., Paragraph],
    table: Callable[[list[str], list[list[str]], list[float]], Table],
    empty: str,
) -> list[Flowable]:
    found: list[Flowable] = []
    if items:
        found.append(
            table(["", "Times"], [[item.text, item.times.text] for item in items], [0.72, 0.28])
        )
    else:
        found.append(para(empty))
    if not_shown is not None and not_shown.value != 0:
        found.append(para(f"{label('themes_not_shown')}: {not_shown}", "muted"))
    return found


def _nice_step(top: float) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most five lines up to `top`."""
    step = 1
    while top / step > 5:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if top / step <= 5:
                break
    return max(step, 1)


def bar_chart(
    width: float,
    height: float,
    title: str,
    labels: Sequence[str],
    data: Sequence[Sequence[int | None]],
    colours: Sequence[Color],
    names: Sequence[str],
    *,
    font: str,
    bold: str,
    size: float,
    ink: Color,
    muted: Color,
) -> Drawing:
    """Month-by-month bars, drawn with reportlab.graphics shapes: one bar a series in each
    month (a hidden count draws no bar), a value scale, and a key when there are two series.

    Drawn from shapes rather than reportlab.graphics.charts, whose import alone costs about
    a third of the whole `voicesgroup report` process."""
    from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def block(x: float, y: float, block_width: float, block_height: float, colour: Color) -> Rect:
        """A rectangle filled with `colour`, with no outline. (Set as attributes: the published
        stubs type Rect's keyword arguments wrongly.)"""
        rect = Rect(x, y, block_width, block_height)
        rect.fillColor = colour
        rect.strokeColor = None
        return rect

    drawing = Drawing(width, height)
    left, bottom = size * 4.4, size * 2.6
    # The key goes beside the title where both fit on one line, else on a line of its own.
    key_widths = [stringWidth(name, font, size) + size * 2 for name in names]
    beside = stringWidth(title, bold, size + 2) + sum(key_widths) + size <= width
    key_y = height - size * (1.2 if beside or len(data) < 2 else 2.7)
    top = height - size * (3.6 if beside or len(data) < 2 else 5.1)
    plot_w, plot_h = width - left - 4, top - bottom
    biggest = max([v for row in data for v in row if v is not None] or [0])
    step = _nice_step(biggest or 1)
    scale_top = step * max(1, -(-biggest // step))
    drawing.add(
        String(0, height - size * 1.2, title, fontName=bold, fontSize=size + 2, fillColor=ink)
    )
    for value in range(0, scale_top + 1, step):
        y = bottom + plot_h * value / scale_top
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=muted, strokeWidth=0.3))
        drawing.add(String(left - 3, y - size / 3, f"{value:,}", fontName=font, fontSize=size,
                           fillColor=ink, textAnchor="end"))  # fmt: skip
    axis = String(0, 0, "visits", fontName=font, fontSize=size, fillColor=ink, textAnchor="middle")
    turned = Group(axis)
    turned.translate(size, bottom + plot_h / 2)
    turned.rotate(90)
    drawing.add(turned)
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.7 / len(data)
    # Upright labels only: every month's when they fit, else every second, third… month's.
    longest = max([stringWidth(text, font, size) for text in labels] or [0])
    every = max(1, math.ceil((longest + size) / slot))
    for index, month_label in enumerate(labels):
        x0 = left + slot * index + slot * 0.15
        for series, row in enumerate(data):
            count = row[index]
            if count:
                bar_h = plot_h * count / scale_top
                drawing.add(block(x0 + series * bar_w, bottom, bar_w, bar_h, colours[series]))
                if bar_w >= size * 0.6 * len(f"{count:,}") and len(data) * len(labels) <= 24:
                    drawing.add(String(x0 + series * bar_w + bar_w / 2, bottom + bar_h + 2,
                                       f"{count:,}", fontName=font, fontSize=size,
                                       fillColor=ink, textAnchor="middle"))  # fmt: skip
        if index % every == 0:
            centre = left + slot * index + slot / 2
            drawing.add(String(centre, bottom - size * 1.3, month_label, fontName=font,
                               fontSize=size, fillColor=ink, textAnchor="middle"))  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=ink, strokeWidth=0.8))
    if len(data) > 1:
        x = width
        for colour, name, key_width in reversed(list(zip(colours, names, key_widths, strict=True))):
            x -= key_width
            drawing.add(block(x, key_y, size * 0.8, size * 0.8, colour))
            drawing.add(String(x + size, key_y, name, fontName=font, fontSize=size,
                               fillColor=ink))  # fmt: skip
    return drawing
