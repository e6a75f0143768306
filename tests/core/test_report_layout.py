"""The evaluation PDF's pages as a reader turns them: no section of the report (the front, a
group, the facilitators and what helped) ends on a nearly empty page. Read back with pypdf:
where the text on each page begins and ends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.pdf_helpers import pdf_reader
from voicesgroup.demo import write_demo_file
from voicesgroup.evaluation import Period, report
from voicesgroup.report_files import report_bytes
from voicesgroup.store import Store

TODAY = dt.date(2026, 11, 26)
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
            if text.strip() and y > 18 * MM:  # noqa: B023 — called while this page is read
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
