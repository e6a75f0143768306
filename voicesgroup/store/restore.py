"""Restoring the data file from a backup: check the backup fully, keep the current file, swap.

A restored copy never brings back a member who was forgotten: the tombstones of the file it
replaces (and those kept beside it, `store.tombstones`) are applied to the backup before it is
written, so it arrives with them forgotten and their name redacted, and keeps the tombstones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.errors import ReadOnlyFile, StoreError
from voicesgroup.store.backups import take_backup
from voicesgroup.store.integrity import sound_backup
from voicesgroup.store.storage import looks_encrypted, write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import Store, crypto


class AnotherFilesBackup(StoreError):
    """The backup was taken of a different data file; restoring it needs a confirmation."""


class UnencryptedBackup(StoreError):
    """The backup is not encrypted and the data file is; restoring it needs a confirmation,
    and the restored file is encrypted with the data file's key."""


@dataclass(frozen=True)
class Restored:
    """What a restore did besides replacing the file."""

    kept: Path | None
    """Where the file it replaced was kept (None when there was none)."""
    forgotten_again: int
    """Members the backup held who had been forgotten since: left out of the restored file."""


def check_backup(source: Path, *, passphrase: str | None = None) -> Store:
    """The backup, opened in memory once it has decrypted and validated; else a clear error."""
    from voicesgroup.store import Secret, read_document

    try:
        blob = source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {source}: {error.strerror}. Nothing was changed.") from None
    data, unlocked = read_document(blob, source, Secret(passphrase))
    return sound_backup(data, source, unlocked)


def current_document(
    data_path: Path, passphrase: str | None, *, key_needed: bool = False
) -> tuple[dict[str, Any], crypto.Unlocked | None]:
    """The data file now in place and its key; ({}, None) when it cannot be read.

    With `key_needed` (an unencrypted backup over an encrypted file) the key must be had:
    PassphraseNeeded or WrongPassphrase then reach the caller, who asks for the passphrase.
    """
    from voicesgroup.errors import PassphraseNeeded, WrongPassphrase
    from voicesgroup.store import Secret, read_document

    try:
        return read_document(data_path.read_bytes(), data_path, Secret(passphrase))
    except (PassphraseNeeded, WrongPassphrase):
        if key_needed:
            raise
        return {}, None
    except (OSError, StoreError):
        return {}, None


def _is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return looks_encrypted(file.read(64))
    except OSError:
        return False


def restore(
    data_path: Path,
    source: Path,
    *,
    passphrase: str | None = None,
    another_file_ok: bool = False,
    unencrypted_ok: bool = False,
) -> Restored:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Members forgotten in the current file (by its tombstones) are forgotten in the restored
    data before it is written. Works even when the
    current file is damaged, which is usually why one restores. A backup of a different data
    file (by the id each file is given when it is made) raises AnotherFilesBackup unless
    `another_file_ok`. An unencrypted backup over an encrypted file raises UnencryptedBackup
    unless `unencrypted_ok`, and is then encrypted with the file's key (`passphrase` opens the
    data file too), so a restore never leaves the data file in clear beside encrypted backups.
    The restore is written into the restored data's audit log.
    """
    from voicesgroup.store import forgetting, take_writer_lock, tombstones
    from voicesgroup.store.advice import restoring_into
    from voicesgroup.store.integrity import file_id_of
    from voicesgroup.store.opening import read_only_reason

    with restoring_into(data_path):
        backup = check_backup(source, passphrase=passphrase)
    reason = read_only_reason(data_path)
    if reason:
        raise ReadOnlyFile(reason)
    clear_over_sealed = backup.unlocked is None and _is_encrypted(data_path)
    current, current_key = current_document(data_path, passphrase, key_needed=clear_over_sealed)
    current_id = file_id_of(current)
    if current_id and backup.file_id and current_id != backup.file_id and not another_file_ok:
        raise AnotherFilesBackup(
            f"The file {source} is a backup of another data file, not of {data_path}. Nothing was "
            "changed; to replace this file by it anyway, confirm (--yes on the command line)."
        )
    if clear_over_sealed:
        if not unencrypted_ok:
            raise UnencryptedBackup(
                f"The file {source} is not encrypted, and {data_path} is. Nothing was changed; to "
                "restore it anyway, confirm (--yes on the command line): the restored file "
                "is encrypted with the current passphrase."
            )
        backup.use_key(current_key)
    key = backup.unlocked or current_key
    known = tombstones.union(
        tombstones.known_in_folder(data_path, current, key),
        tombstones.in_data(backup.storage.read()),
    )
    again = forgetting.forget_again(backup, known)
    backup.audit("restored from a backup")
    blob = backup.storage.serialise()
    lock = take_writer_lock(data_path)
    try:
        kept = None
        if data_path.exists():
            # the file replaced is kept; an older backup goes for it only when it is sound
            sound = bool(current) and _records_sound(current, data_path, current_key)
            kept = take_backup(data_path, data_path.read_bytes(), prune=sound)
        try:
            write_atomically(data_path, blob)
        except OSError as error:
            from voicesgroup.store.storage import os_error_reason

            raise StoreError(
                f"Could not restore {data_path}: {os_error_reason(error)}. The data file was "
                "left as it was" + (f" (and a copy of it kept as {kept})." if kept else ".")
            ) from error
    finally:
        lock.release()
    return Restored(kept, again)


def _records_sound(data: dict[str, Any], path: Path, key: crypto.Unlocked | None) -> bool:
    """Whether every record of a document its model reads (`integrity.record_problems`)."""
    from voicesgroup.store import Store
    from voicesgroup.store.integrity import record_problems

    try:
        return not record_problems(Store.in_memory(data, path, key))
    except Exception:  # a table of the wrong shape altogether
        return False
