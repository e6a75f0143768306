"""The rota's words for what people type and read: dates, weeks, roles, availability.

Part of the stored rota's service (`service` offers each of these under its own name).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from voicesgroup import dates
from voicesgroup.kinds import WEEKDAYS
from voicesgroup.models import Facilitator
from voicesgroup.rota.planner import RotaInputError, check_weeks

Role = Literal["lead", "co"]


def parse_date(text: str, what: str = "date") -> dt.date:
    """A date written as YYYY-MM-DD; a clear one-line `RotaInputError` for anything else."""
    return dates.read_day(text, what, error=RotaInputError)


def parse_weeks(text: str) -> int:
    """A number of weeks (1 to the planner's limit); a clear one-line error otherwise."""
    cleaned = text.strip()
    try:
        weeks = int(cleaned)
    except ValueError:
        raise RotaInputError(f"{cleaned!r} is not a number of weeks.") from None
    check_weeks(weeks)
    return weeks


def day_words(day: dt.date) -> str:
    """A date as people say it on a rota: 'Tue 1 Dec 2026'."""
    return dates.day(day)


def short_day(day: dt.date) -> str:
    """A date for a narrow column: 'Tue 1 Dec'."""
    return dates.day(day, year=False)


def role_words(role: Role) -> str:
    """'lead' or 'co-facilitator'."""
    return "lead" if role == "lead" else "co-facilitator"


def availability_words(person: Facilitator, today: dt.date) -> str:
    """A facilitator's availability in a few words: 'not Thu; 3 a month at most; away 16 Dec'."""
    bits: list[str] = []
    if person.unavailable_weekdays:
        days = "/".join(WEEKDAYS[d][:3] for d in sorted(person.unavailable_weekdays))
        bits.append(f"not {days}")
    if person.max_per_month is not None:
        bits.append(f"{person.max_per_month} a month at most")
    coming = sorted((r for r in person.dates_off if r.end >= today), key=lambda r: r.start)
    if coming:
        first = coming[0]
        when = f"{first.start.day} {first.start:%b}"
        if first.end != first.start:
            when += f" to {first.end.day} {first.end:%b}"
        more = f" (+{len(coming) - 1})" if len(coming) > 1 else ""
        bits.append(f"away {when}{more}")
    return "; ".join(bits) or "any day"
