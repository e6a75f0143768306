"""The records voicesgroup keeps, as pydantic models.

What is *not* here matters as much as what is: there are no fields for medical labels, medication,
risk or any rating of a member, and a member is known by a display name only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Annotated, Any, ClassVar, Self
from uuid import UUID, uuid4

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from voicesgroup import dates
from voicesgroup.kinds import (
    ConsentAction,
    ConsentMethod,
    ConsentScope,
    Experience,
    Moment,
    PathStage,
    RotaStatus,
    RoundMark,
    SessionStatus,
    TrainingStatus,
    Variant,
    describe_meeting,
    everyone_present,
    meeting_dates,
)
from voicesgroup.schema import SCHEMA_VERSION

__all__ = [  # the kinds are part of what a record is made of, so they are importable here too
    "SCHEMA_VERSION",
    "ConsentAction",
    "ConsentMethod",
    "ConsentScope",
    "Experience",
    "Moment",
    "PathStage",
    "RotaStatus",
    "RoundMark",
    "SessionStatus",
    "TrainingStatus",
    "Variant",
]

MAX_NAME_LENGTH = 60
MAX_TEXT_LENGTH = 20_000
THEME_LENGTH = 500
"""The most characters a theme holds (and the quick capture of one line allows)."""


def now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("A time must carry its timezone")
    return value


def _tidy_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("A name cannot be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise ValueError(f"A name can be at most {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in value):
        raise ValueError("A name cannot hold control characters")
    return value


_ESCAPED_CONTROL = re.compile(rb"\\(?:[bfr]|u00[01])")
"""How a control character below a space (but a newline or a tab) is written in JSON text: an
escape (\\b \\f \\r \\u0000…\\u001f). A backslash typed in a text can look like one too; then
the exact walk decides."""
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")
"""A C1 control character (U+0080…U+009F) as it stands in UTF-8; DEL is the byte 7F."""
TEXTS_CHECKED = "texts checked"
"""A validation context's key: True when the caller found every text of what it validates
free of control characters already (`json_surely_clean` over the whole of it at once), so no
record is searched again."""


def json_surely_clean(blob: bytes) -> bool:
    """A fast "no control character in any text" for JSON text in UTF-8 that writes other
    characters as they are (as `json.dumps(ensure_ascii=False)` or orjson do): a search for
    each byte a control character can start with; False when unsure."""
    return not (
        b"\x7f" in blob
        or (b"\\" in blob and _ESCAPED_CONTROL.search(blob) is not None)
        or (b"\xc2" in blob and _C1_CONTROL.search(blob) is not None)
    )


def _surely_clean(value: dict[str, Any]) -> bool:
    """A fast "no control character" for a document of plain values (one pass of the C
    encoder instead of a walk in Python over a record read from a file); False when unsure."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not plain JSON (a date, a model): walk it
        return False
    return json_surely_clean(text.encode("utf-8", "surrogatepass"))


def refuse_control_characters(value: Any, where: tuple[str | int, ...] = ()) -> Any:
    """Refuse control characters anywhere in stored text (newlines and tabs are text).

    The one check for every text field of every record, nested values and keys included: an
    escape sequence typed or pasted into a venue would otherwise reach a terminal raw. The
    refusal says where the character is (`ValidationError` at the field that holds it, so a
    form shows it beside that field and a command names it), never the first field of all.
    """
    if isinstance(value, dict) and _surely_clean(value):
        return value
    if isinstance(value, str):
        if not value.isprintable() and any(
            unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value
        ):
            raise _control_characters_at(where)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_control_characters(key, where)
            refuse_control_characters(item, _deeper(where, key) if isinstance(key, str) else where)
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            refuse_control_characters(item, _deeper(where, number))
    elif isinstance(value, BaseModel):  # a part built on its own (an agreement, a template)
        refuse_control_characters(value.__dict__, where)
    return value


def _deeper(where: tuple[str | int, ...], key: str | int) -> tuple[str | int, ...]:
    """`where` and one step more: a field's name or a place in a list. A key that is not a
    field's name (an id, the question a debrief answers) ends the path at the field that holds
    the map ("" marks it)."""
    if "" in where:
        return where
    if isinstance(key, int) or (key.isidentifier() and key.isascii()):
        return (*where, key)
    return (*where, "")


def _control_characters_at(where: tuple[str | int, ...]) -> ValidationError:
    """The refusal of a control character at `where` (a path of field names and list
    places), as a model's own refusal of that field."""
    loc = where[: where.index("")] if "" in where else where
    return ValidationError.from_exception_data(
        "Text",
        [
            InitErrorDetails(
                type=PydanticCustomError("control_characters", CONTROL_CHARACTERS),
                loc=loc,
                input="",
            )
        ],
    )


CONTROL_CHARACTERS = "Text cannot hold control characters"
"""What is said of a control character (a terminal's escape, say) in stored text."""


AwareDatetime = Annotated[dt.datetime, AfterValidator(_aware)]
Name = Annotated[str, AfterValidator(_tidy_name)]
Text = Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]


class Record(BaseModel):
    """Base of every stored record: a UUID, a creation time, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    TABLE: ClassVar[str]
    """The name of the table its documents are stored in."""

    id: UUID = Field(default_factory=uuid4)
    created_at: AwareDatetime = Field(default_factory=now)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(info.context, dict) and info.context.get(TEXTS_CHECKED) is True:
            return data
        return refuse_control_characters(data)

    def with_changes(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (records are immutable)."""
        return type(self).model_validate({**self.model_dump(), **changes})


class MeetingPattern(BaseModel):
    """When a group meets: a weekday, a start time, how long, how often."""

    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    start: dt.time = dt.time(18, 30)
    minutes: int = Field(default=90, ge=15, le=240)
    every_weeks: int = Field(default=1, ge=1, le=4)
    first_date: dt.date | None = None

    def describe(self) -> str:
        return describe_meeting(self.weekday, self.every_weeks, self.start, self.minutes)

    def dates_from(self, start: dt.date, count: int) -> list[dt.date]:
        """The next `count` meeting dates on or after `start`."""
        return meeting_dates(self.weekday, self.every_weeks, self.first_date, start, count)


class Agreement(BaseModel):
    """One version of a group's agreement, with its limits of confidentiality."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    points: list[Text]
    confidentiality: list[Text]
    agreed_on: dt.date
    review_on: dt.date


class Phase(BaseModel):
    """One part of a session: welcome, a round, grounding…"""

    model_config = ConfigDict(extra="forbid")

    key: str
    title: Name
    minutes: int = Field(ge=0, le=240)
    is_round: bool = False
    prompts: list[Text] = []


class SessionTemplate(BaseModel):
    """The shape of a session; shipped per variant in data/, copied and changed by a group."""

    model_config = ConfigDict(extra="forbid")

    key: str
    version: int = Field(ge=1)
    name: Name
    vocabulary: dict[str, str] = {}
    phases: list[Phase]

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)


class Group(Record):
    TABLE: ClassVar[str] = "groups"
    name: Name
    variant: Variant
    pattern: MeetingPattern
    venue: Annotated[str, Field(max_length=200)] = ""
    vocabulary: dict[str, str] = {}
    agreements: list[Agreement] = []
    template: SessionTemplate | None = None
    women_facilitator_rule: bool = False
    archived: bool = False

    @property
    def agreement(self) -> Agreement | None:
        """The current (latest) version of the group agreement."""
        return self.agreements[-1] if self.agreements else None


class Member(Record):
    TABLE: ClassVar[str] = "members"
    display_name: Name = Field(description="A first or chosen name, nothing more")
    joined_on: dt.date = Field(default_factory=lambda: now().date())
    former_names: list[Name] = Field(
        default_factory=list,
        description="Names they were known by here before, kept so that forgetting them "
        "finds every text written under an earlier name; erased with them",
    )

    def every_name(self) -> list[str]:
        """The name they go by, then each earlier one."""
        return [self.display_name, *self.former_names]


class DateRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: dt.date
    end: dt.date

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError("A date range must end on or after its start")
        return end

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class Facilitator(Record):
    TABLE: ClassVar[str] = "facilitators"
    display_name: Name
    training: TrainingStatus = TrainingStatus.TRAINED
    unavailable_weekdays: list[int] = []
    dates_off: list[DateRange] = []
    max_per_month: int | None = Field(default=None, ge=0, le=31)
    prefers: list[UUID] = []
    avoids: list[UUID] = []
    is_woman: bool | None = None
    active: bool = True
    named_in_reports: bool = False
    """They said yes to their name in the evaluation for trustees and funders; otherwise the
    report gives their figures only within the team's, without a name."""

    def available_on(self, day: dt.date) -> bool:
        return day.weekday() not in self.unavailable_weekdays and not any(
            day in off for off in self.dates_off
        )


class ConsentEvent(Record):
    """One change of one member's consent for one scope; the history is never rewritten."""

    TABLE: ClassVar[str] = "consent_events"
    member_id: UUID
    scope: ConsentScope
    action: ConsentAction
    on: AwareDatetime = Field(default_factory=now)
    method: ConsentMethod
    wording_version: str
    recorded_by: Name
    review_after_months: int | None = Field(default=None, ge=1, le=60)


class Debrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Text] = {}
    written_at: AwareDatetime = Field(default_factory=now)


class Session(Record):
    TABLE: ClassVar[str] = "sessions"
    group_id: UUID
    date: dt.date
    status: SessionStatus = SessionStatus.IN_PROGRESS
    template_key: str = ""
    template_version: int = 1
    facilitator_ids: list[UUID] = []
    named_member_ids: list[UUID] = Field(
        default=[], description="Present members who consented to attendance by name"
    )
    anonymous_count: int = Field(default=0, ge=0, le=500)
    newcomers: int = Field(default=0, ge=0, le=500)
    themes: list[Annotated[str, Field(max_length=THEME_LENGTH)]] = []
    follow_ups: list[Annotated[str, Field(max_length=2000)]] = []
    current_phase: int = Field(default=0, ge=0)
    phase_started_at: AwareDatetime | None = None
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    round_marks: dict[str, RoundMark] = {}
    debrief: Debrief | None = None
    round_phase_key: str = Field(default="", description="The round the round marks belong to")
    round_position: int = Field(default=0, ge=0, description="Whose turn it is in the round")
    strategy_ids: list[UUID] = Field(default=[], description="Strategies shared in this session")
    room_view: bool = Field(
        default=False, description="Names, notes and counts hidden: the screen faces the room"
    )

    @property
    def head_count(self) -> int:
        """Everyone present: named, anonymous and newcomers."""
        return everyone_present(len(self.named_member_ids), self.anonymous_count, self.newcomers)


class Note(Record):
    """A note written *with* a member, in their own words, saved only once they agreed to it."""

    TABLE: ClassVar[str] = "notes"
    member_id: UUID
    session_id: UUID | None = None
    member_words: Text
    what_helped: Text = ""
    to_remember: Text = ""
    facilitator_words: Text = ""
    agreed_by_member: bool
    restricted: bool = False
    updated_at: AwareDatetime = Field(default_factory=now)

    @field_validator("agreed_by_member")
    @classmethod
    def _must_be_agreed(cls, agreed: bool) -> bool:
        if not agreed:
            raise ValueError("A note is saved only when the member has agreed to it")
        return agreed


class ContactDetail(Record):
    TABLE: ClassVar[str] = "contact_details"
    member_id: UUID
    kind: Annotated[str, Field(max_length=40)]
    value: Annotated[str, Field(max_length=200)]
    restricted: bool = False


STRATEGY_CATEGORIES = {
    "getting_to_know": "Getting to know the experience",
    "boundaries": "Boundaries and appointments with voices",
    "talking_back": "Talking back",
    "selective_listening": "Selective listening",
    "not_obeying": "Not obeying",
    "distraction": "Distraction",
    "grounding": "Grounding and calming",
    "physical": "Physical",
    "social": "Social and connection",
    "creative": "Creative",
    "kindness": "Kindness to yourself",
    "practical": "Practical tricks",
    "checking_out": "Checking things out",
    "making_sense": "Making sense and meaning",
    "medication_choice": "Medication and services as a personal choice",
    "planning": "Planning for hard times",
}


class CopingStrategy(Record):
    TABLE: ClassVar[str] = "strategies"
    title: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = ""
    category: str
    experiences: list[Experience] = [Experience.VOICES]
    moment: Moment = Moment.IN_THE_MOMENT
    starter_key: str | None = Field(default=None, description="Set for the shipped starter set")
    shared_in_group_id: UUID | None = None
    shared_on: dt.date | None = None
    caution: Annotated[str, Field(max_length=300)] = ""
    helped_count: int = Field(default=0, ge=0)
    helped_by_group: dict[str, int] = {}
    archived: bool = False
    attributed_member_id: UUID | None = None

    @field_validator("category")
    @classmethod
    def _known_category(cls, category: str) -> str:
        if category not in STRATEGY_CATEGORIES:
            raise ValueError(f"Unknown category {category!r}")
        return category

    @property
    def origin(self) -> str:
        if self.starter_key:
            return "starter set"
        if self.shared_on:
            return f"shared in a group on {dates.date(self.shared_on)}"
        return "added"


class RotaChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: AwareDatetime = Field(default_factory=now)
    what: Annotated[str, Field(max_length=500)]


class RotaAssignment(Record):
    TABLE: ClassVar[str] = "rota"
    group_id: UUID
    date: dt.date
    lead_id: UUID | None = None
    co_id: UUID | None = None
    status: RotaStatus = RotaStatus.DRAFT
    reason: Annotated[str, Field(max_length=1000)] = ""
    history: list[RotaChange] = []

    @property
    def is_open(self) -> bool:
        return self.lead_id is None or self.co_id is None


class SupportContact(Record):
    TABLE: ClassVar[str] = "support_contacts"
    name: Annotated[str, Field(min_length=1, max_length=120)]
    how: Annotated[str, Field(max_length=200)]
    when: Annotated[str, Field(max_length=300)] = ""
    last_checked: dt.date | None = None
    local: bool = False
    discreet_how: Annotated[str, Field(max_length=200)] = ""
    """How to reach it in neutral words, for a discreet sheet (empty: `how` is neutral)."""


class AuditEntry(Record):
    """One thing done (printed, exported, erased, restored, consent changed, failed unlock)."""

    TABLE: ClassVar[str] = "audit"
    action: Annotated[str, Field(max_length=60)]
    detail: Annotated[str, Field(max_length=300)] = ""
    actor: Annotated[str, Field(max_length=60)] = ""
    previous_hash: Annotated[str, Field(min_length=64, max_length=64)]
    hash: Annotated[str, Field(max_length=64)]


class Settings(BaseModel):
    """Per-organisation settings, stored with the data."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        return refuse_control_characters(data)

    organisation: Annotated[str, Field(max_length=120)] = ""
    notes_months: int = Field(default=12, ge=1, le=120)
    debriefs_months: int = Field(default=24, ge=1, le=120)
    named_attendance_months: int = Field(default=24, ge=1, le=120)
    idle_lock_minutes: int = Field(default=10, ge=1, le=240)
    shadowing_before_sign_off: int = Field(default=6, ge=1, le=100)
    supervision_weeks: int = Field(default=8, ge=1, le=52)
    # The coordinator's evaluation (voicesgroup/evaluation.py): counts of people are rounded
    # to the nearest `report_smallest_count` (never below 3), and those that would round to it
    # or less are hidden ("fewer than 8" for 5: `protection.shown_from`, read from here); each
    # facilitator's volunteer hours are the session's length plus this preparation and
    # debrief time.
    report_smallest_count: int = Field(default=5, ge=3, le=50)
    report_preparation_minutes: int = Field(default=30, ge=0, le=240)
    report_debrief_minutes: int = Field(default=15, ge=0, le=240)
    print_folder: Annotated[str, Field(max_length=1000)] = ""
    """Where printouts are saved unless a person says otherwise (chosen once, remembered)."""
    printer: Annotated[str, Field(max_length=200)] = ""
    """The printer handouts went to last (`printers.remember_printer`); "" for the system's."""
    words_not_names: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list)
    """`names.confirmation_key`s: texts where a word is the word, not a member (no text kept)."""
    session_lock_minutes: int = Field(
        default=120, ge=5, le=600, description="Idle minutes before locking during a session"
    )


# -- the facilitators' path, supervision and follow-ups ------------------------------------------


class ModuleAttended(BaseModel):
    """One course module a facilitator attended (the modules are data/training_modules.toml)."""

    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(min_length=1, max_length=60)]
    on: dt.date


class SkippedStep(BaseModel):
    """A step of the path the coordinator skipped for someone, and why."""

    model_config = ConfigDict(extra="forbid")

    stage: PathStage
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    by: Name
    on: dt.date


class FacilitatorPath(Record):
    """One facilitator's path to leading: stage, modules attended, skips and the sign-off.

    Shadowed sessions are not stored here: they are counted from the sessions actually run.
    """

    TABLE: ClassVar[str] = "facilitator_paths"
    facilitator_id: UUID
    stage: PathStage = PathStage.INTERESTED
    shadowing_from: dt.date | None = Field(
        default=None, description="Sessions run from this day on count as shadowed"
    )
    modules: list[ModuleAttended] = []
    skipped: list[SkippedStep] = []
    leads_kinds: list[Variant] = Field(
        default=[], description="Kinds of group they will lead; empty means every kind run"
    )
    signed_off_by: Name | None = None
    signed_off_on: dt.date | None = None


class SupervisionMeeting(Record):
    """A supervision meeting: when, who came, who held it, and general topics (no members)."""

    TABLE: ClassVar[str] = "supervision"
    on: dt.date
    facilitator_ids: Annotated[list[UUID], Field(min_length=1)]
    held_by: Name
    topics: list[Annotated[str, Field(min_length=1, max_length=500)]] = []


class FollowUpState(Record):
    """Who owns a follow-up noted in a session or its debrief, and when it was done.

    The words stay in the session (`Session.follow_ups`, the debrief's answer); `key` says
    which one: "s0", "s1"… for those noted during the session, "d0"… for the debrief's lines.
    """

    TABLE: ClassVar[str] = "follow_ups"
    session_id: UUID
    key: Annotated[str, Field(pattern=r"^[sd][0-9]{1,4}$")]
    owner_id: UUID | None = None
    done_on: dt.date | None = None
    text: Text | None = None
    """A copy of the follow-up's words, for the laptops that do not hold the session's group
    (the coordinator's): the words themselves stay in the session, with the group. None where
    they name a member, or where this laptop has not been told them: such a follow-up is
    shown as held on the group's laptop (`follow_ups.shared_words`)."""


RECORD_TYPES: tuple[type[Record], ...] = (
    Group,
    Member,
    Facilitator,
    ConsentEvent,
    Session,
    Note,
    ContactDetail,
    CopingStrategy,
    RotaAssignment,
    SupportContact,
    AuditEntry,
    FacilitatorPath,
    SupervisionMeeting,
    FollowUpState,
)
"""Every kind of stored record, one table each."""
