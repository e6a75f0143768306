"""An append-only record of what was done — never what was said, and never a member's name.

Each entry carries the hash of the one before, so removing or changing an entry shows as a
broken chain. It lives inside the data file, so it is encrypted whenever the data is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from voicesgroup.models import AuditEntry

GENESIS = "0" * 64


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 of the entry's content and the hash it links to."""
    import hashlib  # here: start-up writes no entry, and OpenSSL's hashes are slow to load

    content: dict[str, Any] = entry.model_dump(mode="json", exclude={"hash"})
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def next_entry(previous: AuditEntry | None, action: str, detail: str, actor: str) -> AuditEntry:
    """A new entry linked to `previous` (None for the first)."""
    from voicesgroup.models import AuditEntry

    entry = AuditEntry(
        action=action,
        detail=detail,
        actor=actor,
        previous_hash=previous.hash if previous else GENESIS,
        hash="",
    )
    return entry.with_changes(hash=entry_hash(entry))


def chain_problems(entries: Iterable[AuditEntry]) -> list[str]:
    """Where the chain is broken, in words; empty when every link holds."""
    problems = []
    expected_previous = GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry.previous_hash != expected_previous:
            problems.append(f"entry {position} does not follow the one before it")
        if entry_hash(entry) != entry.hash:
            problems.append(f"entry {position} was changed after it was written")
        expected_previous = entry.hash
    return problems
