"""Forgetting redacts: a forgotten member's name written as "another member" in every text.

Every string of every stored record is read, wherever it stands (a theme, a follow-up, a
debrief, a note, a strategy, a supervision topic, a rota or path reason, a group's name,
venue, agreement and session plan, a support contact, the organisation's name, a field added
later), not a list of fields that a new field would slip past. Left out, each for its reason:
the tables in `NOT_READ` (no one's words: the file's own facts, the exchange's keys and stamps,
the chained audit log, and the members' own names), the values of the keys in `CODES` (ids,
keys and the app's own codes), ids and dates, and a whole text that is a facilitator's own name
(who held a meeting, who signed off: the facilitator, even when a member shares the name).

The texts are read and changed in a document as stored (plain dicts), so the data file and
every backup are redacted by the same code; the forget dialog and `member forget` list what
`mentions` finds, and forgetting writes exactly that (`apply`). Mentions are found by the one
name finder (`voicesgroup.names`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from voicesgroup import dates
from voicesgroup.names import (
    NameMatch,
    Purpose,
    confirmation_key,
    may_be_words,
    names_for,
    written_in,
)
from voicesgroup.schema import META_TABLE, SETTINGS_TABLE

ANOTHER_MEMBER = "another member"
MAX_TEXT_LENGTH = 20_000
"""The longest free text a model takes (`models.MAX_TEXT_LENGTH`; a test keeps them equal)."""
MAX_NAME_LENGTH = 60
"""The longest name a model takes, a group's included (`models.MAX_NAME_LENGTH`): the length a
redacted text is kept within where `LONGEST` names no longer one (a test holds every text
field of every model to at least this)."""

NOT_READ: dict[str, str] = {
    META_TABLE: "the file's own facts and its tombstones (keyed hashes, never a name)",
    "_exchange": "the exchange's replica, keys, stamps and hashes: nobody's words",
    "audit": "a hash chain of what was done to this file, whose entries never name a member",
    "members": "the members' own names: the forgotten member's record is erased whole",
}
"""Tables whose strings are not read, and why."""

CODES = frozenset(
    {
        "id",
        "key",
        "variant",
        "kind",
        "status",
        "stage",
        "scope",
        "action",
        "method",
        "category",
        "experiences",
        "moment",
        "training",
        "leads_kinds",
        "starter_key",
        "template_key",
        "round_phase_key",
        "round_marks",
        "wording_version",
        "print_folder",
        "printer",
        "words_not_names",
        "previous_hash",
        "hash",
    }
)
"""Keys (at any depth) whose values are codes, not words: ids, keys, the app's own kinds and
stages, a laptop's printer and folder, and the hashed answers "the word, not a member". A key
ending `_id` or `_ids` is an id too."""

CERTAIN_ONLY = frozenset({"agreements", "template", "vocabulary", "value"})
"""Keys under which the texts are mostly shipped wording (a group's agreement, its session
plan, its words), or another member's own address or number (`value`: "Kit.Jones@…" is
theirs): there, as in the starter strategies and the national helplines, only a certain
mention is replaced ("May not suit everyone" names nobody)."""

LONGEST: dict[str, int] = {
    "themes": 500,
    "follow_ups": 2000,
    "answers": MAX_TEXT_LENGTH,
    "member_words": MAX_TEXT_LENGTH,
    "what_helped": MAX_TEXT_LENGTH,
    "to_remember": MAX_TEXT_LENGTH,
    "facilitator_words": MAX_TEXT_LENGTH,
    "points": MAX_TEXT_LENGTH,
    "confidentiality": MAX_TEXT_LENGTH,
    "prompts": MAX_TEXT_LENGTH,
    "title": MAX_NAME_LENGTH,
    "description": 2000,
    "caution": 300,
    "topics": 500,
    "reason": 500,
    "what": 500,
    "venue": 200,
    "how": 200,
    "when": 300,
    "discreet_how": 200,
    "value": 200,
    "organisation": 120,
    "text": MAX_TEXT_LENGTH,  # a follow-up's copy of its words (a debrief's line at most)
}
"""The longest a text under each key may be (the key nearest it that is named here; `title`
is a session plan part's, a name's length, for a strategy's is longer). A text under no key
here is kept within `MAX_NAME_LENGTH`, or its own length if longer."""

ABOUT_FACILITATORS = frozenset({"rota", "facilitator_paths"})
"""Tables whose texts are about facilitators (a rota reason or change, a step on someone's
path): there a facilitator's name is the facilitator, even when a member shares it."""

_WHAT = {
    "sessions": "a session's themes, follow-ups or debrief",
    "notes": "another member's note",
    "strategies": "a strategy",
    "supervision": "a supervision meeting's topics",
    "rota": "a rota reason",
    "facilitator_paths": "a reason on a facilitator's path",
    "groups": "a group's name, venue, agreement or session plan",
    "support_contacts": "a support contact",
    SETTINGS_TABLE: "the organisation's name",
    "facilitators": "a facilitator's record",
    "consent_events": "a record of consent",
    "contact_details": "another member's contact details",
    "follow_ups": "a follow-up",
}


@dataclass(frozen=True)
class Mention:
    """One stored text that names the member: where, as it is, and as it will read."""

    where: str
    before: str
    after: str
    place: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """(table, record number, keys down to the text): where `apply` writes `after`."""
    word_keys: tuple[str, ...] = field(default=(), compare=False, repr=False)
    """For a match here that may be the word rather than the name ("SURVIVAL KIT", "Hope
    said"), the answer "the word here, not the member" (`names.confirmation_key`) that
    leaves it as it is; none when every match is certainly the name."""

    in_capitals: bool = field(default=False, compare=False, repr=False)
    """Whether such a match is written in capitals ("SURVIVAL KIT"), where a capital says
    nothing about a name: asked about before forgetting by default."""

    @property
    def may_be_word(self) -> bool:
        """Whether a person may say the match here is the word, not the member."""
        return bool(self.word_keys)


def mentions(
    data: dict[str, Any],
    names: list[str],
    *,
    owner: str | None = None,
    words: Iterable[str] = (),
) -> list[Mention]:
    """Every text in the document that names one of `names` for certain, redacted, leaving
    out the records of the member `owner` (an id: their notes, contact details and consent),
    which forgetting erases whole. `words`: answers "the word, not the member" given now
    (`Mention.word_keys`), besides those the document keeps."""
    return [
        mention
        for mention, record in _redacted(data, names, change=False, words=words)
        if owner is None or record.get("member_id") != owner
    ]


def redact(
    data: dict[str, Any],
    names: list[str],
    *,
    words: Iterable[str] = (),
    tables: Iterable[str] | None = None,
    certain: bool = False,
) -> list[Mention]:
    """Write "another member" for every certain mention of `names` in the document's texts
    (in memory); returns what was changed. `words` as for `mentions`; `tables`, only those
    tables; `certain`, only matches that are certainly a name (no everyday word written with
    a capital: nobody is there to be asked)."""
    return [
        mention
        for mention, _ in _redacted(
            data, names, change=True, words=words, tables=tables, certain=certain
        )
    ]


def apply(data: dict[str, Any], found: list[Mention]) -> bool:
    """Write each mention's `after` where `mentions` found it, if every text there is still
    as it was (then True); else nothing is changed and False (find them again)."""
    targets = []
    for mention in found:
        table, number, *trail = mention.place
        holder: Any = data.get(table, {}).get(number)
        try:
            for key in trail[:-1]:
                holder = holder[key]
            if holder[trail[-1]] != mention.before:
                return False
        except (KeyError, IndexError, TypeError):
            return False
        targets.append((holder, trail[-1], mention.after))
    for holder, key, after in targets:
        holder[key] = after
    return True


@dataclass(frozen=True)
class _Text:
    """One string of a record as `texts_of` finds it."""

    holder: Any
    key: Any
    trail: tuple[Any, ...]
    longest: int
    certain_only: bool


def texts_of(record: Any, *, certain_only: bool = False) -> Iterator[_Text]:
    """Every string of a stored record that may be someone's words, wherever it stands: not
    under a key in `CODES` (nor one ending `_id` or `_ids`), not an id, not a date."""
    yield from _walk(record, (), MAX_NAME_LENGTH, certain_only)


def _walk(node: Any, trail: tuple[Any, ...], longest: int, certain: bool) -> Iterator[_Text]:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        inner_longest, inner_certain = longest, certain
        if isinstance(key, str):
            if key in CODES or key.endswith(("_id", "_ids")):
                continue
            inner_longest = LONGEST.get(key, longest)
            inner_certain = certain or key in CERTAIN_ONLY
        if isinstance(value, str):
            if may_be_words(value):
                yield _Text(node, key, (*trail, key), inner_longest, inner_certain)
        else:
            yield from _walk(value, (*trail, key), inner_longest, inner_certain)


def _shipped(table: str, record: dict[str, Any]) -> bool:
    """A record of shipped wording: a starter strategy, a national helpline."""
    return bool(record.get("starter_key")) or (
        table == "support_contacts" and record.get("local") is False
    )


def _redacted(
    data: dict[str, Any],
    names: list[str],
    *,
    change: bool,
    words: Iterable[str] = (),
    tables: Iterable[str] | None = None,
    certain: bool = False,
) -> Iterator[tuple[Mention, dict[str, Any]]]:
    if not names:
        return
    forgotten = {name.casefold() for name in names}
    staff = _names_in(data, "facilitators")
    others = [name for name in _names_in(data) + staff if name.casefold() not in forgotten]
    said = _words_not_names(data) | frozenset(words)
    staff_folded = {_whole(name) for name in staff}
    only = None if tables is None else frozenset(tables)
    for table, records in data.items():
        if table in NOT_READ or not isinstance(records, dict):
            continue
        if only is not None and table not in only:
            continue
        wanted = names
        if table in ABOUT_FACILITATORS:
            wanted = [name for name in names if _whole(name) not in staff_folded]
            if not wanted:
                continue
        for number, record in records.items():
            if not isinstance(record, dict):
                continue
            for found in texts_of(record, certain_only=certain or _shipped(table, record)):
                text = found.holder[found.key]
                if staff_folded and _whole(text) in staff_folded:
                    continue  # a facilitator's own name: the facilitator
                longest = max(found.longest, len(text))
                redacted = _redact_text(
                    text, wanted, others, said, longest, shipped=found.certain_only
                )
                if redacted is None:
                    continue
                after, matches = redacted
                place = (table, number, *found.trail)
                keys = _word_keys(text, matches)
                capitals = any(m.uncertain and m.found.isupper() for m in matches)
                where = _where(table, record)
                yield Mention(where, text, after, place, keys, capitals), record
                if change:
                    found.holder[found.key] = after


def _word_keys(text: str, matches: list[NameMatch]) -> tuple[str, ...]:
    """The answers "the word here, not the member" for the matches in `text` that may be the
    word: one for each name so matched."""
    return tuple(dict.fromkeys(confirmation_key(text, m.name) for m in matches if m.uncertain))


def _whole(text: str) -> str:
    """A whole text as it is compared with a name: spaces tidied, case folded."""
    return " ".join(text.split()).casefold()


def _names_in(data: dict[str, Any], table: str = "members") -> list[str]:
    """Every name (and earlier name) of the members (or facilitators) in the document, as
    stored."""
    found: list[object] = []
    for raw in data.get(table, {}).values():
        if isinstance(raw, dict):
            former = raw.get("former_names")
            found += [raw.get("display_name"), *(former if isinstance(former, list) else [])]
    return [name for name in found if isinstance(name, str) and name.strip()]


def _words_not_names(data: dict[str, Any]) -> frozenset[str]:
    """The texts in which a person said a word is the word, not a member (their keys, as
    `settings.words_not_names` keeps them): forgetting leaves those words as they are."""
    settings = data.get(SETTINGS_TABLE, {}).get("1", {})
    said = settings.get("words_not_names") if isinstance(settings, dict) else None
    return frozenset(key for key in said or () if isinstance(key, str))


def _mentions(text: str, names: list[str], said: frozenset[str]) -> list[NameMatch]:
    """The mentions forgetting replaces. A person's answer "the word, not a member" holds
    for a word that may be either ("hope"), never for a match that is certainly a name: an
    answer given once in error must not keep a forgotten member's name."""
    found: list[NameMatch] = names_for(Purpose.REDACTION, text, names)
    if not said or all(match.certain for match in found):
        return found
    answered = names_for(Purpose.REDACTION, text, names, confirmed=said)
    return [match for match in found if match.certain or match in answered]


def _redact_text(
    text: str,
    names: list[str],
    others: list[str],
    said: frozenset[str],
    limit: int,
    *,
    shipped: bool,
) -> tuple[str, list[NameMatch]] | None:
    """The text with every mention of `names` written "another member", and the mentions
    replaced; None when it names nobody.

    A mention is what the finder's redaction policy counts (`Purpose.REDACTION`: certain, or
    an everyday word written with a capital, "Hope said…"); in shipped wording ("May not
    suit everyone") only a certain one, for the starter set names nobody. The names of the
    members who stay are looked for too, so that "Ann-Marie" stays whole when "Ann" is
    forgotten."""
    found = _mentions(text, names, said)
    if found and others:  # asked again only where needed: most texts name nobody
        wanted = set(names)
        found = [m for m in _mentions(text, [*names, *others], said) if m.name in wanted]
    if shipped:
        found = [match for match in found if match.certain]
    if not found:
        return None
    after = text
    for match in sorted(found, key=lambda match: match.start, reverse=True):
        words = written_in(after, match.start, ANOTHER_MEMBER)
        after = after[: match.start] + words + after[match.end :]
    return (after if len(after) <= limit else after[: limit - 1] + "…"), found


def _where(table: str, record: dict[str, Any]) -> str:
    for key, how in (("date", "of {}"), ("on", "of {}"), ("created_at", "written on {}")):
        day = _day(record.get(key))
        if day:
            return f"{_what(table)} {how.format(day)}"
    return _what(table)


def _what(table: str) -> str:
    """What a table's record is called in the forget list (one added later by its name)."""
    return _WHAT.get(table) or f"a record of {table.strip('_').replace('_', ' ')}"


def _day(value: object) -> str | None:
    """A stored date or moment as the app writes a day ('5 Dec 2026'), or None."""
    if not isinstance(value, str):
        return None
    try:
        return dates.date(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return None
