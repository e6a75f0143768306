"""Opening a data file: the one-writer lock, decrypting, and checking it before it is trusted.

A file is read whole and checked (its mark, schema version, every table present, every record
with an id of its own) before anything is written. A damaged, foreign or newer file raises a
StoreError naming the file and is left untouched. A file whose permissions forbid writing is
opened to read only. Opening for changes also finishes work that was interrupted: a passphrase
change half-way through its renames, a forgetting that had not reached every backup.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import zlib
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.counting import counted
from voicesgroup.errors import (
    DamagedFile,
    Locked,
    NewerVersion,
    NotFound,
    PassphraseNeeded,
    StoreError,
    WrongPassphrase,
    followed,
)
from voicesgroup.schema import SCHEMA_VERSION
from voicesgroup.store import checked, migrations, writer_lock
from voicesgroup.store.advice import restore_hint
from voicesgroup.store.backups import prune_backups, take_backup, to_let_go
from voicesgroup.store.owned import checked_file, erasing_file, failed_unlocks_file, lock_file
from voicesgroup.store.repository import SETTINGS_TABLE, Store
from voicesgroup.store.storage import (
    APP_MARK,
    META_TABLE,
    FileSignature,
    SafeStorage,
    decode_document,
    decode_with_spans,
    is_table,
    looks_encrypted,
    os_error_reason,
    write_atomically,
)
from voicesgroup.store.tables import (
    ADDED_TABLES,
    TABLES,
    malformed_record_sentence,
    new_document,
    record_ids,
)
from voicesgroup.store.unread import YEARLY_TABLES, Unread, year_runs

if TYPE_CHECKING:
    from voicesgroup.store import crypto


@dataclass(frozen=True)
class Secret:
    """What the person gave to open an encrypted file (never stored, never logged)."""

    passphrase: str | None = None
    recovery_key: str | None = None

    def __repr__(self) -> str:
        return "Secret(…)"


def open_store(
    cls: type[Store],
    path: Path,
    *,
    create: bool = True,
    readonly: bool = False,
    seed: bool = True,
    secret: Secret = Secret(),
) -> Store:
    """Open (or create) the data file at `path`; see `Store.open`. A refusal leaves the
    folder as it was: no lock file or folder is made for a file that is not there, and a
    lock file this opening made goes again (`writer_lock.abandon`)."""
    if not (create or path.exists()) or (readonly and not path.exists()):
        raise _no_file(path)
    lock = None if readonly else take_writer_lock(path)
    try:
        return _load(cls, path, lock, create=create, readonly=readonly, seed=seed, secret=secret)
    except BaseException:
        if lock is not None:
            writer_lock.abandon(lock)
        raise


def _no_file(path: Path) -> NotFound:
    return NotFound(f"There is no data file at {path}.")


def _load(
    cls: type[Store],
    path: Path,
    lock: writer_lock.WriterLock | None,
    *,
    create: bool,
    readonly: bool,
    seed: bool,
    secret: Secret,
) -> Store:
    from voicesgroup.store import integrity, passphrase

    if not readonly:
        passphrase.finish_interrupted(path)
        integrity.remove_leftovers(path)
    if not path.exists():
        if not create or readonly:
            raise _no_file(path)
        storage = SafeStorage(path, new_document(), signature=None)
        store = cls(storage, lock)
        store.created = True
        with store.batch():
            if seed:
                _seed_starter_data(store)
            storage.unsaved = True
        return store
    try:
        blob = path.read_bytes()
    except OSError as error:
        raise StoreError(f"Could not read {path}: {error.strerror}.") from error
    if looks_encrypted(blob):
        data, unlocked = read_document(blob, path, secret)
    else:
        data, unlocked = _plain_document(blob, path, note=not readonly), None
    version = data[META_TABLE]["1"]["schema_version"]
    if version < SCHEMA_VERSION:
        data = _parsed_whole(data, blob, path)
        try:
            migrations.migrate(data, version)
        except Exception as error:
            raise StoreError(
                f"The file {path} is from an older version and could not be brought up to date "
                f"({type(error).__name__}). It was left untouched. {restore_hint(path)}"
            ) from error
    reason = read_only_reason(path)
    storage = SafeStorage(
        path,
        data,
        FileSignature.of(path, blob),
        readonly=readonly or reason is not None,
        check=lambda name, table: table_problem(name, table, path),
    )
    store = cls(storage, lock)
    store.use_key(unlocked)
    store.read_only_reason = reason
    if readonly or reason is not None:
        del blob  # (see `_own_texts`)
        _own_texts(data, path, storage.signature)
        return store
    with suppress(OSError):  # readable by the owner alone; the owner's bits are kept
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & 0o600)
    # No older backup goes for these bytes until every record in them is known sound: the
    # store lets them go as it closes (`settle_backups`), or takes this backup away instead.
    store.backup_taken = take_backup(path, blob, prune=False)
    del blob  # (see `_own_texts`)
    _own_texts(data, path, storage.signature)
    if store.backup_taken is not None:
        storage.when_checked = partial(_backup_checked, store, store.backup_taken)
        store.settle_backups = partial(settle_backups, store)
    meta = data[META_TABLE]["1"]
    if "file_id" not in meta:  # files made before ids: the next save stores one
        meta["file_id"] = new_document()[META_TABLE]["1"]["file_id"]
    if version < SCHEMA_VERSION:
        storage.write(data)
    _finish_interrupted(store)
    _audit_failed_unlocks(store)
    return store


def _finish_interrupted(store: Store) -> None:
    """What a kill left half done: a forgetting, an erasure (its module loaded only then)."""
    from voicesgroup.store import forgetting

    forgetting.finish_pending(store)
    if erasing_file(store.path).exists():
        from voicesgroup.store import erasing

        erasing.finish_pending(store)


def _backup_checked(store: Store, backup: Path, sound: bool) -> None:
    """A table the opening left unread, or a record, was found damaged (`sound` False): the
    backup holding these very bytes goes at once, and none other did. (All tables found
    sound says nothing yet of every record: `settle_backups` decides as the store closes.)"""
    if not sound:
        with suppress(OSError):  # (a backup that cannot be removed is named by `check`)
            backup.unlink(missing_ok=True)
        store.backup_taken = None


def settle_backups(store: Store) -> None:
    """As the store closes, for the backup its opening took: when it would push older ones
    out, every record is checked first (`integrity.record_problems`); sound, the oldest go
    (counted as `backups_pruned`); not, this backup goes and every older one stays. So no
    good backup is ever let go for a copy of bytes not known sound, whatever reads them."""
    from voicesgroup.store.integrity import record_problems

    backup = store.backup_taken
    if backup is None:
        return
    now = dt.datetime.now(dt.UTC)
    damaged = store.storage.damaged
    if not damaged and not to_let_go(store.path, now):
        return  # nothing would go: the check is not worth its time
    if not (damaged or store.storage.records_sound):
        try:
            damaged = bool(record_problems(store))
        except Exception:  # a table of the wrong shape altogether: not sound either
            damaged = True
    with suppress(OSError):  # (a backup that cannot be removed is named by `check`)
        if damaged:
            store.storage.found_damage()
            backup.unlink(missing_ok=True)
            store.backup_taken = None
        else:
            store.backups_pruned += len(prune_backups(store.path, now))


def _seed_starter_data(store: Store) -> None:
    """The shipped strategies and support contacts, put in a new file."""
    from voicesgroup.shipped import starter_strategies, starter_support_contacts

    for strategy in starter_strategies():
        store.tables.put(strategy)
    for contact in starter_support_contacts():
        store.tables.put(contact)


def read_only_reason(path: Path) -> str | None:
    """Why the data file may not be changed, judged by its mode bits (as root too), or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & 0o222 and os.access(path, os.W_OK):
        return None
    return (
        f"{path} is read-only (its permissions allow no changes), so it was opened to read "
        "only and this change was not made. To change it, make the file writable "
        "(for example `chmod u+w`) and open it again."
    )


def opening_did(store: Store) -> str:
    """What opening the file did to the backups, for a message that says nothing else changed."""
    if store.backup_taken is None:
        return ""
    let_go = store.backups_pruned
    pruned = f" and let the {let_go} oldest go" if let_go > 1 else " and let the oldest go"
    return (
        f" Opening the file kept a backup of it, {store.backup_taken.name}"
        f"{pruned if let_go else ''}."
    )


def read_document(
    blob: bytes, path: Path, secret: Secret
) -> tuple[dict[str, Any], crypto.Unlocked | None]:
    """Decrypt (when encrypted), parse and check a data file's bytes, without migrating.

    Raises DamagedFile, NewerVersion, PassphraseNeeded or WrongPassphrase with a message that
    names `path`.
    """
    unlocked = None
    if looks_encrypted(blob):
        blob, unlocked = _decrypt(blob, path, secret)
    return checked_document(blob, path), unlocked


def checked_document(blob: bytes, path: Path) -> dict[str, Any]:
    """Parse and check a data file's decrypted bytes: its schema version and its structure."""
    return _checked(decode_document(blob, path), path)


def _checked(data: dict[str, Any], path: Path) -> dict[str, Any]:
    version = data[META_TABLE]["1"].get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DamagedFile(f"The file {path} has no readable schema version; it was left untouched.")
    if version > SCHEMA_VERSION:
        raise NewerVersion(
            f"The file {path} was written by a newer version of voicesgroup (data version "
            f"{version}, "
            f"this one reads up to {SCHEMA_VERSION}). It was left untouched: please update."
        )
    problem = structure_problem(data, path)
    if problem:
        raise DamagedFile(problem)
    return data


READ_AT_ONCE = (META_TABLE, SETTINGS_TABLE)
"""The tables parsed at once even when a file's bytes are known sound (`checked.py`): what
opening itself reads. The others wait until something reads them (`SafeStorage.table`)."""


def _document_left_unread(
    blob: bytes, path: Path, spans: dict[str, tuple[int, int]], years: checked.Years
) -> dict[str, Any]:
    """The document of bytes known sound: the tables of `READ_AT_ONCE` parsed and checked
    as `checked_document` checks them, the others left as their text (`Unread`)."""
    view = memoryview(blob)
    data: dict[str, Any] = {}
    for name, (start, end) in spans.items():
        text = view[start:end]
        # An unread table holds a view of the file's bytes until opening has done with them;
        # then it is given its own text, read again from the file (`_own_texts`).
        try:
            data[name] = (
                orjson.loads(text)
                if name in READ_AT_ONCE
                else Unread(text, years.get(name) if name in YEARLY_TABLES else None, at=start)
            )
        except orjson.JSONDecodeError:  # the note said sound: it was wrong, check the whole
            return checked_document(blob, path)
    meta = data.get(META_TABLE)
    parsed = [table for table in data.values() if not isinstance(table, Unread)]
    if not (
        all(is_table(table) for table in parsed)
        and isinstance(meta, dict)
        and isinstance(meta.get("1"), dict)
        and meta["1"].get("app") == APP_MARK
    ):
        return checked_document(blob, path)  # the whole check names what is wrong
    return _checked(data, path)


def _own_texts(data: dict[str, Any], path: Path, signature: FileSignature | None) -> None:
    """Give each table left unread its own text, read again from the file a table at a time,
    once the file's bytes read at opening are let go (the caller holds them no longer, and the
    views into them are dropped first). So opening never holds the whole file and a copy of
    its tables at once, and no table holds the whole file once opened. The bytes read again
    must be the very bytes checked (their size and CRC-32): else nothing is trusted."""
    unread = sorted(
        (table for table in data.values() if isinstance(table, Unread) and table.at is not None),
        key=lambda table: table.at or 0,
    )
    if not unread:
        return
    places = [(table.at or 0, len(table.text)) for table in unread]
    for table in unread:
        table.text = b""  # the last view of the file's bytes: they are let go now
    if signature is None:
        raise StoreError(_changed_while_opening(path))
    checksum, at = 0, 0
    try:
        with path.open("rb", buffering=0) as file:
            fd = file.fileno()
            for table, (start, length) in zip(unread, places, strict=True):
                checksum = zlib.crc32(os.pread(fd, start - at, at), checksum)
                table.text = os.pread(fd, length, start)
                checksum = zlib.crc32(table.text, checksum)
                at = start + length
            rest = os.pread(fd, signature.size - at + 1, at)
    except OSError as error:
        raise StoreError(f"Could not read {path}: {error.strerror}.") from error
    checksum = zlib.crc32(rest, checksum)
    if at + len(rest) != signature.size or checksum != signature.checksum:
        raise StoreError(_changed_while_opening(path))
    for table in unread:
        table.at = None


def _changed_while_opening(path: Path) -> str:
    return (
        f"{path} was changed by another program while it was being opened, so it was not "
        "opened. Nothing was changed: open it again."
    )


def _parsed_whole(data: dict[str, Any], blob: bytes, path: Path) -> dict[str, Any]:
    """The whole document parsed (a migration reads every table)."""
    if not any(isinstance(table, Unread) for table in data.values()):
        return data
    return checked_document(blob, path)


def _plain_document(blob: bytes, path: Path, *, note: bool) -> dict[str, Any]:
    """A plain file's document: its tables left unread where the note beside it says these
    bytes are sound (`checked.py`); else checked whole, and then, when `note`, noted so."""
    known = checked.known_if_noted(path, blob)
    if known is not None:
        return _document_left_unread(blob, path, *known)
    data, spans = decode_with_spans(blob, path)
    _checked(data, path)
    if note and spans is not None:
        checked.note(path, len(blob), zlib.crc32(blob), spans, _years_in(blob, data, spans))
    return data


def _years_in(
    blob: bytes, data: dict[str, Any], spans: dict[str, tuple[int, int]]
) -> checked.Years:
    """Where each year lies in each yearly table's text, for the note, when that text is the
    very JSON this app writes for the table (a file written otherwise gets none: its years
    are then read with the whole table)."""
    years: checked.Years = {}
    for name, field in YEARLY_TABLES.items():
        table, (start, end) = data.get(name), spans.get(name, (0, 0))
        if isinstance(table, dict) and memoryview(blob)[start:end] == orjson.dumps(table):
            years[name] = year_runs(table, field)
    return years


def structure_problem(data: dict[str, Any], path: Path) -> str | None:
    """A sentence when tables are missing or a record has no id or shares one; else None.

    Checked on the raw documents, without building records, so opening stays quick. A table
    left as text (`Unread`) is checked when it is first read (`table_problem`).
    """
    missing = [
        table
        for table in (*TABLES, SETTINGS_TABLE)
        if table not in data and table not in ADDED_TABLES
    ]
    if missing:
        return (
            f"The file {path} is damaged: it has lost {len(missing)} of its tables "
            f"({', '.join(missing)}), so it was not opened as an empty file. {restore_hint(path)}"
        )
    for table in ADDED_TABLES:
        data.setdefault(table, {})
    for name, table in data.items():
        problem = None if isinstance(table, Unread) else table_problem(name, table, path)
        if problem:
            return problem
    return None


def table_problem(name: str, table: dict[str, Any], path: Path) -> str | None:
    """What is wrong with one parsed table of the data file at `path`, or None: a record
    with no id of its own, or more than one settings record."""
    if name in TABLES:
        _, where = record_ids(name, table)
        if where:
            return malformed_record_sentence(path, where)
    if name == SETTINGS_TABLE and set(table) - {"1"}:
        return malformed_record_sentence(path, "the settings table holds more than one record")
    return None


def _decrypt(blob: bytes, path: Path, secret: Secret) -> tuple[bytes, crypto.Unlocked]:
    if secret.passphrase is None and secret.recovery_key is None:
        raise PassphraseNeeded(f"The file {path} is protected by a passphrase.")
    # The encryption module is imported only when a file is encrypted (it is slow to load).
    from voicesgroup.store import crypto

    try:
        if secret.recovery_key is not None:
            return crypto.open_with_recovery_key(blob, secret.recovery_key)
        return crypto.open_with_passphrase(blob, secret.passphrase or "")
    except crypto.WrongPassphrase as error:
        raise WrongPassphrase(followed(error, "Nothing was changed.")) from None
    except crypto.NewerFormat:
        raise NewerVersion(
            f"The file {path} was encrypted by a newer version of voicesgroup. It was left "
            "untouched: "
            "please update."
        ) from None
    except crypto.CryptoError as error:
        raise DamagedFile(
            f"The file {path} cannot be opened: {error} {restore_hint(path)}"
        ) from None


def take_writer_lock(path: Path) -> writer_lock.WriterLock:
    """The one-writer lock of `path`, on a separate lock file; Locked if someone has it."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
    try:
        return writer_lock.take(lock_file(path))
    except writer_lock.LockHeld:
        raise Locked(
            f"The file {path} is already open in another voicesgroup window. Only one can make "
            "changes at a time: close the other one first."
        ) from None
    except OSError as error:
        raise StoreError(f"Could not open {path}: {error.strerror}.") from error


# -- failed unlocks from the command line ------------------------------------------------------


def note_failed_unlock(path: Path) -> None:
    """Count a failed unlock beside the file; the next open for changes writes it to the log.

    The file is encrypted and the passphrase was wrong, so the log itself cannot be written
    now. The note holds a number and nothing else.
    """
    note = failed_unlocks_file(path)
    try:
        count = int(note.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        count = 0
    with suppress(OSError):
        write_atomically(note, f"{count + 1}\n".encode("ascii"))


def _audit_failed_unlocks(store: Store) -> None:
    note = failed_unlocks_file(store.path)
    try:
        count = int(note.read_text(encoding="ascii").strip() or 0)
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        count = 1
    try:
        store.audit("failed unlock", f"{counted(count, 'attempt')} from the command line")
    except StoreError as error:
        store.finished_on_open.append(
            f"Failed unlocks could not be written to the audit log yet: {error}"
        )
        return
    try:
        note.unlink()
    except OSError as error:
        store.finished_on_open.append(
            f"The note of failed unlocks could not be removed ({os_error_reason(error)})."
        )


def refuse_as_damaged(store: Store) -> None:
    """Close a store whose records were found unreadable before anything was done: the
    backup its opening took of them goes (`settle_backups`), as does a lock file the opening
    made, so the refusal leaves the folder as it was."""
    store.storage.found_damage()
    store.close()


def discard_made(store: Store) -> None:
    """Undo the making of a new data file (`Store.created`) whose first command was refused:
    the file and its lock file go, and no note is left of it, so the refusal leaves the
    folder as it was. Anything else would be a data file in use: refused (ValueError)."""
    if not store.created or store.closed:
        raise ValueError("Only a file this store made, still open, is discarded.")
    for made in (store.path, checked_file(store.path)):
        made.unlink(missing_ok=True)
    store.storage.unsaved = False
    refuse_as_damaged(store)  # (no note may name it; the lock file it made goes)
