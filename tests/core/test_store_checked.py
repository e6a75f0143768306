"""Tables left unread at opening (`voicesgroup/store/checked.py`): whatever the note beside
the file says, the store reads what checking the whole file would read, or refuses it with the
same sentence; a save writes every table, read or not, as it was."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup.errors import DamagedFile, StoreError
from voicesgroup.home import rota_rows
from voicesgroup.models import Member
from voicesgroup.store import Store, checked
from voicesgroup.store.opening import checked_document
from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import parse_with_spans

SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def saved(path: Path, start: bytes | None = None) -> bytes:
    """`path` (holding `start` first, when given) after a save by the store, which writes
    the note; and its bytes."""
    if start is not None:
        path.write_bytes(start)
    with Store.open(path) as store:
        store.save_member(Member(display_name="Newcomer"))
    return path.read_bytes()


def forge(path: Path, blob: bytes, tables: object) -> None:
    """A note that says `blob` (now the file's bytes) is sound, with any tables at all."""
    body = {"format": 1, "crc32": zlib.crc32(blob), "size": len(blob)}
    checked_file(path).write_bytes(orjson.dumps({**body, "tables": tables}))


def outcome(read: object) -> object:
    """What reading gives: the data, or the kind of refusal."""
    try:
        return read() if callable(read) else read
    except StoreError as error:
        return type(error).__name__


def lazily(path: Path) -> object:
    """The whole document as a store that opened `path` reads it, to read only."""

    def read() -> object:
        with Store.open(path, readonly=True, create=False) as store:
            return store.storage.read()

    return outcome(read)


def whole(path: Path, blob: bytes) -> object:
    """The document as checking the whole file gives it."""
    return outcome(lambda: checked_document(blob, path))


def test_a_save_notes_its_bytes_and_the_next_opening_leaves_tables_unread(
    demo_path: Path,
) -> None:
    blob = saved(demo_path)
    assert checked.spans_if_known(demo_path, blob) is not None
    with Store.open(demo_path) as store:
        assert {"sessions", "strategies", "rota"} <= store.storage.unread
        assert store.storage.read() == orjson.loads(blob)
        assert not store.storage.unread


def test_the_note_is_left_as_the_store_closes_never_before(demo_path: Path) -> None:
    """Saves pay nothing for it; a store that never closes (killed) leaves the next opening
    to check the whole file."""
    store = Store.open(demo_path)
    store.save_member(Member(display_name="Newcomer"))
    assert checked.spans_if_known(demo_path, demo_path.read_bytes()) is None
    store.close()
    assert checked.spans_if_known(demo_path, demo_path.read_bytes()) is not None


def test_an_opening_that_checked_the_whole_file_notes_it(demo_path: Path) -> None:
    assert not checked_file(demo_path).exists()
    Store.open(demo_path).close()  # checked whole: a file this app never saved
    with Store.open(demo_path) as store:
        assert "sessions" in store.storage.unread


def test_a_note_is_never_written_beside_an_encrypted_file(demo_path: Path) -> None:
    saved(demo_path)
    with Store.open(demo_path) as store:
        store.set_passphrase("a long passphrase here", kdf=None)
    assert not checked_file(demo_path).exists()
    with Store.open(demo_path, passphrase="a long passphrase here") as store:
        store.save_member(Member(display_name="Another"))
        assert not store.storage.unread
    assert not checked_file(demo_path).exists()


def test_a_file_changed_by_something_else_is_checked_whole(demo_path: Path) -> None:
    blob = saved(demo_path)
    data = orjson.loads(blob)
    next(iter(data["sessions"].values())).pop("id")  # a record with no id, same note beside
    demo_path.write_bytes(orjson.dumps(data))
    with pytest.raises(DamagedFile, match="sessions record"):
        Store.open(demo_path)


def test_a_damaged_table_the_note_vouched_for_is_refused_when_first_read(
    demo_path: Path,
) -> None:
    """A note can only be wrong by a collision or by hand; the table is checked all the same,
    with the same sentence, before anything reads it."""
    blob = saved(demo_path)
    data = orjson.loads(blob)
    next(iter(data["strategies"].values())).pop("id")
    damaged = orjson.dumps(data)
    demo_path.write_bytes(damaged)
    with pytest.raises(DamagedFile) as whole_check:
        checked_document(damaged, demo_path)
    _, spans = parse_with_spans(damaged)
    assert spans is not None
    forge(demo_path, damaged, [[name, *where] for name, where in spans.items()])
    store = Store.open(demo_path, readonly=True)
    with store, pytest.raises(DamagedFile) as first_read:
        store.strategies()
    assert str(first_read.value) == str(whole_check.value)


def test_a_part_of_the_document_can_never_be_saved_as_the_whole(demo_path: Path) -> None:
    """`tables` gives some tables for reading; saving that would lose every other table."""
    saved(demo_path)
    with Store.open(demo_path) as store:
        part = store.storage.tables("_meta", "members")
        with pytest.raises(TypeError):
            store.storage.write(part)
        with pytest.raises(TypeError):
            store.storage.replace_data(part)
        assert set(store.storage.read()) > set(part)


def test_the_coordinators_home_reads_no_sessions(demo_path: Path) -> None:
    blob = saved(demo_path)
    data = orjson.loads(blob)
    data["_exchange"] = {"1": {"format": 1, "role": "coordinator"}}
    demo_path.write_bytes(orjson.dumps(data))
    Store.open(demo_path).close()  # checked whole, noted
    with Store.open(demo_path, readonly=True) as store:
        rows = rota_rows(store, dt.date(2026, 3, 3))
        assert rows and "sessions" in store.storage.unread


# -- the adversary: any note, any bytes -----------------------------------------------------

NAMES = st.sampled_from(["_meta", "groups", "sessions", "settings", "members", "x", ""])
SPANS = st.lists(
    st.tuples(NAMES, st.integers(-3, 40_000), st.integers(-3, 40_000)).map(list),
    max_size=20,
)


@SLOW
@given(spans=SPANS, cut=st.integers(0, 2**31), shift=st.integers(-4, 4))
def test_a_forged_note_never_changes_what_is_read(
    demo_path: Path, demo_bytes: bytes, spans: list[list[object]], cut: int, shift: int
) -> None:
    """The note names these very bytes, with tables anywhere (some true, some moved by a few
    bytes): what the store reads is what the whole check gives, or the same refusal."""
    blob = saved(demo_path, demo_bytes)
    _, true_spans = parse_with_spans(blob)
    true = [[name, start, end] for name, (start, end) in (true_spans or {}).items()]
    if true:
        index = cut % len(true)
        true[index] = [true[index][0], true[index][1] + shift, true[index][2] + shift]
    for tables in (spans, true):
        forge(demo_path, blob, tables)
        assert lazily(demo_path) == whole(demo_path, blob)


SHAPES = st.one_of(
    st.just([]),
    st.just("x"),
    st.just(None),
    st.dictionaries(
        st.sampled_from(["1", "2", "a", ""]),
        st.one_of(st.just({}), st.integers(-(2**63), 2**63 - 1)),
    ),
)


@SLOW
@given(name=st.sampled_from(["_meta", "settings"]), value=SHAPES)
def test_a_table_read_at_opening_of_any_shape_under_a_true_note_reads_as_the_whole_check(
    demo_path: Path, demo_bytes: bytes, name: str, value: object
) -> None:
    """The tables opening parses at once are held to every check the whole file gets."""
    data = orjson.loads(saved(demo_path, demo_bytes))
    data[name] = value
    blob = orjson.dumps(data)
    demo_path.write_bytes(blob)
    _, spans = parse_with_spans(blob)
    forge(demo_path, blob, [[table, *where] for table, where in (spans or {}).items()])
    assert lazily(demo_path) == whole(demo_path, blob)


@SLOW
@given(where=st.integers(0, 2**31), new=st.binary(min_size=0, max_size=3), gone=st.integers(0, 3))
def test_any_change_to_the_bytes_under_a_note_reads_as_the_whole_check(
    demo_path: Path, demo_bytes: bytes, where: int, new: bytes, gone: int
) -> None:
    """Bytes changed under a note written for them, the note then forged to name the changed
    bytes with the old places: read as the whole check reads them, or refused as it refuses."""
    blob = saved(demo_path, demo_bytes)
    body = orjson.loads(checked_file(demo_path).read_bytes())
    at = where % len(blob)
    changed = blob[:at] + new + blob[at + gone :]
    demo_path.write_bytes(changed)
    assert lazily(demo_path) == whole(demo_path, changed)  # the note is stale: checked whole
    forge(demo_path, changed, body["tables"])
    assert lazily(demo_path) == whole(demo_path, changed)


@SLOW
@given(read_first=st.sets(st.sampled_from(["sessions", "groups", "rota", "members", "strategies"])))
def test_a_save_writes_every_table_as_it_was_read_or_not(
    demo_path: Path, demo_bytes: bytes, read_first: set[str]
) -> None:
    blob = saved(demo_path, demo_bytes)
    expected = orjson.loads(blob)
    with Store.open(demo_path) as store:
        for name in sorted(read_first):
            store.documents(name)
        store.save_member(Member(display_name="Later"))
        left = set(store.storage.unread)
    after = orjson.loads(demo_path.read_bytes())
    added = [m for m in after["members"].values() if m["display_name"] == "Later"]
    assert len(added) == 1
    for name, table in expected.items():
        if name not in {"members", "audit"}:
            assert after[name] == table, name
    assert left.isdisjoint(read_first)
