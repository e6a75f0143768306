"""Rota instances the planner's tests share: seeded shapes where a rota is easiest to get
nearly right (`hard_instance`), and `check_rules`, every hard rule checked on a planned rota
by its own statement (independent of `voicesgroup.rota.rules`)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from uuid import UUID

from tests.core.rota_oracle import alone_ok, on, pair_ok
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
from voicesgroup.rota import sessions_for

E, T, TR = TrainingStatus.EXPERIENCED, TrainingStatus.IN_TRAINING, TrainingStatus.TRAINED
NAMES = ["Ana", "Bryn", "Cy", "Dara", "Eli", "Fen", "Gil", "Hux", "Isa", "Jon", "Kai", "Lev"]
START = dt.date(2027, 1, 4)  # a Monday


def check_rules(groups, people, keep, result) -> None:
    by_id = {f.id: f for f in people}
    rule = {g.id: g.women_facilitator_rule for g in groups}
    everything = [*keep, *result.assignments]
    day = Counter((i, a.date) for a in everything for i in set(on(a)))
    month = Counter((i, a.date.year, a.date.month) for a in everything for i in set(on(a)))
    for a in result.assignments:
        people_on = on(a)
        assert len(set(people_on)) == len(people_on)
        assert a.lead_id is not None or a.co_id is None
        for i in people_on:
            f = by_id[i]
            assert f.active and f.available_on(a.date)
            assert day[i, a.date] == 1, f"{f.display_name} twice on {a.date}"
            if f.max_per_month is not None:
                assert month[i, a.date.year, a.date.month] <= f.max_per_month
        if a.lead_id:
            assert by_id[a.lead_id].training is not T
        if len(people_on) == 2:
            assert pair_ok(by_id[a.lead_id], by_id[a.co_id], rule[a.group_id])
        elif people_on:
            assert alone_ok(by_id[people_on[0]], rule[a.group_id])


HARD_CLASSES = [
    "tight_few",
    "same_day",
    "few_women",
    "one_experienced",
    "published_middle",
    "lopsided",
]


def lopsided_instance(seed: int):
    """Most groups meet on Tuesdays and only a few people can do Tuesdays: those few must hold
    many sessions, which the spread's bound has to see from where the places can go."""
    rnd = random.Random(f"lopsided-{seed}")
    n, weeks = rnd.randint(6, 9), rnd.randint(8, 16)
    ids = [UUID(int=k + 1) for k in range(n)]
    tuesdays = rnd.randint(2, 4)
    people = [
        Facilitator(
            id=ids[k],
            display_name=NAMES[k],
            training=rnd.choice([E, E, TR]),
            is_woman=rnd.choice([True, False]),
            max_per_month=rnd.choice([None, None, 2, 3]),
            unavailable_weekdays=[1] if k >= tuesdays else rnd.sample([3, 4], rnd.randint(0, 1)),
        )
        for k in range(n)
    ]
    groups = [
        Group(
            id=UUID(int=1000 + g),
            name=f"Group {g}",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=[1, 1, 3, 4][g], every_weeks=rnd.choice([1, 1, 2])),
        )
        for g in range(rnd.randint(2, 4))
    ]
    return groups, people, START, weeks, []


def hard_instance(kind: str, seed: int):
    """(groups, facilitators, start, weeks, keep) for one of `HARD_CLASSES` or "long"."""
    if kind == "lopsided":
        return lopsided_instance(seed)
    rnd = random.Random(f"hard-{kind}-{seed}")
    long = kind == "long"
    n = {"tight_few": rnd.randint(3, 4), "long": rnd.randint(8, 12)}.get(kind, rnd.randint(5, 7))
    weeks = rnd.randint(40, 52) if long else rnd.randint(8, 14)
    ids = [UUID(int=k + 1) for k in range(n)]
    women_at = set(rnd.sample(range(n), rnd.randint(1, 2))) if kind == "few_women" else None
    people = []
    for k in range(n):
        training = rnd.choice([E, TR, TR, T]) if long else rnd.choice([E, E, TR])
        if kind == "one_experienced":
            training = E if k == 0 else rnd.choice([T, T, TR])
        woman = (k in women_at) if women_at is not None else rnd.choice([True, False, None])
        limit = rnd.choice([1, 2]) if kind == "tight_few" else rnd.choice([None, None, 2, 3])
        offs = []
        if rnd.random() < 0.3:
            first = START + dt.timedelta(days=rnd.randint(0, weeks * 7))
            offs = [DateRange(start=first, end=first + dt.timedelta(days=rnd.randint(0, 21)))]
        people.append(
            Facilitator(
                id=ids[k],
                display_name=NAMES[k],
                training=training,
                is_woman=woman,
                max_per_month=limit,
                avoids=[ids[(k + 2) % n]] if rnd.random() < 0.15 else [],
                prefers=[ids[(k + 1) % n]] if rnd.random() < 0.2 else [],
                unavailable_weekdays=rnd.sample(range(5), rnd.randint(0, 2)),
                dates_off=offs,
            )
        )
    n_groups = 4 if long else rnd.randint(2, 3)
    same = rnd.choice([1, 3])
    groups = [
        Group(
            id=UUID(int=1000 + g),
            name=f"Group {g}",
            variant=rnd.choice([Variant.HEARING_VOICES, Variant.PARANOIA_BELIEFS]),
            pattern=MeetingPattern(
                weekday=same if kind == "same_day" else rnd.choice([0, 1, 3, 3]),
                every_weeks=rnd.choice([1, 1, 2]),
            ),
            women_facilitator_rule=(kind == "few_women" and g < 2) or rnd.random() < 0.2,
        )
        for g in range(n_groups)
    ]
    keep: list[RotaAssignment] = []
    if kind in ("published_middle", "long"):
        middle = START + dt.timedelta(weeks=weeks // 3)
        end = middle + dt.timedelta(weeks=max(2, weeks // 4))
        for session in sessions_for(groups, START, weeks):
            if middle <= session.date < end and rnd.random() < 0.8:
                a, b = rnd.sample(people, 2)
                keep.append(
                    RotaAssignment(
                        group_id=session.group_id,
                        date=session.date,
                        lead_id=a.id,
                        co_id=b.id,
                        status=RotaStatus.PUBLISHED,
                    )
                )
    return groups, people, START, weeks, keep
