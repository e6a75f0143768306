"""Who counts for the spread is decided once (`rules.counted_for_spread`): the planner and the
coordinator's review count the same people, so the review's spread of a plan is the planner's.

README, "Rotas": the spread counts "every active facilitator who could take at least one of
the sessions being planned (people with no availability in those weeks are not counted)".
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.rota_instances import NAMES, START, TR, E, T
from voicesgroup import facilitator_path as fp
from voicesgroup.kinds import PathStage
from voicesgroup.models import DateRange, Facilitator, Group, MeetingPattern, Variant
from voicesgroup.rota import generate, review
from voicesgroup.rota.service import GenerateRequest, generate_rota, review_rota
from voicesgroup.store import Store

WEEKS = 4


def test_an_interested_newcomer_does_not_widen_the_reviews_spread(store: Store) -> None:
    """Someone the path keeps off the rota (interested, free every day) and someone free on no
    day the groups meet count for neither the planner's spread nor the review's."""
    voices = Group(name="Voices", variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1))
    store.save_group(voices)
    for name in ("Ana", "Bryn", "Cy"):
        store.save_facilitator(Facilitator(display_name=name, training=E))
    never = Facilitator(display_name="Dara", training=E, unavailable_weekdays=[1])
    store.save_facilitator(never)
    newcomer = Facilitator(display_name="Eli", training=TR)
    store.save_facilitator(newcomer)
    fp.begin(store, newcomer, PathStage.INTERESTED, dt.date(2026, 1, 5))
    outcome = generate_rota(store, GenerateRequest(None, START, WEEKS), today=START)
    # 4 sessions, 8 places, 3 people who can take them: 3, 3 and 2.
    assert outcome.spread == 1
    found = review_rota(
        store,
        group_id=None,
        start=START,
        end=START + dt.timedelta(weeks=WEEKS, days=-1),
        today=START,
    )
    assert found.spread == outcome.spread == 1
    assert {load.name for load in found.loads} >= {"Dara", "Eli"}, "their loads are still shown"


people_strategy = st.lists(
    st.tuples(
        st.sampled_from([E, E, TR, T]),
        st.sampled_from([True, False, None]),
        st.lists(st.integers(0, 4), max_size=4, unique=True),
        st.sampled_from([None, None, 0, 1, 2]),
        st.booleans(),
        st.integers(-1, 27),
        st.booleans(),
    ),
    min_size=1,
    max_size=7,
)
groups_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(1, 2), st.booleans()), min_size=1, max_size=3
)


def _people(drawn) -> list[Facilitator]:
    found = []
    for k, (training, woman, weekdays, limit, active, off, avoids) in enumerate(drawn):
        offs = []
        if off >= 0:
            day = START + dt.timedelta(days=off)
            offs = [DateRange(start=day, end=day + dt.timedelta(days=6))]
        found.append(
            Facilitator(
                id=UUID(int=k + 1),
                display_name=NAMES[k],
                training=training,
                is_woman=woman,
                unavailable_weekdays=weekdays,
                max_per_month=limit,
                active=active,
                dates_off=offs,
                avoids=[UUID(int=(k + 1) % len(drawn) + 1)] if avoids and len(drawn) > 1 else [],
            )
        )
    return found


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(people_strategy, groups_strategy)
def test_the_review_counts_the_spread_as_the_planner_does(drawn, drawn_groups) -> None:
    """Any team and any groups (the rules about one day, training, "rather not", the women
    rule, inactive people): the review of a plan finds the plan's own spread."""
    people = _people(drawn)
    groups = [
        Group(
            id=UUID(int=1000 + g),
            name=f"Group {g}",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=weekday, every_weeks=every),
            women_facilitator_rule=women,
        )
        for g, (weekday, every, women) in enumerate(drawn_groups)
    ]
    if not any(f.active for f in people):
        return
    try:
        planned = generate(groups, people, START, WEEKS, explain=False)
    except Exception as refused:  # nobody free for any session: nothing to review
        assert "unavailable for all the planned sessions" in str(refused)
        return
    end = START + dt.timedelta(weeks=WEEKS, days=-1)
    found = review(planned.assignments, None, people, START, end, groups=groups)
    assert found.spread == planned.spread
