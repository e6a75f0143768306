"""Forgetting redacts: a forgotten member's name written as "another member" in every free text.

`FREE_TEXT` is the one list of the stored texts people write in their own words (themes,
follow-ups, debriefs, notes, strategies, supervision topics, rota and path reasons); a test
fails when a model gains a text field that is neither here nor in `NOT_FREE_TEXT`. The texts
are read and changed in a document as stored (plain dicts), so the data file and every backup
are redacted by the same code, and mentions are found by the one name finder
(`voicesgroup.names`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from voicesgroup.names import find_member_names, replace_member_names

ANOTHER_MEMBER = "another member"
MAX_TEXT_LENGTH = 20_000
"""The longest free text a model takes (`models.MAX_TEXT_LENGTH`; a test keeps them equal)."""

FREE_TEXT: dict[str, tuple[tuple[tuple[str, ...], int], ...]] = {
    "sessions": (
        (("themes", "*"), 500),
        (("follow_ups", "*"), 2000),
        (("debrief", "answers", "*"), MAX_TEXT_LENGTH),
    ),
    "notes": (
        (("member_words",), MAX_TEXT_LENGTH),
        (("what_helped",), MAX_TEXT_LENGTH),
        (("to_remember",), MAX_TEXT_LENGTH),
        (("facilitator_words",), MAX_TEXT_LENGTH),
    ),
    "strategies": ((("title",), 120), (("description",), 2000), (("caution",), 300)),
    "supervision": ((("topics", "*"), 500),),
    "rota": ((("reason",), 500), (("history", "*", "what"), 500)),
    "facilitator_paths": ((("skipped", "*", "reason"), 500),),
}
"""Table → (path to a text inside a record, "*" for every item; the text's longest length)."""

NOT_FREE_TEXT: dict[str, tuple[str, ...]] = {
    "groups": ("name", "venue", "vocabulary", "agreements", "template"),
    "members": ("display_name",),
    "facilitators": ("display_name", "training", "dates_off"),
    "consent_events": ("scope", "action", "method", "wording_version", "recorded_by"),
    "sessions": ("status", "template_key", "round_marks", "round_phase_key"),
    "contact_details": ("kind", "value"),
    "strategies": ("category", "experiences", "moment", "starter_key", "helped_by_group"),
    "rota": ("status",),
    "support_contacts": ("name", "how", "when", "discreet_how"),
    "audit": ("action", "detail", "actor", "previous_hash", "hash"),
    "facilitator_paths": ("stage", "modules", "leads_kinds", "signed_off_by"),
    "supervision": ("held_by",),
    "follow_ups": ("key",),
}
"""Text fields that are not a person's free words: names of facilitators, groups and support
contacts, shipped wording, keys, the chained audit log (which never holds a member's name),
and a member's own contact details (erased with them)."""

_WHAT = {
    "sessions": "a session's themes, follow-ups or debrief",
    "notes": "another member's note",
    "strategies": "a strategy",
    "supervision": "a supervision meeting's topics",
    "rota": "a rota reason",
    "facilitator_paths": "a reason on a facilitator's path",
}


@dataclass(frozen=True)
class Mention:
    """One stored text that names the member: where, as it is, and as it will read."""

    where: str
    before: str
    after: str


def mentions(data: dict[str, Any], names: list[str], *, owner: str | None = None) -> list[Mention]:
    """Every free text in the document that names one of `names` for certain, redacted,
    leaving out the notes of the member `owner` (an id), which forgetting erases whole."""
    return [
        mention
        for mention, record in _redacted(data, names, change=False)
        if owner is None or record.get("member_id") != owner
    ]


def redact(data: dict[str, Any], names: list[str]) -> list[Mention]:
    """Write "another member" for every certain mention of `names` in the document's free
    texts (in memory); returns what was changed."""
    return [mention for mention, _ in _redacted(data, names, change=True)]


def _redacted(
    data: dict[str, Any], names: list[str], *, change: bool
) -> Iterator[tuple[Mention, dict[str, Any]]]:
    if not names:
        return
    for table, paths in FREE_TEXT.items():
        for record in data.get(table, {}).values():
            if not isinstance(record, dict):
                continue
            for path, limit in paths:
                for holder, key in _places(record, path):
                    text = holder[key]
                    if not isinstance(text, str):
                        continue
                    after = _redact_text(text, names, limit)
                    if after is None:
                        continue
                    yield Mention(_where(table, record), text, after), record
                    if change:
                        holder[key] = after


def _redact_text(text: str, names: list[str], limit: int) -> str | None:
    if not any(match.certain for match in find_member_names(text, names)):
        return None
    after, _ = replace_member_names(text, names, ANOTHER_MEMBER)
    return after if len(after) <= limit else after[: limit - 1] + "…"


def _places(record: Any, path: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every text a path reaches in a record."""
    *head, last = path
    holders: list[Any] = [record]
    for step in head:
        holders = [item for holder in holders for item in _children(holder, step)]
    for holder in holders:
        if last == "*":
            keys: Any = range(len(holder)) if isinstance(holder, list) else list(holder)
            yield from ((holder, key) for key in keys)
        elif isinstance(holder, dict) and last in holder:
            yield holder, last


def _children(holder: Any, step: str) -> list[Any]:
    if step == "*":
        if isinstance(holder, list):
            return [item for item in holder if isinstance(item, (dict, list))]
        if isinstance(holder, dict):
            return [item for item in holder.values() if isinstance(item, (dict, list))]
        return []
    child = holder.get(step) if isinstance(holder, dict) else None
    return [child] if isinstance(child, (dict, list)) else []


def _where(table: str, record: dict[str, Any]) -> str:
    for field in ("date", "on"):
        if isinstance(record.get(field), str):
            return f"{_WHAT[table]} ({record[field]})"
    if isinstance(record.get("created_at"), str):
        return f"{_WHAT[table]} (written {record['created_at'][:10]})"
    return _WHAT[table]
