"""Rotating backups beside the data file: `<file>.backups/<number>-<UTC time>.json`.

A backup is taken when a file is opened and has been read successfully, so every backup is
a file that was known to open. It holds the same bytes as the data file (so it is encrypted
when the data is), in a copy of its own: never a hard link, so damage done to the data file
in place cannot reach it. The number counts up with each backup, so they are kept and pruned
in the order they were made, whatever the clock said (names from before numbers count as 0).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from voicesgroup.counting import counted, were
from voicesgroup.errors import StoreError
from voicesgroup.store.storage import (
    TEMP_SUFFIX,
    backup_folder,
    os_error_reason,
    write_atomically,
)

KEEP_NEWEST = 10
KEEP_DAYS = 90
BACKUP_SUFFIX = ".json"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: dt.datetime
    """The time in its name: what the clock said, which may have been wrong."""
    size: int
    number: int = 0
    """Its place in the order backups were made (0 for names from before numbering)."""


def list_backups(data_path: Path) -> list[Backup]:
    """Backups of `data_path`, newest first (in the order they were made)."""
    folder = backup_folder(data_path)
    found = []
    for path in folder.glob(f"*{BACKUP_SUFFIX}"):
        number, _, stamp = path.stem.rpartition("-")
        try:
            taken_at = time_in_name(stamp)
            found.append(Backup(path, taken_at, path.stat().st_size, int(number or 0)))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda backup: (backup.number, backup.taken_at), reverse=True)


def time_in_name(stamp: str) -> dt.datetime:
    """The UTC time a backup's name carries, as `take_backup` writes it (`%Y%m%dT%H%M%S%fZ`).

    Read by position rather than with `strptime`, whose first call loads the locale's month
    and day names, which opening a file does not need. ValueError for any other shape.
    """
    digits = stamp[:8] + stamp[9:21]
    shape = len(stamp) == 22 and stamp[8] == "T" and stamp[21] == "Z"
    if not (shape and digits.isascii() and digits.isdigit()):
        raise ValueError(f"Not a backup's time: {stamp!r}")
    parts = (digits[0:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12], digits[12:14])
    year, month, day, hour, minute, second = map(int, parts)
    micro = int(digits[14:20])
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.UTC)


def take_backup(
    data_path: Path, blob: bytes, now: dt.datetime | None = None, *, prune: bool = True
) -> Path | None:
    """Store `blob` as a new backup unless the newest backup holds the same bytes; then,
    when `prune`, let the oldest go (`prune_backups`).

    Returns the new backup's path, or None when nothing new was needed. Call it only while
    holding the writer's lock: it also clears temporary files a killed backup left behind.
    Raises StoreError (with a message for a person) when the backup cannot be written.
    """
    folder = backup_folder(data_path)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        with suppress(OSError):  # some disks (FAT sticks) have no permissions to set
            os.chmod(folder, 0o700)
        for stale in folder.glob(f".*{TEMP_SUFFIX}"):
            with suppress(OSError):
                stale.unlink()
        existing = list_backups(data_path)
        if existing and _holds(existing[0], data_path, blob):
            return None
        now = now or dt.datetime.now(dt.UTC)
        number = existing[0].number + 1 if existing else 1
        path = folder / f"{number:06d}-{now:%Y%m%dT%H%M%S%f}Z{BACKUP_SUFFIX}"
        # A copy, never a hard link: damage written into the data file in place (a disk tool,
        # a file-syncing program) must not reach its backup. write_atomically leaves no half copy.
        write_atomically(path, blob)
        if prune:
            prune_backups(data_path, now)
    except OSError as error:
        raise StoreError(
            f"Could not take a backup of {data_path} in {folder}: {os_error_reason(error)}. "
            "Nothing was changed; free some space or fix the folder, then open the file again."
        ) from error
    return path


COMPARED_AT_ONCE = 1024 * 1024
"""How much of a backup is read at a time to compare it with the data file's bytes."""


def _holds(backup: Backup, data_path: Path, blob: bytes) -> bool:
    """Whether `backup` already holds exactly `blob` (the data file's current bytes).

    Read a piece at a time and compared in place: opening a large file does not hold (and
    fault in) a second whole copy of it just to find that nothing changed.
    """
    if backup.size != len(blob):
        return False
    offset = 0
    with backup.path.open("rb", buffering=0) as file:
        while piece := file.read(COMPARED_AT_ONCE):
            if not blob.startswith(piece, offset):
                return False
            offset += len(piece)
    return offset == len(blob)


def prune_backups(data_path: Path, now: dt.datetime) -> list[Path]:
    """Drop backups beyond the newest KEEP_NEWEST and older than KEEP_DAYS.

    Newest means made last (by number), so backups named by a wrong clock cannot push out the
    one just taken. The two newest always stay: a clock set years ahead makes every earlier
    backup look old, and the one made before it is the newest whose time was real.
    """
    removed = []
    for backup in to_let_go(data_path, now):
        backup.path.unlink(missing_ok=True)
        removed.append(backup.path)
    return removed


def to_let_go(data_path: Path, now: dt.datetime) -> list[Backup]:
    """The backups `prune_backups` would let go now, touching none: a caller that must first
    know the newest is sound (`opening.settle_backups`) checks only when one would go."""
    return [
        backup
        for index, backup in enumerate(list_backups(data_path))
        if index >= KEEP_NEWEST
        or (index > 1 and now - backup.taken_at > dt.timedelta(days=KEEP_DAYS))
    ]


def rewrite_backups(
    data_path: Path, convert: Callable[[bytes], bytes | None], *, erase_unreadable: bool = False
) -> tuple[int, int]:
    """Replace each backup by `convert(its bytes)`, atomically, one by one.

    `convert` returns None for a backup it cannot read: it is erased when `erase_unreadable`
    (so nothing unchecked stays behind), else left as it is. Returns (rewritten, erased).
    Raises StoreError (with a message for a person) when a backup cannot be read or written;
    the backups done so far stay done, each one whole.
    """
    rewritten = erased = 0
    folder = backup_folder(data_path)
    try:
        for backup in list_backups(data_path):
            converted = convert(backup.path.read_bytes())
            if converted is None:
                if erase_unreadable:
                    backup.path.unlink(missing_ok=True)
                    erased += 1
                continue
            write_atomically(backup.path, converted)
            rewritten += 1
    except OSError as error:
        done = rewritten + erased
        raise StoreError(
            f"Could not rewrite the backups in {folder}: {os_error_reason(error)}. The data file "
            f"itself was saved, but {counted(done, 'backup')} {were(done)} done and the rest may "
            "still hold the earlier data. Free some space or fix the folder."
        ) from error
    return rewritten, erased


def half_done(what: str, held: str, error: StoreError) -> StoreError:
    """The sentence when `rewrite_backups` stopped part-way through a journaled change (the
    journal finishes it at the next opening): "`what` is half done: the data file no longer
    holds `held`, but not every backup was rewritten (why)…"."""
    return StoreError(
        f"{what} is half done: the data file no longer holds {held}, but not every backup was "
        f"rewritten ({error}). It will be finished the next time the file is opened."
    )


def where_backups_are(data_path: Path) -> str:
    """Where this data file's backups are and how to go back to one, in a few sentences
    (the palette's "Backups and restore"): restoring is done with the app closed."""
    kept = list_backups(data_path)
    return (
        f"Backups of this file are kept in {backup_folder(data_path)} "
        f"({counted(len(kept), 'backup')} now; one is taken each time the file is opened, "
        f"the newest {KEEP_NEWEST} kept). To go back to one, quit and run "
        "`voicesgroup restore BACKUP`: it checks the backup first and keeps the current file "
        "as a backup. A copy of your own: `voicesgroup backup --out FILE`."
    )
