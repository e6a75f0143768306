"""The exchange attacked, as a data-protection officer and a hostile carrier would.

Each test is one attack on a promise of "Sharing between laptops" (README) driven as users
drive it: the command line, laptops as data files in their own folders, one exchange folder.
What a laptop holds is decrypted with its own keys (`readable_files`) and searched. An attack
that still succeeds is marked `xfail(strict=True)` with the defect in one sentence, so the
test turns red the day the defect is fixed and the mark must go.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.exchange import (
    MEMBER,
    NOTE_WORDS,
    World,
    member_id,
    newer_format,
    no_real_data,
    readable_files,
    world,
)
from tests.helpers.files import strings_in
from tests.helpers.records import event
from voicesgroup.exchange import clock, merge, outbox, service, state
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.folder import outbox_name
from voicesgroup.kinds import ConsentAction, ConsentScope, SessionStatus
from voicesgroup.models import CopingStrategy, Note, Session
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]  # the fixtures, shared with test_exchange_cli


def record_of(db: Path) -> dict[str, Any]:
    found = state.read(orjson.loads(db.read_bytes()))
    assert found is not None
    return found


def secrets_of(world: World) -> list[bytes]:
    """What no byte the coordinator's laptop can read may hold: the member's name (in any
    case), id, and note."""
    identifier = member_id(world.group)
    return [MEMBER.encode(), MEMBER.lower().encode(), identifier.encode(), NOTE_WORDS.encode()]


def assert_coordinator_holds_none(world: World) -> None:
    for path, blob in readable_files(world.coordinator).items():
        for secret in secrets_of(world):
            assert secret not in blob, f"{path} holds {secret!r}"


def second_group_laptop(world: World, name: str = "g2") -> Path:
    laptop = world.laptop(name)
    world.join_group(laptop)
    world.exchange(laptop)
    return laptop


def the_note(db: Path) -> list[str]:
    with Store.open(db, readonly=True) as store:
        members = store.members()
        return sorted(
            note.member_words
            for member in members
            for note in store.notes(member.id, include_restricted=True)
        )


# -- what the coordinator's laptop holds --------------------------------------------------------


def test_a_strategy_whose_words_name_a_member_never_reaches_the_coordinator(
    world: World,
) -> None:
    with Store.open(world.group) as store:
        [group] = store.groups()
        idea = CopingStrategy(
            title=f"{MEMBER}'s walk by the canal",
            description=f"What {MEMBER.upper()} does when the humming starts",
            category=store.strategies()[0].category,
            shared_in_group_id=group.id,
        )
        store.save_strategy(idea)
        [session] = store.sessions()  # shared in the session the coordinator counts
        store.save_session(session.with_changes(strategy_ids=[idea.id]))
    world.exchange(world.group)
    second = second_group_laptop(world)
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
        world.exchange(second)
    assert_coordinator_holds_none(world)
    for laptop in (world.group, second):  # the group's laptops keep its idea
        with Store.open(laptop, readonly=True) as store:
            assert [s.title for s in store.strategies() if MEMBER in s.title] == [idea.title]
    out_file = world.tmp / "report.txt"
    code, out, err = world.cli(
        world.coordinator,
        *("report", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out_file)),
    )
    assert code == 0, out + err  # the coordinator's report counts a session whose idea it
    assert MEMBER not in out_file.read_text()  # does not hold


DISGUISES = [
    "MARIGOLD said the canal helps",
    "marigold's canal walk",
    "Marigolds walk",
    "Mari\u200bgold walks by the canal",  # a zero-width space inside the name
    "\uff2d\uff41\uff52\uff49\uff47\uff4f\uff4c\uff44 walks",  # full-width letters
    "M\u0430rigold walks",  # a Cyrillic a
    "Marigo\u0301ld walks",  # a combining accent
    "the canal, with marigold2",
]


@pytest.mark.parametrize("theme", DISGUISES)
def test_a_theme_naming_a_member_in_disguise_never_reaches_the_coordinator(
    world: World, theme: str
) -> None:
    with Store.open(world.group) as store:
        [session] = store.sessions()
        store.save_session(session.with_changes(themes=[*session.themes, theme]))
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        [session] = store.sessions()
        assert session.themes == ["sleep"]
    assert_coordinator_holds_none(world)


def test_the_coordinators_status_summary_and_audit_hold_no_member(world: World) -> None:
    world.exchange(world.group)
    outputs = [json.dumps(world.exchange(world.coordinator))]
    for argv in (("exchange", "status"), ("exchange", "status", "--json"), ("audit",)):
        code, out, err = world.cli(world.coordinator, *argv)
        assert code == 0, err
        outputs.append(out + err)
    for text in outputs:
        for secret in secrets_of(world):
            assert secret.decode() not in text


# -- a withdrawal that must hold ----------------------------------------------------------------


def _withdraw_notes(db: Path, *, erase: bool) -> None:
    with Store.open(db) as store:
        [member] = store.members()
        store.withdraw_consent(
            event(
                member,
                ConsentScope.PERSONAL_NOTES,
                ConsentAction.WITHDRAWN,
                on=dt.datetime.now(dt.UTC),
            ),
            erase=erase,
        )


def test_a_note_erased_by_a_withdrawal_stays_erased_after_a_later_edit_elsewhere(
    world: World,
) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    _withdraw_notes(world.group, erase=True)
    world.exchange(world.group)  # the erasure is stamped now
    with Store.open(second) as store:  # not knowing yet, a facilitator corrects the note
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(member_words="the humming stops by the river"))
    for _ in range(2):
        world.exchange(second)
        world.exchange(world.group)
    for laptop in (world.group, second):
        assert the_note(laptop) == [], laptop


def test_a_note_written_elsewhere_without_seeing_a_withdrawal_is_not_kept(
    world: World,
) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    _withdraw_notes(world.group, erase=True)
    with Store.open(second) as store:
        [member] = store.members()
        store.save_note(Note(member_id=member.id, member_words="new words", agreed_by_member=True))
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(second)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            assert not store.has_consent(member.id, ConsentScope.PERSONAL_NOTES)
        assert the_note(laptop) == [], laptop


# -- a forgotten member coming back -------------------------------------------------------------


def _forget(world: World, db: Path) -> None:
    code, _, err = world.cli(db, "member", "forget", "--member", MEMBER, "--yes")
    assert code == 0, err


def test_a_replayed_old_outbox_does_not_bring_a_forgotten_member_back(world: World) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    identifier = member_id(second)
    old_folder = {path.name: path.read_bytes() for path in world.folder.iterdir()}
    _forget(world, world.group)
    world.exchange(world.group)
    world.exchange(second)
    for name, blob in old_folder.items():  # the carrier puts back an old copy of the folder
        (world.folder / name).write_bytes(blob)
    world.exchange(second)
    world.exchange(world.group)
    world.exchange(second)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            assert store.members() == []
        for path, blob in readable_files(laptop).items():
            if path.parent == world.folder and path.name in old_folder:
                continue  # the replayed files themselves, as the carrier left them
            assert identifier.encode() not in blob and MEMBER.encode() not in blob, path


def test_an_old_backup_put_back_forgets_the_member_again(world: World) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    identifier = member_id(second)
    older = second.read_bytes()  # a copy made by another program, before the forgetting
    _forget(world, world.group)
    world.exchange(world.group)
    world.exchange(second)
    second.write_bytes(older)
    world.exchange(second)
    world.exchange(world.group)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            assert store.members() == []
        for path, blob in readable_files(laptop).items():
            assert identifier.encode() not in blob, path


def test_a_laptop_away_for_months_forgets_before_it_shares(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    identifier = member_id(second)
    with Store.open(second) as store:  # edits the member's note while away
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(member_words="months of new words"))
    _forget(world, world.group)
    world.exchange(world.group)
    real = clock.wall_ms
    monkeypatch.setattr(clock, "wall_ms", lambda: real() + 120 * 24 * 3600 * 1000)
    world.exchange(second)  # back four months later
    world.exchange(world.group)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            assert store.members() == []
        for path, blob in readable_files(laptop).items():
            assert identifier.encode() not in blob and b"months of new words" not in blob, path


# -- conflicts never dropped, and never coming back once resolved ------------------------------


def test_a_resolved_conflict_does_not_come_back_from_a_laptop_that_was_away(
    world: World,
) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    third = second_group_laptop(world, "g3")
    with Store.open(world.group) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(member_words="walking helps"))
    world.exchange(world.group)
    world.exchange(third)  # takes "walking helps", then goes away
    with Store.open(second) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(member_words="music helps"))
    world.exchange(second)
    world.exchange(world.group)
    assert the_note(world.group) == ["music helps", "walking helps"]  # the conflict, kept
    with Store.open(world.group) as store:  # resolved: the other version is let go
        [member] = store.members()
        [copy] = [n for n in store.notes(member.id) if n.member_words == "walking helps"]
        store.delete_notes([copy.id])
    world.exchange(world.group)
    world.exchange(second)
    assert the_note(second) == ["music helps"]
    for _ in range(2):  # the third laptop comes back
        world.exchange(third)
        world.exchange(world.group)
        world.exchange(second)
    for laptop in (world.group, second, third):
        assert the_note(laptop) == ["music helps"], laptop


# -- two laptops with one replica id ------------------------------------------------------------


def test_two_clones_of_one_laptop_image_never_pass_for_one(world: World, tmp_path: Path) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    home = world.group.parent
    image = tmp_path / "image"
    shutil.copytree(home, image)  # the second facilitator's laptop, cloned from this one
    folder_before = {p.name: p.read_bytes() for p in world.folder.iterdir()}

    def edit(words: str) -> None:
        with Store.open(world.group) as store:
            [member] = store.members()
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(member_words=words))

    edit("walking helps")  # on the first laptop
    world.exchange(world.group)
    first_home, first_folder = tmp_path / "first", tmp_path / "first-folder"
    shutil.move(home, first_home)
    shutil.copytree(world.folder, first_folder)
    # The clone, at the same path on its own computer of the same name, with its own copy of
    # the shared folder as Syncthing holds it before the two meet.
    shutil.copytree(image, home)
    for path in world.folder.iterdir():
        path.unlink()
    for name, blob in folder_before.items():
        (world.folder / name).write_bytes(blob)
    edit("music helps")
    world.exchange(world.group)
    clone_replica = record_of(world.group)["replica"]
    clone_outbox = (world.folder / outbox_name(str(clone_replica))).read_bytes()
    # Syncthing meets both: the first's outbox stays, the clone's becomes a conflict copy.
    shutil.rmtree(world.folder)
    shutil.copytree(first_folder, world.folder)
    stem = outbox_name(str(clone_replica)).removesuffix(".outbox")
    (world.folder / f"{stem}.sync-conflict-20261207-101010-ABCDEFG.outbox").write_bytes(
        clone_outbox
    )
    clone_home = tmp_path / "clone"
    shutil.move(home, clone_home)
    shutil.move(first_home, home)
    world.exchange(world.group)
    first_replica = record_of(world.group)["replica"]
    words = the_note(world.group)
    assert words == ["music helps", "walking helps"]  # the conflict is kept, but
    code, out, err = world.cli(world.group, "exchange", "status", "--json")
    assert code == 0, err
    others = [laptop["replica"] for laptop in json.loads(out)["laptops"]]
    assert first_replica != clone_replica and first_replica not in others


# -- clocks --------------------------------------------------------------------------------------


def test_a_laptop_with_its_clock_behind_is_not_told_the_others_are_wrong(
    world: World,
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=3))
    world.exchange(world.coordinator)
    behind = clock.wall_ms() - 3 * 24 * 3600 * 1000
    with Store.open(world.group) as store:
        summary = service.exchange(store, wall=lambda: behind)
    for problem in summary.problems:
        assert "coordinator" not in problem, problem


def test_a_stamp_of_the_same_moment_from_two_laptops_is_never_a_tie(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    moment = clock.wall_ms()
    for laptop, most in ((world.group, 2), (world.coordinator, 4)):
        with Store.open(laptop) as store:
            [rosa] = store.facilitators()
            store.save_facilitator(rosa.with_changes(max_per_month=most))
            service.exchange(store, wall=lambda: moment)
    for laptop in (world.group, world.coordinator, world.group):
        with Store.open(laptop) as store:
            service.exchange(store, wall=lambda: moment)
    found = set()
    for laptop in (world.group, world.coordinator):
        with Store.open(laptop, readonly=True) as store:
            [rosa] = store.facilitators()
            found.add(rosa.max_per_month)
    assert len(found) == 1  # one of the two, the same on both


def _insider_outbox(world: World, parts: list[merge.Entry], replica: str = "f" * 32) -> Path:
    """An outbox sealed with the organisation's own key, as a laptop of it (or a bug) could."""
    record = record_of(world.coordinator)
    contents = outbox.Contents(replica, "group", [], 1, clock.wall_ms())
    blob = outbox.seal(contents, bytes.fromhex(str(record["org_key"])), {}, {"org": parts})
    path = world.folder / outbox_name(replica)
    path.write_bytes(blob)
    return path


def test_a_counter_at_its_limit_is_one_sentence_not_a_traceback(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        [rosa] = store.facilitators()
        content = rosa.with_changes(max_per_month=7).model_dump(mode="json")
    ahead = clock.wall_ms() + 3600 * 1000  # an hour ahead: believed
    _insider_outbox(
        world,
        [
            merge.Entry(
                "facilitators", str(rosa.id), Stamp(ahead, 2**64 - 1, "f" * 32), None, content
            )
        ],
    )
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        store.save_facilitator(store.facilitators()[0].with_changes(max_per_month=8))
    code, _, err = world.cli(world.coordinator, "exchange")
    assert code == 0, err
    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:  # and the edit travels on
        assert store.facilitators()[0].max_per_month == 8


# -- a full disk or a stop at every step -------------------------------------------------------


class Replaces:
    """`os` for storage and the exchange folder, whose `replace` (the step that makes every
    write real: the data file, its backups, the outbox, the note beside the file) fails at
    call `at` with `fault`; None counts the calls."""

    def __init__(self, at: int | None, fault: BaseException) -> None:
        self.at, self.fault, self.count = at, fault, 0

    def __getattr__(self, name: str) -> object:
        import os

        return getattr(os, name)

    def replace(self, source: str | Path, target: str | Path) -> None:
        import os

        self.count += 1
        if self.count - 1 == self.at:
            raise self.fault
        os.replace(source, target)


def _forget_travelling(world: World) -> tuple[Path, str]:
    """A second laptop of the group, with a forgetting waiting for it in the folder."""
    world.exchange(world.group)
    second = second_group_laptop(world)
    identifier = member_id(second)
    _forget(world, world.group)
    world.exchange(world.group)
    return second, identifier


def _snapshot(paths: list[Path], into: Path) -> None:
    shutil.rmtree(into, ignore_errors=True)
    for index, path in enumerate(paths):
        shutil.copytree(path, into / str(index))


def _put_back(paths: list[Path], into: Path) -> None:
    """The folders' contents as they were, in the same folders: a stop does not move a
    laptop's folder, and a folder made anew is another laptop's (`state.binding`)."""
    for index, path in enumerate(paths):
        for child in path.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        shutil.copytree(into / str(index), path, dirs_exist_ok=True)


def _sweep(world: World, monkeypatch: pytest.MonkeyPatch, tmp: Path, fault: str) -> list[str]:
    """Break each write of one exchange in turn (a laptop taking in a forgetting), let the
    next exchange finish the work, and say where the member could still be read after it."""
    import errno
    import os

    from tests.helpers.exchange import Killed
    from voicesgroup.exchange import folder
    from voicesgroup.store import storage

    second, identifier = _forget_travelling(world)
    places = [second.parent, world.folder]
    _snapshot(places, tmp / "before")
    counting = Replaces(None, Killed())
    monkeypatch.setattr(storage, "os", counting)
    monkeypatch.setattr(folder, "os", counting)
    world.exchange(second)
    steps = counting.count
    assert steps >= 4  # the merge, the forgetting, the outbox, the note at least
    leaks = []
    for at in range(steps):
        _put_back(places, tmp / "before")
        error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        breaking = Replaces(at, error if fault == "full disk" else Killed())
        monkeypatch.setattr(storage, "os", breaking)
        monkeypatch.setattr(folder, "os", breaking)
        if fault == "full disk":
            code, out, err = world.cli(second, "exchange")
            assert code == 0 or (err.count("\n") == 1 and "Traceback" not in err), (at, err)
        else:
            with pytest.raises(Killed):
                world.cli(second, "exchange")
        monkeypatch.setattr(storage, "os", os)
        monkeypatch.setattr(folder, "os", os)
        assert isinstance(orjson.loads(second.read_bytes()), dict)  # a whole file, never half
        world.exchange(second)  # the next exchange finishes the work
        code, out, err = world.cli(second, "check")
        assert code == 0, (at, out + err)
        with Store.open(second, readonly=True) as store:
            assert store.members() == [], at
        leaks += [
            f"step {at}: {path.name}"
            for path, blob in readable_files(second).items()
            if identifier.encode() in blob
        ]
    return leaks


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["full disk", "stop"])
def test_a_fault_at_every_write_of_an_exchange_loses_nothing_and_forgets_in_the_end(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fault: str
) -> None:
    leaks = _sweep(world, monkeypatch, tmp_path, fault)
    # the data file and every backup (its outbox: the next test)
    assert [leak for leak in leaks if not leak.endswith(".outbox")] == []


@pytest.mark.slow
def test_a_fault_at_every_write_of_an_exchange_leaves_no_old_outbox_behind(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _sweep(world, monkeypatch, tmp_path, "stop") == []


# -- merge order, with stamps a damaged or cloned laptop repeats ---------------------------------

_STAMPS = st.builds(Stamp, st.integers(0, 2), st.integers(0, 1), st.sampled_from(["a", "b"]))
_ENTRIES = st.builds(
    merge.Entry,
    kind=st.sampled_from(["notes", "strategies", "rota", "consent_events"]),
    key=st.sampled_from(["1", "2"]),
    stamp=_STAMPS,
    base=st.none() | _STAMPS,
    content=st.none()
    | st.fixed_dictionaries(
        {
            "member_words": st.sampled_from(["x", "y"]),
            "title": st.sampled_from(["x", "y"]),
            "lead_id": st.sampled_from(["p", "q"]),
        }
    ),
    extra=st.none(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ENTRIES, max_size=10), st.randoms(use_true_random=False))
def test_the_merge_and_what_it_derives_ignore_order_even_with_repeated_stamps(
    versions: list[merge.Entry], shuffle: random.Random
) -> None:
    """Two versions with one stamp (a cloned laptop, a damaged outbox) still merge alike in
    any order and repetition, and derive the same conflict copies and rota clashes."""
    other = versions + versions[: len(versions) // 2]
    shuffle.shuffle(other)
    first, second = merge.merge(versions), merge.merge(other)
    assert {k: (e.stamp, e.content) for k, e in first.items()} == {
        k: (e.stamp, e.content) for k, e in second.items()
    }
    assert merge.conflict_copies(first, versions) == merge.conflict_copies(second, other)
    assert merge.rota_clashes(first, versions) == merge.rota_clashes(second, other)


@pytest.mark.parametrize("scope", ["notes kept restricted", "attendance by name"])
def test_a_withdrawal_holds_over_a_later_edit_elsewhere(world: World, scope: str) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    with Store.open(world.group) as store:
        [member] = store.members()
        store.withdraw_consent(
            event(
                member,
                ConsentScope.PERSONAL_NOTES
                if scope.startswith("notes")
                else ConsentScope.ATTENDANCE_BY_NAME,
                ConsentAction.WITHDRAWN,
                on=dt.datetime.now(dt.UTC),
            ),
            erase=False,
        )
    world.exchange(world.group)
    with Store.open(second) as store:  # not knowing yet, a facilitator tidies a record
        [member] = store.members()
        if scope.startswith("notes"):
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(to_remember="bring the map"))
        else:
            [session] = store.sessions()  # (a follow-up travels with named attendance)
            store.save_session(session.with_changes(follow_ups=["bring the map"]))
    for _ in range(2):
        world.exchange(second)
        world.exchange(world.group)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            if scope.startswith("notes"):
                notes = store.notes(member.id, include_restricted=True)
                assert notes and all(note.restricted for note in notes), laptop
            else:
                [session] = store.sessions()
                assert member.id not in session.named_member_ids, laptop


# -- the carrier: swapped, replayed, foreign files -----------------------------------------------


def test_an_outbox_swapped_under_another_laptops_name_changes_nothing_it_should_not(
    world: World,
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    group_replica = str(record_of(world.group)["replica"])
    coordinator_replica = str(record_of(world.coordinator)["replica"])
    group_box = world.folder / outbox_name(group_replica)
    coordinator_box = world.folder / outbox_name(coordinator_replica)
    blobs = group_box.read_bytes(), coordinator_box.read_bytes()
    group_box.write_bytes(blobs[1])  # the carrier swaps the two files' names
    coordinator_box.write_bytes(blobs[0])
    for laptop in (world.group, world.coordinator, world.group, world.coordinator):
        code, _, err = world.cli(laptop, "exchange")
        assert code == 0, err
    assert_coordinator_holds_none(world)
    with Store.open(world.coordinator, readonly=True) as store:
        assert [group.name for group in store.groups()] == ["Tuesday Voices"]
    with Store.open(world.group, readonly=True) as store:
        [member] = store.members()
        assert member.display_name == MEMBER  # nothing lost on the group's laptop


@pytest.mark.parametrize(
    "typed",
    [
        "tuesday voices",
        "  Tuesday Voices ",
        "Tuesday  Voices",
        "\uff34uesday Voices",  # a full-width T
    ],
)
def test_a_group_name_typed_another_way_is_read_alike_on_every_laptop(
    world: World, typed: str
) -> None:
    from voicesgroup.errors import NotFound

    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:
        try:
            found_here = store.find_group(typed).name
        except NotFound:
            found_here = None
    laptop = world.laptop("g2")
    world.use_passphrases("river stones and tea", "tuesday evening")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--group", typed
    )
    assert (code == 0) == (found_here is not None), err
    if code == 0:
        world.exchange(laptop)
        with Store.open(laptop, readonly=True) as store:
            assert [member.display_name for member in store.members()] == [MEMBER]
    else:
        assert "No group called" in err.splitlines()[-1] and "Traceback" not in err


def test_a_newer_outbox_arriving_as_a_conflict_copy_is_kept_as_it_is(world: World) -> None:
    world.exchange(world.group)
    replica = str(record_of(world.group)["replica"])
    blob = (world.folder / outbox_name(replica)).read_bytes()
    stem = outbox_name(replica).removesuffix(".outbox")
    copy = world.folder / f"{stem} (conflicted copy 2026-12-07 101010).outbox"
    newer = newer_format(blob)
    copy.write_bytes(newer)
    code, out, err = world.cli(world.coordinator, "exchange")
    assert code == 0, err
    assert copy.read_bytes() == newer  # kept aside, not dropped
    code, out, err = world.cli(world.coordinator, "exchange", "status")
    assert "newer version" in out


def test_a_laptop_whose_clock_is_put_right_is_heard_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    real = clock.wall_ms
    monkeypatch.setattr(clock, "wall_ms", lambda: real() + 365 * 24 * 3600 * 1000)
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    world.exchange(world.group)  # a year ahead: the coordinator sets it aside
    monkeypatch.setattr(clock, "wall_ms", real)  # the clock is put right
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=3))
    world.exchange(world.group)
    summary = world.exchange(world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.max_per_month == 3, summary["problems"]


# -- the demo organisation: every member of every group, against the coordinator's files ---------


def test_nothing_of_any_demo_member_reaches_the_coordinator(
    world: World, demo_bytes: bytes
) -> None:
    """The demo's groups on one laptop, exchanged with a coordinator: no member's id, no
    note, contact or consent wording, and no text naming a member (the name finder), in any
    byte the coordinator's laptop can read."""
    from voicesgroup.names import Purpose, texts_naming_members

    demo = world.tmp / "demo" / "vg.json"
    demo.parent.mkdir()
    demo.write_bytes(demo_bytes)
    demo.chmod(0o600)
    data = orjson.loads(demo_bytes)
    names = [str(g["name"]) for g in data["groups"].values() if not g.get("archived")]
    passphrases = world.tmp / "demo-groups.txt"
    passphrases.write_text("".join(f"group passphrase {i} of the demo\n" for i in names))
    passphrases.chmod(0o600)
    world.use_passphrases("river stones and tea")
    world.monkeypatch.setenv("VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE", str(passphrases))
    argv = [arg for name in names for arg in ("--group", name)]
    code, _, err = world.cli(demo, "exchange", "setup", "--folder", str(world.folder), *argv)
    assert code == 0, err
    world.exchange(demo)
    world.exchange(world.coordinator)
    members = list(data["members"].values())
    assert members
    exact = {str(m["id"]) for m in members}
    for table, fields in (
        ("notes", ("member_words", "what_helped", "to_remember", "facilitator_words")),
        ("contact_details", ("value",)),
        ("consent_events", ("wording",)),
    ):
        for record in data.get(table, {}).values():
            exact |= {str(record[f]) for f in fields if len(str(record.get(f) or "")) > 12}
    member_names = [n for m in members for n in [m["display_name"], *m.get("former_names", [])]]
    facilitator_names = [str(f["display_name"]) for f in data["facilitators"].values()]
    with Store.open(world.coordinator, readonly=True) as store:  # the figures did arrive
        assert len(store.sessions()) == len(data["sessions"]) and store.members() == []
    group_side = texts_naming_members(
        sorted(set(strings_in(data))), member_names, Purpose.REPORT, allow=facilitator_names
    )
    assert group_side  # (the same search finds names on the group's own laptop)
    for path, blob in readable_files(world.coordinator).items():
        text = blob.decode("utf-8", "replace")
        for secret in exact:
            assert secret not in text, f"{path} holds {secret!r}"
        strings = sorted(set(strings_in(orjson.loads(blob)))) if path.suffix != ".lock" else []
        naming = texts_naming_members(
            strings, member_names, Purpose.REPORT, allow=facilitator_names
        )
        assert [strings[i] for i in sorted(naming)] == [], path


# -- concurrent edits that are not texts ---------------------------------------------------------


def test_concurrent_changes_to_one_facilitator_are_both_kept(world: World) -> None:
    """The coordinator changes a facilitator's monthly limit while the group's laptop changes
    their days off: after the exchange both laptops hold both changes."""
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(unavailable_weekdays=[4]))
    for _ in range(2):
        world.exchange(world.coordinator)
        world.exchange(world.group)
    for laptop in (world.coordinator, world.group):
        with Store.open(laptop, readonly=True) as store:
            [rosa] = store.facilitators()
        assert (rosa.max_per_month, rosa.unavailable_weekdays) == (2, [4])


def test_a_member_forgotten_here_is_not_taken_back_through_a_new_exchange_folder(
    world: World,
) -> None:
    """The organisation moves to a new folder and passphrase (`leave`, then `setup`): what
    this file itself forgot is still refused when a laptop that was away brings it back."""
    world.exchange(world.group)
    second = second_group_laptop(world)  # holds the member, then is away
    identifier = member_id(second)
    _forget(world, world.group)
    world.exchange(world.group)
    new_folder = world.tmp / "new-exchange"
    new_folder.mkdir()
    world.folder = new_folder
    for laptop, role in ((world.coordinator, "--coordinator"), (world.group, ""), (second, "")):
        code, _, err = world.cli(laptop, "exchange", "leave")
        assert code == 0, err
        if role:
            world.use_passphrases("a new passphrase for the new folder")
            argv = ["--coordinator", "--yes"]
        else:
            world.use_passphrases("a new passphrase for the new folder", "tuesday evening")
            argv = ["--group", "Tuesday Voices"]
        code, _, err = world.cli(laptop, "exchange", "setup", "--folder", str(new_folder), *argv)
        assert code == 0, err
    world.exchange(second)  # back, still holding the member
    world.exchange(world.group)
    world.exchange(world.coordinator)
    for laptop in (world.group, world.coordinator):
        for path, blob in readable_files(laptop).items():
            if path.parent == new_folder and str(record_of(second)["replica"]) in path.name:
                continue  # the away laptop's own outbox, until it hears of the forgetting
            assert identifier.encode() not in blob, (laptop, path)


def test_a_backup_made_before_a_forgetting_and_restored_does_not_bring_the_member_back(
    world: World,
) -> None:
    world.exchange(world.group)
    second = second_group_laptop(world)
    identifier = member_id(second)
    kept = world.tmp / "kept-backup.json"
    code, _, err = world.cli(world.group, "backup", "--out", str(kept))
    assert code == 0, err
    _forget(world, world.group)
    world.exchange(world.group)
    world.exchange(second)
    code, out, err = world.cli(world.group, "restore", str(kept), "--yes")
    assert code == 0 or err.count("\n") == 1, out + err
    for laptop in (world.group, second, world.group, second):
        world.exchange(laptop)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            assert store.members() == []
        for path, blob in readable_files(laptop).items():
            if path == kept:
                continue
            assert identifier.encode() not in blob, path
    assert len({record_of(world.group)["replica"], record_of(second)["replica"]}) == 2


def test_an_exchange_while_the_app_has_the_file_open_is_one_sentence(world: World) -> None:
    world.exchange(world.group)
    before = world.coordinator.read_bytes()
    with Store.open(world.coordinator):  # the app, open on this laptop
        code, _, err = world.cli(world.coordinator, "exchange")
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err, err
    assert world.coordinator.read_bytes() == before


def test_a_withdrawal_rewritten_as_a_grant_on_another_laptop_does_not_win(world: World) -> None:
    world.exchange(world.group)
    _withdraw_notes(world.group, erase=False)
    world.exchange(world.group)
    record = record_of(world.group)
    [group_id] = record["group_keys"]
    with Store.open(world.group, readonly=True) as store:
        [member] = store.members()
        [withdrawal] = [
            e for e in store.consent_events(member.id) if e.action is ConsentAction.WITHDRAWN
        ]
        rewritten = withdrawal.model_copy(update={"action": ConsentAction.GIVEN})
    later = Stamp(clock.wall_ms() + 3600 * 1000, 0, "e" * 32)
    part = merge.Entry(
        "consent_events", str(withdrawal.id), later, None, rewritten.model_dump(mode="json")
    )
    keys = {str(group_id): bytes.fromhex(str(record["group_keys"][group_id]))}
    contents = outbox.Contents("e" * 32, "group", [str(group_id)], 1, clock.wall_ms())
    blob = outbox.seal(
        contents,
        bytes.fromhex(str(record["org_key"])),
        keys,
        {"org": [], str(group_id): [part]},
    )
    (world.folder / outbox_name("e" * 32)).write_bytes(blob)
    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:
        [member] = store.members()
        assert not store.has_consent(member.id, ConsentScope.PERSONAL_NOTES)
        assert any(e.action is ConsentAction.WITHDRAWN for e in store.consent_events(member.id))


def test_a_conflict_copy_of_this_laptops_own_outbox_is_not_counted_as_another_laptop(
    world: World,
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    replica = str(record_of(world.coordinator)["replica"])
    own = world.folder / outbox_name(replica)
    stem = own.name.removesuffix(".outbox")
    copy = world.folder / f"{stem}.sync-conflict-20261207-101010-ABCDEFG.outbox"
    copy.write_bytes(own.read_bytes())
    world.exchange(world.coordinator)
    assert not copy.exists()  # read and removed
    code, out, err = world.cli(world.coordinator, "exchange", "status", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert replica not in [laptop["replica"] for laptop in found["laptops"]]
    assert found["forgetting_acknowledged"]["of"] == 2


# -- leaving ------------------------------------------------------------------------------------


def test_leaving_with_the_stick_out_never_leaves_the_outbox_behind(world: World) -> None:
    world.exchange(world.group)
    replica = str(record_of(world.group)["replica"])
    away = world.tmp / "stick-in-a-drawer"
    world.folder.rename(away)
    code, out, err = world.cli(world.group, "exchange", "leave")
    away.rename(world.folder)  # the stick comes back
    still_set_up = state.read(orjson.loads(world.group.read_bytes())) is not None
    if code != 0:
        assert err.count("\n") == 1 and still_set_up, err
    else:
        assert not (world.folder / outbox_name(replica)).exists(), out


def test_a_damaged_set_up_file_in_the_folder_is_one_sentence_and_changes_nothing(
    world: World,
) -> None:
    setup = world.folder / outbox.SETUP_FILE
    setup.write_bytes(setup.read_bytes()[:20])  # cut short by the carrier
    laptop = world.laptop("g2")
    before = laptop.read_bytes()
    world.use_passphrases("river stones and tea", "tuesday evening")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--group", "Tuesday Voices"
    )
    assert code != 0 and "cannot be read" in err and "Traceback" not in err, err
    assert laptop.read_bytes() == before
    world.exchange(world.group)  # the laptops already set up go on as before
    world.exchange(world.coordinator)


@pytest.mark.parametrize("change", ["a theme", "the facilitators"])
def test_a_session_corrected_on_the_coordinators_laptop_stays_corrected(
    world: World, change: str
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        [session] = store.sessions()
        if change == "a theme":
            store.save_session(session.with_changes(themes=[*session.themes, "maps"]))
        else:
            store.save_session(session.with_changes(facilitator_ids=[]))
    for _ in range(2):
        world.exchange(world.coordinator)
        world.exchange(world.group)
    for laptop in (world.coordinator, world.group):
        with Store.open(laptop, readonly=True) as store:
            [session] = store.sessions()
            if change == "a theme":
                assert "maps" in session.themes, laptop
            else:
                assert session.facilitator_ids == [], laptop
    with Store.open(world.group, readonly=True) as store:  # the group's own part untouched
        [session] = store.sessions()
        assert len(session.named_member_ids) == 1


def test_forgetting_is_acknowledged_by_all_once_a_restored_laptop_has_its_new_identity(
    world: World,
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    older = world.group.read_bytes()
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    world.exchange(world.group)
    world.exchange(world.coordinator)
    world.group.write_bytes(older)  # put back from an older copy: a new identity
    world.exchange(world.group)
    _forget(world, world.group)
    for laptop in (world.group, world.coordinator, world.group, world.coordinator):
        world.exchange(laptop)
    for laptop in (world.coordinator, world.group):
        code, out, err = world.cli(laptop, "exchange", "status", "--json")
        assert code == 0, err
        said = json.loads(out)["forgetting_acknowledged"]
        assert said["by"] == said["of"] == 2, (laptop, said)


def test_a_member_of_one_group_never_reaches_a_laptop_of_another_group_only(
    world: World,
) -> None:
    """A laptop holding two groups records a newcomer who has come to one of them (consent
    given, not yet marked present); a laptop holding only the other group must not get them."""
    from tests.helpers.records import add_group, add_member

    both = world.laptop("both")
    with Store.open(both) as store:
        add_group(store, "Tuesday Voices")
        add_group(store, "Thursday Beliefs")
        add_member(store, "Juniper", ConsentScope.PERSONAL_NOTES)
    lines = world.tmp / "two-groups.txt"
    lines.write_text("tuesday evening\nthursday morning light\n")
    lines.chmod(0o600)
    world.use_passphrases("river stones and tea")
    world.monkeypatch.setenv("VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE", str(lines))
    code, _, err = world.cli(
        both,
        *("exchange", "setup", "--folder", str(world.folder)),
        *("--group", "Tuesday Voices", "--group", "Thursday Beliefs"),
    )
    assert code == 0, err
    world.exchange(both)
    thursday = world.laptop("thursday")
    one = world.tmp / "one-group.txt"
    one.write_text("thursday morning light\n")
    one.chmod(0o600)
    world.monkeypatch.setenv("VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE", str(one))
    code, _, err = world.cli(
        thursday, "exchange", "setup", "--folder", str(world.folder), "--group", "Thursday Beliefs"
    )
    assert code == 0, err
    world.exchange(thursday)
    with Store.open(thursday, readonly=True) as store:
        assert [m.display_name for m in store.members()] == []
    with Store.open(both) as store:  # marked present at Tuesday's: now they travel there
        [member] = store.members()
        store.give_consent(event(member, ConsentScope.ATTENDANCE_BY_NAME))
        store.save_session(
            Session(
                group_id=store.find_group("Tuesday Voices").id,
                date=dt.date(2025, 3, 4),
                status=SessionStatus.ENDED,
                named_member_ids=[member.id],
            )
        )
    world.exchange(both)
    tuesday = world.laptop("tuesday")
    world.join_group(tuesday)
    for laptop in (tuesday, thursday):
        world.exchange(laptop)
    with Store.open(tuesday, readonly=True) as store:
        assert [m.display_name for m in store.members()] == ["Juniper"]
    with Store.open(thursday, readonly=True) as store:
        assert store.members() == []
