"""The outbox file: one laptop's shared state, sealed for the organisation and its groups.

    VOICESGROUP-EXCHANGE\\n | header length (4 bytes, big-endian) | header (JSON) | sections

The header (in clear, authenticated as the associated data of every section) holds the format
version, the laptop's replica id, role and groups, the number of its outboxes so far, when it
was written, and for each section its name ("org", or a group's id), nonce and length. Each
section is AES-256-GCM under a key derived (HKDF-SHA256) from the organisation's key, or from
that group's key; the organisation's and each group's key are derived with Argon2id from a
passphrase and the salt kept in the folder's set-up file (`SETUP_FILE`). Its plaintext is JSON:
the parts (kind, key, stamp, base, content or null for deleted, extra, and the content's hash)
and, in the org section, the organisation's tombstones. The hash is the writer's word for its
content, as the stamp is its word for when: the reader stores a part taken in whole under it
without hashing it again (a wrong one only makes that part be sent again, under a new stamp,
once the reader's data changes). Format 1 had no hash; such an outbox is still read, and the
reader works each hash out itself.

A file that is cut short, altered, sealed by another organisation or with another passphrase
fails authentication: one sentence, the file left as it is, tried again next time. A file of a
newer format is kept as it is, with a sentence asking to update.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from voicesgroup.exchange import sharing
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.merge import Entry
from voicesgroup.exchange.sharing import ORG
from voicesgroup.store import crypto

MAGIC = b"VOICESGROUP-EXCHANGE\n"
FORMAT = 4
"""The outbox's layout: 2 carries each part's content hash (1 did not); 3 may hold a record as
several parts (`sharing.FIELD_PARTS`, kinds `<table>.<set>`) an older version would not know;
4 holds the settings as parts too (`settings.<name>`), which a version of 3 would not know.
Outboxes of 1 to 3 are still read: their settings, and a record 1 or 2 held whole, are read as
their parts, each with the whole's stamp (`merge.in_parts`)."""
_DIGEST = re.compile(r"[0-9a-f]{32}")
"""A content hash as `sharing.content_hash` writes it."""
SETUP_FILE = "voicesgroup-exchange.json"
"""The folder's set-up: the salt and the key derivation's cost, and a check of the key."""
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 1024 * 1024
DEFAULT_KDF = crypto.KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)

INCOMPLETE = "it is not complete (still being copied, or cut short)"
DAMAGED_HEADER = "its header is damaged or has been altered"
NOT_LAID_OUT = "its contents are not laid out as an outbox"
BAD_RECORD = "it holds a record that is not laid out as one"
BAD_STAMP = (
    "it holds a record whose stamp is out of range (a broken clock or an altered file), so "
    "none of it was taken in"
)
NOT_AN_OUTBOX = "it is not a voicesgroup outbox"
OTHER_PASSPHRASE = (
    "it does not open with this organisation's exchange passphrase (another organisation's "
    "file, another passphrase, or altered on the way)"
)
NEWER = (
    "it was written by a newer version of voicesgroup; it is kept as it is, and read once "
    "this laptop's voicesgroup is updated"
)


class OutboxError(Exception):
    """An outbox that cannot be read; the message is one sentence (without the file's name)."""


class NewerOutbox(OutboxError):
    """An outbox written by a newer version: kept as it is."""


INCOMPLETE_KIND = "incomplete"
NEWER_KIND = "newer"
PASSPHRASE_KIND = "passphrase"
NOT_AN_OUTBOX_KIND = "not an outbox"
DAMAGED_KIND = "damaged"
UNREADABLE_KIND = "unreadable"
"""An outbox the file system would not give (its permissions, an I/O error)."""
NEVER_OPENS = frozenset({INCOMPLETE_KIND, DAMAGED_KIND, PASSPHRASE_KIND, NOT_AN_OUTBOX_KIND})
"""The kinds of a file that, unchanged, never opens here: a carrier's conflict copy of one is
removed once its laptop's whole outbox has been read (`inbox`). Not a newer version's (kept
until this laptop is updated), nor one the file system would not give (it may another time)."""


def kind_of(error: OutboxError) -> str:
    """What kind of file an outbox that did not open is, for what a person is told to do:
    still being copied or cut short, of a newer version, sealed with another passphrase, not
    an outbox at all, or damaged (any other way it fails)."""
    if isinstance(error, NewerOutbox):
        return NEWER_KIND
    said = str(error)
    if said == INCOMPLETE:
        return INCOMPLETE_KIND
    if said == OTHER_PASSPHRASE:
        return PASSPHRASE_KIND
    if said == NOT_AN_OUTBOX:
        return NOT_AN_OUTBOX_KIND
    return DAMAGED_KIND


def _subkey(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def org_key(passphrase: str, salt: bytes, params: crypto.KdfParams) -> bytes:
    return crypto.derive_key(passphrase, salt, params)


def group_key(passphrase: str, salt: bytes, group_id: str, params: crypto.KdfParams) -> bytes:
    """A group's key: its own passphrase, and a salt of its own made from the folder's."""
    group_salt = hashlib.sha256(salt + b"group:" + group_id.encode()).digest()[:16]
    return crypto.derive_key(passphrase, group_salt, params)


def key_check(key: bytes) -> str:
    """What the set-up file keeps to tell a wrong passphrase at once (not the key)."""
    return _subkey(key, b"voicesgroup exchange key check v1").hex()


def tombstone_key(key: bytes) -> bytes:
    """The organisation's key for tombstones: every laptop hashes a forgotten id alike."""
    return _subkey(key, b"voicesgroup exchange tombstones v1")


def _section_key(key: bytes, name: str) -> bytes:
    return _subkey(key, b"voicesgroup exchange section v1:" + name.encode())


@dataclass
class Contents:
    """What one outbox says."""

    replica: str
    role: str
    groups: list[str]
    serial: int
    written_ms: int
    parts: list[Entry] = field(default_factory=list)
    tombstones: list[str] = field(default_factory=list)
    unopened: list[str] = field(default_factory=list)
    """Sections for groups held here that did not open (another group passphrase)."""


def _encode_parts(parts: list[Entry]) -> list[list[Any]]:
    return [
        [
            entry.kind,
            entry.key,
            entry.stamp.as_list(),
            entry.base.as_list() if entry.base else None,
            entry.content,
            entry.extra,
            _digest_of(entry),
        ]
        for entry in parts
    ]


def _digest_of(entry: Entry) -> str | None:
    """The hash an outbox carries for a part: the one known, if it is laid out as a hash (so
    no reader refuses the outbox for it), else worked out; None for a part deleted."""
    if entry.content is None:
        return None
    if entry.digest is not None and _DIGEST.fullmatch(entry.digest):
        return entry.digest
    return sharing.content_hash(entry.content)


def _decode_parts(raw: object, version: int) -> list[Entry]:
    if not isinstance(raw, list):
        raise OutboxError(NOT_LAID_OUT)
    width = 6 if version < 2 else 7
    found = []
    for item in raw:
        if not isinstance(item, list) or len(item) != width:
            raise OutboxError(BAD_RECORD)
        kind, key, stamp, base, content, extra = item[:6]
        digest = item[6] if width == 7 else None
        read_stamp = Stamp.read(stamp)
        read_base = Stamp.read(base) if base is not None else None
        if (read_stamp is None and _stamp_shaped(stamp)) or (
            base is not None and read_base is None and _stamp_shaped(base)
        ):
            raise OutboxError(BAD_STAMP)
        if (
            not isinstance(kind, str)
            or not isinstance(key, str)
            or read_stamp is None
            or (base is not None and read_base is None)
            or not (content is None or isinstance(content, dict))
            or not (extra is None or isinstance(extra, dict))
            or not (digest is None or (isinstance(digest, str) and _DIGEST.fullmatch(digest)))
        ):
            raise OutboxError(BAD_RECORD)
        found.append(
            Entry(
                kind,
                key,
                read_stamp,
                read_base,
                content,
                extra,
                None if content is None else digest,
            )
        )
    return found


@dataclass(frozen=True)
class Sealing:
    """An outbox decided but not sealed yet: what `seal` makes its bytes from. Deciding it is
    part of an exchange's one save (its serial is saved with the merge); writing its bytes
    (the JSON and the encryption, the slow part) is left to whoever writes the file, in a
    worker. Its parts hold the stored documents, which a change replaces rather than changes
    in place, so what is sealed later is what was decided; only forgetting rewrites a text in
    place (its redaction), and then what is sealed holds less, never more (its part is sent
    again, under a new stamp, by the next exchange)."""

    contents: Contents
    org: bytes = field(repr=False)
    groups: dict[str, bytes] = field(repr=False)
    sections: dict[str, list[Entry]] = field(repr=False)

    def sealed(self) -> bytes:
        """The outbox's bytes (`seal`)."""
        return seal(self.contents, self.org, self.groups, self.sections)


def seal(
    contents: Contents, org: bytes, groups: dict[str, bytes], sections: dict[str, list[Entry]]
) -> bytes:
    """The outbox's bytes: `sections` maps ORG or a group's id to its parts."""
    import secrets

    plain: dict[str, bytes] = {}
    for name, parts in sections.items():
        body: dict[str, Any] = {"parts": _encode_parts(parts)}
        if name == ORG:
            body["tombstones"] = contents.tombstones
        plain[name] = orjson.dumps(body)
    layout = []
    nonces = {name: secrets.token_bytes(12) for name in plain}
    for name, blob in plain.items():
        layout.append({"name": name, "nonce": nonces[name].hex(), "length": len(blob) + 16})
    header = {
        "format": FORMAT,
        "replica": contents.replica,
        "role": contents.role,
        "groups": contents.groups,
        "serial": contents.serial,
        "written_ms": contents.written_ms,
        "sections": layout,
    }
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
    prefix = MAGIC + _LENGTH.pack(len(head)) + head
    out = [prefix]
    for name, blob in plain.items():
        key = org if name == ORG else groups[name]
        out.append(AESGCM(_section_key(key, name)).encrypt(nonces[name], blob, prefix))
    return b"".join(out)


def read_header(blob: bytes) -> tuple[dict[str, Any], bytes]:
    """The header and the bytes it authenticates; OutboxError when it is not one."""
    if not blob.startswith(MAGIC):
        raise OutboxError(INCOMPLETE if MAGIC.startswith(blob[: len(MAGIC)]) else NOT_AN_OUTBOX)
    start = len(MAGIC) + _LENGTH.size
    if len(blob) < start:
        raise OutboxError(INCOMPLETE)
    (length,) = _LENGTH.unpack(blob[len(MAGIC) : start])
    if length > _MAX_HEADER or len(blob) < start + length:
        raise OutboxError(INCOMPLETE)
    try:
        header = json.loads(blob[start : start + length])
    except (ValueError, RecursionError):
        raise OutboxError(DAMAGED_HEADER) from None
    if not isinstance(header, dict):
        raise OutboxError(DAMAGED_HEADER)
    version = header.get("format")
    if type(version) is not int:
        raise OutboxError(DAMAGED_HEADER)
    if version > FORMAT:
        raise NewerOutbox(NEWER)
    return header, blob[: start + length]


def header_of(path: Path) -> dict[str, Any]:
    """The header of the outbox at `path`, reading only its start; OutboxError or OSError."""
    return read_header(prefix_of(path))[0]


def prefix_of(path: Path) -> bytes:
    """The start of the file at `path` that holds an outbox's header (the magic, the header's
    length and the header), reading nothing more; OSError propagates. For any file it is
    exactly `prefix_in` of all its bytes."""
    with path.open("rb") as file:
        start = file.read(len(MAGIC) + _LENGTH.size)
        if len(start) == len(MAGIC) + _LENGTH.size and start.startswith(MAGIC):
            (length,) = _LENGTH.unpack(start[len(MAGIC) :])
            start += file.read(min(length, _MAX_HEADER))
    return start


def prefix_in(blob: bytes) -> bytes:
    """What `prefix_of` reads of a file holding `blob`."""
    start = len(MAGIC) + _LENGTH.size
    if len(blob) < start or not blob.startswith(MAGIC):
        return blob[:start]
    (length,) = _LENGTH.unpack(blob[len(MAGIC) : start])
    return blob[: start + min(length, _MAX_HEADER)]


def open_sealed(blob: bytes, org: bytes, groups: dict[str, bytes]) -> Contents:
    """Read an outbox: its org section, and the sections of the groups in `groups`."""
    header, prefix = read_header(blob)
    try:
        contents = Contents(
            replica=_text(header["replica"]),
            role=_text(header["role"]),
            groups=[_text(item) for item in header["groups"]],
            serial=int(header["serial"]),
            written_ms=int(header["written_ms"]),
        )
        layout = [
            (_text(s["name"]), bytes.fromhex(s["nonce"]), int(s["length"]))
            for s in header["sections"]
        ]
    except (KeyError, TypeError, ValueError):
        raise OutboxError(DAMAGED_HEADER) from None
    offset = len(prefix)
    if offset + sum(length for _, _, length in layout) != len(blob):
        raise OutboxError(INCOMPLETE)
    opened_org = False
    for name, nonce, length in layout:
        sealed = blob[offset : offset + length]
        offset += length
        key = org if name == ORG else groups.get(name)
        if key is None:
            continue  # a group this laptop does not hold: never opened
        try:
            plain = AESGCM(_section_key(key, name)).decrypt(nonce, sealed, prefix)
        except (InvalidTag, ValueError):
            if name == ORG:
                raise OutboxError(OTHER_PASSPHRASE) from None
            contents.unopened.append(name)
            continue
        try:
            body = orjson.loads(plain)
        except orjson.JSONDecodeError:
            raise OutboxError("its contents are damaged") from None
        if not isinstance(body, dict):
            raise OutboxError(NOT_LAID_OUT)
        contents.parts.extend(_decode_parts(body.get("parts"), header["format"]))
        if name == ORG:
            opened_org = True
            stones = body.get("tombstones")
            if not isinstance(stones, list) or not all(isinstance(s, str) for s in stones):
                raise OutboxError(NOT_LAID_OUT)
            contents.tombstones = stones
    if not opened_org:
        raise OutboxError("it has no part for the whole organisation")
    return contents


def _stamp_shaped(value: object) -> bool:
    """Laid out as a stamp (two whole numbers and a text), whatever their values."""
    return (
        isinstance(value, list)
        and len(value) == 3
        and type(value[0]) is int
        and type(value[1]) is int
        and isinstance(value[2], str)
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value
