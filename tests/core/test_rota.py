"""The facilitator rota: hard rules as properties, exact spread against CP-SAT, cover, review.

OR-Tools is a test-only dependency: it checks the generator's spread equals the true optimum.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.rota_oracle import Fixed, could_take, optimum
from tests.core.rota_oracle import on as placed
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    RotaStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import (
    PlannedSession,
    RotaInputError,
    RotaResult,
    generate,
    review,
    sessions_for,
    suggest_cover,
)

E, T, TR = TrainingStatus.EXPERIENCED, TrainingStatus.IN_TRAINING, TrainingStatus.TRAINED
NAMES = ["Ana", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kit", "Lou"]
TUESDAY = 1


def fac(n: int, name: str, training: TrainingStatus = TR, **extra) -> Facilitator:
    return Facilitator(id=UUID(int=n), display_name=name, training=training, **extra)


def group(
    n: int, name: str, weekday: int = TUESDAY, every: int = 1, women: bool = False, **extra
) -> Group:
    return Group(
        id=UUID(int=1000 + n),
        name=name,
        variant=Variant.HEARING_VOICES,
        pattern=MeetingPattern(weekday=weekday, every_weeks=every),
        women_facilitator_rule=women,
        **extra,
    )


def days(first: dt.date, last: dt.date) -> DateRange:
    return DateRange(start=first, end=last)


# --------------------------------------------------------------------------------------------
# Independent checks of the rules (tests/core/rota_oracle.py: written from the brief, not from
# the generator's code)


def eligible_ids(groups, facilitators, sessions, history=()) -> set[UUID]:
    """Active people who could fill at least one planned session, taking sessions one by one
    (history, apart from the sessions being planned again, takes days and monthly places)."""
    replaced = {(s.group_id, s.date) for s in sessions}
    past = [h for h in history if (h.group_id, h.date) not in replaced]
    return could_take(groups, facilitators, sessions, Fixed(past))


def counts_of(result: RotaResult) -> Counter:
    return Counter(i for a in result.assignments for i in placed(a))


def check_hard_rules(groups, facilitators, start, weeks, history, result: RotaResult) -> None:
    by_id = {f.id: f for f in facilitators}
    group_by_id = {g.id: g for g in groups}
    planned = sessions_for(groups, start, weeks)
    assert [(a.group_id, a.date) for a in result.assignments] == [
        (p.group_id, p.date) for p in planned
    ]
    replaced = {(p.group_id, p.date) for p in planned}
    past = [h for h in history if (h.group_id, h.date) not in replaced]

    per_day: Counter = Counter()
    per_month: Counter = Counter()
    for h in past:
        for i in set(placed(h)):
            per_day[i, h.date] += 1
            per_month[i, h.date.year, h.date.month] += 1
    for a in result.assignments:
        assert a.status is RotaStatus.DRAFT
        assert a.reason and "\n" not in a.reason and len(a.reason) <= 1000
        people = placed(a)
        assert len(set(people)) == len(people)
        if a.lead_id is None:
            assert a.co_id is None, "someone co-facilitates without a lead"
        for i in people:
            f = by_id[i]
            assert f.active
            assert f.available_on(a.date), f"{f.display_name} placed while away on {a.date}"
            per_day[i, a.date] += 1
            per_month[i, a.date.year, a.date.month] += 1
        lead = by_id.get(a.lead_id) if a.lead_id else None
        co = by_id.get(a.co_id) if a.co_id else None
        if lead is not None:
            assert lead.training is not T, "a trainee leads"
        if co is not None and co.training is T:
            assert lead is not None and lead.training is E, "trainee without experienced lead"
        if group_by_id[a.group_id].women_facilitator_rule and people:
            assert any(by_id[i].is_woman is True for i in people)
        if lead is not None and co is not None:
            assert lead.id not in co.avoids and co.id not in lead.avoids
    # History is what it is; what the generator adds must keep within the rules.
    placed_on = {(i, a.date) for a in result.assignments for i in placed(a)}
    for (i, day), n in per_day.items():
        if (i, day) in placed_on:
            assert n <= 1, f"{by_id[i].display_name} twice on {day}"
    placed_in = {(i, a.date.year, a.date.month) for a in result.assignments for i in placed(a)}
    for (i, year, month), n in per_month.items():
        limit = by_id[i].max_per_month if i in by_id else None
        if limit is not None and (i, year, month) in placed_in:
            assert n <= limit, f"{by_id[i].display_name} over the monthly limit"

    assert result.open_sessions == [a for a in result.assignments if a.is_open]
    active_names = {f.id: f.display_name for f in facilitators if f.active}
    for a in result.open_sessions:
        for i, name in active_names.items():
            if i not in placed(a):
                assert name in a.reason, f"open session reason does not name {name}"

    eligible = eligible_ids(groups, facilitators, planned, history)
    counts = counts_of(result)
    assert set(result.sessions) == eligible
    if eligible:
        values = [counts.get(i, 0) for i in eligible]
        assert result.spread == max(values) - min(values)
    assert result.spread_bound <= result.spread


def check_leads_rotate(facilitators, history, result: RotaResult) -> None:
    """Between two who may both lead, the one who led less recently leads."""
    by_id = {f.id: f for f in facilitators}
    start = result.assignments[0].date if result.assignments else dt.date.min
    last: dict[UUID, dt.date] = {}
    for h in sorted(history, key=lambda h: h.date):
        if h.lead_id is not None and h.date < start:
            last[h.lead_id] = h.date
    for _day, todays in itertools.groupby(result.assignments, key=lambda a: a.date):
        todays = list(todays)
        for a in todays:
            if a.lead_id and a.co_id and by_id[a.co_id].training is not T:
                mine = last.get(a.lead_id, dt.date.min)
                theirs = last.get(a.co_id, dt.date.min)
                assert mine <= theirs, f"{a.date}: the lead led more recently than the co"
        for a in todays:
            if a.lead_id:
                last[a.lead_id] = a.date


# --------------------------------------------------------------------------------------------
# Random instances (hypothesis): every hard rule, always


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    ids = [UUID(int=k + 1) for k in range(n)]
    start = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    weeks = draw(st.integers(4, 20))
    facilitators = []
    for k in range(n):
        offs = draw(st.lists(st.tuples(st.integers(0, weeks * 7), st.integers(0, 21)), max_size=2))
        facilitators.append(
            Facilitator(
                id=ids[k],
                display_name=NAMES[k],
                training=draw(st.sampled_from([E, E, TR, T])),
                unavailable_weekdays=draw(st.lists(st.integers(0, 6), max_size=3, unique=True)),
                dates_off=[
                    days(start + dt.timedelta(days=a), start + dt.timedelta(days=a + length))
                    for a, length in offs
                ],
                max_per_month=draw(st.one_of(st.none(), st.none(), st.integers(0, 5))),
                is_woman=draw(st.sampled_from([True, False, None])),
                avoids=draw(st.lists(st.sampled_from(ids), max_size=2)),
                prefers=draw(st.lists(st.sampled_from(ids), max_size=2)),
                active=draw(st.sampled_from([True, True, True, False])),
            )
        )
    groups = [
        group(
            g,
            f"Group {g}",
            weekday=draw(st.integers(0, 6)),
            every=draw(st.sampled_from([1, 1, 2, 3])),
            women=draw(st.booleans()),
        )
        for g in range(draw(st.integers(1, 3)))
    ]
    history = []
    for _ in range(draw(st.integers(0, 6))):
        offset = draw(st.integers(-60, weeks * 7))
        lead, co = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        other = draw(st.booleans())
        history.append(
            RotaAssignment(
                group_id=UUID(int=999) if other else groups[0].id,
                date=start + dt.timedelta(days=offset),
                lead_id=lead,
                co_id=co if co != lead else None,
            )
        )
    return groups, facilitators, start, weeks, history


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_hard_rule_holds_on_random_instances(instance):
    groups, facilitators, start, weeks, history = instance
    try:
        result = generate(groups, facilitators, start, weeks, history)
    except RotaInputError as error:
        message = str(error)
        assert "\n" not in message and message.endswith(".")
        assert "away or unavailable" in message or "no active facilitators" in message
        return
    check_hard_rules(groups, facilitators, start, weeks, history, result)
    check_leads_rotate(facilitators, history, result)


def shape(result: RotaResult) -> list[tuple]:
    return [(a.group_id, a.date, a.lead_id, a.co_id, a.reason) for a in result.assignments]


@settings(max_examples=10, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_same_inputs_give_the_same_rota_whatever_their_order(instance, rnd):
    groups, facilitators, start, weeks, history = instance
    try:
        first = generate(groups, facilitators, start, weeks, history)
    except RotaInputError:
        return
    again = generate(groups, facilitators, start, weeks, history)
    assert shape(first) == shape(again) and first.spread == again.spread
    shuffled_facilitators = list(facilitators)
    shuffled_groups = list(groups)
    shuffled_history = list(history)
    rnd.shuffle(shuffled_facilitators)
    rnd.shuffle(shuffled_groups)
    rnd.shuffle(shuffled_history)
    other = generate(shuffled_groups, shuffled_facilitators, start, weeks, shuffled_history)
    assert shape(other) == shape(first)


# --------------------------------------------------------------------------------------------
# Exact spread against CP-SAT, on realistic instances


def realistic(seed: int) -> tuple[list[Group], list[Facilitator], dt.date, int]:
    """A plausible organisation: 3-12 facilitators, 1-3 groups, 12-52 weeks, a trainee or
    two, some monthly limits, dates off and unavailable weekdays, sometimes the women
    facilitator rule, the odd preference or request not to be paired."""
    rng = random.Random(seed)
    n = rng.randint(3, 12)
    weeks = rng.randint(12, 52)
    n_groups = rng.choice([1, 1, 2, 2, 3]) if n >= 5 else 1
    start = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 300))
    ids = [UUID(int=rng.getrandbits(128), version=4) for _ in range(n)]
    trainees = set(rng.sample(range(n), min(rng.choice([0, 0, 1, 1, 2]), max(0, n - 3))))
    facilitators = []
    for k in range(n):
        training = T if k in trainees else rng.choice([E, E, TR])
        offs = []
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            first = start + dt.timedelta(days=rng.randint(0, weeks * 7))
            offs.append(days(first, first + dt.timedelta(days=rng.randint(0, 20))))
        facilitators.append(
            Facilitator(
                id=ids[k],
                display_name=NAMES[k],
                training=training,
                unavailable_weekdays=rng.sample(range(7), 1) if rng.random() < 0.15 else [],
                dates_off=offs,
                max_per_month=rng.choice([None] * 6 + [2, 3, 4]),
                is_woman=rng.random() < 0.6,
                avoids=[rng.choice(ids)] if rng.random() < 0.05 else [],
                prefers=[rng.choice(ids)] if rng.random() < 0.15 else [],
            )
        )
    weekdays = (
        rng.sample(range(5), n_groups) if rng.random() < 0.8 else [rng.randint(0, 4)] * n_groups
    )
    groups = [
        Group(
            id=UUID(int=rng.getrandbits(128), version=4),
            name=f"Group {g}",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=weekdays[g], every_weeks=rng.choice([1, 1, 1, 2])),
            women_facilitator_rule=rng.random() < 0.25,
        )
        for g in range(n_groups)
    ]
    return groups, facilitators, start, weeks


def big_instance() -> tuple[list[Group], list[Facilitator], dt.date, int]:
    """The benchmark's input (bench/bench_rota.py): 52 weeks, 3 weekly groups (two on one
    day, one with the women facilitator rule), 12 facilitators."""
    groups = [
        group(1, "Tuesday voices"),
        group(2, "Thursday beliefs", weekday=3),
        group(3, "Women's voices", women=True),
    ]
    spec = [
        (E, True, [], None, None),
        (E, False, [], (dt.date(2025, 3, 10), dt.date(2025, 3, 23)), None),
        (TR, False, [3], None, 3),
        (TR, True, [], (dt.date(2025, 7, 28), dt.date(2025, 8, 15)), None),
        (E, True, [], (dt.date(2025, 12, 22), dt.date(2025, 12, 31)), None),
        (TR, True, [], None, 2),
        (T, False, [], (dt.date(2025, 5, 1), dt.date(2025, 5, 10)), None),
        (TR, False, [], None, None),
        (E, True, [1], None, None),
        (TR, None, [], (dt.date(2025, 9, 1), dt.date(2025, 9, 14)), 4),  # and 3-7 Nov
        (T, True, [], None, 3),
        (TR, False, [], (dt.date(2025, 2, 14), dt.date(2025, 2, 20)), None),
    ]
    facilitators = [
        fac(
            k + 1,
            NAMES[k],
            training,
            is_woman=woman,
            unavailable_weekdays=weekdays,
            dates_off=[days(*off)] if off else [],
            max_per_month=limit,
        )
        for k, (training, woman, weekdays, off, limit) in enumerate(spec)
    ]
    facilitators[9].dates_off.append(days(dt.date(2025, 11, 3), dt.date(2025, 11, 7)))
    return groups, facilitators, dt.date(2025, 1, 6), 52


def solve_exactly(groups, facilitators, start, weeks) -> tuple[int, int]:
    """(most places that can be filled, least spread among rotas filling that many), by CP-SAT
    (tests/core/rota_oracle.py, the model test_rota_optimal.py uses too)."""
    sessions = sessions_for(groups, start, weeks)
    eligible = eligible_ids(groups, facilitators, sessions)
    return optimum(groups, facilitators, sessions, Fixed(), eligible)


# Five seeds that once caught the generator out (a trainee and an experienced partner both
# near a monthly limit, three groups on one day, and the like); every other class of instance
# is compared with the exact optimum in test_rota_optimal.py.
EXACT_SEEDS = [118, 138, 140, 380, 478]


@pytest.mark.parametrize("seed", EXACT_SEEDS)
def test_spread_equals_the_optimum_on_realistic_instances(seed):
    groups, facilitators, start, weeks = realistic(seed)
    assert 3 <= len(facilitators) <= 12 and 12 <= weeks <= 52 and 1 <= len(groups) <= 3
    result = generate(groups, facilitators, start, weeks)
    check_hard_rules(groups, facilitators, start, weeks, [], result)
    most, least_spread = solve_exactly(groups, facilitators, start, weeks)
    filled = sum(len(placed(a)) for a in result.assignments)
    assert filled == most
    assert result.spread == least_spread


@pytest.mark.slow
def test_spread_equals_the_optimum_on_the_benchmark_instance():
    groups, facilitators, start, weeks = big_instance()
    result = generate(groups, facilitators, start, weeks)  # its time: bench/bench_rota.py
    check_hard_rules(groups, facilitators, start, weeks, [], result)
    most, least_spread = solve_exactly(groups, facilitators, start, weeks)
    assert sum(len(placed(a)) for a in result.assignments) == most
    assert result.spread == least_spread


def test_a_proven_spread_is_reported_as_such():
    groups, facilitators, start, weeks = big_instance()
    result = generate(groups, facilitators, start, weeks)
    assert result.as_even_as_possible
    assert result.spread_bound == result.spread


# --------------------------------------------------------------------------------------------
# Sessions, reasons, open places


def test_sessions_follow_each_pattern_in_date_order():
    weekly = group(1, "Weekly", weekday=TUESDAY)
    fortnightly = group(
        2,
        "Fortnightly",
        weekday=3,
        every=2,
    )
    later = Group(
        id=UUID(int=1003),
        name="Starts later",
        variant=Variant.DROP_IN,
        pattern=MeetingPattern(weekday=0, first_date=dt.date(2025, 3, 17)),
    )
    archived = group(4, "Archived", archived=True)
    sessions = sessions_for([later, fortnightly, weekly, archived], dt.date(2025, 3, 3), 4)
    assert sessions == [
        PlannedSession(weekly.id, dt.date(2025, 3, 4)),
        PlannedSession(fortnightly.id, dt.date(2025, 3, 6)),
        PlannedSession(weekly.id, dt.date(2025, 3, 11)),
        PlannedSession(later.id, dt.date(2025, 3, 17)),
        PlannedSession(weekly.id, dt.date(2025, 3, 18)),
        PlannedSession(fortnightly.id, dt.date(2025, 3, 20)),
        PlannedSession(later.id, dt.date(2025, 3, 24)),
        PlannedSession(weekly.id, dt.date(2025, 3, 25)),
    ]


def test_every_reason_is_one_line_naming_who_leads_and_who_co_facilitates():
    groups = [group(1, "Voices")]
    people = [fac(1, "Ana", E), fac(2, "Ben", E), fac(3, "Cal"), fac(4, "Dee", T)]
    history = [
        RotaAssignment(
            group_id=groups[0].id,
            date=dt.date(2024, 10, 3),
            lead_id=people[0].id,
            co_id=people[2].id,
        ),
        RotaAssignment(
            group_id=groups[0].id,
            date=dt.date(2024, 10, 10),
            lead_id=people[1].id,
            co_id=people[2].id,
        ),
    ]
    result = generate(groups, people, dt.date(2024, 10, 14), 8, history)
    names = {p.id: p.display_name for p in people}
    for a in result.assignments:
        assert a.reason.startswith(f"{names[a.lead_id]} leads")
        assert f"Before this: {names[a.lead_id]} " in a.reason and names[a.co_id] in a.reason
    # Cal, who has never led, leads the first session Cal is on beside someone experienced.
    first_with_cal = next(
        a for a in result.assignments if people[2].id in (a.lead_id, a.co_id) and a.co_id
    )
    assert first_with_cal.lead_id == people[2].id
    assert "Cal leads: led less recently (has not led" in first_with_cal.reason
    trainee_sessions = [a for a in result.assignments if a.co_id == people[3].id]
    assert trainee_sessions, "the trainee should get sessions"
    for a in trainee_sessions:
        assert names[a.lead_id] in {"Ana", "Ben"}
        assert f"{names[a.lead_id]} leads beside Dee, who is in training" in a.reason
        assert "Dee, in training, has" in a.reason
    assert result.spread == 0  # 8 sessions, 16 places, 4 people: 4 each


def test_the_lead_goes_to_whoever_led_least_recently_history_included():
    voices = group(1, "Voices")
    ana, ben = fac(1, "Ana", E), fac(2, "Ben", E)
    history = [
        RotaAssignment(group_id=voices.id, date=dt.date(2024, 10, 3), lead_id=ana.id),
        RotaAssignment(group_id=voices.id, date=dt.date(2024, 10, 10), lead_id=ben.id),
    ]
    result = generate([voices], [ben, ana], dt.date(2024, 10, 14), 4, history)
    leads = [a.lead_id for a in result.assignments]
    assert leads == [ana.id, ben.id, ana.id, ben.id]
    assert result.assignments[0].reason.startswith("Ana leads: led less recently (last led 3 Oct;")
    assert result.assignments[1].reason.startswith("Ben leads: led less recently (last led 10 Oct;")
    assert result.assignments[2].reason.startswith("Ana leads: led less recently (last led 15 Oct;")
    assert result.leads == {ana.id: 2, ben.id: 2}


def test_an_open_place_names_everyone_excluded_and_why():
    early, late = group(1, "Afternoon voices"), group(2, "Evening voices")
    other = UUID(int=1999)
    people = [
        fac(1, "Ana", E),
        fac(2, "Ben", E),
        fac(3, "Cal", dates_off=[days(dt.date(2025, 3, 1), dt.date(2025, 3, 14))]),
        fac(4, "Dee", max_per_month=1),
        fac(5, "Eve", T),
    ]
    history = [RotaAssignment(group_id=other, date=dt.date(2025, 3, 1), lead_id=people[3].id)]
    result = generate([early, late], people, dt.date(2025, 3, 4), 1, history)
    # Most places: a trainee with an experienced lead, and the other experienced one alone.
    assert sum(len(placed(a)) for a in result.assignments) == 3
    [gap] = result.open_sessions
    assert gap.lead_id is not None and gap.co_id is None
    assert "Co-facilitator place open:" in gap.reason
    assert "Away 1 Mar 2025 to 14 Mar 2025: Cal." in gap.reason
    assert "A limit of 1 a month reached: Dee has 1 other session in March 2025." in gap.reason
    assert "Already on a session on" in gap.reason


def test_a_session_nobody_can_hold_is_open_with_every_reason():
    voices = group(1, "Voices", women=True)
    people = [
        fac(1, "Ana", TR, is_woman=False),
        fac(2, "Ben", T, is_woman=True),
        fac(3, "Cal", E, unavailable_weekdays=[TUESDAY]),
    ]
    result = generate([voices], people, dt.date(2025, 3, 3), 2)
    for a in result.assignments:
        assert a.lead_id is None and a.co_id is None
        assert a.reason.startswith("Open: ")
        assert "A woman facilitator is asked for by Voices, and Ana is not down as one." in a.reason
        assert "An experienced partner is needed beside Ben, who is in training; nobody" in a.reason
        assert "Not available on Tuesdays: Cal." in a.reason
    assert len(result.open_sessions) == 2


def test_avoid_is_hard_even_when_it_leaves_a_place_open():
    people = [fac(1, "Ana", E), fac(2, "Ben", E, avoids=[UUID(int=1)])]
    result = generate([group(1, "Voices")], people, dt.date(2025, 3, 3), 4)
    for a in result.assignments:
        assert a.co_id is None
        assert "Asked not to be paired: Ben with Ana." in a.reason


def test_monthly_limits_count_history_in_the_same_month():
    people = [fac(1, "Ana", E, max_per_month=2), fac(2, "Ben", E), fac(3, "Cal", E)]
    history = [
        RotaAssignment(group_id=UUID(int=1999), date=dt.date(2025, 3, 1), lead_id=UUID(int=1)),
        RotaAssignment(group_id=UUID(int=1999), date=dt.date(2025, 3, 2), lead_id=UUID(int=1)),
    ]
    result = generate([group(1, "Voices")], people, dt.date(2025, 3, 3), 8, history)
    in_march = [a for a in result.assignments if a.date.month == 3]
    assert all(UUID(int=1) not in placed(a) for a in in_march)
    assert any(UUID(int=1) in placed(a) for a in result.assignments if a.date.month == 4)


# --------------------------------------------------------------------------------------------
# Impossible inputs


@pytest.mark.parametrize(
    ("groups", "people", "weeks", "words"),
    [
        ([group(1, "Voices")], [fac(1, "Ana", E)], 0, "at least one week (got 0)"),
        ([group(1, "Voices")], [fac(1, "Ana", E)], -3, "at least one week (got -3)"),
        ([], [fac(1, "Ana", E)], 4, "no groups"),
        ([group(1, "Voices", archived=True)], [fac(1, "Ana", E)], 4, "archived"),
        ([group(1, "Voices")], [], 4, "no facilitators"),
        ([group(1, "Voices")], [fac(1, "Ana", E, active=False)], 4, "no active facilitators"),
        (
            [group(1, "Voices")],
            [
                fac(1, "Ana", E, dates_off=[days(dt.date(2025, 1, 1), dt.date(2025, 12, 31))]),
                fac(2, "Ben", E, unavailable_weekdays=[TUESDAY]),
            ],
            4,
            "Every facilitator is away or unavailable",
        ),
        ([group(1, "Voices")], [fac(1, "Ana", E)], 1000, "at most 156 weeks"),
    ],
)
def test_impossible_inputs_raise_a_clear_one_line_error(groups, people, weeks, words):
    with pytest.raises(RotaInputError) as caught:
        generate(groups, people, dt.date(2025, 3, 3), weeks)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and message.endswith(".")
    assert isinstance(caught.value, VoicesGroupError)


def test_sessions_for_refuses_no_weeks():
    with pytest.raises(RotaInputError, match="at least one week"):
        sessions_for([group(1, "Voices")], dt.date(2025, 3, 3), 0)


# --------------------------------------------------------------------------------------------
# Cover


def cover_setup():
    """Ana (experienced) leads Tom (in training) on Tue 11 Mar; Ana can no longer come."""
    voices, beliefs = group(1, "Voices"), group(2, "Beliefs")
    day = dt.date(2025, 3, 11)
    ana, tom = fac(1, "Ana", E), fac(2, "Tom", T)
    people = [
        ana,
        tom,
        fac(3, "Ben", E),
        fac(4, "Cal", TR),
        fac(5, "Dee", E, dates_off=[days(day, day)]),
        fac(6, "Eve", E),
        fac(7, "Fay", E, max_per_month=1),
        fac(8, "Gus", E),
        fac(9, "Hal", E, avoids=[tom.id]),
        fac(10, "Ivy", E, active=False),
        fac(11, "Kit", T),
    ]
    target = RotaAssignment(group_id=voices.id, date=day, lead_id=ana.id, co_id=tom.id)
    others = [
        RotaAssignment(
            group_id=beliefs.id, date=day, lead_id=UUID(int=6), co_id=UUID(int=4)
        ),  # Eve and Cal are busy that day
        RotaAssignment(group_id=voices.id, date=dt.date(2025, 3, 4), lead_id=UUID(int=7)),
        RotaAssignment(
            group_id=voices.id, date=dt.date(2025, 3, 18), lead_id=UUID(int=8), co_id=tom.id
        ),
        RotaAssignment(group_id=voices.id, date=dt.date(2025, 4, 1), lead_id=UUID(int=8)),
    ]
    return [voices, beliefs], people, target, [target, *others]


def test_cover_for_a_trainees_lead_offers_only_free_experienced_people_least_loaded_first():
    groups, people, target, everything = cover_setup()
    suggestions = suggest_cover(target, UUID(int=1), people, everything, groups)
    names = [s.name for s in suggestions]
    # Cal: not experienced. Dee: away. Eve: busy that day. Fay: at her monthly limit.
    # Hal: asked not to be paired with Tom. Ivy: not active. Kit: in training.
    assert names == ["Ben", "Gus"]  # Ben has no sessions; Gus has two
    assert all(s.role == "lead" for s in suggestions)
    assert "experienced, so can lead beside Tom (in training)" in suggestions[0].reason
    # The count before this session is the one the reasons give; then the whole load.
    assert "0 sessions before this, 0 in all" in suggestions[0].reason
    assert "0 sessions before this, 2 in all" in suggestions[1].reason


def test_cover_for_a_trainee_may_be_another_trainee_beside_an_experienced_lead():
    groups, people, target, everything = cover_setup()
    suggestions = suggest_cover(target, UUID(int=2), people, everything, groups)
    by_name = {s.name: s for s in suggestions}
    assert "Kit" in by_name and by_name["Kit"].role == "co"
    assert "in training, with Ana as experienced lead" in by_name["Kit"].reason
    assert {"Cal", "Dee", "Eve", "Fay", "Ivy", "Ana", "Tom"}.isdisjoint(by_name)
    assert "Hal" in by_name  # Hal only avoids Tom, who is the one leaving


def test_cover_never_puts_a_trainee_beside_someone_not_experienced():
    voices = group(1, "Voices")
    cal, ben = fac(3, "Cal", TR), fac(4, "Ben", TR)
    kit, eve = fac(11, "Kit", T), fac(6, "Eve", E)
    target = RotaAssignment(
        group_id=voices.id, date=dt.date(2025, 3, 11), lead_id=ben.id, co_id=cal.id
    )
    suggestions = suggest_cover(target, ben.id, [cal, ben, kit, eve], [target], [voices])
    assert [s.name for s in suggestions] == ["Eve"]


def test_cover_for_someone_not_on_the_session_is_refused():
    groups, people, target, everything = cover_setup()
    with pytest.raises(RotaInputError, match="not on this session"):
        suggest_cover(target, UUID(int=3), people, everything, groups)


# --------------------------------------------------------------------------------------------
# Review


def review_setup():
    voices, women = group(1, "Voices"), group(2, "Women's group", women=True)
    ana = fac(1, "Ana", E, is_woman=False)
    ben = fac(2, "Ben", T)
    cal = fac(3, "Cal", TR, max_per_month=1)
    march = [dt.date(2025, 3, d) for d in (4, 11, 18, 25)]
    assignments = [
        RotaAssignment(group_id=voices.id, date=march[0], lead_id=ana.id, co_id=cal.id),
        RotaAssignment(group_id=voices.id, date=march[1], lead_id=ben.id, co_id=ana.id),
        RotaAssignment(group_id=voices.id, date=march[2], lead_id=ana.id, co_id=cal.id),
        RotaAssignment(group_id=women.id, date=march[2], lead_id=ana.id),
        RotaAssignment(group_id=voices.id, date=march[3]),
    ]
    actual = {
        (voices.id, march[0]): [ana.id, cal.id],
        (voices.id, march[1]): [ana.id, ben.id],
        (voices.id, march[2]): [ana.id, ben.id],
    }
    return [voices, women], [ana, ben, cal], assignments, actual


def test_review_figures_gaps_and_rule_breaks():
    groups, people, assignments, actual = review_setup()
    result = review(assignments, actual, people, None, None, None, groups=groups)
    loads = {load.name: load for load in result.loads}
    ana, ben, cal = loads["Ana"], loads["Ben"], loads["Cal"]
    assert (ana.planned_leads, ana.planned_co, ana.actual) == (3, 1, 3)
    assert (ben.planned_leads, ben.planned_co, ben.actual) == (1, 0, 2)
    assert (cal.planned_leads, cal.planned_co, cal.actual) == (0, 2, 1)
    assert ana.last_facilitated == dt.date(2025, 3, 18) and ana.next_due is None
    assert cal.last_facilitated == dt.date(2025, 3, 4)
    assert cal.next_due == dt.date(2025, 3, 18)
    assert result.spread == 4 - 1
    assert result.gaps == [
        "Women's group on Tue 18 Mar 2025 has no co-facilitator.",
        "Voices on Tue 25 Mar 2025 has nobody yet.",
    ]
    breaks = " | ".join(result.rule_breaks)
    assert "Voices on Tue 11 Mar 2025: In training, so cannot lead: Ben" in breaks
    assert (
        "Voices on Tue 18 Mar 2025: Already on a session on Tue 18 Mar 2025 (Women's group): Ana."
    ) in breaks
    assert "A limit of 1 a month reached: Cal has 1 other session in March 2025." in breaks
    assert (
        "Women's group on Tue 18 Mar 2025: A woman facilitator is asked for by Women's group, "
        "and Ana is not down as one."
    ) in breaks
    assert result.differences == [
        "Voices on Tue 18 Mar 2025: Cal planned but did not facilitate; Ben facilitated instead."
    ]


def test_review_filters_by_dates_and_group_and_works_without_actuals():
    groups, people, assignments, _ = review_setup()
    voices = groups[0]
    result = review(
        assignments,
        None,
        people,
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 31),
        voices.id,
        groups=groups,
        today=dt.date(2025, 3, 15),
    )
    loads = {load.name: load for load in result.loads}
    assert (loads["Ana"].planned_leads, loads["Ana"].planned_co) == (1, 1)
    assert loads["Ana"].actual is None
    assert loads["Ana"].last_facilitated == dt.date(2025, 3, 11)
    assert loads["Ana"].next_due == dt.date(2025, 3, 18)
    assert loads["Cal"].planned == 1 and loads["Cal"].next_due == dt.date(2025, 3, 18)
    assert result.gaps == ["Voices on Tue 25 Mar 2025 has nobody yet."]
    assert all(text.startswith("Voices on ") for text in result.rule_breaks)
