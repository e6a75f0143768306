"""The exchange folder: the one folder a carrier (Syncthing, a Nextcloud folder, a USB stick)
moves between the laptops of an organisation.

Each laptop writes one file of its own there, its outbox, named from its replica id:
`voicesgroup-<replica>.outbox`. Only lowercase ASCII letters, digits and hyphens make up a
replica id, so the name is the same on every file system and carrier (a FAT stick and a Mac
ignore case; Windows refuses some characters; Syncthing and Nextcloud insert their conflict
markers before the last dot) and no id can be mistaken for another id's conflict copy.

An outbox is written beside its final place under a name both carriers skip and no reader here
takes for an outbox, flushed to the disk, then renamed over the old one, and the folder is
flushed too: the folder always holds the old outbox or the new one, whole.

When two laptops changed one file while apart, the carrier keeps both, the other under a
conflict name (the formats, and where they come from, are in `CONFLICT_MARKERS`). Such a copy
is read like any other outbox, whoever wrote it, and removed once merged
(`remove_conflict_copy`); one that never opens is removed, in one sentence, once it is
unchanged at a later exchange and the whole outbox of the laptop that wrote it has been read
(`inbox`).

Every failure a person can meet (no folder, a file instead, a read-only stick, a full disk)
raises `ExchangeFolderError` with one sentence; what was in the folder stays as it was.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import re
import secrets
from contextlib import suppress
from pathlib import Path

from voicesgroup.errors import ExchangeFolderError
from voicesgroup.store.storage import fsync_folder, os_error_reason

OUTBOX_PREFIX = "voicesgroup-"
OUTBOX_SUFFIX = ".outbox"
REPLICA_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
"""What a replica id may be, for it to name a file every carrier and file system keeps as is."""

TEMP_PREFIX = ".syncthing."
"""Syncthing never sends a file whose name starts so (lib/fs/tempname.go, `IsTemporary`), and
the name is hidden, which Nextcloud's desktop app skips unless told to sync hidden files."""
TEMP_SUFFIX = ".part"
"""In Nextcloud's fixed list of names never synced (`*.part`, sync-exclude.lst)."""
CHECK = "check"
"""Names `check_folder`'s trial file (`.syncthing.voicesgroup-check-….part`)."""

# The markers a carrier inserts before the last dot of a file it has two versions of. [0-9], not
# \d, which would take any script's digits.
CONFLICT_MARKERS = (
    # Syncthing (lib/model/folder_sendrecv.go, `conflictName`): the local time, then the short
    # id of the device that made the change (7 characters of base32, empty for none).
    r"\.sync-conflict-[0-9]{8}-[0-9]{6}-[A-Za-z0-9]*",
    # Nextcloud's and ownCloud's desktop apps and Nextcloud's server (`makeConflictFileName`
    # in src/common/utility.cpp): " (conflicted copy yyyy-MM-dd hhmmss)", with the user's
    # display name before the date when the server asks for conflict copies to be uploaded
    # (the name's parentheses become "_", so the marker closes at the first ")").
    r" \(conflicted copy (?:[^()]* )?[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{6}\)",
    # Their apps before 2.5: "_conflict-yyyyMMdd-hhmmss", or "_conflict_USER-…".
    r"_conflict(?:_[^/]*?)?-[0-9]{8}-[0-9]{6}",
)
_OUTBOX_NAME = re.compile(
    re.escape(OUTBOX_PREFIX)
    + rf"(?P<replica>{REPLICA_ID.pattern})"
    + rf"(?P<markers>(?:{'|'.join(CONFLICT_MARKERS)})*)"
    + re.escape(OUTBOX_SUFFIX)
)


def outbox_name(replica_id: str) -> str:
    """The file name of a laptop's outbox; ValueError for an id that cannot name one."""
    if not isinstance(replica_id, str) or not REPLICA_ID.fullmatch(replica_id):
        raise ValueError(
            f"A replica id is 1 to 64 lowercase ASCII letters, digits or hyphens, beginning "
            f"with a letter or digit; {replica_id!r} is not."
        )
    return f"{OUTBOX_PREFIX}{replica_id}{OUTBOX_SUFFIX}"


def outbox_path(folder: Path, replica_id: str) -> Path:
    """Where the laptop with `replica_id` keeps its outbox in `folder`."""
    return Path(folder) / outbox_name(replica_id)


LEFT_SUFFIX = ".left"
"""A laptop that ran `exchange leave` leaves `voicesgroup-<replica>.left` in the folder in
place of its outbox: the other laptops stop counting it (`left_proof`)."""


def left_path(folder: Path, replica_id: str) -> Path:
    """Where the laptop with `replica_id` says, once it has left, that it left."""
    return Path(folder) / (outbox_name(replica_id).removesuffix(OUTBOX_SUFFIX) + LEFT_SUFFIX)


def left_proof(org_key: bytes, replica_id: str) -> bytes:
    """What a left laptop's file holds: a keyed hash of its id under the organisation's key,
    so only a laptop of the organisation can say another left (it names nothing else)."""
    digest = hmac.new(org_key, b"voicesgroup left " + replica_id.encode(), hashlib.sha256)
    return digest.hexdigest().encode()


def write_left(folder: Path, replica_id: str, proof: bytes) -> None:
    """Say in `folder` that this laptop left, whole or not at all (OSError when not)."""
    temp = Path(folder) / f"{_temp_stem(replica_id)}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        _write_and_flush(temp, proof)
        os.replace(temp, left_path(folder, replica_id))
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise


def has_left(folder: Path, replica_id: str, org_key: bytes) -> bool:
    """Whether the laptop with `replica_id` said in `folder` that it left (`write_left`)."""
    try:
        said = left_path(folder, replica_id).read_bytes()
    except (OSError, ValueError):
        return False
    return hmac.compare_digest(said, left_proof(org_key, replica_id))


def replica_of(path: Path) -> str | None:
    """The replica id whose outbox `path` is, or is a carrier's conflict copy of; else None."""
    match = _OUTBOX_NAME.fullmatch(Path(path).name)
    return match["replica"] if match else None


def is_conflict_copy(path: Path) -> bool:
    """Whether `path` is a carrier's conflict copy of an outbox (Syncthing's, Nextcloud's)."""
    match = _OUTBOX_NAME.fullmatch(Path(path).name)
    return bool(match and match["markers"])


def outboxes(folder: Path, own_replica_id: str) -> list[Path]:
    """Every other laptop's outbox in `folder`, and every conflict copy of any outbox (this
    laptop's own included), sorted by name.

    Nothing else is listed: not this laptop's own outbox, a carrier's or our own temporary
    file, a lock, a hidden file, a folder (`.stversions`, `.stfolder`), a link or a device.
    An empty `own_replica_id` (a laptop with no outbox of its own yet) lists every outbox.
    """
    folder = Path(folder)
    own = outbox_name(own_replica_id) if own_replica_id else None
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError as error:
        raise ExchangeFolderError(_unusable(folder, error, "no outbox was read from it")) from None
    found: list[Path] = []
    for entry in entries:
        match = _OUTBOX_NAME.fullmatch(entry.name)
        if match is None or entry.name == own:
            continue
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:  # gone since the listing, or unreadable: nothing to read
            continue
        if regular:
            found.append(folder / entry.name)
    return sorted(found, key=lambda path: path.name)


def write_outbox(folder: Path, replica_id: str, data: bytes) -> Path:
    """Make `data` this laptop's outbox in `folder`, whole or not at all; returns its path.

    On any failure the old outbox is left as it was, no temporary file stays behind, and
    `ExchangeFolderError` says why in one sentence.
    """
    folder = Path(folder)
    target = outbox_path(folder, replica_id)
    kept = "this laptop's outbox there was left as it was"
    problem = _folder_problem(folder)
    if problem is not None:
        raise ExchangeFolderError(problem + "; nothing was written.")
    _remove_leftovers(folder, replica_id)
    temp = folder / f"{_temp_stem(replica_id)}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        _write_and_flush(temp, data)
        os.replace(temp, target)
    except BaseException as error:
        with suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise ExchangeFolderError(_unusable(folder, error, kept)) from None
        raise
    try:
        fsync_folder(folder)
    except OSError as error:
        # EINVAL: a file system that cannot flush a folder; the rename is all it offers.
        if error.errno != errno.EINVAL:
            raise ExchangeFolderError(
                f"This laptop's outbox was written to {folder}, but the disk did not confirm "
                f"it ({os_error_reason(error)}); exchange again before taking the stick away."
            ) from None
    return target


def remove_conflict_copy(path: Path) -> None:
    """Remove a carrier's conflict copy of an outbox once it has been merged.

    Refuses (ValueError) anything that is not a conflict copy, so no outbox is ever removed
    here. A copy already gone (another laptop removed it first) is no error.
    """
    path = Path(path)
    if not is_conflict_copy(path):
        raise ValueError(f"Not a conflict copy of an outbox, so it was kept: {path.name!r}.")
    try:
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as error:
        raise ExchangeFolderError(
            _unusable(path.parent, error, f"the conflict copy {path.name} was kept")
        ) from None
    # Should the removal not reach the disk, the copy comes back and is merged again: harmless.
    with suppress(OSError):
        fsync_folder(path.parent)


def check_folder(folder: Path) -> None:
    """Raise `ExchangeFolderError` unless `folder` is a folder this laptop can write outboxes
    to: tried with a small file under a name the carriers skip, removed at once."""
    folder = Path(folder)
    problem = _folder_problem(folder)
    if problem is not None:
        raise ExchangeFolderError(problem + ".")
    probe = folder / f"{_temp_stem(CHECK)}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    try:
        _write_and_flush(probe, b"voicesgroup\n")
    except OSError as error:
        raise ExchangeFolderError(_unusable(folder, error, "nothing was written")) from None
    finally:
        with suppress(OSError):
            probe.unlink()


def _temp_stem(replica_id: str) -> str:
    return f"{TEMP_PREFIX}{OUTBOX_PREFIX}{replica_id}-"


def _write_and_flush(path: Path, data: bytes) -> None:
    """Write `data` to a new file at `path` and flush it to the disk (OSError propagates)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data).cast("B")
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(folder: Path, replica_id: str) -> None:
    """Remove this laptop's temporary outboxes, and any check's trial file, left by a write
    that was killed (Syncthing would, after a day; a stick never would)."""
    leftover = re.compile(
        f"(?:{re.escape(_temp_stem(replica_id))}|{re.escape(_temp_stem(CHECK))})"
        f"[0-9a-f]{{8}}{re.escape(TEMP_SUFFIX)}"
    )
    with suppress(OSError), os.scandir(folder) as listing:
        for entry in listing:
            if leftover.fullmatch(entry.name):
                with suppress(OSError):
                    os.unlink(entry.path)


def _folder_problem(folder: Path) -> str | None:
    """A sentence's beginning when `folder` is missing or not a folder, else None."""
    try:
        if folder.is_dir():
            return None
        exists = folder.exists()
    except OSError as error:  # a name too long, a folder on the way that cannot be read
        return f"The exchange folder {folder} cannot be reached ({os_error_reason(error)})"
    if exists:
        return (
            f"The exchange folder {folder} is a file, not a folder: give the folder the "
            "laptops share (`voicesgroup exchange setup --folder PATH`)"
        )
    return (
        f"The exchange folder {folder} is not there (is the stick plugged in, or the shared "
        "folder set up on this laptop?)"
    )


def _unusable(folder: Path, error: OSError, kept: str) -> str:
    """One sentence for a failed read or write in `folder`, saying what was kept."""
    problem = _folder_problem(folder)
    if problem is not None:
        return f"{problem}; {kept}."
    reason = os_error_reason(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"The exchange folder {folder} has no room ({reason}): {kept}; free some space "
            "there and exchange again."
        )
    return f"The exchange folder {folder} cannot be used ({reason}): {kept}."
