"""Restoring the data file from a backup: check the backup fully, keep the current file, swap."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voicesgroup.backups import take_backup
from voicesgroup.errors import DamagedFile, ReadOnlyFile, StoreError
from voicesgroup.storage import write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import Store


class AnotherFilesBackup(StoreError):
    """The backup was taken of a different data file; restoring it needs a confirmation."""


def check_backup(source: Path, *, passphrase: str | None = None) -> Store:
    """The backup, opened in memory once it has decrypted and validated; else a clear error."""
    from voicesgroup.store import Secret, Store, read_document

    try:
        blob = source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {source}: {error.strerror}. Nothing was changed.") from None
    data, unlocked = read_document(blob, source, Secret(passphrase))
    backup = Store.in_memory(data, source, unlocked)
    problems = backup.problems()
    if problems:
        raise DamagedFile(
            f"{source} does not hold sound data ({problems[0]}); nothing was changed."
        )
    return backup


def current_file_id(data_path: Path, passphrase: str | None) -> str | None:
    """The id of the data file now in place, or None when it cannot be read (or has none)."""
    from voicesgroup.store import Secret, read_document
    from voicesgroup.store.integrity import file_id_of

    try:
        data, _ = read_document(data_path.read_bytes(), data_path, Secret(passphrase))
    except (OSError, StoreError):
        return None
    return file_id_of(data)


def restore(
    data_path: Path,
    source: Path,
    *,
    passphrase: str | None = None,
    another_file_ok: bool = False,
) -> Path | None:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Returns where the current file was kept (None when there was none). Works even when the
    current file is damaged, which is usually why one restores. A backup of a different data
    file (by the id each file is given when it is made) raises AnotherFilesBackup unless
    `another_file_ok`. The restore is written into the restored data's audit log.
    """
    from voicesgroup.store import take_writer_lock
    from voicesgroup.store.opening import read_only_reason

    backup = check_backup(source, passphrase=passphrase)
    reason = read_only_reason(data_path)
    if reason:
        raise ReadOnlyFile(reason)
    current_id = current_file_id(data_path, passphrase)
    if current_id and backup.file_id and current_id != backup.file_id and not another_file_ok:
        raise AnotherFilesBackup(
            f"{source} is a backup of another data file, not of {data_path}. Nothing was "
            "changed; to replace this file by it anyway, confirm (--yes on the command line)."
        )
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
