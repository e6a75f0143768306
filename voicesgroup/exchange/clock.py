"""The hybrid logical clock that stamps every shared record.

A stamp is (wall time in milliseconds, a counter, the laptop's replica id), compared in that
order, so two stamps are never equal unless one laptop made both. Each new stamp is later than
every stamp this laptop has made or received, so an edit made after seeing another always
wins.

The clock's rules about time that is wrong:

- This laptop's time is the later of its computer's clock (`wall`) and its last stamp as the
  exchange began: the stored clock may be ahead of the computer's, when the computer's clock
  was put back.
- A received stamp more than a day ahead of this laptop's time is not believed: it never
  moves the clock, and what carries it is quarantined (`too_far_ahead`), naming the laptop it
  came from. Measured from this laptop's time, not from the computer's clock alone, so a
  laptop whose own clock fell behind after it last exchanged does not blame the others for
  stamps no later than its own.
- A stamp this laptop makes is later than every stamp it made or received, with one
  exception, the mirror of the one above: when the last stamp kept was made here and is more
  than a day ahead of the computer's clock, this laptop's stamps ran ahead of its clock and no
  other laptop's stamp says that time was right. Every laptop with a right clock set those
  stamps aside, so nothing elsewhere needs beating: new stamps start again from the
  computer's clock (`now`), and the laptop whose clock was put right is heard again at once
  instead of a year later. The price, said plainly: the clock cannot tell "it was ahead and is
  right now" from "it was right and has fallen behind since", so on a laptop whose clock fell
  more than a day behind after its own last stamp, an edit made before it next hears from
  another laptop can lose to an earlier version of the same record. When the last stamp kept
  came from another laptop (the kept stamp says who made it), that time was confirmed, and
  the clock stays ahead of it.
- A stamp is read only within its ranges (`Stamp.read`: a millisecond before the year 10000,
  a counter up to `MAX_COUNTER`, a replica id that could name an outbox, `folder.REPLICA_ID`);
  an outbox holding another is set aside whole. When the counter would pass its limit, the
  stamp moves on a millisecond instead, so no stamp this laptop makes is ever out of range.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

from voicesgroup.exchange.folder import REPLICA_ID

FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000
"""How far ahead of this laptop's time a received stamp may be."""
MAX_MS = 253_402_300_799_999
"""The last millisecond of the year 9999: no stamp is later."""
MAX_COUNTER = 2**32 - 1
"""The largest counter a stamp may carry."""
SHIPPED_MS = 0
"""The wall time of the stamp an untouched shipped copy (a starter strategy, a national
helpline) travels under: below every real edit, and never a conflict with one."""


class Stamp(NamedTuple):
    ms: int
    counter: int
    replica: str

    def as_list(self) -> list[int | str]:
        return [self.ms, self.counter, self.replica]

    @classmethod
    def read(cls, value: object) -> Stamp | None:
        """A stamp from its stored form, or None when it is not one."""
        if not isinstance(value, list | tuple) or len(value) != 3:
            return None
        ms, counter, replica = value
        if (
            type(ms) is not int
            or type(counter) is not int
            or not isinstance(replica, str)
            or not 0 <= ms <= MAX_MS
            or not 0 <= counter <= MAX_COUNTER
            or not _replica_id(str(replica))
        ):
            return None
        return cls(ms, counter, replica)


@functools.lru_cache(maxsize=256)
def _replica_id(value: str) -> bool:
    """Whether a text could be a replica id (`folder.REPLICA_ID`). An outbox names a few
    laptops thousands of times over: each is checked once."""
    return REPLICA_ID.fullmatch(value) is not None


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One laptop's hybrid logical clock."""

    def __init__(self, replica: str, last: Stamp | None, wall: Callable[[], int] = wall_ms):
        self.replica = replica
        self.last_ms = last.ms if last else 0
        self.last_counter = last.counter if last else 0
        self.last_by = last.replica if last else replica
        """Which laptop made the last stamp kept: this one, or one it heard from."""
        self.known_ms = self.last_ms
        """The last stamp as this exchange began: what `time` trusts (a stamp received in it
        does not move what the next one is measured against)."""
        self.wall = wall

    def now(self) -> Stamp:
        """A new stamp, later than every stamp made or received here."""
        physical = min(self.wall(), MAX_MS)
        if self.last_by == self.replica and self.last_ms > physical + FUTURE_LIMIT_MS:
            # this laptop's own stamps ran ahead of its clock: start again (see the module)
            self.last_ms, self.last_counter = physical, -1
        self.last_by = self.replica
        if physical > self.last_ms:
            self.last_ms, self.last_counter = physical, 0
        elif self.last_counter < MAX_COUNTER:
            self.last_counter += 1
        else:  # the counter is full: the next millisecond instead
            self.last_ms, self.last_counter = min(self.last_ms + 1, MAX_MS), 0
        return Stamp(self.last_ms, self.last_counter, self.replica)

    def time(self) -> int:
        """This laptop's time: the later of the computer's clock and the last stamp."""
        return max(self.wall(), self.known_ms)

    def limit(self) -> int:
        """The latest wall time a received stamp may carry now: a day past this laptop's."""
        return self.time() + FUTURE_LIMIT_MS

    def too_far_ahead(self, stamp: Stamp) -> bool:
        """Whether a received stamp is more than a day ahead of this laptop's time."""
        return stamp.ms > self.limit()

    def receive(self, stamp: Stamp) -> bool:
        """Advance past a received stamp; False (and nothing moved) when it is too far ahead."""
        if self.too_far_ahead(stamp):
            return False
        if (stamp.ms, stamp.counter) > (self.last_ms, self.last_counter):
            self.last_ms, self.last_counter = stamp.ms, stamp.counter
            self.last_by = stamp.replica
        return True

    def receive_all(self, stamps: Iterable[Stamp]) -> None:
        """Advance past every one of `stamps` (none too far ahead) as `receive` would one by
        one: only the first of the latest moves the clock, so only it is received."""
        latest = max(stamps, key=lambda stamp: (stamp.ms, stamp.counter), default=None)
        if latest is not None:
            self.receive(latest)

    @property
    def state(self) -> Stamp:
        """The last stamp made or received here, with the laptop that made it (kept)."""
        return Stamp(self.last_ms, self.last_counter, self.last_by)
