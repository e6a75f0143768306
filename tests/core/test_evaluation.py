"""The coordinator's evaluation: figures checked against counts made here by hand, from the
stored documents or from what the test itself put in, never with the report's own helpers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.helpers.clock import TODAY
from tests.helpers.records import add_group, add_member
from voicesgroup import evaluation
from voicesgroup.demo import write_demo_file
from voicesgroup.evaluation import WHOLE_PERIOD, Period
from voicesgroup.models import (
    ConsentScope,
    CopingStrategy,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    Session,
    SessionStatus,
    Settings,
    TrainingStatus,
    Variant,
)
from voicesgroup.protection import ThresholdError, protect
from voicesgroup.report_csv import CSV_COLUMNS, csv_text
from voicesgroup.store import Store

NAMED = ConsentScope.ATTENDANCE_BY_NAME


def published_as(true: int, threshold: int = 5) -> int | None:
    """What the README says a count of people is published as (by hand, not the app's rule):
    what would round to the threshold or less is not shown (below 8 for 5), the rest is rounded
    to the nearest threshold."""
    if true < 2 * threshold - threshold // 2:
        return None
    low = true - true % threshold
    return low + threshold if true % threshold * 2 >= threshold else low


def ended(group: Group, day: dt.date, **fields) -> Session:
    start = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
    fields.setdefault("ended_at", start + dt.timedelta(minutes=90))
    return Session(
        group_id=group.id, date=day, status=SessionStatus.ENDED, started_at=start, **fields
    )


# -- the demo, counted from its stored documents ----------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict]:
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    write_demo_file(path, TODAY)
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Store.open(path, readonly=True), raw


def test_demo_figures_match_a_hand_count_of_the_stored_sessions(demo) -> None:
    store, raw = demo
    period = Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    names = {doc["id"]: doc["name"] for doc in raw["groups"].values()}
    held: Counter[str] = Counter()
    people: Counter[str] = Counter()
    newcomers: Counter[str] = Counter()
    by_month: Counter[tuple[str, str]] = Counter()
    for doc in raw["sessions"].values():
        if not ("2026-09-01" <= doc["date"] <= "2026-11-30") or doc["status"] != "ended":
            continue
        name = names[doc["group_id"]]
        count = len(doc["named_member_ids"]) + doc["anonymous_count"] + doc["newcomers"]
        held[name] += 1
        people[name] += count
        newcomers[name] += doc["newcomers"]
        by_month[(name, doc["date"][:7])] += count
    assert sum(held.values()) > 20  # the demo has three months of sessions

    figures = evaluation.count(store, period, today=TODAY)
    for group in figures.groups:
        assert sum(group.monthly["held"].values()) == held[group.name]
        assert sum(group.monthly["attendance"].values()) == people[group.name]
        assert sum(group.monthly["newcomers"].values()) == newcomers[group.name]
        for month, value in group.monthly["attendance"].items():
            assert value == by_month[(group.name, month)]

    published = evaluation.publish(figures, 5)
    assert published.total.sessions["held"][WHOLE_PERIOD] == sum(held.values())
    total = published.total.people["attendance"][WHOLE_PERIOD]
    assert total.value == published_as(sum(people.values()))
    for group in published.groups:
        cell = group.people["attendance"][WHOLE_PERIOD]
        assert cell.value == published_as(people[group.name])


def test_demo_facilitation_and_returning_members_by_hand(demo) -> None:
    store, raw = demo
    period = Period(dt.date(2026, 8, 1), dt.date(2026, 11, 30))
    trainees = {
        doc["id"] for doc in raw["facilitators"].values() if doc["training"] == "in_training"
    }
    unnamed = "Facilitators not named (1)"  # Niall said no to his name in reports
    names = {
        doc["id"]: doc["display_name"] if doc.get("named_in_reports") else unnamed
        for doc in raw["facilitators"].values()
    }
    assert sum(1 for name in names.values() if name == unnamed) == 1
    minutes_of = {doc["id"]: doc["pattern"]["minutes"] for doc in raw["groups"].values()}
    led: Counter[str] = Counter()
    co: Counter[str] = Counter()
    shadow: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    visits: dict[str, Counter[str]] = defaultdict(Counter)
    paths = {doc["facilitator_id"]: doc for doc in raw.get("facilitator_paths", {}).values()}

    def shadowing(person: str, day: str) -> bool:
        path = paths.get(person, {"shadowing_from": "0001-01-01"} if person in trainees else {})
        start, until = path.get("shadowing_from"), path.get("signed_off_on")
        return bool(start) and start <= day and (until is None or day < until)

    for doc in raw["sessions"].values():
        if not ("2026-08-01" <= doc["date"] <= "2026-11-30"):
            continue
        length = (
            dt.datetime.fromisoformat(doc["ended_at"])
            - dt.datetime.fromisoformat(doc["started_at"])
        ).total_seconds() // 60 or minutes_of[doc["group_id"]]
        first = True
        for person in doc["facilitator_ids"]:
            if shadowing(person, doc["date"]):
                shadow[names[person]] += 1
            elif first:
                led[names[person]] += 1
                first = False
            else:
                co[names[person]] += 1
            minutes[names[person]] += length + 30 + 15
        for member in doc["named_member_ids"]:
            visits[doc["group_id"]][member] += 1

    made = evaluation.report(store, period, today=TODAY)
    got = {f.name: f for f in evaluation.count(store, period, today=TODAY).facilitators}
    assert set(got) == set(minutes)
    for name, person in got.items():
        assert (person.led, person.co_facilitated, person.shadowing) == (
            led[name],
            co[name],
            shadow[name],
        )
        assert person.minutes == minutes[name]
    assert sum(shadow.values()) > 0  # the demo's trainee shadows
    # published, the row without names would be Niall alone: nobody is listed one by one
    [team] = made.current.facilitators
    assert team.name == evaluation.TEAM_TOGETHER.format(count=len(minutes))
    assert team.minutes == sum(minutes.values()) and team.led == sum(led.values())
    everyone: Counter[str] = Counter()
    for per_group in visits.values():
        everyone.update(per_group)
    came, returned = len(everyone), sum(1 for n in everyone.values() if n >= 2)
    assert made.current.total.named_came.value == published_as(came)
    assert made.current.total.named_returned.value == published_as(returned)
    figures = evaluation.count(store, period, today=TODAY)
    assert (figures.named_came_total, figures.named_returned_total) == (came, returned)


# -- a seeded generated file, counted as it is made -------------------------------------------


@pytest.mark.parametrize("seed", [3, 11, 2026])
def test_seeded_generated_file_matches_its_own_tally(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    groups = [
        add_group(store, "Monday Voices"),
        Group(
            name="Friday Beliefs",
            variant=Variant.PARANOIA_BELIEFS,
            pattern=MeetingPattern(weekday=4, minutes=120),
        ),
    ]
    store.save_group(groups[1])
    members = [add_member(store, f"Person{i}", NAMED) for i in range(8)]
    lead = Facilitator(display_name="Rosa", named_in_reports=True)
    co = Facilitator(display_name="Tomasz", named_in_reports=True)
    store.save_facilitator(lead)
    store.save_facilitator(co)
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    tally: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    visits: Counter[UUID] = Counter()
    theme_times: Counter[str] = Counter()
    day = dt.date(2024, 11, 1)
    while day < dt.date(2026, 2, 1):
        group = rng.choice(groups)
        named = rng.sample(members, rng.randint(0, 4))
        anonymous, newcomers = rng.randint(0, 6), rng.choice([0, 0, 0, 1, 2])
        theme = rng.choice(["Sleep", "Family", "Work", "Being believed"])
        store.save_session(
            ended(
                group,
                day,
                named_member_ids=[m.id for m in named],
                anonymous_count=anonymous,
                newcomers=newcomers,
                themes=[theme],
                facilitator_ids=[lead.id, co.id],
            )
        )
        if day in period:
            key = (group.name, f"{day:%Y-%m}")
            tally[key]["held"] += 1
            tally[key]["people"] += len(named) + anonymous + newcomers
            tally[key]["newcomers"] += newcomers
            tally[key]["with_newcomer"] += 1 if newcomers else 0
            visits.update(m.id for m in named)
            theme_times[theme] += 1
        day += dt.timedelta(days=rng.randint(2, 9))

    figures = evaluation.count(store, period, today=TODAY)
    for group in figures.groups:
        for month in group.monthly["held"]:
            mine = tally[(group.name, month)]
            assert group.monthly["held"][month] == mine["held"]
            assert group.monthly["attendance"][month] == mine["people"]
            assert group.monthly["newcomers"][month] == mine["newcomers"]
    assert figures.named_came_total == len(visits)
    assert figures.named_returned_total == sum(1 for n in visits.values() if n >= 2)
    total_themes: Counter[str] = Counter()
    for group in figures.groups:
        total_themes.update(group.themes)
    assert total_themes == theme_times
    held = sum(mine["held"] for mine in tally.values())
    assert {f.name: f.led for f in figures.facilitators} == {"Rosa": held, "Tomasz": 0}
    assert {f.name: f.minutes for f in figures.facilitators} == {
        "Rosa": held * (90 + 45),
        "Tomasz": held * (90 + 45),
    }

    published = evaluation.publish(figures, 5)
    for group in [*published.groups, published.total]:
        for measure, cells in group.people.items():
            for month, cell in cells.items():
                assert cell.value is None or cell.value % 5 == 0, (group.name, measure, month)
                if month != WHOLE_PERIOD and group is not published.total:
                    mine = tally[(group.name, month)]
                    true = mine["people" if measure == "attendance" else measure]
                    if mine["held"]:
                        assert cell.value == published_as(true)
                    else:
                        assert cell.value == 0


# -- what is counted, and how ---------------------------------------------------------------


def test_planned_not_held_and_in_progress_sessions(store: Store) -> None:
    group = add_group(store)  # meets on Tuesdays
    store.save_rota(
        [RotaAssignment(group_id=group.id, date=dt.date(2026, 3, d)) for d in (3, 10, 17, 24)]
    )
    store.save_session(ended(group, dt.date(2026, 3, 3), anonymous_count=6))
    store.save_session(ended(group, dt.date(2026, 3, 17), anonymous_count=7))
    store.save_session(
        Session(group_id=group.id, date=dt.date(2026, 3, 24), anonymous_count=9)
    )  # still in progress: not held yet
    figures = evaluation.count(
        store, Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), today=TODAY
    )
    monthly = figures.groups[0].monthly
    assert monthly["planned"]["2026-03"] == 4
    assert monthly["held"]["2026-03"] == 2
    assert monthly["not_held"]["2026-03"] == 2
    assert monthly["attendance"]["2026-03"] == 13


def test_a_period_running_past_today_counts_only_the_dates_already_come(store: Store) -> None:
    group = add_group(store)  # meets on Tuesdays
    past = [TODAY - dt.timedelta(days=7 * k) for k in (1, 2)]
    to_come = [TODAY + dt.timedelta(days=7 * k) for k in (1, 2, 3)]
    store.save_rota([RotaAssignment(group_id=group.id, date=day) for day in past + to_come])
    store.save_session(ended(group, past[0], anonymous_count=5))
    store.save_session(ended(group, TODAY - dt.timedelta(days=3), anonymous_count=4))  # unplanned
    figures = evaluation.count(store, Period(past[-1], to_come[-1]), today=TODAY)
    months = figures.groups[0].monthly
    planned, held, not_held = (sum(months[key].values()) for key in ("planned", "held", "not_held"))
    assert (planned, held, not_held) == (2, 2, 1)
    held_on_a_planned_day = 1
    assert planned == held_on_a_planned_day + not_held


def test_without_a_rota_the_meeting_pattern_is_the_plan(store: Store) -> None:
    group = Group(
        name="Fortnightly",
        variant=Variant.DROP_IN,
        pattern=MeetingPattern(weekday=0, every_weeks=2, first_date=dt.date(2026, 1, 5)),
    )
    store.save_group(group)
    figures = evaluation.count(
        store, Period(dt.date(2026, 1, 1), dt.date(2026, 2, 28)), today=TODAY
    )
    planned = figures.groups[0].monthly["planned"]
    # Mondays 5 and 19 Jan, 2 and 16 Feb
    assert planned == {"2026-01": 2, "2026-02": 2}


def test_themes_holding_a_members_name_are_left_out_and_counted(store: Store) -> None:
    group = add_group(store)
    add_member(store, "Zoë")
    add_member(store, "Will")
    themes = [
        "Sleep",
        "sleep ",
        "What zoe said about work",  # accents and case do not hide a name
        "I will keep going",  # "will" is a word here, not Will
        "Will's new flat",
        "[/]Markup [b]is[/b] text",
        "Sleep",
    ]
    for number, theme in enumerate(themes):
        store.save_session(
            ended(
                group,
                dt.date(2026, 4, 1) + dt.timedelta(days=number),
                anonymous_count=5,
                themes=[theme],
            )
        )
    figures = evaluation.count(
        store, Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30)), today=TODAY
    )
    counted = figures.groups[0]
    assert counted.themes["Sleep"] == 3
    assert "I will keep going" in counted.themes
    assert "[/]Markup [b]is[/b] text" in counted.themes
    assert counted.themes_not_shown == 2
    assert not any("zoe" in theme.casefold() or "Will's" in theme for theme in counted.themes)


def test_strategies_that_helped_by_kind_of_group(store: Store) -> None:
    voices = add_group(store, "Voices")
    beliefs = Group(
        name="Beliefs", variant=Variant.PARANOIA_BELIEFS, pattern=MeetingPattern(weekday=3)
    )
    store.save_group(beliefs)
    add_member(store, "Aisha")
    for title, marks in (
        ("Humming", {voices.id: 7}),
        ("Cold water", {voices.id: 2, beliefs.id: 6}),
        ("Aisha's walk", {voices.id: 9}),
    ):
        store.save_strategy(
            CopingStrategy(
                title=title,
                category="grounding",
                helped_by_group={str(g): n for g, n in marks.items()},
                helped_count=sum(marks.values()),
            )
        )
    figures = evaluation.count(
        store, Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), today=TODAY
    )
    assert figures.strategies_by_kind == {
        "Hearing voices": Counter({"Humming": 7, "Cold water": 2}),
        "Paranoia & beliefs": Counter({"Cold water": 6}),
    }
    assert figures.strategies_not_shown == 1


def test_trainees_shadow_and_hours_use_the_settings(store: Store) -> None:
    group = add_group(store)
    trainee = Facilitator(
        display_name="Sol", training=TrainingStatus.IN_TRAINING, named_in_reports=True
    )
    lead = Facilitator(display_name="Rosa", named_in_reports=True)
    store.save_facilitator(trainee)
    store.save_facilitator(lead)
    store.save_settings(
        Settings(report_preparation_minutes=20, report_debrief_minutes=10, report_smallest_count=3)
    )
    store.save_session(
        ended(group, dt.date(2026, 5, 5), anonymous_count=6, facilitator_ids=[trainee.id, lead.id])
    )
    made = evaluation.report(store, Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31)), today=TODAY)
    people = {f.name: f for f in made.current.facilitators}
    assert (people["Rosa"].led, people["Rosa"].co_facilitated) == (1, 0)
    assert (people["Sol"].shadowing, people["Sol"].led) == (1, 0)
    assert people["Rosa"].minutes == 90 + 20 + 10
    assert made.current.volunteer_hours == 4.0
    assert made.threshold == 3


def test_the_threshold_is_never_below_three() -> None:
    with pytest.raises(ValidationError):
        Settings(report_smallest_count=2)
    with pytest.raises(ThresholdError):
        protect(1, 2)
    assert str(protect(4, 3)) == "fewer than 5"
    assert str(protect(5, 3)) == "6"
    assert str(protect(7, 3)) == "6"
    assert str(protect(8, 3)) == "9"
    assert str(protect(7, 5)) == "fewer than 8"
    assert str(protect(8, 5)) == "10"
    assert str(protect(12, 5)) == "10"
    assert str(protect(13, 5)) == "15"
    assert str(protect(0, 5)) == "0"
    assert str(protect(0, 5, zero_shown=False)) == "fewer than 8"


def test_year_before_and_bad_periods() -> None:
    period = Period(dt.date(2024, 2, 29), dt.date(2025, 2, 28))
    assert period.year_before() == Period(dt.date(2023, 2, 28), dt.date(2024, 2, 28))
    assert [m.month for m in Period(dt.date(2025, 11, 20), dt.date(2026, 2, 1)).months] == [
        11,
        12,
        1,
        2,
    ]
    with pytest.raises(evaluation.PeriodError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    assert len(Period(dt.date(2000, 1, 1), dt.date(2026, 1, 1)).months) == 26 * 12 + 1


def test_the_year_before_is_counted_on_its_own(store: Store) -> None:
    group = add_group(store)
    store.save_session(ended(group, dt.date(2025, 6, 3), anonymous_count=8))
    store.save_session(ended(group, dt.date(2026, 6, 2), anonymous_count=11))
    made = evaluation.report(
        store,
        Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
        compare_previous_year=True,
        today=TODAY,
    )
    assert made.previous is not None
    assert made.current.total.people["attendance"][WHOLE_PERIOD].value == 10  # 11, rounded
    assert made.previous.total.people["attendance"][WHOLE_PERIOD].value == 10  # 8, rounded
    assert made.previous.total.people["newcomers"][WHOLE_PERIOD].text == "fewer than 8"
    assert made.previous.period == Period(dt.date(2025, 6, 1), dt.date(2025, 6, 30))


# -- the tidy CSV ------------------------------------------------------------------------------


def test_csv_is_tidy_and_never_shows_a_small_count(demo, tmp_path: Path) -> None:
    import csv
    import io

    store, _ = demo
    made = evaluation.report(
        store,
        Period(dt.date(2026, 8, 1), dt.date(2026, 11, 30)),
        compare_previous_year=True,
        today=TODAY,
    )
    rows = list(csv.DictReader(io.StringIO(csv_text(made))))
    assert tuple(rows[0]) == CSV_COLUMNS
    keys = [(r["period_start"], r["group"], r["month"], r["measure"], r["item"]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per group, month and measure
    people = {"attendance", "newcomers", "theme_noted", "named_members_who_came"}
    for row in rows:
        if row["measure"] in people and row["value"]:
            assert int(row["value"]) % 5 == 0, row
        if not row["value"] and row["note"]:
            assert row["note"] == "fewer than 8"
    assert {r["month"] for r in rows} >= {"2026-08", "2026-11", "all"}
    assert any(r["note"] == "fewer than 8" for r in rows)
    text = csv_text(made)
    for member in store.members():
        assert member.display_name not in text


def test_csv_cells_a_spreadsheet_would_run_stay_text(store: Store) -> None:
    group = add_group(store, "=HYPERLINK(1)")
    for day in range(1, 9):  # a theme is listed once noted eight times
        store.save_session(
            ended(group, dt.date(2026, 6, day), anonymous_count=8, themes=["+SUM(A1)"])
        )
    made = evaluation.report(store, Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30)), today=TODAY)
    text = csv_text(made)
    assert "'=HYPERLINK(1)" in text
    assert "'+SUM(A1)" in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text


def test_months_without_a_rota_are_planned_from_the_meeting_pattern(store: Store) -> None:
    group = add_group(store)  # Tuesdays
    store.save_rota([RotaAssignment(group_id=group.id, date=dt.date(2026, 3, 5))])  # a Thursday
    store.save_session(ended(group, dt.date(2026, 1, 6), anonymous_count=6))  # it began in January
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    planned = evaluation.count(store, period, today=TODAY).groups[0].monthly["planned"]
    # February: the four Tuesdays; March: the one date on the rota
    assert planned == {"2026-02": 4, "2026-03": 1}


def test_supervision_held_is_counted_from_the_meetings_kept(store: Store) -> None:
    from voicesgroup import facilitator_path

    group = add_group(store)
    rosa, tom, ivy = (
        Facilitator(display_name=name, named_in_reports=name != "Ivy")
        for name in ("Rosa", "Tom", "Ivy")
    )
    for person in (rosa, tom, ivy):
        store.save_facilitator(person)
    store.save_session(
        ended(group, dt.date(2026, 4, 7), anonymous_count=6, facilitator_ids=[rosa.id, tom.id])
    )
    for day, people in (
        (dt.date(2026, 3, 31), [rosa]),  # before the period
        (dt.date(2026, 4, 2), [rosa, tom]),
        (dt.date(2026, 4, 20), [rosa, ivy]),
        (dt.date(2026, 5, 1), [tom]),  # after it
    ):
        facilitator_path.add_supervision(store, day, people, "Kay", ["pacing the rounds"])
    made = evaluation.report(store, Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30)), today=TODAY)
    assert made.current.supervision_meetings == 2
    supervised = {
        f.name: f.supervised
        for f in evaluation.count(store, made.current.period, today=TODAY).facilitators
    }
    assert supervised == {"Rosa": 2, "Tom": 1, "Facilitators not named (1)": 1}  # Ivy said no
    rows = list(csv.DictReader(io.StringIO(csv_text(made))))
    total = [r for r in rows if r["measure"] == "supervision_meetings"]
    assert [r["value"] for r in total] == ["2"]


def test_a_part_month_plans_its_days_as_the_whole_month_does(store: Store) -> None:
    group = add_group(store)  # Tuesdays
    store.save_session(ended(group, dt.date(2026, 1, 6), anonymous_count=6))
    # March is on the rota (two dates), April is not.
    store.save_rota([RotaAssignment(group_id=group.id, date=dt.date(2026, 3, d)) for d in (3, 24)])
    whole = evaluation.count(store, Period(dt.date(2026, 3, 1), dt.date(2026, 4, 30)), today=TODAY)
    part = evaluation.count(store, Period(dt.date(2026, 3, 10), dt.date(2026, 4, 14)), today=TODAY)
    assert whole.groups[0].monthly["planned"] == {"2026-03": 2, "2026-04": 4}
    # From 10 March the rota still rules March (24 March only); April to the 14th: 7 and 14.
    assert part.groups[0].monthly["planned"] == {"2026-03": 1, "2026-04": 2}


def test_an_archived_group_and_one_not_begun_have_no_planned_dates(store: Store) -> None:
    archived = add_group(store, "Closed")
    store.save_session(ended(archived, dt.date(2025, 6, 3), anonymous_count=6))
    store.save_group(archived.model_copy(update={"archived": True}))
    add_group(store, "Not begun")  # no first date, no session
    figures = evaluation.count(
        store, Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), today=TODAY
    )
    assert {g.name: sum(g.monthly["planned"].values()) for g in figures.groups} == {
        "Closed": 0,
        "Not begun": 0,
    }


def test_a_groups_tables_start_at_the_month_it_began(store: Store) -> None:
    """A group not begun yet does not seem to miss meetings: its tables, in the PDF and the
    text, start at its first month with anything planned or held; the CSV keeps every month."""
    from tests.helpers.pdf import pdf_reader
    from voicesgroup.report_pdf import report_pdf
    from voicesgroup.report_text import report_text

    early, late = add_group(store, "Early"), add_group(store, "Late")  # Tuesdays
    store.save_session(ended(early, dt.date(2026, 1, 6), anonymous_count=9))
    store.save_session(ended(late, dt.date(2026, 3, 3), anonymous_count=9))
    add_group(store, "Not begun")
    made = evaluation.report(store, Period(dt.date(2026, 1, 1), dt.date(2026, 4, 30)), today=TODAY)

    lines = report_text(made).splitlines()

    def months_listed(name: str) -> list[str]:
        at = lines.index(name) + 3  # the heading, its rule, the table's header
        rows = []
        while at < len(lines) and lines[at][:4] == "2026":
            rows.append(lines[at].split()[0])
            at += 1
        return rows

    assert months_listed("Early") == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert months_listed("Late") == ["2026-03", "2026-04"]
    assert "Not begun" not in lines  # no month table; its whole period says there are no records
    assert "Not begun: whole period" in lines

    pages = [page.extract_text() for page in pdf_reader(report_pdf(made, member_names=[])).pages]

    def first_month_printed(name: str) -> str:
        page = next(p for p in pages if p.startswith(name)).splitlines()
        return page[page.index("Newcomers") + 1]  # the first row, under the table's header

    assert first_month_printed("Early").startswith("Jan 2026")
    assert first_month_printed("Late").startswith("Mar 2026")

    rows = list(csv.DictReader(io.StringIO(csv_text(made))))
    kept = {r["month"] for r in rows if r["group"] == "Late" and r["measure"] == "held"}
    assert kept == {"2026-01", "2026-02", "2026-03", "2026-04", "all"}


def test_tonights_session_not_yet_held_is_still_to_come(store: Store) -> None:
    """Made at 00:30 (or any time) on the day a group meets, before it has met: that date is
    still to come, neither planned nor "not held"; once held, it is planned and held."""
    group = add_group(store)  # meets on Tuesdays, 18:30
    tuesday, week = dt.date(2026, 12, 8), dt.timedelta(days=7)
    assert tuesday.weekday() == 1
    period = Period(dt.date(2026, 12, 1), tuesday)  # the Reports screen's "To" is today
    store.save_rota([RotaAssignment(group_id=group.id, date=d) for d in (tuesday - week, tuesday)])
    store.save_session(ended(group, tuesday - week, anonymous_count=6))
    months = evaluation.count(store, period, today=tuesday).groups[0].monthly
    assert (months["planned"]["2026-12"], months["not_held"]["2026-12"]) == (1, 0)
    running = Session(group_id=group.id, date=tuesday, anonymous_count=5)
    store.save_session(running)  # begun, not ended: still not held
    months = evaluation.count(store, period, today=tuesday).groups[0].monthly
    assert (months["planned"]["2026-12"], months["not_held"]["2026-12"]) == (1, 0)
    store.save_session(
        ended(group, tuesday, anonymous_count=5).model_copy(update={"id": running.id})
    )
    months = evaluation.count(store, period, today=tuesday).groups[0].monthly
    assert (months["planned"]["2026-12"], months["held"]["2026-12"]) == (2, 2)
    assert months["not_held"]["2026-12"] == 0


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.sets(st.integers(-14, 14), min_size=1, max_size=8),
    held=st.sets(st.integers(-14, 14), max_size=8),
    today_at=st.integers(-16, 16),
)
def test_no_date_from_today_on_is_counted_not_held(store: Store, offsets, held, today_at) -> None:
    """The adversary: any plan and any sessions held around any day the report is made.
    Nothing from the day the report is made on is "not held", and planned is held on a
    planned day plus not held."""
    base = dt.date(2026, 6, 15)
    group = add_group(store, f"Group {len(store.groups())}")
    plan = {base + dt.timedelta(days=k) for k in offsets}
    today = base + dt.timedelta(days=today_at)
    store.save_rota([RotaAssignment(group_id=group.id, date=d) for d in plan])
    for k in held:
        day = base + dt.timedelta(days=k)
        if day <= today:
            store.save_session(ended(group, day, anonymous_count=3))
    period = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))  # the rota covers June
    counts = next(
        g for g in evaluation.count(store, period, today=today).groups if g.group_id == group.id
    )
    total = {key: sum(counts.monthly[key].values()) for key in ("planned", "not_held")}
    held_days = {base + dt.timedelta(days=k) for k in held} & {d for d in plan if d <= today}
    # held on a planned day, or planned and not held before today: nothing else counts
    missed = {d for d in plan if d < today and d not in held_days}
    assert total["not_held"] == len(missed)
    assert total["planned"] == len(held_days) + len(missed)
