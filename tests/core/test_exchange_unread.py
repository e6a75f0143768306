"""Outboxes that cannot be read: what the exchange and its status tell, and what is removed.

A file in the exchange folder that does not open (half-copied, sealed with another passphrase,
damaged, of a newer version, not an outbox at all) is named by the status (`voicesgroup
exchange status`, its `--json`, the Sharing screen) with what it means and what to do, for as
long as it is there. An exchange tells it once, when it is found (or has changed), and after
that only counts it. A carrier's conflict copy that never opens is removed, in one sentence,
once it is unchanged at a later exchange and the whole outbox of the laptop that wrote it has
been read: nothing else that could not be read is ever removed.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any, cast

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange import (
    World,
    group_outbox,
    newer_format,
    no_real_data,
    replica_of,
    world,
)
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import outbox, state
from voicesgroup.store import Store

FIXTURES = (no_real_data, world)
"""The laptops, and no real data reached, for every test here (from tests/helpers/exchange.py)."""

SYNCTHING = ".sync-conflict-20261207-101010-ABCDEFG"
NEXTCLOUD = " (conflicted copy 2026-12-07 101010)"


def conflict_name(replica: str, marker: str = SYNCTHING) -> str:
    return carrier.outbox_name(replica).removesuffix(".outbox") + marker + ".outbox"


def status(world: World, db: Path) -> dict[str, Any]:
    code, out, err = world.cli(db, "exchange", "status", "--json")
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def status_text(world: World, db: Path) -> str:
    code, out, err = world.cli(db, "exchange", "status")
    assert code == 0, err
    return out


def exchanged_once_each(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    world.exchange(world.coordinator)  # nothing new: the coordinator's data file is settled


def other_passphrase(blob: bytes) -> bytes:
    """The outbox as another organisation would have sealed it: the same header, the
    sections under another key."""
    contents = outbox.Contents(replica="f" * 32, role="group", groups=[], serial=1, written_ms=1)
    return outbox.seal(contents, secrets.token_bytes(32), {}, {"org": []})


def bad_files(world: World) -> dict[str, bytes]:
    """One file of each kind that does not open, by name (none a conflict copy)."""
    whole = group_outbox(world).read_bytes()
    return {
        "voicesgroup-aaaaaa.outbox": whole[: len(whole) // 2],
        "voicesgroup-bbbbbb.outbox": other_passphrase(whole),
        "voicesgroup-cccccc.outbox": newer_format(whole),
        "voicesgroup-dddddd.outbox": b"not an outbox at all\n",
        "voicesgroup-eeeeee.outbox": whole[:21] + b"\x00\x00\x00\x05{oops",
    }


# -- the status names each, with what to do -----------------------------------------------------


def test_the_status_names_each_outbox_that_could_not_be_read_and_what_to_do(
    world: World,
) -> None:
    exchanged_once_each(world)
    for name, blob in bad_files(world).items():
        (world.folder / name).write_bytes(blob)
    summary = world.exchange(world.coordinator)  # nothing else new: only the files to tell
    assert summary["came_in"] == {}
    found = {item["file"]: item for item in status(world, world.coordinator)["unread_outboxes"]}
    assert set(found) == set(bad_files(world))
    kinds = {name: item["problem"] for name, item in found.items()}
    assert kinds == {
        "voicesgroup-aaaaaa.outbox": "incomplete",
        "voicesgroup-bbbbbb.outbox": "passphrase",
        "voicesgroup-cccccc.outbox": "newer",
        "voicesgroup-dddddd.outbox": "not an outbox",
        "voicesgroup-eeeeee.outbox": "damaged",
    }
    text = status_text(world, world.coordinator)
    for name, item in found.items():
        assert item["what_to_do"] and item["reason"] and item["since"]
        assert text.count(name) == 1, text  # each named once, with its meaning and advice
        assert item["said"] in text
        assert item["said"].startswith("The outbox ")
    assert "update voicesgroup on this laptop" in found["voicesgroup-cccccc.outbox"]["said"]
    assert "passphrase" in found["voicesgroup-bbbbbb.outbox"]["said"]
    # the problems last time do not say them a second time
    assert not any(name in problem for problem in summary_problems(world) for name in found)


def summary_problems(world: World) -> list[str]:
    problems: list[str] = status(world, world.coordinator)["this_laptop"]["problems_last_time"]
    return problems


def test_an_outbox_read_at_last_or_taken_away_is_no_longer_listed(world: World) -> None:
    exchanged_once_each(world)
    half = world.folder / "voicesgroup-aaaaaa.outbox"
    half.write_bytes(group_outbox(world).read_bytes()[:100])
    gone = world.folder / "voicesgroup-dddddd.outbox"
    gone.write_bytes(b"junk")
    world.exchange(world.coordinator)
    assert len(status(world, world.coordinator)["unread_outboxes"]) == 2
    gone.unlink()
    half.write_bytes(group_outbox(world).read_bytes())  # the copy finished: a whole outbox
    world.exchange(world.coordinator)
    assert status(world, world.coordinator)["unread_outboxes"] == []
    assert "cannot be read" not in status_text(world, world.coordinator)


# -- each exchange tells each problem once ---------------------------------------------------


def test_an_outbox_that_cannot_be_read_is_told_once_then_only_counted(world: World) -> None:
    exchanged_once_each(world)
    for name, blob in bad_files(world).items():
        (world.folder / name).write_bytes(blob)
    first = world.exchange(world.coordinator)
    assert len(first["problems"]) == len(bad_files(world)) and first["still_unread"] == []
    for _ in range(2):
        again = world.exchange(world.coordinator)
        assert again["problems"] == []
        assert sorted(again["still_unread"]) == sorted(bad_files(world))
    code, out, err = world.cli(world.coordinator, "exchange")
    assert code == 0, err
    assert out.count("\n") == 2, out  # what was read, and one sentence for the five
    assert "still holds 5 outboxes that cannot be read" in out
    assert "voicesgroup exchange status" in out
    # a file changed since it was told is told again
    (world.folder / "voicesgroup-aaaaaa.outbox").write_bytes(b"VOICESGROUP-EXCHANGE\n")
    changed = world.exchange(world.coordinator)
    assert [p for p in changed["problems"] if "aaaaaa" in p] != []
    assert "voicesgroup-aaaaaa.outbox" not in changed["still_unread"]


# -- a conflict copy that never opens -------------------------------------------------------------


@pytest.mark.parametrize("marker", [SYNCTHING, NEXTCLOUD])
def test_a_truncated_conflict_copy_goes_in_one_sentence_once_its_laptops_outbox_was_read(
    world: World, marker: str
) -> None:
    exchanged_once_each(world)
    whole = group_outbox(world).read_bytes()
    copy = world.folder / conflict_name(replica_of(world.group), marker)
    copy.write_bytes(whole[:300])
    first = world.exchange(world.coordinator)
    assert copy.exists()  # found this time: it may still be being copied
    [told] = first["problems"]
    assert copy.name in told and "not complete" in told
    listed = status(world, world.coordinator)["unread_outboxes"]
    assert [item["conflict_copy"] for item in listed] == [True]
    second = world.exchange(world.coordinator)
    assert not copy.exists()
    [removed] = second["problems"]
    assert removed.startswith(f"The conflict copy {copy.name} was removed")
    assert second["still_unread"] == []
    third = world.exchange(world.coordinator)
    assert third["problems"] == [] and third["still_unread"] == []
    found = status(world, world.coordinator)
    assert found["unread_outboxes"] == []
    assert found["this_laptop"]["problems_last_time"] == [removed]  # said once, in the status
    with Store.open(world.coordinator, readonly=True) as store:  # nothing readable was lost
        assert [f.display_name for f in store.facilitators()] == ["Rosa"]


def test_a_conflict_copy_is_kept_while_its_laptops_whole_outbox_is_not_here(world: World) -> None:
    exchanged_once_each(world)
    main = group_outbox(world)
    whole = main.read_bytes()
    main.unlink()  # that laptop's outbox is not in the folder (yet)
    copy = world.folder / conflict_name(replica_of(world.group))
    copy.write_bytes(whole[:300])
    for _ in range(3):
        world.exchange(world.coordinator)
    assert copy.read_bytes() == whole[:300]
    assert [item["file"] for item in status(world, world.coordinator)["unread_outboxes"]] == [
        copy.name
    ]


def test_a_conflict_copy_of_a_newer_version_is_never_removed(world: World) -> None:
    exchanged_once_each(world)
    copy = world.folder / conflict_name(replica_of(world.group))
    newer = newer_format(group_outbox(world).read_bytes())
    copy.write_bytes(newer)
    for _ in range(3):
        world.exchange(world.coordinator)
    assert copy.read_bytes() == newer
    [item] = status(world, world.coordinator)["unread_outboxes"]
    assert item["problem"] == "newer" and "update voicesgroup" in item["said"]


def test_a_truncated_conflict_copy_of_this_laptops_own_outbox_goes_too(world: World) -> None:
    exchanged_once_each(world)
    own = world.folder / carrier.outbox_name(replica_of(world.coordinator))
    copy = world.folder / conflict_name(replica_of(world.coordinator))
    copy.write_bytes(own.read_bytes()[:200])
    world.exchange(world.coordinator)
    assert copy.exists()
    second = world.exchange(world.coordinator)
    assert not copy.exists() and len(second["problems"]) == 1


# -- the adversary: a folder of every kind of bad file, exchange after exchange ------------------

KINDS = st.sampled_from(["cut", "foreign", "newer", "whole", "altered", "other org"])
NAMES = st.sampled_from(["new laptop", "group copy", "own copy", "nextcloud group copy"])
FILES = st.lists(
    st.tuples(KINDS, NAMES, st.integers(0, 2**20), st.integers(0, 2**8)), min_size=1, max_size=6
)


def made(kind: str, whole: bytes, own: bytes, pick: int) -> bytes:
    if kind == "cut":
        return whole[: pick % len(whole)]
    if kind == "foreign":
        return pick.to_bytes(3, "big") * (pick % 7)
    if kind == "newer":
        return newer_format(whole)
    if kind == "whole":
        return (whole, own)[pick % 2]
    if kind == "altered":
        at = len(whole) - 1 - pick % 64
        return whole[:at] + bytes([whole[at] ^ 1]) + whole[at + 1 :]
    return other_passphrase(whole)


def named(where: str, number: int, here: Path, there: Path) -> str:
    if where == "new laptop":
        return carrier.outbox_name(f"{number:06x}")
    if where == "own copy":
        return conflict_name(replica_of(here), f".sync-conflict-20261207-1010{number % 60:02d}-X")
    marker = (
        NEXTCLOUD
        if where.startswith("nextcloud")
        else f".sync-conflict-20261207-1010{number % 60:02d}-A"
    )
    return conflict_name(replica_of(there), marker)


def opens(blob: bytes, record: dict[str, Any]) -> bool:
    """Whether the laptop with this exchange record can read `blob` (an outbox whose group
    sections it cannot open is read for the rest)."""
    groups = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    try:
        outbox.open_sealed(blob, bytes.fromhex(record["org_key"]), groups)
    except outbox.OutboxError:
        return False
    return True


def restore(saved: dict[Path, bytes], places: list[Path]) -> None:
    """Every file of these folders as it was saved (the folders themselves kept: a laptop's
    identity is bound to its folder)."""
    for place in places:
        for path in place.iterdir():
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    for path, blob in saved.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)


@pytest.mark.slow
@pytest.mark.parametrize("laptop", ["coordinator", "group"])
def test_any_mix_of_bad_files_is_told_once_each_loses_nothing_and_removes_only_what_it_says(
    world: World, laptop: str
) -> None:
    exchanged_once_each(world)
    here, there = (
        (world.coordinator, world.group)
        if laptop == "coordinator"
        else (world.group, world.coordinator)
    )
    places = [world.folder, here.parent]
    saved = {p: p.read_bytes() for place in places for p in place.rglob("*") if p.is_file()}
    other_outbox = world.folder / carrier.outbox_name(replica_of(there))
    whole = other_outbox.read_bytes()
    own_outbox = world.folder / carrier.outbox_name(replica_of(here))
    own = own_outbox.read_bytes()
    record = state.read(orjson.loads(here.read_bytes()))
    assert record is not None
    with Store.open(here, readonly=True) as store:
        held = store.storage.read()

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(files=FILES, exchanges=st.integers(1, 3))
    def check(files: list[tuple[str, str, int, int]], exchanges: int) -> None:
        restore(saved, places)
        for kind, where, pick, number in files:
            (world.folder / named(where, number, here, there)).write_bytes(
                made(kind, whole, own, pick)
            )
        told: dict[str, bytes] = {}
        for _ in range(exchanges):
            before = {p.name: p.read_bytes() for p in world.folder.glob("*.outbox")}
            summary = world.exchange(here)
            problems = cast(list[str], summary["problems"])
            still = cast(list[str], summary["still_unread"])
            after = {p.name: p.read_bytes() for p in world.folder.glob("*.outbox")}
            assert len(problems) == len(set(problems)), problems
            for name in before:
                about = [p for p in problems if f" {name} " in p]
                assert len(about) <= 1, about  # each problem once
                assert not (about and name in still), name
                removed = [
                    p for p in about if p.startswith(f"The conflict copy {name} was removed")
                ]
                if name not in after:  # gone: merged whole (a readable copy), or said
                    assert carrier.is_conflict_copy(Path(name)), name
                    assert opens(before[name], record) or removed, name
                if removed:
                    assert name not in after and not opens(before[name], record)
                    main = carrier.outbox_name(str(carrier.replica_of(Path(name))))
                    assert opens(after[main], record)
                if name in told and told[name] == before[name]:  # told before, unchanged
                    assert not [p for p in about if "not read" in p or "could not" in p], about
            for name in after:
                if name != own_outbox.name and not opens(after[name], record):
                    told[name] = after[name]
        found = status(world, here)
        unreadable = {
            name
            for name, blob in after.items()
            if name != own_outbox.name and not opens(blob, record)
        }
        assert {item["file"] for item in found["unread_outboxes"]} == unreadable
        assert other_outbox.read_bytes() == whole  # no outbox was ever touched
        with Store.open(here, readonly=True) as store:  # nothing readable was lost
            now = store.storage.read()
            for table in ("groups", "facilitators", "members", "notes", "sessions"):
                ids = {doc["id"] for doc in now.get(table, {}).values()}
                assert ids == {doc["id"] for doc in held.get(table, {}).values()}, table

    check()


def test_an_exchange_with_only_a_file_told_before_has_nothing_to_do(world: World) -> None:
    """The note beside the data file knows the file told before: no copy of the data is made,
    and the file is still counted."""
    from voicesgroup.exchange import service

    exchanged_once_each(world)
    (world.folder / "voicesgroup-dddddd.outbox").write_bytes(b"junk")
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        basis = service.begin(store)
        assert basis.snapshot is None
        summary = service.prepare(basis).summary
        assert summary.still_unread == ["voicesgroup-dddddd.outbox"] and summary.problems == []
    (world.folder / "voicesgroup-dddddd.outbox").write_bytes(b"other junk")
    with Store.open(world.coordinator) as store:
        assert service.begin(store).snapshot is not None  # changed since: read again


@pytest.mark.parametrize(
    "noted",
    [
        [1, 2],
        "x",
        {"voicesgroup-dddddd.outbox": 5},
        {"a": {"kind": 3, "identity": "z", "since_ms": "q"}},
    ],
)
def test_a_list_of_unread_files_edited_by_hand_is_never_a_traceback(
    world: World, noted: object
) -> None:
    exchanged_once_each(world)
    (world.folder / "voicesgroup-dddddd.outbox").write_bytes(b"junk")
    data = orjson.loads(world.coordinator.read_bytes())
    data[state.TABLE]["1"]["unread"] = noted
    world.coordinator.write_bytes(orjson.dumps(data))
    assert isinstance(status(world, world.coordinator)["unread_outboxes"], list)
    status_text(world, world.coordinator)
    world.exchange(world.coordinator)
    [item] = status(world, world.coordinator)["unread_outboxes"]
    assert item["file"] == "voicesgroup-dddddd.outbox"


# -- a laptop whose clock is ahead: told when it begins, listed while it lasts --------------------


def test_a_laptop_with_its_clock_ahead_is_told_once_and_listed_while_it_lasts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.exchange import clock

    world.exchange(world.group)
    world.exchange(world.coordinator)
    real = clock.wall_ms

    def edit(most: int) -> None:
        with Store.open(world.group) as store:
            [rosa] = store.facilitators()
            store.save_facilitator(rosa.with_changes(max_per_month=most))
        world.exchange(world.group)

    monkeypatch.setattr(clock, "wall_ms", lambda: real() + 365 * 24 * 3600 * 1000)
    edit(2)
    monkeypatch.setattr(clock, "wall_ms", real)
    first = cast(list[str], world.exchange(world.coordinator)["problems"])
    [told] = [p for p in first if "clock more than a day ahead" in p]
    assert told.startswith("A laptop has its clock more than a day ahead, the laptop of ")
    assert status_text(world, world.coordinator).count("clock more than a day ahead") == 1
    for _ in range(2):
        again = cast(list[str], world.exchange(world.coordinator)["problems"])
        assert again == []  # told once
        assert told in status_text(world, world.coordinator)  # listed while it lasts
        [laptop] = status(world, world.coordinator)["laptops"]
        assert laptop["records_set_aside"] == 1
    edit(3)  # its clock put right
    world.exchange(world.coordinator)
    assert "clock more than a day ahead" not in status_text(world, world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.max_per_month == 3


def test_a_file_an_older_version_told_among_the_last_problems_is_named_once(world: World) -> None:
    exchanged_once_each(world)
    (world.folder / "voicesgroup-dddddd.outbox").write_bytes(b"junk")
    world.exchange(world.coordinator)
    data = orjson.loads(world.coordinator.read_bytes())
    record = data[state.TABLE]["1"]
    said = "The outbox voicesgroup-dddddd.outbox was not read: it is not a voicesgroup outbox."
    record["last"]["problems"] = [said, "Another problem."]  # as the version before kept it
    world.coordinator.write_bytes(orjson.dumps(data))
    text = status_text(world, world.coordinator)
    assert text.count("voicesgroup-dddddd.outbox") == 1, text
    assert "Another problem." in text
