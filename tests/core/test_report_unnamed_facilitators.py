"""The facilitators who did not say yes to their name: no row, total or pair of reports
describes fewer of them than the threshold (`evaluation.publish_team`).

The adversary: hypothesis chooses who said yes, the period of two reports and whether each
covers all groups or one, then reads every published facilitator figure as a reader would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.clock import TODAY
from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.records import add_group
from voicesgroup import evaluation
from voicesgroup.evaluation import Period
from voicesgroup.kinds import SessionStatus
from voicesgroup.models import Facilitator, Session
from voicesgroup.protection import Cell, measures
from voicesgroup.store import Store

PEOPLE = ("Rosa", "Tomasz", "Marcia", "Priya", "Sol", "Niall", "Ade", "Bea")
FIRST = dt.date(2026, 3, 2)
DAYS = 120
KEYS = [m.key for m in measures("facilitator")]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list, list]]:
    """Two groups meeting weekly for four months, each session held by two of eight people."""
    path: Path = tmp_path_factory.mktemp("team") / "team.json"
    store = Store.open(path, seed=False)
    groups = [add_group(store, "Tuesday Voices"), add_group(store, "Thursday Beliefs")]
    people = [Facilitator(display_name=name) for name in PEOPLE]
    for person in people:
        store.save_facilitator(person)
    chosen = random.Random(23)
    for offset in range(0, DAYS, 7):
        for index, group in enumerate(groups):
            day = FIRST + dt.timedelta(days=offset + 2 * index)
            pair = chosen.sample(people, 2)
            start = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
            store.save_session(
                Session(
                    group_id=group.id,
                    date=day,
                    status=SessionStatus.ENDED,
                    started_at=start,
                    ended_at=start + dt.timedelta(minutes=90 + offset % 5),
                    anonymous_count=6,
                    facilitator_ids=[p.id for p in pair],
                )
            )
    yield store, groups, people
    store.close()


def _published(store: Store, period: Period, group_id) -> list:
    return evaluation.report(store, period, group_id=group_id, today=TODAY).current.facilitators


def _unnamed_part(rows: list, key: str) -> int | float:
    """What a reader gets for the people without names: the total less the named rows."""
    named = [r for r in rows if r.named]
    part = evaluation.team_total(rows, key) - evaluation.team_total(named, key)
    return round(part, 1)  # hours are printed to a tenth


periods = st.tuples(st.integers(0, DAYS), st.integers(0, DAYS)).map(
    lambda ends: Period(FIRST + dt.timedelta(days=min(ends)), FIRST + dt.timedelta(days=max(ends)))
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(  # everyone said no: the row is shown, rounded, in two reports a week apart
    said_yes=[False] * len(PEOPLE),
    first=Period(FIRST, FIRST + dt.timedelta(days=DAYS)),
    second=Period(FIRST, FIRST + dt.timedelta(days=DAYS - 7)),
    scopes=(None, None),
)
@example(  # one said no: a row of them would be that one person
    said_yes=[True] * (len(PEOPLE) - 1) + [False],
    first=Period(FIRST, FIRST + dt.timedelta(days=DAYS)),
    second=Period(FIRST, FIRST + dt.timedelta(days=DAYS - 7)),
    scopes=(None, 0),
)
@given(
    said_yes=st.lists(st.booleans(), min_size=len(PEOPLE), max_size=len(PEOPLE)),
    first=periods,
    second=periods,
    scopes=st.tuples(st.sampled_from([None, 0, 1]), st.sampled_from([None, 0, 1])),
)
def test_no_figure_describes_fewer_unnamed_facilitators_than_the_threshold(
    team, said_yes, first, second, scopes
) -> None:
    store, groups, people = team
    threshold = store.settings().report_smallest_count
    for index, yes in enumerate(said_yes):
        if people[index].named_in_reports != yes:
            people[index] = people[index].model_copy(update={"named_in_reports": yes})
            store.save_facilitator(people[index])
    names_said_no = {p.display_name for p, yes in zip(people, said_yes, strict=True) if not yes}
    reports = []
    for period, scope in zip((first, second), scopes, strict=True):
        group_id = None if scope is None else groups[scope].id
        true = evaluation.count(store, period, group_id=group_id, today=TODAY).facilitators
        rows = _published(store, period, group_id)
        unnamed = sum(r.people for r in true if not r.named)
        named_rows = [r for r in rows if r.named]
        for row in rows:
            assert row.name not in names_said_no  # nobody who said no is named
        if 0 < unnamed < threshold:
            # a row of them would be them, and so would the sessions held less the named
            # rows' sessions led: nobody is listed, the team's figures are given together
            assert not named_rows
            assert [r.people for r in rows] == [sum(r.people for r in true)]
            continue
        for row in rows:
            if not row.named:  # enough of them: each figure protected like a count of people
                assert row.people >= threshold
                shown = [evaluation.person_figure(row, key) for key in KEYS]
                assert all(isinstance(cell, Cell) for cell in shown), row
        for key in KEYS:
            part = _unnamed_part(rows, key)
            assert part == 0 or (part % threshold == 0 and part >= 2 * threshold), (key, part)
        reports.append(rows)
    # two reports that list people one by one: what the first shows of those not named less
    # what the second does is a difference of rounded figures (a multiple of the threshold),
    # never an exact figure of one person
    if len(reports) == 2:
        for key in KEYS:
            difference = _unnamed_part(reports[0], key) - _unnamed_part(reports[1], key)
            assert difference % threshold == 0


def test_the_demo_report_lists_nobody_when_one_facilitator_said_no(demo_store: Store) -> None:
    """The outside tester's report: six facilitators, one said no. A row of one would be him,
    and the sessions held less the named rows' sessions led would give his back: the team is
    given together, and the front page says why."""
    from voicesgroup.report_text import facilitator_rows, sections

    period = Period(DEMO_TODAY - dt.timedelta(days=97), DEMO_TODAY)
    made = evaluation.report(demo_store, period, today=DEMO_TODAY)
    names = {f.display_name for f in demo_store.facilitators()}
    said_no = {f.display_name for f in demo_store.facilitators() if not f.named_in_reports}
    assert said_no
    rows = facilitator_rows(made.current)
    assert not any(row[0] in names for row in rows)
    assert rows[0][0].startswith("All facilitators together")
    opening, _ = sections(made)
    assert any("not listed one by one" in line for line in opening)
