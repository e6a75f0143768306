"""The fixed choices records are made of: plain enums and their labels, no pydantic.

The models use them as field types; code that reads stored documents directly (the home
screen's first paint) uses them without loading the models.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Variant(StrEnum):
    HEARING_VOICES = "hearing_voices"
    PARANOIA_BELIEFS = "paranoia_beliefs"
    DROP_IN = "drop_in"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return VARIANT_LABELS[self]


VARIANT_LABELS = {
    Variant.HEARING_VOICES: "Hearing voices",
    Variant.PARANOIA_BELIEFS: "Paranoia & beliefs",
    Variant.DROP_IN: "Drop-in",
    Variant.CUSTOM: "Custom",
}


class TrainingStatus(StrEnum):
    IN_TRAINING = "in_training"
    TRAINED = "trained"
    EXPERIENCED = "experienced"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ConsentScope(StrEnum):
    ATTENDANCE_BY_NAME = "attendance_by_name"
    PERSONAL_NOTES = "personal_notes"
    CONTACT_DETAILS = "contact_details"
    STRATEGY_ATTRIBUTION = "strategy_attribution"

    @property
    def label(self) -> str:
        return CONSENT_SCOPE_LABELS[self]

    @property
    def short_label(self) -> str:
        """One word, for a narrow column: 'list', 'notes', 'contacts', 'strategies'."""
        return CONSENT_SCOPE_SHORT_LABELS[self]


CONSENT_SCOPE_LABELS = {
    ConsentScope.ATTENDANCE_BY_NAME: "Name on the attendance list",
    ConsentScope.PERSONAL_NOTES: "Notes written with them",
    ConsentScope.CONTACT_DETAILS: "Contact details",
    ConsentScope.STRATEGY_ATTRIBUTION: "Name beside strategies they share",
}
CONSENT_SCOPE_SHORT_LABELS = {
    ConsentScope.ATTENDANCE_BY_NAME: "list",
    ConsentScope.PERSONAL_NOTES: "notes",
    ConsentScope.CONTACT_DETAILS: "contacts",
    ConsentScope.STRATEGY_ATTRIBUTION: "strategies",
}


class ConsentAction(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentMethod(StrEnum):
    SAID_IN_ROOM = "said_in_room"
    WRITTEN = "written"

    @property
    def label(self) -> str:
        return "said in the room" if self is ConsentMethod.SAID_IN_ROOM else "written"


class RoundMark(StrEnum):
    NOT_YET = "not_yet"
    SPOKE = "spoke"
    PASSED = "passed"


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    ENDED = "ended"


class Moment(StrEnum):
    IN_THE_MOMENT = "in_the_moment"
    LONGER_TERM = "longer_term"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Experience(StrEnum):
    VOICES = "voices"
    VISIONS = "visions"
    BELIEFS = "beliefs"
    OTHER_SENSES = "other_senses"

    @property
    def label(self) -> str:
        return {"beliefs": "beliefs and paranoia"}.get(self.value, self.value.replace("_", " "))


class RotaStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def meeting_dates(
    weekday: int, every_weeks: int, first_date: dt.date | None, start: dt.date, count: int
) -> list[dt.date]:
    """The next `count` dates on or after `start` of a group meeting on `weekday` (0 is
    Monday) every `every_weeks` weeks, counted from `first_date` (or from `start`)."""
    anchor = first_date or start
    day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    found: list[dt.date] = []
    while len(found) < count:
        weeks_since_anchor = (day - anchor).days // 7
        if weeks_since_anchor % every_weeks == 0:
            found.append(day)
        day += dt.timedelta(days=7)
    return found


class PathStage(StrEnum):
    """Where a facilitator is on the path from first interest to leading groups."""

    INTERESTED = "interested"
    IN_TRAINING = "in_training"
    SHADOWING = "shadowing"
    SIGNED_OFF = "signed_off"

    @property
    def label(self) -> str:
        return PATH_STAGE_LABELS[self]


PATH_STAGE_LABELS = {
    PathStage.INTERESTED: "interested",
    PathStage.IN_TRAINING: "in training",
    PathStage.SHADOWING: "shadowing",
    PathStage.SIGNED_OFF: "signed off, may lead",
}
