"""A snapshot of a store holding tables the opening left as text (`store/snapshot.py`): taken
without parsing any of them on the store's thread, and checked where the copy is parsed, with
the store's own sentences; what it reads is what checking the whole file reads."""

from __future__ import annotations

import errno
import os
import zlib
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import Laptops, laptops_bringing_a_change
from voicesgroup.errors import DamagedFile, SaveFailed, StoreError
from voicesgroup.exchange import service
from voicesgroup.models import Member
from voicesgroup.store import Store, storage
from voicesgroup.store.opening import checked_document
from voicesgroup.store.owned import checked_file
from voicesgroup.store.snapshot import Snapshot
from voicesgroup.store.storage import parse_with_spans

SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def saved(path: Path, start: bytes) -> bytes:
    """`path` holding `start`, after a save by the store (which notes its bytes)."""
    path.write_bytes(start)
    with Store.open(path) as store:
        store.save_member(Member(display_name="Newcomer"))
    return path.read_bytes()


def vouch(path: Path, blob: bytes, tables: object = None) -> None:
    """A note saying `blob` (the file's bytes now) is sound, with `tables` (by default each
    table where it truly lies): the opening then leaves the tables it does not read itself as
    text, unchecked."""
    if tables is None:
        _, spans = parse_with_spans(blob)
        tables = [[name, *where] for name, where in (spans or {}).items()]
    body = {"format": 1, "crc32": zlib.crc32(blob), "size": len(blob), "tables": tables}
    checked_file(path).write_bytes(orjson.dumps(body))


def outcome(read: object) -> object:
    """The data read, or the refusal's kind and sentence."""
    try:
        return read() if callable(read) else read
    except StoreError as error:
        return (type(error).__name__, str(error))


def through_a_snapshot(path: Path) -> object:
    """The document as a worker's copy of a snapshot reads it: checked there, never on the
    store's thread (no table the opening left as text is parsed by taking the snapshot)."""

    def read() -> object:
        with Store.open(path, readonly=True, create=False) as store:
            unread = store.storage.unread
            snapshot = Snapshot.of(store)
            assert store.storage.unread == unread, "the snapshot parsed a table"
            return snapshot.document()

    return outcome(read)


def whole(path: Path, blob: bytes) -> object:
    return outcome(lambda: checked_document(blob, path))


def test_a_snapshot_parses_no_table_and_its_copy_reads_the_whole_document(
    demo_path: Path, demo_bytes: bytes
) -> None:
    blob = saved(demo_path, demo_bytes)
    with Store.open(demo_path, readonly=True) as store:
        assert {"sessions", "rota", "strategies"} <= store.storage.unread
        snapshot = Snapshot.of(store)
        assert {"sessions", "rota", "strategies"} <= store.storage.unread
        copy = snapshot.open()
        assert copy.storage.read() == orjson.loads(blob)
        assert snapshot.holds(store)


def test_a_damaged_table_left_as_text_is_refused_in_the_copy_with_the_stores_sentence(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = orjson.loads(saved(demo_path, demo_bytes))
    next(iter(data["strategies"].values())).pop("id")
    damaged = orjson.dumps(data)
    demo_path.write_bytes(damaged)
    vouch(demo_path, damaged)
    with Store.open(demo_path, readonly=True) as store:
        snapshot = Snapshot.of(store)
        with pytest.raises(DamagedFile) as in_the_copy:
            snapshot.scratch()
        with pytest.raises(DamagedFile) as in_the_store:
            store.strategies()
    assert str(in_the_copy.value) == str(in_the_store.value)
    assert whole(demo_path, damaged) == ("DamagedFile", str(in_the_store.value))


def test_an_exchange_parses_no_table_on_the_stores_thread_until_it_is_applied(
    tmp_path: Path,
) -> None:
    made: Laptops = laptops_bringing_a_change(tmp_path)
    with Store.open(made.group) as store:
        left = store.storage.unread
        assert "sessions" in left or "strategies" in left
        basis = service.begin(store)
        assert store.storage.unread == left, "begin parsed a table on the store's thread"
        prepared = service.prepare(basis)
        assert prepared.summary.came_in == {"support_contacts": 1}
        service.deliver(service.apply(store, prepared))
        assert "Canal walk line" in {c.name for c in store.support_contacts()}


def test_a_failed_save_puts_back_the_data_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: Laptops = laptops_bringing_a_change(tmp_path)
    on_disk = made.group.read_bytes()
    with Store.open(made.group) as store:
        left = store.storage.unread
        prepared = service.prepare(service.begin(store))

        def full(path: Path, blob: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(storage, "write_atomically", full)
        with pytest.raises(SaveFailed):
            service.apply(store, prepared)
        monkeypatch.undo()
        assert left and store.storage.read() == orjson.loads(on_disk)


# -- the adversary: any bytes under a note that vouches for them ----------------------------

SHAPES = st.one_of(
    st.just([]),
    st.just("x"),
    st.just(None),
    st.integers(-(2**63), 2**63 - 1),
    st.dictionaries(
        st.sampled_from(["1", "2", "a", "", "01"]),
        st.one_of(
            st.just({}), st.just({"id": "x"}), st.integers(-(2**63), 2**63 - 1), st.text(max_size=2)
        ),
    ),
)


@SLOW
@given(name=st.sampled_from(["sessions", "rota", "strategies", "members", "notes"]), value=SHAPES)
def test_a_table_left_as_text_of_any_shape_reads_in_the_copy_as_the_whole_check(
    demo_path: Path, demo_bytes: bytes, name: str, value: object
) -> None:
    data = orjson.loads(saved(demo_path, demo_bytes))
    data[name] = value
    blob = orjson.dumps(data)
    demo_path.write_bytes(blob)
    vouch(demo_path, blob)
    assert through_a_snapshot(demo_path) == whole(demo_path, blob)


@SLOW
@given(where=st.integers(0, 2**31), new=st.binary(min_size=0, max_size=3), gone=st.integers(0, 3))
def test_any_change_to_the_bytes_reads_in_the_copy_as_the_whole_check(
    demo_path: Path, demo_bytes: bytes, where: int, new: bytes, gone: int
) -> None:
    """Bytes changed anywhere, and a note then forged for them: what a snapshot's copy reads
    is what checking the whole file gives, or the same refusal in the same words."""
    blob = saved(demo_path, demo_bytes)
    places = orjson.loads(checked_file(demo_path).read_bytes())["tables"]
    at = where % len(blob)
    changed = blob[:at] + new + blob[at + gone :]
    demo_path.write_bytes(changed)
    vouch(demo_path, changed, places)  # the places before the change
    assert through_a_snapshot(demo_path) == whole(demo_path, changed)
