"""The frozen day and time the tests stand on, declared once.

The demo data is written for `TODAY`, the app is told it is `TODAY`, and a running session's
clock stands at `NOON` unless a test moves it, so the phase timer reads the same in every run.
Tests whose subject needs another day (a Monday for the rota, the core's `DEMO_TODAY`) name it
beside what it is for.
"""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 11, 26)
"""The day the tests' app and reports believe it is (a Thursday)."""

NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
"""Noon of `TODAY`, where a test's session clock stands."""


class FrozenClock:
    """The session clock in tests: still unless moved by hand (`clock.at = …`)."""

    def __init__(self, at: dt.datetime = NOON) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at
