"""A note beside the data file of the bytes last known sound, so opening can leave tables unread.

Opening a file checks every table (it parses, each record has an id of its own) before anything
is written. With years of data most of that is tables the first screen never reads. So a store
closing after its saves (`SafeStorage.note_checked`: the saves themselves pay nothing for it),
and each opening that checked the whole file, writes `<file>.checked`: the size and CRC-32 of
the bytes last written or checked (the checksum every save already takes, `FileSignature`),
and where each table's text lies in them. The next opening that finds the file's bytes of
that size and checksum, and the text between the tables exactly as the note places them,
parses only the tables it reads itself and leaves the rest as text (`storage.Unread`).

The note decides only *when* a table is checked, never *whether*: a table left unread is parsed
and checked the first time anything reads it, with the same sentence (`SafeStorage.table`). So a
checksum is enough: a damaged file that matched one by chance would still be refused, one table
later. It is a cache and only a cache: a note missing, damaged, stale or of another file means
the file is checked whole, as without it. Where the years lie is the one thing the reading
trusts without checking it whole (a year left out is never parsed), so it carries a seal of
its own, a hash of the years with the bytes' size and checksum (`_seal`): years edited by
hand, or left from other bytes, do not match it and every year is read. The note is written
without flushing to the disk (a note lost in a power cut costs one whole check). Only a plain
file has one: the note of an encrypted file would tell the size of each of its tables.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from contextlib import suppress
from pathlib import Path
from typing import Any

import orjson

from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import TEMP_SUFFIX

FORMAT = 1
Spans = dict[str, tuple[int, int]]
"""Each table's name and where its JSON text starts and ends in the file's bytes."""
Years = dict[str, Any]
"""Each yearly table's name and its stretches of one year (`storage.Run`), within its text."""


def note(path: Path, size: int, checksum: int, spans: Spans, years: Years | None = None) -> None:
    """Note that the data file's bytes, `size` long with this CRC-32, are sound, with their
    tables at `spans` and, in the text of each yearly table, each year's records at `years`
    (`storage.YEARLY_TABLES`). Best effort: a note that cannot be written leaves the next
    opening to check everything."""
    target = checked_file(path)
    placed = {name: [list(run) for run in runs] for name, runs in (years or {}).items()}
    body = {
        "format": FORMAT,
        "crc32": checksum,
        "size": size,
        "tables": [[name, start, end] for name, (start, end) in spans.items()],
        "years": placed,
        "years_seal": _seal(size, checksum, placed),
    }
    temp = path.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")
    try:
        temp.write_bytes(orjson.dumps(body))
        os.replace(temp, target)
    except OSError:
        with suppress(OSError):
            temp.unlink()
        forget(path)


def forget(path: Path) -> None:
    """Remove the note (best effort): the next opening checks the whole file."""
    with suppress(OSError):
        checked_file(path).unlink()


def spans_if_known(path: Path, blob: bytes) -> Spans | None:
    """Where each table's text lies in `blob` when the note says these very bytes were checked
    or written by a save; else None (no note, another file's, damaged, or not these bytes)."""
    known = known_if_noted(path, blob)
    return None if known is None else known[0]


def known_if_noted(path: Path, blob: bytes) -> tuple[Spans, Years] | None:
    """`spans_if_known`, and where each year lies in the text of each yearly table, as the
    note gives it (`storage.Unread` uses it only if it fits that text)."""
    try:
        body = orjson.loads(checked_file(path).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return None
    if body.get("size") != len(blob) or body.get("crc32") != zlib.crc32(blob):
        return None
    spans = _spans_in(blob, body.get("tables"))
    if spans is None:
        return None
    years = body.get("years")
    if not isinstance(years, dict) or body.get("years_seal") != _seal(
        len(blob), body["crc32"], years
    ):
        return spans, {}  # years edited or left from other bytes: every year is read
    return spans, years


def _seal(size: int, checksum: int, years: object) -> str:
    """What ties the note's years to the bytes they were worked out from (see the module)."""
    try:
        text = orjson.dumps([FORMAT, size, checksum, years], option=orjson.OPT_SORT_KEYS)
    except TypeError:  # not laid out as the note writes it
        return ""
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _spans_in(blob: bytes, tables: object) -> Spans | None:
    """The note's spans, when the bytes between them are exactly the JSON around a document's
    tables: `{"name":` before the first, `,"name":` between, `}` after the last."""
    if not isinstance(tables, list) or not tables:
        return None
    spans: Spans = {}
    at = 0
    for entry in tables:
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and isinstance(entry[0], str)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in entry[1:])
        ):
            return None
        name, start, end = entry
        before = (b"{" if at == 0 else b",") + orjson.dumps(name) + b":"
        if name in spans or not at <= start < end <= len(blob) or blob[at:start] != before:
            return None
        spans[name] = (start, end)
        at = end
    return spans if blob[at:] == b"}" else None
