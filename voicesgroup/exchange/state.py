"""What a data file keeps about the exchange: its `_exchange` table, saved with the data.

Kept inside the data file (so a merge and its stamps are one atomic save, encrypted with the
file when it has a passphrase, and carried by its backups):

- `replica`: this laptop's replica id, and `binding`, a hash of the data file's id, its
  place (folder and name), the computer's name and the identity of the folder itself on its
  disk (its inode number). A file copied elsewhere or to another computer no longer matches
  its binding and takes a new replica id; so does a laptop cloned from another's image, whose
  folder was made anew at the same place under the same name (a copy of a folder is a new
  folder, though the path, the user and the computer's name are the same); and so does a file
  restored from an older copy, which knows fewer of its own outboxes than the folder holds
  (`serial`). The data file's own inode is not used: every save replaces it.
- `role`, `groups` (ids), `folder`, the keys (the organisation's and each held group's,
  derived once at set-up) and the folder's `salt`.
- `clock`: the last stamp of the hybrid logical clock.
- `entries`: for each shared part (kind, key), its content hash, stamp, base and extra.
  A member's part is kept under their tombstone (a keyed hash), never under their id, so a
  member forgotten here leaves no id behind in this table.
- `keys`: for each table whose records may be keyed by what people edit (`sharing.BOUND_KEYS`,
  a national helpline by its name), each record's id and the key it was first shared under,
  kept through every edit (ids of helplines only, never of a member).
- `tombstones`: the organisation's tombstones of forgotten members; they never expire.
- `conflicts`, `peers` (what each other laptop's outbox said last), `last` (the last run).
- `unread`: each outbox in the folder that did not open, by file name: its identity
  (`inbox.identity`), its kind (`outbox.kind_of`), the reason in words and since when. The
  status lists them; an exchange tells one once, when it is found or has changed.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path
from typing import Any

TABLE = "_exchange"
"""The data file's table for the exchange (one record, "1")."""
FORMAT = 1
COORDINATOR = "coordinator"
"""The coordinator's laptop's role (a group's laptop's is "group")."""


def read(data: dict[str, Any]) -> dict[str, Any] | None:
    """The exchange's record in a data file's document, or None when it is not set up."""
    record = data.get(TABLE, {}).get("1")
    return record if isinstance(record, dict) else None


def write(data: dict[str, Any], record: dict[str, Any] | None) -> None:
    """Put the record into the document (in memory), or take it out (None)."""
    if record is None:
        data.pop(TABLE, None)
    else:
        data[TABLE] = {"1": record}


def binding(file_id: str | None, path: Path) -> str:
    """What ties a replica id to one data file at one place on one computer."""
    place = os.path.realpath(path)
    try:
        folder = os.stat(os.path.dirname(place)).st_ino
    except OSError:
        folder = 0  # (the file is open, so its folder is there: only an odd system says no)
    where = f"{file_id}|{place}|{socket.gethostname()}|{folder}"
    return hashlib.sha256(where.encode()).hexdigest()


def role(data: dict[str, Any]) -> str | None:
    """This laptop's role in the exchange, or None when it is not set up (cheap: Home asks)."""
    record = read(data)
    return None if record is None else str(record.get("role"))


def stored_role(storage: Any) -> str | None:
    """`role` of a store's data (`SafeStorage`), read without parsing this table's
    `entries` (most of it) while the opening has left the table unread: Home asks first."""
    head = storage.record_head(TABLE, "1", "entries")
    if head is not None and "role" in head:
        return str(head["role"])
    return role(storage.tables(TABLE))


def unread(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The record's outboxes that did not open, by file name (see the module), each laid out
    as the exchange writes it; anything else there (a file edited by hand) is passed over,
    never believed. A new dict: the record is not changed."""
    found = record.get("unread")
    if not isinstance(found, dict):
        return {}
    return {str(name): noted for name, noted in found.items() if isinstance(noted, dict)}
