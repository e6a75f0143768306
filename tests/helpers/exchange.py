"""Laptops exchanging through a folder, as a test reads them: the member whose words must never
reach the coordinator, and every file a laptop's owner can read (outboxes opened with its keys).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from voicesgroup.exchange import outbox, state

MEMBER = "Marigold"
"""The member noted on the group's laptop; her name and words must stay there."""
NOTE_WORDS = "the humming stops when I walk by the canal"


def readable_files(db: Path) -> dict[Path, bytes]:
    """Every file of a laptop as its owner can read it: the data file and its backups, and
    each outbox in the exchange folder opened with this laptop's own keys."""
    found = {path: path.read_bytes() for path in db.parent.rglob("*") if path.is_file()}
    data = orjson.loads(db.read_bytes())
    record = state.read(data)
    assert record is not None
    org = bytes.fromhex(record["org_key"])
    groups = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    for path in Path(record["folder"]).glob("*.outbox"):
        contents = outbox.open_sealed(path.read_bytes(), org, groups)
        found[path] = orjson.dumps([[e.kind, e.key, e.content, e.extra] for e in contents.parts])
    return found


def member_id(db: Path) -> str:
    data = orjson.loads(db.read_bytes())
    [member] = [m for m in data["members"].values() if m["display_name"] == MEMBER]
    return str(member["id"])
