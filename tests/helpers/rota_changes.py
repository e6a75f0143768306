"""The rota as the guard's tests build it: facilitators, groups and sessions placed straight into a
store, what the review calls broken, and random sequences of the changes a coordinator makes.

`world()` is two groups (one asking for a woman facilitator) and five facilitators of every
training status; `OPS` draws a change and `apply_change` makes it through the services, with
the first cover offered (or the place left open) whenever a change needs cover.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import strategies as st

from voicesgroup import facilitator_path as fp
from voicesgroup.models import (
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    RotaStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import guard, reasons
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.guard import CoverNeeded
from voicesgroup.rota.service import GenerateRequest
from voicesgroup.store import Store

TODAY = dt.date(2027, 1, 4)  # a Monday
"""The day the rota's guard tests stand on."""
TUESDAY = dt.date(2027, 1, 5)
"""The next day, a Tuesday Voices day."""
E, T, TR = TrainingStatus.EXPERIENCED, TrainingStatus.IN_TRAINING, TrainingStatus.TRAINED


def new_store() -> Store:
    return Store.in_memory({}, Path("/nonexistent/voicesgroup.json"))


def person(store: Store, name: str, training: TrainingStatus = E, **extra) -> Facilitator:
    found = Facilitator(display_name=name, training=training, **extra)
    store.save_facilitator(found)
    return found


def group(store: Store, name: str, weekday: int = 1, **extra) -> Group:
    found = Group(
        name=name, variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=weekday), **extra
    )
    store.save_group(found)
    return found


def placed(store, where, day, lead, co, status=RotaStatus.PUBLISHED) -> RotaAssignment:
    item = RotaAssignment(
        group_id=where.id,
        date=day,
        lead_id=lead.id if lead else None,
        co_id=co.id if co else None,
        status=status,
    )
    store.save_rota([item])
    guard.refresh_reasons(store)
    return item


def broken(store: Store, today: dt.date = TODAY) -> list[str]:
    """What the coordinator's review calls broken."""
    review = rota_service.review_rota(store, group_id=None, start=None, end=None, today=today)
    return review.rule_breaks


def stale_reasons(store: Store) -> list[str]:
    """Reasons that are no longer what the rota as it stands gives."""
    found = reasons.explain_all(
        store.rota(), store.facilitators(), store.groups(include_archived=True)
    )
    return [item.reason for item in store.rota() if item.reason != found[item.id]]


def snapshot(store: Store) -> bytes:
    import orjson

    return orjson.dumps(store.storage.read(), option=orjson.OPT_SORT_KEYS)


NAMES = ["Rosa", "Tomasz", "Marcia", "Ines", "Sol"]
OPS = st.one_of(
    st.tuples(st.just("plan"), st.integers(0, 2), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("publish"), st.just(0), st.just(0), st.just(False)),
    st.tuples(st.just("swap_roles"), st.integers(0, 30), st.just(0), st.just(False)),
    st.tuples(st.just("swap"), st.integers(0, 30), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("cover"), st.integers(0, 30), st.integers(0, 5), st.booleans()),
    st.tuples(st.just("leave_open"), st.integers(0, 30), st.just(0), st.booleans()),
    st.tuples(st.just("break"), st.integers(0, 4), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("unavailable"), st.integers(0, 4), st.integers(0, 6), st.booleans()),
    st.tuples(st.just("inactive"), st.integers(0, 4), st.just(0), st.booleans()),
    st.tuples(st.just("experienced"), st.integers(0, 4), st.just(0), st.booleans()),
    st.tuples(st.just("sign_off"), st.just(4), st.just(0), st.just(False)),
)


def world() -> Store:
    store = new_store()
    group(store, "Tuesday Voices", 1)
    group(store, "Thursday Beliefs", 3, women_facilitator_rule=True)
    for name, training, woman in zip(
        NAMES, [E, E, E, TR, T], [True, False, True, False, None], strict=True
    ):
        person(store, name, training, is_woman=woman)
    return store


def nth_person(store: Store, k: int) -> Facilitator:
    return store.facilitators()[k % len(store.facilitators())]


def nth_session(store: Store, k: int) -> RotaAssignment | None:
    items = store.rota()
    return items[k % len(items)] if items else None


def with_cover(change, leave_open: bool) -> None:
    try:
        change(None)
    except CoverNeeded as needed:
        change(guard.first_choices(needed.touched, leave_open=leave_open))


def apply_change(store: Store, op: tuple[str, int, int, bool], today: dt.date = TODAY) -> None:
    """Make the change `op` (drawn from `OPS`) as a coordinator would on `today`."""
    kind, a, b, flag = op
    item = nth_session(store, a)
    if kind == "plan":
        groups = store.groups()
        chosen = None if a == 2 else groups[a].id
        request = GenerateRequest(chosen, today + dt.timedelta(weeks=b - 1), b)
        rota_service.generate_rota(store, request, publish=flag, today=today)
    elif kind == "publish":
        rota_service.publish(store, [i.id for i in store.rota()], today=today)
    elif kind == "swap_roles" and item:
        rota_service.swap_roles(store, item.id, today=today)
    elif kind == "swap" and item:
        other = nth_session(store, b)
        mine, theirs = guard._people_on(item), guard._people_on(other) if other else []
        if other and mine and theirs:
            rota_service.swap_people(
                store, item.id, mine[flag % len(mine)], other.id, theirs[0], today=today
            )
    elif kind in ("cover", "leave_open") and item and guard._people_on(item):
        leaving = guard._people_on(item)[flag % len(guard._people_on(item))]
        found = rota_service.cover_suggestions(store, item.id, leaving)
        if kind == "cover" and found:
            cover = found[b % len(found)]
            rota_service.apply_cover(store, item.id, leaving, cover, today=today)
        else:
            rota_service.leave_open(store, item.id, leaving, today=today)
    elif kind == "break":
        who, start = nth_person(store, a), today + dt.timedelta(days=b)
        with_cover(
            lambda covers: fp.take_break(
                store, who, start, start + dt.timedelta(days=6), today=today, covers=covers
            ),
            flag,
        )
    elif kind == "unavailable":
        who = nth_person(store, a).with_changes(unavailable_weekdays=[b])
        with_cover(
            lambda covers: guard.save_facilitator(store, who, today=today, covers=covers), flag
        )
    elif kind == "inactive":
        who = nth_person(store, a).with_changes(active=flag)
        with_cover(
            lambda covers: guard.save_facilitator(store, who, today=today, covers=covers), False
        )
    elif kind == "experienced":
        who = nth_person(store, a)
        with_cover(
            lambda covers: fp.set_experienced(store, who, flag, today=today, covers=covers), False
        )
    elif kind == "sign_off":
        sol = store.find_facilitator("Sol")
        fp.sign_off(store, sol, "Rosa", today, reason="ready", today=today)
