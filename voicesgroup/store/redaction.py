"""Forgetting redacts: a forgotten member's name written as "another member" in every free text.

`FREE_TEXT` is the one list of the stored texts people write in their own words (themes,
follow-ups, debriefs, notes, strategies, supervision topics, rota and path reasons, and a
group's name and venue, which the report refuses while they hold a member's name); a test
fails when a model gains a text field that is neither here nor in `NOT_FREE_TEXT`. The texts
are read and changed in a document as stored (plain dicts), so the data file and every backup
are redacted by the same code, and mentions are found by the one name finder
(`voicesgroup.names`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from voicesgroup import dates
from voicesgroup.names import NameMatch, Purpose, confirmation_key, names_for
from voicesgroup.schema import SETTINGS_TABLE

ANOTHER_MEMBER = "another member"
MAX_TEXT_LENGTH = 20_000
"""The longest free text a model takes (`models.MAX_TEXT_LENGTH`; a test keeps them equal)."""
MAX_NAME_LENGTH = 60
"""The longest name a model takes, a group's included (`models.MAX_NAME_LENGTH`)."""

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
    "groups": ((("name",), MAX_NAME_LENGTH), (("venue",), 200)),
}
"""Table → (path to a text inside a record, "*" for every item; the text's longest length)."""

NOT_FREE_TEXT: dict[str, tuple[str, ...]] = {
    "groups": ("vocabulary", "agreements", "template"),
    "members": ("display_name", "former_names"),
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

ABOUT_FACILITATORS = frozenset({"rota", "facilitator_paths"})
"""Tables whose free texts are about facilitators (a rota reason or change, a step on someone's
path): there a facilitator's name is the facilitator, even when a member shares it."""

_WHAT = {
    "sessions": "a session's themes, follow-ups or debrief",
    "notes": "another member's note",
    "strategies": "a strategy",
    "supervision": "a supervision meeting's topics",
    "rota": "a rota reason",
    "facilitator_paths": "a reason on a facilitator's path",
    "groups": "a group's name or venue",
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
    """Every free text in the document that names one of `names` for certain, redacted,
    leaving out the notes of the member `owner` (an id), which forgetting erases whole.
    `words`: answers "the word, not the member" given now (`Mention.word_keys`), besides
    those the document keeps."""
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
    """Write "another member" for every certain mention of `names` in the document's free
    texts (in memory); returns what was changed. `words` as for `mentions`; `tables`, only
    those of `FREE_TEXT`; `certain`, only matches that are certainly a name (no everyday
    word written with a capital: nobody is there to be asked)."""
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
    staff_folded = {name.casefold() for name in staff}
    chosen = FREE_TEXT if tables is None else {t: FREE_TEXT[t] for t in tables}
    for table, paths in chosen.items():
        wanted = names
        if table in ABOUT_FACILITATORS:
            wanted = [name for name in names if name.casefold() not in staff_folded]
            if not wanted:
                continue
        for number, record in data.get(table, {}).items():
            if not isinstance(record, dict):
                continue
            shipped = certain or bool(record.get("starter_key"))
            for path, limit in paths:
                for holder, key, trail in _places(record, path):
                    text = holder[key]
                    if not isinstance(text, str):
                        continue
                    found = _redact_text(text, wanted, others, said, limit, shipped=shipped)
                    if found is None:
                        continue
                    after, matches = found
                    place = (table, number, *trail)
                    keys = _word_keys(text, matches)
                    yield Mention(_where(table, record), text, after, place, keys), record
                    if change:
                        holder[key] = after


def _word_keys(text: str, matches: list[NameMatch]) -> tuple[str, ...]:
    """The answers "the word here, not the member" for the matches in `text` that may be the
    word: one for each name so matched."""
    return tuple(dict.fromkeys(confirmation_key(text, m.name) for m in matches if m.uncertain))


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
        after = after[: match.start] + ANOTHER_MEMBER + after[match.end :]
    return (after if len(after) <= limit else after[: limit - 1] + "…"), found


def _places(
    node: Any, path: tuple[str, ...], trail: tuple[Any, ...] = ()
) -> Iterator[tuple[Any, Any, tuple[Any, ...]]]:
    """(container, key, keys from the record down) of every text a path reaches."""
    if not path:
        return
    step, rest = path[0], path[1:]
    if step != "*":
        keys: Any = [step] if isinstance(node, dict) and step in node else []
    elif isinstance(node, list):
        keys = range(len(node))
    else:
        keys = list(node) if isinstance(node, dict) else []
    for key in keys:
        if not rest:
            yield node, key, (*trail, key)
        elif isinstance(node[key], (dict, list)):
            yield from _places(node[key], rest, (*trail, key))


def _where(table: str, record: dict[str, Any]) -> str:
    for key, how in (("date", "of {}"), ("on", "of {}"), ("created_at", "written on {}")):
        day = _day(record.get(key))
        if day:
            return f"{_WHAT[table]} {how.format(day)}"
    return _WHAT[table]


def _day(value: object) -> str | None:
    """A stored date or moment as the app writes a day ('5 Dec 2026'), or None."""
    if not isinstance(value, str):
        return None
    try:
        return dates.date(dt.date.fromisoformat(value[:10]))
    except ValueError:
        return None
