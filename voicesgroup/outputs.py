"""Writing a file the app was asked to make (a printout, a calendar, an export, a backup copy).

One function, `write_output`, for every writer, CLI and UI alike. It refuses a path that is one
of the files the data file owns (the store's one list, `voicesgroup.store.owned`: the data file,
its lock, its backups folder and everything in it, every journal and marker, the count of failed
unlocks, the course file), found with paths resolved, symlinks followed and the same file under
another name by its inode; a path that is not a regular file (a device such as /dev/null, a
pipe, a socket), so even root never replaces one; and a name ending in a slash that names no
folder. It refuses to replace an existing file unless told to, and writes atomically (a
temporary file in the same folder, flushed, then renamed). It returns only once the file is on
disk, so the caller audits after it, never before. While the temporary file exists a note beside
the data file names it (`partials.note_partial`), so a kill leaves nothing that the next opening
for changes does not remove and `check` does not name.
"""

from __future__ import annotations

import os
import secrets
import stat
import unicodedata
from contextlib import suppress
from pathlib import Path
from typing import Protocol

from voicesgroup.errors import OutputRefused, ReadOnlyFile, followed
from voicesgroup.store.owned import is_owned_name, owned_files
from voicesgroup.store.partials import PART_SUFFIX, note_partial


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(os.path.expanduser(path)))


def _same_file(a: Path, b: Path) -> bool:
    try:
        first, second = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _owned_refusal(path: Path, target: Path, data_file: Path) -> str | None:
    owned = owned_files(Path(data_file).expanduser())
    for item in owned:
        if target == _resolved(item.path) or _same_file(target, item.path):
            return f"{path} is {item.what}; choose another file name. Nothing was written."
    backups = _resolved(owned[2].path)
    if target.is_relative_to(backups) or _same_file(target.parent, backups):
        return f"{path} is inside the backups folder; choose another folder. Nothing was written."
    if backups.is_dir():
        with os.scandir(backups) as entries:
            for entry in entries:
                if _same_file(target, Path(entry.path)):
                    return (
                        f"{path} is one of the backups; choose another file. Nothing was written."
                    )
    data = _resolved(owned[0].path)
    kept = f"{path} is a copy the data file keeps while it is saved; choose another file name."
    if target.parent == data.parent and is_owned_name(data, target):
        return f"{kept} Nothing was written."
    with suppress(OSError), os.scandir(data.parent) as entries:
        for entry in entries:
            if is_owned_name(data, Path(entry.path)) and _same_file(target, Path(entry.path)):
                return f"{kept} Nothing was written."
    return None


def is_folder(path: Path) -> bool:
    """Whether a typed path names a folder; one the system cannot even look up (a name too
    long) is not one, and `refusal` says why it cannot be written."""
    try:
        return path.is_dir()
    except OSError:
        return False


def exists(path: Path) -> bool:
    """Whether something is at a typed path; as `is_folder`, never raising."""
    try:
        return path.exists()
    except OSError:
        return False


def refusal(path: str | os.PathLike[str], data_file: Path | None) -> str | None:
    """Why `path` must not be written, in one sentence, or None when it may be."""
    typed = os.fspath(path)
    target = _resolved(Path(typed))
    try:
        os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as error:  # a name too long for the system, say: one sentence, no crash
        shown = typed if len(typed) <= 60 else typed[:59] + "…"
        return (
            f"{shown} cannot be used as a file name here ({error.strerror}); choose a "
            "shorter one. Nothing was written."
        )
    if typed.endswith(("/", os.sep)) and not is_folder(target):
        return (
            f"{typed} ends with a slash but there is no such folder; make the folder first, "
            "or give a file name without the slash. Nothing was written."
        )
    try:
        found = os.stat(target)
    except OSError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode) and not stat.S_ISDIR(found.st_mode):
        return (
            f"{typed} is not an ordinary file (a device, a pipe or a socket) and is never "
            "replaced; choose a file name. Nothing was written."
        )
    if data_file is None:
        return None
    return _owned_refusal(Path(typed), target, data_file)


def check_output(path: str | os.PathLike[str], data_file: Path | None, *, force: bool) -> Path:
    """The path to write, once it is known to be allowed; `OutputRefused` otherwise.

    For a question before any work is done (the UI asks "replace it?" on `OutputRefused`
    with `exists=True`); `write_output` checks again as it writes.
    """
    why = refusal(path, data_file)
    target = Path(path).expanduser()
    if why is not None:
        raise OutputRefused(why)
    if target.is_dir():
        raise OutputRefused(f"Nothing was written: {target} is a folder; give a file name.")
    if target.exists() and not force:
        raise OutputRefused(
            f"The file {target} already exists and was not replaced. Choose another name, or say "
            "to replace it (--force on the command line).",
            exists=True,  # the UI asks instead
        )
    return target


class AuditedIn(Protocol):
    """The store whose audit log notes an output (a printout, an export, a report)."""

    @property
    def path(self) -> Path: ...

    def refuse_if_read_only(self) -> None: ...


def check_audited_output(path: str | os.PathLike[str], store: AuditedIn, *, force: bool) -> Path:
    """`check_output` for an output the audit log must note; called before any work is done.

    The note is written once the file is on disk, so a data file that cannot be changed (a
    read-only file) refuses the output first: a file is never written that the log cannot note.
    """
    refuse_unaudited(store)
    return check_output(path, store.path, force=force)


def refuse_unaudited(store: AuditedIn) -> None:
    """`OutputRefused` when the audit log cannot note an output now (a read-only data file):
    asked before a file is written or a job sent to a printer."""
    try:
        store.refuse_if_read_only()
    except ReadOnlyFile as error:
        raise OutputRefused(
            followed(
                error,
                "Nothing was written or sent: what is printed, exported or reported is noted "
                "in the audit log, and this file cannot take the note now.",
            )
        ) from None


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
                    f"The file {target} appeared while it was being written and was not replaced."
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
                f"The file {target} could not be saved: {error.strerror or error}. Nothing was "
                "written."
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


# -- text a spreadsheet opens ----------------------------------------------------------------

FORMULA_STARTS = frozenset("=+-@|%")
"""What a spreadsheet reads as the start of a formula or a command (`|` starts a DDE link)."""


def spreadsheet_text(value: str) -> str:
    """`value` as a CSV cell a spreadsheet keeps as text: the one home of that rule.

    A spreadsheet may skip leading spaces of any kind (an ideographic space, a tab, a
    zero-width one) and read full-width signs as their plain forms, so a cell is prefixed with
    an apostrophe when, after compatibility normalisation and with those skipped, it starts
    like a formula, or when it starts with a space or control character at all.
    """
    if not value:
        return value
    if unicodedata.category(value[0])[0] in "ZC":
        return "'" + value
    folded = unicodedata.normalize("NFKC", value)
    probe = "".join(c for c in folded if unicodedata.category(c)[0] not in "ZC")
    if probe[:1] in FORMULA_STARTS:
        return "'" + value
    return value
