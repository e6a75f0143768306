"""Restoring the data file from a backup: check the backup fully, keep the current file, swap.

A restored copy never brings back a member who was forgotten: the tombstones of the file it
replaces (and those kept beside it, `store.tombstones`) are applied to the backup before it is
written, so it arrives with them forgotten and their name redacted, and keeps the tombstones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.backups import take_backup
from voicesgroup.errors import DamagedFile, ReadOnlyFile, StoreError
from voicesgroup.storage import write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import Store


class AnotherFilesBackup(StoreError):
    """The backup was taken of a different data file; restoring it needs a confirmation."""


@dataclass(frozen=True)
class Restored:
    """What a restore did besides replacing the file."""

    kept: Path | None
    """Where the file it replaced was kept (None when there was none)."""
    forgotten_again: int
    """Members the backup held who had been forgotten since: left out of the restored file."""


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


def current_document(data_path: Path, passphrase: str | None) -> dict[str, Any]:
    """The data file now in place, or an empty document when it cannot be read."""
    from voicesgroup.store import Secret, read_document

    try:
        data, _ = read_document(data_path.read_bytes(), data_path, Secret(passphrase))
    except (OSError, StoreError):
        return {}
    return data


def restore(
    data_path: Path,
    source: Path,
    *,
    passphrase: str | None = None,
    another_file_ok: bool = False,
) -> Restored:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Members forgotten in the current file (by its tombstones) are forgotten in the restored
    data before it is written. Works even when the
    current file is damaged, which is usually why one restores. A backup of a different data
    file (by the id each file is given when it is made) raises AnotherFilesBackup unless
    `another_file_ok`. The restore is written into the restored data's audit log.
    """
    from voicesgroup.store import forgetting, take_writer_lock, tombstones
    from voicesgroup.store.integrity import file_id_of
    from voicesgroup.store.opening import read_only_reason

    backup = check_backup(source, passphrase=passphrase)
    reason = read_only_reason(data_path)
    if reason:
        raise ReadOnlyFile(reason)
    current = current_document(data_path, passphrase)
    current_id = file_id_of(current)
    if current_id and backup.file_id and current_id != backup.file_id and not another_file_ok:
        raise AnotherFilesBackup(
            f"{source} is a backup of another data file, not of {data_path}. Nothing was "
            "changed; to replace this file by it anyway, confirm (--yes on the command line)."
        )
    known = tombstones.union(
        tombstones.of_folder(data_path, current), tombstones.in_data(backup.storage.read())
    )
    again = forgetting.forget_again(backup, known)
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
    return Restored(kept, again)
