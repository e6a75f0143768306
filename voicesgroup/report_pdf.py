"""The evaluation as a PDF for trustees and funders: a front page read in a minute, then a
page for each group, then who facilitated and what helped.

It draws only what `evaluation.publish` let through (suppressed counts as "fewer than 5" or
"not shown"), and it checks all its text against the member list before drawing, like every
handout. Returns the PDF's bytes; the caller writes the file and notes it in the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from voicesgroup import dates
from voicesgroup.errors import NameInHandout
from voicesgroup.evaluation import (
    MONTHLY_CHART,
    WHOLE_PERIOD,
    Cell,
    GroupReport,
    PeriodReport,
    Ranked,
    Report,
    texts_holding_names,
)

if TYPE_CHECKING:  # ReportLab itself is imported only when a report is drawn
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import Color
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph, Table

TITLE = "What the groups did"


def report_pdf(
    report: Report,
    *,
    member_names: Sequence[str],
    facilitator_names: Iterable[str] = (),
    organisation: str = "",
    large_print: bool = False,
) -> bytes:
    """The report as PDF bytes. Raises `NameInHandout` (and draws nothing) if any of its text
    holds a member's name; facilitators' own names (a member may share one) are printed as
    the rota prints them."""
    story_texts = [*report.texts(), organisation]
    allowed = {name.casefold() for name in facilitator_names}
    forbidden = [name for name in member_names if name.casefold() not in allowed]
    facilitators = [name for name in facilitator_names if name]
    if texts_holding_names([text for text in story_texts if text], forbidden, allow=facilitators):
        raise NameInHandout(
            "The report was not made: some of its text holds a member's name "
            "(a group's name or the organisation's). Change that name and try again. "
            "Nothing was saved."
        )
    return _draw(report, organisation=organisation, large_print=large_print, texts=story_texts)


def _draw(report: Report, *, organisation: str, large_print: bool, texts: list[str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import (
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
        fonts_for,
        markup,
        printable,
        styles,
    )

    fonts = fonts_for(texts)
    style = styles(LARGE if large_print else SMALLER[-1], fonts.key)
    current, previous = report.current, report.previous
    width = A4[0] - 36 * mm

    def para(text: str, kind: str = "body") -> Paragraph:
        return Paragraph(markup(text, fonts.key), style[kind])

    def cell(text: str, bold: bool = False) -> Paragraph:
        return Paragraph(markup(text, fonts.key), style["cell_head" if bold else "cell"])

    cell_size = style["cell"].fontSize

    def fitted(text: str, column: float, bold: bool = False) -> str | Paragraph:
        """Plain table text where it fits on one line (a Paragraph for every cell would
        double the time the report takes to draw); a wrapping Paragraph where it does not."""
        plain = printable(text, fonts.key)
        face = fonts.bold if bold else fonts.regular
        if "\n" not in plain and stringWidth(plain, face, cell_size) <= column - 12:
            return plain
        return cell(text, bold)

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        columns = [w * width for w in widths]
        body = [[fitted(h, columns[i], True) for i, h in enumerate(header)]] + [
            [fitted(v, columns[i]) for i, v in enumerate(row)] for row in rows
        ]
        made = Table(body, colWidths=[w * width for w in widths], repeatRows=1)
        made.setStyle(
            TableStyle(
                [
                    (
                        "FONT",
                        (0, 1),
                        (-1, -1),
                        fonts.regular,
                        style["cell"].fontSize,
                        style["cell"].leading,
                    ),
                    ("TEXTCOLOR", (0, 1), (-1, -1), INK),
                    ("FONT", (0, 0), (-1, 0), fonts.bold, cell_size, style["cell"].leading),
                    ("TEXTCOLOR", (0, 0), (-1, 0), HEADING),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, HEADING),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SOFT]),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return made

    def chart(
        months: list[str],
        now: GroupReport,
        before: GroupReport | None,
        title: str,
        tall: float = 58,
    ) -> KeepTogether:
        before_months = previous.months if previous is not None else []
        height = (tall + 32 if large_print else tall) * mm

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
        labels = [
            _short_month(key) + ("*" if any(row[i] is None for row in data) else "")
            for i, key in enumerate(months)
        ]
        drawing = bar_chart(
            width, height, title, labels, data, colours, names,
            font=fonts.regular, bold=fonts.bold, size=16 if large_print else 8, ink=INK,
            muted=MUTED,
        )  # fmt: skip
        flowables: list[Flowable] = [drawing]
        if hidden:
            flowables.append(
                para(
                    f"* a month with a count shown as fewer than {report.threshold} or not "
                    "shown has no bar for it.",
                    "muted",
                )
            )
        return KeepTogether(flowables)

    story: list[Flowable] = []
    scope = report.group_name or "All groups"
    story.append(para(TITLE, "title"))
    story.append(para(f"{scope} · {current.period.describe()}", "subtitle"))
    if organisation:
        story.append(para(organisation, "subtitle"))
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
    story.append(para("What this report cannot show", "heading"))
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

    for group in current.groups:
        before = _same_group(previous, group.name)
        story.append(PageBreak())
        story.append(para(group.name, "title"))
        story.append(para(f"{group.kind} · {current.period.describe()}", "subtitle"))
        story.append(table(*_month_rows(current, group), [0.2, 0.16, 0.16, 0.24, 0.24]))
        story.append(Spacer(1, 3 * mm))
        story.append(
            table(*_group_rows(group, before), [0.52, 0.24, 0.24] if previous else [0.6, 0.4])
        )
        story.append(para("Themes most often noted", "heading"))
        story.extend(_ranked(group.themes, group.themes_not_shown, para, table, "theme"))

    story.append(PageBreak())
    story.append(para("Who facilitated", "title"))
    story.append(
        para(
            f"Volunteer hours are each session's length plus {report.prep_minutes} minutes of "
            f"preparation and {report.debrief_minutes} minutes of debrief, for each "
            f"facilitator. Supervision meetings held: {current.supervision_meetings}.",
            "muted",
        )
    )
    rows = [
        [
            f.name,
            str(f.led),
            str(f.co_facilitated),
            str(f.shadowing),
            str(f.supervised),
            f"{f.hours:,.1f}",
        ]
        for f in current.facilitators
    ]
    rows.append(
        [
            "Total",
            str(sum(f.led for f in current.facilitators)),
            str(sum(f.co_facilitated for f in current.facilitators)),
            str(sum(f.shadowing for f in current.facilitators)),
            str(current.supervision_meetings),
            f"{current.volunteer_hours:,.1f}",
        ]
    )
    story.append(
        table(
            ["Facilitator", "Led", "Co-facilitated", "Shadowing", "Supervision", "Hours"],
            rows,
            [0.21, 0.08, 0.2, 0.18, 0.19, 0.14],
        )
    )
    story.append(para("What helped", "heading"))
    story.append(
        para("Strategies most often marked as having helped, by kind of group (all time).", "muted")
    )
    if not current.strategies_by_kind:
        story.append(para("No strategy has been marked as having helped yet."))
    for kind, items in current.strategies_by_kind.items():
        story.append(para(f"{kind} groups", "item"))
        story.extend(_ranked(items, None, para, table, "strategy"))
    if current.strategies_not_shown.value != 0:
        story.append(
            para(
                f"Strategies not shown (they hold a member's name): {current.strategies_not_shown}",
                "muted",
            )
        )

    footer = f"{organisation} · {TITLE}" if organisation else TITLE

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 16 if large_print else 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(18 * mm, 10 * mm, markup(footer, fonts.key).replace("&amp;", "&"))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
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
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _short_month(key: str) -> str:
    year, month = (int(part) for part in key.split("-"))
    return dates.short_month(dt.date(year, month, 1))


def _same_group(part: PeriodReport | None, name: str) -> GroupReport | None:
    if part is None:
        return None
    return next((group for group in part.groups if group.name == name), None)


def _whole(group: GroupReport) -> list[tuple[str, str]]:
    people = group.people
    sessions = group.sessions
    figures = [
        ("Sessions planned", str(sessions["planned"][WHOLE_PERIOD])),
        ("Sessions held", str(sessions["held"][WHOLE_PERIOD])),
        ("Planned, not held", str(sessions["not_held"][WHOLE_PERIOD])),
        ("People at sessions (everyone, named or not)", people["attendance"][WHOLE_PERIOD].text),
        (
            "People per session, on average",
            _average(group),
        ),
        (
            "Fewest and most at one session",
            f"{group.smallest} to {group.largest}" if group.smallest else "no sessions",
        ),
        ("Newcomers", people["newcomers"][WHOLE_PERIOD].text),
        ("Sessions with a newcomer", people["sessions_with_newcomer"][WHOLE_PERIOD].text),
        ("Members who agreed to be named and came", group.named_came.text),
        ("… of whom came more than once", group.named_returned.text),
    ]
    return figures


def _average(group: GroupReport) -> str:
    if not group.sessions["held"][WHOLE_PERIOD]:
        return "no sessions"
    return f"{group.average:.1f}" if group.average else "not shown"


def _headline_rows(
    current: PeriodReport, previous: PeriodReport | None
) -> tuple[list[str], list[list[str]]]:
    now = _whole(current.total)
    hours = ("Volunteer hours given by facilitators", f"{current.volunteer_hours:,.1f}")
    if previous is None:
        return ["All groups", "This period"], [[k, v] for k, v in [*now, hours]]
    before = _whole(previous.total)
    rows = [[k, v, b] for (k, v), (_, b) in zip(now, before, strict=True)]
    rows.append([*hours, f"{previous.volunteer_hours:,.1f}"])
    return ["All groups", "This period", "A year before"], rows


def _group_rows(
    group: GroupReport, before: GroupReport | None
) -> tuple[list[str], list[list[str]]]:
    now = _whole(group)
    if before is None:
        return ["Whole period", ""], [[k, v] for k, v in now]
    return ["Whole period", "This period", "A year before"], [
        [k, v, b] for (k, v), (_, b) in zip(now, _whole(before), strict=True)
    ]


def _month_rows(part: PeriodReport, group: GroupReport) -> tuple[list[str], list[list[str]]]:
    header = ["Month", "Held", "Not held", "People", "Newcomers"]
    rows = []
    for key in part.months:
        rows.append(
            [
                _short_month(key),
                str(group.sessions["held"][key]),
                str(group.sessions["not_held"][key]),
                group.people["attendance"][key].text,
                group.people["newcomers"][key].text,
            ]
        )
    return header, rows


def _ranked(
    items: Sequence[Ranked],
    not_shown: Cell | None,
    para: Callable[..., Paragraph],
    table: Callable[[list[str], list[list[str]], list[float]], Table],
    noun: str,
) -> list[Flowable]:
    found: list[Flowable] = []
    if items:
        found.append(
            table(["", "Times"], [[item.text, item.times.text] for item in items], [0.72, 0.28])
        )
    else:
        found.append(para(f"No {noun} noted in this period."))
    if not_shown is not None and not_shown.value != 0:
        found.append(para(f"Themes not shown (they hold a member's name): {not_shown}", "muted"))
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

    def block(x: float, y: float, block_width: float, block_height: float, colour: Color) -> Rect:
        """A rectangle filled with `colour`, with no outline. (Set as attributes: the published
        stubs type Rect's keyword arguments wrongly.)"""
        rect = Rect(x, y, block_width, block_height)
        rect.fillColor = colour
        rect.strokeColor = None
        return rect

    drawing = Drawing(width, height)
    left, bottom = size * 3.2, size * (5.5 if len(labels) > 8 else 2.6)
    top = height - size * 2.6
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
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.7 / len(data)
    for index, label in enumerate(labels):
        x0 = left + slot * index + slot * 0.15
        for series, row in enumerate(data):
            count = row[index]
            if count:
                drawing.add(
                    block(x0 + series * bar_w, bottom, bar_w, plot_h * count / scale_top,
                          colours[series])
                )  # fmt: skip
        centre = left + slot * index + slot / 2
        if len(labels) > 8:
            text = String(
                0, 0, label, fontName=font, fontSize=size, fillColor=ink, textAnchor="end"
            )
            turned = Group(text)
            turned.translate(centre + size / 3, bottom - 3)
            turned.rotate(45)
            drawing.add(turned)
        else:
            drawing.add(String(centre, bottom - size * 1.3, label, fontName=font, fontSize=size,
                               fillColor=ink, textAnchor="middle"))  # fmt: skip
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=ink, strokeWidth=0.8))
    if len(data) > 1:
        x = width
        for colour, name in reversed(list(zip(colours, names, strict=True))):
            x -= len(name) * size * 0.55 + size * 2
            drawing.add(block(x, height - size * 1.2, size * 0.8, size * 0.8, colour))
            drawing.add(String(x + size, height - size * 1.2, name, fontName=font, fontSize=size,
                               fillColor=ink))  # fmt: skip
    return drawing
