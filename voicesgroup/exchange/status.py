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
            }
        )
    acknowledged = sum(
        1 for peer in record["peers"].values() if stones <= set(peer.get("tombstones", []))
    )
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
        "forgetting_acknowledged": {"by": acknowledged + 1, "of": len(record["peers"]) + 1},
    }


def _waiting(
    data: dict[str, Any], record: dict[str, Any], group_names: dict[Any, Any]
) -> list[dict[str, Any]]:
    """The conflicts no one has settled yet: a record's other version still kept beside it,
    and a rota slot unchanged since two laptops planned it differently."""
    waiting = [
        {"table": c["table"], "record": c["of"], "other_version": c["copy"]}
        for c in record["conflicts"]
        if c["table"] != "rota"
        and any(doc.get("id") == c["copy"] for doc in data.get(c["table"], {}).values())
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
