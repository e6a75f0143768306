"""The evaluation PDF read back page by page, for reports of any size: made-up organisations
of one to four groups, a few weeks to three years of sessions, few or many facilitators named,
long group names, large print or not, the year before beside it or not, A4 or letter.

Each page's lines are read with PDFium, where they stand on the page. A section (the front,
each group, the facilitators and what helped) that runs onto another page fills at least a
third of its last one (README: "No section of the PDF ends on a nearly empty page"); no
footer is cut, and each names the period; a group's name is printed once on its first page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.clock import TODAY
from voicesgroup import dates, evaluation
from voicesgroup.evaluation import Period
from voicesgroup.models import (
    Facilitator,
    Group,
    MeetingPattern,
    Session,
    SessionStatus,
    Variant,
)
from voicesgroup.report_files import report_bytes
from voicesgroup.report_pdf import SHORT_PAGE
from voicesgroup.store import Store

MM = 72 / 25.4
FOOT = 18 * MM
"""Text below this height is the footer."""

NAMES = [
    "Tuesday Voices",
    "Thursday Beliefs",
    "Saturday Drop-in",
    "The Riverside Community Centre Hearing Voices Evening Group",
    "Voices",
]
PEOPLE = ["Rosa", "Tomasz", "Priya", "Niall", "Marcia", "Sol", "Ade", "Bea", "Cal", "Dee"]
PEOPLE += [f"{name} Two" for name in PEOPLE]


def lines_of(data: bytes) -> list[list[tuple[float, float, str]]]:
    """Each page's lines as (top, bottom, text), top of the page first, read with PDFium."""
    import pypdfium2 as pdfium

    found = []
    document = pdfium.PdfDocument(data)
    for page in document:
        text = page.get_textpage()
        rows: list[tuple[float, float, str]] = []
        for index in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(index)
            words = text.get_text_bounded(left, bottom, right, top).strip()
            if words:
                rows.append((top, bottom, words))
        rows.sort(key=lambda row: -row[0])
        found.append(rows)
    document.close()
    return found


def build(store: Store, groups: int, weeks: int, named: int, others: int, long_name: bool) -> None:
    people = [Facilitator(display_name=name, named_in_reports=i < named) for i, name in
              enumerate(PEOPLE[: named + others])]  # fmt: skip
    for person in people:
        store.save_facilitator(person)
    names = NAMES[3:4] + NAMES[:3] if long_name else NAMES[:4]
    first = TODAY - dt.timedelta(weeks=weeks)
    for number in range(groups):
        group = Group(
            name=names[number],
            variant=[Variant.HEARING_VOICES, Variant.PARANOIA_BELIEFS][number % 2],
            pattern=MeetingPattern(weekday=first.weekday(), first_date=first),
        )
        store.save_group(group)
        for week in range(weeks):
            day = first + dt.timedelta(weeks=week)
            start = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
            pair = [people[(week + k) % len(people)].id for k in range(2)] if people else []
            store.save_session(
                Session(
                    group_id=group.id,
                    date=day,
                    status=SessionStatus.ENDED,
                    started_at=start,
                    ended_at=start + dt.timedelta(minutes=90),
                    anonymous_count=(week * 7 + number * 3) % 14,
                    facilitator_ids=list(dict.fromkeys(pair)),
                )
            )


def sections_of(
    pages: list[list[tuple[float, float, str]]], group_names: list[str]
) -> list[tuple[str, int, int, float]]:
    """Each section as (its name, its first page, its last page, the lowest bottom of its
    text on its last page), read in order: a group's begins with its name over a line with
    " · " at the top of a page, the facilitators' with "Who facilitated"."""
    body = [
        (number, top, bottom, words)
        for number, rows in enumerate(pages)
        for top, bottom, words in rows
        if bottom > FOOT
    ]
    starts = [(0, "front")]
    for index, (number, _, _, words) in enumerate(body):
        top_of_page = index == 0 or body[index - 1][0] != number
        if words == "Who facilitated":
            starts.append((index, "facilitators"))
        if not top_of_page:
            continue
        for lines in (1, 2, 3):  # a long name's title wraps onto more lines
            title = " ".join(row[3] for row in body[index : index + lines])
            follows = body[index + lines][3] if index + lines < len(body) else ""
            if title in group_names and " · " in follows:
                starts.append((index, title))
                break
    found = []
    for which, (begin, name) in enumerate(starts):
        end = starts[which + 1][0] if which + 1 < len(starts) else len(body)
        rows = body[begin:end]
        last = rows[-1][0]
        found.append((name, rows[0][0], last, min(r[2] for r in rows if r[0] == last)))
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    groups=st.integers(1, 4),
    weeks=st.integers(2, 160),
    named=st.integers(0, 10),
    others=st.integers(0, 10),
    long_name=st.booleans(),
    large_print=st.booleans(),
    compare=st.booleans(),
    paper=st.sampled_from(["a4", "letter"]),
)
def test_every_page_of_any_report_reads_as_promised(
    tmp_path_factory: pytest.TempPathFactory,
    groups: int,
    weeks: int,
    named: int,
    others: int,
    long_name: bool,
    large_print: bool,
    compare: bool,
    paper: str,
) -> None:
    path = Path(tmp_path_factory.mktemp("pages")) / "data.json"
    with Store.open(path, seed=False) as store:
        build(store, groups, weeks, named, others, long_name)
        asked = Period(TODAY - dt.timedelta(weeks=weeks + 3), TODAY)
        made = evaluation.report(store, asked, compare_previous_year=compare, today=TODAY)
        data = report_bytes(store, made, "pdf", large_print=large_print, paper=paper)
        group_names = [g.name for g in store.groups()]
    pages = lines_of(data)
    period = made.current.period.describe()
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    height = document[0].get_size()[1]
    document.close()
    frame_top = height - 16 * MM - 6
    room = height - 34 * MM - 12
    for number, rows in enumerate(pages, start=1):
        foot = " ".join(row[2] for row in rows if row[1] <= FOOT)
        assert period in foot and "…" not in foot, (number, foot)
        assert f"page {number} of {len(pages)}" in foot
    line = 24 if large_print else 14
    found = sections_of(pages, group_names)
    assert [name for name, *_ in found] == ["front", *group_names, "facilitators"]
    for name, first, last, lowest in found:
        if last > first:
            filled = frame_top - lowest
            assert filled >= room * SHORT_PAGE - line, (name, first + 1, last + 1, filled, room)
    for name in group_names:  # printed once where its pages begin, not again as a caption
        for rows in pages:
            body = [row[2] for row in rows if row[1] > FOOT]
            if body and body[0] == name and len(body) > 1 and " · " in body[1]:
                assert body.count(name) == 1, body[:6]
    assert dates.date(made.current.period.end) in period
