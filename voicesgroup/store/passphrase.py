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

An app keeps the slow parts off the thread that owns the store: `request_*` (quick checks, on
that thread), `derive` (Argon2id, slow on purpose; reads no store), then `begin` (the log entry,
in memory), `convert_files` (every file; reads no record) and `settle` or, when nothing was
changed on disk, `undo`. `apply` is `begin`, `convert_files` and `settle` in a row.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar

import orjson

from voicesgroup.errors import StoreError, followed
from voicesgroup.store.backups import list_backups
from voicesgroup.store.owned import STAGED_SUFFIX, commit_file, exchanged_file, staged_name
from voicesgroup.store.storage import (
    FileSignature,
    SafeStorage,
    backup_folder,
    fsync_folder,
    looks_encrypted,
    os_error_reason,
    write_atomically,
)

if TYPE_CHECKING:
    from voicesgroup.store import crypto
    from voicesgroup.store.repository import Store

T = TypeVar("T")
P = ParamSpec("P")


MIN_LENGTH = 8
"""The shortest passphrase the store takes, for the app and the commands alike."""


def passphrase_problem(passphrase: str) -> str | None:
    """Why `passphrase` cannot be used, in one sentence, or None when it can."""
    if len(passphrase) < MIN_LENGTH:
        return f"A passphrase needs at least {MIN_LENGTH} characters; nothing was changed."
    return None


def _refuse_short(passphrase: str) -> None:
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise StoreError(problem)


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
    from voicesgroup.store import (
        crypto,  # imported only when a file is encrypted (it is slow to load)
    )

    try:
        return function(*args, **kwargs)
    except crypto.CryptoError as error:
        raise StoreError(followed(error, "Nothing was changed.")) from None


Kind = Literal["set", "change", "remove"]
_DONE: dict[Kind, str] = {
    "set": "passphrase set",
    "change": "passphrase changed",
    "remove": "passphrase removed",
}


@dataclass(frozen=True)
class KeyRequest:
    """What deriving the new key needs, taken from the store: `derive` then reads no store."""

    kind: Kind
    current: crypto.Unlocked | None = field(repr=False)
    passphrase: str | None = field(repr=False)
    kdf: crypto.KdfParams | None = None


def request_set(store: Store, passphrase: str, kdf: crypto.KdfParams | None = None) -> KeyRequest:
    """A new passphrase for an unencrypted file, once the file may take one."""
    if store.encrypted:
        raise StoreError("This file already has a passphrase; change it instead.")
    _refuse_short(passphrase)
    store.refuse_if_read_only()
    return KeyRequest("set", None, passphrase, kdf)


def request_change(
    store: Store, new_passphrase: str, kdf: crypto.KdfParams | None = None
) -> KeyRequest:
    """Another passphrase for an encrypted file, once the file may take one."""
    if store.unlocked is None:
        raise StoreError("This file has no passphrase yet; set one first.")
    _refuse_short(new_passphrase)
    store.refuse_if_read_only()
    return KeyRequest("change", store.unlocked, new_passphrase, kdf)


def request_remove(store: Store) -> KeyRequest:
    """No passphrase any more, once the file may be changed."""
    if store.unlocked is None:
        raise StoreError("This file has no passphrase.")
    store.refuse_if_read_only()
    return KeyRequest("remove", store.unlocked, None)


def derive(request: KeyRequest) -> PassphraseChange:
    """The new key (slow on purpose); touches no file and no store, so safe in a worker."""
    from voicesgroup.store import crypto

    done = _DONE[request.kind]
    if request.kind == "set":
        unlocked, recovery_key = _crypto_call(crypto.create, request.passphrase or "", request.kdf)
        return PassphraseChange(done, None, unlocked, recovery_key)
    if request.kind == "change":
        assert request.current is not None, "request_change gives the current key"
        new = _crypto_call(
            crypto.change_passphrase, request.current, request.passphrase or "", request.kdf
        )
        return PassphraseChange(done, request.current, new)
    return PassphraseChange(done, request.current, None)


def prepare_set(
    store: Store, passphrase: str, kdf: crypto.KdfParams | None = None
) -> PassphraseChange:
    """A new data key and recovery key for an unencrypted file; no file is touched."""
    return derive(request_set(store, passphrase, kdf))


def prepare_change(
    store: Store, new_passphrase: str, kdf: crypto.KdfParams | None = None
) -> PassphraseChange:
    """The same data key, wrapped under a new passphrase (the recovery key keeps working)."""
    return derive(request_change(store, new_passphrase, kdf))


def prepare_remove(store: Store) -> PassphraseChange:
    return derive(request_remove(store))


def check_passphrase(store: Store, passphrase: str) -> bool:
    """True when `passphrase` opens this file (used to unlock after the idle lock)."""
    return opens(store.path, store.unlocked, passphrase)


def opens(path: Path, unlocked: crypto.Unlocked | None, passphrase: str) -> bool:
    """True when `passphrase` opens the file at `path`, whose data key `unlocked` holds (slow
    on purpose; reads no store, so safe in a worker thread)."""
    if unlocked is None:
        return True
    from voicesgroup.store import crypto

    try:
        found = crypto.unlock_with_passphrase(path.read_bytes(), passphrase)
    except (crypto.CryptoError, OSError):
        return False
    import hmac

    return hmac.compare_digest(found.data_key, unlocked.data_key)


class NotConverted(StoreError):
    """No file was changed; the log entry `begin` made is still in memory (see `undo`)."""


@dataclass(frozen=True)
class Conversion:
    """A change under way: the log entry is in memory; the files come next."""

    change: PassphraseChange
    storage: SafeStorage
    plaintext: bytes = field(repr=False)
    """The data file's new content, before it is sealed (with the log entry)."""
    before: bytes = field(repr=False)
    """The data as it was before the log entry, for `undo`."""
    opening_did: str = ""
    """What opening the file did to the backups, said when nothing else was changed."""


def apply(store: Store, change: PassphraseChange) -> None:
    """Convert the data file and every backup to the prepared key, all of them or none.

    Raises StoreError saying what was and was not done. A backup that cannot be read with the
    current key (from before an earlier change) is left as it is and counted in the message.
    """
    conversion = begin(store, change)
    try:
        data_blob = convert_files(conversion)
    except NotConverted:
        undo(store, conversion)
        raise
    settle(store, conversion, data_blob)


def begin(store: Store, change: PassphraseChange) -> Conversion:
    """The log entry, in memory, and the data as the file will hold it. Quick."""
    store.refuse_if_read_only()
    storage = store.storage
    before = orjson.dumps(storage.read())
    was_autosave, storage.autosave = storage.autosave, False
    try:
        store.audit(change.done)
    finally:
        storage.autosave = was_autosave
    from voicesgroup.store.opening import opening_did

    return Conversion(change, storage, orjson.dumps(storage.read()), before, opening_did(store))


def convert_files(conversion: Conversion) -> bytes:
    """Stage, commit and swap in every file; returns the data file's new bytes.

    Slow (every backup is read and sealed again) and reads no record: safe in a worker thread.
    It holds the storage's own lock throughout, so no save meets it half-way (and no save may
    start between `begin` and `settle`: it would write the log entry early, under the old
    key). Raises NotConverted when no file was changed, Interrupted when the change was
    decided but not finished.
    """
    change = conversion.change
    storage = conversion.storage
    path = storage.path
    staged: list[tuple[Path, Path]] = []
    with storage.file_lock:
        try:
            if FileSignature.of(path) != storage.signature:
                raise StoreError(
                    f"The file {path} was changed by something else since it was opened. Nothing "
                    "was "
                    "changed; close and reopen it, then try again."
                )
            data_blob = _sealed(conversion.plaintext, change.new)
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
            reason = os_error_reason(error) if isinstance(error, OSError) else str(error)
            raise NotConverted(
                f"The passphrase was not {change.done.removeprefix('passphrase ')}: {reason}. "
                "Nothing was changed by this: the data file and every backup are as they were "
                f"before it began.{conversion.opening_did}"
            ) from error
        try:
            _rename_all(path, staged)
        except OSError as error:
            raise Interrupted(
                f"The passphrase change was decided but stopped half-way "
                f"({os_error_reason(error)}). It will be finished the next time the file is "
                "opened; open it with the new passphrase then."
            ) from error
    return data_blob


def undo(store: Store, conversion: Conversion) -> None:
    """After NotConverted: the data in memory as it was before `begin`."""
    store.storage.replace_data(orjson.loads(conversion.before))
    store.tables.forget_caches()


def settle(store: Store, conversion: Conversion, data_blob: bytes) -> None:
    """After `convert_files`: the store uses the new key; what changed in memory meanwhile
    stays to be saved."""
    storage = store.storage
    store.use_key(conversion.change.new)
    storage.adopt(data_blob)
    # The exchange's note is of the bytes before (a plain file's tells its exchange folder)
    with suppress(OSError):
        exchanged_file(storage.path).unlink()
    if orjson.dumps(storage.read()) != conversion.plaintext:
        storage.unsaved = True


def _sealed(plaintext: bytes, unlocked: crypto.Unlocked | None) -> bytes:
    if unlocked is None:
        return plaintext
    from voicesgroup.store import crypto

    blob = crypto.seal(plaintext, unlocked)
    if crypto.open_sealed(blob, unlocked) != plaintext:
        raise StoreError("The re-encrypted file did not read back the same.")
    return blob


def _convert(blob: bytes, change: PassphraseChange) -> bytes | None:
    """A backup under the new key, or None when it cannot be read with the current one."""
    from voicesgroup.store import crypto

    try:
        plaintext = crypto.open_sealed(blob, change.old) if change.old else blob
    except crypto.CryptoError:
        return None
    if looks_encrypted(plaintext):
        return None
    return crypto.seal(plaintext, change.new) if change.new else plaintext


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
            f"The note {note} records an unfinished passphrase change but cannot be read; {path} "
            "was "
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
