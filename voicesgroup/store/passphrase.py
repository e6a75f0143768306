"""Setting, changing or removing the passphrase: for the data file and every backup, or none.

Two steps, so the recovery key can be shown and confirmed before anything is converted:
`prepare_set` / `prepare_change` / `prepare_remove` derive the new key and touch no file;
`apply` converts.

`apply` is all or nothing. Every file's new bytes are first written beside it
(`.<name>.vg-staged`) and flushed; only then is a commit note written
(`<file>.passphrase-commit`), and the staged files are renamed over the old ones, the data file
last. Until the note exists nothing has changed and staged files are thrown away; once it
exists the change is decided, and an interruption is finished by renaming the rest the next
time the file is opened (`finish_interrupted`), before it is read.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import orjson

from voicesgroup.backups import list_backups
from voicesgroup.errors import StoreError
from voicesgroup.storage import (
    FileSignature,
    backup_folder,
    fsync_folder,
    looks_encrypted,
    os_error_reason,
    write_atomically,
)

if TYPE_CHECKING:
    from voicesgroup import crypto
    from voicesgroup.store.repository import Store

T = TypeVar("T")
P = ParamSpec("P")
STAGED_SUFFIX = ".vg-staged"
COMMIT_SUFFIX = ".passphrase-commit"


class Interrupted(StoreError):
    """The change was decided (every new file written) but not every file was swapped in."""


@dataclass
class PassphraseChange:
    """A prepared change: the key the files will be under (None: unencrypted)."""

    done: str
    """What the audit log will say: "passphrase set", "passphrase changed"…"""
    old: crypto.Unlocked | None = field(repr=False)
    new: crypto.Unlocked | None = field(repr=False)
    recovery_key: str | None = field(default=None, repr=False)
    """Only for a new passphrase: show it, and have it confirmed, before `apply`."""


def _crypto_call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    from voicesgroup import crypto  # imported only when a file is encrypted (it is slow to load)

    try:
        return function(*args, **kwargs)
    except crypto.CryptoError as error:
        raise StoreError(f"{error} Nothing was changed.") from None


def prepare_set(
    store: Store, passphrase: str, kdf: crypto.KdfParams | None = None
) -> PassphraseChange:
    """A new data key and recovery key for an unencrypted file; no file is touched."""
    if store.encrypted:
        raise StoreError("This file already has a passphrase; change it instead.")
    store.refuse_if_read_only()
    from voicesgroup import crypto

    unlocked, recovery_key = _crypto_call(crypto.create, passphrase, kdf)
    return PassphraseChange("passphrase set", None, unlocked, recovery_key)


def prepare_change(
    store: Store, new_passphrase: str, kdf: crypto.KdfParams | None = None
) -> PassphraseChange:
    """The same data key, wrapped under a new passphrase (the recovery key keeps working)."""
    if store.unlocked is None:
        raise StoreError("This file has no passphrase yet; set one first.")
    store.refuse_if_read_only()
    from voicesgroup import crypto

    new = _crypto_call(crypto.change_passphrase, store.unlocked, new_passphrase, kdf)
    return PassphraseChange("passphrase changed", store.unlocked, new)


def prepare_remove(store: Store) -> PassphraseChange:
    if store.unlocked is None:
        raise StoreError("This file has no passphrase.")
    store.refuse_if_read_only()
    return PassphraseChange("passphrase removed", store.unlocked, None)


def check_passphrase(store: Store, passphrase: str) -> bool:
    """True when `passphrase` opens this file (used to unlock after the idle lock)."""
    if store.unlocked is None:
        return True
    from voicesgroup import crypto

    try:
        unlocked = crypto.unlock_with_passphrase(store.path.read_bytes(), passphrase)
    except (crypto.CryptoError, OSError):
        return False
    return hmac.compare_digest(unlocked.data_key, store.unlocked.data_key)


def apply(store: Store, change: PassphraseChange) -> None:
    """Convert the data file and every backup to the prepared key, all of them or none.

    Raises StoreError saying what was and was not done. A backup that cannot be read with the
    current key (from before an earlier change) is left as it is and counted in the message.
    """
    store.refuse_if_read_only()
    storage = store.storage
    path = store.path
    snapshot = orjson.dumps(storage.read())
    was_autosave, storage.autosave = storage.autosave, False
    try:
        store.audit(change.done)
    finally:
        storage.autosave = was_autosave
    staged: list[tuple[Path, Path]] = []
    try:
        if FileSignature.of(path) != storage.signature:
            raise StoreError(
                f"{path} was changed by something else since it was opened. Nothing was "
                "changed; close and reopen it, then try again."
            )
        data_blob = _sealed(orjson.dumps(storage.read()), change.new)
        for backup in list_backups(path):
            converted = _convert(backup.path.read_bytes(), change)
            if converted is not None:
                staged.append((_stage(backup.path, converted), backup.path))
        staged.append((_stage(path, data_blob), path))
        write_atomically(commit_file(path), _commit_note(path, staged))
    except (OSError, StoreError) as error:
        for staged_path, _target in staged:
            with suppress(OSError):
                staged_path.unlink()
        storage.replace_data(orjson.loads(snapshot))
        store._forget_caches()
        reason = os_error_reason(error) if isinstance(error, OSError) else str(error)
        raise StoreError(
            f"The passphrase was not {change.done.removeprefix('passphrase ')}: {reason}. "
            "Nothing was changed: the data file and every backup are as they were."
        ) from error
    try:
        _rename_all(path, staged)
    except OSError as error:
        raise Interrupted(
            f"The passphrase change was decided but stopped half-way ({os_error_reason(error)}). "
            "It will be finished the next time the file is opened; open it with the new "
            "passphrase then."
        ) from error
    store.use_key(change.new)
    storage.adopt(data_blob)


def _sealed(plaintext: bytes, unlocked: crypto.Unlocked | None) -> bytes:
    if unlocked is None:
        return plaintext
    from voicesgroup import crypto

    blob = crypto.seal(plaintext, unlocked)
    if crypto.open_sealed(blob, unlocked) != plaintext:
        raise StoreError("The re-encrypted file did not read back the same.")
    return blob


def _convert(blob: bytes, change: PassphraseChange) -> bytes | None:
    """A backup under the new key, or None when it cannot be read with the current one."""
    from voicesgroup import crypto

    try:
        plaintext = crypto.open_sealed(blob, change.old) if change.old else blob
    except crypto.CryptoError:
        return None
    if looks_encrypted(plaintext):
        return None
    return crypto.seal(plaintext, change.new) if change.new else plaintext


def commit_file(path: Path) -> Path:
    return path.with_name(f"{path.name}{COMMIT_SUFFIX}")


def staged_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{STAGED_SUFFIX}")


def _stage(target: Path, blob: bytes) -> Path:
    """Write `blob` beside `target` and flush it; not yet in place."""
    staged = staged_name(target)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with suppress(OSError):
            staged.unlink()
        raise
    return staged


def _commit_note(path: Path, staged: list[tuple[Path, Path]]) -> bytes:
    folder = path.parent
    pairs = [
        [str(source.relative_to(folder)), str(target.relative_to(folder))]
        for source, target in staged
    ]
    return orjson.dumps({"renames": pairs})


def _rename_all(path: Path, staged: list[tuple[Path, Path]]) -> None:
    for source, target in staged:
        if source.exists():
            os.replace(source, target)
    for folder in {path.parent, backup_folder(path)}:
        if folder.exists():
            fsync_folder(folder)
    commit_file(path).unlink(missing_ok=True)


def finish_interrupted(path: Path) -> None:
    """Before a file is read: finish a decided change, or throw away one that was not.

    Call only while holding the writer's lock. Raises StoreError when the renames cannot be
    done (the file is then not opened).
    """
    note = commit_file(path)
    try:
        stored = orjson.loads(note.read_bytes())
    except FileNotFoundError:
        for leftover in _staged_leftovers(path):
            with suppress(OSError):
                leftover.unlink()
        return
    except (OSError, orjson.JSONDecodeError) as error:
        raise StoreError(
            f"{note} records an unfinished passphrase change but cannot be read; {path} was "
            "left untouched."
        ) from error
    folder = path.parent
    staged = [
        (folder / source, folder / target)
        for source, target in stored.get("renames", [])
        if (folder / target).resolve().is_relative_to(folder.resolve())
    ]
    try:
        _rename_all(path, staged)
    except OSError as error:
        raise StoreError(
            f"An interrupted passphrase change could not be finished: {os_error_reason(error)}. "
            f"{path} was left as it was."
        ) from error


def interrupted(path: Path) -> bool:
    """True when a decided passphrase change still waits to be finished."""
    return commit_file(path).exists()


def _staged_leftovers(path: Path) -> list[Path]:
    import glob

    found = list(path.parent.glob(f".{glob.escape(path.name)}{STAGED_SUFFIX}"))
    folder = backup_folder(path)
    if folder.exists():
        found += folder.glob(f".*{STAGED_SUFFIX}")
    return found
