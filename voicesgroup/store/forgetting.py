"""Forgetting a member: erased from the data file and from every backup, even after a crash.

The order, each step safe to repeat:

1. The intent is written beside the data file (`<file>.forgetting`, the member's id and no
   name), before anything else is touched.
2. The member's records are erased in memory, the id is added to the file's list of forgotten
   members, and the data file is saved.
3. Every backup is rewritten without them (one that cannot be read with the current key is
   erased, since it cannot be checked), and the log records it.
4. The intent is removed.

A crash, a full disk or a kill at any step leaves the intent behind, and the next time the file
is opened for changes the rest is done (`finish_pending`). `voicesgroup check` names any file
that still holds a forgotten member.

`forget_member` does it all at once (the command line). An app splits it, so the slow file work
runs in a worker thread and only the thread that owns the store changes it: `start` (step 1 and
the memory of 2), `write_files` (worker: the save of 2, and 3), `note_done` (the log entry, in
memory), `finish` (worker: that save, then 4), `final_report`. The order on disk is the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson

from voicesgroup import dates
from voicesgroup.backups import rewrite_backups
from voicesgroup.counting import counted
from voicesgroup.errors import StoreError
from voicesgroup.storage import (
    META_TABLE,
    TEMP_SUFFIX,
    SafeStorage,
    backup_folder,
    decode_document,
    os_error_reason,
    write_atomically,
)

if TYPE_CHECKING:
    from voicesgroup import crypto
    from voicesgroup.store.repository import Store

INTENT_SUFFIX = ".forgetting"
FORGOTTEN_KEY = "forgotten"
"""Where a data file lists the ids of the members forgotten in it (for `check`)."""


@dataclass
class ForgetReport:
    """What forgetting a member did beyond the data file, and what it left for a person."""

    backups_rewritten: int
    backups_erased: int
    mentions: list[str] = field(default_factory=list)


def intent_file(path: Path) -> Path:
    return path.with_name(f"{path.name}{INTENT_SUFFIX}")


def pending(path: Path) -> list[str]:
    """Ids of members whose forgetting was started and has not finished."""
    try:
        stored = orjson.loads(intent_file(path).read_bytes())
    except FileNotFoundError:
        return []
    except (OSError, orjson.JSONDecodeError):
        return []
    members = stored.get("members") if isinstance(stored, dict) else None
    return [item for item in members or [] if isinstance(item, str)]


def forgotten_ids(data: dict[str, Any]) -> list[str]:
    """The members a data file says were forgotten in it.

    Listed without dashes, so that a search of the file's bytes for a record of theirs (whose
    ids are written with dashes) does not find the list itself.
    """
    found = data.get(META_TABLE, {}).get("1", {}).get(FORGOTTEN_KEY, [])
    if not isinstance(found, list):
        return []
    ids = []
    for item in found:
        with suppress(ValueError, TypeError, AttributeError):
            ids.append(str(UUID(hex=item)))
    return ids


@dataclass(frozen=True)
class Forgetting:
    """A forgetting under way: erased in memory and the intent on disk; the files come next.

    What the worker-thread steps need, taken from the store on the thread that owns it.
    """

    storage: SafeStorage
    members: tuple[str, ...]
    name: str | None
    """The member's name, for the messages (None when finishing an interrupted forgetting)."""
    unlocked: crypto.Unlocked | None = field(repr=False)


def forget_member(store: Store, member_id: UUID) -> ForgetReport:
    """Erase every personal record of a member, here and in every backup.

    Named attendance becomes anonymous head counts and strategies lose the attribution, so
    group totals and the library stay as they were. Free text elsewhere that still mentions
    the name is reported, not changed: it belongs to other records and people. Every failure
    raises a StoreError saying what was done and what is left.
    """
    job = start(store, member_id)
    counts = write_files(job)
    note_done(store, counts)
    finish(job, counts)
    return final_report(store, job, counts)


def start(store: Store, member_id: UUID) -> Forgetting:
    """Step 1 and the memory of step 2: the member erased in memory, the intent on disk.

    Quick, and it changes the store: on the thread that owns it. Raises StoreError with
    nothing changed.
    """
    store.refuse_if_read_only()
    member = store.member(member_id)
    if store.storage.deferring:
        raise StoreError(
            "Forgetting a member is saved at once and cannot be part of other changes; "
            "nothing was changed."
        )
    key = str(member_id)
    with _saved_by_hand(store), store.batch():
        # Worked out in memory first, so a record that cannot be read stops it here, with
        # nothing written; the intent then goes to disk before any file is changed. A failure
        # in either rolls the memory back.
        _erase_in_memory(store, key)
        try:
            write_atomically(
                intent_file(store.path),
                orjson.dumps({"members": sorted({*pending(store.path), key})}),
            )
        except OSError as error:
            raise StoreError(
                f"Could not start forgetting: {os_error_reason(error)} beside {store.path}. "
                "Nothing was changed."
            ) from error
    return Forgetting(store.storage, (key,), member.display_name, store.unlocked)


def write_files(job: Forgetting) -> tuple[int, int]:
    """The save of step 2 and step 3: returns (backups rewritten, unreadable ones erased).

    Slow (every backup is read and rewritten) and it reads no record: safe in a worker thread.
    The save takes the storage's own lock, like every save.
    """
    try:
        job.storage.save()
    except StoreError as error:
        if job.name is None:
            raise
        raise StoreError(
            f"{job.name} was erased on screen, but the data file could not be saved "
            f"({error}). The data file and the backups still hold them; forgetting will be "
            "finished the next time the file is opened."
        ) from error
    return _rewrite_backups(job)


def note_done(store: Store, counts: tuple[int, int]) -> None:
    """The log entry for a finished forgetting, in memory (saved by `finish`)."""
    rewritten, erased = counts
    with _saved_by_hand(store):
        store.audit(
            "member forgotten",
            f"{counted(rewritten, 'backup')} rewritten, {erased} unreadable erased",
        )


def finish(job: Forgetting, counts: tuple[int, int]) -> None:
    """Step 4: the log entry saved, then the intent removed. Safe in a worker thread."""
    path = job.storage.path
    try:
        job.storage.save()
    except StoreError as error:
        raise StoreError(
            "The member was erased from the data file and from all "
            f"{counted(sum(counts), 'backup')}, "
            f"but the audit log entry could not be saved ({error})."
        ) from error
    try:
        intent_file(path).unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(
            "The member was erased from the data file and every backup, but the note that "
            f"forgetting had started could not be removed ({os_error_reason(error)}); it will "
            "be removed the next time the file is opened."
        ) from error


def final_report(store: Store, job: Forgetting, counts: tuple[int, int]) -> ForgetReport:
    """What was done, with where the name still appears in free text (reads the store)."""
    done = ForgetReport(*counts)
    if job.name is not None:
        done.mentions.extend(mentions_of(store, job.name))
    return done


def finish_pending(store: Store) -> None:
    """Finish any forgetting that was interrupted; what happened goes to `finished_on_open`."""
    members = pending(store.path)
    if not members:
        return
    try:
        with _saved_by_hand(store), store.batch():
            for key in members:
                _erase_in_memory(store, key)
        store.storage.save()
        report = _complete(store, members)
    except StoreError as error:
        store.finished_on_open.append(f"An interrupted forgetting is not finished yet: {error}")
        return
    store.finished_on_open.append(
        f"An interrupted forgetting was finished: {counted(report.backups_rewritten, 'backup')} "
        f"rewritten, {counted(report.backups_erased, 'unreadable one')} erased."
    )


def _erase_in_memory(store: Store, key: str) -> None:
    member_id = UUID(key)
    if key in store._ids("members"):
        forget_records(store, member_id)
    data = store.storage.read()
    meta = data[META_TABLE]["1"]
    if key not in forgotten_ids(data):
        meta[FORGOTTEN_KEY] = [*meta.get(FORGOTTEN_KEY, []), member_id.hex]
        store.storage.write(data)


def _complete(store: Store, members: list[str]) -> ForgetReport:
    """Steps 3 and 4: the backups, the log, then the intent (the data file is saved)."""
    job = Forgetting(store.storage, tuple(members), None, store.unlocked)
    counts = _rewrite_backups(job)
    note_done(store, counts)
    finish(job, counts)
    return ForgetReport(*counts)


def _rewrite_backups(job: Forgetting) -> tuple[int, int]:
    """Step 3: every backup rewritten without the members (an unreadable one erased)."""
    path = job.storage.path
    try:
        counts = rewrite_backups(
            path,
            partial(_backup_without, path, job.unlocked, list(job.members)),
            erase_unreadable=True,
        )
    except StoreError as error:
        raise StoreError(
            f"Forgetting is half done: the data file no longer holds the member, but not every "
            f"backup was rewritten ({error}). It will be finished the next time the file is "
            "opened."
        ) from error
    for stale in backup_folder(path).glob(f".*{TEMP_SUFFIX}"):
        with suppress(OSError):
            stale.unlink()
    return counts


@contextmanager
def _saved_by_hand(store: Store) -> Iterator[None]:
    """Changes stay in memory until `storage.save()` is called, so a failure can be told."""
    storage = store.storage
    was_autosave, storage.autosave = storage.autosave, False
    try:
        yield
    finally:
        storage.autosave = was_autosave


def forget_records(store: Store, member_id: UUID) -> None:
    """Erase a member's records in `store` (memory only): the one definition of forgetting."""
    from voicesgroup import models

    store._anonymise_attendance(member_id)
    store._remove_attribution(member_id)
    for model in (models.Note, models.ContactDetail, models.ConsentEvent):
        store._delete(model, [item.id for item in store._where(model, member_id=member_id)])
    store._delete(models.Member, [member_id])


def _backup_without(
    path: Path, unlocked: crypto.Unlocked | None, members: list[str], blob: bytes
) -> bytes | None:
    """A backup's bytes with the members forgotten, or None when it cannot be read."""
    from voicesgroup import crypto
    from voicesgroup.store.repository import Store

    try:
        plaintext = crypto.open_sealed(blob, unlocked) if unlocked else blob
        data = decode_document(plaintext, path)
        copy = Store.in_memory(data, path)
        for key in members:
            _erase_in_memory(copy, key)
    except (crypto.CryptoError, StoreError):
        return None
    cleaned = orjson.dumps(copy.storage.read())
    return crypto.seal(cleaned, unlocked) if unlocked else cleaned


def mentions_of(store: Store, name: str) -> list[str]:
    """Where a name still appears in stored free text, in plain words (found by the one name
    finder, `voicesgroup.names`)."""
    from voicesgroup import models
    from voicesgroup.names import find_member_names

    def mentions(text: str) -> bool:
        return bool(find_member_names(text, [name]))

    found = []
    for session in store._all(models.Session):
        texts = [*session.themes, *session.follow_ups]
        if session.debrief:
            texts += session.debrief.answers.values()
        if any(mentions(text) for text in texts):
            found.append(f"the session of {dates.date(session.date)}")
    for note in store._all(models.Note):
        fields = (note.member_words, note.what_helped, note.to_remember, note.facilitator_words)
        if any(mentions(text) for text in fields):
            found.append(f"a note written on {dates.date(note.created_at)}")
    for strategy in store._all(models.CopingStrategy):
        if mentions(strategy.title) or mentions(strategy.description):
            found.append(f"the strategy {strategy.title!r}")
    return found
