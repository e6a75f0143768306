"""Tombstones: the content-free record a data file keeps of the members forgotten in it.

A forgotten member is remembered only as a keyed hash of their id, never by name or id, so a
copy of the file, a backup from before the forgetting, or (later) a record arriving from
another laptop can be recognised and erased again without the file holding anything about
them. The record, the same wherever it is kept:

    {"version": 1, "key": "<64 hex digits>", "members": ["<64 hex digits>", ...]}

- `key` is 32 random bytes, made at the first forgetting and kept with the file (in its
  `_meta` record, so every backup taken after carries it too).
- each of `members` is HMAC-SHA256(key, the member's id as 32 hex digits, no dashes).

It is kept in two places: in the data file's `_meta` record under `tombstones`, and in the
small plain file `<data file>.forgotten` beside it, which holds nothing else. The second is
what lets an older or copied data file put in the first one's place learn what was
forgotten since: `of_folder` reads both, and opening for changes, `restore` and `check` ask it.
The backups, rewritten at every forgetting, carry the record too: where the note beside the
file was lost with the file (a folder carried back without it), `known_in_folder` reads it
from them as well, for opening for changes and `check`.

An export of a member's record carries `"record_of": "vg-record-<their hash>"` (`mark`), so
`check` names the export once they are forgotten, though it holds no id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson

from voicesgroup.store.owned import sidecar_file
from voicesgroup.store.storage import META_TABLE, looks_encrypted, write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import crypto

RECORD_KEY = "tombstones"
"""Where the data file's `_meta` record keeps the tombstones."""
LEGACY_KEY = "forgotten"
"""Where files written before tombstones listed forgotten ids in clear (read, then dropped)."""
MARK_PREFIX = "vg-record-"
"""Before a member's tombstone in an export of their record: the data file's own record of
tombstones (bare hashes) is never taken for one."""
VERSION = 1
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ID_IN_BYTES = re.compile(
    rb"(?<![0-9a-fA-F])([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    rb"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})(?![0-9a-fA-F])"
)


@dataclass(frozen=True)
class Tombstones:
    """The keyed hashes of the members forgotten in one data file, and the key."""

    key: bytes
    members: frozenset[str]

    def holds(self, member_id: UUID | str) -> bool:
        """Whether the member with this id was forgotten."""
        return member_hash(self.key, member_id) in self.members

    def with_member(self, member_id: UUID | str) -> Tombstones:
        return Tombstones(self.key, self.members | {member_hash(self.key, member_id)})

    def record(self) -> dict[str, Any]:
        """The documented record (see the module's docstring)."""
        return {"version": VERSION, "key": self.key.hex(), "members": sorted(self.members)}

    def forgotten_in(self, blob: bytes) -> bool:
        """Whether `blob` (a file's readable bytes) holds the id of a forgotten member, or the
        mark an export of their record carries (`mark`)."""
        if not self.members:
            return False
        if MARK_PREFIX.encode() in blob and any(
            f"{MARK_PREFIX}{member}".encode() in blob for member in self.members
        ):
            return True
        ids = {match.group(1).replace(b"-", b"").lower() for match in _ID_IN_BYTES.finditer(blob)}
        return any(self.holds(found.decode()) for found in ids)


def new_key() -> bytes:
    """A file's own key for its tombstones, made when the first member is forgotten."""
    import secrets  # here, like hmac below: a file that has forgotten nobody opens without them

    return secrets.token_bytes(32)


def member_hash(key: bytes, member_id: UUID | str) -> str:
    """A member's tombstone: HMAC-SHA256 of their id (32 hex digits) under the file's key."""
    import hashlib
    import hmac

    return hmac.new(key, UUID(str(member_id)).hex.encode(), hashlib.sha256).hexdigest()


def mark(data: dict[str, Any], path: Path, member_id: UUID | str) -> str:
    """What an export of a member's record carries so that `check` knows it once they are
    forgotten: the tombstone they would have (the file's key is made now if it has none, in
    memory, saved with the file's next save)."""
    known = of_folder(path, data)
    if known is None:
        known = Tombstones(new_key(), frozenset())
        store_in(data, known)
    return f"{MARK_PREFIX}{member_hash(known.key, member_id)}"


def mark_if_keyed(data: dict[str, Any], path: Path, member_id: UUID | str) -> str:
    """`mark`, without making a key: "" when the file has none yet (a read-only copy cannot
    keep a new one; `forgetting.record_mark` makes it on the open file first)."""
    known = of_folder(path, data)
    return "" if known is None else f"{MARK_PREFIX}{member_hash(known.key, member_id)}"


def from_record(record: object) -> Tombstones | None:
    """The tombstones a record holds, or None when it is not a sound record."""
    if not isinstance(record, dict) or record.get("version") != VERSION:
        return None
    key, members = record.get("key"), record.get("members")
    if not isinstance(key, str) or not _HEX64.match(key) or not isinstance(members, list):
        return None
    return Tombstones(
        bytes.fromhex(key),
        frozenset(item for item in members if isinstance(item, str) and _HEX64.match(item)),
    )


def in_data(data: dict[str, Any], key: bytes | None = None) -> Tombstones | None:
    """The tombstones a data file's document holds (legacy lists of ids included, hashed
    under `key` when the document has no key of its own)."""
    meta = data.get(META_TABLE, {}).get("1", {})
    found = from_record(meta.get(RECORD_KEY))
    legacy = _legacy_ids(meta.get(LEGACY_KEY))
    if legacy:
        found = found or Tombstones(key or new_key(), frozenset())
        for member_id in legacy:
            found = found.with_member(member_id)
    return found


def in_sidecar(path: Path) -> Tombstones | None:
    """The tombstones kept beside the data file at `path`, or None (absent or unreadable)."""
    try:
        return from_record(orjson.loads(sidecar_file(path).read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return None


def of_folder(path: Path, data: dict[str, Any]) -> Tombstones | None:
    """Everything known to be forgotten for the data file at `path` holding `data`: its own
    tombstones and those kept beside it (under the key the file uses, or the sidecar's when
    the file has none yet — an older copy)."""
    beside = in_sidecar(path)
    return union(in_data(data, beside.key if beside else None), beside)


def known_in_folder(
    path: Path, data: dict[str, Any], unlocked: crypto.Unlocked | None
) -> Tombstones | None:
    """`of_folder`; and when the note beside the file is missing (lost with the file, in a
    folder carried back without it), the record the newest backup that has one carries (read
    with the file's key `unlocked` where sealed). Every backup is rewritten at a forgetting,
    so the newest with a record knows every member forgotten before it."""
    known = of_folder(path, data)
    if in_sidecar(path) is not None:
        return known
    for head in _backup_heads(path, unlocked):
        found = _record_in_bytes(head)
        if found is not None:
            return found if known is None else union(known, found)
    return known


_RECORD_IN_BYTES = re.compile(
    rb'"tombstones"\s*:\s*(\{\s*"version"\s*:\s*1\s*,\s*"key"\s*:\s*"[0-9a-f]{64}"\s*,'
    rb'\s*"members"\s*:\s*\[[^\]]*\]\s*\})'
)
"""The record as a document's bytes hold it (found without reading the whole document: a
text inside a record cannot hold it, since its quotes would be escaped)."""
FIRST_BYTES = 64 * 1024
"""What is read of a plain backup first: `_meta` comes first in every data file and holds
only the app's mark, the schema version, the file's id and this record (about 67 bytes a
forgotten member), so a file with no record is known from this much."""
HEAD_BYTES = 8 * 1024 * 1024
"""How much of a document is searched for the record at most: 8 MiB holds the tombstones of
over 100,000 members."""


def _record_in_bytes(blob: bytes) -> Tombstones | None:
    found = _RECORD_IN_BYTES.search(blob, 0, HEAD_BYTES)
    if found is None:
        return None
    try:
        return from_record(orjson.loads(found.group(1)))
    except orjson.JSONDecodeError:
        return None


def _backup_heads(path: Path, unlocked: crypto.Unlocked | None) -> Iterator[bytes]:
    """The start of each backup's readable bytes, newest first (one that cannot be read is
    passed over; a sealed one is opened whole, as sealing asks)."""
    from voicesgroup.store.backups import list_backups

    for backup in list_backups(path):
        try:
            head = _readable_head(backup.path, unlocked)
        except OSError:
            continue
        if head is not None:
            yield head


def _readable_head(path: Path, unlocked: crypto.Unlocked | None) -> bytes | None:
    """The start of one backup's readable bytes; None for a sealed one this key cannot open."""
    with path.open("rb") as file:
        head = file.read(FIRST_BYTES)
        if looks_encrypted(head):
            if unlocked is None:
                return None
            # Only a sealed backup needs the encryption module, which is slow to load: a plain
            # file is opened without it.
            from voicesgroup.store import crypto

            try:
                return crypto.open_sealed(head + file.read(), unlocked)
            except crypto.CryptoError:
                return None
        if b'"tombstones"' in head and not _RECORD_IN_BYTES.search(head):
            head += file.read(HEAD_BYTES - len(head))  # a long record: read on
    return head


def union(first: Tombstones | None, second: Tombstones | None) -> Tombstones | None:
    """Both sets under the first one's key; tombstones under another key cannot be re-keyed
    (they hold no id) and are kept only when the key is the same."""
    if first is None or second is None:
        return first or second
    if first.key != second.key:
        return first
    return Tombstones(first.key, first.members | second.members)


def store_in(data: dict[str, Any], tombstones: Tombstones) -> None:
    """Write the record into a document's `_meta` (in memory), dropping any legacy list."""
    meta = data[META_TABLE]["1"]
    meta[RECORD_KEY] = tombstones.record()
    meta.pop(LEGACY_KEY, None)


def add(data: dict[str, Any], path: Path, member_id: UUID | str) -> Tombstones:
    """The member's tombstone added to the document (in memory); returns the whole set."""
    known = of_folder(path, data) or Tombstones(new_key(), frozenset())
    updated = known.with_member(member_id)
    store_in(data, updated)
    return updated


def write_sidecar(path: Path, tombstones: Tombstones | None) -> None:
    """Keep the tombstones beside the data file (atomically; OSError propagates)."""
    if tombstones is None or not tombstones.members:
        return
    if in_sidecar(path) == tombstones:
        return
    write_atomically(sidecar_file(path), orjson.dumps(tombstones.record()))


def forgotten_members(data: dict[str, Any], tombstones: Tombstones | None) -> list[str]:
    """Ids of the members in the document that the tombstones say were forgotten."""
    if tombstones is None or not tombstones.members:
        return []
    return [
        str(raw["id"])
        for raw in data.get("members", {}).values()
        if isinstance(raw, dict) and _is_id(raw.get("id")) and tombstones.holds(raw["id"])
    ]


def _is_id(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def _legacy_ids(found: object) -> list[str]:
    if not isinstance(found, list):
        return []
    ids = []
    for item in found:
        with suppress(ValueError, TypeError, AttributeError):
            ids.append(str(UUID(hex=item)))
    return ids
