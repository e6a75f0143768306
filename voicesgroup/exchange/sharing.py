"""What travels where: the one rule per table of a data file, and the projections.

Every table of `store.repository.TABLES`, and the settings, has exactly one `Rule` here
(`tests/core/test_exchange_sharing.py` fails when a table or a setting is added without one):

- ORGANISATION: every laptop of the organisation holds it (groups, facilitators, the rota,
  the facilitators' path, supervision, follow-ups, support contacts, the shared settings).
- GROUP: only the laptops holding the member's group, sealed under that group's key
  (members, consent events, notes, contact details). The coordinator's laptop never sees it.
- PROJECTION: the record is split in two parts. The organisation's part holds the facts
  without members (a session's date, group, facilitators, head count, newcomers, the themes
  that name no member by the report's policy, the strategies shared; a strategy without the
  member's name beside it); the group's part holds the rest (named attendance, round marks,
  follow-up texts, the debrief, the themes that name a member; the member named beside a
  strategy). A theme is in one part only, so a theme added or taken out on a laptop that
  does not hold the group (the coordinator's correcting a session) holds there too. A strategy
  whose own words name a member is declared for its group's laptops instead of the
  organisation: its words cannot be split from the idea.
- LOCAL: never leaves the laptop. The audit log is LOCAL: it is a hash chain of what was
  done *on this file*, checked against this file's backups; entries from other laptops would
  break that chain and say nothing true about this file. An exchange notes itself in it.

Whatever the rule, a part that holds a member's id anywhere (a field, a list, a key) goes
only to the held groups of every member it holds, and never to the organisation
(`kept_to_members`): decided from the part's content, not from a list of fields, so a field
added later is kept to its members without being named here.

FIELD_PARTS: a record that people on two laptops edit in different places at once (a
facilitator's days off on the group's laptop, their monthly limit on the coordinator's) is
shared as several parts, each with its own stamp: the record's main part (its id, its name and
any field not declared) and one part for each declared set of fields. Two edits of different
parts both survive; two edits of one part keep the latest. A set holds fields that are only
right together (a sign-off's stage, who and when). The record goes where its whole content may
go: every part takes the sections `kept_to_members` gives the whole.
The organisation's settings are shared the same way, by the same declaration: each shared
setting a part of its own (`settings_parts`), so the coordinator's report threshold and a
group's retention months changed at once both hold.
A setting's words are read for members' names as a record's are (`Run.settings_sent`): an
organisation's name that names a member ("Kit's Collective") is not sent to the organisation.

A record's part is identified by its `kind` (the table, `<table>+group` for a projection's
group part, or `<table>.<set>` for a set of fields) and its `key` (the record's id; for the
rota the slot, group and date, so two laptops that planned the same slot hold one record).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, NamedTuple

import orjson

from voicesgroup.names import Purpose, may_be_words, names_for, texts_naming_members
from voicesgroup.schema import SETTINGS_TABLE


class Reach(Enum):
    ORGANISATION = "every laptop of the organisation"
    GROUP = "the laptops of the member's group only"
    PROJECTION = "facts without members to every laptop; the rest to the group's laptops"
    LOCAL = "this laptop only"


@dataclass(frozen=True)
class Rule:
    reach: Reach
    why: str


RULES: dict[str, Rule] = {
    "groups": Rule(Reach.ORGANISATION, "pattern, venue, agreement and template are shared"),
    "members": Rule(Reach.GROUP, "members never leave their group's laptops"),
    "facilitators": Rule(Reach.ORGANISATION, "one pool of facilitators, availability and breaks"),
    "consent_events": Rule(Reach.GROUP, "consent is about a member"),
    "sessions": Rule(Reach.PROJECTION, "the figures travel; named attendance stays"),
    "notes": Rule(Reach.GROUP, "a note is a member's own words"),
    "contact_details": Rule(Reach.GROUP, "a member's contact details"),
    "strategies": Rule(Reach.PROJECTION, "one library; the name beside an idea stays"),
    "rota": Rule(Reach.ORGANISATION, "the coordinator plans the rota"),
    "support_contacts": Rule(Reach.ORGANISATION, "the helplines printed on every sheet"),
    "audit": Rule(Reach.LOCAL, "a hash chain of what was done to this file"),
    "facilitator_paths": Rule(Reach.ORGANISATION, "the training path the rota reads"),
    "supervision": Rule(Reach.ORGANISATION, "the coordinator arranges supervision"),
    "follow_ups": Rule(Reach.ORGANISATION, "owners of debrief follow-ups"),
}
"""The one rule for each table of a data file."""

SHARED_SETTINGS = frozenset(
    {
        "organisation",
        "notes_months",
        "debriefs_months",
        "named_attendance_months",
        "shadowing_before_sign_off",
        "supervision_weeks",
        "report_smallest_count",
        "report_preparation_minutes",
        "report_debrief_minutes",
    }
)
"""Settings of the organisation, the same on every laptop."""
LOCAL_SETTINGS = frozenset(
    {"idle_lock_minutes", "session_lock_minutes", "print_folder", "printer", "words_not_names"}
)
"""Settings of one laptop: its locks, its printer and folder, and the answers given about
texts on it ("the word, not a member"), which are about its own texts."""

SETTINGS_KIND = "settings"
"""The kind of the settings' parts (key "1": a data file has one set of settings)."""

SESSION_GROUP_FIELDS = frozenset(
    {"named_member_ids", "round_marks", "debrief", "follow_ups", "themes", "anonymous_count"}
)
"""A session's group part (of its themes, those that name a member). The organisation's part
has every other field, the head count with named members counted as anonymous, and the themes
that name no member."""
SESSION_GROUP_DEFAULTS: dict[str, Any] = {
    "named_member_ids": [],
    "round_marks": {},
    "debrief": None,
    "follow_ups": [],
}
SESSION_ORG_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "group_id",
        "date",
        "status",
        "template_key",
        "template_version",
        "facilitator_ids",
        "newcomers",
        "current_phase",
        "phase_started_at",
        "started_at",
        "ended_at",
        "round_phase_key",
        "round_position",
        "strategy_ids",
        "room_view",
    }
)
"""A session's facts without members, shared as they are (besides the head count and the
themes, projected). A session field in neither set is a test failure, not a silent drop."""
STRATEGY_GROUP_FIELDS = frozenset({"attributed_member_id"})
"""A strategy's group part: the member named beside it, if any."""


def kept_on_group_laptops(table: str, field: str | None = None) -> bool:
    """Whether a record of `table` (of a projected table, its `field`) is held only by the
    laptops of its group, so a laptop holding no group (the coordinator's) never writes it:
    members, consent, notes, contact details; a session's named attendance, round marks,
    debrief and follow-up texts; the member named beside a strategy. Screens ask this rather
    than keep a list of their own."""
    reach = RULES[table].reach
    if reach is Reach.GROUP:
        return True
    if reach is Reach.PROJECTION and field is not None:
        group_fields = SESSION_GROUP_DEFAULTS if table == "sessions" else STRATEGY_GROUP_FIELDS
        return field in group_fields
    return False


TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "notes": ("member_words", "what_helped", "to_remember", "facilitator_words"),
    "strategies": ("title", "description", "caution"),
}
"""Texts never merged field by field: two versions changed at once are both kept."""


def _each_alone(*fields: str) -> dict[str, frozenset[str]]:
    return {name: frozenset({name}) for name in fields}


FIELD_PARTS: dict[str, dict[str, frozenset[str]]] = {
    "facilitators": _each_alone(
        "training",
        "unavailable_weekdays",
        "dates_off",
        "max_per_month",
        "prefers",
        "avoids",
        "is_woman",
        "active",
        "named_in_reports",
    ),
    "groups": {
        **_each_alone(
            "pattern", "venue", "vocabulary", "agreements", "women_facilitator_rule", "archived"
        ),
        "kind": frozenset({"variant", "template"}),
    },
    "facilitator_paths": {
        **_each_alone("modules", "skipped", "leads_kinds"),
        "stage": frozenset({"stage", "shadowing_from", "signed_off_by", "signed_off_on"}),
    },
    "supervision": _each_alone("on", "facilitator_ids", "held_by", "topics"),
    "follow_ups": _each_alone("owner_id", "done_on"),
    # a helpline's name (its key, for a national one) and whether it is local stay the main
    "support_contacts": _each_alone("how", "when", "last_checked", "discreet_how"),
    # every shared setting on its own: the coordinator's report threshold and a group's
    # retention months are changed on different laptops at once (a setting shared later
    # is split as it is declared shared)
    SETTINGS_KIND: _each_alone(*sorted(SHARED_SETTINGS)),
}
"""The records shared as several parts (see the module): for each table (and the settings,
`settings_parts`), its sets of fields by name. The rota is not here: a slot planned
differently on two laptops is shown as a clash (`merge.rota_clashes`), and its lead,
co-facilitator and status are decided together."""
FIELD_MARK = "."
"""Between a table and the name of one of its sets of fields, in a part's kind."""


def field_kinds(table: str) -> tuple[str, ...]:
    """The kinds of a table's parts for its sets of fields (none for a table not split)."""
    return tuple(table + FIELD_MARK + name for name in FIELD_PARTS.get(table, {}))


ORG = "org"
"""The section of an outbox every laptop of the organisation opens."""
GROUP_SUFFIX = "+group"


def shared_tables() -> list[str]:
    """The tables that travel at all (every rule but LOCAL), in a fixed order."""
    return [table for table, rule in RULES.items() if rule.reach is not Reach.LOCAL]


@dataclass(frozen=True)
class Part:
    """One shared part of a record: what is stamped, merged and carried."""

    kind: str
    key: str
    content: dict[str, Any]
    sections: tuple[str, ...]
    """ORG, or the ids of the groups whose key seals it."""

    @cached_property
    def digest(self) -> str:
        """The content's hash, once (a part is not changed after it is made)."""
        return content_hash(self.content)


def content_hash(content: Mapping[str, Any]) -> str:
    """A short hash of a part's content (sorted keys: the same content, the same hash)."""
    blob = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


@dataclass
class Holding:
    """What decides where a laptop's group records go."""

    groups: frozenset[str]
    """The ids of the groups this laptop holds (none on the coordinator's)."""
    member_groups: dict[str, set[str]]
    """Each member's groups here: those whose sessions name them."""
    naming_themes: frozenset[str]
    """The session themes here that name a member (the report's policy): never shared."""
    member_ids: frozenset[str] = frozenset()
    """Every member id this laptop knows: its members and those its sessions name."""
    naming: Mapping[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    """Each text here that names a member (the report's policy), of any record that may
    leave this laptop's groups (`_texts_leaving`): for each name it holds, the ids of the
    members of that name."""
    keys: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The keys bound to records whose key comes from their content (`record_key`): for
    each such table, each record's id and the key it was first shared under."""

    @classmethod
    def of(
        cls,
        data: Mapping[str, Any],
        groups: Iterable[str],
        keys: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Holding:
        member_groups: dict[str, set[str]] = {}
        for session in data.get("sessions", {}).values():
            for member_id in session.get("named_member_ids") or ():
                member_groups.setdefault(member_id, set()).add(session.get("group_id"))
        known: list[_Known | str] = []
        for member in data.get("members", {}).values():
            readable: uuid.UUID | None = None
            with suppress(ValueError, TypeError, AttributeError):
                readable = uuid.UUID(str(member.get("id")))
            for name in [member.get("display_name"), *(member.get("former_names") or ())]:
                if isinstance(name, str) and name:
                    known.append(name if readable is None else _Known(name, readable))
        sessions = data.get("sessions", {}).values()
        themes = {theme for session in sessions for theme in session.get("themes") or ()}
        texts = sorted(_texts_leaving(data)) if known else []
        naming: dict[str, tuple[frozenset[str], ...]] = {}
        by_name: dict[str, set[str]] = {}
        for entry in known:
            if isinstance(entry, _Known):
                by_name.setdefault(entry.display_name, set()).add(str(entry.id))
        for text, found in _names_in(texts, known).items():
            naming[text] = tuple(
                frozenset(by_name[name]) for name in sorted(found) if name in by_name
            )
        member_ids = {str(member.get("id")) for member in data.get("members", {}).values()}
        return cls(
            frozenset(groups),
            member_groups,
            frozenset(theme for theme in themes if theme in naming),
            frozenset(member_ids | {str(m) for m in member_groups}),
            naming,
            keys or {},
        )

    def names_a_member(self, document: Mapping[str, Any], fields: Iterable[str]) -> bool:
        """Whether any of the document's `fields` is a text that names a member here."""
        return any(document.get(name) in self.naming for name in fields)

    def sections_of_member(self, member_id: str | None) -> tuple[str, ...]:
        """The groups a member's records are sealed for: the held groups whose sessions
        name them (none when only sessions of groups not held here do). When no session names
        them yet, the one group this laptop holds; a laptop holding several cannot tell which
        group they came to, so their records wait here until a session names them."""
        named_in = self.member_groups.get(member_id or "")
        if not named_in:
            return tuple(self.groups) if len(self.groups) == 1 else ()
        return tuple(sorted(named_in & self.groups))


class _Known(NamedTuple):
    """A member's name as the name finder takes it."""

    display_name: str
    id: uuid.UUID


_found_before: tuple[tuple[_Known | str, ...], dict[str, frozenset[str]]] = ((), {})
"""The names last looked for, and the names found in each text then (none: not a key). An
exchange works out where records go again after its merge, over nearly the same texts."""


def _names_in(texts: list[str], known: list[_Known | str]) -> dict[str, frozenset[str]]:
    """The names of members `known` that each of the `texts` naming any holds (the report's
    policy, `Purpose.REPORT`). What a text names depends on the text and the names alone,
    so a text looked at the time before, for the same names, is not looked at again."""
    global _found_before
    names = tuple(known)
    before_names, before = _found_before
    if before_names != names:
        before = {}
    new = [text for text in texts if text not in before]
    # The names as plain words: only which names a text holds is asked here, and the name
    # finder hashes its names at every text (a member's id hashes in Python, a word once).
    words = list(dict.fromkeys(str(getattr(name, "display_name", name)) for name in names))
    fresh = {
        new[i]: frozenset(match.name for match in names_for(Purpose.REPORT, new[i], words))
        for i in texts_naming_members(new, words, Purpose.REPORT)
    }
    now = {text: before.get(text) or fresh.get(text) or frozenset() for text in texts}
    _found_before = (names, now)  # (replaced whole: another thread sees one or the other)
    return {text: found for text, found in now.items() if found}


def _texts_leaving(data: Mapping[str, Any]) -> set[str]:
    """Every text of every record that may leave this laptop's groups: all of a shared
    table's strings, wherever they stand (a sign-off's reason, a supervision topic, a
    follow-up, a venue), not a list of fields that a new field would slip past. A text that
    names a member keeps its record to the member's groups (`kept_to_members`)."""
    strings: set[str] = set()
    for table, rule in RULES.items():
        if rule.reach in (Reach.ORGANISATION, Reach.PROJECTION):
            for document in (data.get(table) or {}).values():
                strings.update(_strings(document))
    settings = (data.get(SETTINGS_TABLE) or {}).get("1") or {}
    shared = [value for name, value in settings.items() if name in SHARED_SETTINGS]
    strings.update(_strings(shared))
    named = _names_of_their_own(data)
    # (each string looked at once: ten years repeat the same ids, dates and words)
    return {
        text
        for text in strings
        if may_be_words(text) and " ".join(text.split()).casefold() not in named
    }


def _names_of_their_own(data: Mapping[str, Any]) -> frozenset[str]:
    """Whole texts that are a name of their own, never a member's mention though a member
    may be called the same: a facilitator's name (written as "who decided", "signed off by"
    too), a group's name and venue (asked about when saved). The organisation's name and a
    support contact are words like any other: "Kit's Collective" names Kit, and stays on the
    laptops of Kit's groups."""
    groups = (data.get("groups") or {}).values()
    found = [
        *(person.get("display_name") for person in (data.get("facilitators") or {}).values()),
        *(group.get(name) for group in groups for name in ("name", "venue")),
    ]
    return frozenset(" ".join(t.split()).casefold() for t in found if isinstance(t, str) and t)


def slot_key(document: Mapping[str, Any]) -> str:
    """The rota's one record per group and date."""
    return f"{document.get('group_id')}/{document.get('date')}"


BOUND_KEYS = frozenset({"support_contacts"})
"""The tables whose records may be keyed by what people edit (a national helpline by its
name): such a key is bound to the record's id the first time it is shared, and kept through
every edit after (`record_key`'s `bound`), so a helpline renamed on two laptops at once stays
one record. (The rota's slot is keyed by its group and date too, but a slot is never moved:
another date is another slot.)"""


def record_key(
    table: str, document: Mapping[str, Any], bound: Mapping[str, str] | None = None
) -> str:
    """What makes two laptops' records one record: the id, except where each laptop made its
    own copy of one thing — the rota's slot, a shipped starter strategy (every new data file
    is given the set), a national helpline (the shipped ones are not local). `bound`: the keys
    this laptop bound to its records of the table by their id (`BOUND_KEYS`); a record's
    bound key is its key whatever its content says now."""
    if bound:
        kept = bound.get(str(document.get("id")))
        if kept is not None:
            return kept
    if table == "rota":
        return slot_key(document)
    if table == "strategies" and document.get("starter_key"):
        return f"starter:{document['starter_key']}"
    if table == "support_contacts" and not document.get("local") and document.get("name"):
        return f"national:{str(document['name']).casefold()}"
    return str(document.get("id"))


_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def members_in(content: Mapping[str, Any], holding: Holding) -> list[frozenset[str]]:
    """Who a part's content identifies: each member id known here that it holds anywhere (a
    value, an item of a list, a key, at any depth), and for each member's name in its texts
    the members of that name. One set of ids for each: one of them is the person meant."""
    if not holding.member_ids:
        return []
    blob = orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS).lower()
    ids = {match.decode() for match in _UUID.findall(blob)} & holding.member_ids
    found = [frozenset({member_id}) for member_id in sorted(ids)]
    if holding.naming:
        for text in _strings(content):
            found.extend(holding.naming.get(text, ()))
    return found


def _strings(value: Any) -> list[str]:
    """Every string in a value, at any depth (a value, an item of a list, never a key), in
    order. A stack rather than nested generators: this is asked of every shared record at
    every export, and each level of a generator passes every string up again."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
    return found


def kept_to_members(part: Part, holding: Holding) -> Part | None:
    """The part with its sections narrowed to the held groups of every member it holds (the
    organisation never); None when no section is left, and it is not sent at all."""
    identified = members_in(part.content, holding)
    if not identified:
        return part
    allowed = set(holding.groups)
    for members in identified:  # a name two members share may go where either is held
        allowed &= {g for member_id in members for g in holding.sections_of_member(member_id)}
    sections = tuple(section for section in part.sections if section in allowed)
    if not sections:
        return None
    return part if sections == part.sections else Part(part.kind, part.key, part.content, sections)


def parts_of(table: str, document: dict[str, Any], holding: Holding) -> list[Part]:
    """The shared parts of one stored document, as this laptop would send them; each kept to
    the groups of the members it holds (`kept_to_members`)."""
    declared = _declared_parts(table, document, holding)
    if table in FIELD_PARTS:
        # One record, one destination: where its whole content may go, every part goes.
        whole = kept_to_members(Part(table, declared[0].key, document, (ORG,)), holding)
        if whole is None:
            return []
        return [Part(p.kind, p.key, p.content, whole.sections) for p in declared]
    return [kept for part in declared if (kept := kept_to_members(part, holding)) is not None]


_ORGANISATION, _GROUP, _PROJECTION = Reach.ORGANISATION, Reach.GROUP, Reach.PROJECTION
"""(Read once: an enum's member looked up on its class costs ten times a name, and this is
asked of every record at every exchange.)"""


def _declared_parts(table: str, document: dict[str, Any], holding: Holding) -> list[Part]:
    """The parts of a document as its table's rule declares them."""
    reach = RULES[table].reach
    key = record_key(table, document, holding.keys.get(table))
    if reach is _ORGANISATION and table in FIELD_PARTS:
        return _field_parts(table, document, key)
    if reach is _ORGANISATION:
        return [Part(table, key, document, (ORG,))]
    if reach is _GROUP:
        if not holding.groups:
            return []
        owner = document.get("id") if table == "members" else document.get("member_id")
        return [Part(table, key, document, holding.sections_of_member(owner))]
    if reach is _PROJECTION and table == "sessions":
        return _session_parts(document, holding, key)
    if reach is _PROJECTION and table == "strategies":
        return _strategy_parts(document, holding, key)
    return []


def _field_parts(table: str, document: dict[str, Any], key: str) -> list[Part]:
    """A record's main part (every field not in a set) and one part for each set of fields."""
    sets = FIELD_PARTS[table]
    split = frozenset().union(*sets.values())
    parts = [Part(table, key, {n: v for n, v in document.items() if n not in split}, (ORG,))]
    for name, fields in sets.items():
        content = {field: document[field] for field in sorted(fields) if field in document}
        parts.append(Part(table + FIELD_MARK + name, key, content, (ORG,)))
    return parts


def _session_parts(document: dict[str, Any], holding: Holding, key: str) -> list[Part]:
    named = document.get("named_member_ids") or []
    themes = list(document.get("themes") or [])
    org = {name: value for name, value in document.items() if name in SESSION_ORG_FIELDS}
    org["anonymous_count"] = int(document.get("anonymous_count", 0)) + len(named)
    naming = holding.naming_themes
    org["themes"] = [theme for theme in themes if theme not in naming] if naming else themes
    parts = [Part("sessions", key, org, (ORG,))]
    group_id = str(document.get("group_id"))
    if group_id in holding.groups:
        group = {name: document.get(name) for name in SESSION_GROUP_FIELDS if name in document}
        places = [i for i, theme in enumerate(themes) if theme in holding.naming_themes]
        group["themes"] = [themes[i] for i in places]
        group[THEME_PLACES] = places
        parts.append(Part("sessions" + GROUP_SUFFIX, key, group, (group_id,)))
    return parts


def _strategy_parts(document: dict[str, Any], holding: Holding, key: str) -> list[Part]:
    org = {name: value for name, value in document.items() if name not in STRATEGY_GROUP_FIELDS}
    if holding.names_a_member(document, TEXT_FIELDS["strategies"]):
        # Its words name a member: the whole idea is declared for the laptops of the group it
        # was shared in (or of every held group), then kept to the member's groups.
        shared_in = document.get("shared_in_group_id")
        held = (str(shared_in),) if shared_in in holding.groups else tuple(sorted(holding.groups))
        parts = [Part("strategies", key, org, held)]
    else:
        parts = [Part("strategies", key, org, (ORG,))]
    member = document.get("attributed_member_id")
    if member and holding.groups:
        # The member's groups, not the group it was shared in: a member may share an idea
        # in a group whose other laptops do not hold them.
        sections = holding.sections_of_member(str(member))
        parts.append(
            Part("strategies" + GROUP_SUFFIX, key, {"attributed_member_id": member}, sections)
        )
    return parts


THEME_PLACES = "theme_places"
"""In a session's group part: where each of its themes stands among all the session's themes."""


def _with_naming_themes(org: Mapping[str, Any], group: Mapping[str, Any]) -> list[Any]:
    """The session's themes: the organisation's, with the group's own put back in place."""
    themes = list(org.get("themes") or [])
    naming = list(group.get("themes") or [])
    places = group.get(THEME_PLACES)
    if not isinstance(places, list) or len(places) != len(naming):
        # a group part written before themes had places held every theme: add the others
        return themes + [theme for theme in naming if theme not in themes]
    end = len(themes) + len(naming)
    placed = [
        (p if type(p) is int and p >= 0 else end, t) for p, t in zip(places, naming, strict=True)
    ]
    for place, theme in sorted(placed, key=lambda pair: pair[0]):
        themes.insert(place, theme)
    return themes


def settings_parts(settings: Mapping[str, Any]) -> list[Part]:
    """The shared settings' parts: one for each setting (`FIELD_PARTS`), and the main part
    (any shared setting not declared there; empty while each is)."""
    shared = {name: value for name, value in settings.items() if name in SHARED_SETTINGS}
    return _field_parts(SETTINGS_KIND, shared, "1")


def table_of(kind: str) -> str:
    return kind.removesuffix(GROUP_SUFFIX).split(FIELD_MARK, 1)[0]


def assemble(
    table: str,
    org: dict[str, Any] | None,
    group: dict[str, Any] | None,
    fields: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> dict[str, Any] | None:
    """The stored document made from a record's parts (the inverse of `parts_of`); None when
    the organisation's part is gone. Without a group part (a laptop that does not hold the
    group), a session has no named attendance and counts everyone as anonymous. `fields`:
    each set of fields' part by its kind (`FIELD_PARTS`); each gives only its own fields."""
    if org is None:
        return None
    document = dict(org)
    for kind, content in (fields or {}).items():
        table_name, _, name = kind.partition(FIELD_MARK)
        own = FIELD_PARTS.get(table_name, {}).get(name, frozenset())
        document.update({f: v for f, v in (content or {}).items() if f in own})
    if table == "sessions":
        if group is None:
            for name, value in SESSION_GROUP_DEFAULTS.items():
                document[name] = value
        else:
            for name in SESSION_GROUP_FIELDS:
                if name in group:
                    document[name] = group[name]
            document["themes"] = _with_naming_themes(org, group)
            named = len(group.get("named_member_ids") or [])
            document["anonymous_count"] = max(0, int(org.get("anonymous_count", 0)) - named)
    elif table == "strategies":
        document["attributed_member_id"] = (group or {}).get("attributed_member_id")
    return document
