"""The exchange's gaps, each closed: a lost laptop, a laptop that lacks a session's group
records, a withdrawal with erase arriving by merge, and members kept to their groups."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.exchange import MEMBER, World, no_real_data, replica_of, world

FIXTURES = (no_real_data, world)
"""The two laptops of `test_exchange_cli` (pytest finds a fixture by its module name)."""


def _status(world: World, db: Path) -> dict[str, object]:
    code, out, err = world.cli(db, "exchange", "status", "--json")
    assert code == 0, err
    found: dict[str, object] = json.loads(out)
    return found


def test_a_lost_laptop_is_forgotten_by_the_coordinator_and_no_longer_counted(
    world: World,
) -> None:
    world.exchange(world.group)
    lost = world.laptop("g2")
    world.join_group(lost)
    world.exchange(lost)
    world.exchange(world.coordinator)
    lost_replica = replica_of(lost)
    lost.unlink()  # the laptop is lost: it never runs `exchange leave`
    code, _, err = world.cli(world.group, "member", "forget", "--member", MEMBER, "--yes")
    assert code == 0, err
    world.exchange(world.group)
    world.exchange(world.coordinator)
    found = _status(world, world.coordinator)
    assert found["forgetting_acknowledged"] == {"by": 2, "of": 3}
    laptops = {laptop["replica"]: laptop for laptop in found["laptops"]}  # type: ignore[attr-defined]  # status is JSON-shaped
    assert laptops[lost_replica]["last_seen"] is not None  # the coordinator can judge
    # Asked without a terminal and without --yes: one sentence, nothing changed.
    code, out, err = world.cli(world.coordinator, "exchange", "forget-laptop", lost_replica[:6])
    assert code != 0 and "--yes" in err and "Traceback" not in err
    assert _status(world, world.coordinator)["forgetting_acknowledged"] == {"by": 2, "of": 3}
    code, out, err = world.cli(
        world.coordinator, "exchange", "forget-laptop", lost_replica[:6], "--yes"
    )
    assert code == 0, err
    assert not (world.folder / f"voicesgroup-{lost_replica}.outbox").exists()
    world.exchange(world.coordinator)
    world.exchange(world.group)
    found = _status(world, world.coordinator)
    assert found["forgetting_acknowledged"] == {"by": 2, "of": 2}
    assert lost_replica not in {laptop["replica"] for laptop in found["laptops"]}  # type: ignore[attr-defined]  # status is JSON-shaped
    code, out, _ = world.cli(world.coordinator, "exchange", "status")
    assert "Forgetting acknowledged by 2 of 2 laptops." in out and "last seen here" in out


def test_forgetting_an_unknown_laptop_is_one_sentence(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)
    for name in ("zz", "zzzzzz"):
        code, _, err = world.cli(world.coordinator, "exchange", "forget-laptop", name, "--yes")
        assert code != 0 and "Traceback" not in err and err.strip().count("\n") == 0
    assert len(_status(world, world.coordinator)["laptops"]) == 1  # type: ignore[arg-type]  # status is JSON-shaped


def test_a_laptop_that_edits_a_session_before_it_holds_its_group_part_never_overwrites_it(
    world: World,
) -> None:
    from tests.helpers.exchange import group_outbox
    from voicesgroup.store import Store

    world.exchange(world.group)
    world.exchange(world.coordinator)  # the coordinator holds the session's facts
    second = world.laptop("g2")
    world.join_group(second)
    group_outbox = group_outbox(world)
    held_back = group_outbox.read_bytes()
    group_outbox.unlink()  # the second laptop meets the coordinator's outbox first
    world.exchange(second)
    with Store.open(second) as store:  # and edits the session before the group's records come
        [session] = store.sessions()
        assert session.named_member_ids == []
        store.save_session(session.with_changes(follow_ups=["ask the venue about Tuesdays"]))
    world.exchange(second)
    group_outbox.write_bytes(held_back)
    for _ in range(2):
        world.exchange(second)
        world.exchange(world.group)
        world.exchange(world.coordinator)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [session] = store.sessions()
            assert len(session.named_member_ids) == 1  # named attendance kept
            assert session.head_count == 5


def _two_laptops_of_the_group(world: World) -> Path:
    world.exchange(world.group)
    second = world.laptop("g2")
    world.join_group(second)
    world.exchange(second)
    return second


def _withdraw_while_a_note_is_written_elsewhere(world: World, second: Path, erase: bool) -> str:
    """The group's first laptop records a withdrawal of notes; the second, not knowing,
    writes a new note with the member and changes the one it had. Returns the new words."""
    import datetime as dt

    from tests.helpers.records import event
    from voicesgroup.kinds import ConsentAction, ConsentScope
    from voicesgroup.models import Note
    from voicesgroup.store import Store

    with Store.open(world.group) as store:
        [member] = store.members()
        store.withdraw_consent(
            event(
                member,
                ConsentScope.PERSONAL_NOTES,
                ConsentAction.WITHDRAWN,
                on=dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC),
            ),
            erase=erase,
        )
    words = "the river walk on Sundays"
    with Store.open(second) as store:
        [member] = store.members()
        [note] = store.notes(member.id)
        store.save_note(note.with_changes(what_helped="a warm drink"))
        store.save_note(Note(member_id=member.id, member_words=words, agreed_by_member=True))
    return words


def test_a_withdrawal_with_erase_that_comes_in_erases_there_too(world: World) -> None:
    from voicesgroup.store import Store

    second = _two_laptops_of_the_group(world)
    words = _withdraw_while_a_note_is_written_elsewhere(world, second, erase=True)
    world.exchange(second)  # the second laptop's changes go out before it hears
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(second)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            assert store.notes(member.id, include_restricted=True) == []
        assert words.encode() not in laptop.read_bytes()


def test_a_withdrawal_keeping_notes_restricted_that_comes_in_restricts_there_too(
    world: World,
) -> None:
    from voicesgroup.store import Store

    second = _two_laptops_of_the_group(world)
    words = _withdraw_while_a_note_is_written_elsewhere(world, second, erase=False)
    world.exchange(second)
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(second)
    for laptop in (world.group, second):
        with Store.open(laptop, readonly=True) as store:
            [member] = store.members()
            assert store.notes(member.id) == []  # none shown anywhere but their own record
            kept = store.notes(member.id, include_restricted=True)  # (and a conflict copy)
            assert words in {note.member_words for note in kept}  # nothing lost
            assert all(note.restricted for note in kept)


def test_a_refused_record_that_comes_in_is_left_out_and_the_rest_of_its_table_comes_in(
    world: World,
) -> None:
    import orjson

    from voicesgroup.exchange import folder, outbox, state
    from voicesgroup.exchange.clock import Stamp
    from voicesgroup.exchange.merge import Entry
    from voicesgroup.models import Facilitator
    from voicesgroup.store import Store

    record = state.read(orjson.loads(world.coordinator.read_bytes()))
    assert record is not None
    good = [Facilitator(display_name=f"Facilitator {i}").model_dump(mode="json") for i in range(3)]
    bad = {**Facilitator(display_name="Nobody").model_dump(mode="json"), "max_per_month": -4}
    stamp = Stamp(1_700_000_000_000, 0, "feedfacefeed")
    entries = [
        Entry("facilitators", str(document["id"]), stamp, None, document)
        for document in [*good, bad]
    ]
    contents = outbox.Contents(
        replica="feedfacefeed", role="coordinator", groups=[], serial=1, written_ms=stamp.ms
    )
    blob = outbox.seal(contents, bytes.fromhex(record["org_key"]), {}, {"org": entries})
    folder.write_outbox(world.folder, "feedfacefeed", blob)
    summary = world.exchange(world.coordinator)
    assert summary["problems"] == [
        "A record for facilitators that came in could not be read and was left out."
    ]
    with Store.open(world.coordinator, readonly=True) as store:
        names = {facilitator.display_name for facilitator in store.facilitators()}
    assert {"Facilitator 0", "Facilitator 1", "Facilitator 2"} <= names
    assert "Nobody" not in names
