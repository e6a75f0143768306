"""The helplines as a block of their own on paper: a box, the heading on a soft band, each
contact (its name in bold, then how and when as two sentences) with a rule between.

Drawn with ReportLab, like the rest of `_render`, which keeps it whole on one page.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from voicesgroup.handouts import directions
from voicesgroup.handouts._text import markup, paragraph
from voicesgroup.handouts.layer import Helpline, Run, sentence


def helplines_box(
    title: str,
    contacts: tuple[Helpline, ...],
    st: dict[str, ParagraphStyle],
    body_size: float,
    width: float,
) -> Table:
    """The boxed table of `contacts` under `title`, `width` wide, in the sheet's styles."""
    from voicesgroup.handouts._render import HEADING, RULE, SOFT  # one palette, in _render

    heading = ParagraphStyle("helplines_heading", parent=st["heading"], spaceBefore=0)
    plain = ParagraphStyle("helpline", parent=st["body"], spaceAfter=0)
    rows: list[list[Flowable]] = [[paragraph((Run(title),), heading)]]
    for name, how, when in contacts:
        words = " ".join(sentence(part) for part in (how, when) if part)
        if directions.has_right_to_left(name + words):  # ordered line by line
            rows.append([paragraph((Run(name, bold=True), Run(f" {words}")), plain)])
        else:  # an en space after the name: ReportLab spaces it, no font draws it
            text = f"<b>{markup(name, bold=True)}</b>\u2002{markup(words)}"
            rows.append([Paragraph(text, plain)])
    pad = body_size * 0.45
    table = Table(rows, colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, HEADING),
                ("BACKGROUND", (0, 0), (-1, 0), SOFT),
                ("LINEBELOW", (0, 1), (-1, -2), 1.0, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.7),
            ]
        )
    )
    table.spaceBefore = body_size * 0.7
    return table
