"""Forgetting a member: erased from the data file and from every backup, even after a crash.

The order, each step safe to repeat:

1. The intent is written beside the data file (`<file>.forgetting`, the member's id and no
   name), before anything else is touched.
2. In memory: every text of every record that names them says "another member" instead
   (`redaction`), their records are erased, and their tombstone (a keyed hash of the id,
   `tombstones`) is added. The data file is saved, then the tombstones beside it.
3. Every backup is rewritten the same way, from the name and records it holds (one that cannot
   be read with the current key is erased, since it cannot be checked), and the log records it.
4. The intent is removed.

A crash, a full disk or a kill at any step leaves the intent behind, and the next time the file
is opened for changes the rest is done (`finish_pending`). Opening also reads the tombstones:
a copied or older file that still holds a forgotten member is forgotten again, through the
same intent. `voicesgroup check` names any file that still holds a forgotten member.

`forget_member` does it all at once (the command line). An app splits it, so the slow file work
runs in a worker thread and only the thread that owns the store changes it: `start` (step 1 and
the memory of 2), `write_files` (worker: the save of 2, and 3), `note_done` (the log entry, in
memory), `finish` (worker: that save, then 4), `final_report`. The order on disk is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson

from voicesgroup.counting import counted
from voicesgroup.errors import StoreError
from voicesgroup.store import covered, tombstones
from voicesgroup.store.backups import half_done, rewrite_backups
from voicesgroup.store.owned import intent_file
from voicesgroup.store.storage import (
    META_TABLE,
    TEMP_SUFFIX,
    SafeStorage,
    backup_folder,
    decode_document,
    os_error_reason,
    write_atomically,
)

# `redaction` (and the name finder under it) is imported where a name is looked for: opening a
# file only finishes what is pending, and start-up does not load it.
if TYPE_CHECKING:
    from voicesgroup.models import Member
    from voicesgroup.store import crypto, redaction
    from voicesgroup.store.repository import Store


@dataclass
class ForgetReport:
    """What forgetting a member did beyond the data file, and what it left for a person."""

    backups_rewritten: int
    backups_erased: int
    redacted: list[str] = field(default_factory=list)
    """Where a free text named them and now says "another member" (in plain words)."""


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


def any_forgotten(data: dict[str, Any]) -> bool:
    """Whether the document has a tombstone: a member was forgotten in it."""
    known = tombstones.in_data(data)
    return known is not None and bool(known.members)


def record_mark(store: Store, member_id: UUID) -> str:
    """The mark an export of the member's record carries, so that `check` names the export
    once they are forgotten (`tombstones.mark`). It may give the file its key: in memory, saved
    with the next save."""
    data = store.storage.read()
    had_key = tombstones.in_data(data) is not None
    found = tombstones.mark(data, store.path, member_id)
    if not had_key:
        store.storage.write(data)
    return found


def texts_naming_id(store: Store, member_id: UUID) -> list[redaction.Mention]:
    """`texts_naming` for a member by id: by the names of their record here, or, when this
    file holds none (an exchange told it of a member only its other records referred to), by
    the names its backups knew them by (`names_in_backups`)."""
    from voicesgroup.errors import NotFound
    from voicesgroup.store import redaction

    try:
        return texts_naming(store, store.member(member_id))
    except NotFound:
        names = names_in_backups(store, str(member_id))
        data = store.storage.read()
        return redaction.mentions(data, names, owner=str(member_id)) if names else []


def names_in_backups(store: Store, key: str) -> list[str]:
    """Every name the member `key` went by in the backups of the store's file (those that
    can be read), newest first: what is left to know them by once the file lost the record."""
    from voicesgroup.store import crypto
    from voicesgroup.store.backups import list_backups

    names: list[str] = []
    for backup in list_backups(store.path):
        try:
            blob = backup.path.read_bytes()
            plain = crypto.open_sealed(blob, store.unlocked) if store.unlocked else blob
            data = decode_document(plain, store.path)
        except (OSError, crypto.CryptoError, StoreError):
            continue
        names.extend(name for name in _member_names(data, key) if name not in names)
    return names


def kept_record_mark(store: Store, member_id: UUID) -> str:
    """`record_mark` as the file already allows it, changing nothing (a read-only copy, say
    a printout made in a worker): "" when the file has no key yet."""
    return tombstones.mark_if_keyed(store.storage.read(), store.path, member_id)


def texts_naming(
    store: Store, member: Member, *, words: Iterable[str] = ()
) -> list[redaction.Mention]:
    """Every stored free text that names the member, as it is and as forgetting will leave it
    (their own notes, erased whole, left out; `words`, texts said to hold the word, as found
    with that answer)."""
    from voicesgroup.store import redaction

    data = store.storage.read()
    return redaction.mentions(data, member.every_name(), owner=str(member.id), words=words)


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
    redacted: tuple[str, ...] = ()
    """Where free text named them (now "another member"), for the report."""
    known: tombstones.Tombstones | None = None
    """The file's tombstones once they are added, to be kept beside it (read on the thread
    that owns the store, since the worker reads no record)."""
    names: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    """Answers "the word here, not the member" given when forgetting was confirmed
    (`redaction.Mention.word_keys`): those words stay as they are in every backup too."""
    """Every name the member went by here, also looked for in each backup (one taken before
    names were kept may know only a later one)."""


def forget_member(
    store: Store, member_id: UUID, *, told: bool = False, words: Iterable[str] = ()
) -> ForgetReport:
    """Erase every personal record of a member, here and in every backup.

    Named attendance becomes anonymous head counts and strategies lose the attribution, so
    group totals and the library stay as they were. Every other text that names them, in any
    record, says "another member" instead (`redaction`), and is listed in the report. Every
    failure raises a StoreError saying what was done and what is left.
    """
    job = start(store, member_id, told=told, words=words)
    counts = write_files(job)
    note_done(store, counts)
    finish(job, counts)
    return final_report(job, counts)


def start(
    store: Store,
    member_id: UUID,
    texts: list[redaction.Mention] | None = None,
    *,
    told: bool = False,
    words: Iterable[str] = (),
) -> Forgetting:
    """Step 1 and the memory of step 2: the member erased in memory, the intent on disk.

    It changes the store: on the thread that owns it. `texts` are the free texts naming them
    as `texts_naming` found them (in a worker, on a copy); quick when given and still as they
    were, else they are searched for here. `told`: the organisation's tombstone names them
    (an exchange): forgotten here and in every backup even when this file no longer holds
    anything of theirs (what came in replaced it), since a backup may. `words`: the texts a
    person said hold the word, not the member (`Mention.word_keys`), remembered with the
    file's other such answers and left as they are. Raises StoreError with nothing changed.
    """
    store.refuse_if_read_only()
    member = _member_or_referred(store, member_id, told=told)
    if store.storage.deferring:
        raise StoreError(
            "Forgetting a member is saved at once and cannot be part of other changes; "
            "nothing was changed."
        )
    key = str(member_id)
    words = tuple(dict.fromkeys(words))
    if member is not None:
        names = tuple(member.every_name())
        if texts is None or words:
            texts = texts_naming(store, member, words=words)
    else:  # no record here: the names its backups knew them by, looked for here and now
        from voicesgroup.store import redaction

        names = tuple(names_in_backups(store, key))
        data = store.storage.read()
        texts = redaction.mentions(data, list(names), owner=key, words=words) if names else []
    redacted = tuple(mention.where for mention in texts)
    with _saved_by_hand(store), store.batch():
        # Worked out in memory first, so a record that cannot be read stops it here, with
        # nothing written; the intent then goes to disk before any file is changed. A failure
        # in either rolls the memory back.
        remember_words(store, words)
        _erase_in_memory(store, key, texts, known_names=names, words=words)
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
    known = tombstones.in_data(store.storage.read())
    return Forgetting(
        store.storage,
        (key,),
        member.display_name if member is not None else None,
        store.unlocked,
        redacted,
        known,
        names,
        words,
    )


def remember_words(store: Store, keys: Iterable[str]) -> None:
    """Remember that a person said a word in a text is the word, not a member (`keys`, from
    `names.confirmation_key`: a hash, no text kept), with the file's other such answers."""
    settings = store.settings()
    known = list(settings.words_not_names)
    new = [key for key in dict.fromkeys(keys) if key not in known]
    if new:
        store.save_settings(settings.model_copy(update={"words_not_names": known + new}))


def _member_or_referred(store: Store, member_id: UUID, *, told: bool) -> Member | None:
    """The member, or None when the file does not hold their record but its other records
    still refer to them (a session naming them, say, come from another laptop), or when the
    organisation's tombstone names them (`told`): forgotten all the same. NotFound when none."""
    from voicesgroup.errors import NotFound

    try:
        return store.member(member_id)
    except NotFound:
        if told or str(member_id) in member_ids_referred_to(store.storage.read()):
            return None
        raise


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
            f"On screen, {job.name} was erased, but the data file could not be saved "
            f"({error}). The data file and the backups still hold them; forgetting will be "
            "finished the next time the file is opened."
        ) from error
    _keep_tombstones_beside(job)
    return _rewrite_backups(job)


def _keep_tombstones_beside(job: Forgetting) -> None:
    """Step 2's end: the tombstones written beside the data file, for older copies of it."""
    try:
        tombstones.write_sidecar(job.storage.path, job.known)
    except OSError as error:
        raise StoreError(
            "Forgetting is half done: the data file no longer holds the member, but the note "
            f"of who was forgotten could not be written beside it ({os_error_reason(error)}); "
            "that is done the next time the file is opened."
        ) from error


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


def final_report(job: Forgetting, counts: tuple[int, int]) -> ForgetReport:
    """What was done, with the free texts that now say "another member"."""
    return ForgetReport(*counts, redacted=list(job.redacted))


def finish_pending(store: Store) -> None:
    """Finish any forgetting that was interrupted, and forget again any member of a copied or
    older file whom the tombstones name; what happened goes to `finished_on_open`."""
    _carry_tombstones(store)
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


def _carry_tombstones(store: Store) -> None:
    """The tombstones of the file and those beside it, joined; a member they name who is
    back (an older copy put in place) goes into the intent, to be forgotten again."""
    path = store.path
    data = store.storage.tables(META_TABLE, "members")  # all they read: the rest stays unread
    known = tombstones.known_in_folder(path, data, store.unlocked)
    if known is None:
        return
    back = tombstones.forgotten_members(data, known)
    try:
        if back:
            write_atomically(
                intent_file(path), orjson.dumps({"members": sorted({*pending(path), *back})})
            )
        tombstones.write_sidecar(path, known)
    except OSError as error:
        store.finished_on_open.append(
            f"This file holds {counted(len(back), 'member')} who were forgotten, and they "
            "could not "
            f"be forgotten again yet ({os_error_reason(error)}); `voicesgroup check` names them."
        )
        return
    if tombstones.in_data(data) != known:
        whole = store.storage.read()  # `data` holds two tables: the save is of every one
        with _saved_by_hand(store):
            tombstones.store_in(whole, known)
            store.storage.write(whole)
    if back:
        store.finished_on_open.append(
            f"This copy of the file still held {counted(len(back), 'member')} who had been "
            "forgotten; "
            "they are forgotten again."
        )


def forget_again(store: Store, known: tombstones.Tombstones | None) -> int:
    """In `store`'s memory (a copy about to be written elsewhere, e.g. a backup being
    restored): the tombstones kept, and every member they name forgotten and redacted.
    Returns how many were."""
    if known is None:
        return 0
    data = store.storage.read()
    tombstones.store_in(data, known)
    store.storage.write(data)
    back = tombstones.forgotten_members(data, known)
    for key in back:
        _erase_in_memory(store, key)
    return len(back)


def _erase_in_memory(
    store: Store,
    key: str,
    texts: list[redaction.Mention] | None = None,
    known_names: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
) -> None:
    """Redact, erase and add the tombstone: the member `key` forgotten in `store`'s memory.

    `texts` are the mentions already found (written where they were found, if every one is
    still as it was); otherwise the free texts are searched for the names held in the copy
    and the `known_names` (a copy that no longer holds the member may still name them)."""
    from voicesgroup.store import redaction

    data = store.storage.read()
    held = _member_names(data, key)
    names = [*held, *(name for name in known_names if name not in held)]
    if texts is not None and redaction.apply(data, texts):
        redacted = bool(texts)
    else:
        redacted = bool(names and redaction.redact(data, names, words=words))
    if redacted:
        store.storage.write(data)
        store.tables.forget_caches()
    if key in store.tables.ids("members") or key in member_ids_referred_to(data):
        forget_records(store, UUID(key))
    data = store.storage.read()
    tombstones.add(data, store.path, key)
    store.storage.write(data)


def _member_names(data: dict[str, Any], key: str) -> list[str]:
    """Every name the member `key` went by in the document (as stored: the name, then the
    earlier ones), for redaction."""
    for raw in data.get("members", {}).values():
        if isinstance(raw, dict) and raw.get("id") == key:
            former = raw.get("former_names")
            found = [raw.get("display_name"), *(former if isinstance(former, list) else [])]
            return [name for name in found if isinstance(name, str) and name.strip()]
    return []


def _complete(store: Store, members: list[str]) -> ForgetReport:
    """Steps 3 and 4: the backups, the log, then the intent (the data file is saved)."""
    known = tombstones.in_data(store.storage.read())
    job = Forgetting(store.storage, tuple(members), None, store.unlocked, known=known)
    _keep_tombstones_beside(job)
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
            partial(_backup_without, path, job.unlocked, list(job.members), job.names, job.words),
            erase_unreadable=True,
        )
    except StoreError as error:
        raise half_done("Forgetting", "the member", error) from error
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


_OWNED_BY_MEMBER = ("notes", "contact_details", "consent_events")
"""The tables whose records are a member's own (`member_id`): erased by `forget_records`."""


def member_ids_referred_to(data: dict[str, Any]) -> set[str]:
    """Every member id the document's records refer to, whether or not it holds the member's
    own record (a session's names and round marks, a strategy's attribution, notes, contact
    details, consent events, the members): each place `forget_records` clears."""
    found: set[str] = set()

    def take(value: object) -> None:
        if isinstance(value, str):
            found.add(value)

    for member in data.get("members", {}).values():
        take(member.get("id"))
    for session in data.get("sessions", {}).values():
        for member_id in session.get("named_member_ids") or ():
            take(member_id)
        marks = session.get("round_marks")
        for member_id in marks if isinstance(marks, dict) else ():
            take(member_id)
    for strategy in data.get("strategies", {}).values():
        take(strategy.get("attributed_member_id"))
    for table in _OWNED_BY_MEMBER:
        for record in data.get(table, {}).values():
            take(record.get("member_id"))
    return found


def forget_records(store: Store, member_id: UUID) -> None:
    """Erase a member's records in `store` (memory only): the one definition of forgetting."""
    from voicesgroup import models

    covered.anonymise_attendance(store.tables, member_id)
    covered.remove_attribution(store.tables, member_id)
    for model in (models.Note, models.ContactDetail, models.ConsentEvent):
        store.tables.delete(
            model, [item.id for item in store.tables.where(model, member_id=member_id)]
        )
    store.tables.delete(models.Member, [member_id])


def _backup_without(
    path: Path,
    unlocked: crypto.Unlocked | None,
    members: list[str],
    names: tuple[str, ...],
    words: tuple[str, ...],
    blob: bytes,
) -> bytes | None:
    """A backup's bytes with the members forgotten (their `names` looked for besides those
    the backup holds), or None when it cannot be read."""
    from voicesgroup.store import crypto
    from voicesgroup.store.repository import Store

    try:
        plaintext = crypto.open_sealed(blob, unlocked) if unlocked else blob
        data = decode_document(plaintext, path)
        copy = Store.in_memory(data, path)
        for key in members:
            _erase_in_memory(copy, key, known_names=names, words=words)
    except (crypto.CryptoError, StoreError):
        return None
    cleaned = orjson.dumps(copy.storage.read())
    return crypto.seal(cleaned, unlocked) if unlocked else cleaned


def replace_in_backups(
    path: Path, unlocked: crypto.Unlocked | None, replaced: Iterable[tuple[str, str]]
) -> tuple[int, int]:
    """Every backup of the data file at `path` with each text in `replaced` written as its
    new words wherever it stands whole (a text written on this laptop that a laptop holding
    the group rewrote for naming a member, which this laptop cannot check): what forgetting
    does with a name, for texts this laptop cannot read names in. Files only: any thread."""
    new_words = dict(replaced)
    if not new_words:
        return (0, 0)
    try:
        return rewrite_backups(path, partial(_backup_with, path, unlocked, new_words))
    except StoreError as error:
        raise StoreError(
            "A text written here that named a member was rewritten in the data file, but not "
            f"in every backup ({error}); the older backups still hold it until they are "
            "replaced by newer ones."
        ) from error


def _backup_with(
    path: Path, unlocked: crypto.Unlocked | None, new_words: dict[str, str], blob: bytes
) -> bytes | None:
    """A backup's bytes with each whole text in `new_words` replaced (None: unreadable, left)."""
    from voicesgroup.store import crypto

    try:
        plaintext = crypto.open_sealed(blob, unlocked) if unlocked else blob
        data = decode_document(plaintext, path)
    except (crypto.CryptoError, StoreError):
        return None
    changed = _replace_strings(data, new_words)
    if not changed:
        return blob
    cleaned = orjson.dumps(data)
    return crypto.seal(cleaned, unlocked) if unlocked else cleaned


def _replace_strings(node: Any, new_words: dict[str, str]) -> bool:
    """Each string in `node` (at any depth) that is a key of `new_words` replaced in place."""
    changed = False
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in list(items):
        if isinstance(value, str) and value in new_words:
            node[key] = new_words[value]
            changed = True
        elif isinstance(value, (dict, list)):
            changed = _replace_strings(value, new_words) or changed
    return changed


def mentions_of(store: Store, name: str) -> list[str]:
    """Where a name still appears in stored free text, in plain words (found by the one name
    finder, `voicesgroup.names`)."""
    from voicesgroup.store import redaction

    return [mention.where for mention in redaction.mentions(store.storage.read(), [name])]
