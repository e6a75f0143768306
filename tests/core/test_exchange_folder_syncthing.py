"""The exchange folder carried by real Syncthing (tests/helpers/syncthing_pair.py): two instances on
127.0.0.1, one folder shared between them, as between a group's laptop and the coordinator's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.syncthing_pair import (
    SyncthingPair,
    missing,
    syncthing_pair,
    until,
    visible_files,
)
from voicesgroup.exchange.folder import (
    is_conflict_copy,
    outbox_name,
    outboxes,
    remove_conflict_copy,
    replica_of,
    write_outbox,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing() is not None, reason=missing() or ""),
]

GROUP, COORDINATOR = "group-laptop", "coordinator"


@pytest.fixture
def pair(tmp_path: Path) -> object:
    with syncthing_pair(tmp_path) as started:
        yield started


def arrived(folder: Path, name: str, seen: list[bytes]) -> bytes | None:
    """The bytes of `folder/name` when another laptop's reader would take it, noting each read
    in `seen` (every read, not only the last, must be a whole outbox)."""
    if not any(path.name == name for path in outboxes(folder, COORDINATOR)):
        return None
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError:  # replaced between the listing and the read
        return None
    seen.append(data)
    return data


def test_an_outbox_written_on_one_laptop_arrives_whole_on_the_other(pair: SyncthingPair) -> None:
    first, second = os.urandom(3 * 1024 * 1024), os.urandom(2 * 1024 * 1024 + 17)
    # What a killed write would leave: a temporary outbox, which must never travel.
    leftover = pair.a.folder / f".syncthing.voicesgroup-{GROUP}-0123abcd.part"
    leftover.write_bytes(first[:1000])
    seen: list[bytes] = []

    write_outbox(pair.a.folder, GROUP, first)
    pair.a.scan()
    until(lambda: arrived(pair.b.folder, outbox_name(GROUP), seen) == first, "the outbox")
    write_outbox(pair.a.folder, GROUP, second)
    pair.a.scan()
    until(lambda: arrived(pair.b.folder, outbox_name(GROUP), seen) == second, "the new outbox")

    assert set(seen) <= {first, second}  # never half of one, never a mix of the two
    assert not (pair.b.folder / leftover.name).exists()
    assert sorted(path.name for path in pair.b.folder.iterdir()) == [
        ".stfolder",
        outbox_name(GROUP),
    ]


def test_one_outbox_changed_on_both_laptops_apart_leaves_a_conflict_copy_that_is_read(
    pair: SyncthingPair,
) -> None:
    """Two laptops writing one outbox (a data file copied before it got its own replica id):
    Syncthing keeps both, the other as `….sync-conflict-….outbox`, on both sides."""
    write_outbox(pair.a.folder, GROUP, b"before")
    pair.a.scan()
    until(lambda: (pair.b.folder / outbox_name(GROUP)).exists(), "the first outbox")

    with pair.apart():
        write_outbox(pair.a.folder, GROUP, b"written on laptop a")
        write_outbox(pair.b.folder, GROUP, b"written on laptop b, apart")
        pair.a.scan()

    def conflict_copies(folder: Path) -> list[Path]:
        return [path for path in outboxes(folder, COORDINATOR) if is_conflict_copy(path)]

    until(lambda: conflict_copies(pair.a.folder) and conflict_copies(pair.b.folder), "copies")
    for side in (pair.a, pair.b):
        [copy] = conflict_copies(side.folder)
        assert ".sync-conflict-" in copy.name and replica_of(copy) == GROUP
        # The laptop whose own outbox it copies lists the copy too, not its own outbox.
        assert outboxes(side.folder, GROUP) == [copy]
        versions = {copy.read_bytes(), (side.folder / outbox_name(GROUP)).read_bytes()}
        assert versions == {b"written on laptop a", b"written on laptop b, apart"}

    [copy] = conflict_copies(pair.b.folder)
    remove_conflict_copy(copy)  # merged on b: removed there, then on a by Syncthing
    pair.wait_alike("the removal to reach laptop a")
    assert sorted(visible_files(pair.a.folder)) == [outbox_name(GROUP)]


def test_both_instances_are_stopped_even_when_the_test_fails(tmp_path: Path) -> None:
    processes = []
    with pytest.raises(RuntimeError, match="a test failing"), syncthing_pair(tmp_path) as pair:
        processes = [pair.a.process, pair.b.process]
        raise RuntimeError("a test failing inside the pair")
    assert len(processes) == 2
    for process in processes:
        assert process is not None and process.poll() is not None
        with pytest.raises(ProcessLookupError):  # its whole process group is gone too
            os.killpg(process.pid, 0)
