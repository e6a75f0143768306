"""Supervision meetings: who came, who held it, general topics (never a member's name).

Part of the facilitators' service (see `facilitator_path`, which names it too).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence

from voicesgroup.facilitator_base import MemberNamed, PathError, not_after_today
from voicesgroup.models import Facilitator, SupervisionMeeting
from voicesgroup.setting_numbers import bounds
from voicesgroup.store import Store

# -- the one place the member-name finder is called from here ---------------------------------


def named_member(store: Store, texts: Iterable[str]) -> str | None:
    """The first member's name found in `texts`, or None (the one name finder,
    `voicesgroup.names`; a word that is only perhaps a name, "may" or "hope", is let through)."""
    from voicesgroup.names import Purpose, names_for

    members = store.members()
    for text in texts:
        hits = names_for(Purpose.SUPERVISION, text, members)
        if hits:
            return hits[0].name
    return None


def refuse_member_name(store: Store, texts: Iterable[str], where: str) -> None:
    """Refuse a text about facilitators that names a member (`MemberNamed`): what it is
    saved in travels to every laptop of the organisation, the coordinator's included.
    `where` completes "A member's name, “…”, is in …", saying what is kept there."""
    name = named_member(store, texts)
    if name is not None:
        raise MemberNamed(
            f"A member's name, “{name}”, is in {where} only, never a member; reword it. "
            "Nothing was saved.",
            name,
        )


# -- supervision -----------------------------------------------------------------------------


def clean_topics(topics: Iterable[str]) -> list[str]:
    """Topics as kept: one line each, spaces tidied, empty ones left out."""
    cleaned = []
    for topic in topics:
        # Invisible format characters (zero-width joiners…) are dropped, so a name cannot hide
        # from the name finder behind one.
        visible = "".join(ch for ch in topic if unicodedata.category(ch) != "Cf")
        text = " ".join(visible.split())
        if any(not ch.isprintable() for ch in text):
            raise PathError("A topic cannot hold control characters.")
        if len(text) > 500:
            raise PathError("A topic can be at most 500 characters; split it into two.")
        if text:
            cleaned.append(text)
    return cleaned


def add_supervision(
    store: Store,
    on: dt.date,
    facilitators: Sequence[Facilitator],
    held_by: str,
    topics: Iterable[str],
) -> SupervisionMeeting:
    """Keep a supervision meeting. Topics are general: a member's name refuses the save."""
    not_after_today(on, "day of the supervision meeting")
    if not facilitators:
        raise PathError("Say who came to the supervision meeting.")
    held = " ".join(held_by.split())
    if not held:
        raise PathError("Say who held the supervision meeting.")
    cleaned = clean_topics(topics)
    refuse_member_name(store, cleaned, "the topics. Supervision records keep general topics")
    try:
        meeting = SupervisionMeeting(
            on=on,
            facilitator_ids=list(dict.fromkeys(person.id for person in facilitators)),
            held_by=held,
            topics=cleaned,
        )
    except ValueError as error:
        raise PathError(f"The supervision meeting cannot be kept: {_plain(error)}.") from None
    store.save_record(meeting)
    return meeting


def _plain(error: ValueError) -> str:
    """The first problem of a validation error, in one line."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where.replace('_', ' ')}: {first.get('msg', '')}".strip(": ")
    return str(error).splitlines()[0]


def supervision_meetings(store: Store) -> list[SupervisionMeeting]:
    """Every supervision meeting, newest first."""
    return sorted(
        store.records(SupervisionMeeting), key=lambda m: (m.on, m.created_at), reverse=True
    )


def set_supervision_settings(
    store: Store, *, shadowing: int | None = None, weeks: int | None = None
) -> None:
    """Change the suggested shadowing before sign-off, and how often supervision is due."""
    changes: dict[str, int] = {}
    if shadowing is not None:
        low, high = bounds("shadowing_before_sign_off")  # the model's, as the Settings screen's
        if not low <= shadowing <= high:
            raise PathError(f"The shadowed sessions before sign-off must be from {low} to {high}.")
        changes["shadowing_before_sign_off"] = shadowing
    if weeks is not None:
        low, high = bounds("supervision_weeks")
        if not low <= weeks <= high:
            raise PathError(f"Supervision can be due after {low} to {high} weeks.")
        changes["supervision_weeks"] = weeks
    settings = store.settings()
    store.save_settings(settings.model_validate({**settings.model_dump(), **changes}))
