"""An exchange with nothing new is told from the files alone, reading as little as it can
(`one_exchange.begin`): a few lines the note beside the data file keeps of the exchange's
record, and each other laptop's outbox passed over while it is the very file merged
(`inbox.identity`).

The adversaries: an outbox changed in place behind the same size and time (a new one, or any
edit of it), on a file system with change times and on one without; and a note beside the
data file that says anything at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import (
    Laptops,
    contact,
    contacts_in,
    laptops_bringing_a_change,
)
from voicesgroup.exchange import outbox, service, state
from voicesgroup.store import Store
from voicesgroup.store.owned import exchanged_file
from voicesgroup.store.snapshot import Snapshot

SETTLED = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def made(tmp_path: Path) -> Laptops:
    """Two laptops of a group, the first having taken in everything the second sent."""
    laptops = laptops_bringing_a_change(tmp_path)
    with Store.open(laptops.group) as store:
        service.exchange(store)
    return laptops


def _theirs(made: Laptops) -> Path:
    """The second laptop's outbox."""
    with Store.open(made.second, readonly=True) as store:
        replica = store.storage.read()[state.TABLE]["1"]["replica"]
    return made.folder / f"voicesgroup-{replica}.outbox"


def _kept(paths: list[Path]) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in paths if path.is_file()}


def _put_back(kept: dict[Path, bytes]) -> None:
    for path, blob in kept.items():
        path.write_bytes(blob)


def _laptop_files(data_file: Path) -> list[Path]:
    """A data file and the notes beside it (its backups do not matter here)."""
    return [path for path in data_file.parent.iterdir() if path.is_file()]


def _rewrite_in_place(path: Path, blob: bytes, mtime_ns: int) -> None:
    """Write `blob` over the file's bytes (the same inode), then set its time back."""
    with path.open("r+b") as file:
        file.write(blob)
        file.truncate()
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _same_size_time_and_inode(path: Path, before: os.stat_result) -> None:
    now = path.stat()
    assert (now.st_size, now.st_mtime_ns, now.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    ), "the set-up did not keep the file's size, time and inode"


def _line_reached_on(made: Laptops, how: str) -> bytes:
    """The second laptop's outbox after it changed how the "Canal walk line" is reached."""
    with Store.open(made.second) as store:
        [line] = [c for c in store.support_contacts() if c.name == "Canal walk line"]
        store.save_support_contact(line.model_copy(update={"how": how}))
        service.exchange(store)
    return _theirs(made).read_bytes()


def _hows(data_file: Path) -> set[str]:
    with Store.open(data_file, readonly=True) as store:
        return {c.how for c in store.support_contacts() if c.name == "Canal walk line"}


def _two_outboxes_of_one_size(made: Laptops) -> tuple[bytes, bytes]:
    """Two outboxes the second laptop could have written next, from the same state: the line
    reached on "0800 000 001" in one and on "0800 000 002" in the other, so their sizes are
    the same. The second laptop and the folder are put back as they were."""
    kept = _kept([*_laptop_files(made.second), _theirs(made)])
    first = _line_reached_on(made, "0800 000 001")
    _put_back(kept)
    second = _line_reached_on(made, "0800 000 002")
    _put_back(kept)
    assert len(first) == len(second), "the two outboxes must be of one size for this test"
    return first, second


def test_nothing_new_is_told_without_reading_the_exchanges_table(made: Laptops) -> None:
    with Store.open(made.group) as store:
        assert state.TABLE in store.storage.unread, "the opening read the table: nothing shown"
        assert service.begin(store).snapshot is None
        assert state.TABLE in store.storage.unread


@pytest.mark.parametrize("note", ["of these bytes", "gone"])
def test_what_reading_the_folder_ahead_needs_is_taken_from_the_note_or_the_exchanges_table(
    made: Laptops, note: str
) -> None:
    """(An app takes it on the thread that owns the store, before every exchange.)"""
    if note == "gone":
        exchanged_file(made.group).unlink()
    with Store.open(made.group) as store:
        unread = store.storage.unread
        assert {"sessions", "support_contacts", state.TABLE} <= unread, "nothing to show"
        plan = service.reading(store)
        assert plan is not None
        parsed = {state.TABLE} if note == "gone" else set()
        assert store.storage.unread == unread - parsed
        assert (plan.org is None) == (note != "gone")
        # read ahead either way, an outbox that changed comes in
        with Store.open(made.second) as second:
            second.save_support_contact(contact("Harbour line"))
            service.exchange(second)
        service.exchange(store, ahead=service.read_folder(plan))
        assert "Harbour line" in {c.name for c in store.support_contacts()}


def test_an_outbox_rewritten_in_place_behind_its_size_and_time_is_read(made: Laptops) -> None:
    first, second = _two_outboxes_of_one_size(made)
    theirs = _theirs(made)
    _rewrite_in_place(theirs, first, theirs.stat().st_mtime_ns)
    with Store.open(made.group) as store:
        service.exchange(store)
    assert _hows(made.group) == {"0800 000 001"}
    before = theirs.stat()
    _rewrite_in_place(theirs, second, before.st_mtime_ns)  # `touch -d` back
    _same_size_time_and_inode(theirs, before)
    with Store.open(made.group) as store:
        assert service.begin(store).snapshot is not None, "passed over"
        service.exchange(store)
    assert _hows(made.group) == {"0800 000 002"}


def test_an_outbox_altered_in_place_behind_its_size_time_and_header_is_named(
    made: Laptops,
) -> None:
    theirs = _theirs(made)
    blob, before = theirs.read_bytes(), theirs.stat()
    middle = _middle_of_the_organisations_section(blob)
    altered = blob[:middle] + bytes([blob[middle] ^ 1]) + blob[middle + 1 :]
    _rewrite_in_place(theirs, altered, before.st_mtime_ns)
    _same_size_time_and_inode(theirs, before)
    contacts = contacts_in(made.group)
    with Store.open(made.group) as store:
        summary = service.exchange(store)
    assert [p for p in summary.problems if theirs.name in p and "altered" in p], summary
    assert contacts_in(made.group) == contacts


def _middle_of_the_organisations_section(blob: bytes) -> int:
    header, prefix = outbox.read_header(blob)
    at = len(prefix)
    for section in header["sections"]:
        if section["name"] == "org":
            return at + section["length"] // 2
        at += section["length"]
    raise AssertionError("an outbox always has the organisation's section")


class _NoChangeTime:
    """A file's stat as a file system that keeps no change time gives it (FAT, on a stick):
    the change time stays what it was whatever is written."""

    def __init__(self, real: os.stat_result, ctime_ns: int) -> None:
        self._real = real
        self.st_ctime_ns = ctime_ns

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def no_change_times(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every outbox's change time is the one it had when first asked for."""
    first: dict[str, int] = {}
    real_stat = Path.stat

    def stat(path: Path, **kwargs: Any) -> Any:
        found = real_stat(path, **kwargs)
        if path.name.endswith(".outbox"):
            return _NoChangeTime(found, first.setdefault(str(path), found.st_ctime_ns))
        return found

    monkeypatch.setattr(Path, "stat", stat)
    yield


def test_without_change_times_a_new_outbox_written_in_place_is_still_read(
    made: Laptops, no_change_times: None
) -> None:
    first, second = _two_outboxes_of_one_size(made)
    theirs = _theirs(made)
    _rewrite_in_place(theirs, first, theirs.stat().st_mtime_ns)
    with Store.open(made.group) as store:
        service.exchange(store)
    before = theirs.stat()
    _rewrite_in_place(theirs, second, before.st_mtime_ns)
    _same_size_time_and_inode(theirs, before)
    assert theirs.stat().st_ctime_ns == before.st_ctime_ns  # only the header tells them apart
    with Store.open(made.group) as store:
        service.exchange(store)
    assert _hows(made.group) == {"0800 000 002"}


# -- the adversary: any edit of a merged outbox, behind its size and time --------------------


@pytest.mark.slow
@SETTLED
@given(data=st.data())
def test_any_edit_in_place_behind_the_size_and_time_is_never_passed_over(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    made = _world(tmp_path_factory)
    theirs = _theirs(made)
    blob = theirs.read_bytes()
    at = data.draw(st.integers(0, len(blob) - 1), label="at")
    patch = data.draw(st.binary(min_size=1, max_size=min(64, len(blob) - at)), label="patch")
    edited = blob[:at] + patch + blob[at + len(patch) :]
    assume(edited != blob)
    contacts = contacts_in(made.group)
    _rewrite_in_place(theirs, edited, theirs.stat().st_mtime_ns)
    with Store.open(made.group) as store:
        assert service.begin(store).snapshot is not None, "an edited outbox was passed over"
        summary = service.exchange(store)
    # (a group's section that does not open is told by the laptop's name, not the file's)
    assert summary.problems, "the edited outbox was passed over in silence"
    assert contacts_in(made.group) == contacts


_WORLDS: dict[str, tuple[Laptops, dict[Path, bytes]]] = {}


def _world(tmp_path_factory: pytest.TempPathFactory) -> Laptops:
    """The laptops of `made`, made once for a hypothesis test and put back before each example
    (the bytes of the group's files and of the second laptop's outbox, at the same places: the
    group keeps its identity). The group then exchanges, so it has merged the outbox as it is
    now (putting it back made it another file)."""
    if "made" not in _WORLDS:
        laptops = laptops_bringing_a_change(tmp_path_factory.mktemp("world"))
        with Store.open(laptops.group) as store:
            service.exchange(store)
        _WORLDS["made"] = (laptops, _kept([*_laptop_files(laptops.group), _theirs(laptops)]))
    laptops, kept = _WORLDS["made"]
    _put_back(kept)
    with Store.open(laptops.group) as store:
        service.exchange(store)
        assert service.begin(store).snapshot is None
    return laptops


# -- the adversary: the note beside the data file says anything -------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
PLACES = [
    ("checksum",),
    ("serial",),
    ("head",),
    ("head", "format"),
    ("head", "replica"),
    ("head", "binding"),
    ("head", "folder"),
    ("head", "serial"),
    ("head", "peers"),
    ("head", "peers", "*", "seen"),
    ("head", "peers", "*", "formerly"),
]


def _told(note: dict[str, Any], place: tuple[str, ...], value: object) -> dict[str, Any]:
    """The note with what is at `place` set to `value` ("*": in every laptop)."""
    told = orjson.loads(orjson.dumps(note))
    holders = [told]
    for key in place[:-1]:
        holders = [
            inner
            for holder in holders
            for inner in (holder.values() if key == "*" else [holder.get(key)])
            if isinstance(inner, dict)
        ]
    for holder in holders:
        holder[place[-1]] = value
    return told


NOTES = st.one_of(
    st.tuples(st.sampled_from(PLACES), JSON).map(lambda change: ("place", change)),
    JSON.map(lambda whole: ("whole", whole)),
    st.binary(max_size=40).map(lambda raw: ("bytes", raw)),
)


def _write_note(data_file: Path, note: dict[str, Any], told: tuple[str, Any]) -> None:
    how, what = told
    if how == "bytes":
        exchanged_file(data_file).write_bytes(what)
    elif how == "whole":
        exchanged_file(data_file).write_bytes(orjson.dumps(what))
    else:
        place, value = what
        exchanged_file(data_file).write_bytes(orjson.dumps(_told(note, place, value)))


@pytest.mark.slow
@SETTLED
@given(told=NOTES)
def test_a_note_that_says_anything_never_hides_an_outbox_with_news(
    tmp_path_factory: pytest.TempPathFactory, told: tuple[str, Any]
) -> None:
    if "news" not in _WORLDS:  # the second laptop has sent a contact the group has not read
        laptops = laptops_bringing_a_change(tmp_path_factory.mktemp("news"))
        _WORLDS["news"] = (laptops, _kept(_laptop_files(laptops.group)))
    made, kept = _WORLDS["news"]
    _put_back(kept)
    note = orjson.loads(exchanged_file(made.group).read_bytes())
    assert "head" in note, "a plain file's note keeps the head of its exchange record"
    _write_note(made.group, note, told)
    with Store.open(made.group) as store:
        assert service.begin(store).snapshot is not None


@pytest.mark.slow
@SETTLED
@given(told=NOTES)
def test_a_note_that_says_anything_says_nothing_new_only_when_nothing_is(
    tmp_path_factory: pytest.TempPathFactory, told: tuple[str, Any]
) -> None:
    made = _world(tmp_path_factory)
    note = orjson.loads(exchanged_file(made.group).read_bytes())
    _write_note(made.group, note, told)
    with Store.open(made.group) as store:
        basis = service.begin(store)
        if basis.snapshot is None:  # a whole exchange must agree
            whole = service.prepare(service.Basis(Snapshot.of(store), basis.checksum))
            assert whole.data is None and whole.sealed is None
            assert not whole.summary.came_in and not whole.summary.problems


def test_the_note_beside_an_encrypted_file_says_nothing_of_its_exchange(
    made: Laptops, quick_kdf: None
) -> None:
    with Store.open(made.group) as store:
        store.set_passphrase("river stones and tea")
        service.exchange(store)
        record = store.storage.read()[state.TABLE]["1"]
        assert service.begin(store).snapshot is None
    note = exchanged_file(made.group).read_bytes()
    assert set(orjson.loads(note)) == {"checksum", "serial"}
    for clear in (record["replica"], record["folder"], *record["peers"]):
        assert clear.encode() not in note


@given(st.binary(max_size=200) | st.binary(max_size=40).map(lambda b: outbox.MAGIC + b))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_header_read_from_a_file_is_the_header_in_its_bytes(
    tmp_path: Path, blob: bytes
) -> None:
    path = tmp_path / "some.outbox"
    path.write_bytes(blob)
    assert outbox.prefix_of(path) == outbox.prefix_in(blob)


# -- found while writing these ----------------------------------------------------------------


def test_a_national_helpline_renamed_on_two_laptops_at_once_leaves_a_file_that_opens(
    made: Laptops,
) -> None:
    for laptop, name, exchanged in (
        (made.group, "Canal walk lime", False),
        (made.second, "Canal walk lane", True),
    ):
        with Store.open(laptop) as store:
            [line] = [c for c in store.support_contacts() if c.name == "Canal walk line"]
            store.save_support_contact(line.model_copy(update={"name": name}))
            if exchanged:
                service.exchange(store)
    for laptop in (made.group, made.second, made.group):
        with Store.open(laptop) as store:
            service.exchange(store)
    # one helpline, under the latest name, on both laptops: a name is not its identity
    assert contacts_in(made.group) & {"Canal walk lime", "Canal walk lane"} == {"Canal walk lime"}
    assert contacts_in(made.second) == contacts_in(made.group)


def test_the_note_naming_the_folder_goes_when_the_file_is_encrypted_or_leaves(
    made: Laptops, quick_kdf: None
) -> None:
    note = exchanged_file(made.group)
    assert str(made.folder).encode() in note.read_bytes(), "the note named no folder: no test"
    with Store.open(made.group) as store:
        store.set_passphrase("river stones and tea")
    assert not note.exists()
    with Store.open(made.group, passphrase="river stones and tea") as store:
        service.exchange(store)
        assert note.exists()
        service.leave(store)
    assert not note.exists()
