"""What the facilitators' path, supervision and follow-ups share: their error, and the rule
that each keeps what has happened (no day after today).

`facilitator_path` (the path), `supervision` and `follow_ups` are the one service screens and
commands call about facilitators; their names are importable from `facilitator_path` too.
"""

from __future__ import annotations

import datetime as dt

from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError


class PathError(VoicesGroupError):
    """A change to someone's path, a supervision record or a follow-up that cannot be made."""


class MemberNamed(PathError):
    """A member's name was found where only general words belong; nothing was saved."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


def not_after_today(on: dt.date, what: str, today: dt.date | None = None) -> None:
    """Refuse a path date after today (a sign-off, a module attended, shadowing begun, a
    supervision meeting, a follow-up done): the path keeps what has happened."""
    today = today or dt.date.today()
    if on > today:
        raise PathError(
            f"The {what} ({dates.date(on)}) is after today ({dates.date(today)}): the path "
            "keeps what has happened. Nothing was changed."
        )
