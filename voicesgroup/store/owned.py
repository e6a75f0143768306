"""The one list of the files a data file owns.

A data file keeps company: its lock, its backups folder, the journal of a forgetting under way,
the marker of a passphrase change half-way through its renames, the copies staged beside it,
the count of failed unlocks typed at a command, the temporary file of a save, the note of its
last exchange with other laptops, the note of the bytes last checked, and the organisation's
own course beside it. Each module that makes one of these names it from here, and the one
output writer (`voicesgroup.outputs`) refuses every one of them as an output, so a printout or
an export can never write over what keeps the data file safe.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from voicesgroup.store.partials import PARTIAL_NOTE_SUFFIX
from voicesgroup.store.storage import TEMP_SUFFIX, backup_folder

LOCK_SUFFIX = ".lock"
INTENT_SUFFIX = ".forgetting"
SIDECAR_SUFFIX = ".forgotten"
COMMIT_SUFFIX = ".passphrase-commit"
FAILED_UNLOCKS_SUFFIX = ".failed-unlocks"
STAGED_SUFFIX = ".vg-staged"
EXCHANGED_SUFFIX = ".exchanged"
CHECKED_SUFFIX = ".checked"
ERASING_SUFFIX = ".erasing"
MODULES_FILE = "training_modules.toml"
"""The organisation's own course, beside the data file (the shipped one is in data/)."""


@dataclass(frozen=True)
class Owned:
    """One file (or folder) a data file owns, and what to call it in a sentence."""

    path: Path
    what: str
    folder: bool = False


def lock_file(path: Path) -> Path:
    return path.with_name(f"{path.name}{LOCK_SUFFIX}")


def intent_file(path: Path) -> Path:
    """The journal of a forgetting under way."""
    return path.with_name(f"{path.name}{INTENT_SUFFIX}")


def sidecar_file(path: Path) -> Path:
    """The list of forgotten members kept beside the data file (keyed hashes, no names)."""
    return path.with_name(f"{path.name}{SIDECAR_SUFFIX}")


def commit_file(path: Path) -> Path:
    """The marker of a passphrase change whose copies are all staged."""
    return path.with_name(f"{path.name}{COMMIT_SUFFIX}")


def failed_unlocks_file(path: Path) -> Path:
    return path.with_name(f"{path.name}{FAILED_UNLOCKS_SUFFIX}")


def staged_name(target: Path) -> Path:
    """Where a new copy of `target` (the data file or a backup) is staged before the swap."""
    return target.with_name(f".{target.name}{STAGED_SUFFIX}")


def exchanged_file(path: Path) -> Path:
    """The note of what the last exchange left the data file as (a checksum, no content; for
    a plain file, a few lines of its exchange record: the folder, the laptops' outboxes read)."""
    return path.with_name(f"{path.name}{EXCHANGED_SUFFIX}")


def erasing_file(path: Path) -> Path:
    """The journal of records erased from the data file and still to be erased from its
    backups (their ids, nothing else)."""
    return path.with_name(f"{path.name}{ERASING_SUFFIX}")


def checked_file(path: Path) -> Path:
    """The note of the bytes last checked or saved (`voicesgroup.store.checked`)."""
    return path.with_name(f"{path.name}{CHECKED_SUFFIX}")


def course_file(path: Path) -> Path:
    return path.parent / MODULES_FILE


def owned_files(path: Path) -> tuple[Owned, ...]:
    """Every fixed name the data file at `path` owns, the data file first."""
    return (
        Owned(path, "the data file itself"),
        Owned(lock_file(path), "the data file's lock"),
        Owned(backup_folder(path), "the data file's backups folder", folder=True),
        Owned(intent_file(path), "the data file's record of a forgetting under way"),
        Owned(sidecar_file(path), "the data file's list of forgotten members"),
        Owned(commit_file(path), "the data file's marker of a passphrase change"),
        Owned(failed_unlocks_file(path), "the data file's count of failed unlocks"),
        Owned(staged_name(path), "a staged copy of the data file"),
        Owned(course_file(path), "the organisation's course file, read beside the data file"),
        Owned(exchanged_file(path), "the data file's note of its last exchange"),
        Owned(checked_file(path), "the data file's note of the bytes last checked"),
        Owned(erasing_file(path), "the data file's record of an erasure under way"),
    )


def is_owned_name(path: Path, candidate: Path) -> bool:
    """True when `candidate` (same folder) is a save's temporary file, a staged copy, or the
    note of an output being written."""
    name = candidate.name
    prefix = f".{path.name}."
    return (
        name.startswith(prefix) and name.endswith((TEMP_SUFFIX, PARTIAL_NOTE_SUFFIX))
    ) or name == staged_name(path).name


def temp_glob(path: Path) -> str:
    """The pattern of a save's temporary files beside `path`."""
    return f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"
