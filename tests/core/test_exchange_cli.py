"""`voicesgroup exchange`: laptops of one organisation sharing one exchange folder.

Each laptop is a data file in its own folder; the exchange folder is shared as Syncthing
would share it. What the coordinator's laptop holds is decrypted with its own keys and
searched for members.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from tests.helpers.exchange import (
    MEMBER,
    NOTE_WORDS,
    THEME,
    Killed,
    World,
    group_outbox,
    member_id,
    newer_format,
    no_real_data,
    readable_files,
    replica_of,
    world,
)
from voicesgroup.exchange import outbox, state
from voicesgroup.kinds import ConsentScope, RotaStatus
from voicesgroup.models import Facilitator, RotaAssignment
from voicesgroup.store import Store

FIXTURES = (no_real_data, world)
"""The laptops, and no real data reached, for every test here (from tests/helpers/exchange.py)."""


def test_the_group_laptops_work_reaches_the_coordinator_without_any_member(world: World) -> None:
    world.exchange(world.group)
    summary = world.exchange(world.coordinator)
    assert summary["came_in"]
    with Store.open(world.coordinator, readonly=True) as store:
        [group] = store.groups()
        assert group.name == "Tuesday Voices"
        [session] = store.sessions()
        assert session.head_count == 5  # three anonymous, one named (counted anonymous), one new
        assert session.named_member_ids == []
        assert session.themes == ["sleep"]  # the theme naming a member stays on the group's
        assert [f.display_name for f in store.facilitators()] == ["Rosa"]
        assert store.members() == []
    identifier = member_id(world.group)
    for path, blob in readable_files(world.coordinator).items():
        for secret in (MEMBER.encode(), identifier.encode(), NOTE_WORDS.encode()):
            assert secret not in blob, f"{path} holds {secret!r}"


def test_a_rota_published_on_the_coordinators_laptop_reaches_the_group(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        [group] = store.groups()
        [rosa] = store.facilitators()
        store.save_rota(
            [
                RotaAssignment(
                    group_id=group.id,
                    date=dt.date(2025, 4, 1),
                    lead_id=rosa.id,
                    status=RotaStatus.PUBLISHED,
                )
            ]
        )
    world.exchange(world.coordinator)
    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:
        [slot] = store.rota()
        assert (slot.date, slot.status) == (dt.date(2025, 4, 1), RotaStatus.PUBLISHED)
        # the group laptop's own records are as they were
        [session] = store.sessions()
        assert len(session.named_member_ids) == 1 and session.anonymous_count == 3
        assert session.themes == ["sleep", THEME]


def test_availability_typed_on_the_group_laptop_reaches_the_coordinator(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(unavailable_weekdays=[1, 3]))
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.unavailable_weekdays == [1, 3]


def test_a_member_forgotten_on_one_laptop_is_in_no_file_of_either(world: World) -> None:
    world.exchange(world.group)
    second = world.laptop("g2")
    world.join_group(second)  # a second laptop of the group, which starts with nothing
    world.exchange(second)
    identifier = member_id(second)  # the member reached the group's second laptop
    code, _, err = world.cli(world.group, "member", "forget", "--member", MEMBER, "--yes")
    assert code == 0, err
    world.exchange(world.group)
    summary = world.exchange(second)
    assert summary["forgotten_here"] == 1
    world.exchange(world.coordinator)
    world.exchange(world.group)
    for laptop in (world.group, second, world.coordinator):
        for path, blob in readable_files(laptop).items():
            for secret in (MEMBER.encode(), identifier.encode(), NOTE_WORDS.encode()):
                assert secret not in blob, f"{path} holds {secret!r}"
        code, out, err = world.cli(laptop, "check")
        assert code == 0, out + err
    code, out, _ = world.cli(world.group, "exchange", "status")
    assert "Forgetting acknowledged by 3 of 3 laptops." in out
    with Store.open(second, readonly=True) as store:
        [session] = store.sessions()
        assert session.head_count == 5  # the member is counted anonymously, totals unchanged


def test_a_note_changed_on_two_laptops_at_once_keeps_both_versions(world: World) -> None:
    world.exchange(world.group)
    second = world.laptop("g2")
    world.join_group(second)  # a second laptop of the group, which starts with nothing
    world.exchange(second)
    for laptop, words in ((world.group, "walking helps"), (second, "music helps")):
        with Store.open(laptop) as store:
            [member] = store.members()
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(member_words=words))
    world.exchange(world.group)
    world.exchange(second)
    world.exchange(world.group)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            assert sorted(n.member_words for n in store.notes(member.id)) == [
                "music helps",
                "walking helps",
            ]
        code, out, _ = world.cli(laptop, "exchange", "status", "--json")
        assert code == 0 and len(json.loads(out)["conflicts"]) == 1


def test_a_copied_data_file_takes_a_replica_id_of_its_own(world: World) -> None:
    world.exchange(world.group)
    copy = world.tmp / "copy" / "vg.json"
    copy.parent.mkdir()
    shutil.copy(world.group, copy)
    world.exchange(copy)
    replicas = {replica_of(path) for path in (world.group, copy)}
    assert len(replicas) == 2


def test_a_copy_naming_a_former_identity_still_at_work_leaves_it_counted(world: World) -> None:
    """A copy names the identity it came from, but the original's outbox is still in the
    folder: a laptop still at work, never taken out of the count of forgetting."""
    world.exchange(world.group)
    world.exchange(world.coordinator)
    copy = world.tmp / "copy" / "vg.json"
    copy.parent.mkdir()
    shutil.copy(world.group, copy)
    world.exchange(copy)
    world.exchange(world.coordinator)
    code, out, err = world.cli(world.coordinator, "exchange", "status", "--json")
    assert code == 0, err
    said = json.loads(out)
    assert replica_of(world.group) in [laptop["replica"] for laptop in said["laptops"]]
    assert said["forgetting_acknowledged"]["of"] == 3


def test_a_file_restored_from_an_older_copy_takes_a_new_replica_id(world: World) -> None:
    world.exchange(world.group)
    older = world.group.read_bytes()
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    world.exchange(world.group)
    before = state.read(orjson.loads(world.group.read_bytes()))
    world.group.write_bytes(older)
    world.exchange(world.group)
    after = state.read(orjson.loads(world.group.read_bytes()))
    assert before is not None and after is not None
    assert after["replica"] != before["replica"]
    # and it took its own later edit back from its former outbox
    with Store.open(world.group, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.max_per_month == 2


# -- bad input: one sentence, the file left, nothing half-merged --------------------------------


def _flipped_after_header(blob: bytes) -> bytes:
    """One bit changed in the organisation's section (the first after the header)."""
    at = len(outbox.read_header(blob)[1]) + 5
    return blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1 :]


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda blob: blob[: len(blob) // 2], "not complete"),
        (lambda blob: _flipped_after_header(blob), "does not open"),
        (lambda blob: newer_format(blob), "newer version"),
        (lambda blob: b"PK\x03\x04" + blob[4:], "not a voicesgroup outbox"),
    ],
    ids=["truncated", "tampered", "newer-format", "not-an-outbox"],
)
def test_an_outbox_that_cannot_be_read_is_named_and_left(
    world: World, spoil: Callable[[bytes], bytes], said: str
) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    spoilt = spoil(path.read_bytes())
    path.write_bytes(spoilt)
    before = world.coordinator.read_bytes()
    code, out, err = world.cli(world.coordinator, "exchange")
    assert code == 0 and "Traceback" not in out + err
    [problem] = [line for line in out.splitlines() if path.name in line]
    assert said in problem
    assert path.read_bytes() == spoilt  # left for next time
    with Store.open(world.coordinator, readonly=True) as store:
        assert store.groups() == []  # nothing half-merged
    del before


def test_an_outbox_of_another_organisation_is_not_read(world: World) -> None:
    other_folder = world.tmp / "other-exchange"
    other_folder.mkdir()
    other = world.laptop("other")
    world.use_passphrases("another charity altogether")
    code, _, err = world.cli(
        other, "exchange", "setup", "--folder", str(other_folder), "--coordinator", "--yes"
    )
    assert code == 0, err
    world.exchange(other)
    [stranger] = other_folder.glob("*.outbox")
    shutil.copy(stranger, world.folder / stranger.name)
    code, out, _ = world.cli(world.coordinator, "exchange")
    assert "does not open with this organisation's exchange passphrase" in out


def test_a_wrong_passphrase_at_setup_changes_nothing(world: World) -> None:
    laptop = world.laptop("late")
    world.use_passphrases("not the right words")
    before = laptop.read_bytes()
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--coordinator"
    )
    assert code != 0 and "Traceback" not in err
    assert err.count("\n") == 1 and "not the passphrase" in err
    assert laptop.read_bytes() == before


def test_a_laptop_with_its_clock_a_year_ahead_is_named_and_its_stamps_set_aside(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.exchange import clock

    year = 365 * 24 * 3600 * 1000
    real = clock.wall_ms
    monkeypatch.setattr(clock, "wall_ms", lambda: real() + year)
    world.exchange(world.group)
    monkeypatch.setattr(clock, "wall_ms", real)
    summary = world.exchange(world.coordinator)
    problems = summary["problems"]
    assert isinstance(problems, list)
    [told] = [p for p in problems if "clock more than a day ahead" in p]
    said = re.search(r"(\d+) (records?) from it (was|were) set aside", told)
    assert said is not None, told
    one = said.group(1) == "1"
    assert (said.group(2), said.group(3)) == (("record", "was") if one else ("records", "were"))
    record = state.read(orjson.loads(world.coordinator.read_bytes()))
    assert record is not None and record["clock"][0] < real() + 60_000  # never dragged forward


def test_one_record_stamped_a_year_ahead_is_told_as_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.exchange import clock

    world.exchange(world.group)
    world.exchange(world.coordinator)
    real = clock.wall_ms
    monkeypatch.setattr(clock, "wall_ms", lambda: real() + 365 * 24 * 3600 * 1000)
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    world.exchange(world.group)
    monkeypatch.setattr(clock, "wall_ms", real)
    problems = world.exchange(world.coordinator)["problems"]
    assert isinstance(problems, list)
    [told] = [p for p in problems if "clock more than a day ahead" in p]
    assert "1 record from it was set aside" in told, told


def test_an_exchange_without_set_up_says_what_to_do(world: World) -> None:
    laptop = world.laptop("new")
    code, _, err = world.cli(laptop, "exchange")
    assert code != 0 and err.count("\n") == 1 and "exchange setup" in err


def test_leaving_takes_the_outbox_out_of_the_folder(world: World) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    assert path.exists()
    code, _, err = world.cli(world.group, "exchange", "leave")
    assert code == 0, err
    assert not path.exists()
    assert state.read(orjson.loads(world.group.read_bytes())) is None


# -- faults: a full disk, a stop at any step -------------------------------------------------


STEPS = [
    "one_exchange.begin",
    "stamping.stamp",
    "inbox.read_outboxes",
    "applying.merge_in",
    "applying.due_forgetting",
    "stamping.seal",
    "one_exchange.apply",
    "one_exchange.deliver",
]
"""The steps of one exchange, each called through its module (`one_exchange`): prepared on a
copy, applied in one save, delivered."""


@pytest.mark.parametrize("step", STEPS)
def test_a_stop_at_any_step_leaves_the_old_file_or_the_merged_one(
    world: World, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    import importlib

    module_name, name = step.split(".")
    module = importlib.import_module(f"voicesgroup.exchange.{module_name}")
    world.exchange(world.group)
    before = world.coordinator.read_bytes()
    real = getattr(module, name)

    def stop(*args: object, **kwargs: object) -> object:
        raise Killed

    monkeypatch.setattr(module, name, stop)
    with pytest.raises(Killed):
        world.cli(world.coordinator, "exchange")
    monkeypatch.setattr(module, name, real)
    after = world.coordinator.read_bytes()
    with Store.open(world.coordinator, readonly=True) as store:
        groups = [group.name for group in store.groups()]
    assert after == before or groups == ["Tuesday Voices"]  # never half
    code, out, err = world.cli(world.coordinator, "check")
    assert code == 0, out + err
    world.exchange(world.coordinator)  # and the next exchange finishes the work
    with Store.open(world.coordinator, readonly=True) as store:
        assert [group.name for group in store.groups()] == ["Tuesday Voices"]


def test_a_full_disk_is_one_sentence_and_loses_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from voicesgroup.store import storage

    world.exchange(world.group)
    before = world.coordinator.read_bytes()

    def full(path: Path, blob: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage, "write_atomically", full)
    code, _, err = world.cli(world.coordinator, "exchange")
    assert code != 0 and "Traceback" not in err and err.count("\n") == 1
    assert "the disk is full" in err
    assert world.coordinator.read_bytes() == before
    monkeypatch.undo()
    world.exchange(world.coordinator)
    with Store.open(world.coordinator, readonly=True) as store:
        assert [group.name for group in store.groups()] == ["Tuesday Voices"]


def test_a_full_disk_in_the_exchange_folder_keeps_what_came_in(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from voicesgroup.exchange import folder

    world.exchange(world.group)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(folder, "_write_and_flush", full)
    code, _, err = world.cli(world.coordinator, "exchange")
    assert code != 0 and err.count("\n") == 1 and "has no room" in err
    monkeypatch.undo()
    with Store.open(world.coordinator, readonly=True) as store:
        assert [group.name for group in store.groups()] == ["Tuesday Voices"]
    world.exchange(world.coordinator)
    assert len(list(world.folder.glob("*.outbox"))) == 2  # its outbox is there now


def test_a_withdrawal_wins_over_a_consent_given_elsewhere_without_seeing_it(world: World) -> None:
    from tests.helpers.records import event
    from voicesgroup.kinds import ConsentAction

    world.exchange(world.group)
    second = world.laptop("g2")
    world.join_group(second)
    world.exchange(second)
    later = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    with Store.open(world.group) as store:
        [member] = store.members()
        store.withdraw_consent(
            event(member, ConsentScope.PERSONAL_NOTES, ConsentAction.WITHDRAWN, on=later),
            erase=True,
        )
    with Store.open(second) as store:  # given again there, a day after, not knowing
        [member] = store.members()
        store.give_consent(
            event(member, ConsentScope.PERSONAL_NOTES, on=later + dt.timedelta(days=1))
        )
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(second)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            assert not store.has_consent(member.id, ConsentScope.PERSONAL_NOTES)
            assert store.notes(member.id, include_restricted=True) == []  # erased everywhere


def test_the_shipped_starter_set_is_one_library_after_an_exchange(world: World) -> None:
    from voicesgroup.shipped import starter_strategies, starter_support_contacts

    with Store.open(world.group) as store:  # a session shared a starter idea, by this id
        [session] = store.sessions()
        first = store.strategies()[0]
        store.save_session(session.with_changes(strategy_ids=[first.id]))
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    for laptop in (world.group, world.coordinator):
        with Store.open(laptop, readonly=True) as store:
            assert len(store.strategies()) == len(starter_strategies())
            assert len(store.support_contacts()) == len(starter_support_contacts())
            [session] = store.sessions()
            [shared] = session.strategy_ids
            assert store.strategy(shared).title == first.title


def test_an_older_version_never_writes_over_a_newer_ones_outbox(world: World) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    path.write_bytes(newer_format(path.read_bytes()))
    before = (world.group.read_bytes(), path.read_bytes())
    code, _, err = world.cli(world.group, "exchange")
    assert code != 0 and err.count("\n") == 1 and "please update" in err
    assert (world.group.read_bytes(), path.read_bytes()) == before


def test_a_rota_slot_planned_differently_on_two_laptops_shows_in_the_status(
    world: World,
) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    for laptop, name in ((world.coordinator, "Rosa"), (world.group, "Sam")):
        with Store.open(laptop) as store:
            [group] = store.groups()
            people = {person.display_name: person for person in store.facilitators()}
            if name not in people:
                people[name] = Facilitator(display_name=name)
                store.save_facilitator(people[name])
            store.save_rota(
                [
                    RotaAssignment(
                        group_id=group.id, date=dt.date(2025, 5, 6), lead_id=people[name].id
                    )
                ]
            )
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    leads = set()
    for laptop in (world.group, world.coordinator):
        with Store.open(laptop, readonly=True) as store:
            [slot] = store.rota()  # one record for the group and date
            leads.add(slot.lead_id)
    assert len(leads) == 1
    code, out, _ = world.cli(world.coordinator, "exchange", "status")
    assert code == 0 and "was planned differently on two laptops" in out


def test_a_new_laptop_with_only_a_sessions_facts_never_overrides_its_named_attendance(
    world: World,
) -> None:
    with Store.open(world.coordinator) as store:
        store.save_settings(store.settings().model_copy(update={"organisation": "Riverside"}))
    world.exchange(world.group)
    world.exchange(world.coordinator)  # the coordinator holds the session's facts
    second = world.laptop("g2")
    world.join_group(second)
    first_outbox = group_outbox(world)
    held_back = first_outbox.read_bytes()
    first_outbox.unlink()  # the second laptop meets the coordinator's outbox first
    world.exchange(second)
    first_outbox.write_bytes(held_back)
    for _ in range(2):
        world.exchange(second)
        world.exchange(world.group)
        world.exchange(world.coordinator)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [session] = store.sessions()
            assert len(session.named_member_ids) == 1 and session.themes == ["sleep", THEME]
            assert store.settings().organisation == "Riverside"


def test_two_laptops_with_nothing_new_stop_writing(world: World) -> None:
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    files = {path: path.stat().st_mtime_ns for path in world.folder.glob("*.outbox")}
    data = {db: db.read_bytes() for db in (world.group, world.coordinator)}
    for _ in range(2):
        assert world.exchange(world.group)["sent"] == 0
        assert world.exchange(world.coordinator)["sent"] == 0
    assert {path: path.stat().st_mtime_ns for path in world.folder.glob("*.outbox")} == files
    assert {db: db.read_bytes() for db in data} == data


def test_a_missing_exchange_folder_is_one_sentence(world: World) -> None:
    world.exchange(world.group)
    world.folder.rename(world.tmp / "stick-taken-out")
    before = world.group.read_bytes()
    code, _, err = world.cli(world.group, "exchange")
    assert code != 0 and err.count("\n") == 1 and "is not there" in err
    assert world.group.read_bytes() == before
    laptop = world.laptop("late")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--coordinator", "--yes"
    )
    assert code != 0 and err.count("\n") == 1 and "is not there" in err


def test_a_laptop_given_another_group_passphrase_is_told_and_reads_the_rest(
    world: World,
) -> None:
    world.exchange(world.group)
    second = world.laptop("g2")
    world.use_passphrases("river stones and tea", "not the group's words")
    code, _, err = world.cli(
        second, "exchange", "setup", "--folder", str(world.folder), "--group", "Tuesday Voices"
    )
    assert code == 0, err
    summary = world.exchange(second)
    problems = summary["problems"]
    assert isinstance(problems, list)
    [problem] = problems
    assert "the records of Tuesday Voices do not open" in problem
    with Store.open(second, readonly=True) as store:
        assert [group.name for group in store.groups()] == ["Tuesday Voices"]
        assert store.members() == []


def test_a_new_exchange_passphrase_follows_the_passphrase_rule(world: World) -> None:
    other = world.tmp / "other-folder"
    other.mkdir()
    laptop = world.laptop("short")
    world.use_passphrases("short")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(other), "--coordinator", "--yes"
    )
    assert code != 0 and err.count("\n") == 1 and "at least 8 characters" in err
    assert not list(other.iterdir())


def test_an_edit_made_after_seeing_another_wins_though_its_clock_is_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.exchange import clock

    real = clock.wall_ms
    world.exchange(world.group)
    world.exchange(world.coordinator)
    with Store.open(world.coordinator) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=5))
    world.exchange(world.coordinator)
    monkeypatch.setattr(clock, "wall_ms", lambda: real() - 2 * 3600 * 1000)  # two hours slow
    world.exchange(world.group)  # sees the 5
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        assert rosa.max_per_month == 5
        store.save_facilitator(rosa.with_changes(max_per_month=6))
    world.exchange(world.group)
    monkeypatch.setattr(clock, "wall_ms", real)
    world.exchange(world.coordinator)
    for laptop in (world.group, world.coordinator):
        with Store.open(laptop, readonly=True) as store:
            [rosa] = store.facilitators()
            assert rosa.max_per_month == 6


def test_a_strategy_changed_on_two_laptops_is_named_in_words_in_the_status(
    world: World,
) -> None:
    from voicesgroup.commands.exchange import ONE_RECORD
    from voicesgroup.exchange.sharing import TEXT_FIELDS

    assert set(ONE_RECORD) == set(TEXT_FIELDS), "each table whose texts can conflict, in words"
    world.exchange(world.group)
    world.exchange(world.coordinator)
    for laptop, words in ((world.group, "Text first."), (world.coordinator, "Phone first.")):
        with Store.open(laptop) as store:
            [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
            store.save_strategy(buddy.with_changes(description=words))
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    code, out, _ = world.cli(world.coordinator, "exchange", "status")
    assert code == 0 and "Conflict: a strategy was changed on two laptops at once" in out, out
    # What came in is counted in the same words as on the screen ("1 strategy"), never a
    # table's own name ("1 record of strategies", "follow ups").
    came_in = [line for line in out.splitlines() if "came in" in line]
    assert came_in and all("record" not in line and "_" not in line for line in came_in), out
    from voicesgroup.exchange.view import KIND_WORDS

    words = {word for pair in KIND_WORDS.values() for word in pair}
    for line in came_in:
        for item in line.rsplit(": ", 1)[1].split(", "):
            count, word = item.split(" ", 1)
            assert count.isdigit() and word in words, line
