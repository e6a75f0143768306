"""Conflicts the merge kept for a person: a note's or a strategy's text changed on two laptops
at once, both versions held until someone chooses.

The merge (`merge.conflict_copies`) keeps the version that lost as a record of its own (a
strategy's copy archived, so only one is printed meanwhile) and `applying` lists it in the
exchange's record. `waiting` shows both versions' texts; `resolve` puts the texts a person
chose (one version, the other, or both edited into one) into the record and removes the other
version: nothing is dropped without a person saying so. The removal is stamped at the next
exchange and travels like any deletion, so the other laptops drop their copy too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup import models
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import state
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.sharing import TEXT_FIELDS, record_key
from voicesgroup.exchange.status import copies_waiting

if TYPE_CHECKING:
    from voicesgroup.store import Store

FIELD_LABELS: dict[str, str] = {
    "member_words": "In their words",
    "what_helped": "What helped",
    "to_remember": "To remember",
    "facilitator_words": "Facilitator's words",
    "title": "Title",
    "description": "What to do",
    "caution": "Caution",
}
"""What each text field is called beside its two versions."""


class ConflictGone(VoicesGroupError):
    """The conflict was resolved already (here, or on another laptop before an exchange)."""


class TextNeeded(VoicesGroupError):
    """The text a record is about (a note's words, a strategy's title) was left empty."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Conflict:
    """One text changed on two laptops at once, and its two versions."""

    table: str
    """`notes` or `strategies`."""
    record_id: UUID
    copy_id: UUID
    """The other version, kept as a record of its own until a person chooses."""
    what: str
    """What it is, in a few words ("A note written on 4 March 2025", "The strategy 'Walk'")."""
    fields: tuple[str, ...]
    shown: dict[str, str]
    """The texts the record holds now (empty when it was removed here since)."""
    other: dict[str, str]
    shown_here: bool = False
    """Whether the version shown was made on this laptop (its stamp is this laptop's)."""
    other_here: bool = False
    """Whether the other version was made on this laptop (it lost to another's)."""

    def label(self, field: str) -> str:
        return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())

    def title(self, side: str) -> str:
        """What a side is called: "shown" (version 1) or "other" (version 2), and where it was
        made, as the stamp of each says."""
        if side == "shown":
            return (
                "Version 1 (shown now, made on this laptop)"
                if self.shown_here
                else ("Version 1 (shown now)")
            )
        return (
            "Version 2 (made on this laptop)"
            if self.other_here
            else ("Version 2 (from another laptop)")
        )


SIDES = ("shown", "other")
"""The two versions of a conflict, in the order shown."""


def _record(data: dict[str, Any]) -> dict[str, Any] | None:
    return state.read(data)


def _document(data: dict[str, Any], table: str, record_id: str) -> dict[str, Any] | None:
    for document in data.get(table, {}).values():
        if str(document.get("id")) == record_id:
            return dict(document)
    return None


def _what(table: str, shown: dict[str, Any] | None, other: dict[str, Any]) -> str:
    import datetime as dt

    from voicesgroup import dates

    if table == "strategies":
        title = (shown or other).get("title") or "a strategy"
        return f"The strategy “{title}”"
    made = (shown or other).get("created_at")
    try:
        day = dates.long_date(dt.datetime.fromisoformat(str(made)))
    except (TypeError, ValueError):
        return "A note"
    return f"A note written on {day}"


def _keyed(data: dict[str, Any], table: str, key: str, *, besides: str) -> dict[str, Any] | None:
    """The record whose exchange key is `key` (not the other version, `besides`)."""
    for document in data.get(table, {}).values():
        if str(document.get("id")) != besides and record_key(table, document) == key:
            return dict(document)
    return None


def _made_here(record: dict[str, Any], table: str, key: str) -> bool:
    """Whether the version of a part kept in the exchange's record was made on this laptop:
    its stamp is this laptop's replica id (a copied data file took one of its own, so its
    edits are its own and the original's are another laptop's)."""
    held = record["entries"].get(table, {}).get(key)
    stamp = Stamp.read(held[1]) if isinstance(held, list) and len(held) > 1 else None
    return stamp is not None and stamp.replica == record["replica"]


def waiting(store: Store) -> list[Conflict]:
    """Every conflict waiting for a person, oldest first; none when not set up."""
    data = store.storage.read()
    record = _record(data)
    if record is None:
        return []
    found: list[Conflict] = []
    seen: set[str] = set()
    for entry in copies_waiting(data, record):
        table = entry["table"]
        fields = TEXT_FIELDS[table]
        copy = _document(data, table, entry["copy"])
        if copy is None or copy["id"] in seen:
            continue
        seen.add(copy["id"])
        # `of` is the record's exchange key: its id, or for a shipped starter strategy the
        # key every laptop's own copy shares (`sharing.record_key`), which is no id at all.
        shown = _keyed(data, table, str(entry["of"]), besides=str(entry.get("copy")))
        found.append(
            Conflict(
                table=table,
                # With the record removed here since, the other version becomes it.
                record_id=UUID(str((shown or copy)["id"])),
                copy_id=UUID(str(entry["copy"])),
                what=_what(table, shown, copy),
                fields=fields,
                shown={f: str(shown.get(f) or "") for f in fields} if shown else {},
                other={f: str(copy.get(f) or "") for f in fields},
                shown_here=shown is not None and _made_here(record, table, str(entry["of"])),
                other_here=_made_here(record, table, str(entry["copy"])),
            )
        )
    return found


def resolve(store: Store, copy_id: UUID, texts: Mapping[str, str]) -> str:
    """Keep `texts` (each text field of the record) and remove the other version.

    Raises ConflictGone when the conflict is no longer waiting, ValueError (the model's) when
    the texts cannot be kept, and the store's refusals (consent, read-only) as they are.
    Returns one sentence saying what was done."""
    store.refuse_if_read_only()
    chosen = next((c for c in waiting(store) if c.copy_id == copy_id), None)
    if chosen is None:
        raise ConflictGone("That conflict has been settled already; nothing was changed.")
    changes = {field: texts.get(field, "") for field in chosen.fields}
    first = chosen.fields[0]
    if not changes[first].strip():
        raise TextNeeded(
            first,
            f"{chosen.label(first)} cannot be left empty: write something there, even a few "
            "words; nothing was changed.",
        )
    with store.batch():
        if chosen.table == "notes":
            _keep_note(store, chosen, changes)
        else:
            _keep_strategy(store, chosen, changes)
        data = store.storage.read()
        record = _record(data)
        if record is not None:
            record["conflicts"] = [
                entry for entry in record["conflicts"] if entry.get("copy") != str(copy_id)
            ]
            state.write(data, record)
            store.storage.write(data)
        store.audit("exchange conflict settled", chosen.table.replace("_", " "))
    return f"{chosen.what}: kept as chosen; the other version is gone from this laptop."


def _keep_note(store: Store, chosen: Conflict, changes: dict[str, str]) -> None:
    copy = next(note for note in store.all_notes() if note.id == chosen.copy_id)
    if chosen.shown:
        note = next(note for note in store.all_notes() if note.id == chosen.record_id)
        store.save_note(note.with_changes(**changes, updated_at=models.now()))
        store.delete_notes([chosen.copy_id])
    else:  # the record itself was removed here since: the other version becomes it
        store.save_note(copy.with_changes(**changes, updated_at=models.now()))


def _keep_strategy(store: Store, chosen: Conflict, changes: dict[str, str]) -> None:
    copy = store.strategy(chosen.copy_id)
    if chosen.shown:
        strategy = store.strategy(chosen.record_id)
        store.save_strategy(strategy.with_changes(**changes))
        store.delete_strategy(chosen.copy_id)
    else:
        store.save_strategy(copy.with_changes(**changes, archived=False))
