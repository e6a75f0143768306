"""The consent rule: a named record exists only with the member's current, matching consent."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.helpers.files import FileState
from tests.helpers.records import add_group, add_member, event
from voicesgroup import dates
from voicesgroup.errors import ConsentMissing, NotFound
from voicesgroup.models import (
    ConsentAction,
    ConsentScope,
    ContactDetail,
    CopingStrategy,
    Group,
    Member,
    Note,
    RoundMark,
    Session,
)
from voicesgroup.store import Store, new_document
from voicesgroup.store.backups import list_backups

SCOPES = list(ConsentScope)
DAY = dt.date(2025, 2, 4)


# -- one way to make each kind of named record -------------------------------------------------


def _session(group: Group, *members: Member, anonymous: int = 0) -> Session:
    return Session(
        group_id=group.id,
        date=DAY,
        named_member_ids=[member.id for member in members],
        anonymous_count=anonymous,
        round_marks={str(member.id): RoundMark.SPOKE for member in members},
    )


def _note(member: Member) -> Note:
    return Note(member_id=member.id, member_words="Humming helps on the bus", agreed_by_member=True)


def _contact(member: Member) -> ContactDetail:
    return ContactDetail(member_id=member.id, kind="phone", value="07700 900123")


def _strategy(member: Member) -> CopingStrategy:
    return CopingStrategy(
        title="Counting lamp posts", category="distraction", attributed_member_id=member.id
    )


Save = Callable[[Store, Member, Group], None]
Find = Callable[[Store, Member], list]

PATHS: dict[ConsentScope, tuple[Save, Find]] = {
    ConsentScope.ATTENDANCE_BY_NAME: (
        lambda store, member, group: store.save_session(_session(group, member)),
        lambda store, member: [s for s in store.sessions() if member.id in s.named_member_ids],
    ),
    ConsentScope.PERSONAL_NOTES: (
        lambda store, member, group: store.save_note(_note(member)),
        lambda store, member: store.notes(member.id, include_restricted=True),
    ),
    ConsentScope.CONTACT_DETAILS: (
        lambda store, member, group: store.save_contact_detail(_contact(member)),
        lambda store, member: store.contact_details(member.id, include_restricted=True),
    ),
    ConsentScope.STRATEGY_ATTRIBUTION: (
        lambda store, member, group: store.save_strategy(_strategy(member)),
        lambda store, member: [
            s
            for s in store.strategies(include_archived=True)
            if s.attributed_member_id == member.id
        ],
    ),
}

PHRASES = {
    ConsentScope.ATTENDANCE_BY_NAME: "attendance list",
    ConsentScope.PERSONAL_NOTES: "notes",
    ConsentScope.CONTACT_DETAILS: "contact details",
    ConsentScope.STRATEGY_ATTRIBUTION: "strategies",
}


def _refused(store: Store, scope: ConsentScope, member: Member, group: Group) -> str:
    """Try the write; assert it was refused and nothing changed; return the message."""
    save, find = PATHS[scope]
    before_file = FileState.of(store.path)
    before_data = store.raw_bytes()
    with pytest.raises(ConsentMissing) as caught:
        save(store, member, group)
    assert find(store, member) == []
    assert store.raw_bytes() == before_data
    assert FileState.of(store.path) == before_file
    return str(caught.value)


@pytest.mark.parametrize("scope", SCOPES)
def test_each_named_record_needs_its_own_current_consent(store: Store, scope: ConsentScope) -> None:
    group = add_group(store)
    others = [other for other in SCOPES if other is not scope]
    member = add_member(store, "Quentin", *others)  # every consent but this one
    save, find = PATHS[scope]

    message = _refused(store, scope, member, group)
    assert "Quentin" in message
    assert PHRASES[scope] in message
    assert "not saved" in message

    store.give_consent(event(member, scope))
    save(store, member, group)
    assert len(find(store, member)) == 1
    with Store.open(store.path, readonly=True) as reader:
        assert len(find(reader, member)) == 1

    store.withdraw_consent(event(member, scope, ConsentAction.WITHDRAWN), erase=True)
    assert "Quentin" in _refused(store, scope, member, group)

    store.give_consent(event(member, scope))
    save(store, member, group)


def test_a_session_naming_one_member_without_consent_is_refused_whole(store: Store) -> None:
    group = add_group(store)
    agreed = add_member(store, "Aisha", ConsentScope.ATTENDANCE_BY_NAME)
    not_agreed = add_member(store, "Carys")
    with pytest.raises(ConsentMissing, match="Carys"):
        store.save_session(_session(group, agreed, not_agreed))
    assert store.sessions() == []


def test_a_member_who_is_not_stored_cannot_be_named(store: Store) -> None:
    group = add_group(store)
    stranger = Member(display_name="Stranger")
    with pytest.raises(NotFound, match="No such member"):
        store.save_session(_session(group, stranger))
    assert store.sessions() == []


def test_consent_given_after_a_withdrawal_on_the_same_day_counts(store: Store) -> None:
    member = add_member(store, "Ben")
    on = dt.datetime(2025, 1, 7, 19, tzinfo=dt.UTC)
    store.give_consent(event(member, ConsentScope.PERSONAL_NOTES, on=on))
    withdrawal = event(member, ConsentScope.PERSONAL_NOTES, ConsentAction.WITHDRAWN, on=on)
    store.withdraw_consent(withdrawal, erase=False)
    assert not store.has_consent(member.id, ConsentScope.PERSONAL_NOTES)
    store.give_consent(event(member, ConsentScope.PERSONAL_NOTES, on=on + dt.timedelta(hours=1)))
    assert store.current_consents(member.id) == {ConsentScope.PERSONAL_NOTES}


# -- what a withdrawal does to what the consent covered ----------------------------------------


def test_withdrawing_named_attendance_makes_it_anonymous_with_the_same_head_counts(
    store: Store,
) -> None:
    group = add_group(store)
    dev = add_member(store, "Dev", ConsentScope.ATTENDANCE_BY_NAME)
    iona = add_member(store, "Iona", ConsentScope.ATTENDANCE_BY_NAME)
    store.save_session(_session(group, dev, iona, anonymous=2))
    store.save_session(_session(group, dev))
    store.save_session(_session(group, iona, anonymous=1))
    counts = sorted(session.head_count for session in store.sessions())
    saves = store.storage.saves

    store.withdraw_consent(
        event(dev, ConsentScope.ATTENDANCE_BY_NAME, ConsentAction.WITHDRAWN), erase=False
    )

    assert store.storage.saves == saves + 1, "the withdrawal and its effects are one save"
    assert sorted(session.head_count for session in store.sessions()) == counts
    for session in store.sessions():
        assert dev.id not in session.named_member_ids
        assert str(dev.id) not in session.round_marks
    assert sum(len(s.named_member_ids) for s in store.sessions()) == 2  # Iona's stay
    assert str(dev.id).encode() not in orjson.dumps(
        orjson.loads(store.path.read_bytes())["sessions"]
    )
    assert store.problems() == []


@pytest.mark.parametrize("erase", [True, False], ids=["erase", "keep restricted"])
@pytest.mark.parametrize(
    ("scope", "make", "find"),
    [
        (ConsentScope.PERSONAL_NOTES, _note, Store.notes),
        (ConsentScope.CONTACT_DETAILS, _contact, Store.contact_details),
    ],
    ids=["notes", "contact details"],
)
def test_withdrawing_notes_or_contacts_erases_them_or_keeps_them_restricted(
    store: Store, scope: ConsentScope, make, find, erase: bool
) -> None:
    elif_ = add_member(store, "Elif", scope)
    kit = add_member(store, "Kit", scope)
    saver = store.save_note if scope is ConsentScope.PERSONAL_NOTES else store.save_contact_detail
    for record in (make(elif_), make(elif_), make(kit)):
        saver(record)

    store.withdraw_consent(event(elif_, scope, ConsentAction.WITHDRAWN), erase=erase)

    assert find(store, elif_.id) == [], "nothing of hers is shown any more"
    kept = find(store, elif_.id, include_restricted=True)
    if erase:
        assert kept == []
    else:
        assert len(kept) == 2 and all(record.restricted for record in kept)
    assert len(find(store, kit.id)) == 1, "another member's records are untouched"
    assert store.problems() == []
    with Store.open(store.path, readonly=True) as reader:
        assert len(find(reader, elif_.id, include_restricted=True)) == len(kept)


def test_withdrawing_attribution_keeps_the_strategy_without_the_name(store: Store) -> None:
    iona = add_member(store, "Iona", ConsentScope.STRATEGY_ATTRIBUTION)
    store.save_strategy(_strategy(iona).with_changes(helped_count=4))
    store.withdraw_consent(
        event(iona, ConsentScope.STRATEGY_ATTRIBUTION, ConsentAction.WITHDRAWN), erase=False
    )
    [strategy] = store.strategies()
    assert strategy.attributed_member_id is None
    assert strategy.title == "Counting lamp posts" and strategy.helped_count == 4
    assert store.problems() == []


# -- forgetting a member -----------------------------------------------------------------------


def _quillonia_everywhere(store: Store) -> tuple[Member, Group]:
    group = add_group(store)
    member = add_member(store, "Quillonia", *SCOPES)
    other = add_member(store, "Ben", ConsentScope.ATTENDANCE_BY_NAME)
    store.save_session(_session(group, member, other, anonymous=3))
    store.save_session(_session(group, member).with_changes(newcomers=1))
    store.save_note(_note(member))
    store.save_contact_detail(_contact(member))
    store.save_strategy(_strategy(member))
    return member, group


def test_after_forget_member_the_name_is_nowhere_in_the_file_or_backups(db_path: Path) -> None:
    with Store.open(db_path, seed=False) as store:
        _quillonia_everywhere(store)
    with Store.open(db_path) as store:  # this open takes a backup holding her name
        assert b"Quillonia" in list_backups(db_path)[0].path.read_bytes()
        member = store.find_member("Quillonia")
        counts = sorted(session.head_count for session in store.sessions())
        report = store.forget_member(member.id)
        assert report.redacted == []
        assert sorted(session.head_count for session in store.sessions()) == counts
        assert len(store.strategies()) == 1 and store.strategies()[0].attributed_member_id is None
        assert store.problems() == []
    for blob in [db_path.read_bytes(), *(b.path.read_bytes() for b in list_backups(db_path))]:
        assert b"Quillonia" not in blob
        assert str(member.id).encode() not in blob
    with Store.open(db_path, readonly=True) as reader:
        assert [m.display_name for m in reader.members()] == ["Ben"]
        assert sorted(session.head_count for session in reader.sessions()) == counts


def test_forget_member_redacts_free_text_that_mentions_the_name(store: Store) -> None:
    member, group = _quillonia_everywhere(store)
    store.save_session(_session(group).with_changes(themes=["Quillonia's idea about walking"]))
    report = store.forget_member(member.id)
    assert report.redacted == [f"a session's themes, follow-ups or debrief of {dates.date(DAY)}"]
    themes = [theme for session in store.sessions() for theme in session.themes]
    assert "Another member's idea about walking" in themes
    assert not any("Quillonia" in theme for theme in themes)


# -- problems() and planted violations --------------------------------------------------------


def test_problems_reports_a_note_planted_without_consent(tmp_path: Path) -> None:
    data = new_document()
    member = Member(display_name="Hamid")
    note = _note(member)
    data["members"]["1"] = member.model_dump(mode="json")
    data["notes"]["1"] = note.model_dump(mode="json")
    path = tmp_path / "planted.json"
    path.write_bytes(orjson.dumps(data))
    with Store.open(path, readonly=True) as reader:
        problems = reader.problems()
    assert problems == ["a note names a member without consent (notes written with them)"]

    data["notes"]["1"]["restricted"] = True  # kept restricted after a withdrawal: fine
    path.write_bytes(orjson.dumps(data))
    with Store.open(path, readonly=True) as reader:
        assert reader.problems() == []


def test_problems_is_empty_on_the_demo_data(demo_store: Store) -> None:
    assert demo_store.problems() == []


# -- random sequences never break the rule ----------------------------------------------------


def _fast_folder() -> Path:
    """A RAM-backed folder when there is one: thousands of fsyncs there cost nothing."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and shm.stat().st_mode & 0o002 else None
    return Path(tempfile.mkdtemp(prefix="vg-consent-", dir=base))


PEOPLE = 3


class ConsentSequences(RuleBasedStateMachine):
    """Give, withdraw, write named records and forget, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = _fast_folder()
        self.store = Store.open(self.folder / "voicesgroup.json", seed=False)
        self.group = add_group(self.store)
        self.people = [add_member(self.store, f"Member {n}") for n in range(PEOPLE)]
        self.consents: dict[UUID, set[ConsentScope]] = {m.id: set() for m in self.people}
        self.clock = dt.datetime(2025, 1, 1, 18, tzinfo=dt.UTC)
        self.head_total = 0

    def _tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=1)
        return self.clock

    def _attempt(self, allowed: bool, write: Callable[[], None]) -> None:
        if allowed:
            write()
            return
        before = self.store.raw_bytes()
        with pytest.raises(ConsentMissing):
            write()
        assert self.store.raw_bytes() == before

    @rule(who=st.integers(0, PEOPLE - 1), scope=st.sampled_from(SCOPES))
    def give(self, who: int, scope: ConsentScope) -> None:
        member = self.people[who]
        self.store.give_consent(event(member, scope, on=self._tick()))
        self.consents[member.id].add(scope)

    @rule(who=st.integers(0, PEOPLE - 1), scope=st.sampled_from(SCOPES), erase=st.booleans())
    def withdraw(self, who: int, scope: ConsentScope, erase: bool) -> None:
        member = self.people[who]
        withdrawal = event(member, scope, ConsentAction.WITHDRAWN, on=self._tick())
        self.store.withdraw_consent(withdrawal, erase=erase)
        self.consents[member.id].discard(scope)

    def _with(self, scope: ConsentScope, agreed: bool) -> list[Member]:
        return [m for m in self.people if (scope in self.consents[m.id]) == agreed]

    @rule(
        named=st.sets(st.integers(0, PEOPLE - 1)),
        anonymous=st.integers(0, 3),
        stray=st.booleans(),
    )
    def save_session(self, named: set[int], anonymous: int, stray: bool) -> None:
        """Name some who agreed; with `stray`, also one who has not (so it is refused)."""
        scope = ConsentScope.ATTENDANCE_BY_NAME
        members = [
            m for i, m in enumerate(self.people) if i in named and m in self._with(scope, True)
        ]
        lacking = self._with(scope, False)
        allowed = not (stray and lacking)
        if not allowed:
            members.append(lacking[0])
        session = _session(self.group, *members, anonymous=anonymous)
        self._attempt(allowed, lambda: self.store.save_session(session))
        if allowed:
            self.head_total += session.head_count

    @rule(who=st.integers(0, PEOPLE - 1), scope=st.sampled_from(SCOPES[1:]), stray=st.booleans())
    def save_record(self, who: int, scope: ConsentScope, stray: bool) -> None:
        """A record for someone who agreed, or with `stray` for someone who has not."""
        candidates = self._with(scope, agreed=not stray) or self.people
        member = candidates[who % len(candidates)]
        save, _ = PATHS[scope]
        allowed = scope in self.consents[member.id]
        self._attempt(allowed, lambda: save(self.store, member, self.group))

    @rule(who=st.integers(0, PEOPLE - 1))
    def forget(self, who: int) -> None:
        member = self.people[who]
        self.store.forget_member(member.id)
        del self.consents[member.id]
        self.people[who] = add_member(self.store, f"Member {who} again")
        self.consents[self.people[who].id] = set()

    @invariant()
    def the_rule_holds(self) -> None:
        assert self.store.problems() == []

    @invariant()
    def consents_are_what_was_given(self) -> None:
        for member in self.people:
            assert self.store.current_consents(member.id) == self.consents[member.id]

    @invariant()
    def head_counts_never_change(self) -> None:
        assert sum(s.head_count for s in self.store.sessions()) == self.head_total

    def teardown(self) -> None:
        path = self.store.path
        self.store.close()
        try:
            with Store.open(path, readonly=True) as reader:
                assert reader.problems() == []
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


ConsentSequences.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_sequences_of_consent_changes_never_break_the_rule = ConsentSequences.TestCase
