"""Reading the exchange folder ahead (an app's worker, without the store) changes nothing in
what the exchange does, and a file that changed after it was read ahead is read again."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers.exchange_laptops import change_note_on_both, two_group_laptops
from voicesgroup.exchange import outbox, service
from voicesgroup.store import Store
from voicesgroup.store.owned import exchanged_file


def test_an_exchange_with_outboxes_read_ahead_does_what_one_without_does(tmp_path: Path) -> None:
    results = []
    for ahead in (False, True):
        made = two_group_laptops(tmp_path / str(ahead))
        change_note_on_both(made, "walking helps", "music helps")
        with Store.open(made.second) as store:
            [member] = store.members()
            [note, *_] = store.notes(member.id)
            store.save_note(note.with_changes(to_remember="the canal"))
            service.exchange(store)
        with Store.open(made.group) as store:
            read = None
            if ahead:
                plan = service.reading(store)
                assert plan is not None
                with ThreadPoolExecutor(1) as pool:  # away from the thread that owns the store
                    read = pool.submit(service.read_folder, plan).result()
                assert read.opened, "the group's second laptop wrote an outbox to read"
            summary = service.exchange(store, ahead=read)
            results.append((summary.came_in, summary.problems, summary.laptops))
            [member] = store.members()
            assert "the canal" in {n.to_remember for n in store.notes(member.id)}
    assert results[0] == results[1]


def test_an_outbox_changed_after_it_was_read_ahead_is_read_again(
    tmp_path: Path,
) -> None:
    made = two_group_laptops(tmp_path)
    with Store.open(made.group) as store:
        plan = service.reading(store)
        assert plan is not None
    with Store.open(made.second) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(what_helped="tea"))
        service.exchange(store)  # its outbox changes after the read ahead below
    read_ahead = service.read_folder(plan)
    with Store.open(made.second) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(what_helped="tea and a walk"))
        service.exchange(store)
    with Store.open(made.group) as store:
        service.exchange(store, ahead=read_ahead)
        [member] = store.members()
        assert [n.what_helped for n in store.notes(member.id)] == ["tea and a walk"]


@pytest.mark.parametrize("noted", [True, False])
def test_an_outbox_that_did_not_open_ahead_is_named_as_without(tmp_path: Path, noted: bool) -> None:
    """Read ahead with the keys (no note beside the data file of these bytes: the exchange's
    table is read) or without them (the note's head: opened by the exchange)."""
    made = two_group_laptops(tmp_path)
    with Store.open(made.group) as store:  # the second laptop's first outbox, read already
        service.exchange(store)
    if not noted:
        exchanged_file(made.group).unlink()
    with Store.open(made.second) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(what_helped="tea"))
        service.exchange(store)
    [theirs] = [p for p in made.folder.glob("*.outbox") if _replica(made.second) in p.name]
    blob = theirs.read_bytes()
    at = len(outbox.read_header(blob)[1]) + 5  # inside the organisation's section
    theirs.write_bytes(blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1 :])
    with Store.open(made.group) as store:
        plan = service.reading(store)
        assert plan is not None
        read = service.read_folder(plan)
        assert (plan.org is None) == noted
        kind = bytes if noted else outbox.OutboxError
        assert any(isinstance(found, kind) for _, found in read.opened.values())
        summary = service.exchange(store, ahead=read)
    assert any(theirs.name in problem for problem in summary.problems)


def _replica(db: Path) -> str:
    from voicesgroup.exchange import state

    with Store.open(db, readonly=True) as store:
        record = state.read(store.storage.read())
        assert record is not None
        return str(record["replica"])


def test_nothing_to_read_ahead_without_set_up(tmp_path: Path) -> None:
    with Store.open(tmp_path / "vg.json") as store:
        assert service.reading(store) is None


def test_a_record_added_after_an_exchange_brought_some_in_is_kept(tmp_path: Path) -> None:
    """The exchange adds documents beside the store's tables; the next record added in the
    same open file takes a number of its own (not one the exchange gave)."""
    from voicesgroup.models import SupportContact

    made = two_group_laptops(tmp_path)
    with Store.open(made.second) as store:
        store.save_support_contact(SupportContact(name="Canal walk line", how="0800 000 000"))
        service.exchange(store)
    with Store.open(made.group) as store:
        before = len(store.support_contacts())
        store.save_support_contact(SupportContact(name="Before", how="0800 000 001"))
        service.exchange(store)
        store.save_support_contact(SupportContact(name="After", how="0800 000 002"))
        names = {contact.name for contact in store.support_contacts()}
    assert {"Canal walk line", "Before", "After"} <= names
    assert len(names) == before + 3
