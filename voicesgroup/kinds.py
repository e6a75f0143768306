"""The fixed choices records are made of: plain enums and their labels, no pydantic.

The models use them as field types; code that reads stored documents directly (the home
screen's first paint) uses them without loading the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Labelled(StrEnum):
    """A choice shown to people: `label` is its words, given once with `labels`."""

    @property
    def label(self) -> str:
        return _WORDS[type(self), "label"][self]


Kind = TypeVar("Kind", bound=Labelled)
_WORDS: dict[tuple[type[Labelled], str], Mapping[Any, str]] = {}
"""Each kind's words, by what they are called; keys are the kind's own choices."""


def labels(kind: type[Kind], words: dict[Kind, str], *, called: str = "label") -> dict[Kind, str]:
    """Give every choice of `kind` its words (`called` names them, e.g. a short label), once.

    A choice without words is refused here, as the module loads, not when a screen shows it.
    Returns the words in order, for a list to choose from.
    """
    missing = [choice.value for choice in kind if not words.get(choice)]
    if missing or len(words) != len(kind):
        raise ValueError(f"Every choice of {kind.__name__} needs its words ({missing or 'extra'})")
    _WORDS[kind, called] = words
    return words


class Variant(Labelled):
    HEARING_VOICES = "hearing_voices"
    PARANOIA_BELIEFS = "paranoia_beliefs"
    DROP_IN = "drop_in"
    CUSTOM = "custom"


VARIANT_LABELS = labels(
    Variant,
    {
        Variant.HEARING_VOICES: "Hearing voices",
        Variant.PARANOIA_BELIEFS: "Paranoia & beliefs",
        Variant.DROP_IN: "Drop-in",
        Variant.CUSTOM: "Custom",
    },
)


class TrainingStatus(Labelled):
    IN_TRAINING = "in_training"
    TRAINED = "trained"
    EXPERIENCED = "experienced"


labels(
    TrainingStatus,
    {
        TrainingStatus.IN_TRAINING: "in training",
        TrainingStatus.TRAINED: "trained",
        TrainingStatus.EXPERIENCED: "experienced",
    },
)


class ConsentScope(Labelled):
    ATTENDANCE_BY_NAME = "attendance_by_name"
    PERSONAL_NOTES = "personal_notes"
    CONTACT_DETAILS = "contact_details"
    STRATEGY_ATTRIBUTION = "strategy_attribution"

    @property
    def short_label(self) -> str:
        """One word, for a narrow column: 'list', 'notes', 'contacts', 'strategies'."""
        return _WORDS[ConsentScope, "short label"][self]


CONSENT_SCOPE_LABELS = labels(
    ConsentScope,
    {
        ConsentScope.ATTENDANCE_BY_NAME: "Name on the attendance list",
        ConsentScope.PERSONAL_NOTES: "Notes written with them",
        ConsentScope.CONTACT_DETAILS: "Contact details",
        ConsentScope.STRATEGY_ATTRIBUTION: "Name beside strategies they share",
    },
)
CONSENT_SCOPE_SHORT_LABELS = labels(
    ConsentScope,
    {
        ConsentScope.ATTENDANCE_BY_NAME: "list",
        ConsentScope.PERSONAL_NOTES: "notes",
        ConsentScope.CONTACT_DETAILS: "contacts",
        ConsentScope.STRATEGY_ATTRIBUTION: "strategies",
    },
    called="short label",
)


class ConsentAction(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentMethod(Labelled):
    SAID_IN_ROOM = "said_in_room"
    WRITTEN = "written"


labels(
    ConsentMethod,
    {ConsentMethod.SAID_IN_ROOM: "said in the room", ConsentMethod.WRITTEN: "written"},
)


class RoundMark(StrEnum):
    NOT_YET = "not_yet"
    SPOKE = "spoke"
    PASSED = "passed"


def everyone_present(named: int, anonymous: int, newcomers: int) -> int:
    """A session's head count: members named, people counted without a name, and newcomers.
    The one sum, for a session record and for the evaluation that counts stored documents."""
    return named + anonymous + newcomers


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    ENDED = "ended"


class Moment(Labelled):
    IN_THE_MOMENT = "in_the_moment"
    LONGER_TERM = "longer_term"


labels(Moment, {Moment.IN_THE_MOMENT: "in the moment", Moment.LONGER_TERM: "longer term"})


class Experience(Labelled):
    VOICES = "voices"
    VISIONS = "visions"
    BELIEFS = "beliefs"
    OTHER_SENSES = "other_senses"


labels(
    Experience,
    {
        Experience.VOICES: "voices",
        Experience.VISIONS: "visions",
        Experience.BELIEFS: "beliefs and paranoia",
        Experience.OTHER_SENSES: "other senses",
    },
)


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


def describe_meeting(weekday: int, every_weeks: int, start: dt.time, minutes: int) -> str:
    """A meeting pattern in words: "every Tuesday, 18:30, 90 min" (the model's `describe`,
    and the command line's list of groups, which reads the stored documents)."""
    from voicesgroup import dates

    often = {1: "every", 2: "every other"}.get(every_weeks, f"every {every_weeks}th")
    return f"{often} {WEEKDAYS[weekday]}, {dates.clock(start)}, {minutes} min"


class PathStage(Labelled):
    """Where a facilitator is on the path from first interest to leading groups."""

    INTERESTED = "interested"
    IN_TRAINING = "in_training"
    SHADOWING = "shadowing"
    SIGNED_OFF = "signed_off"


PATH_STAGE_LABELS = labels(
    PathStage,
    {
        PathStage.INTERESTED: "interested",
        PathStage.IN_TRAINING: "in training",
        PathStage.SHADOWING: "shadowing",
        PathStage.SIGNED_OFF: "signed off, may lead",
    },
)
