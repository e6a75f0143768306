"""A swap is offered exactly when the rota's rules allow it.

The swap dialog lists whom someone may trade places with (`rota.service.swap_partners`). A
choice it lists must be one the swap itself would make, and one it leaves out must be one the
swap would refuse: the list and the guard (`guard.keeping_the_rules`) say the same thing, for
any rota a coordinator can reach (days off, a break, weekdays, limits, training pairs).
"""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.rota_changes import (
    OPS,
    TODAY,
    TUESDAY,
    apply_change,
    group,
    new_store,
    person,
    placed,
    world,
)
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import DateRange
from voicesgroup.rota import guard
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import rota_lines
from voicesgroup.rota.swaps import SWAP_WITHIN, swap_partners
from voicesgroup.store import Store
from voicesgroup.store.snapshot import Snapshot


def _swap_is_made(store: Store, line_id, mover, other_id, partner) -> bool:
    """Whether the swap itself goes through (made on a copy, so nothing here changes)."""
    scratch = Snapshot.of(store).scratch()
    try:
        rota_service.swap_people(scratch.store, line_id, mover, other_id, partner, today=TODAY)
    except VoicesGroupError:
        return False
    return True


def test_someone_away_on_the_day_is_not_offered() -> None:
    store = new_store()
    voices = group(store, "Tuesday Voices")
    rosa, tomasz, marcia, ines = (person(store, n) for n in ("Rosa", "Tomasz", "Marcia", "Ines"))
    first = placed(store, voices, TUESDAY, rosa, tomasz)
    placed(store, voices, TUESDAY + dt.timedelta(weeks=1), marcia, ines)
    away = ines.with_changes(dates_off=[DateRange(start=TUESDAY, end=TUESDAY)])
    guard.save_facilitator(store, away, today=TODAY)
    lines = rota_lines(store)
    line = next(each for each in lines if each.id == first.id)
    offered = {name for _, _, name, _ in swap_partners(store, line, lines, tomasz.id, today=TODAY)}
    assert offered == {"Marcia"}, "Ines is away that day and must not be offered"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(OPS, min_size=1, max_size=8))
def test_what_is_offered_is_exactly_what_the_swap_itself_allows(ops) -> None:
    store = world()
    for op in [("plan", 2, 3, True), *ops]:  # a published rota of both groups to begin with
        with contextlib.suppress(VoicesGroupError):  # a refused change leaves the rota as it was
            apply_change(store, op)
    lines = rota_lines(store)
    for line in lines:
        for mover, _, _ in line.people:
            offered = {
                (other.id, fid)
                for other, fid, _, _ in swap_partners(store, line, lines, mover, today=TODAY)
            }
            for other in lines:
                if other.id == line.id or abs(other.date - line.date) > SWAP_WITHIN:
                    continue
                for partner, name, _ in other.people:
                    made = partner != mover and _swap_is_made(
                        store, line.id, mover, other.id, partner
                    )
                    assert ((other.id, partner) in offered) == made, (
                        f"{name} on {other.date}: offered {not made}, the swap says {made}"
                    )
