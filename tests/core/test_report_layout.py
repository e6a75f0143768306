"""The evaluation PDF's pages as a reader turns them: no section of the report (the front, a
group, the facilitators and what helped) ends on a nearly empty page. Read back with pypdf:
where the text on each page begins and ends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.clock import TODAY
from tests.helpers.pdf import pdf_reader
from voicesgroup.demo import write_demo_file
from voicesgroup.evaluation import Period, report
from voicesgroup.report_files import report_bytes
from voicesgroup.report_pdf import SHORT_PAGE
from voicesgroup.store import Store

MM = 72 / 25.4
NEARLY_EMPTY = 1 / 4
"""A page whose text, first line to last, covers less than this share of the space inside
its margins (the layout keeps a third of a page by the height of what it holds)."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("layout") / "demo.json"
    write_demo_file(path, TODAY)
    return path


def pages_read_back(data: bytes) -> list[tuple[str, float]]:
    """Each page's first line of text and the share of the space inside the margins that its
    text covers, top line to bottom line (the footer, in the bottom margin, left out)."""
    found = []
    for page in pdf_reader(data).pages:
        height = float(page.mediabox.height)
        lines: list[tuple[float, str]] = []

        def seen(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > 18 * MM:  # called while this page is read
                lines.append((y, text.strip()))  # noqa: B023

        page.extract_text(visitor_text=seen)
        top = max(lines)
        covered = top[0] - min(lines)[0]
        found.append((top[1].splitlines()[0], covered / (height - 34 * MM)))
    return found


PERIODS = [
    (dt.date(2026, 8, 1), dt.date(2026, 11, 30), False),
    (dt.date(2025, 12, 1), TODAY, False),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 31), False),
    (dt.date(2026, 9, 1), dt.date(2026, 11, 30), True),
    (dt.date(2024, 1, 1), dt.date(2026, 11, 30), True),
]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("large_print", [True, False], ids=["large", "normal"])
@pytest.mark.parametrize(("start", "end", "compare"), PERIODS)
def test_no_section_ends_on_a_nearly_empty_page(
    demo: Path, start: dt.date, end: dt.date, compare: bool, large_print: bool, paper: str
) -> None:
    with Store.open(demo, readonly=True) as store:
        made = report(store, Period(start, end), compare_previous_year=compare, today=TODAY)
        data = report_bytes(store, made, "pdf", large_print=large_print, paper=paper)
        sections = ("What the groups did", "Who facilitated", *(g.name for g in store.groups()))
    pages = pages_read_back(data)
    assert len(pages) > 1 + len(sections) - 2  # the front, a page a group, the facilitators
    for number, (first_line, covered) in enumerate(pages, start=1):
        if covered < NEARLY_EMPTY:  # a short page is one a section starts on, never a spill
            assert first_line.startswith(sections), (number, first_line, round(covered, 2))
    assert any(covered < 0.9 for _, covered in pages)  # the reading can tell pages apart


# -- the rule itself, for any run of sections --------------------------------------------------

LINE = 14.0  # the leading of the test's paragraphs, in points


def laid_out(sections: list[list[tuple[int, bool]]]) -> tuple[float, list[tuple[int, int, float]]]:
    """Build a PDF of `sections` (each a list of paragraphs of so many lines, a pair of them
    kept together when marked) laid out as the report lays out its sections: a page break
    before each but the first, `ends_well` in each. Returns the frame's height and, for each
    section, its first page, its last page and how much of its last page it fills."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from voicesgroup.report_pdf import ends_well

    style = ParagraphStyle("t", fontName="Helvetica", fontSize=11, leading=LINE, spaceAfter=4)
    first: dict[int, int] = {}
    last: dict[int, tuple[int, float]] = {}  # a section's last paragraph drawn: page, bottom

    class Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable: object) -> None:
            mark = getattr(flowable, "mark", None)
            if mark is not None:
                first[mark] = self.page
            elif isinstance(flowable, Paragraph):  # a paragraph, or its part on a page
                last[max(first)] = (self.page, self.frame._y)

    def marker(section: int) -> Spacer:
        made = Spacer(0, 0)
        made.mark = section  # type: ignore[attr-defined]  # a mark afterFlowable reads back
        return made

    buffer = io.BytesIO()
    doc = Doc(buffer, pagesize=A4, topMargin=45, bottomMargin=51, leftMargin=51, rightMargin=51)
    room = A4[1] - 45 - 51 - 12
    width = A4[0] - 102 - 12
    story: list = []
    for number, pieces in enumerate(sections):
        flowables: list = []
        for lines, kept in pieces:
            para = Paragraph("<br/>".join(f"line {i}" for i in range(lines)), style)
            if kept and flowables and isinstance(flowables[-1], Paragraph):
                flowables[-1] = KeepTogether([flowables[-1], para])
            else:
                flowables.append(para)
        if number:
            story.append(PageBreak())
        story += [marker(number), *ends_well(flowables, width, room)]
    doc.build(story)
    top = A4[1] - 45 - 6
    return room, [(first[n], last[n][0], top - last[n][1]) for n in range(len(sections))]


pieces = st.lists(st.tuples(st.integers(1, 12), st.booleans()), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, min_size=1, max_size=4))
def test_a_section_that_runs_on_never_ends_on_a_nearly_empty_page(sections) -> None:
    room, laid = laid_out(sections)
    for first, last, filled in laid:
        if last > first:  # it ran onto another page: that page holds a third of a page
            assert filled >= room * SHORT_PAGE - LINE, (first, last, filled, room)


def test_the_rule_is_needed_for_the_run_of_sections_it_is_tested_on() -> None:
    """Without the guard, the same kind of section does end on a nearly empty page: the
    property above tests something the layout would otherwise get wrong."""
    from voicesgroup import report_pdf

    sections = [[(12, False)] * 4 + [(4, False), (12, False)]]  # spills by about 13 lines
    room, laid = laid_out(sections)
    ((first, last, filled),) = laid
    assert last > first and filled >= room * SHORT_PAGE - LINE
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_pdf, "ends_well", lambda flowables, *_: flowables)
        room, laid = laid_out(sections)
    ((first, last, filled),) = laid
    assert last > first and filled < room * SHORT_PAGE - LINE
