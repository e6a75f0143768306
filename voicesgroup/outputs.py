"""Writing a file the app was asked to make (a printout, a calendar, an export, a backup copy).

One function, `write_output`, for every writer, CLI and UI alike: it refuses a path that is the
data file, its lock, its backups folder or anything in it (paths resolved, symlinks followed,
and the same file under another name found by its inode), refuses to replace an existing file
unless told to, and writes atomically (a temporary file in the same folder, flushed, then
renamed). It returns only once the file is on disk, so the caller audits after it, never
before. While the temporary file exists a note beside the data file names it
(`storage.note_partial`), so a kill leaves nothing that the next opening for changes does not
remove and `check` does not name. Nothing here imports the store.
"""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path

from voicesgroup.errors import OutputRefused
from voicesgroup.storage import PART_SUFFIX, note_partial

LOCK_SUFFIX = ".lock"
BACKUPS_SUFFIX = ".backups"


def protected_paths(data_file: Path) -> tuple[Path, Path, Path]:
    """The data file, its lock and its backups folder: never an output."""
    data_file = Path(data_file).expanduser()
    return (
        data_file,
        data_file.with_name(data_file.name + LOCK_SUFFIX),
        data_file.with_name(data_file.name + BACKUPS_SUFFIX),
    )


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(os.path.expanduser(path)))


def _same_file(a: Path, b: Path) -> bool:
    try:
        first, second = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def refusal(path: Path, data_file: Path | None) -> str | None:
    """Why `path` must not be written, in one sentence, or None when it may be."""
    if data_file is None:
        return None
    target = _resolved(path)
    data, lock, backups = (_resolved(p) for p in protected_paths(data_file))
    named = {data: "the data file", lock: "the data file's lock", backups: "the backups folder"}
    for protected, what in named.items():
        if target == protected or _same_file(target, protected):
            return f"{path} is {what} itself; choose another file name. Nothing was written."
    if target.is_relative_to(backups) or _same_file(target.parent, backups):
        return f"{path} is inside the backups folder; choose another folder. Nothing was written."
    if backups.is_dir():
        with os.scandir(backups) as entries:
            for entry in entries:
                if _same_file(target, Path(entry.path)):
                    return (
                        f"{path} is one of the backups; choose another file. Nothing was written."
                    )
    return None


def check_output(path: str | os.PathLike[str], data_file: Path | None, *, force: bool) -> Path:
    """The path to write, once it is known to be allowed; `OutputRefused` otherwise.

    For a question before any work is done (the UI asks "replace it?" on `OutputRefused`
    with `exists=True`); `write_output` checks again as it writes.
    """
    target = Path(path).expanduser()
    why = refusal(target, data_file)
    if why is not None:
        raise OutputRefused(why)
    if target.is_dir():
        raise OutputRefused(f"{target} is a folder; give a file name. Nothing was written.")
    if target.exists() and not force:
        raise OutputRefused(
            f"{target} already exists and was not replaced. Choose another name, or say to "
            "replace it (--force on the command line).",
            exists=True,  # the UI asks instead
        )
    return target


def write_output(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    data_file: Path | None,
    force: bool = False,
    mode: int = 0o600,
) -> Path:
    """Write `data` to `path` atomically and return the path, or raise `OutputRefused`.

    `data_file` is the data file in use (its lock and backups are protected with it). An
    existing file is replaced only with `force`. On a disk error nothing is left behind and
    `OutputRefused` says why. The file is readable by its owner only unless `mode` says.
    """
    target = check_output(path, data_file, force=force)
    folder = target.parent
    temp_name = folder / f".{target.name}.{secrets.token_hex(6)}{PART_SUFFIX}"
    note = _noted(data_file, temp_name)
    try:
        fd = os.open(temp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        _drop(note)
        raise OutputRefused(
            f"Nothing could be saved in {folder}: {error.strerror or error}."
        ) from error
    handle = os.fdopen(fd, "wb")
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        if force:
            os.replace(temp_name, target)
        else:
            # A link fails if a file appeared meanwhile: never replace one silently.
            try:
                os.link(temp_name, target)
            except FileExistsError:
                raise OutputRefused(
                    f"{target} appeared while it was being written and was not replaced."
                ) from None
            except OSError:  # a file system without hard links
                os.replace(temp_name, target)
            else:
                os.unlink(temp_name)
    except BaseException as error:
        with suppress(OSError):
            handle.close()
        with suppress(OSError):
            os.unlink(temp_name)
        _drop(note)
        if isinstance(error, OSError):
            raise OutputRefused(
                f"{target} could not be saved: {error.strerror or error}. Nothing was written."
            ) from error
        raise
    _drop(note)
    _sync_folder(folder)
    return target


def _noted(data_file: Path | None, partial: Path) -> Path | None:
    """The note naming the partial file, written before it exists (None when there is no data
    file, or its folder takes no note: the output is still written, only not journaled)."""
    if data_file is None:
        return None
    try:
        return note_partial(Path(data_file).expanduser(), partial)
    except OSError:
        return None


def _drop(note: Path | None) -> None:
    if note is not None:
        with suppress(OSError):
            note.unlink()


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
