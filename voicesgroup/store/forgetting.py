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
from voicesgroup.backups import list_backups, rewrite_backups
from voicesgroup.errors import StoreError
from voicesgroup.storage import (
    META_TABLE,
    TEMP_SUFFIX,
    backup_folder,
    decode_document,
    os_error_reason,
    write_atomically,
)

if TYPE_CHECKING:
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


def forget_member(store: Store, member_id: UUID) -> ForgetReport:
    """Erase every personal record of a member, here and in every backup.

    Named attendance becomes anonymous head counts and strategies lose the attribution, so
    group totals and the library stay as they were. Free text elsewhere that still mentions
    the name is reported, not changed: it belongs to other records and people. Every failure
    raises a StoreError saying what was done and what is left.
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
    try:
        store.storage.save()
    except StoreError as error:
        raise StoreError(
            f"{member.display_name} was erased on screen, but the data file could not be saved "
            f"({error}). The data file and the backups still hold them; forgetting will be "
            "finished the next time the file is opened."
        ) from error
    report = _complete(store, [key])
    report.mentions.extend(mentions_of(store, member.display_name))
    return report


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
        f"An interrupted forgetting was finished: {report.backups_rewritten} backup(s) "
        f"rewritten, {report.backups_erased} unreadable one(s) erased."
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
    """Steps 3 and 4: the backups, the log, then the intent."""
    done = len(list_backups(store.path))
    try:
        rewritten, erased = rewrite_backups(
            store.path, partial(_backup_without, store, members), erase_unreadable=True
        )
    except StoreError as error:
        raise StoreError(
            f"Forgetting is half done: the data file no longer holds the member, but not every "
            f"backup was rewritten ({error}). It will be finished the next time the file is "
            "opened."
        ) from error
    for stale in backup_folder(store.path).glob(f".*{TEMP_SUFFIX}"):
        with suppress(OSError):
            stale.unlink()
    with _saved_by_hand(store):
        store.audit(
            "member forgotten", f"{rewritten} backup(s) rewritten, {erased} unreadable erased"
        )
    try:
        store.storage.save()
    except StoreError as error:
        raise StoreError(
            f"The member was erased from the data file and from all {done} backup(s), but the "
            f"audit log entry could not be saved ({error})."
        ) from error
    try:
        intent_file(store.path).unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(
            "The member was erased from the data file and every backup, but the note that "
            f"forgetting had started could not be removed ({os_error_reason(error)}); it will "
            "be removed the next time the file is opened."
        ) from error
    return ForgetReport(rewritten, erased)


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


def _backup_without(store: Store, members: list[str], blob: bytes) -> bytes | None:
    """A backup's bytes with the members forgotten, or None when it cannot be read."""
    from voicesgroup import crypto

    unlocked = store.unlocked
    try:
        plaintext = crypto.open_sealed(blob, unlocked) if unlocked else blob
        data = decode_document(plaintext, store.path)
        copy = type(store).in_memory(data, store.path)
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
