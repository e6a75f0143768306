"""The one TinyDB Storage that holds voicesgroup data: in memory, saved atomically.

Why our own: TinyDB's JSONStorage rewrites the file in place, so a crash mid-write can leave a
valid-looking file with records missing, and CachingMiddleware loses everything on an exit
without close(). Here every write goes to a temporary file in the same folder, is flushed to
the disk, and only then replaces the data file; the folder is flushed too. Reads never touch
the disk: the data lives in memory from the moment it is loaded.
"""

from __future__ import annotations

import errno
import gc
import glob
import os
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from voicesgroup.errors import ChangedOnDisk, DamagedFile, SaveFailed
from voicesgroup.schema import META_TABLE as META_TABLE  # re-exported: the store reads it here
from voicesgroup.store.unread import Unread, years_placed

TEMP_SUFFIX = ".vg-tmp"
ENCRYPTED_MAGIC = b"VOICESGROUP-ENC\n"
"""How an encrypted data file begins (see crypto.py); checked without loading the crypto."""
APP_MARK = "voicesgroup"

Encoder = Callable[[bytes], bytes]


def _identity(blob: bytes) -> bytes:
    return blob


@dataclass(frozen=True)
class FileSignature:
    """What we saw of the file when we loaded or last saved it.

    The content digest matters: a file's mtime only moves on with the kernel's clock tick
    (often 4 ms), so another program rewriting the file with the same size right after our
    save would otherwise look unchanged, and be overwritten.
    """

    inode: int
    size: int
    mtime_ns: int
    checksum: int

    @classmethod
    def of(cls, path: Path, blob: bytes | None = None) -> FileSignature | None:
        """The file's signature now, or None if there is no file; `blob` is its content when
        the caller has just written it (saves reading it back)."""
        try:
            stat = path.stat()
            if blob is None:
                blob = path.read_bytes()
        except FileNotFoundError:
            return None
        # A checksum, not a cryptographic hash: it only has to notice a change, and fast.
        return cls(stat.st_ino, stat.st_size, stat.st_mtime_ns, zlib.crc32(blob))


def temp_files_of(path: Path) -> list[Path]:
    """Temporary files a save of `path` may have left behind if it was killed."""
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"))


def looks_encrypted(blob: bytes) -> bool:
    """True when `blob` is an encrypted voicesgroup file (by its first bytes)."""
    return blob.startswith(ENCRYPTED_MAGIC)


def fsync_folder(folder: Path) -> None:
    """Flush a folder entry so a rename in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, blob: bytes) -> None:
    """Write `blob` to `path` so that the file is always the old or the new bytes, never half.

    On failure no temporary file is left and `path` is untouched; the OSError propagates.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(blob)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(path.parent)


def os_error_reason(error: OSError) -> str:
    """Why a disk operation failed, in plain words."""
    cannot_write = "this folder cannot be written to"
    reasons: dict[int | None, str] = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the disk is read-only",
        errno.EACCES: cannot_write,
        errno.EPERM: cannot_write,
        errno.EIO: "the disk reported an input/output error",
    }
    return reasons.get(error.errno, error.strerror or str(error))


def describe_os_error(error: OSError, path: Path) -> str:
    """A plain sentence for a failed save."""
    return (
        f"Could not save to {path}: {os_error_reason(error)}. Your changes are kept in memory, "
        "unsaved; free some space or fix the folder, then save again."
    )


def decode_document(blob: bytes, path: Path) -> dict[str, Any]:
    """Parse and sanity-check a decoded data file, or raise DamagedFile naming the problem."""
    return decode_with_spans(blob, path)[0]


def decode_with_spans(
    blob: bytes, path: Path
) -> tuple[dict[str, Any], dict[str, tuple[int, int]] | None]:
    """`decode_document`, and where each table's text lies in `blob` (`parse_with_spans`)."""
    if not blob:
        raise DamagedFile(f"The file {path} is empty (0 bytes). {restore_hint(path)}")
    try:
        with collector_paused():
            data, spans = parse_with_spans(blob)
    except orjson.JSONDecodeError:
        raise DamagedFile(not_readable_sentence(path)) from None
    meta_table = data.get(META_TABLE) if isinstance(data, dict) else None
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not isinstance(meta, dict) or meta.get("app") != APP_MARK:
        raise DamagedFile(
            f"{path} is not a voicesgroup data file (it may belong to another program). "
            + (
                restore_hint(path)
                if backup_of(path) is not None
                else "It was left untouched; choose another file with --db, or, if it held "
                f"your voicesgroup data, restore it: {how_to_restore(path)}."
                if _has_backups(path)
                else "It was left untouched, and there are no backups beside it: choose "
                "another file with --db PATH."
            )
        )
    for name, table in data.items():
        if not is_table(table):
            raise DamagedFile(malformed_table_sentence(path, name))
    return data, spans


def not_readable_sentence(path: Path) -> str:
    """The one sentence for a data file whose text is not JSON, found whole at opening or in
    one table when first read (`SafeStorage.table`)."""
    return f"The file {path} is damaged: it is not complete, readable data. {restore_hint(path)}"


def malformed_table_sentence(path: Path, name: str) -> str:
    """The one sentence for a table of a data file that is JSON but not a table of records,
    found when the whole file is checked at opening or when that table is first read
    (`SafeStorage.table`)."""
    return f"The file {path} is damaged: its table {name!r} is malformed. {restore_hint(path)}"


_TABLE_END = re.compile(rb'\},"(?=[^0-9])')
"""Where a table may end and the next top-level key begin: a closing brace, a comma and a key
that is not a document's number (a table's documents are keyed by decimal numbers)."""


def parse_tables(blob: bytes) -> Any:
    """The JSON in `blob`, as `orjson.loads` gives it; a data file is parsed a table at a time.

    orjson builds its own copy of a whole document before the Python objects, which with
    years of data was the peak of the app's memory: parsed table by table, that copy is only
    ever one table's. Tables are found by counting braces between the places one
    may end; a count that strings mislead, or anything else unusual, fails to parse as one
    value per top-level key, and then the whole is parsed as before (same result, same error).
    """
    return parse_with_spans(blob)[0]


def parse_with_spans(blob: bytes) -> tuple[Any, dict[str, tuple[int, int]] | None]:
    """`parse_tables`, and where each table's text lies in `blob` when it was found table by
    table (None when the whole was parsed at once)."""
    end = len(blob.rstrip())
    if blob.startswith(b'{"') and blob[end - 1 : end] == b"}":
        found = _by_table(blob, end)
        if found is not None:
            return found
    return orjson.loads(blob), None


def _by_table(blob: bytes, end: int) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    view = memoryview(blob)
    data: dict[str, Any] = {}
    spans: dict[str, tuple[int, int]] = {}
    begin = counted = 1
    depth = 1  # the document's own brace, at 0

    def take(stop: int) -> None:
        """The key at `begin` and its value, which ends just before `stop`."""
        colon = blob.find(b'":', begin, stop)
        key = orjson.loads(view[begin : colon + 1]) if colon > begin else None
        if not isinstance(key, str) or key in data:
            raise ValueError("Not one table")
        data[key] = orjson.loads(view[colon + 2 : stop])
        spans[key] = (colon + 2, stop)

    try:
        for found in _TABLE_END.finditer(blob, 1, end):
            after = found.start() + 1
            # Braces alone: every place inside a table is inside its object, so brackets
            # cannot bring the count to 1 there.
            depth += blob.count(b"{", counted, after) - blob.count(b"}", counted, after)
            counted = after
            if depth == 1:  # a comma between two top-level keys
                take(after)
                begin = after + 1
        take(end - 1)
    except (ValueError, orjson.JSONDecodeError):  # JSONDecodeError is a ValueError too
        return None
    return data, spans


def is_table(table: Any) -> bool:
    """A TinyDB table: records (dicts) under decimal document ids (JSON keys are strings).

    Asked of every record of a file as it opens, so each test is one pass in C: no id is
    empty, and the ids joined are all decimal digits; the records' one type is dict.
    """
    if not isinstance(table, dict):
        return False
    joined = "".join(table)
    decimal = all(table) and (not joined or (joined.isascii() and joined.isdigit()))
    return decimal and set(map(type, table.values())) <= {dict}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a data file is parsed.

    Parsing builds only new objects that live as long as the file is open, so the collector's
    passes over them meanwhile find nothing: with ten years of data they took about a third
    of the parse.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _with_db(path: Path, command: str) -> str:
    """`voicesgroup COMMAND` for this very file (`--db` unless it is the default one)."""
    import shlex

    from voicesgroup.paths import resolve_db_path

    if Path(path).expanduser().resolve() == resolve_db_path(None):
        return f"voicesgroup {command}"
    return f"voicesgroup --db {shlex.quote(str(path))} {command}"


def how_to_restore(path: Path) -> str:
    """ "run `voicesgroup … restore BACKUP` with one of the backups in FOLDER", for a sentence."""
    command = _with_db(path, "restore BACKUP")
    return f"run `{command}` with one of the backups in {backup_folder(path)}"


def restore_hint(path: Path) -> str:
    """What to do about a file that cannot be opened: restore a backup, where there are any,
    never into a backup (a damaged copy a restore kept: its data file is named instead), and
    never from a backups folder that does not exist."""
    data = backup_of(path)
    if data is not None:
        return (
            f"Nothing was changed. It is one of the backups of {data}, kept as it was: it "
            f"is not used unless restored, and this one cannot be. To check the data file "
            f"itself, run `{_with_db(data, 'check')}`; to restore it, use another backup: "
            f"{how_to_restore(data)}."
        )
    if _has_backups(path):
        return f"Nothing was changed. To restore, {how_to_restore(path)}."
    return (
        "Nothing was changed, and there are no backups beside it to restore from. If it is "
        "not a voicesgroup data file, open the right one (--db PATH)."
    )


def _has_backups(path: Path) -> bool:
    folder = backup_folder(path)
    return folder.is_dir() and any(folder.glob("*.json"))


def backup_folder(path: Path) -> Path:
    return path.with_name(f"{path.name}.backups")


def backup_of(path: Path) -> Path | None:
    """The data file `path` is a backup of (it lies in its `backup_folder`), else None."""
    folder = Path(path).parent
    name = folder.name.removesuffix(".backups")
    return folder.with_name(name) if name and name != folder.name else None


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


class PartDocument(dict[str, Any]):
    """Some tables of a document, for a reader that needs no others (`SafeStorage.tables`)."""


TableCheck = Callable[[str, Any], "str | None"]
"""What the opening checks of one table (its name and parsed value): a sentence, or None."""


class SafeStorage:
    """A TinyDB storage that keeps the data in memory and saves it atomically.

    TinyDB asks a storage for `read`, `write` and `close` only; not deriving from its
    `Storage` lets a file open, and Home paint, without loading TinyDB.

    `encode` turns the serialised JSON into the bytes on disk (identity, or encryption).
    Within `deferred()` writes only mark the data unsaved and one save happens at the end.

    Tables the opening left as text (`Unread`, see `checked.py`) are parsed, and checked with
    `check`, the first time they are read: one by `table`, all by `read`, so whoever holds the
    whole document holds it parsed. A save writes an unread table's text as it was.
    """

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        signature: FileSignature | None,
        encode: Encoder = _identity,
        readonly: bool = False,
        check: TableCheck | None = None,
    ) -> None:
        self.path = path
        self._data = data
        self._unread = {name for name, table in data.items() if isinstance(table, Unread)}
        self._check = check
        self._damaged = False
        self.when_checked: Callable[[bool], None] | None = None
        """Told once whether the tables the opening left unread were all found sound (True,
        as the last is checked) or one damaged (False): the opening's backup waits for it."""
        self._parse_lock = threading.Lock()
        self._signature = signature
        self._encode = encode
        self.readonly = readonly
        self.unsaved = False
        self.autosave = True
        self._defer_depth = 0
        self._save_lock = threading.Lock()
        self.saves = 0
        self.changes = 0
        """Counts every change to the data in memory (each write, each replacement): what is
        worked out from the data and kept is good while this number is the same."""

    @property
    def file_lock(self) -> threading.Lock:
        """Held while the data file is written: by every save, and by a passphrase change
        while it swaps in its files, so that a save from another thread never meets one
        half-way. (Not reentrant: a holder must not call `save`.)"""
        return self._save_lock

    def read(self) -> dict[str, Any]:
        """The whole document, every table parsed."""
        for name in list(self._unread):
            self.table(name)
        return self._data

    def table(self, name: str) -> Any:
        """One table of the document (None when it has none), parsed and checked now if the
        opening left it as text; the others stay as they are. DamagedFile if it is not sound."""
        value = self._data.get(name)
        if not isinstance(value, Unread):
            return value
        with self._parse_lock:  # two threads reading it at once get the same table
            value = self._data.get(name)
            if isinstance(value, Unread):
                try:
                    value = self._parsed(name, value)
                except DamagedFile:
                    self._tell_checked(sound=False)
                    raise
                self._data[name] = value
                self._unread.discard(name)
                if not self._unread:
                    self._tell_checked(sound=True)
        return value

    def _tell_checked(self, *, sound: bool) -> None:
        if not sound:  # these bytes are not sound: no note may say so again (`note_checked`)
            self._damaged = True
            from voicesgroup.store import checked

            checked.forget(self.path)
        told, self.when_checked = self.when_checked, None
        if told is not None:
            told(sound)

    def check_unread(self) -> None:
        """Parse and check every table still unread (a store closing with a backup waiting
        for it); one found damaged is told (`when_checked`), not raised: the store closes."""
        if self.when_checked is None:
            return
        with suppress(DamagedFile):
            self.read()

    def tables(self, *names: str) -> dict[str, Any]:
        """A document holding only these tables (those it has), for a reader that needs no
        others: the rest are not parsed for it. It is for reading: `write` refuses it, since
        saving it would lose every other table."""
        return PartDocument({name: self.table(name) for name in names if name in self._data})

    def record_head(self, name: str, key: str, until: str) -> dict[str, Any] | None:
        """At least the fields before `until` of record `key`, the table's first, not parsing
        the rest while it is unread (`Unread.head`); None: read the table (`tables`)."""
        value = self._data.get(name)
        record = value.get(key) if isinstance(value, dict) else None
        return value.head(key, until) if isinstance(value, Unread) else _dict_or_none(record)

    def left_unread(self, name: str) -> Unread | None:
        """The table as the opening left it, when it is still text (for `unread.py`)."""
        value = self._data.get(name)
        return value if isinstance(value, Unread) else None

    @property
    def parse_lock(self) -> threading.Lock:
        """Held while a table is parsed, so two threads reading it get the same table."""
        return self._parse_lock

    def parsed(self, name: str, unread: Unread) -> Any:
        """`unread` (a table's text, or a part of it) parsed and checked as table `name`."""
        return self._parsed(name, unread)

    @property
    def unread(self) -> frozenset[str]:
        """The tables not parsed yet (see `table`)."""
        return frozenset(self._unread)

    def _parsed(self, name: str, unread: Unread) -> Any:
        """The table's text parsed and checked as the whole check at opening checks each
        table (`decode_with_spans`, then `check`), refused with the same sentences."""
        try:
            with collector_paused():
                value = orjson.loads(unread.text)
        except orjson.JSONDecodeError:
            raise DamagedFile(not_readable_sentence(self.path)) from None
        if not is_table(value):
            raise DamagedFile(malformed_table_sentence(self.path, name))
        problem = self._check(name, value) if self._check is not None else None
        if problem:
            raise DamagedFile(problem)
        return value

    def write_table(self, name: str, table: dict[str, Any]) -> None:
        """Replace one table and save as `write` does; every other table stays as it is, read
        or not (TinyDB changes one table at a time: `tables.TableAtATime`)."""
        self._refuse_if_read_only()
        with self._parse_lock:
            self._data[name] = table
            self._unread.discard(name)
        self._written()

    def replace_data(self, data: dict[str, Any]) -> None:
        """Put back data held before a failed operation, in memory only (no save)."""
        if isinstance(data, PartDocument):
            raise TypeError("a part of the document (`tables`) was given as the whole")
        self._data = data
        self._unread = {name for name, table in data.items() if isinstance(table, Unread)}
        self.changes += 1
        if not self._unread:  # each table parsed and checked where it was read (a copy)
            self._tell_checked(sound=True)

    def write(self, data: dict[str, Any]) -> None:
        if isinstance(data, PartDocument):
            raise TypeError("a part of the document (`tables`) was given to be saved whole")
        self._refuse_if_read_only()
        self._data = data
        self._written()

    def _written(self) -> None:
        self.changes += 1
        self.unsaved = True
        if self.autosave and not self._defer_depth:
            self.save()

    def _refuse_if_read_only(self) -> None:
        if self.readonly:
            raise SaveFailed(f"The file {self.path} was opened read-only; nothing was changed.")

    def set_encoder(self, encode: Encoder) -> None:
        """Use another encoding for the next saves (e.g. when a passphrase is set)."""
        self._encode = encode

    def serialise(self) -> bytes:
        """The bytes a save writes (encoded: encrypted when the file is)."""
        return self._encode(self.plain())

    def plain(self) -> bytes:
        """The document as JSON, parsing nothing: one orjson call when every table is parsed,
        else a table at a time (`text`), an unread one as its text, still to be checked."""
        return orjson.dumps(self._data) if not self._unread else self.text()[0]

    def text(self) -> tuple[bytes, dict[str, tuple[int, int]]]:
        """The document as JSON, the same bytes `orjson.dumps` gives, written a table at a time
        (an unread table as its text); and where each table's text lies in them."""
        parts = [b"{"]
        spans: dict[str, tuple[int, int]] = {}
        at = 1
        for name, head, body in self._pieces():
            spans[name] = (at + len(head), at + len(head) + len(body))
            parts += (head, body)
            at = spans[name][1]
        parts.append(b"}")
        return b"".join(parts), spans

    def _pieces(self) -> Iterator[tuple[str, bytes, bytes]]:
        """Each table's name, the JSON before its text (`"name":`, with a comma before it
        after the first) and its text, one table at a time."""
        for index, (name, table) in enumerate(list(self._data.items())):
            head = (b"," if index else b"") + orjson.dumps(name) + b":"
            yield name, head, table.text if isinstance(table, Unread) else orjson.dumps(table)

    def save(
        self, verify: Callable[[bytes], None] | None = None, *, plain: bytes | None = None
    ) -> None:
        """Write the in-memory data to disk atomically, or raise SaveFailed / ChangedOnDisk.

        `verify`, when given, checks the encoded bytes before they replace the file. `plain`,
        when given, is the data's JSON (`orjson.dumps`) already made from this very data by
        whoever made the data (an exchange prepared in a worker), so the thread that saves
        does not serialise it again.
        """
        with self._save_lock:
            try:
                current = FileSignature.of(self.path)
            except OSError as error:
                self.unsaved = True
                raise SaveFailed(describe_os_error(error, self.path)) from error
            if current != self._signature:
                raise ChangedOnDisk(
                    f"The file {self.path} was changed by something else since it was opened, so "
                    "it was "
                    "not overwritten. Your changes are kept in this window only; on quitting you "
                    "can write them to a new file beside it. The two are not combined: the data "
                    "file keeps only the other changes."
                )
            # Serialising holds the GIL, so a save from a worker thread sees one consistent
            # state even while the UI thread goes on changing the data.
            self.unsaved = False
            try:
                blob = self.serialise() if plain is None else self._encode(plain)
                if verify is not None:
                    verify(blob)
            except BaseException:
                self.unsaved = True
                raise
            try:
                write_atomically(self.path, blob)
            except OSError as error:
                self.unsaved = True
                self._adopt_if_replaced(blob)
                raise SaveFailed(describe_os_error(error, self.path)) from error
            self._signature = FileSignature.of(self.path, blob)
            self.saves += 1

    def note_checked(self) -> None:
        """Leave the note of the bytes last saved (`checked.py`), when the file still holds
        exactly what this store holds: called as the store closes, so that saves pay nothing
        for it (a store that never closes leaves the next opening to check the whole file)."""
        from voicesgroup.store import checked  # (it reads this module's names)

        signature = self._signature
        if self.readonly or self.unsaved or signature is None or self.saves == 0 or self._damaged:
            return
        if self._encode(b"{}") != b"{}":  # an encrypted file keeps no note
            return
        with self._save_lock:
            # A table at a time, never the whole text at once: this runs as the app closes,
            # often just after the peak of its memory.
            spans: dict[str, tuple[int, int]] = {}
            at, checksum = 1, zlib.crc32(b"{")
            try:
                for name, head, body in self._pieces():
                    spans[name] = (at + len(head), at + len(head) + len(body))
                    checksum = zlib.crc32(body, zlib.crc32(head, checksum))
                    at = spans[name][1]
                runs = years_placed(self._data)
            except TypeError:  # data a save could not write either: no note, nothing else
                return
            checksum, size = zlib.crc32(b"}", checksum), at + 1
            if (size, checksum) == (signature.size, signature.checksum):
                checked.note(self.path, size, checksum, spans, runs)

    @property
    def saving(self) -> bool:
        """A save is under way: the data in memory is newer than `signature` says, though
        `unsaved` is already False (it is set before the bytes are written)."""
        return self._save_lock.locked()

    @property
    def signature(self) -> FileSignature | None:
        """What the file looked like when it was loaded or last saved by us."""
        return self._signature

    def adopt(self, blob: bytes) -> None:
        """The file now holds `blob`, written by us another way (a passphrase change)."""
        from voicesgroup.store import checked

        self._signature = FileSignature.of(self.path, blob)
        self.unsaved = False
        checked.forget(self.path)  # of the bytes before: the next opening checks the whole

    def _adopt_if_replaced(self, blob: bytes) -> None:
        """After a failed save, recognise our own bytes if the rename did happen.

        Flushing the folder comes after the rename; when only that fails the file already holds
        `blob`, and without this the next save would be refused as a change by someone else.
        """
        with suppress(OSError):
            if self.path.stat().st_size == len(blob) and self.path.read_bytes() == blob:
                self._signature = FileSignature.of(self.path, blob)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Group several writes into one save; on an exception, the data is rolled back.

        Nested groups roll back too: an error caught inside an outer group leaves none of the
        inner group's changes behind to be saved with the outer one.
        """
        kept = self._kept()
        was_unsaved = self.unsaved
        self._defer_depth += 1
        try:
            yield
        except BaseException:
            self.replace_data(self._put_back(kept))
            self.unsaved = was_unsaved
            raise
        finally:
            self._defer_depth -= 1
        if not self._defer_depth and self.unsaved and self.autosave:
            self.save()

    def _kept(self) -> list[tuple[str, Unread | bytes]]:
        """The document as it is now, to put back after a failed group of writes: a parsed
        table as its JSON (a copy no later change can reach), a table not read yet as the very
        text it was, still to be checked when first read (`table`)."""
        return [
            (name, table if isinstance(table, Unread) else orjson.dumps(table))
            for name, table in self._data.items()
        ]

    @staticmethod
    def _put_back(kept: list[tuple[str, Unread | bytes]]) -> dict[str, Any]:
        """The document `_kept` took: the JSON of parsed tables parsed again (this store wrote
        it from tables it held parsed and checked), the unread ones left unread. Parsing an
        unread table here would trust text nothing has checked."""
        with collector_paused():
            return {
                name: table if isinstance(table, Unread) else orjson.loads(table)
                for name, table in kept
            }

    @property
    def deferring(self) -> bool:
        """True inside `deferred()`: writes wait for the outermost group to end."""
        return self._defer_depth > 0

    def close(self) -> None:
        pass
