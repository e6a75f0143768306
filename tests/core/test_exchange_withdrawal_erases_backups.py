"""A withdrawal with "erase it now" that comes in through the exchange erases from the
receiving laptop's backups too, as one recorded there does (`store.erasing`, one home), even
when that exchange is killed half-way.

The note's words are searched for in every file of the receiving laptop's folder, backups
included, after the exchange, and after a kill at every disk call of it followed by the next
opening for changes."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from uuid import UUID

import pytest

from tests.helpers.exchange_laptops import NOTE_WORDS, Laptops, two_group_laptops
from tests.helpers.faults import killed_at
from tests.helpers.files import files_holding
from voicesgroup.exchange import service
from voicesgroup.kinds import ConsentAction, ConsentMethod, ConsentScope
from voicesgroup.models import ConsentEvent, ContactDetail, Note
from voicesgroup.store import Store, integrity
from voicesgroup.store.owned import erasing_file


def _withdrawn_on_the_first(tmp_path: Path, *, erase: bool = True) -> Laptops:
    """Two laptops of a group holding a member's note; the first records the withdrawal of
    consent to notes and sends it. The second has not taken it in yet."""
    made = two_group_laptops(tmp_path)
    for _ in range(2):  # the second laptop's backups hold the note
        with Store.open(made.second) as store:
            service.exchange(store)
    assert len(files_holding(made.second.parent, NOTE_WORDS)) >= 2, "no backup held the note"
    with Store.open(made.group) as store:
        [member] = store.members()
        store.withdraw_consent(
            ConsentEvent(
                member_id=member.id,
                scope=ConsentScope.PERSONAL_NOTES,
                action=ConsentAction.WITHDRAWN,
                method=ConsentMethod.SAID_IN_ROOM,
                wording_version="1",
                recorded_by="Rosa",
            ),
            erase=erase,
        )
        service.exchange(store)
    return made


def _exchange(path: Path) -> None:
    with Store.open(path) as store:
        service.exchange(store)


def test_an_erasure_that_came_in_leaves_the_words_in_no_file_of_that_laptop(
    tmp_path: Path,
) -> None:
    made = _withdrawn_on_the_first(tmp_path)
    _exchange(made.second)
    assert files_holding(made.second.parent, NOTE_WORDS) == []
    assert not erasing_file(made.second).exists()
    with Store.open(made.second) as store:
        assert integrity.check_folder(store) == []
        [member] = store.members()
        assert store.notes(member.id, include_restricted=True) == []


def test_a_withdrawal_kept_restricted_that_came_in_rewrites_no_backup(tmp_path: Path) -> None:
    made = _withdrawn_on_the_first(tmp_path, erase=False)
    backups = made.second.parent / f"{made.second.name}.backups"
    held = {p: p.read_bytes() for p in backups.iterdir()}
    _exchange(made.second)
    assert all(p.read_bytes() == blob for p, blob in held.items() if p.exists())
    with Store.open(made.second, readonly=True) as store:
        [member] = store.members()
        assert [n.member_words for n in store.notes(member.id, include_restricted=True)] == [
            NOTE_WORDS
        ]


@pytest.mark.slow
def test_an_exchange_bringing_an_erasure_killed_at_every_step_is_finished_at_the_next_opening(
    tmp_path: Path,
) -> None:
    made = _withdrawn_on_the_first(tmp_path / "source")
    source = made.folder.parent
    step = 0
    while True:
        step += 1
        copy = tmp_path / f"step-{step}"
        shutil.copytree(source, copy)
        second = copy / made.second.relative_to(source)
        # (the copied folder is another place: the second laptop takes a new replica id,
        # which changes nothing of what it takes in)
        finished = killed_at(step, partial(_exchange, second))
        with Store.open(second) as store:  # the next opening for changes
            [member] = store.members()
            erased = not store.notes(member.id, include_restricted=True)
        if erased:  # the erasure reached the data file: no file of that laptop holds it
            assert files_holding(second.parent, NOTE_WORDS) == [], step
        assert not erasing_file(second).exists(), step
        shutil.rmtree(copy)
        if finished:
            assert erased, "the exchange finished without erasing: no test"
            break
    assert step > 3


def _record_of(scope: ConsentScope, member_id: UUID, words: str) -> Note | ContactDetail:
    if scope is ConsentScope.PERSONAL_NOTES:
        return Note(member_id=member_id, member_words=words, agreed_by_member=True)
    return ContactDetail(member_id=member_id, kind="phone", value=words)


def _save(store: Store, record: Note | ContactDetail) -> None:
    if isinstance(record, Note):
        store.save_note(record)
    else:
        store.save_contact_detail(record)


@pytest.mark.parametrize("scope", [ConsentScope.PERSONAL_NOTES, ConsentScope.CONTACT_DETAILS])
def test_every_record_an_erasure_covers_is_in_no_file_of_the_laptop_it_reaches(
    tmp_path: Path, scope: ConsentScope
) -> None:
    """Of either scope that erases: a record both laptops held (the merge takes it away) and
    one written on the receiving laptop after the other's last exchange (the withdrawal,
    carried out there, takes it away): neither is in any file of the receiving laptop."""
    made = two_group_laptops(tmp_path)
    shared, written_there = "07700 900123 shared", "07700 900456 written there"
    with Store.open(made.group) as store:
        [member] = store.members()
        store.give_consent(
            ConsentEvent(
                member_id=member.id,
                scope=scope,
                action=ConsentAction.GIVEN,
                method=ConsentMethod.SAID_IN_ROOM,
                wording_version="1",
                recorded_by="Rosa",
            )
        )
        _save(store, _record_of(scope, member.id, shared))
        service.exchange(store)
    _exchange(made.second)
    with Store.open(made.second) as store:
        [member] = store.members()
        _save(store, _record_of(scope, member.id, written_there))
    _exchange(made.second)  # a backup holds both now
    assert len(files_holding(made.second.parent, written_there)) >= 2
    with Store.open(made.group) as store:
        store.withdraw_consent(
            ConsentEvent(
                member_id=member.id,
                scope=scope,
                action=ConsentAction.WITHDRAWN,
                method=ConsentMethod.SAID_IN_ROOM,
                wording_version="1",
                recorded_by="Rosa",
            ),
            erase=True,
        )
        service.exchange(store)
    _exchange(made.second)
    for words in (shared, written_there):
        assert files_holding(made.second.parent, words) == [], words
    assert not erasing_file(made.second).exists()
