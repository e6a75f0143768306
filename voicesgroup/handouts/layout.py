"""A printout laid out by its own code (the evaluation report), drawn the way every handout is.

`Handout` suits sheets made of headings, paragraphs, lists and tables. A report of figures
needs more say over its pages: tables whose header repeats on every page they run onto, a
bar chart, a page for each group. `Layout` gives that say with the handouts' own fonts
(chosen for the text it will carry), sizes, colours, footer and document information, so a
report looks like the rest and draws every character the way the rest do.

Importing this module loads ReportLab: import it where a PDF is being drawn, not before.
Like a `Handout`, it returns bytes and touches no disk; the caller checks the text for
members' names before drawing and reads the bytes back after (`voicesgroup.read_back`).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from voicesgroup.handouts import fonts
from voicesgroup.handouts._render import (
    HEADING,
    INK,
    LARGE,
    MUTED,
    SMALLER,
    SOFT,
    FooterCanvas,
    page_size,
    styles,
)
from voicesgroup.handouts._text import paragraph
from voicesgroup.handouts.layer import PRODUCER, Run

__all__ = ["Flowable", "Layout", "RunOn", "ShortEndGuard", "bar_chart", "rest_heights"]

EARLIER = colors.HexColor("#b7c9ce")
"""The colour of a chart's earlier series (a year before), lighter than this period's."""


class Layout:
    """The pieces of a printout laid out by its caller, in the handouts' look.

    `texts` is every text it will carry (the fonts are chosen to draw them all); normal print
    is the handouts' smaller size, large print their large one.
    """

    def __init__(
        self,
        texts: Iterable[str],
        *,
        large_print: bool = False,
        paper: str = "a4",
        kind: str = "report",
    ):
        fonts.check(texts, kind)  # every character drawable as typed, before anything is drawn
        self.fonts = fonts.base()
        self.large_print = large_print
        self.sizes = LARGE if large_print else SMALLER[0]
        self.style = styles(self.sizes)
        self.pagesize = page_size(paper, False)
        self.width = self.pagesize[0] - 36 * mm
        """The width of the text on the page, in points."""
        self.page_height = self.pagesize[1] - 34 * mm
        # A page's frame, inside the margins and its padding of 6 points a side.
        self.frame_width = self.width - 12
        """The width a flowable is laid out in, in points."""
        self.frame_height = self.page_height - 12
        """The height a page's frame holds, in points."""

    # -- text ---------------------------------------------------------------------------------

    def para(self, text: str, kind: str = "body") -> Paragraph:
        """A paragraph in one of the handouts' styles (title, subtitle, heading, item, body,
        muted…)."""
        return paragraph((Run(text),), self.style[kind])

    def bullet(self, text: str) -> Paragraph:
        """One small bulleted line, in table-cell size."""
        return paragraph((Run(text),), self._small_bullet, bullet="•")

    @functools.cached_property
    def _small_bullet(self) -> ParagraphStyle:
        cell = self.style["cell"]
        return cell.clone(
            "small_bullet",
            leftIndent=10,
            bulletIndent=0,
            spaceAfter=2,
            bulletFontName=self.fonts.regular,
            bulletFontSize=cell.fontSize,
        )

    def space(self, millimetres: float) -> Spacer:
        return Spacer(1, millimetres * mm)

    @staticmethod
    def together(flowables: Sequence[Flowable]) -> KeepTogether:
        """Kept on one page where a page holds them."""
        return KeepTogether(list(flowables))

    @staticmethod
    def new_page() -> PageBreak:
        return PageBreak()

    @staticmethod
    def new_page_unless(free: float) -> CondPageBreak:
        """A new page unless at least `free` points of the page are still free."""
        return CondPageBreak(free)

    def rest_height(self, flowables: list[Flowable]) -> float:
        """The height `flowables` take one under another in a page's frame."""
        return rest_heights(flowables, self.frame_width, self.frame_height)[0] if flowables else 0

    # -- tables -------------------------------------------------------------------------------

    def table(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        heading: str | None = None,
    ) -> Flowable:
        """A table whose header row repeats on each page it runs onto; with `heading` (a
        group's name) that name is printed above each part after the first, so no part of the
        table is without it (the first stands under the page's own title).
        `widths` are fractions of the text's width."""
        columns = self._unbroken(header, widths)
        top: list[list[str | Paragraph]] = [
            [self._fitted(text, columns[i], True) for i, text in enumerate(header)]
        ]
        body = top + [[self._fitted(v, columns[i]) for i, v in enumerate(row)] for row in rows]
        made = Table(body, colWidths=columns, repeatRows=len(top))
        made.setStyle(TableStyle(self._table_style(len(top))))
        if heading is None:
            return made
        return RunOn(made, self._cell(heading, True), self.frame_height)

    def tables(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        heading: str | None = None,
    ) -> list[Flowable]:
        """`table`, or where its headers cannot all fit the page unbroken (large print, many
        columns), several tables one under another in reading order, each starting with the
        first column (the month or the name) and taking as many further columns as fit."""
        parts: list[list[int]] = [[0]]
        for index in range(1, len(header)):
            needs = sum(self._needed(header[i]) for i in [*parts[-1], index])
            if len(parts[-1]) > 1 and needs > self.width:
                parts.append([0])
            parts[-1].append(index)
        if len(parts) == 1:
            return [self.table(header, rows, widths, heading)]
        made: list[Flowable] = []
        for part in parts:
            share = sum(widths[i] for i in part)
            made.append(
                self.table(
                    [header[i] for i in part],
                    [[row[i] for i in part] for row in rows],
                    [widths[i] / share for i in part],
                    heading,
                )
            )
            made.append(self.space(2))
        return made[:-1]

    def _table_style(self, head_rows: int) -> list[tuple[Any, ...]]:
        cell = self.style["cell"]
        last_head = head_rows - 1
        return [
            ("FONT", (0, head_rows), (-1, -1), self.fonts.regular, cell.fontSize, cell.leading),
            ("TEXTCOLOR", (0, head_rows), (-1, -1), INK),
            ("FONT", (0, 0), (-1, last_head), self.fonts.bold, cell.fontSize, cell.leading),
            ("TEXTCOLOR", (0, 0), (-1, last_head), HEADING),
            ("LINEBELOW", (0, last_head), (-1, last_head), 0.8, HEADING),
            ("ROWBACKGROUNDS", (0, head_rows), (-1, -1), [colors.white, SOFT]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]

    def _cell(self, text: str, bold: bool = False) -> Paragraph:
        return paragraph((Run(text),), self.style["cell_head" if bold else "cell"])

    def _fitted(self, text: str, column: float, bold: bool = False) -> str | Paragraph:
        """Plain table text where it fits on one line (a Paragraph for every cell would
        double the time the report takes to draw); a wrapping Paragraph where it does not."""
        face = self.fonts.bold if bold else self.fonts.regular
        text = fonts.drawn_text(text)  # as drawn: what a person said to leave out is not there
        if (
            "\n" not in text
            and "\t" not in text  # drawn as a string, a tab would be a glyph: the empty box
            and fonts.in_one_font(text)  # a plain string is drawn in the table's font
            and stringWidth(text, face, self.style["cell"].fontSize) <= column - 12
        ):
            return text
        return self._cell(text, bold)

    def _needed(self, text: str) -> float:
        """The width a header needs so that none of its words is broken."""
        head_size = self.style["cell_head"].fontSize
        words = text.split() or [""]
        return max(fonts.width(word, head_size, bold=True) for word in words) + 13

    def _unbroken(self, header: list[str], widths: list[float]) -> list[float]:
        """Column widths in points in which no header word is broken: each column gets the
        room its longest word needs, and what is left is shared out as `widths` asks."""
        needs = [self._needed(text) for text in header]
        width = self.width
        spare = width - sum(needs)
        if spare <= 0:
            return [w * width for w in widths]
        wanted = [max(w * width - need, 0) for w, need in zip(widths, needs, strict=True)]
        share = sum(wanted) or 1
        return [need + spare * extra / share for need, extra in zip(needs, wanted, strict=True)]

    # -- the whole ----------------------------------------------------------------------------

    def build(
        self, story: list[Flowable], *, title: str, subject: str, footer: str | Sequence[str]
    ) -> bytes:
        """The PDF's bytes: `story` on pages with `footer` at the foot of each (or the first
        of several forms, longest first, that fits there), and the document information of
        every handout (no person's name)."""
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=18 * mm,
            title=title,
            author=PRODUCER,
            creator=PRODUCER,
            subject=subject,
            lang="en-GB",
        )
        doc.build(
            story,
            canvasmaker=functools.partial(
                FooterCanvas,
                footer=footer,
                font=self.fonts.regular,
                size=self.sizes.footer,
                margin=18 * mm,
            ),
        )
        return buffer.getvalue()

    def chart(
        self,
        title: str,
        labels: Sequence[str],
        data: Sequence[Sequence[int | None]],
        names: Sequence[str],
        *,
        tall: float = 58,
    ) -> Drawing:
        """Month-by-month bars across the text's width, `tall` millimetres high (more in large
        print): the last series in the handouts' heading colour, an earlier one lighter."""
        height = (tall + 32 if self.large_print else tall) * mm
        colours = [EARLIER, HEADING][-len(data) :]
        return bar_chart(
            self.width, height, title, labels, data, colours, names,
            font=self.fonts.regular, bold=self.fonts.bold, size=16 if self.large_print else 10,
            ink=INK, muted=MUTED,
        )  # fmt: skip


def rest_heights(flowables: list[Flowable], width: float, room: float) -> list[float]:
    """For each flowable, the height it and all after it take one under another in a frame,
    as the frame stacks them: the space between two is the larger of the one's space after
    and the next's space before, and the last one's space after need not fit on the page. A
    block kept together stacks its parts the same way (it can be wrapped only on a canvas)."""
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


class RunOn(Flowable):
    """A table that prints `caption` (its group's name) above it wherever it does not stand
    under its own title: above each part after the first where it runs onto another page,
    and above it when it starts at the top of a page (`room` is a page frame's height)."""

    def __init__(self, table: Flowable, caption: Flowable, room: float, shown: bool = False):
        super().__init__()
        self.table, self.caption, self.room, self.shown = table, caption, room, shown
        self._above = 0.0

    def _caption_height(self, width: float, height: float) -> float:
        if not (self.shown or height >= self.room - 1):
            return 0.0
        return float(self.caption.wrap(width, height)[1]) + 2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._above = self._caption_height(availWidth, availHeight)
        width, height = self.table.wrap(availWidth, availHeight - self._above)
        self.width, self.height = width, height + self._above
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        above = self._caption_height(availWidth, availHeight)
        parts = self.table.split(availWidth, availHeight - above)
        if not parts:
            return []
        first, *rest = parts
        return [
            RunOn(first, self.caption, self.room, above > 0),
            *(RunOn(part, self.caption, self.room, True) for part in rest),
        ]

    def getSpaceBefore(self) -> float:
        return float(self.table.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.table.getSpaceAfter())

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        table_height = self.height - self._above
        if self._above:
            self.caption.drawOn(canvas, x, y + table_height + 2)
        cast(Any, self.table).drawOn(canvas, x, y, _sW)  # the stubs leave out _sW


class ShortEndGuard(CondPageBreak):
    """Starts a new page here when the `rest` of a section (its height from here on) would
    otherwise spill onto the next page by less than `least` (and this page already holds
    something, so a new page gives it more room than it has)."""

    def __init__(self, rest: float, least: float, room: float) -> None:
        super().__init__(0)
        self.rest, self.least, self.room = rest, least, room

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        spill = self.rest - availHeight
        short = 0 < spill < self.least and availHeight < self.room - 2
        self.height = availHeight + 1 if short else 0
        return super().wrap(availWidth, availHeight)


def _nice_step(top: float) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving at most five lines up to `top`."""
    step = 1
    while top / step > 5:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if top / step <= 5:
                break
    return max(step, 1)


def _block(x: float, y: float, block_width: float, block_height: float, colour: Color) -> Rect:
    """A rectangle filled with `colour`, with no outline. (Set as attributes: the published
    stubs type Rect's keyword arguments wrongly.)"""
    rect = Rect(x, y, block_width, block_height)
    rect.fillColor = colour
    rect.strokeColor = None
    return rect


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
    drawing = Drawing(width, height)
    # A month's label may go on two lines ("Dec" over "(part)", "Jan" over "2026"), so that
    # every month keeps its label where one line each would not fit.
    lines = [_label_lines(text) for text in labels]
    deep = max([len(pair) for pair in lines] or [1])
    left, bottom = size * 4.4, size * (2.6 + 1.1 * (deep - 1))
    # The key goes beside the title where both fit on one line, else on a line of its own.
    key_widths = [fonts.width(name, size) + size * 2 for name in names]
    beside = fonts.width(title, size + 2, bold=True) + sum(key_widths) + size <= width
    key_y = height - size * (1.2 if beside or len(data) < 2 else 2.7)
    top = height - size * (3.6 if beside or len(data) < 2 else 5.1)
    plot_w, plot_h = width - left - 4, top - bottom
    biggest = max([v for row in data for v in row if v is not None] or [0])
    step = _nice_step(biggest or 1)
    scale_top = step * max(1, -(-biggest // step))
    drawing.add(_words(0, height - size * 1.2, title, size + 2, ink, bold=True))
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
    longest = max([fonts.width(line, size) for pair in lines for line in pair] or [0])
    every = max(1, math.ceil((longest + size * 0.5) / slot))
    for index in range(len(labels)):
        x0 = left + slot * index + slot * 0.15
        for series, row in enumerate(data):
            count = row[index]
            if count:
                bar_h = plot_h * count / scale_top
                drawing.add(_block(x0 + series * bar_w, bottom, bar_w, bar_h, colours[series]))
                if bar_w >= size * 0.6 * len(f"{count:,}") and len(data) * len(labels) <= 24:
                    drawing.add(String(x0 + series * bar_w + bar_w / 2, bottom + bar_h + 2,
                                       f"{count:,}", fontName=font, fontSize=size,
                                       fillColor=ink, textAnchor="middle"))  # fmt: skip
        if index % every == 0:
            centre = left + slot * index + slot / 2
            for depth, line in enumerate(lines[index]):
                y = bottom - size * (1.3 + 1.1 * depth)
                drawing.add(_words(centre, y, line, size, ink, middle=True))
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=ink, strokeWidth=0.8))
    if len(data) > 1:
        x = width
        for colour, name, key_width in reversed(list(zip(colours, names, key_widths, strict=True))):
            x -= key_width
            drawing.add(_block(x, key_y, size * 0.8, size * 0.8, colour))
            drawing.add(_words(x + size, key_y, name, size, ink))
    return drawing


def _label_lines(text: str) -> list[str]:
    """A month's label as the chart writes it: on one line, or its first word over the rest
    ("Dec" over "(part)*")."""
    words = text.split()
    if len(words) < 2:
        return [text]
    return [words[0], " ".join(words[1:])]


def _words(
    x: float,
    y: float,
    text: str,
    size: float,
    ink: Color,
    *,
    bold: bool = False,
    middle: bool = False,
) -> Group:
    """`text` as a chart draws it, from `x` (or centred on it), each piece in the font that
    has its characters (`fonts.runs`)."""
    group = Group()
    if middle:
        x -= fonts.width(text, size, bold=bold) / 2
    for font, piece in fonts.runs(fonts.visual_line(" ".join(text.split()))):
        face = font.face(bold=bold)
        group.add(String(x, y, piece, fontName=face, fontSize=size, fillColor=ink))
        x += stringWidth(piece, face, size)
    return group
