"""Whom someone on the rota may trade places with: only the swaps the rota's rules allow.

The swap dialog offers these; the swap itself is made by `service.swap_people`, through the one
guard. A choice is offered exactly when the guard would let that swap through (`guard.judge`,
asked before the change rather than after), so nobody away that day, or in a pair the rules
forbid, is ever offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from voicesgroup.rota.guard import (
    Role,
    Stored,
    ended_sessions,
    keeps_the_rules,
    role_field,
    role_of,
)

if TYPE_CHECKING:
    from voicesgroup.rota.service import RotaLine
    from voicesgroup.store import Store

SWAP_WITHIN = dt.timedelta(weeks=6)
"""Sessions offered to swap with: those within six weeks of the session."""


def swap_partners(
    store: Store,
    line: RotaLine,
    lines: Sequence[RotaLine],
    mover: UUID,
    *,
    today: dt.date | None = None,
) -> list[tuple[RotaLine, UUID, str, Role]]:
    """Whom `mover`, on `line`, could trade places with: (session, id, name, role) on every
    other session within `SWAP_WITHIN`, in the order of `lines`, keeping only the swaps the
    rota's rules allow, judged as the swap itself would be (`guard.keeps_the_rules`): someone
    away that day, or a pair the rules forbid, is never offered."""
    span = range(-SWAP_WITHIN.days, SWAP_WITHIN.days + 1)
    months = {(line.date + dt.timedelta(days)).isoformat()[:7] for days in span}
    before = Stored.take(store).in_months(months)
    mine = before.rota.get(str(line.id))
    if mine is None or mover not in {fid for fid, _, _ in line.people}:
        return []
    day, ended = today or dt.date.today(), ended_sessions(store)
    moving = role_field(role_of(line.assignment, mover))
    found: list[tuple[RotaLine, UUID, str, Role]] = []
    for other in lines:
        theirs = before.rota.get(str(other.id))
        if theirs is None or other.id == line.id or abs(other.date - line.date) > SWAP_WITHIN:
            continue
        for fid, name, role in other.people:
            swapped = {
                str(line.id): {**mine, moving: str(fid)},
                str(other.id): {**theirs, role_field(role): str(mover)},
            }
            if fid != mover and keeps_the_rules(before, swapped, today=day, ended=ended):
                found.append((other, fid, name, role))
    return found
