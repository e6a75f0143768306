"""Text as a sheet sets it: plain text and runs as ReportLab Paragraph markup (escaped,
each piece in the font that draws it), and the one way a paragraph is made (`paragraph`):
a `Mixed` paragraph where it holds Hebrew or Arabic (`directions`), else ReportLab's own.

Drawn with ReportLab, like the rest of `_render`, which imports it.
"""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from voicesgroup import dates
from voicesgroup.handouts import directions, fonts
from voicesgroup.handouts.layer import Run


def escape(text: str) -> str:
    """Escape &, < and > for Paragraph markup (xml.sax.saxutils would pull in urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, *, bold: bool = False, italic: bool = False) -> str:
    """Plain user text as safe Paragraph markup: escaped, line breaks kept, dates whole, and
    each piece Vera has no glyph for set in the font that has (`fonts.runs`; `bold` and
    `italic` say which face the text is drawn in, since a named font sets its face)."""
    vera = fonts.base()
    out = []
    for font, piece in fonts.runs("\n".join(dates.unbroken(text).splitlines())):
        piece = "<br/>".join(escape(line) for line in piece.split("\n"))
        if font is not vera:
            piece = f'<font name="{font.face(bold=bold, italic=italic)}">{piece}</font>'
        out.append(piece)
    return "".join(out)


def runs_markup(runs: tuple[Run, ...], *, bold: bool = False, italic: bool = True) -> str:
    """Runs as Paragraph markup; `bold`: the style is bold already; `italic=False` (large
    print) sets italic runs upright."""
    parts = []
    for run in runs:
        slanted = run.italic and italic
        piece = markup(run.text, bold=bold or run.bold, italic=slanted)
        if slanted:
            piece = f"<i>{piece}</i>"
        if run.bold:
            piece = f"<b>{piece}</b>"
        parts.append(piece)
    return "".join(parts)


def bold_style(style: ParagraphStyle) -> bool:
    """Whether `style` sets its text in a bold face."""
    return str(style.fontName).endswith("-Bold")


def paragraph(
    runs: tuple[Run, ...],
    style: ParagraphStyle,
    *,
    italic: bool = True,
    bullet: str | None = None,
) -> Paragraph:
    """Runs as a Paragraph in `style` (`italic=False`: large print, italic runs upright;
    `bullet`: the bullet before it). Writing read right to left makes it a `Mixed`
    paragraph, broken into lines before each line is ordered."""
    if any(directions.has_right_to_left(run.text) for run in runs):
        return Mixed(None, style, bullet, runs=runs, italic=italic)
    return Paragraph(runs_markup(runs, bold=bold_style(style), italic=italic), style, bullet)


class Mixed(Paragraph):
    """A paragraph holding Hebrew or Arabic. ReportLab breaks a paragraph into lines from
    the left in the order of its characters, so this one is broken here, in the order typed
    and at the width it is given (`directions.lines`); each line, ordered and joined, is
    then handed to ReportLab as a line of its own, which it keeps whole since it fits. A
    paragraph whose first strong letter is read right to left is set from the right edge.
    (ReportLab's own ordering needs `rlbidi`, which cannot be installed here.)"""

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        bulletText: str | None = None,  # ReportLab's names: its `split` passes them so
        frags: Any = None,
        *,
        runs: tuple[Run, ...] = (),
        italic: bool = True,
    ) -> None:
        self._runs = runs
        self._italic = italic
        self._laid_at: float | None = None
        if frags is None and text is None:
            text = runs_markup(runs, bold=bold_style(style), italic=italic)  # until laid out
        super().__init__(text, style, bulletText, frags)  # type: ignore[arg-type]  # None with frags, as ReportLab's split passes

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._runs and self._laid_at != availWidth:
            self._lay(availWidth)
            self._laid_at = availWidth
        return super().wrap(availWidth, availHeight)

    def _lay(self, width: float) -> None:
        style = self._base_style
        bold = bold_style(style)
        size = float(style.fontSize)
        tagged = [
            ("\n".join(dates.unbroken(run.text).splitlines()),
             (run.bold, run.italic and self._italic))
            for run in self._runs
        ]  # fmt: skip
        chars = fonts.shaped_runs(tagged)
        rtl = directions.right_to_left("".join(ch for ch, _ in chars))

        def measure(line: directions.Styled) -> float:
            return sum(
                fonts.drawn_width(piece, size, bold=bold or tag[0], italic=tag[1])
                for piece, tag in _grouped(line)
            )

        inner = width - style.leftIndent - style.rightIndent
        widths = (inner - style.firstLineIndent, inner)
        lines = directions.lines(chars, widths, measure, rtl)
        text = "<br/>".join(_line_markup(line, bold) for line in lines)
        if rtl and style.alignment != TA_RIGHT and not self.bulletText:  # beside its bullet
            style = style.clone(f"{style.name}_rtl", alignment=TA_RIGHT)
        self._setup(text, style, self.bulletText, None, cleanBlockQuotedText)  # type: ignore[attr-defined]  # ReportLab's own, not in its stubs

    @functools.cached_property
    def _base_style(self) -> ParagraphStyle:
        return self.style


def _grouped(line: directions.Styled) -> list[tuple[str, Any]]:
    """Consecutive characters of one tag, as (text, tag)."""
    out: list[tuple[str, Any]] = []
    for ch, tag in line:
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    return out


def _line_markup(line: directions.Styled, bold_face: bool) -> str:
    """One line, in the order drawn, as Paragraph markup: each piece in its face
    (`bold_face`: the style is bold already), as `runs_markup` sets it."""
    parts = []
    for text, (bold, italic) in _grouped(line):
        piece = markup(text, bold=bold_face or bold, italic=italic)
        if italic:
            piece = f"<i>{piece}</i>"
        if bold:
            piece = f"<b>{piece}</b>"
        parts.append(piece)
    return "".join(parts) or " "
