"""The merge rules and the clock, as properties: any order, any repetition, one result."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from voicesgroup.exchange.clock import FUTURE_LIMIT_MS, Clock, Stamp
from voicesgroup.exchange.merge import (
    ADDED_BY,
    Entry,
    conflict_copies,
    merge,
    unseen_withdrawals,
)

REPLICAS = ["a" * 32, "b" * 32, "c" * 32]

stamps = st.builds(Stamp, st.integers(0, 5), st.integers(0, 3), st.sampled_from(REPLICAS))
entries = st.builds(
    Entry,
    kind=st.sampled_from(["groups", "notes", "consent_events"]),
    key=st.sampled_from(["1", "2"]),
    stamp=stamps,
    base=st.none() | stamps,
    content=st.none() | st.fixed_dictionaries({"member_words": st.sampled_from(["x", "y"])}),
    extra=st.none() | st.just({"lacking": True}),  # made without the real part: loses
)
batches = st.lists(entries, max_size=8)


def _merged(*groups: list[Entry]) -> dict[tuple[str, str], Entry]:
    return merge([entry for group in groups for entry in group])


def _stable(found: dict[tuple[str, str], Entry]) -> dict[tuple[str, str], tuple[Stamp, object]]:
    return {slot: (entry.stamp, entry.content) for slot, entry in found.items()}


def _distinct(batch: list[Entry]) -> list[Entry]:
    """One laptop never gives two versions one stamp: keep the first of each stamp."""
    seen: dict[tuple[str, str, Stamp], Entry] = {}
    for entry in batch:
        seen.setdefault((entry.kind, entry.key, entry.stamp), entry)
    return list(seen.values())


picks = st.lists(st.integers(0, 20), max_size=8)


@given(batches, picks, picks, picks)
def test_merge_is_commutative_associative_and_idempotent(
    pool: list[Entry], pick_a: list[int], pick_b: list[int], pick_c: list[int]
) -> None:
    pool = _distinct(pool)  # what three laptops' outboxes may hold, in any share
    a, b, c = (
        [pool[i % len(pool)] for i in pick] if pool else [] for pick in (pick_a, pick_b, pick_c)
    )
    everything = a + b + c
    one = _stable(merge(everything))
    assert _stable(merge(list(reversed(everything)))) == one
    assert _stable(merge(everything + everything)) == one
    left = list(merge(a + b).values())
    right = list(merge(b + c).values())
    assert _stable(merge(left + c)) == _stable(merge(a + right)) == one


@given(batches)
def test_the_copies_kept_do_not_depend_on_order(batch: list[Entry]) -> None:
    batch = _distinct(batch)
    forward = conflict_copies(merge(batch), batch)
    backward = conflict_copies(merge(batch[::-1]), batch[::-1])
    assert forward == backward


def test_a_concurrent_edit_of_a_note_keeps_the_other_version() -> None:
    old = Entry("notes", "n", Stamp(1, 0, REPLICAS[0]), None, {"id": "n", "member_words": "a"})
    mine = Entry(
        "notes", "n", Stamp(5, 0, REPLICAS[0]), old.stamp, {"id": "n", "member_words": "b"}
    )
    theirs = Entry(
        "notes", "n", Stamp(6, 0, REPLICAS[1]), old.stamp, {"id": "n", "member_words": "c"}
    )
    later = Entry(
        "notes", "n", Stamp(7, 0, REPLICAS[1]), theirs.stamp, {"id": "n", "member_words": "d"}
    )
    versions = [old, mine, theirs]
    [copy] = conflict_copies(merge(versions), versions)
    assert copy.content is not None and copy.content["member_words"] == "b"
    # an edit made after seeing the other is no conflict
    assert conflict_copies(merge([theirs, later]), [theirs, later]) == []


def test_a_consent_event_is_never_deleted_by_a_merge() -> None:
    given_event = Entry("consent_events", "e", Stamp(1, 0, REPLICAS[0]), None, {"id": "e"})
    deleted = Entry("consent_events", "e", Stamp(9, 0, REPLICAS[1]), None, None)
    assert merge([given_event, deleted])[("consent_events", "e")] == given_event


def _event(action: str, on: str, seen: list[str] | None = None) -> Entry:
    event_id = str(uuid.uuid4())
    content = {
        "id": event_id,
        "member_id": "m",
        "scope": "personal_notes",
        "action": action,
        "on": on,
        "created_at": on,
        "recorded_by": "Rosa",
    }
    extra = {"seen": seen or []} if action == "given" else None
    return Entry("consent_events", event_id, Stamp(1, 0, REPLICAS[0]), None, content, extra)


def test_a_withdrawal_wins_over_a_grant_that_did_not_see_it() -> None:
    withdrawal = _event("withdrawn", "2025-01-02T10:00:00Z")
    unseeing = _event("given", "2025-01-03T10:00:00Z")
    [added] = unseen_withdrawals([withdrawal, unseeing])
    assert added["action"] == "withdrawn" and added["recorded_by"] == ADDED_BY
    assert added["on"] > "2025-01-03T10:00:00"
    # the same withdrawal is added on every laptop (same id), once
    assert unseen_withdrawals([unseeing, withdrawal]) == [added]
    present = Entry("consent_events", added["id"], Stamp(2, 0, REPLICAS[1]), None, added)
    assert unseen_withdrawals([withdrawal, unseeing, present]) == []
    # a grant made after seeing the withdrawal stands
    seeing = _event("given", "2025-01-03T10:00:00Z", seen=[withdrawal.key])
    assert unseen_withdrawals([withdrawal, seeing]) == []


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), stamps)
def test_a_new_stamp_is_later_than_every_stamp_made_or_received(
    walls: list[int], received: Stamp
) -> None:
    ticks = iter(walls * 3)
    clock = Clock("d" * 32, None, wall=lambda: next(ticks, walls[-1]))
    made = [clock.now() for _ in walls]
    assert made == sorted(made) and len(set(made)) == len(made)
    clock.receive(received)
    assert clock.now() > received


def test_a_stamp_a_day_ahead_never_moves_the_clock() -> None:
    clock = Clock("d" * 32, None, wall=lambda: 1_000)
    ahead = Stamp(1_000 + FUTURE_LIMIT_MS + 1, 0, REPLICAS[0])
    assert clock.receive(ahead) is False
    assert clock.now().ms == 1_000


@given(stamps, stamps)
def test_a_version_made_without_the_real_part_loses_to_it_whatever_its_stamp(
    real: Stamp, rebuilt: Stamp
) -> None:
    held = Entry("sessions+group", "1", real, None, {"named_member_ids": ["m"]})
    lacking = Entry(
        "sessions+group", "1", rebuilt, None, {"named_member_ids": []}, {"lacking": True}
    )
    for versions in ([held, lacking], [lacking, held]):
        assert merge(versions)[("sessions+group", "1")] == held
