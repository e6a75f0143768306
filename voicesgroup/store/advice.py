"""What to do about a data file that cannot be opened, in the words of a sentence: the
command that acts on that very file (`command_for`), the newest backup that is sound, and
advice that fits what was being done (a restore is sent to another backup, never --db).
Every such sentence is chosen here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path


def restore_command(path: Path, backup: Path | None = None) -> str:
    """The command that restores a backup into this very file (`command_for`), naming the
    backup when given, else written BACKUP."""
    import shlex

    return command_for(path, f"restore {'BACKUP' if backup is None else shlex.quote(str(backup))}")


def command_for(path: Path, words: str) -> str:
    """`voicesgroup WORDS` acting on this very file: `--db` is named unless it is the file
    opened when none is named (`paths.resolve_db_path`)."""
    import shlex

    from voicesgroup.paths import resolve_db_path

    if Path(path).expanduser().resolve() == resolve_db_path(None):
        return f"voicesgroup {words}"
    return f"voicesgroup --db {shlex.quote(str(path))} {words}"


_RESTORING_INTO: ContextVar[Path | None] = ContextVar("restoring_into", default=None)
"""The data file a restore is about to replace, while the backup it was given is read: the
advice for a backup that cannot be restored is then another backup, never another --db."""


@contextmanager
def restoring_into(data_path: Path) -> Iterator[None]:
    """Within it, a file found unfit is a backup offered to restore into `data_path`."""
    token = _RESTORING_INTO.set(data_path)
    try:
        yield
    finally:
        _RESTORING_INTO.reset(token)


_SEARCHING: ContextVar[bool] = ContextVar("searching_backups", default=False)
"""True while backups are checked to find the one to advise (`weighing_backups`): a backup
found unfit then is only passed over, and its sentence searches nothing more."""


@contextmanager
def weighing_backups() -> Iterator[None]:
    """Within it, files are read to choose a backup to advise, not for anyone to act on."""
    searching, into = _SEARCHING.set(True), _RESTORING_INTO.set(None)
    try:
        yield
    finally:
        _RESTORING_INTO.reset(into)
        _SEARCHING.reset(searching)


def how_to_restore(path: Path) -> str:
    """ "run `voicesgroup … restore BACKUP`" naming the newest backup that is sound (the one
    to restore), for a sentence; or where none is, "none of … is sound" and what names why."""
    from voicesgroup.store.integrity import newest_sound_backup

    if _SEARCHING.get():  # (a sentence nobody reads: see `weighing_backups`)
        return f"run `{restore_command(path)}` with one of the backups in {backup_folder(path)}"
    best = newest_sound_backup(path)
    if best is not None:
        return f"run `{restore_command(path, best)}` (the newest backup that is sound)"
    return (
        f"none of the backups in {backup_folder(path)} is sound (`voicesgroup check` "
        "says what is wrong with each), so keep this file as it is and ask for help"
    )


def restore_hint(path: Path) -> str:
    """What to do about a file that cannot be opened: restore the newest sound backup, where
    there is one, and never send anyone to a backups folder that does not exist. Reading a
    backup to restore (`restoring_into`): choose another backup."""
    into = _RESTORING_INTO.get()
    if into is not None:
        return f"Nothing was changed; {_another_backup(into)}."
    data = backup_of(path)
    if data is not None:  # a damaged copy a restore kept: its data file is named instead
        return (
            f"Nothing was changed. It is one of the backups of {data}, kept as it was: it "
            f"is not used unless restored, and this one cannot be. To check the data file "
            f"itself, run `{command_for(data, 'check')}`; to restore it, use another backup: "
            f"{how_to_restore(data)}."
        )
    if _has_backups(path):
        return f"Nothing was changed. To restore, {how_to_restore(path)}."
    return (
        "Nothing was changed, and there are no backups beside it to restore from. If it is "
        "not a voicesgroup data file, open the right one (--db PATH)."
    )


def _another_backup(data_path: Path) -> str:
    """ "choose another backup to restore…", naming the newest sound one of `data_path`."""
    if not _has_backups(data_path):
        return f"choose another backup to restore into {data_path}"
    return f"choose another backup: {how_to_restore(data_path)}"


def not_a_data_file_advice(path: Path) -> str:
    """What to do about a file that is not a voicesgroup data file at all."""
    into = _RESTORING_INTO.get()
    if into is not None:
        return f"It was left untouched; {_another_backup(into)}."
    if backup_of(path) is not None:
        return restore_hint(path)
    if _has_backups(path):
        return (
            "It was left untouched; choose another file with --db, or, if it held your "
            f"voicesgroup data, {how_to_restore(path)}."
        )
    return (
        "It was left untouched, and there are no backups beside it: choose another file "
        "with --db PATH."
    )


def _has_backups(path: Path) -> bool:
    folder = backup_folder(path)
    return folder.is_dir() and any(folder.glob("*.json"))


def backup_folder(path: Path) -> Path:
    return path.with_name(f"{path.name}.backups")


def backup_of(path: Path) -> Path | None:
    """The data file `path` is a backup of (it lies in its `backup_folder`), else None."""
    folder = Path(path).parent
    name = folder.name.removesuffix(".backups")
    return folder.with_name(name) if name and name != folder.name else None
