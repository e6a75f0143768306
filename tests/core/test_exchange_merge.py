"""The merge rules and the clock, as properties: any order, any repetition, one result."""

from __future__ import annotations

import random
import uuid

from hypothesis import given
from hypothesis import strategies as st

from voicesgroup.exchange.clock import (
    FUTURE_LIMIT_MS,
    MAX_COUNTER,
    MAX_MS,
    Clock,
    Stamp,
)
from voicesgroup.exchange.folder import REPLICA_ID
from voicesgroup.exchange.merge import (
    ADDED_BY,
    Entry,
    conflict_copies,
    merge,
    unseen_withdrawals,
    whole_records,
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


@given(
    st.lists(
        st.tuples(st.sampled_from(["given", "withdrawn"]), stamps, st.sampled_from(["x", "y"])),
        min_size=1,
        max_size=6,
    )
)
def test_a_consent_event_keeps_its_first_version_whatever_the_stamps(
    made: list[tuple[str, Stamp, str]],
) -> None:
    """Append-only: of the versions of one event, a withdrawal before a grant, then the
    earliest; no later version rewrites it, in any order."""
    versions = _distinct(
        [
            Entry("consent_events", "e", stamp, None, {"id": "e", "action": action, "by": by})
            for action, stamp, by in made
        ]
    )
    kept = merge(versions)[("consent_events", "e")]
    withdrawals = [v for v in versions if v.content and v.content["action"] == "withdrawn"]
    assert kept.stamp == min(v.stamp for v in (withdrawals or versions))
    assert merge(versions[::-1])[("consent_events", "e")] == kept
    if withdrawals:
        assert kept.content is not None and kept.content["action"] == "withdrawn"


ranges = st.tuples(st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70))


@given(ranges, st.text(max_size=80) | st.from_regex(REPLICA_ID, fullmatch=True))
def test_a_stamp_is_read_only_within_its_ranges(numbers: tuple[int, int], replica: str) -> None:
    ms, counter = numbers
    read = Stamp.read([ms, counter, replica])
    inside = (
        0 <= ms <= MAX_MS
        and 0 <= counter <= MAX_COUNTER
        and REPLICA_ID.fullmatch(replica) is not None
    )
    assert (read is not None) == inside
    assert Stamp.read([True, 0, "a"]) is None and Stamp.read([1.0, 0, "a"]) is None


DAY = FUTURE_LIMIT_MS


@given(
    st.lists(st.integers(0, MAX_MS), min_size=1, max_size=20),
    st.lists(
        st.builds(
            Stamp,
            st.integers(0, MAX_MS),
            st.integers(MAX_COUNTER - 3, MAX_COUNTER),
            st.sampled_from(REPLICAS),
        ),
        max_size=5,
    ),
)
def test_every_stamp_made_is_within_its_ranges_and_later_than_the_last(
    walls: list[int], received: list[Stamp]
) -> None:
    """Even from counters at their limit: no stamp made here is one nobody could read."""
    ticks = iter(walls)
    clock = Clock("d" * 32, None, wall=lambda: next(ticks, walls[-1]))
    for stamp in received:
        clock.receive(stamp)
    before = clock.state
    made = clock.now()
    assert Stamp.read(made.as_list()) == made
    assert Stamp.read(clock.state.as_list()) is not None
    if before.ms < MAX_MS:  # (the year 9999 is the end of time here)
        assert (made.ms, made.counter) > (before.ms, before.counter)


def test_a_laptop_whose_clock_fell_behind_believes_stamps_up_to_a_day_past_its_last() -> None:
    me = "d" * 32
    clock = Clock(me, Stamp(10 * DAY, 0, me), wall=lambda: 7 * DAY)  # three days behind now
    assert not clock.too_far_ahead(Stamp(10 * DAY + 60_000, 0, REPLICAS[0]))
    assert clock.too_far_ahead(Stamp(11 * DAY + 1, 0, REPLICAS[0]))
    assert clock.receive(Stamp(10 * DAY + 60_000, 0, REPLICAS[0]))
    # a stamp believed in this exchange does not move what the next one is measured against
    assert clock.too_far_ahead(Stamp(11 * DAY + 60_001, 0, REPLICAS[1]))


def test_stamps_made_here_ahead_of_the_clock_start_again_from_it() -> None:
    me, wall = "d" * 32, 400 * DAY
    clock = Clock(me, Stamp(wall + 365 * DAY, 9, me), wall=lambda: wall)  # put right
    first, second = clock.now(), clock.now()
    assert first.ms == wall and second > first
    assert clock.state == Stamp(wall, 1, me)


def test_a_time_another_laptop_confirmed_is_never_gone_back_on() -> None:
    me, wall = "d" * 32, 400 * DAY
    heard = Stamp(wall + 3 * DAY, 4, REPLICAS[0])
    clock = Clock(me, heard, wall=lambda: wall)  # this clock fell behind
    assert clock.now() > heard
    fresh = Clock(me, None, wall=lambda: wall)
    fresh.receive(Stamp(wall + 60_000, 0, REPLICAS[1]))
    assert fresh.state.replica == REPLICAS[1]  # kept with who made it
    assert fresh.now().replica == me and fresh.state.replica == me


def test_a_conflict_copy_let_go_is_not_made_again() -> None:
    old = Entry("notes", "n", Stamp(1, 0, REPLICAS[0]), None, {"id": "n", "member_words": "a"})
    mine = Entry(
        "notes", "n", Stamp(5, 0, REPLICAS[0]), old.stamp, {"id": "n", "member_words": "b"}
    )
    theirs = Entry(
        "notes", "n", Stamp(6, 0, REPLICAS[1]), old.stamp, {"id": "n", "member_words": "c"}
    )
    [copy] = conflict_copies(merge([mine, theirs]), [mine, theirs])
    resolved = Entry("notes", copy.key, Stamp(8, 0, REPLICAS[1]), Stamp(7, 0, REPLICAS[1]), None)
    # a laptop that was away still holds the losing version: the copy stays let go
    versions = [mine, theirs, resolved]
    assert conflict_copies(merge(versions), versions) == []


_split_parts = st.builds(
    Entry,
    kind=st.sampled_from(["support_contacts", "support_contacts.how", "support_contacts.when"]),
    key=st.just("1"),
    stamp=stamps,
    base=st.none(),
    content=st.none() | st.fixed_dictionaries({"v": st.sampled_from(["x", "y"])}),
    extra=st.none(),
    digest=st.none(),
)


@given(st.lists(_split_parts, max_size=8), st.randoms(use_true_random=False))
def test_a_record_in_parts_is_kept_or_removed_whole_in_any_order(
    pool: list[Entry], order: random.Random
) -> None:
    """A record deleted on one laptop while another changed one of its parts: every laptop,
    whatever order it takes the versions in, keeps it whole (each part there is) or removes
    it whole, by the latest word on any part."""
    pool = _distinct(pool)
    shuffled = list(pool)
    order.shuffle(shuffled)
    one = whole_records(merge(pool), pool)
    assert _stable(whole_records(merge(shuffled), shuffled)) == _stable(one)
    if not one:
        return
    last = max(one.values(), key=Entry.order)
    for (kind, _), entry in one.items():
        if last.content is None:
            assert entry.content is None, kind
        else:
            had = any(e.kind == kind and e.content is not None for e in pool)
            assert (entry.content is not None) is had, kind
