"""The repository every screen and command goes through: typed reads, consent-checked writes.

`Store` holds one data file in memory. Every write goes through the consent rule and is saved
atomically; `batch()` makes several writes one save that either all happens or, on an error, is
rolled back. The records themselves are read and changed through `Tables` (`tables.py`, the
store's internal interface), with the consent rule put in front of it here. What happens around
the records lives beside it, one module each: `opening` (locking, decrypting, checking a file
before it is trusted), `covered` (what a withdrawal does to the records a consent covered),
`passphrase` (setting, changing and removing it for the file and every backup at once),
`forgetting` (a member erased everywhere, finished even after a crash) and `integrity` (what
`voicesgroup check` reports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

import orjson

from voicesgroup import consent
from voicesgroup.errors import Ambiguous, ChangedMeanwhile, DamagedFile, NotFound, ReadOnlyFile
from voicesgroup.kinds import ConsentAction, ConsentScope, SessionStatus
from voicesgroup.schema import SETTINGS_TABLE as SETTINGS_TABLE  # re-exported for the store
from voicesgroup.store import audit, covered
from voicesgroup.store.documents import DocumentReads
from voicesgroup.store.storage import META_TABLE, SafeStorage
from voicesgroup.store.tables import (
    TABLES as TABLES,  # re-exported for the store
)
from voicesgroup.store.tables import (
    Tables,
    first_error,
    malformed_record_sentence,
    models,
)
from voicesgroup.store.tables import new_document as new_document

if TYPE_CHECKING:
    from voicesgroup.models import (
        AuditEntry,
        ConsentEvent,
        ContactDetail,
        CopingStrategy,
        Facilitator,
        Group,
        Member,
        Note,
        Record,
        RotaAssignment,
        Session,
        Settings,
        SupportContact,
    )
    from voicesgroup.store import crypto
    from voicesgroup.store.forgetting import ForgetReport
    from voicesgroup.store.snapshot import Changes
    from voicesgroup.store.writer_lock import WriterLock

RecordT = TypeVar("RecordT", bound="Record")
T = TypeVar("T")


CONSENT_CHECKED_TABLES = frozenset(
    {"members", "consent_events", "notes", "contact_details", "sessions", "strategies"}
)
"""Tables whose records are saved only through their own save, which checks consent."""


class Store(DocumentReads):
    """The data of one file, in memory, with typed reads and consent-checked writes; the
    stored documents read without building records come from `DocumentReads`."""

    def __init__(self, storage: SafeStorage, lock: WriterLock | None) -> None:
        self._storage = storage
        self._lock = lock
        self.tables = Tables(storage, self._before_change)
        """The records without the consent rule: for the store's own modules only."""
        self.backup_taken: Path | None = None
        self.backups_pruned = 0  # old backups that opening let go (see opening.opening_did)
        self.unlocked: crypto.Unlocked | None = None
        """The file's data key when it is encrypted (see `voicesgroup.store.passphrase`)."""
        self.created = False
        self.read_only_reason: str | None = None
        """Why this file cannot be changed (its permissions say so), or None."""
        self.finished_on_open: list[str] = []
        """Sentences about interrupted work that opening the file has just finished."""
        self.closed = False
        self._worked_out: dict[str, tuple[int, object]] = {}

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        readonly: bool = False,
        seed: bool = True,
        passphrase: str | None = None,
        recovery_key: str | None = None,
    ) -> Store:
        """Open (or create) the data file at `path` for this process alone.

        Raises a StoreError subclass with a message for a person: Locked, DamagedFile,
        NewerVersion, NotFound (when `create` is false and there is no file), PassphraseNeeded
        or WrongPassphrase for an encrypted file. See `voicesgroup.store.opening`.
        """
        from voicesgroup.store import opening

        return opening.open_store(
            cls,
            Path(path),
            create=create,
            readonly=readonly,
            seed=seed,
            secret=opening.Secret(passphrase, recovery_key),
        )

    @classmethod
    def in_memory(
        cls, data: dict[str, Any], path: Path, unlocked: crypto.Unlocked | None = None
    ) -> Store:
        """A store over data already read (e.g. a backup), never saved by itself."""
        store = cls(SafeStorage(path, data, signature=None), lock=None)
        store.storage.autosave = False
        store.use_key(unlocked)
        return store

    def close(self) -> None:
        """Release the lock. Everything is already on disk (or reported unsaved)."""
        self._storage.check_unread()  # the opening's backup waits for every table's check
        self._storage.note_checked()
        self.tables.close()
        self.closed = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._storage.path

    @property
    def unsaved(self) -> bool:
        """True when a save failed and the latest changes live only in memory."""
        return self._storage.unsaved

    @property
    def storage(self) -> SafeStorage:
        return self._storage

    def save(self) -> None:
        """Try again to save what is in memory (after a failed save)."""
        self._storage.save()

    @property
    def read_only(self) -> bool:
        """True when the data file's permissions forbid changes (shown in the title bar)."""
        return self.read_only_reason is not None

    def refuse_if_read_only(self) -> None:
        """Raise ReadOnlyFile, saying why, before any change is made to a read-only file."""
        if self.read_only_reason is not None:
            raise ReadOnlyFile(self.read_only_reason)

    @property
    def file_id(self) -> str | None:
        """The id given to this data file when it was made (backups carry it too)."""
        meta = (self._storage.table(META_TABLE) or {}).get("1", {})
        value = meta.get("file_id")
        return value if isinstance(value, str) else None

    # -- passphrase protection (voicesgroup.store.passphrase) ------------------------------

    @property
    def encrypted(self) -> bool:
        return self.unlocked is not None

    def use_key(self, unlocked: crypto.Unlocked | None) -> None:
        """Save under this key from now on (None: unencrypted)."""
        self.unlocked = unlocked
        if unlocked is None:
            self._storage.set_encoder(lambda blob: blob)
        else:
            from voicesgroup.store import crypto

            self._storage.set_encoder(lambda blob: crypto.seal(blob, unlocked))

    def check_passphrase(self, passphrase: str) -> bool:
        """True when `passphrase` opens this file (used to unlock after the idle lock)."""
        from voicesgroup.store import passphrase as protection

        return protection.check_passphrase(self, passphrase)

    def set_passphrase(self, passphrase: str, kdf: crypto.KdfParams | None = None) -> str:
        """Encrypt the file and its backups; returns the recovery key, to be shown once.

        Prefer `passphrase.prepare_set` + `passphrase.apply`, which let the key be shown and
        confirmed before anything is converted.
        """
        from voicesgroup.store import passphrase as protection

        change = protection.prepare_set(self, passphrase, kdf)
        protection.apply(self, change)
        return change.recovery_key or ""

    def change_passphrase(self, new_passphrase: str, kdf: crypto.KdfParams | None = None) -> None:
        """Re-wrap the data key under a new passphrase, in the file and in every backup."""
        from voicesgroup.store import passphrase as protection

        protection.apply(self, protection.prepare_change(self, new_passphrase, kdf))

    # -- forgetting and checking (voicesgroup.store.forgetting, .integrity) ----------------

    def forget_member(
        self, member_id: UUID, *, told: bool = False, words: Iterable[str] = ()
    ) -> ForgetReport:
        """Erase every personal record of a member, here and in every backup (`told`: the
        organisation's tombstone names them, so even when nothing here refers to them;
        `words`: texts a person said hold the word, not the member, `Mention.word_keys`)."""
        from voicesgroup.store import forgetting

        return forgetting.forget_member(self, member_id, told=told, words=words)

    def mentions_of(self, name: str) -> list[str]:
        """Where a name still appears as a whole word in stored free text, in plain words."""
        from voicesgroup.store import forgetting

        return forgetting.mentions_of(self, name)

    def problems(self) -> list[str]:
        """Everything wrong with the stored data, as sentences; empty when it is sound."""
        from voicesgroup.store import integrity

        return integrity.problems(self)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Make several changes one atomic save; on an error none of them remain."""
        try:
            with self._storage.deferred():
                yield
        except BaseException:
            self.tables.forget_caches()
            raise

    def worked_out(self, name: str, work_out: Callable[[], T]) -> T:
        """`work_out()`, kept under `name` until the data next changes in any way (every
        write counts, `SafeStorage.changes`): for what screens ask again and again from the
        stored documents, such as whether the room view is on."""
        stamp = self._storage.changes
        kept = self._worked_out.get(name)
        if kept is not None and kept[0] == stamp:
            return cast(T, kept[1])
        value = work_out()
        self._worked_out[name] = (stamp, value)
        return value

    def documents_replaced(self) -> None:
        """The stored documents were changed in place as a whole (an exchange's merge, in
        `storage.read()`): what was read from them before is read again."""
        self._storage.changes += 1
        self.tables.forget_caches()

    def apply_changes(self, changes: Changes) -> None:
        """Put in what a change made on a scratch copy of this data did (see
        `Snapshot.scratch`), as one write. Refused, with nothing changed, when this data is no
        longer what the copy was taken of, or when the change reaches a table whose records
        are saved only with a member's consent checked (those are never changed this way)."""
        self.refuse_if_read_only()
        reached = changes.tables & CONSENT_CHECKED_TABLES
        if reached:
            raise RuntimeError(f"Changes to {', '.join(sorted(reached))} are saved one by one.")
        if not changes.base.holds(self):
            raise ChangedMeanwhile(
                "Not changed: the data changed while this change was being checked; "
                "nothing was saved, so try again."
            )
        with self._storage.deferred():
            self.tables.apply(changes.put, changes.removed, changes.built)

    def built(self, table: str, keys: Iterable[str]) -> dict[str, Record]:
        """The records this store has already built from these documents of `table` (by
        their number), so that whoever takes the documents need not build them again."""
        return self.tables.built(table, keys)

    def _before_change(self, table: str) -> None:
        self.refuse_if_read_only()

    def count(self, model: type[Record]) -> int:
        return len(self._storage.table(model.TABLE) or {})

    # -- groups, members, facilitators -----------------------------------------------------

    def groups(self, include_archived: bool = False) -> list[Group]:
        groups = self.tables.all(models.Group)
        if not include_archived:
            groups = [group for group in groups if not group.archived]
        return sorted(groups, key=lambda group: group.name.casefold())

    def group(self, group_id: UUID) -> Group:
        return self.tables.get(models.Group, group_id)

    def save_group(self, group: Group) -> None:
        self.tables.put(group)

    def members(self) -> list[Member]:
        return sorted(
            self.tables.all(models.Member), key=lambda member: member.display_name.casefold()
        )

    def member(self, member_id: UUID) -> Member:
        return self.tables.get(models.Member, member_id)

    def save_member(self, member: Member) -> None:
        """Save a member; a changed name keeps the one before among `former_names`, so that
        forgetting them finds texts written while they went by it."""
        stored = self.tables.ids("members").get(str(member.id))
        if stored is not None:
            member = _with_former_name(self.member(member.id), member)
        self.tables.put(member)

    def facilitators(self, include_inactive: bool = True) -> list[Facilitator]:
        found = sorted(
            self.tables.all(models.Facilitator), key=lambda person: person.display_name.casefold()
        )
        return found if include_inactive else [person for person in found if person.active]

    def facilitator(self, facilitator_id: UUID) -> Facilitator:
        return self.tables.get(models.Facilitator, facilitator_id)

    def save_facilitator(self, facilitator: Facilitator) -> None:
        self.tables.put(facilitator)

    def find_group(self, name_or_id: str) -> Group:
        return _find_one(self.groups(include_archived=True), name_or_id, "group", "name")

    def find_member(self, name_or_id: str) -> Member:
        return _find_one(self.members(), name_or_id, "member", "display_name")

    def find_facilitator(self, name_or_id: str) -> Facilitator:
        return _find_one(self.facilitators(), name_or_id, "facilitator", "display_name")

    # -- consent ---------------------------------------------------------------------------

    def consent_events(self, member_id: UUID | None = None) -> list[ConsentEvent]:
        """Consent events, oldest first: one member's, or everyone's."""
        if member_id is not None:
            return list(self.events_by_member().get(member_id, ()))
        return sorted(
            self.tables.all(models.ConsentEvent), key=lambda event: (event.on, event.created_at)
        )

    def events_by_member(self) -> dict[UUID, list[ConsentEvent]]:
        """Consent events grouped by member, oldest first (kept until consent changes).

        The consent rule asks this on every named save, so it must not scan every event.
        """

        def work_out() -> dict[UUID, list[ConsentEvent]]:
            grouped: dict[UUID, list[ConsentEvent]] = {}
            for event in self.consent_events():
                grouped.setdefault(event.member_id, []).append(event)
            return grouped

        return self.tables.derived("consent_events", "events by member", work_out)

    def event_views_by_member(self) -> dict[str, list[consent.EventView]]:
        """Consent events as the rule reads them, by member id, straight from the documents.

        For the home screen, which paints before any model is loaded and asks again each
        time it is shown; kept until consent changes.
        """

        def work_out() -> dict[str, list[consent.EventView]]:
            grouped: dict[str, list[consent.EventView]] = {}
            for document in self.documents("consent_events"):
                grouped.setdefault(document["member_id"], []).append(consent.EventView.of(document))
            return grouped

        return self.tables.derived("consent_events", "event views by member", work_out)

    def consents_by_member(self) -> dict[UUID, set[ConsentScope]]:
        """Every member's current consents (for lists)."""
        return {
            member_id: consent.current_scopes(events, member_id)
            for member_id, events in self.events_by_member().items()
        }

    def current_consents(self, member_id: UUID) -> set[ConsentScope]:
        return consent.current_scopes(self.consent_events(member_id), member_id)

    def has_consent(self, member_id: UUID, scope: ConsentScope) -> bool:
        return scope in self.current_consents(member_id)

    def require_consent(self, member_id: UUID, scope: ConsentScope) -> None:
        """The consent rule: raise ConsentMissing unless `member_id` consents to `scope`."""
        consent.require_consent(self.consent_events(member_id), self.member(member_id), scope)

    def give_consent(self, event: ConsentEvent) -> None:
        """Record consent given (or renewed) for one scope."""
        if event.action is not ConsentAction.GIVEN:
            raise ValueError("Use withdraw_consent to record a withdrawal")
        self.member(event.member_id)
        with self.batch():
            self.tables.put(event)
            self.audit("consent given", f"{event.scope.label} ({event.method.label})")

    def withdraw_consent(self, event: ConsentEvent, *, erase: bool) -> None:
        """Record a withdrawal and deal with what the scope covered, in one atomic save.

        `erase` removes covered records now; otherwise they are kept restricted (shown only in
        the member's own record). Named attendance always becomes anonymous head counts, and a
        strategy always loses the member's name, so totals never change.
        """
        if event.action is not ConsentAction.WITHDRAWN:
            raise ValueError("A withdrawal must be recorded as withdrawn")
        member_id = event.member_id
        self.member(member_id)
        from voicesgroup.store import erasing

        erased = self._erased_by(member_id, event.scope) if erase else {}
        # and from every backup: journaled first (`erasing`)
        with erasing.erasure(self, erased), self.batch():
            self.tables.put(event)
            self.carry_out_withdrawal(member_id, event.scope, erase=erase)

    def _erased_by(self, member_id: UUID, scope: ConsentScope) -> dict[str, list[str]]:
        """The ids of the records a withdrawal of `scope` with "erase" removes, by table."""
        model: type[models.Note | models.ContactDetail]
        if scope is ConsentScope.PERSONAL_NOTES:
            model = models.Note
        elif scope is ConsentScope.CONTACT_DETAILS:
            model = models.ContactDetail
        else:
            return {}
        found = self.tables.where(model, member_id=member_id)
        return {model.TABLE: [str(record.id) for record in found]}

    def carry_out_withdrawal(self, member_id: UUID, scope: ConsentScope, *, erase: bool) -> None:
        """What a withdrawal of `scope` does to what it covered (the event itself is recorded
        by the caller): here by `withdraw_consent`, on another laptop by the exchange that
        brings the withdrawal in, in the same atomic save as the merge."""
        with self.batch():
            kept = "kept restricted" if not erase else "erased"
            self.audit("consent withdrawn", f"{scope.label}; what it covered: {kept}")
            if scope is ConsentScope.ATTENDANCE_BY_NAME:
                covered.anonymise_attendance(self.tables, member_id)
            elif scope is ConsentScope.STRATEGY_ATTRIBUTION:
                covered.remove_attribution(self.tables, member_id)
            elif scope is ConsentScope.PERSONAL_NOTES:
                covered.erase_or_restrict(self.tables, models.Note, member_id, erase)
            elif scope is ConsentScope.CONTACT_DETAILS:
                covered.erase_or_restrict(self.tables, models.ContactDetail, member_id, erase)

    # -- sessions --------------------------------------------------------------------------

    def sessions(self, group_id: UUID | None = None) -> list[Session]:
        found = (
            self.tables.where(models.Session, group_id=group_id)
            if group_id
            else self.tables.all(models.Session)
        )
        return sorted(found, key=lambda session: (session.date, session.created_at), reverse=True)

    def session(self, session_id: UUID) -> Session:
        return self.tables.get(models.Session, session_id)

    def sessions_in_progress(self) -> list[Session]:
        return self.tables.where(models.Session, status=SessionStatus.IN_PROGRESS.value)

    def save_session(self, session: Session) -> None:
        """Save a session; every named attendee must consent to attendance by name, and
        have done so on the session's date."""
        for member_id in session.named_member_ids:
            consent.require_named_attendance(
                self.consent_events(member_id), self.member(member_id), session.date
            )
        self.tables.put(session)

    # -- notes and contact details ---------------------------------------------------------

    def notes(self, member_id: UUID, include_restricted: bool = False) -> list[Note]:
        found = self.tables.where(models.Note, member_id=member_id)
        if not include_restricted:
            found = [note for note in found if not note.restricted]
        return sorted(found, key=lambda note: note.created_at)

    def all_notes(self) -> list[Note]:
        """Every note, restricted ones included (for retention and checks)."""
        return self.tables.all(models.Note)

    def delete_notes(self, note_ids: Iterable[UUID]) -> None:
        self.tables.delete(models.Note, note_ids)

    def save_note(self, note: Note) -> None:
        """Save a note written with a member; refused without consent for personal notes."""
        self.require_consent(note.member_id, ConsentScope.PERSONAL_NOTES)
        self.tables.put(note)

    def contact_details(
        self, member_id: UUID, include_restricted: bool = False
    ) -> list[ContactDetail]:
        found = self.tables.where(models.ContactDetail, member_id=member_id)
        return found if include_restricted else [item for item in found if not item.restricted]

    def save_contact_detail(self, detail: ContactDetail) -> None:
        """Save a member's contact detail; refused without consent for contact details."""
        self.require_consent(detail.member_id, ConsentScope.CONTACT_DETAILS)
        self.tables.put(detail)

    # -- strategies, contacts, rota, settings ----------------------------------------------

    def strategies(self, include_archived: bool = False) -> list[CopingStrategy]:
        found = self.tables.all(models.CopingStrategy)
        if not include_archived:
            found = [strategy for strategy in found if not strategy.archived]
        return sorted(found, key=lambda strategy: strategy.title.casefold())

    def strategy(self, strategy_id: UUID) -> CopingStrategy:
        return self.tables.get(models.CopingStrategy, strategy_id)

    def save_strategy(self, strategy: CopingStrategy) -> None:
        """Save a strategy; a member's name beside it needs their consent to attribution."""
        if strategy.attributed_member_id is not None:
            self.require_consent(strategy.attributed_member_id, ConsentScope.STRATEGY_ATTRIBUTION)
        self.tables.put(strategy)

    def delete_strategy(self, strategy_id: UUID) -> None:
        """Remove a strategy for good (the library archives instead; an exchange's second
        version of one is removed once a person has chosen)."""
        self.tables.delete(models.CopingStrategy, [strategy_id])

    def support_contacts(self) -> list[SupportContact]:
        return sorted(
            self.tables.all(models.SupportContact),
            key=lambda contact: (contact.local, contact.name),
        )

    def save_support_contact(self, contact: SupportContact) -> None:
        self.tables.put(contact)

    def delete_support_contact(self, contact_id: UUID) -> None:
        self.tables.delete(models.SupportContact, [contact_id])

    def rota(self, group_id: UUID | None = None) -> list[RotaAssignment]:
        found = (
            self.tables.where(models.RotaAssignment, group_id=group_id)
            if group_id
            else self.tables.all(models.RotaAssignment)
        )
        return sorted(found, key=lambda item: (item.date, str(item.group_id)))

    def save_rota(self, assignments: Iterable[RotaAssignment]) -> None:
        with self.batch():
            for assignment in assignments:
                self.tables.put(assignment)

    def delete_rota(self, assignment_ids: Iterable[UUID]) -> None:
        self.tables.delete(models.RotaAssignment, assignment_ids)

    def settings(self) -> Settings:
        from pydantic import ValidationError

        try:
            return models.Settings.model_validate(self._stored_settings())
        except ValidationError as error:
            where = f"the settings: {first_error(error)}"
            raise DamagedFile(malformed_record_sentence(self.path, where)) from None

    def setting(self, name: str) -> Any:
        """One setting as stored (the model's default when the file has none), unparsed."""
        stored = self._stored_settings()
        return stored[name] if name in stored else getattr(self.settings(), name)

    def _stored_settings(self) -> dict[str, Any]:
        settings: dict[str, dict[str, Any]] = self._storage.table(SETTINGS_TABLE) or {}
        return settings.get("1", {})

    def save_settings(self, settings: Settings) -> None:
        self.tables.put_settings(settings.model_dump(mode="json"))

    # -- records of the facilitators' path (the rules are in voicesgroup/facilitator_path.py) --

    def records(self, model: type[RecordT], **equals: Any) -> list[RecordT]:
        """Stored records of one kind, optionally those whose fields equal the given values."""
        return self.tables.where(model, **equals) if equals else self.tables.all(model)

    def save_record(self, record: Record) -> None:
        """Save a record that no consent rule applies to (paths, supervision, follow-ups)."""
        if not isinstance(record, _plain_records()):
            raise TypeError(f"{type(record).__name__} is saved through its own method")
        self.tables.put(record)

    def delete_record(self, record: Record) -> None:
        """Delete a record that no consent rule applies to (paths, supervision, follow-ups)."""
        if not isinstance(record, _plain_records()):
            raise TypeError(f"{type(record).__name__} is deleted through its own method")
        self.tables.delete(type(record), [record.id])

    # -- the audit log ---------------------------------------------------------------------

    def audit(self, action: str, detail: str = "", actor: str = "") -> None:
        """Append to the audit log: what was done, never content or a member's name."""
        entries = self.tables.all(models.AuditEntry)
        self.tables.put(audit.next_entry(entries[-1] if entries else None, action, detail, actor))

    def audit_log(self) -> list[AuditEntry]:
        """The audit log, oldest first."""
        return self.tables.all(models.AuditEntry)

    def raw_bytes(self) -> bytes:
        """The serialised data as it is (or would be) on disk, unencrypted: for tests and export."""
        return orjson.dumps(self._storage.read())


def _plain_records() -> tuple[type[Record], ...]:
    """Records no consent rule applies to: `save_record` and `delete_record` take them.

    A function, not a constant, so the models load after Home's first paint.
    """
    return (models.FacilitatorPath, models.SupervisionMeeting, models.FollowUpState)


def name_key(name: str) -> str:
    """How a typed name is compared with a stored one, everywhere a record is looked up by
    name (here and in the exchange folder): the spaces around it set aside, case ignored."""
    return name.strip().casefold()


def _find_one(records: list[RecordT], name_or_id: str, kind: str, attribute: str) -> RecordT:
    """One record by exact id, or by name (`name_key`); clear errors otherwise."""
    wanted = name_or_id.strip()
    for record in records:
        if str(record.id) == wanted:
            return record
    matches = [r for r in records if name_key(getattr(r, attribute)) == name_key(wanted)]
    if not matches:
        raise NotFound(f"No {kind} called {wanted!r}.")
    if len(matches) > 1:
        ids = ", ".join(str(record.id) for record in matches)
        raise Ambiguous(
            f"There are {len(matches)} {kind}s called {wanted!r}; say which by id: {ids}.", matches
        )
    return matches[0]


def _with_former_name(before: Member, after: Member) -> Member:
    """`after`, with `before`'s name and earlier names kept among its former names (each once,
    ignoring case, never the name it now goes by)."""
    kept: list[str] = []
    for name in [*before.former_names, *after.former_names, before.display_name]:
        folded = name.casefold()
        if folded != after.display_name.casefold() and folded not in {k.casefold() for k in kept}:
            kept.append(name)
    if kept == after.former_names:
        return after
    return after.model_copy(update={"former_names": kept})
