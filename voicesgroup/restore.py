"""Restoring the data file from a backup: check the backup fully, keep the current file, swap."""

from __future__ import annotations

from pathlib import Path

from voicesgroup.backups import take_backup
from voicesgroup.errors import DamagedFile, StoreError
from voicesgroup.storage import SafeStorage, write_atomically


def check_backup(source: Path, *, passphrase: str | None = None) -> bytes:
    """The backup's bytes once it has opened, decrypted and validated; else a clear error."""
    from voicesgroup.store import Secret, Store, read_document

    try:
        blob = source.read_bytes()
    except OSError as error:
        raise StoreError(f"Cannot read {source}: {error.strerror}.") from None
    data, _ = read_document(blob, source, Secret(passphrase))
    problems = Store(SafeStorage(source, data, signature=None), lock=None).problems()
    if problems:
        raise DamagedFile(
            f"{source} does not hold sound data ({problems[0]}); nothing was changed."
        )
    return blob


def restore(data_path: Path, source: Path, *, passphrase: str | None = None) -> Path | None:
    """Replace the data file by a checked backup; the current file is kept as a backup first.

    Returns where the current file was kept (None when there was none). Works even when the
    current file is damaged, which is usually why one restores.
    """
    from voicesgroup.store import take_writer_lock

    blob = check_backup(source, passphrase=passphrase)
    lock = take_writer_lock(data_path)
    try:
        kept = None
        if data_path.exists():
            kept = take_backup(data_path, data_path.read_bytes())
        write_atomically(data_path, blob)
    finally:
        lock.release()
    return kept
