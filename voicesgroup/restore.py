"""Restoring the data file from a backup: check the backup fully, keep the current file, swap."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from voicesgroup.backups import take_backup
from voicesgroup.errors import DamagedFile, StoreError
from voicesgroup.storage import write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import Store


def check_backup(source: Path, *, passphrase: str | None = None) -> Store:
    """The backup, opened in memory once it has decrypted and validated; else a clear error."""
    from voicesgroup.store import Secret, Store, read_document

    try:
        blob = source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {source}: {error.strerror}.") from None
    data, unlocked = read_document(blob, source, Secret(passphrase))
    backup = Store.in_memory(data, source, unlocked)
    problems = backup.problems()
    if problems:
        raise DamagedFile(
            f"{source} does not hold sound data ({problems[0]}); nothing was changed."
        )
    return backup


def restore(data_path: Path, source: Path, *, passphrase: str | None = None) -> Path | None:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Returns where the current file was kept (None when there was none). Works even when the
    current file is damaged, which is usually why one restores. The restore is written into
    the restored data's audit log.
    """
    from voicesgroup.store import take_writer_lock

    backup = check_backup(source, passphrase=passphrase)
    backup.audit("restored from a backup")
    blob = backup.storage.serialise()
    lock = take_writer_lock(data_path)
    try:
        kept = None
        if data_path.exists():
            kept = take_backup(data_path, data_path.read_bytes())
        write_atomically(data_path, blob)
    finally:
        lock.release()
    return kept
