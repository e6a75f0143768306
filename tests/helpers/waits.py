"""Waiting for a condition, never for a fixed time.

A test that sleeps a fixed moment and then asserts passes on a quiet laptop and fails on a busy
CI machine. These look again and again until what the test waits for is true; the time limit
only bounds a failure (so a broken app fails the test rather than hanging it), and is generous
because a loaded machine may be slow, never wrong.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from textual.pilot import Pilot

T = TypeVar("T")

WAIT_SECONDS = 60.0
"""How long to wait before calling it a failure: far beyond any wait that succeeds."""


def until(
    condition: Callable[[], T], what: str, *, within: float = WAIT_SECONDS, every: float = 0.1
) -> T:
    """The first true value of `condition()`, looked at every `every` seconds; an
    AssertionError naming `what` if none came within `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within:.0f} s for {what}")
        time.sleep(every)


async def pilot_until(
    pilot: Pilot[Any],
    condition: Callable[[], T],
    what: str,
    *,
    within: float = WAIT_SECONDS,
    every: float = 0.02,
) -> T:
    """`until` inside a running app: the app goes on working (timers, workers, messages)
    between looks."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {within:.0f} s for {what}")
        await pilot.pause(every)
