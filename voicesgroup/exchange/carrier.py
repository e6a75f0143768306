"""Reading and writing the exchange folder, by the names `folder` will give them.

A stand-in kept small on purpose: `voicesgroup.exchange.folder` (the carriers' temporary
files, Syncthing's and Nextcloud's conflict copies) takes its place when it lands, with these
three functions' names and meaning.
"""

from __future__ import annotations

import re
from pathlib import Path

from voicesgroup.storage import write_atomically

SUFFIX = ".vgx"
_OWN = re.compile(r"^[0-9a-f]{32}\.vgx$")


def outbox_name(replica_id: str) -> str:
    return f"{replica_id}{SUFFIX}"


def write_outbox(folder: Path, replica_id: str, data: bytes) -> Path:
    """Write this laptop's outbox: a temporary file, flushed, then renamed."""
    path = folder / outbox_name(replica_id)
    write_atomically(path, data)
    return path


def outboxes(folder: Path, own_replica_id: str) -> list[Path]:
    """Other laptops' outboxes and every conflict copy (this laptop's own included)."""
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(".") or not path.is_file() or SUFFIX not in name:
            continue
        if name == outbox_name(own_replica_id):
            continue
        found.append(path)
    return found


def is_conflict_copy(path: Path) -> bool:
    """A copy a carrier made beside an outbox (any name but a plain outbox's)."""
    return not _OWN.match(path.name)


def remove_conflict_copy(path: Path) -> None:
    path.unlink(missing_ok=True)
