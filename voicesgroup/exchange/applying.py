"""Applying a merge to the document: what wins goes in, checked by its model, nothing lost.

`merge_in` takes what came in (nothing about a forgotten member, `Run.is_forgotten`: the
organisation's tombstones or the data file's own record of whom it forgot, which is
announced; a session's forgotten members counted as anonymous; a record an older version
shared whole read as its parts, `merge.in_parts`), runs the pure merge rules (`merge`) over it and
this laptop's own stamped parts, and writes each winning version into the document in memory:
a table's records checked by its model at once (record by record only when one is refused,
told once each), a record's two versions kept side by side as a conflict, a withdrawal new
here noted to be carried out as the laptop that recorded it did. The state takes the
winners' stamps. `forget_here` then forgets, by the store's own forgetting, every
member here so forgotten.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from voicesgroup.exchange import sharing
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.merge import (
    ROTA_FIELDS,
    Entry,
    conflict_copies,
    in_parts,
    merge,
    rota_clashes,
    unseen_withdrawals,
    whole_records,
)
from voicesgroup.exchange.run import Run
from voicesgroup.schema import SETTINGS_TABLE
from voicesgroup.store import forgetting, redaction

_MEMBER_FIELDS = {
    "members": "id",
    "consent_events": "member_id",
    "notes": "member_id",
    "contact_details": "member_id",
}
"""The tables about one member, and the field that names them."""


def _models() -> dict[str, Any]:
    from voicesgroup import models

    return {
        model.TABLE: model
        for model in vars(models).values()
        if isinstance(model, type)
        and issubclass(model, models.Record)
        and model is not models.Record
    }


def _forgotten(run: Run, member_id: object) -> bool:
    """Whether the member was forgotten (`Run.is_forgotten`). One this file forgot before it
    took part in this exchange (its own record of forgetting, under a key of its own) is
    announced as met: the organisation's tombstone for them joins this laptop's, so every
    other laptop that still holds them forgets them too. A keyed hash, never a name or an id."""
    if not run.is_forgotten(member_id):
        return False
    stone = run.member_stone(str(member_id))
    if stone:
        run.add_tombstone(stone)
    return True


def _about_forgotten(run: Run, entry: Entry) -> bool:
    content = entry.content
    if content is None:
        return False
    field_name = _MEMBER_FIELDS.get(entry.kind)
    if field_name is not None:
        return _forgotten(run, content.get(field_name))
    if entry.kind == "strategies" + sharing.GROUP_SUFFIX:
        return _forgotten(run, content.get("attributed_member_id"))
    return False


def _names_of_forgotten(run: Run, incoming: list[Entry]) -> list[str]:
    """Every name a forgotten member went by, as an outbox still holding them tells it. What
    else it holds may name them in a text (a theme, a follow-up); such texts are redacted as
    the store's forgetting redacts them (`store.redaction`), for here the name is not a
    member's any more, and a theme naming no member would travel to every laptop."""
    names: list[str] = []
    for entry in incoming:
        if entry.kind != "members" or entry.content is None or not _about_forgotten(run, entry):
            continue
        former = entry.content.get("former_names")
        for name in [
            entry.content.get("display_name"),
            *(former if isinstance(former, list) else []),
        ]:
            if isinstance(name, str) and name.strip() and name not in names:
                names.append(name)
    return names


def _without_forgotten(run: Run, entry: Entry) -> Entry:
    """A session's group part with forgotten members counted as anonymous instead."""
    if entry.kind != "sessions" + sharing.GROUP_SUFFIX or entry.content is None:
        return entry
    named = entry.content.get("named_member_ids") or []
    gone = [mid for mid in named if _forgotten(run, mid)]
    if not gone:
        return entry
    content = dict(entry.content)
    content["named_member_ids"] = [mid for mid in named if mid not in gone]
    content["anonymous_count"] = int(content.get("anonymous_count", 0)) + len(gone)
    content["round_marks"] = {
        k: v for k, v in (content.get("round_marks") or {}).items() if k not in gone
    }
    # (its content changed, so the hash its outbox carried is not passed on)
    return Entry(entry.kind, entry.key, entry.stamp, entry.base, content, entry.extra)


def _local_entries(
    run: Run, current: dict[tuple[str, str], sharing.Part]
) -> dict[tuple[str, str], Entry]:
    found: dict[tuple[str, str], Entry] = {}
    for kind, held_parts in run.record["entries"].items():
        for skey, (digest, stamp, base, extra) in held_parts.items():
            part = current.get((kind, skey))
            read = Stamp.read(stamp)
            if read is None:
                continue
            content = part.content if part is not None and digest is not None else None
            key = part.key if part is not None else skey
            found[(kind, key)] = Entry(kind, key, read, Stamp.read(base), content, extra)
    return found


def merge_in(run: Run, incoming: list[Entry]) -> None:
    """Merge what came in with what is here, in memory."""
    if not incoming:
        return
    # the members referred to before what came in replaces records: a backup may still
    # refer to one the organisation forgot though the merged file no longer does
    if run.record["tombstones"]:
        run.referred |= forgetting.member_ids_referred_to(run.data)
    forgotten_names = _names_of_forgotten(run, incoming)
    incoming = [
        part
        for entry in incoming
        if not _about_forgotten(run, entry)
        for part in in_parts(_without_forgotten(run, entry))
    ]
    local = _local_entries(run, run.current())
    versions = [*local.values(), *incoming]
    winners = whole_records(merge(versions), versions)
    copies = conflict_copies(winners, versions)
    events = [winners[slot] for slot in winners if slot[0] == "consent_events"]
    added = unseen_withdrawals(events)
    changes: dict[tuple[str, str], Entry] = {}
    for slot, winner in winners.items():
        mine = local.get(slot)
        if mine is not None and sharing.table_of(slot[0]) in NAMES_KEPT_OUT:
            run.replaced += _texts_replaced(mine.content, winner.content)
        # What this laptop holds is kept only when it is the winner itself. Its own version
        # is not favoured on a tie: two versions under one stamp (a damaged or forged outbox
        # gave another under this laptop's stamp) are settled by the one order every laptop
        # takes (`merge.Entry.order`), here too, or the writer and its readers stay apart.
        if mine is not None and mine.stamp == winner.stamp and mine.content == winner.content:
            continue
        changes[slot] = winner
    models = _models()
    applied, by_laptop = _apply(run, changes, models)
    _keep_conflicts(run, copies, winners, versions, models)
    _note_withdrawals(run, added, events, models)
    kept_out = _names_kept_out(run, changes)
    _parts_changed(run)
    redacted = bool(forgotten_names and redaction.redact(run.data, forgotten_names)) or kept_out
    if redacted:
        run.data_changed()  # texts were rewritten in place: every part is made again
    for kind, count in applied.items():
        run.summary.came_in[kind] = run.summary.came_in.get(kind, 0) + count
    _note_came_in(run, by_laptop)
    # Only a change to what this laptop shares makes a new outbox: a laptop that rewrote its
    # outbox for having read another's, unchanged, would set the two writing for ever.
    run.changed |= bool(changes or copies or added or redacted)


NAMES_KEPT_OUT = ("supervision", "rota", "facilitator_paths")
"""The tables whose shared texts a laptop that holds no members may write (the coordinator's:
a supervision topic, a rota or path reason) and that no member's name may reach: a laptop
holding the group checks them as they come in (`_names_kept_out`)."""


def _names_kept_out(run: Run, changes: dict[tuple[str, str], Entry]) -> bool:
    """On a laptop holding members: a text that came in from another laptop (one that could
    not check it, the coordinator's) naming one of them for certain is written with "another
    member" here, so that this laptop's next outbox, stamped anew, replaces it everywhere;
    told once. Whether any text was changed."""
    members = run.data.get("members") or {}
    if not run.record["groups"] or not members:
        return False
    came = {(sharing.table_of(kind), key) for kind, key in changes}
    chosen: dict[str, Any] = {}
    for table in NAMES_KEPT_OUT:
        records = run.data.get(table) or {}
        picked = {
            number: document
            for number, document in records.items()
            if isinstance(document, dict) and (table, sharing.record_key(table, document)) in came
        }
        if picked:
            chosen[table] = picked
    if not chosen:
        return False
    names = [
        name
        for member in members.values()
        if isinstance(member, dict)
        for name in [member.get("display_name"), *(member.get("former_names") or ())]
        if isinstance(name, str) and name.strip()
    ]
    for table in ("members", "facilitators", SETTINGS_TABLE):
        chosen[table] = run.data.get(table) or {}
    found = redaction.redact(chosen, names, tables=list(NAMES_KEPT_OUT), certain=True)
    if found:
        places = "; ".join(dict.fromkeys(mention.where for mention in found))
        run.summary.problems.append(
            f"A text from another laptop named a member of this group ({places}): it now "
            'reads "another member" here, and the other laptops take this version.'
        )
    return bool(found)


def _texts_replaced(mine: Any, theirs: Any) -> list[tuple[str, str]]:
    """The texts of this laptop's version that the winning one holds with a name written
    "another member" (and nothing else changed), each with its new words, side by side."""
    if isinstance(mine, str) and isinstance(theirs, str):
        return [(mine, theirs)] if _only_a_name_replaced(mine, theirs) else []
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return [
            pair
            for k in mine.keys() & theirs.keys()
            for pair in _texts_replaced(mine[k], theirs[k])
        ]
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        return [pair for a, b in zip(mine, theirs, strict=True) for pair in _texts_replaced(a, b)]
    return []


def _only_a_name_replaced(before: str, after: str) -> bool:
    """Whether `after` is `before` with names (each a span of it) written "another member"."""
    phrase = re.compile(re.escape(redaction.ANOTHER_MEMBER), re.IGNORECASE)  # "Another…" too
    pieces = phrase.split(after)
    if phrase.search(before) or len(pieces) < 2:
        return False
    pattern = "(?:.+?)".join(re.escape(piece) for piece in pieces)
    return re.fullmatch(pattern, before, re.DOTALL) is not None


def _note_came_in(run: Run, by_laptop: dict[str, dict[str, int]]) -> None:
    """What came in from each other laptop, for the status: the records whose winning change
    was made on it (its stamp's laptop, whichever outbox carried it), by table, and when. A
    laptop nothing of which came in this time keeps what came in from it the time before."""
    when = run.clock.wall()
    for replica, counts in by_laptop.items():
        peer = run.record["peers"].get(replica)
        if peer is not None:
            peer["came_in"] = {"ms": when, "counts": dict(sorted(counts.items()))}


def _keep_conflicts(
    run: Run,
    copies: list[Entry],
    winners: dict[tuple[str, str], Entry],
    versions: list[Entry],
    models: dict[str, Any],
) -> None:
    """A record's other version kept beside it, and a rota slot both laptops changed, each
    noted as a conflict for a person to settle (`conflicts`)."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    for copy in copies:
        if run.index.find(copy.kind, copy.key) is not None:
            continue  # held already: derived before here, or come from another laptop
        stored = _put_document(run, copy.kind, copy.content, models) if copy.content else None
        if stored is None:
            continue
        run.record["conflicts"].append(
            {"table": copy.kind, "copy": copy.key, "of": (copy.extra or {}).get("of")}
        )
        run.summary.conflicts += 1
        # The copy travels under the stamp of the version it keeps, saying what it is a
        # version of (`extra["of"]`): every laptop that holds it lists the conflict, and
        # every laptop that derives it derives the same part.
        table = sharing.table_of(copy.kind)
        for part in sharing.parts_of(table, stored, run.holding()):
            if part.kind == copy.kind:  # (none when it may go nowhere: it stays here alone)
                copied = Entry(copy.kind, copy.key, copy.stamp, None, part.content, copy.extra)
                _take_stamp(run, entries, copied)
    known = {(c.get("slot"), str(c.get("stamp"))) for c in run.record["conflicts"]}
    for clash in rota_clashes(winners, versions):
        if (clash.key, str(clash.stamp.as_list())) in known or clash.content is None:
            continue
        kept = winners[(clash.kind, clash.key)].content or {}
        run.record["conflicts"].append(
            {
                "table": "rota",
                "slot": clash.key,
                "stamp": str(clash.stamp.as_list()),
                "kept": {f: kept.get(f) for f in ROTA_FIELDS},
                "other": {f: clash.content.get(f) for f in ROTA_FIELDS},
            }
        )
        run.summary.conflicts += 1


def _note_withdrawals(
    run: Run, added: list[dict[str, Any]], events: list[Entry], models: dict[str, Any]
) -> None:
    """Withdrawals the merge adds (one a laptop had not seen when it gave consent again) are
    put in and carried out here, erasing when the laptop that recorded them erased."""
    for withdrawal in added:
        if _put_document(run, "consent_events", withdrawal, models) is not None:
            erased = any(
                (entry.extra or {}).get("erase") is True
                for entry in events
                if entry.content is not None
                and entry.content.get("action") == "withdrawn"
                and entry.content.get("member_id") == withdrawal.get("member_id")
                and entry.content.get("scope") == withdrawal.get("scope")
            )
            run.withdrawals.append(
                (str(withdrawal.get("member_id")), str(withdrawal.get("scope")), erased)
            )


def _parts_changed(run: Run) -> None:
    """After a merge: the shared parts of the records it put or removed are made again. Only
    on the coordinator's laptop, where what decides where parts go (`Holding`: members and
    their groups) is always empty, can the others be kept; elsewhere every part is."""
    touched, run.index.touched = run.index.touched, set()
    if run.parts is None or run.record["groups"]:
        run.data_changed()
        return
    holding = run.holding()
    parts, taken_in = run.parts, run.taken
    kinds_of: dict[str, tuple[str, ...]] = {}
    for table, key in touched:
        kinds = kinds_of.get(table)
        if kinds is None:
            kinds = kinds_of[table] = (
                table,
                table + sharing.GROUP_SUFFIX,
                *sharing.field_kinds(table),
            )
        for kind in kinds:
            parts.pop((kind, key), None)
        document = run.index.stored(table, key)
        if document is not None:
            for part in sharing.parts_of(table, document, holding):
                taken = taken_in.get((part.kind, part.key))
                if taken is not None and taken[0] == part.content:
                    part.__dict__["digest"] = taken[1]  # the cached hash, already known
                parts[(part.kind, run.state_key(part.kind, part.key))] = part
    run.taken = {}
    for part in run.settings_sent():
        run.parts[(part.kind, part.key)] = part


def _apply(
    run: Run, changes: dict[tuple[str, str], Entry], models: dict[str, Any]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Write the winning versions into the document; the state takes their stamps. Returns
    the records changed by table, and by the laptop each change was made on."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    by_record: dict[tuple[str, str], dict[str, Entry]] = {}
    for (kind, key), entry in changes.items():
        by_record.setdefault((sharing.table_of(kind), key), {})[kind] = entry
    counts: dict[str, int] = {}
    by_laptop: dict[str, dict[str, int]] = {}

    def came(table: str, parts: dict[str, Entry]) -> None:
        counts[table] = counts.get(table, 0) + 1
        for replica in {entry.stamp.replica for entry in parts.values()}:
            mine = by_laptop.setdefault(replica, {})
            mine[table] = mine.get(table, 0) + 1

    renamed: dict[str, str] = {}
    pending: dict[str, list[tuple[str, dict[str, Any], dict[str, Entry], Any]]] = {}
    for (table, key), parts in by_record.items():
        if table == sharing.SETTINGS_KIND:
            settings = _assembled(parts, run.settings_parts())
            if settings is not None and _put_settings(run, settings):
                came("settings", parts)
                for entry in parts.values():
                    _take_stamp(run, entries, entry)
            continue
        local_doc = run.index.find(table, key)
        document = _document_of(run, table, key, parts, local_doc)
        if document is None:
            if local_doc is not None:
                run.index.remove(table, key)
                came(table, parts)
            for entry in parts.values():
                if entry.content is None:
                    _take_stamp(run, entries, entry)
            continue
        pending.setdefault(table, []).append((key, document, parts, local_doc))
    for table, records in pending.items():
        checked = checked_records(run, table, [document for _, document, _, _ in records], models)
        for (key, document, parts, local_doc), stored in zip(records, checked, strict=True):
            if stored is None:
                continue
            run.index.put(table, key, stored)
            if table == "consent_events" and local_doc is None:
                _withdrawal_came_in(run, document, parts[table].extra)
            if local_doc is None and table in parts and (parts[table].extra or {}).get("of"):
                run.summary.conflicts += 1  # another laptop's merge kept this version
            if table == "strategies" and local_doc and local_doc.get("id") != document.get("id"):
                renamed[str(local_doc.get("id"))] = str(document.get("id"))
            came(table, parts)
            for entry in parts.values():
                _take_stamp(run, entries, entry)
    _strategies_renamed(run, renamed)
    return counts, by_laptop


def _document_of(
    run: Run,
    table: str,
    key: str,
    parts: dict[str, Entry],
    local_doc: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """The record the winning parts make (None: it is gone). A projected record is assembled
    from its organisation's and its group's parts, the one not changed taken from here."""
    if table in sharing.FIELD_PARTS:
        return _assembled_from_fields(run, table, key, parts, local_doc)
    if sharing.RULES[table].reach is not sharing.Reach.PROJECTION:
        return parts[table].content
    holding = run.holding()
    now = {
        p.kind: p.content
        for p in (sharing.parts_of(table, local_doc, holding) if local_doc else [])
    }
    org_entry = parts.get(table)
    group_entry = parts.get(table + sharing.GROUP_SUFFIX)
    org = org_entry.content if org_entry else now.get(table)
    if org_entry is None and local_doc is None:
        org = None
    group = group_entry.content if group_entry else now.get(table + sharing.GROUP_SUFFIX)
    document = sharing.assemble(table, org, group)
    if group is None and org is not None and _may_hold_group_part(table, org, holding):
        _placeholder(run.record["entries"], table + sharing.GROUP_SUFFIX, key)
    return document


def _assembled_from_fields(
    run: Run, table: str, key: str, parts: dict[str, Entry], local_doc: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A record shared as several parts (`sharing.FIELD_PARTS`): the winning parts, each part
    not changed taken from the record here."""
    here = sharing.parts_of(table, local_doc, run.holding()) if local_doc else []
    return _assembled(parts, here)


def _assembled(parts: dict[str, Entry], here: list[sharing.Part]) -> dict[str, Any] | None:
    """The record (or the settings) the winning parts make, each part not changed taken from
    `here` (this laptop's parts of it)."""
    table = sharing.table_of(next(iter(parts)))
    held = {part.kind: part.content for part in here}
    main = parts[table].content if table in parts else held.get(table)
    fields = {
        kind: parts[kind].content if kind in parts else held.get(kind)
        for kind in sharing.field_kinds(table)
    }
    return sharing.assemble(table, main, None, fields)


_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {}
"""One validator of a whole table's records for each model, made once."""


def checked_records(
    run: Run, table: str, documents: list[dict[str, Any]], models: dict[str, Any]
) -> list[dict[str, Any] | None]:
    """The records that came in for a table, each checked by its model and written as the
    model writes it (None for one it refuses, told once each): one call for the table, and
    one a record only when some record is refused."""
    model = models.get(table)
    if model is None:
        return [None] * len(documents)
    adapter = _ADAPTERS.get(table)
    if adapter is None:
        adapter = _ADAPTERS[table] = TypeAdapter(list[model])  # type: ignore[valid-type]  # a model chosen at run time
    blob = _as_json(documents)
    try:
        valid = adapter.validate_python(documents, context=_texts_checked(blob))
        written = adapter.dump_json(valid)
        if written == blob:
            # The model writes every record exactly as it came (its JSON, byte for byte,
            # the quicker way to tell): the records are stored as they are.
            return list(documents)
        ordered = _in_field_order(model, documents)
        if written == _as_json(ordered):  # the same, once in the model's order of fields
            return [*ordered]
        return list(adapter.dump_python(valid, mode="json"))
    except ValidationError:
        pass
    found: list[dict[str, Any] | None] = []
    for document in documents:
        try:
            found.append(model.model_validate(document).model_dump(mode="json"))
        except ValidationError:
            run.summary.problems.append(
                f"A record for {table.replace('_', ' ')} that came in could not be read and "
                "was left out."
            )
            found.append(None)
    return found


def _in_field_order(model: Any, documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each record with its model's fields first, in the model's order (a record assembled
    from its parts has them in another)."""
    order = tuple(model.model_fields)
    return [{**{name: doc[name] for name in order if name in doc}, **doc} for doc in documents]


def _as_json(documents: list[dict[str, Any]]) -> bytes | None:
    """The records as JSON (None for what JSON cannot hold: the model then refuses it)."""
    try:
        return orjson.dumps(documents)
    except TypeError:
        return None


def _texts_checked(blob: bytes | None) -> dict[str, bool] | None:
    """The model's check for control characters (`models.refuse_control_characters`), made
    once over a whole table's records as JSON text (`models.json_surely_clean`) instead of
    once a record; None (each record checked) when that is not sure."""
    from voicesgroup import models

    if blob is None:
        return None
    return {models.TEXTS_CHECKED: True} if models.json_surely_clean(blob) else None


def _may_hold_group_part(table: str, org: dict[str, Any], holding: sharing.Holding) -> bool:
    """Whether this laptop could hold the group part of a record it has the facts of."""
    if table == "sessions":
        return str(org.get("group_id")) in holding.groups
    return bool(holding.groups)


def _withdrawal_came_in(run: Run, event: dict[str, Any], extra: dict[str, Any] | None) -> None:
    """Note a withdrawal new here, to be carried out as the laptop that recorded it did (an
    outbox that does not say it erased: kept restricted, so nothing is lost)."""
    if event.get("action") == "withdrawn":
        erase = (extra or {}).get("erase") is True
        run.withdrawals.append((str(event.get("member_id")), str(event.get("scope")), erase))


def _placeholder(entries: dict[str, dict[str, list[Any]]], kind: str, key: str) -> None:
    """Mark a group part this laptop does not hold (it has the record's facts only): an edit
    made here before the real part comes is stamped as lacking it (`merge`), and loses."""
    entries.setdefault(kind, {}).setdefault(key, [None, None, None, {"lacking": True}])


def _strategies_renamed(run: Run, renamed: dict[str, str]) -> None:
    """Sessions that shared a starter strategy under this laptop's own id now name the one
    every laptop keeps (`renamed`: old id to new); each session so rewritten is made again."""
    if not renamed:
        return
    for session in run.data.get("sessions", {}).values():
        shared = session.get("strategy_ids") or []
        if any(s in renamed for s in shared):
            session["strategy_ids"] = list(dict.fromkeys(renamed.get(s, s) for s in shared))
            run.index.touched.add(("sessions", sharing.record_key("sessions", session)))


def _take_stamp(run: Run, entries: dict[str, dict[str, list[Any]]], entry: Entry) -> None:
    """The state takes the stamps of a version taken in, and its hash: the one its outbox
    carried (`outbox`), else worked out here."""
    digest = None
    if entry.content is not None:
        digest = entry.digest or sharing.content_hash(entry.content)
    if digest is not None:
        run.taken[(entry.kind, entry.key)] = (entry.content, digest)
    entries.setdefault(entry.kind, {})[run.state_key(entry.kind, entry.key)] = [
        digest,
        entry.stamp.as_list(),
        entry.base.as_list() if entry.base else None,
        entry.extra,
    ]


def _put_document(
    run: Run,
    table: str,
    document: dict[str, Any],
    models: dict[str, Any],
) -> dict[str, Any] | None:
    """Put a record in its table if its model accepts it, as stored; None (and told) when
    not."""
    [checked] = checked_records(run, table, [document], models)
    if checked is None:
        return None
    run.index.put(table, sharing.record_key(table, checked), checked)
    return checked


def _put_settings(run: Run, shared: dict[str, Any]) -> bool:
    from voicesgroup import models

    stored = run.data.setdefault(sharing.SETTINGS_KIND, {}).setdefault("1", {})
    merged = {**stored, **{k: v for k, v in shared.items() if k in sharing.SHARED_SETTINGS}}
    try:
        run.data[sharing.SETTINGS_KIND]["1"] = models.Settings.model_validate(merged).model_dump(
            mode="json"
        )
    except ValidationError:
        run.summary.problems.append("Settings that came in could not be read and were left out.")
        return False
    return True


def due_forgetting(run: Run) -> list[str]:
    """The members who were forgotten (`Run.is_forgotten`) and whom records here still refer
    to: those held here, and those only named (a session's attendance, a note, a consent
    event, a strategy's attribution), whose record this laptop never held. Each id referred to
    is hashed with the organisation's key and compared with the tombstones; the ids referred
    to before the merge count too (`merge_in`)."""
    referred = run.referred | forgetting.member_ids_referred_to(run.data)
    return sorted(
        member_id
        for member_id in referred
        if _is_member_id(member_id) and run.is_forgotten(member_id)
    )


def _is_member_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def forget_here(run: Run) -> int:
    """Forget every member here whom the organisation's tombstones name (the store's own
    forgetting: the data file and every backup)."""
    due = due_forgetting(run)
    for member_id in due:
        run.store.forget_member(uuid.UUID(member_id), told=True)
    return len(due)
