"""What the exchange knows, for `exchange status`, the Exchange screen and `forget-laptop`.

Read from the data file's exchange record alone (no folder, no key): this laptop's role,
groups and last exchange; each other laptop, its role, groups, last outbox and when it was
last seen; the conflicts waiting for a person; how many laptops know of every forgetting.
`view` puts it in words for the screen.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from voicesgroup.exchange import sharing
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.merge import ROTA_FIELDS
from voicesgroup.exchange.run import required

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
            "problems_last_time": last.get("problems", []),
        },
        "laptops": laptops,
        "conflicts": _waiting(data, record, group_names),
        "forgettings": len(stones),
        "forgetting_acknowledged": {"by": acknowledged + 1, "of": len(staying) + 1},
    }


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


def _when(ms: object) -> str | None:
    if not isinstance(ms, int):
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")
