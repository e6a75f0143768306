"""Stamping what changed on this laptop, and sealing and writing its outbox.

`stamp` compares every shared part of the document with the content hash the state keeps
for it (`sharing.parts_of`) and gives what changed a new stamp of the hybrid logical clock:
a part gone gets a deletion marker, a member gone (forgotten here) a tombstone. `seal` makes
the outbox from the state (one section for the organisation, one for each group held) and
saves its serial in the data file before its bytes are made and put in the folder
(`one_exchange.deliver`), so a stop
between the two leaves an outbox older than the file says, rewritten next time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from voicesgroup.exchange import outbox, sharing, state
from voicesgroup.exchange.clock import SHIPPED_MS, Stamp
from voicesgroup.exchange.merge import Entry, in_parts
from voicesgroup.exchange.run import FORMER_IDENTITY, Run

COVERED = {"personal_notes": "notes", "contact_details": "contact_details"}
"""The tables whose records a withdrawal of a scope erases or keeps restricted."""


def stamp(run: Run) -> bool:
    """Stamp what changed here since the last time; a part gone gets a deletion marker, a
    member gone (forgotten here) a tombstone. True when anything was stamped."""
    changed = _stamp_changed_parts(run)
    changed = _stamp_parts_gone(run) or changed
    run.changed |= changed
    return changed


def _stamp_changed_parts(run: Run) -> bool:
    """A new stamp for each part whose content differs from what was stamped last."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    current = run.current()
    changed = False
    withdrawals = _withdrawal_ids(run.data)
    whole = _stamped_whole(run, entries, current)
    for (kind, skey), part in current.items():
        held = entries.setdefault(kind, {}).get(skey)
        digest = part.digest
        if held is not None and held[0] == digest:
            continue
        was = whole.get((sharing.table_of(kind), skey))
        if was is not None:
            # First stamped since its record was shared whole: a part as it was then keeps
            # the whole record's stamp (a laptop updated later does not overwrite, with its
            # old values, the changes others made since); a part changed here since then is
            # this laptop's change, stamped now and made from that version.
            whole_held, before = was
            same = before is not None and before.get(kind, {}) == part.content
            stamped = whole_held[1] if same else run.clock.now().as_list()
            base = whole_held[2] if same else whole_held[1]
            entries[kind][skey] = [digest, stamped, base, None]
            changed = True
            continue
        # A placeholder (no stamp) marks a part this laptop does not hold yet.
        unheld = held is None or held[1] is None
        if unheld and _says_nothing_new(kind, part, current):
            continue
        stamped = run.clock.now().as_list()
        if unheld and part.key.startswith(_SHIPPED_PREFIXES) and _as_shipped(kind, part.content):
            # Sent (sessions may name it by this id) but under every real edit: the lowest
            # stamp there is, so another laptop's checked or edited copy always wins.
            stamped = Stamp(SHIPPED_MS, 0, run.replica).as_list()
        base = held[1] if held is not None else None
        extra: dict[str, Any] | None = None
        if kind == "consent_events" and part.content.get("action") == "given":
            member_scope = (part.content.get("member_id"), part.content.get("scope"))
            extra = {"seen": sorted(withdrawals.get(member_scope, ()))}
        elif kind == "consent_events" and part.content.get("action") == "withdrawn":
            extra = {"erase": _erased_here(run.data, part.content)}
        if held is not None and (held[1] is None or (held[3] or {}).get("lacking") is True):
            extra = {**(extra or {}), "lacking": True}  # never wins over the real part
        entries[kind][skey] = [digest, stamped, base, extra]
        changed = True
    return changed


def _stamped_whole(
    run: Run, entries: dict[str, dict[str, list[Any]]], current: dict[tuple[str, str], sharing.Part]
) -> dict[tuple[str, str], tuple[list[Any], dict[str, Any] | None]]:
    """The records shared as several parts (`sharing.FIELD_PARTS`) whose state is still that
    of the whole record (stamped by a version that shared it whole), by table and key: their
    held state, and each part's content as it was when the whole was stamped (None when that
    is not known: the record changed here since, and this laptop's own outbox no longer holds
    the version stamped)."""
    found: dict[tuple[str, str], tuple[list[Any], dict[str, Any] | None]] = {}
    changed_since: dict[tuple[str, str], list[Any]] = {}
    for table in sharing.FIELD_PARTS:
        kinds = sharing.field_kinds(table)
        for skey, held in entries.get(table, {}).items():
            main = current.get((table, skey))
            if main is None or held[0] is None or held[1] is None:
                continue
            if any(skey in entries.get(kind, {}) for kind in kinds):
                continue  # split already
            parts = {kind: current[(kind, skey)] for kind in kinds if (kind, skey) in current}
            fields = {kind: part.content for kind, part in parts.items()}
            document = sharing.assemble(table, main.content, None, fields)
            if document is not None and sharing.content_hash(document) == held[0]:
                found[(table, skey)] = (held, {table: main.content, **fields})
            else:
                changed_since[(table, skey)] = held
    if changed_since:
        sent = _as_sent_whole(run, changed_since)
        for where, held in changed_since.items():
            found[where] = (held, sent.get(where))
    return found


def _as_sent_whole(
    run: Run, wanted: dict[tuple[str, str], list[Any]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Each record of `wanted` (table and key: its state as a whole) as this laptop's own
    outbox sent it under that stamp and hash, by part (`merge.in_parts`); the records it does
    not hold so (or no outbox to read) are left out."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    try:
        sent = outbox.open_sealed(run.own_outbox.read_bytes(), run.org, run.group_keys)
    except (OSError, outbox.OutboxError):
        sent = None
    for entry in sent.parts if sent is not None else ():
        held = wanted.get((entry.kind, entry.key))
        if held is None or entry.content is None or entry.stamp.as_list() != held[1]:
            continue
        if sharing.content_hash(entry.content) == held[0]:
            found[(entry.kind, entry.key)] = {p.kind: p.content for p in in_parts(entry)}
    missing = {where: held for where, held in wanted.items() if where not in found}
    if missing:
        found.update(_as_in_backups(run, missing))
    return found


def _as_in_backups(
    run: Run, wanted: dict[tuple[str, str], list[Any]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """`_as_sent_whole` for the records this laptop's own outbox does not hold so (gone from
    the folder: a stick not plugged in): each as the data file's backups hold it with the
    hash the state keeps, by part, newest backup first (an encrypted file's, with the key the
    copy the exchange works on was given). A record found in none is stamped as changed here."""
    from voicesgroup.errors import StoreError
    from voicesgroup.store import backups, crypto
    from voicesgroup.store.storage import decode_document

    found: dict[tuple[str, str], dict[str, Any]] = {}
    holding = run.holding()
    try:
        listed = backups.list_backups(run.store.path)
    except OSError:
        return {}
    for backup in listed:
        unlocked = run.store.unlocked
        try:
            blob = backup.path.read_bytes()
            data = decode_document(
                crypto.open_sealed(blob, unlocked) if unlocked else blob, run.store.path
            )
        except (OSError, StoreError, crypto.CryptoError, ValueError):
            continue  # not this file's, or not readable: the next one
        for (table, skey), held in wanted.items():
            if (table, skey) in found:
                continue
            parts = _parts_in(data, table, skey, holding)
            whole = _whole(table, parts)
            if whole is not None and sharing.content_hash(whole) == held[0]:
                found[(table, skey)] = parts
        if len(found) == len(wanted):
            break
    return found


def _parts_in(
    data: dict[str, Any], table: str, skey: str, holding: sharing.Holding
) -> dict[str, dict[str, Any]]:
    """A record's parts (or the settings'), by kind, as a document of a data file holds it."""
    if table == sharing.SETTINGS_KIND:
        settings = (data.get(sharing.SETTINGS_KIND) or {}).get("1")
        found = sharing.settings_parts(settings) if isinstance(settings, dict) else []
        return {part.kind: part.content for part in found}
    for document in (data.get(table) or {}).values():
        if isinstance(document, dict) and sharing.record_key(table, document) == skey:
            return {p.kind: p.content for p in sharing.parts_of(table, document, holding)}
    return {}


def _whole(table: str, parts: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The record a version that shared it whole hashed, from its parts."""
    if table not in parts:
        return None
    fields = {kind: parts[kind] for kind in sharing.field_kinds(table) if kind in parts}
    return sharing.assemble(table, parts[table], None, fields)


def _stamp_parts_gone(run: Run) -> bool:
    """A deletion marker for each part no longer here; a tombstone for a member."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    current = run.current()
    changed = False
    for kind, held_parts in entries.items():
        for skey, held in list(held_parts.items()):
            if (kind, skey) in current or held[0] is None:
                continue
            if kind == "members":
                run.add_tombstone(skey)
                del held_parts[skey]
            elif kind == "consent_events":
                del held_parts[skey]  # only forgetting removes one, and its tombstone travels
            else:
                held_parts[skey] = [None, run.clock.now().as_list(), held[1], None]
            changed = True
    return changed


def _says_nothing_new(
    kind: str, part: sharing.Part, current: dict[tuple[str, str], sharing.Part]
) -> bool:
    """A part first seen here that only repeats what is already known: untouched default
    settings, or a session's group part rebuilt from the organisation's part alone (a laptop
    that has the session's facts but not yet its group's records). Stamped, either would win
    over the real one another laptop holds."""
    if sharing.table_of(kind) == sharing.SETTINGS_KIND:
        return part.content == _default_settings_parts().get(kind)
    if kind == "sessions" + sharing.GROUP_SUFFIX:
        org = current.get(("sessions", part.key))
        return org is not None and sharing.assemble(
            "sessions", org.content, part.content
        ) == sharing.assemble("sessions", org.content, None)
    return False


_SHIPPED_PREFIXES = ("starter:", "national:")
"""The record keys (`sharing.record_key`) of what every new data file is given its own copy of."""
_MADE_HERE = frozenset({"id", "created_at"})
"""The fields in which two untouched shipped copies differ: each file made its own record."""


def _as_shipped(kind: str, content: Mapping[str, Any]) -> bool:
    """A starter strategy or national helpline exactly as the app ships it. Every new laptop
    has one; stamped now, a fresh laptop's untouched copy would win over the one another
    laptop checked or edited (a helpline's "last checked" would go back to "not yet")."""
    shipped_copies = _shipped_contents(sharing.table_of(kind))  # a set of fields: its table's
    own = {key: value for key, value in content.items() if key not in _MADE_HERE}
    return any(
        all(key in as_shipped for key in own) and own == {key: as_shipped[key] for key in own}
        for as_shipped in shipped_copies
    )


@functools.cache
def _shipped_contents(kind: str) -> tuple[dict[str, Any], ...]:
    """What the app ships for a table, as stored, without the fields each file makes itself."""
    from voicesgroup import shipped
    from voicesgroup.models import Record

    records: list[Record] = []
    if kind == "strategies":
        records.extend(shipped.starter_strategies())
    elif kind == "support_contacts":
        records.extend(shipped.starter_support_contacts())
    return tuple(
        {
            key: value
            for key, value in record.model_dump(mode="json").items()
            if key not in _MADE_HERE
        }
        for record in records
    )


@functools.cache
def _default_settings_parts() -> dict[str, dict[str, Any]]:
    """The content of each of the settings' parts when no setting was changed."""
    from voicesgroup import models

    default = models.Settings().model_dump(mode="json")
    return {part.kind: part.content for part in sharing.settings_parts(default)}


def _withdrawal_ids(data: dict[str, Any]) -> dict[tuple[Any, Any], set[str]]:
    found: dict[tuple[Any, Any], set[str]] = {}
    for event in data.get("consent_events", {}).values():
        if event.get("action") == "withdrawn":
            found.setdefault((event.get("member_id"), event.get("scope")), set()).add(event["id"])
    return found


def _erased_here(data: dict[str, Any], withdrawal: dict[str, Any]) -> bool:
    """Whether a withdrawal erased what it covered here: nothing it covered is left (kept
    restricted, it would be). Told to every laptop with the withdrawal, which does the same."""
    table = COVERED.get(str(withdrawal.get("scope")))
    if table is None:
        return False
    member = withdrawal.get("member_id")
    return not any(doc.get("member_id") == member for doc in data.get(table, {}).values())


# -- this laptop's outbox ----------------------------------------------------------------------


def seal(run: Run, own_header: dict[str, Any] | None) -> outbox.Sealing | None:
    """This laptop's outbox, decided, when it says something new (or is missing; None when
    not), its serial written into the data file inside the caller's save; its bytes are made
    when it is written (`outbox.Sealing`). The serial is saved before the outbox is written:
    a stop between leaves an outbox older than the file says, rewritten next time (never one
    newer, which would read as a restore)."""
    record = run.record
    written = own_header.get("serial") if own_header else None
    if not run.changed and written == record["serial"]:
        run.summary.outbox = str(run.own_outbox)
        return None
    sections, sent = _sections(run)
    record["serial"] = int(record["serial"]) + 1
    contents = outbox.Contents(
        replica=run.replica,
        role=record["role"],
        groups=list(record["groups"]),
        serial=record["serial"],
        written_ms=run.clock.wall(),
        tombstones=list(record["tombstones"]),
    )
    state.write(run.data, record)
    run.store.storage.write(run.data)
    run.summary.sent = sent
    run.changed = False
    return outbox.Sealing(contents, run.org, run.group_keys, sections)


def _sections(run: Run) -> tuple[dict[str, list[Entry]], int]:
    """Every stamped part, in the sections of the outbox it goes to, and how many were put."""
    current = run.current()
    holding = run.holding()
    sections: dict[str, list[Entry]] = {sharing.ORG: []}
    for group_id in run.record["groups"]:
        sections[group_id] = []
    sent = 0
    for (kind, skey), (digest, stamped, base, extra) in _flat(run.record["entries"]):
        part = current.get((kind, skey))
        read = Stamp.read(stamped)
        if read is None:
            continue
        if digest is not None and part is None:
            continue
        content = part.content if part is not None else None
        key = part.key if part is not None else skey
        # the hash the state keeps is the content's: stamping made it so, or nothing changed
        entry = Entry(kind, key, read, Stamp.read(base), content, extra, digest)
        if part is not None:
            targets = part.sections
        elif sharing.RULES.get(
            sharing.table_of(kind), sharing.Rule(sharing.Reach.ORGANISATION, "")
        ).reach is sharing.Reach.GROUP or kind.endswith(sharing.GROUP_SUFFIX):
            targets = tuple(holding.groups)
        else:
            targets = (sharing.ORG,)
        for target in targets:
            if target in sections:
                sections[target].append(entry)
                sent += 1
    for former in run.record.get("previous_replicas", []):  # not a record: not counted as sent
        sections[sharing.ORG].append(
            Entry(FORMER_IDENTITY, str(former), run.clock.state, None, None, None)
        )
    return sections, sent


def _flat(
    entries: dict[str, dict[str, list[Any]]],
) -> list[tuple[tuple[str, str], list[Any]]]:
    """Every held part's state, in a fixed order (by kind, then key)."""
    return [
        ((kind, skey), entries[kind][skey])
        for kind in sorted(entries)
        for skey in sorted(entries[kind])
    ]
