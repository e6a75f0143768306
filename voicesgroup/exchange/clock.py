"""The hybrid logical clock that stamps every shared record.

A stamp is (wall time in milliseconds, a counter, the laptop's replica id), compared in that
order, so two stamps are never equal unless one laptop made both. Each new stamp is later than
every stamp this laptop has made or received, so an edit made after seeing another always
wins. A received stamp more than a day ahead of this laptop's own clock is not believed: it
never moves the clock, and what carries it is quarantined (`too_far_ahead`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000
"""How far ahead of this laptop's clock a received stamp may be."""


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
            or ms < 0
            or counter < 0
            or not replica
        ):
            return None
        return cls(ms, counter, replica)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """One laptop's hybrid logical clock."""

    def __init__(self, replica: str, last: Stamp | None, wall: Callable[[], int] = wall_ms):
        self.replica = replica
        self.last_ms = last.ms if last else 0
        self.last_counter = last.counter if last else 0
        self.wall = wall

    def now(self) -> Stamp:
        """A new stamp, later than every stamp made or received here."""
        physical = self.wall()
        if physical > self.last_ms:
            self.last_ms, self.last_counter = physical, 0
        else:
            self.last_counter += 1
        return Stamp(self.last_ms, self.last_counter, self.replica)

    def too_far_ahead(self, stamp: Stamp) -> bool:
        return stamp.ms > self.wall() + FUTURE_LIMIT_MS

    def receive(self, stamp: Stamp) -> bool:
        """Advance past a received stamp; False (and nothing moved) when it is too far ahead."""
        if self.too_far_ahead(stamp):
            return False
        if (stamp.ms, stamp.counter) > (self.last_ms, self.last_counter):
            self.last_ms, self.last_counter = stamp.ms, stamp.counter
        return True

    @property
    def state(self) -> Stamp:
        return Stamp(self.last_ms, self.last_counter, self.replica)
