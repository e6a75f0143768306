"""What `voicesgroup check` verifies: the records, every backup, the audit log, forgotten members.

`problems` checks the data in memory (each record against its model, references, consent, the
audit chain). `check_folder` adds what lies beside it: every backup opened, decrypted and
checked the same way and named when bad; each backup's audit log must be the start of the
current one; no file in the folder may still hold a forgotten member; interrupted work is named.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup import consent
from voicesgroup.errors import DamagedFile, StoreError
from voicesgroup.kinds import ConsentScope
from voicesgroup.store import audit
from voicesgroup.store.backups import list_backups
from voicesgroup.store.partials import PART_SUFFIX, partials_noted
from voicesgroup.store.storage import (
    META_TABLE,
    TEMP_SUFFIX,
    backup_folder,
    looks_encrypted,
)

if TYPE_CHECKING:
    from voicesgroup.store import crypto
    from voicesgroup.store.repository import Store

RESTORED = "restored from a backup"


def record_problems(store: Store) -> list[str]:
    """Each stored record that its model refuses, named by table and number."""
    from pydantic import ValidationError

    from voicesgroup import models
    from voicesgroup.store.repository import SETTINGS_TABLE
    from voicesgroup.store.tables import first_error

    found: list[str] = []
    data = store.storage.read()
    for model in models.RECORD_TYPES:
        seen: set[Any] = set()
        for doc_id, raw in data.get(model.TABLE, {}).items():
            where = f"{model.TABLE} record {doc_id}"
            if "id" not in raw or "created_at" not in raw:
                found.append(f"{where} has no id or creation time")
                continue
            if not isinstance(raw["id"], str) or raw["id"] in seen:
                found.append(f"{where} shares its id with another record")
                continue
            seen.add(raw["id"])
            try:
                model.model_validate(raw)
            except ValidationError as error:
                found.append(f"{where} is malformed: {first_error(error)}")
    for doc_id, raw in data.get(SETTINGS_TABLE, {}).items():
        try:
            models.Settings.model_validate(raw)
        except ValidationError as error:
            found.append(f"settings record {doc_id} is malformed: {first_error(error)}")
    return found


def unreadable_record(store: Store) -> str | None:
    """The one sentence naming the file when a stored record cannot be read, else None.

    Called before a change, and whenever reading the file failed in a way nobody expected:
    a record of the wrong shape may break a reader that takes the stored documents as they
    are (the first paint does), and the person is then told of the record, not of the reader.
    """
    from voicesgroup.store.tables import malformed_record_sentence

    try:
        problems = record_problems(store)
    except Exception:  # a table of the wrong shape altogether: still the same sentence
        return malformed_record_sentence(store.path, "a table is not a list of records")
    store.storage.records_sound = not problems  # (the opening's backup need not ask again)
    return malformed_record_sentence(store.path, problems[0]) if problems else None


NO_SUCH_GROUP = "belongs to a group that is not stored"
NO_SUCH_FACILITATOR = "lists a facilitator who is not stored"


def problems(store: Store) -> list[str]:
    """Everything wrong with the stored data, as sentences; empty when it is sound."""
    from voicesgroup import models

    found = record_problems(store)
    if found:
        return found
    members = {member.id for member in store.tables.all(models.Member)}
    groups = {group.id for group in store.tables.all(models.Group)}
    facilitators = {person.id for person in store.tables.all(models.Facilitator)}
    events = store.tables.all(models.ConsentEvent)
    scopes = {member_id: consent.current_scopes(events, member_id) for member_id in members}

    def needs(member_id: UUID, scope: ConsentScope, what: str) -> None:
        if member_id not in members:
            found.append(f"{what} refers to a member who is not stored")
        elif scope not in scopes[member_id]:
            found.append(f"{what} names a member without consent ({scope.label.lower()})")

    for session in store.tables.all(models.Session):
        where = f"session of {session.date}"
        if session.group_id not in groups:
            found.append(f"{where} {NO_SUCH_GROUP}")
        for member_id in session.named_member_ids:
            needs(member_id, ConsentScope.ATTENDANCE_BY_NAME, where)
            if member_id in members and not consent.has_consent_on(
                store.consent_events(member_id),
                member_id,
                ConsentScope.ATTENDANCE_BY_NAME,
                session.date,
            ):
                found.append(f"{where} names a member who had not yet agreed on that date")
        for person in session.facilitator_ids:
            if person not in facilitators:
                found.append(f"{where} {NO_SUCH_FACILITATOR}")
    for note in store.tables.all(models.Note):
        if not note.restricted:
            needs(note.member_id, ConsentScope.PERSONAL_NOTES, "a note")
    for detail in store.tables.all(models.ContactDetail):
        if not detail.restricted:
            needs(detail.member_id, ConsentScope.CONTACT_DETAILS, "a contact detail")
    for strategy in store.tables.all(models.CopingStrategy):
        if strategy.attributed_member_id:
            needs(
                strategy.attributed_member_id,
                ConsentScope.STRATEGY_ATTRIBUTION,
                f"strategy {strategy.title!r}",
            )
    for event in events:
        if event.member_id not in members:
            found.append("a consent record refers to a member who is not stored")
    found += _reference_problems(store, groups, facilitators)
    found += [f"audit log: {problem}" for problem in audit.chain_problems(store.audit_log())]
    return found


def _reference_problems(store: Store, groups: set[UUID], facilitators: set[UUID]) -> list[str]:
    """The rota, the facilitators' path, supervision and follow-ups name only stored records."""
    from voicesgroup import models

    found = []
    for item in store.tables.all(models.RotaAssignment):
        where = f"rota session of {item.date}"
        if item.group_id not in groups:
            found.append(f"{where} {NO_SUCH_GROUP}")
        if any(p is not None and p not in facilitators for p in (item.lead_id, item.co_id)):
            found.append(f"{where} {NO_SUCH_FACILITATOR}")
    for path in store.tables.all(models.FacilitatorPath):
        if path.facilitator_id not in facilitators:
            found.append("a facilitator's path belongs to a facilitator who is not stored")
    for meeting in store.tables.all(models.SupervisionMeeting):
        if any(person not in facilitators for person in meeting.facilitator_ids):
            found.append(f"supervision of {meeting.on} {NO_SUCH_FACILITATOR}")
    sessions = {session.id for session in store.tables.all(models.Session)}
    for state in store.tables.all(models.FollowUpState):
        if state.session_id not in sessions:
            found.append("a follow-up's owner belongs to a session that is not stored")
        elif state.owner_id is not None and state.owner_id not in facilitators:
            found.append("a follow-up is owned by a facilitator who is not stored")
    return found


def check_folder(store: Store) -> list[str]:
    """Problems of the data file's companions: backups, forgotten members, unfinished work."""
    from voicesgroup.store import forgetting, passphrase

    found: list[str] = []
    if passphrase.interrupted(store.path):
        found.append(
            "a passphrase change was interrupted; it is finished the next time the file is "
            "opened for changes (start the app, or run any command that changes it)"
        )
    if forgetting.pending(store.path):
        found.append(
            "forgetting a member was interrupted; it is finished the next time the file is "
            "opened for changes (start the app, or run any command that changes it)"
        )
    found += backup_problems(store)
    found += files_holding_forgotten(store)
    found += [
        f"{leftover} is left over from an interrupted write; it is removed the next time the "
        "file is opened for changes"
        for leftover in leftover_files(store.path)
    ]
    return found


def log_problems(store: Store) -> list[str]:
    """What `check` says of the audit log, for `voicesgroup audit`: one verdict, one home."""
    found = [f"audit log: {problem}" for problem in audit.chain_problems(store.audit_log())]
    return found + backup_problems(store, log_only=True)


def backup_problems(store: Store, *, log_only: bool = False) -> list[str]:
    """Each backup opened, decrypted and checked; a sentence naming each bad one.

    `log_only`: only whether each backup's audit log is the start of the current one.
    """
    found = []
    current = [entry.hash for entry in store.audit_log()]
    actions = [entry.action for entry in store.audit_log()]
    for backup in list_backups(store.path):
        name = backup.path.name
        try:
            copy = open_backup(store, backup.path)
        except StoreError as error:
            if not log_only:
                found.append(f"backup {name} could not be restored: {error}")
            continue
        if store.file_id and copy.file_id and copy.file_id != store.file_id:
            if not log_only:
                found.append(f"backup {name} belongs to another data file")
            continue
        theirs = [entry.hash for entry in copy.audit_log()]
        common = 0
        while common < min(len(theirs), len(current)) and theirs[common] == current[common]:
            common += 1
        if common < len(theirs) and RESTORED not in actions[common:]:
            found.append(
                f"audit log: backup {name} holds entries that the current log lacks or has "
                "changed (entries were removed or edited since it was taken)"
            )
    return found


def sound_backup(data: dict[str, Any], source: Path, unlocked: crypto.Unlocked | None) -> Store:
    """A backup's data, once read and decrypted, checked as a restore needs it: the one test
    `restore` and `check` both apply. DamagedFile names the first problem."""
    from voicesgroup.store.repository import Store

    backup = Store.in_memory(data, source, unlocked)
    problems = backup.problems()
    if problems:
        raise DamagedFile(
            f"The file {source} does not hold sound data ({problems[0]}); nothing was changed."
        )
    return backup


def open_backup(store: Store, path: Path) -> Store:
    """A backup as an in-memory store, decrypted with the data file's key when it has one, and
    checked exactly as `restore` checks it (`checked_document`, then `sound_backup`)."""
    from voicesgroup.store import crypto
    from voicesgroup.store.opening import checked_document

    try:
        blob = path.read_bytes()
    except OSError as error:
        raise StoreError(f"The backup cannot be read ({error.strerror})") from None
    if looks_encrypted(blob):
        if store.unlocked is None:
            raise StoreError("The backup is encrypted, and this file has no passphrase")
        try:
            blob = crypto.open_sealed(blob, store.unlocked)
        except crypto.CryptoError:
            raise StoreError("The backup does not open with this file's key") from None
    elif store.unlocked is not None:
        raise StoreError("The backup is not encrypted, though this file is")
    return sound_backup(checked_document(blob, path), path, store.unlocked)


def files_holding_forgotten(store: Store) -> list[str]:
    """Every file in the data file's folder (and every backup) that still holds a forgotten
    member: the file itself, copies, exports, partial outputs, staged files.

    Each file's readable bytes (decrypted with this file's key where they are sealed with it)
    are searched for ids whose keyed hash is a tombstone (`tombstones`), and for members whose
    forgetting is still pending.
    """
    from voicesgroup.store import forgetting, tombstones

    known = tombstones.known_in_folder(store.path, store.storage.read(), store.unlocked)
    pending = [item.encode() for item in forgetting.pending(store.path)]
    if (known is None or not known.members) and not pending:
        return []
    found = []
    for path in folder_files(store.path):
        blob = _readable_bytes(store, path)
        if blob is None:
            continue
        if any(key in blob for key in pending) or (known and known.forgotten_in(blob)):
            found.append(f"{path} still holds a member who was forgotten")
    return found


LARGEST_SEARCHED = 256 * 1024 * 1024
"""Files larger than this are not the data file's (nor an export of it): not read by `check`."""


def folder_files(path: Path) -> list[Path]:
    """Every regular file in the data file's folder and its backups folder, the data file
    first (the tombstones and the forgetting intent, which hold no record, left out)."""
    from voicesgroup.store import owned

    skip = {owned.intent_file(path), owned.sidecar_file(path), owned.erasing_file(path)}
    found: list[Path] = []
    for folder in (path.parent, backup_folder(path)):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                wanted = entry.is_file() and not entry.is_symlink() and entry not in skip
                if wanted and entry.stat().st_size <= LARGEST_SEARCHED:
                    found.append(entry)
            except OSError:
                continue
    return sorted(found, key=lambda item: item != path)


def leftover_files(path: Path) -> list[Path]:
    """Files in the data file's folder and its backups folder left by an interrupted write:
    temporary copies, staged copies of a passphrase change that is not being finished, and
    partial outputs (in this folder, or anywhere a note beside the data file names). Opening
    the file for changes removes them; `check` names them."""
    from voicesgroup.store import owned

    endings = [TEMP_SUFFIX]
    if not owned.commit_file(path).exists():  # else they are about to be renamed in
        endings.append(owned.STAGED_SUFFIX)
    found = []
    # In the data file's folder, another data file's own files are left alone; partial
    # outputs are any data file's, named by the one output writer.
    for folder, ours in ((path.parent, f".{path.name}."), (backup_folder(path), ".")):
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        found += [
            entry
            for entry in entries
            if entry.name.startswith(".")
            and (
                entry.name.endswith(PART_SUFFIX)
                or (entry.name.startswith(ours) and entry.name.endswith(tuple(endings)))
            )
            and entry.is_file()
            and not entry.is_symlink()
        ]
    for note, partial in partials_noted(path):
        found += [*([partial] if partial is not None else []), note]  # the partial first
    return sorted(set(found), key=found.index)


def remove_leftovers(path: Path) -> None:
    """Remove what `leftover_files` finds (each as far as the disk allows)."""
    for leftover in leftover_files(path):
        with suppress(OSError):
            leftover.unlink()


def _readable_bytes(store: Store, path: Path) -> bytes | None:
    from voicesgroup.store import crypto

    try:
        blob = path.read_bytes()
    except OSError:
        return None
    if looks_encrypted(blob) and store.unlocked is not None:
        try:
            return crypto.open_sealed(blob, store.unlocked)
        except crypto.CryptoError:
            return blob
    return blob


def file_id_of(data: dict[str, Any]) -> str | None:
    """The id a data file (or a backup of it) was given when it was made."""
    value = data.get(META_TABLE, {}).get("1", {}).get("file_id")
    return value if isinstance(value, str) else None


def newest_sound_backup(data_path: Path) -> Path | None:
    """The newest backup of `data_path` a restore would take, for the advice beside a file
    that cannot be opened: checked as `restore` checks it (`sound_backup`), skipping any that
    holds the very bytes of the file refused. An encrypted backup cannot be checked without
    its passphrase: it is named when it differs from the file (`restore` then checks it)."""
    from voicesgroup.store import Secret, read_document
    from voicesgroup.store.advice import weighing_backups

    try:
        current = data_path.read_bytes()
    except OSError:
        current = b""
    for backup in list_backups(data_path):
        try:
            blob = backup.path.read_bytes()
        except OSError:
            continue
        if blob == current:
            continue  # a copy of what was refused
        if looks_encrypted(blob):
            return backup.path
        try:
            with weighing_backups():
                data, _ = read_document(blob, backup.path, Secret())
                sound_backup(data, backup.path, None)
        except (StoreError, ValueError, TypeError, KeyError):
            continue
        return backup.path
    return None
