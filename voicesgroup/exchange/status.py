"""What the exchange knows, for `exchange status`, the Exchange screen and `forget-laptop`.

Read from the data file's exchange record alone (no folder, no key): this laptop's role,
groups and last exchange; each other laptop, its role, groups, last outbox and when it was
last seen; the conflicts waiting for a person; how many laptops know of every forgetting.
`view` puts it in words for the screen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import outbox, sharing, state
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.merge import ROTA_FIELDS
from voicesgroup.exchange.run import clock_ahead_words, laptop_words, required

if TYPE_CHECKING:
    from voicesgroup.store import Store


def status(store: Store) -> dict[str, Any]:
    """What the exchange knows: each laptop, its role, groups and last outbox, conflicts
    waiting, forgetting acknowledged."""
    data = store.storage.read()
    record = required(data)
    group_names = {doc.get("id"): doc.get("name") for doc in data.get("groups", {}).values()}
    stones = set(record["tombstones"])
    laptops = []
    for replica, peer in sorted(record["peers"].items()):
        laptops.append(
            {
                "replica": replica,
                "role": peer.get("role"),
                "groups": [group_names.get(g, g) for g in peer.get("groups", [])],
                "last_outbox": _when(peer.get("written_ms")),
                "last_seen": _when(peer.get("seen_ms")),
                "forgettings_known": len(stones & set(peer.get("tombstones", []))),
                "left": bool(peer.get("left")),
                # of the changes made on that laptop, what came in here the last time any did
                "came_in_last_time": dict((peer.get("came_in") or {}).get("counts", {})),
                "came_in_when": _when((peer.get("came_in") or {}).get("ms")),
                "records_set_aside": _set_aside(peer),
            }
        )
    # a laptop that left (`exchange leave`) holds nothing more to forget: not counted
    staying = [peer for peer in record["peers"].values() if not peer.get("left")]
    acknowledged = sum(1 for peer in staying if stones <= set(peer.get("tombstones", [])))
    last = record.get("last") or {}
    return {
        "this_laptop": {
            "replica": record["replica"],
            "role": record["role"],
            "groups": [group_names.get(g, g) for g in record["groups"]],
            "folder": record["folder"],
            "last_exchange": _when(last.get("ms")),
            "came_in_last_time": last.get("came_in", {}),
            # (a record an older version saved also told there each file the list names)
            "problems_last_time": [
                problem
                for problem in last.get("problems", [])
                if not any(f" {name} " in str(problem) for name in state.unread(record))
            ],
        },
        "unread_outboxes": unread_outboxes(record),
        "laptops": laptops,
        "conflicts": _waiting(data, record, group_names),
        "forgettings": len(stones),
        "forgetting_acknowledged": {"by": acknowledged + 1, "of": len(staying) + 1},
    }


UNREAD_ADVICE = {
    outbox.INCOMPLETE_KIND: (
        "Nothing to do while the laptops are still syncing: it is tried again at every "
        "exchange. If it stays, exchange again on the laptop that wrote it."
    ),
    outbox.NEWER_KIND: "To read it, update voicesgroup on this laptop; nothing else is needed.",
    outbox.PASSPHRASE_KIND: (
        "Check that the laptop that wrote it was set up with this organisation's exchange "
        "passphrase; a file that is not the organisation's can be deleted from the folder."
    ),
    outbox.NOT_AN_OUTBOX_KIND: (
        "Take it out of the exchange folder: only voicesgroup's own files belong there."
    ),
    outbox.DAMAGED_KIND: (
        "Exchange again on the laptop that wrote it, so that it writes a whole new one; this "
        "file is then read or replaced."
    ),
    outbox.UNREADABLE_KIND: (
        "Check that this laptop's user may read the files in the exchange folder; it is tried "
        "again at every exchange."
    ),
}
"""What to do about an outbox that cannot be read, by its kind (`outbox.kind_of`)."""
CONFLICT_COPY_ADVICE = (
    "It is a conflict copy the carrier made (two versions of one outbox): once it is "
    "unchanged at a later exchange and that laptop's whole outbox has been read, it is removed, "
    "and that is said."
)


def unread_outboxes(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Each outbox in the folder that the last exchanges could not read, by file name: the
    laptop that wrote it (its short id), whether it is a carrier's conflict copy, why, since
    when, and what to do, in words (`said`)."""
    found = []
    for name, noted in sorted(state.unread(record).items()):
        kind = str(noted.get("kind"))
        copy = carrier.is_conflict_copy(Path(name))
        advice = UNREAD_ADVICE.get(kind, UNREAD_ADVICE[outbox.DAMAGED_KIND])
        if copy and kind in outbox.NEVER_OPENS:
            advice += " " + CONFLICT_COPY_ADVICE
        reason = str(noted.get("reason") or "")
        found.append(
            {
                "file": name,
                "laptop": (carrier.replica_of(Path(name)) or "")[:6],
                "conflict_copy": copy,
                "problem": kind,
                "reason": reason,
                "since": _when(noted.get("since_ms")),
                "what_to_do": advice,
                "said": f"The outbox {name} cannot be read: {reason}. {advice}",
            }
        )
    return found


def copies_waiting(data: dict[str, Any], record: dict[str, Any]) -> list[dict[str, str]]:
    """Each other version of a text kept beside its record and held here ({"table", "copy",
    "of"}: the copy's id, the record's exchange key), oldest first. Derived from what this
    laptop holds — the copy's part says what it is a version of, on every laptop that holds
    it — so every laptop holding both versions lists the conflict, and once it is settled on
    one (the copy removed), on all after an exchange. Noted here by an older merge too."""
    found: dict[str, dict[str, str]] = {}
    for noted in record["conflicts"]:
        if noted.get("table") in sharing.TEXT_FIELDS and noted.get("of") is not None:
            found.setdefault(
                str(noted.get("copy")), _copy(noted["table"], noted["copy"], noted["of"])
            )
    travelled = sorted(
        (Stamp.read(held[1]) or Stamp(0, 0, ""), table, key, str(held[3]["of"]))
        for table in sharing.TEXT_FIELDS
        for key, held in record["entries"].get(table, {}).items()
        if held[0] is not None and isinstance(held[3], dict) and held[3].get("of") is not None
    )
    for _, table, key, of in travelled:
        found.setdefault(key, _copy(table, key, of))
    held = {
        table: {str(doc.get("id")) for doc in data.get(table, {}).values()}
        for table in sharing.TEXT_FIELDS
    }
    return [c for c in found.values() if c["copy"] in held[c["table"]]]


def _copy(table: object, copy: object, of: object) -> dict[str, str]:
    return {"table": str(table), "copy": str(copy), "of": str(of)}


def _waiting(
    data: dict[str, Any], record: dict[str, Any], group_names: dict[Any, Any]
) -> list[dict[str, Any]]:
    """The conflicts no one has settled yet: a record's other version still kept beside it,
    and a rota slot unchanged since two laptops planned it differently."""
    waiting: list[dict[str, Any]] = [
        {"table": c["table"], "record": c["of"], "other_version": c["copy"]}
        for c in copies_waiting(data, record)
    ]
    people = {doc.get("id"): doc.get("display_name") for doc in data["facilitators"].values()}
    slots = {sharing.slot_key(doc): doc for doc in data.get("rota", {}).values()}
    for c in record["conflicts"]:
        held = slots.get(c.get("slot"))
        if c["table"] != "rota" or held is None:
            continue
        if any(held.get(f) != c["kept"].get(f) for f in ROTA_FIELDS):
            continue  # changed since: someone has chosen
        group_id, _, day = str(c["slot"]).partition("/")
        waiting.append(
            {
                "table": "rota",
                "group": group_names.get(group_id, group_id),
                "date": day,
                "kept": [people.get(c["kept"].get(f)) for f in ROTA_FIELDS],
                "other": [people.get(c["other"].get(f)) for f in ROTA_FIELDS],
            }
        )
    return waiting


def _set_aside(peer: dict[str, Any]) -> int:
    """How many records of that laptop's last outbox wait for its clock to be put right."""
    count = peer.get("set_aside")
    return count if type(count) is int and count > 0 else 0


def clock_ahead(laptops: list[dict[str, Any]]) -> list[str]:
    """The sentence for each laptop whose clock is more than a day ahead (`status`'s
    "laptops"), for as long as it is."""
    return [
        clock_ahead_words(
            laptop_words(item["role"], list(item["groups"]), str(item["replica"])),
            int(item["records_set_aside"]),
        )
        for item in laptops
        if item["records_set_aside"]
    ]


def _when(ms: object) -> str | None:
    if not isinstance(ms, int):
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")
