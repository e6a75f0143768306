"""Drawing a checked `Handout` with ReportLab. The only module that imports ReportLab.

Fonts and paragraph styles are made once per process and cached, so the first sheet pays
for loading ReportLab and reading the font files and later sheets only for drawing.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from voicesgroup import dates
from voicesgroup.handouts import fonts
from voicesgroup.handouts._helplines import helplines_box
from voicesgroup.handouts._text import markup, paragraph
from voicesgroup.handouts.layer import Block, Handout, Run, Runs

INK = colors.HexColor("#1d1d1b")
HEADING = colors.HexColor("#1f4d57")
MUTED = colors.HexColor("#4a5559")
RULE = colors.HexColor("#9aa7ab")
SOFT = colors.HexColor("#e9eff1")
GENTLE_BAR = colors.HexColor("#8fb3bb")

# -- fonts ------------------------------------------------------------------------------------

# Which font draws each character, and the refusal when none can: `handouts.fonts`. Text is
# set in Vera; a piece Vera has no glyph for is set in the font that has (`fonts.runs`).


# -- styles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    body: float
    title: float
    heading: float
    item: float
    table: float
    footer: float
    line_gap: float  # between ruled writing lines, in points


NORMAL = Sizes(body=14, title=24, heading=16.5, item=14.5, table=12, footer=10, line_gap=9 * mm)
SMALLER = (
    Sizes(body=13, title=22, heading=15.5, item=13.5, table=12, footer=10, line_gap=8.5 * mm),
    Sizes(body=12, title=22, heading=15, item=12.5, table=11, footer=10, line_gap=8.5 * mm),
)
"""Smaller normal print, used only where a handout must fit its pages (`Handout.fit_pages`)
and would not at 14 pt. Large print never gets smaller."""
LARGE = Sizes(body=16, title=28, heading=20, item=17, table=16, footer=16, line_gap=12 * mm)


@functools.cache
def styles(s: Sizes) -> dict[str, ParagraphStyle]:
    f = fonts.base()

    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("fontName", f.regular)
        kw.setdefault("textColor", INK)
        kw.setdefault("leading", round(size * 1.25, 1))
        return ParagraphStyle(
            name, fontSize=size, alignment=TA_LEFT, allowWidows=0, allowOrphans=0, **kw
        )

    return {
        "title": style("title", s.title, fontName=f.bold, textColor=HEADING, spaceAfter=4,
                       leading=round(s.title * 1.2, 1)),
        "subtitle": style("subtitle", s.body, textColor=MUTED, spaceAfter=2),
        "heading": style("heading", s.heading, fontName=f.bold, textColor=HEADING,
                         spaceBefore=s.heading * 0.8, spaceAfter=s.heading * 0.3,
                         leading=round(s.heading * 1.25, 1), keepWithNext=1),
        "body": style("body", s.body, spaceAfter=s.body * 0.5),
        "lead": style("lead", s.body, spaceBefore=s.body * 0.6, spaceAfter=s.body * 0.6),
        "tight": style("tight", s.body, spaceAfter=s.body * 0.1),
        "tight_muted": style("tight_muted", s.body, textColor=MUTED, spaceAfter=s.body * 0.1),
        "item": style("item", s.item, fontName=f.bold, spaceBefore=s.body * 0.5,
                      spaceAfter=s.body * 0.15, keepWithNext=1),
        "muted": style("muted", s.body, textColor=MUTED, spaceAfter=s.body * 0.5),
        "footnote": style("footnote", s.body, textColor=MUTED, spaceBefore=s.body * 0.9,
                          spaceAfter=s.body * 0.5),
        "gentle": style("gentle", s.body),
        "caution": style("caution", s.body),
        "bullet": style("bullet", s.body, leftIndent=s.body * 1.6, bulletIndent=s.body * 0.2,
                        bulletFontName=f.regular, bulletFontSize=s.body,
                        spaceAfter=s.body * 0.35),
        "cell": style("cell", s.table, leading=round(s.table * 1.3, 1)),
        "cell_head": style("cell_head", s.table, fontName=f.bold, textColor=HEADING,
                           leading=round(s.table * 1.3, 1)),
    }  # fmt: skip


# -- flowables --------------------------------------------------------------------------------


WRITING_LINE = colors.HexColor("#4a5559")
WRITING_LINE_WIDTH = 1.0  # points: dark and thick enough to see, in every print size


class RuledLines(Flowable):
    """Empty ruled lines to write on, the full width of the page."""

    def __init__(self, count: int, gap: float) -> None:
        super().__init__()
        self.count = count
        self.gap = gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.count * self.gap

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(WRITING_LINE)
        canvas.setLineWidth(WRITING_LINE_WIDTH)
        for i in range(1, self.count + 1):
            y = self.count * self.gap - i * self.gap + 1
            canvas.line(0, y, self.width, y)
        canvas.restoreState()


class Stack(Flowable):
    """Flowables kept on one page, like ReportLab's KeepTogether, but each child is laid out
    once per width rather than again after the decision (half the work for long sheets).
    Taller than a whole page, it gives its children back to flow freely."""

    def __init__(self, items: list[Flowable], page_height: float) -> None:
        super().__init__()
        self._items = items
        self._page_height = page_height
        self._laid: tuple[float, float, list[tuple[float, float, float]]] | None = None

    def getSpaceBefore(self) -> float:
        return self._items[0].getSpaceBefore() if self._items else 0

    def getSpaceAfter(self) -> float:
        return self._items[-1].getSpaceAfter() if self._items else 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._laid is not None and self._laid[0] == avail_width:
            return avail_width, self._laid[1]
        layout: list[tuple[float, float, float]] = []
        height = 0.0
        last = len(self._items) - 1
        for i, item in enumerate(self._items):
            before = item.getSpaceBefore() if i else 0.0
            _, h = item.wrap(avail_width, self._page_height)
            after = item.getSpaceAfter() if i < last else 0.0
            layout.append((before, h, after))
            height += before + h + after
        self._laid = (avail_width, height, layout)
        self.width = avail_width
        return avail_width, height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        _, height = self.wrap(avail_width, avail_height)
        if height > self._page_height:
            return list(self._items)
        return []  # wait for the next page

    def draw(self) -> None:
        assert self._laid is not None
        y = self._laid[1]
        for item, (before, h, after) in zip(self._items, self._laid[2], strict=True):
            y -= before + h
            item.drawOn(self.canv, 0, y)
            y -= after


class SideBar(Flowable):
    """A paragraph set in from the left with a soft bar beside it: a gentle note."""

    INDENT = 10

    def __init__(
        self,
        paragraph: Paragraph,
        *,
        space_before: float,
        space_after: float,
        colour: colors.Color = GENTLE_BAR,
    ):
        super().__init__()
        self._colour = colour
        self._paragraph = paragraph
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self._height = self._paragraph.wrap(avail_width - self.INDENT - 4, avail_height)
        self.width = avail_width
        return avail_width, self._height + 3

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(self._colour)
        canvas.setLineWidth(2.5)
        canvas.line(1.25, 0, 1.25, self._height + 3)
        canvas.restoreState()
        self._paragraph.drawOn(canvas, self.INDENT, 1)


class FooterCanvas(Canvas):
    """Holds pages back until the end so each footer can say "page 2 of 3"."""

    # Canvas sets and uses these; ReportLab's published stubs leave them out.
    _pagesize: tuple[float, float]
    _startPage: Callable[[], None]

    def __init__(
        self,
        *args: Any,
        footer: str | Sequence[str] = "",
        font: str = "",
        size: float = 9,
        margin: float = 0,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self._footer_margin = margin
        # Shorter forms of the footer may follow it, the first that fits being drawn (a
        # report's keeps its period and drops its title); one line: a break is no glyph.
        forms = [footer] if isinstance(footer, str) else list(footer)
        self._footers = [" ".join(form.split()) for form in forms] or [""]
        self._footer_font = font
        self._footer_size = size
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab calls it by this name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _width(self, text: str) -> float:
        return fonts.width(text, self._footer_size)

    def _fit(self, text: str, room: float) -> str:
        if self._width(text) <= room:
            return text
        while text and self._width(text + "…") > room:
            text = text[:-1]
        return text.rstrip() + "…"

    def _draw_pieces(self, x: float, y: float, text: str) -> None:
        """`text` from `x`, each piece in the font that has its characters (`fonts.runs`)."""
        for font, piece in fonts.runs(text):
            self.setFont(font.regular, self._footer_size)
            self.drawString(x, y, piece)
            x += pdfmetrics.stringWidth(piece, font.regular, self._footer_size)

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        margin = self._footer_margin
        y = 8 * mm
        self.saveState()
        self.setFont(self._footer_font, self._footer_size)
        self.setFillColor(MUTED)
        page = f"page {number} of {total}"
        self.drawRightString(width - margin, y, page)
        room = width - 2 * margin - self.stringWidth(page) - 10 * mm
        # The footer is the app's own line (an organisation, a title): read left to right,
        # with any Hebrew or Arabic in it read from its right.
        fitting = next((form for form in self._footers if self._width(form) <= room), None)
        footer = fonts.visual_line(fitting or self._fit(self._footers[-1], room), rtl=False)
        self._draw_pieces(margin, y, footer)
        self.restoreState()


# -- building ---------------------------------------------------------------------------------


def page_size(paper: str, is_landscape: bool) -> tuple[float, float]:
    size = A4 if paper == "a4" else LETTER
    return landscape(size) if is_landscape else size


def render(handout: Handout) -> bytes:
    """The PDF's bytes. Normal print is 14 pt; a handout that must fit `fit_pages` pages and
    would not is set a point smaller (down to 12 pt) until it does."""
    fonts.check(handout.texts(), handout.kind)  # before anything is drawn
    if handout.large_print:
        return _render(handout, LARGE)[0]
    data, pages = _render(handout, NORMAL)
    if handout.fit_pages is None or pages <= handout.fit_pages:
        return data
    for sizes in SMALLER:
        smaller, pages = _render(handout, sizes)
        if pages <= handout.fit_pages:
            return smaller
    return data  # it will not fit at any size: keep the easiest to read


def _render(handout: Handout, sizes: Sizes) -> tuple[bytes, int]:
    f = fonts.base()
    st = styles(sizes)
    pagesize = page_size(handout.paper, handout.landscape)
    side = 13 * mm
    top = 14 * mm
    bottom = 11 * mm + sizes.footer * 1.6
    buffer = io.BytesIO()
    meta = handout.metadata
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=side,
        rightMargin=side,
        topMargin=top,
        bottomMargin=bottom,
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        creator=meta["creator"],
        producer=meta["producer"],
        keywords=[handout.record_mark] if handout.record_mark else [],
        lang=handout.lang,
        displayDocTitle=True,
        initialFontName=f.regular,
        initialFontSize=sizes.body,
    )
    frame_width = pagesize[0] - 2 * side - 12  # the frame keeps 6 pt padding each side
    frame_height = pagesize[1] - top - bottom - 12
    story: list[Flowable] = [paragraph((Run(handout.title),), st["title"])]
    if handout.subtitle:
        story.append(paragraph((Run(handout.subtitle),), st["subtitle"]))
    story.append(_Rule(frame_width))
    builder = _Builder(st, sizes, frame_width, frame_height, story, large_print=handout.large_print)
    for block in handout.blocks:
        story.extend(builder.flowables(block))
    canvasmaker = functools.partial(
        FooterCanvas,
        footer=handout.footer,
        font=f.regular,
        size=sizes.footer,
        margin=side + 6,
    )
    use_a85 = rl_config.useA85
    rl_config.useA85 = 0  # plain compressed streams: smaller files, less work
    try:
        doc.build(story, canvasmaker=canvasmaker)
    finally:
        rl_config.useA85 = use_a85
    return buffer.getvalue(), doc.page


def _longest_word(text: str, size: float, *, bold: bool = False) -> float:
    words = dates.unbroken(text).replace("\t", " ").replace("\n", " ").split(" ")
    return max((fonts.width(w, size, bold=bold) for w in words if w), default=0.0)


class _Rule(Flowable):
    def __init__(self, width: float) -> None:
        super().__init__()
        self.width = width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, 6 * mm

    def draw(self) -> None:
        self.canv.setStrokeColor(GENTLE_BAR)
        self.canv.setLineWidth(1.2)
        self.canv.line(0, 4 * mm, self.width, 4 * mm)


@dataclass
class _Builder:
    st: dict[str, ParagraphStyle]
    sizes: Sizes
    width: float
    height: float
    story: list[Flowable]
    large_print: bool = False

    def markup(self, text: str, *, bold: bool = False) -> str:
        return markup(text, bold=bold)

    def paragraph(
        self, runs: tuple[Run, ...], style: ParagraphStyle, bullet: str | None = None
    ) -> Paragraph:
        return paragraph(runs, style, italic=not self.large_print, bullet=bullet)

    def flowables(self, block: Block) -> list[Flowable]:
        if block[0] == "heading":
            return self._heading(block[1])
        if block[0] == "para":
            return self._para(block[1], block[2])
        if block[0] == "bullets":
            return self._bullets(block[1], block[2])
        if block[0] == "table":
            return self._table(block[1], block[2], block[3], block[4], block[5])
        if block[0] == "lines":
            return self._lines(block[1], block[2])
        if block[0] == "helplines":  # boxed (`_helplines`), kept on one page
            box = helplines_box(*block[1:], self.st, self.sizes.body, self.width)
            return [Stack([box], self.height)]
        return self._together(block[1])

    def _heading(self, text: str) -> list[Flowable]:
        return [paragraph((Run(text),), self.st["heading"])]

    def _para(self, runs: tuple[Run, ...], style: str) -> list[Flowable]:
        made = self.paragraph(runs, self.st[style])
        if style in ("gentle", "caution"):
            bar = HEADING if style == "caution" else GENTLE_BAR
            return [SideBar(made, space_before=self.sizes.body * 0.15,
                            space_after=self.sizes.body * 0.3, colour=bar)]  # fmt: skip
        return [made]

    def _bullets(self, items: tuple[tuple[Run, ...], ...], numbered: bool) -> list[Flowable]:
        out: list[Flowable] = []
        for number, runs in enumerate(items, start=1):
            bullet = f"{number}." if numbered else "•"
            made = self.paragraph(runs, self.st["bullet"], bullet)
            out.append(Stack([made], self.height))  # a point is never split
        return out

    def _lines(self, label: str, count: int) -> list[Flowable]:
        label_para = paragraph((Run(label),), self.st["heading"])
        return [Stack([label_para, RuledLines(count, self.sizes.line_gap)], self.height)]

    def _together(self, blocks: tuple[Block, ...]) -> list[Flowable]:
        inner: list[Flowable] = []
        for block in blocks:
            inner.extend(self.flowables(block))
        return [Stack(inner, self.height)]

    def _table(
        self,
        header: tuple[str, ...],
        rows: tuple[tuple[Runs, ...], ...],
        widths: tuple[float, ...],
        blank_rows: int,
        compact: bool = False,
    ) -> list[Flowable]:
        columns = len(header) or (len(rows[0]) if rows else 1)
        fractions = widths or (1 / columns,) * columns
        cell, head = self.st["cell"], self.st["cell_head"]
        col_widths = self._column_widths(header, rows, fractions)
        data: list[list[Flowable | str]] = []
        if header:
            data.append(
                [
                    self._cell((Run(text),), head, width)
                    for text, width in zip(header, col_widths, strict=False)
                ]
            )
        for row in rows:
            data.append(
                [
                    self._cell(runs, cell, width)
                    for runs, width in zip(row, col_widths, strict=False)
                ]
            )
        row_heights = None
        if blank_rows:
            row_heights, blank_rows = self._fill_heights(list(data), col_widths, blank_rows)
            data.extend([[""] * columns for _ in range(blank_rows)])
        table = Table(
            data, colWidths=col_widths, rowHeights=row_heights, repeatRows=1 if header else 0
        )
        leading = round(cell.fontSize * 1.15, 1) if compact else cell.leading
        commands: list[tuple[str, tuple[int, int], tuple[int, int], *tuple[Any, ...]]] = [
            ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, leading),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1 if compact else 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 if compact else 6),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), SOFT))
            commands.append(("FONT", (0, 0), (-1, 0), head.fontName, head.fontSize, leading))
            commands.append(("TEXTCOLOR", (0, 0), (-1, 0), HEADING))
        if rows and not blank_rows:
            start = 1 if header else 0
            for i in range(start + 1, len(data), 2):
                commands.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f7f9fa")))
        table.setStyle(TableStyle(commands))
        table.spaceBefore = self.sizes.body * 0.4
        table.spaceAfter = self.sizes.body * 0.4
        return [table]

    def _cell(self, runs: tuple[Run, ...], style: ParagraphStyle, width: float) -> Flowable | str:
        """A table cell: plain text that fits on one line is drawn as a string, which is
        several times cheaper than a Paragraph; anything else becomes a Paragraph."""
        if all(not (r.bold or r.italic) for r in runs):
            text = fonts.drawn_text("".join(r.text for r in runs))  # as drawn: none left out
            if (
                "\n" not in text
                and fonts.in_one_font(text)  # a plain string is drawn in the table's font
                and pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width - 13
            ):
                return " ".join(text.split())
        return self.paragraph(runs, style)

    def _column_widths(
        self,
        header: tuple[str, ...],
        rows: tuple[tuple[Runs, ...], ...],
        fractions: tuple[float, ...],
    ) -> list[float]:
        """Widths from `fractions`, widened where a column's longest word would not fit
        (so no word is split in two), taking the room from columns that have some spare."""
        widths = [self.width * w / sum(fractions) for w in fractions]
        cell, head = self.st["cell"], self.st["cell_head"]
        need = [0.0] * len(widths)
        for i, text in enumerate(header):
            need[i] = _longest_word(text, head.fontSize, bold=True)
        for row in rows:
            for i, runs in enumerate(row[: len(widths)]):
                for run in runs:
                    word = _longest_word(run.text, cell.fontSize, bold=run.bold)
                    need[i] = max(need[i], word)
        need = [n + 13 for n in need]  # 6 pt padding each side, and a little air
        if sum(need) > self.width:
            return widths
        for _ in range(len(widths)):
            short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
            if short <= 0.01:
                break
            spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
            total_spare = sum(spare)
            widths = [
                max(w, n) - (short * sp / total_spare if total_spare else 0)
                for n, w, sp in zip(need, widths, spare, strict=True)
            ]
        return widths

    def _fill_heights(
        self, filled: list[list[Flowable | str]], col_widths: list[float], blank: int
    ) -> tuple[list[float | None], int]:
        """Heights for up to `blank` empty rows filling the first page, and how many: none
        shorter than two writing lines of this print size (large print: taller rows)."""
        used = 0.0
        for flowable in self.story:
            _, h = flowable.wrap(self.width, self.height)
            used += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        used += self.sizes.body * 0.4  # the table's space before
        heights: list[float | None] = []
        line = self.st["cell_head"].leading
        for row in filled:
            tallest = max(
                (
                    line if isinstance(p, str) else p.wrap(w - 12, self.height)[1]
                    for p, w in zip(row, col_widths, strict=True)
                ),
                default=0,
            )
            heights.append(tallest + 11)
            used += tallest + 11
        room = self.height - used - 2 * mm
        blank = max(1, min(blank, int(room // (2 * self.sizes.line_gap))))
        each = max(room / blank, 12 * mm)
        return heights + [each] * blank, blank
