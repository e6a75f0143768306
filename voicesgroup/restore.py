"""Restoring the data file from a backup: check the backup fully, keep the current file, swap."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voicesgroup.backups import take_backup
from voicesgroup.errors import ReadOnlyFile, StoreError
from voicesgroup.storage import looks_encrypted, write_atomically
from voicesgroup.store.integrity import sound_backup

if TYPE_CHECKING:
    from voicesgroup import crypto
    from voicesgroup.store import Store


class AnotherFilesBackup(StoreError):
    """The backup was taken of a different data file; restoring it needs a confirmation."""


class UnencryptedBackup(StoreError):
    """The backup is not encrypted and the data file is; restoring it needs a confirmation,
    and the restored file is encrypted with the data file's key."""


def check_backup(source: Path, *, passphrase: str | None = None) -> Store:
    """The backup, opened in memory once it has decrypted and validated; else a clear error."""
    from voicesgroup.store import Secret, read_document

    try:
        blob = source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {source}: {error.strerror}. Nothing was changed.") from None
    data, unlocked = read_document(blob, source, Secret(passphrase))
    return sound_backup(data, source, unlocked)


def current_file(
    data_path: Path, passphrase: str | None, *, key_needed: bool
) -> tuple[str | None, crypto.Unlocked | None]:
    """The id and key of the data file now in place; (None, None) when it cannot be read.

    With `key_needed` (an unencrypted backup over an encrypted file) the key must be had:
    PassphraseNeeded or WrongPassphrase then reach the caller, who asks for the passphrase.
    """
    from voicesgroup.errors import PassphraseNeeded, WrongPassphrase
    from voicesgroup.store import Secret, read_document
    from voicesgroup.store.integrity import file_id_of

    try:
        data, unlocked = read_document(data_path.read_bytes(), data_path, Secret(passphrase))
    except (PassphraseNeeded, WrongPassphrase):
        if key_needed:
            raise
        return None, None
    except (OSError, StoreError):
        return None, None
    return file_id_of(data), unlocked


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
) -> Path | None:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Returns where the current file was kept (None when there was none). Works even when the
    current file is damaged, which is usually why one restores. A backup of a different data
    file (by the id each file is given when it is made) raises AnotherFilesBackup unless
    `another_file_ok`. An unencrypted backup over an encrypted file raises UnencryptedBackup
    unless `unencrypted_ok`, and is then encrypted with the file's key (`passphrase` opens the
    data file too), so a restore never leaves the data file in clear beside encrypted backups.
    The restore is written into the restored data's audit log.
    """
    from voicesgroup.store import take_writer_lock
    from voicesgroup.store.opening import read_only_reason

    backup = check_backup(source, passphrase=passphrase)
    reason = read_only_reason(data_path)
    if reason:
        raise ReadOnlyFile(reason)
    clear_over_sealed = backup.unlocked is None and _is_encrypted(data_path)
    current_id, current_key = current_file(data_path, passphrase, key_needed=clear_over_sealed)
    if current_id and backup.file_id and current_id != backup.file_id and not another_file_ok:
        raise AnotherFilesBackup(
            f"{source} is a backup of another data file, not of {data_path}. Nothing was "
            "changed; to replace this file by it anyway, confirm (--yes on the command line)."
        )
    if clear_over_sealed:
        if not unencrypted_ok:
            raise UnencryptedBackup(
                f"{source} is not encrypted, and {data_path} is. Nothing was changed; to "
                "restore it anyway, confirm (--yes on the command line): the restored file "
                "is encrypted with the current passphrase."
            )
        backup.use_key(current_key)
    backup.audit("restored from a backup")
    blob = backup.storage.serialise()
    lock = take_writer_lock(data_path)
    try:
        kept = None
        if data_path.exists():
            kept = take_backup(data_path, data_path.read_bytes())
        try:
            write_atomically(data_path, blob)
        except OSError as error:
            from voicesgroup.storage import os_error_reason

            raise StoreError(
                f"Could not restore {data_path}: {os_error_reason(error)}. The data file was "
                "left as it was" + (f" (and a copy of it kept as {kept})." if kept else ".")
            ) from error
    finally:
        lock.release()
    return kept
