"""The organisation's number settings as someone writes them: read, or refused in one sentence.

Each setting's bounds live once, on the model (`models.Settings`: a field's `ge` and `le`);
this reads them there, so the sentence says what the model will keep, and a bound changed on
the model changes the sentence. What someone writes is read as a whole number in any script's
digits ("12", "١٢" and "１２" are all twelve); anything else (nothing, a sign, a decimal point, a
space inside, a superscript, a number out of bounds) is refused with the same sentence, naming
the unit and the bounds, never pydantic's or Python's own words.
"""

from __future__ import annotations

from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Settings

UNITS = {
    "idle_lock_minutes": "minutes",
    "session_lock_minutes": "minutes",
    "notes_months": "months",
    "debriefs_months": "months",
    "named_attendance_months": "months",
    "report_smallest_count": "",
    "report_preparation_minutes": "minutes",
    "report_debrief_minutes": "minutes",
    "shadowing_before_sign_off": "sessions",
    "supervision_weeks": "weeks",
}
"""Every number setting, with what it counts ("" for a plain count)."""

LONGEST = 6
"""More digits than this is out of bounds for every setting (and never given to `int`, which
refuses past 4,300 digits in words of its own)."""


class SettingRefused(VoicesGroupError):
    """What was written for a number setting cannot be kept; `field_name` says which."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def bounds(name: str) -> tuple[int, int]:
    """The lowest and highest value the model keeps for the setting `name`."""
    low, high = None, None
    for rule in Settings.model_fields[name].metadata:  # pydantic's `Ge(1)`, `Le(240)`…
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    if low is None or high is None:
        raise LookupError(f"the setting {name} has no bounds on the model")
    return int(low), int(high)


def refusal(name: str) -> str:
    """The one sentence for a value the setting `name` cannot take."""
    low, high = bounds(name)
    unit = UNITS[name]
    return f"Write a whole number{f' of {unit}' if unit else ''} from {low} to {high}."


def checked(name: str, value: int) -> int:
    """`value`, if the setting `name` can take it; else `SettingRefused`."""
    low, high = bounds(name)
    if not low <= value <= high:
        raise SettingRefused(name, refusal(name))
    return value


def read(name: str, written: str) -> int:
    """The whole number written for the setting `name` (spaces around it are ignored), checked
    against the model's bounds; `SettingRefused` with the setting's sentence otherwise."""
    digits = written.strip()
    if not digits or not digits.isdecimal() or len(digits) > LONGEST:
        raise SettingRefused(name, refusal(name))
    return checked(name, int(digits))
