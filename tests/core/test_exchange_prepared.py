"""One exchange in three steps (`one_exchange`): prepared on a copy, applied in one save only
on the very data it was prepared from, then delivered; and "nothing new", told from the files
alone, never passes over something that needed exchanging."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import (
    Laptops,
    contact,
    laptops_bringing_a_change,
    two_group_laptops,
)
from voicesgroup.errors import ChangedMeanwhile, SaveFailed
from voicesgroup.exchange import service
from voicesgroup.exchange.folder import outbox_name
from voicesgroup.store import Store
from voicesgroup.store.snapshot import Snapshot


@pytest.fixture
def brings_changes(tmp_path: Path) -> Laptops:
    return laptops_bringing_a_change(tmp_path)


def names(store: Store) -> set[str]:
    return {c.name for c in store.support_contacts()}


def test_a_change_made_while_it_was_prepared_refuses_the_exchange_whole(
    brings_changes: Laptops,
) -> None:
    with Store.open(brings_changes.group) as store:
        prepared = service.prepare(service.begin(store))
        assert prepared.summary.came_in == {"support_contacts": 1}
        store.save_support_contact(contact("Harbour line"))  # meanwhile, on this laptop
        on_disk = store.path.read_bytes()
        outboxes = {p: p.read_bytes() for p in brings_changes.folder.glob("*.outbox")}
        with pytest.raises(ChangedMeanwhile):
            service.apply(store, prepared)
        assert store.path.read_bytes() == on_disk, "half an exchange was saved"
        assert {p: p.read_bytes() for p in outboxes} == outboxes
        assert names(store) >= {"Harbour line"} and "Canal walk line" not in names(store)
        service.exchange(store)  # made again from the data as it is now: both sides
        assert {"Harbour line", "Canal walk line"} <= names(store)
    with Store.open(brings_changes.second) as store:
        service.exchange(store)
        assert "Harbour line" in names(store)


def test_a_save_under_way_when_it_began_refuses_it_though_the_data_is_the_same(
    brings_changes: Laptops,
) -> None:
    """The app's save worker marks the data saved as it starts writing: a snapshot taken then
    holds a change the file does not yet, and the copy, finding the file as the last exchange
    left it, stamps nothing. The save's end changes the file under the snapshot: refused."""
    with Store.open(brings_changes.group) as store:
        storage = store.storage
        storage.autosave = False
        store.save_support_contact(contact("Harbour line"))
        storage.unsaved = False  # the save worker has begun; the file is not written yet
        basis = service.begin(store)
        prepared = service.prepare(basis)
        storage.save()  # it ends
        assert basis.snapshot is not None and basis.snapshot.holds(store)
        with pytest.raises(ChangedMeanwhile):
            service.apply(store, prepared)
        storage.autosave = True
        service.exchange(store)
    with Store.open(brings_changes.second) as store:
        service.exchange(store)
        assert "Harbour line" in names(store), "a change was never sent"


def test_a_save_that_fails_in_apply_puts_the_old_data_back(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.store import storage

    with Store.open(brings_changes.group) as store:
        prepared = service.prepare(service.begin(store))
        before = Snapshot.of(store)

        def full(path: Path, blob: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(storage, "write_atomically", full)
        with pytest.raises(SaveFailed):
            service.apply(store, prepared)
        monkeypatch.undo()
        assert before.holds(store) and "Canal walk line" not in names(store)
        service.exchange(store)
        assert "Canal walk line" in names(store)


def test_preparing_changes_nothing_but_its_copy(brings_changes: Laptops) -> None:
    with Store.open(brings_changes.group) as store:
        before = Snapshot.of(store)
        files = {p: p.read_bytes() for p in brings_changes.folder.parent.rglob("*") if p.is_file()}
        service.prepare(service.begin(store))
        assert before.holds(store)
        after = {p: p.read_bytes() for p in brings_changes.folder.parent.rglob("*") if p.is_file()}
        assert after == files


# -- the adversary: "nothing new" is never said when something was --------------------------

Step = Callable[[Laptops], None]


def _edit_here(made: Laptops) -> None:
    with Store.open(made.group) as store:
        store.save_support_contact(contact(f"Line {len(store.support_contacts())}"))


def _edit_there(made: Laptops) -> None:
    with Store.open(made.second) as store:
        store.save_support_contact(contact(f"Far line {len(store.support_contacts())}"))
        service.exchange(store)


def _exchange_here(made: Laptops) -> None:
    with Store.open(made.group) as store:
        service.exchange(store)


def _conflict_copy(made: Laptops) -> None:
    own = _own(made).name
    [theirs] = [
        p for p in made.folder.glob("*.outbox") if p.name != own and "conflict" not in p.name
    ]
    copy = theirs.with_name(theirs.stem + ".sync-conflict-20260101-000000-ABCDEFG.outbox")
    copy.write_bytes(theirs.read_bytes())


def _own_outbox_gone(made: Laptops) -> None:
    _own(made).unlink(missing_ok=True)


def _file_touched_elsewhere(made: Laptops) -> None:
    """Another program rewrote the data file with what it held (a restore, a sync)."""
    blob = made.group.read_bytes()
    made.group.write_bytes(blob.replace(b"Tuesday", b"Tuesdya", 1))


def _own(made: Laptops) -> Path:
    with Store.open(made.group, readonly=True) as store:
        record = store.storage.read()["_exchange"]["1"]
    return made.folder / f"voicesgroup-{record['replica']}.outbox"


STEPS: dict[str, Step] = {
    "edit here": _edit_here,
    "edit there": _edit_there,
    "exchange here": _exchange_here,
    "conflict copy": _conflict_copy,
    "own outbox gone": _own_outbox_gone,
    "file touched": _file_touched_elsewhere,
}


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=5))
def test_nothing_new_is_said_only_when_a_whole_exchange_would_find_nothing(
    tmp_path_factory: pytest.TempPathFactory, steps: list[str]
) -> None:
    made = two_group_laptops(tmp_path_factory.mktemp("laptops"))
    _exchange_here(made)
    for step in steps:
        STEPS[step](made)
    with Store.open(made.group) as store:
        basis = service.begin(store)
        whole = service.prepare(service.Basis(Snapshot.of(store), basis.checksum))
        if basis.snapshot is None:  # "nothing new": a whole exchange must agree
            assert whole.data is None and whole.sealed is None, steps
            assert not whole.summary.came_in and not whole.remove, steps
        service.exchange(store)  # after exchanging (a conflict copy read: twice), nothing is
        service.exchange(store)  # new
        assert service.begin(store).snapshot is None, steps


def test_an_encrypted_data_file_takes_in_the_exchange_and_stays_encrypted(
    brings_changes: Laptops, quick_kdf: None
) -> None:
    from voicesgroup.store.storage import looks_encrypted

    with Store.open(brings_changes.group) as store:
        store.set_passphrase("river stones and tea")
        prepared = service.prepare(service.begin(store))
        service.deliver(service.apply(store, prepared))
        assert "Canal walk line" in names(store)
    assert looks_encrypted(brings_changes.group.read_bytes())
    with Store.open(brings_changes.group, passphrase="river stones and tea") as store:
        assert "Canal walk line" in names(store)
        assert service.begin(store).snapshot is None, "the note is of the encrypted file"


def _opened(blob: bytes, data_file: Path) -> tuple[int, list[str], list[str]]:
    """An outbox's parts and tombstones, opened with the keys the data file keeps."""
    import orjson

    from voicesgroup.exchange import outbox, state

    record = state.read(orjson.loads(data_file.read_bytes()))
    assert record is not None
    keys = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    contents = outbox.open_sealed(blob, bytes.fromhex(record["org_key"]), keys)
    return contents.serial, sorted(map(repr, contents.parts)), sorted(contents.tombstones)


def _forget_the_member(store: Store) -> None:
    for member in store.members():
        store.forget_member(member.id)


MEANWHILE: dict[str, Callable[[Store], None]] = {
    "a contact added": lambda store: store.save_support_contact(contact("Harbour line")),
    "a contact changed": lambda store: store.save_support_contact(
        store.support_contacts()[0].model_copy(update={"when": "evenings"})
    ),
    "a contact deleted": lambda store: store.delete_support_contact(
        store.support_contacts()[-1].id
    ),
    "the organisation renamed": lambda store: store.save_settings(
        store.settings().model_copy(update={"organisation": "Harbour"})
    ),
    "the group renamed": lambda store: store.save_group(
        store.groups()[0].model_copy(update={"name": "Thursday Voices"})
    ),
    "the member forgotten": _forget_the_member,
}


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(meanwhile=st.lists(st.sampled_from(sorted(MEANWHILE)), min_size=1, max_size=4))
def test_the_outbox_written_after_the_save_is_the_one_decided_in_it(
    tmp_path_factory: pytest.TempPathFactory, meanwhile: list[str]
) -> None:
    """The outbox is sealed only when it is written (`deliver`, a worker), after the merge's
    save: whatever is changed on the laptop in between, what it holds is what that save
    decided (its serial, every part, every tombstone), and the next exchange sends the rest.
    The save itself wrote the data's JSON as the worker made it: the data now held."""
    made = laptops_bringing_a_change(tmp_path_factory.mktemp("laptops"))
    with Store.open(made.group) as store:
        delivery = service.apply(store, service.prepare(service.begin(store)))
        assert delivery.sealed is not None
        # the merge's save wrote the JSON the worker made: the very data now held
        assert made.group.read_bytes() == store.storage.serialise()
        decided = _opened(delivery.sealed.sealed(), made.group)
        for change in meanwhile:
            MEANWHILE[change](store)
        service.deliver(delivery)
        written = delivery.folder / outbox_name(delivery.replica)
        assert _opened(written.read_bytes(), made.group) == decided, meanwhile
        service.exchange(store)  # what changed meanwhile: in the next outbox
        after = _opened(written.read_bytes(), made.group)
        assert after[0] == decided[0] + 1, meanwhile
