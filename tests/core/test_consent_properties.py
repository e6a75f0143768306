"""Properties of the consent rule under any sequence of changes.

1. No sequence of consent changes and record operations leaves a personal record without the
   consent it needs: a write is refused exactly when the member's latest answer for its kind
   is not a yes, and after every step `store.problems()` is empty and a direct check agrees.
2. Forgetting a member leaves no byte of their name, nor their id, in the data file or in any
   backup, whatever was recorded about them first.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from voicesgroup.errors import ConsentMissing
from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    ContactDetail,
    CopingStrategy,
    Group,
    MeetingPattern,
    Member,
    Note,
    Session,
    Variant,
)
from voicesgroup.store import Store, new_document
from voicesgroup.store.backups import list_backups

START = dt.datetime(2026, 1, 5, 19, 0, tzinfo=dt.UTC)
SCOPES = st.sampled_from(list(ConsentScope))
PICK = st.integers(min_value=0, max_value=3)


def consent_event(
    member_id: UUID, scope: ConsentScope, action: ConsentAction, on: dt.datetime
) -> ConsentEvent:
    return ConsentEvent(
        member_id=member_id,
        scope=scope,
        action=action,
        on=on,
        method=ConsentMethod.SAID_IN_ROOM,
        wording_version="2026-1",
        recorded_by="Rosa",
    )


def unconsented_records(store: Store) -> list[str]:
    """Every stored personal record whose member does not consent to it now, checked directly."""
    found = []
    for note in store.all_notes():
        if not note.restricted and not store.has_consent(
            note.member_id, ConsentScope.PERSONAL_NOTES
        ):
            found.append(f"note {note.id}")
    for member in store.members():
        for detail in store.contact_details(member.id):
            if not store.has_consent(member.id, ConsentScope.CONTACT_DETAILS):
                found.append(f"contact detail {detail.id}")
    for session in store.sessions():
        for member_id in session.named_member_ids:
            if not store.has_consent(member_id, ConsentScope.ATTENDANCE_BY_NAME):
                found.append(f"named attendance {member_id} on {session.date}")
    for strategy in store.strategies(include_archived=True):
        who = strategy.attributed_member_id
        if who and not store.has_consent(who, ConsentScope.STRATEGY_ATTRIBUTION):
            found.append(f"attribution of {strategy.title}")
    return found


class ConsentRules(RuleBasedStateMachine):
    """Random consent changes and writes, against a model of each member's latest answer."""

    @initialize()
    def open_store(self) -> None:
        path = Path(tempfile.gettempdir()) / f"never-written-{uuid4()}.json"
        self.store = Store.in_memory(new_document(), path)
        self.group = Group(
            name="Tuesday Voices", variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1)
        )
        self.store.save_group(self.group)
        self.strategy = CopingStrategy(title="Humming along", category="distraction")
        self.store.save_strategy(self.strategy)
        self.clock = START
        self.latest: dict[tuple[UUID, ConsentScope], tuple[dt.datetime, ConsentAction]] = {}
        self.live: list[Member] = []
        self.forgotten: list[UUID] = []
        for name in ("Sam", "Sam"):
            self.add_member(name)

    # -- the model ---------------------------------------------------------------------------

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=7)
        return self.clock

    def agrees(self, member: Member, scope: ConsentScope) -> bool:
        latest = self.latest.get((member.id, scope))
        return latest is not None and latest[1] is ConsentAction.GIVEN

    def pick(self, index: int) -> Member:
        return self.live[index % len(self.live)]

    def remember(self, event: ConsentEvent) -> None:
        key = (event.member_id, event.scope)
        current = self.latest.get(key)
        if current is None or event.on >= current[0]:
            self.latest[key] = (event.on, event.action)

    def expect(self, allowed: bool, write) -> None:
        """Do a write; it must succeed exactly when the model says consent is current."""
        if allowed:
            write()
        else:
            with pytest.raises(ConsentMissing):
                write()

    # -- rules -------------------------------------------------------------------------------

    @rule(name=st.sampled_from(["Sam", "Kit", "Zoë"]))
    def add_member(self, name: str) -> None:
        member = Member(display_name=name, joined_on=self.clock.date())
        self.store.save_member(member)
        self.live.append(member)

    @precondition(lambda self: self.live)
    @rule(index=PICK, scope=SCOPES, backdated_days=st.sampled_from([0, 0, 0, 3, 400]))
    def give(self, index: int, scope: ConsentScope, backdated_days: int) -> None:
        on = self.tick() - dt.timedelta(days=backdated_days)
        event = consent_event(self.pick(index).id, scope, ConsentAction.GIVEN, on)
        self.store.give_consent(event)
        self.remember(event)

    @precondition(lambda self: self.live)
    @rule(index=PICK)
    def give_everything(self, index: int) -> None:
        member = self.pick(index)
        on = self.tick()
        for scope in ConsentScope:
            event = consent_event(member.id, scope, ConsentAction.GIVEN, on)
            self.store.give_consent(event)
            self.remember(event)

    @precondition(lambda self: self.live)
    @rule(index=PICK, scope=SCOPES, erase=st.booleans())
    def withdraw(self, index: int, scope: ConsentScope, erase: bool) -> None:
        member = self.pick(index)
        event = consent_event(member.id, scope, ConsentAction.WITHDRAWN, self.tick())
        before = {
            ConsentScope.PERSONAL_NOTES: self.store.notes(member.id, include_restricted=True),
            ConsentScope.CONTACT_DETAILS: self.store.contact_details(
                member.id, include_restricted=True
            ),
        }.get(scope, [])
        self.store.withdraw_consent(event, erase=erase)
        self.remember(event)
        after = {
            ConsentScope.PERSONAL_NOTES: self.store.notes(member.id, include_restricted=True),
            ConsentScope.CONTACT_DETAILS: self.store.contact_details(
                member.id, include_restricted=True
            ),
        }.get(scope, [])
        if erase:
            assert after == []
        else:
            assert {item.id for item in after} == {item.id for item in before}
            assert all(item.restricted for item in after)

    @precondition(lambda self: self.live)
    @rule(index=PICK)
    def save_note(self, index: int) -> None:
        member = self.pick(index)
        note = Note(
            member_id=member.id,
            member_words=f"What helped {member.display_name}",
            agreed_by_member=True,
        )
        self.expect(
            self.agrees(member, ConsentScope.PERSONAL_NOTES), lambda: self.store.save_note(note)
        )

    @precondition(lambda self: self.store.all_notes())
    @rule(index=PICK)
    def correct_note(self, index: int) -> None:
        notes = sorted(self.store.all_notes(), key=lambda note: str(note.id))
        note = notes[index % len(notes)]
        member = self.store.member(note.member_id)
        corrected = note.with_changes(member_words="In my own words, again", updated_at=self.tick())
        self.expect(
            self.agrees(member, ConsentScope.PERSONAL_NOTES),
            lambda: self.store.save_note(corrected),
        )
        kept = [item for item in self.store.all_notes() if item.id == note.id]
        assert len(kept) == 1

    @precondition(lambda self: self.live)
    @rule(index=PICK)
    def save_contact_detail(self, index: int) -> None:
        member = self.pick(index)
        detail = ContactDetail(member_id=member.id, kind="phone", value="07700 900123")
        self.expect(
            self.agrees(member, ConsentScope.CONTACT_DETAILS),
            lambda: self.store.save_contact_detail(detail),
        )

    @precondition(lambda self: self.live)
    @rule(index=PICK)
    def attribute_strategy(self, index: int) -> None:
        member = self.pick(index)
        strategy = self.store.strategy(self.strategy.id).with_changes(
            attributed_member_id=member.id
        )
        self.expect(
            self.agrees(member, ConsentScope.STRATEGY_ATTRIBUTION),
            lambda: self.store.save_strategy(strategy),
        )

    @precondition(lambda self: self.live)
    @rule(indexes=st.lists(PICK, min_size=1, max_size=3, unique=True))
    def save_session(self, indexes: list[int]) -> None:
        named = list({self.pick(index).id: self.pick(index) for index in indexes}.values())
        session = Session(
            group_id=self.group.id,
            date=self.tick().date(),
            named_member_ids=[member.id for member in named],
            anonymous_count=2,
        )
        allowed = all(self.agrees(m, ConsentScope.ATTENDANCE_BY_NAME) for m in named)
        self.expect(allowed, lambda: self.store.save_session(session))
        saved = [item.id for item in self.store.sessions()]
        assert (session.id in saved) == allowed

    @precondition(lambda self: self.live)
    @rule(index=PICK)
    def forget(self, index: int) -> None:
        member = self.pick(index)
        self.store.forget_member(member.id)
        self.live.remove(member)
        self.forgotten.append(member.id)

    # -- what must always hold ---------------------------------------------------------------

    @invariant()
    def every_record_has_its_consent(self) -> None:
        if not hasattr(self, "store"):
            return
        assert self.store.problems() == []
        assert unconsented_records(self.store) == []
        for member in self.live:
            for scope in ConsentScope:
                assert self.store.has_consent(member.id, scope) == self.agrees(member, scope)

    @invariant()
    def the_forgotten_leave_no_trace(self) -> None:
        if not hasattr(self, "store") or not self.forgotten:
            return
        raw = self.store.raw_bytes()
        for member_id in self.forgotten:
            assert str(member_id).encode() not in raw


ConsentRules.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConsentRules = ConsentRules.TestCase


# -- forgetting, on disk ---------------------------------------------------------------------

# Letters that never occur together in the rest of the file, so any hit is the name itself.
NAME_LETTERS = "QXZJKVWÆØÅŽĐŊ"
OPERATIONS = st.lists(
    st.sampled_from(
        [
            "give_all",
            "note",
            "contact",
            "attribute",
            "session",
            "withdraw_notes_restrict",
            "withdraw_contacts_restrict",
            "withdraw_attendance",
        ]
    ),
    max_size=10,
)


def record(store: Store, member: Member, group: Group, strategy: CopingStrategy, op: str) -> None:
    """One operation about `member`; refusals (no consent) are part of the sequence."""
    now = dt.datetime.now(dt.UTC)
    name = member.display_name
    try:
        if op == "give_all":
            for scope in ConsentScope:
                store.give_consent(consent_event(member.id, scope, ConsentAction.GIVEN, now))
        elif op == "note":
            store.save_note(
                Note(member_id=member.id, member_words=f"{name} said this", agreed_by_member=True)
            )
        elif op == "contact":
            store.save_contact_detail(
                ContactDetail(member_id=member.id, kind="email", value=f"{name}@example.org")
            )
        elif op == "attribute":
            store.save_strategy(strategy.with_changes(attributed_member_id=member.id))
        elif op == "session":
            store.save_session(
                Session(group_id=group.id, date=now.date(), named_member_ids=[member.id])
            )
        else:
            scope = {
                "withdraw_notes_restrict": ConsentScope.PERSONAL_NOTES,
                "withdraw_contacts_restrict": ConsentScope.CONTACT_DETAILS,
                "withdraw_attendance": ConsentScope.ATTENDANCE_BY_NAME,
            }[op]
            store.withdraw_consent(
                consent_event(member.id, scope, ConsentAction.WITHDRAWN, now), erase=False
            )
    except ConsentMissing:
        pass


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(alphabet=NAME_LETTERS, min_size=4, max_size=12),
    operations=OPERATIONS,
)
def test_forgetting_leaves_no_byte_of_the_name_in_the_file_or_backups(
    name: str, operations: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "voicesgroup.json"
        with Store.open(path, seed=False) as store, store.batch():
            group = Group(
                name="Tuesday Voices",
                variant=Variant.HEARING_VOICES,
                pattern=MeetingPattern(weekday=1),
            )
            store.save_group(group)
            strategy = CopingStrategy(title="Humming along", category="distraction")
            store.save_strategy(strategy)
            member = Member(display_name=name)
            other = Member(display_name="Rowan")
            store.save_member(member)
            store.save_member(other)
            store.give_consent(
                consent_event(
                    other.id,
                    ConsentScope.PERSONAL_NOTES,
                    ConsentAction.GIVEN,
                    dt.datetime.now(dt.UTC),
                )
            )
            store.save_note(
                Note(member_id=other.id, member_words="Rowan's own words", agreed_by_member=True)
            )
            for op in operations:
                record(store, member, group, strategy, op)
        # Opening again backs up a file that still holds the name.
        with Store.open(path) as store:
            assert name.encode() in path.read_bytes()
            report = store.forget_member(member.id)
            assert store.problems() == []
            assert store.notes(other.id) != []
        blobs = [path.read_bytes()] + [b.path.read_bytes() for b in list_backups(path)]
        assert report.backups_rewritten == len(blobs) - 1 >= 1
        for blob in blobs:
            assert name.encode() not in blob
            assert str(member.id).encode() not in blob
            assert b"Rowan" in blob
