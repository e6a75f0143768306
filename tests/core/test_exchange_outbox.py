"""The outbox file: whatever bytes a folder holds, reading them ends in a sentence or in the
contents the writer sealed, never in anything else."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicesgroup.exchange import outbox
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.merge import Entry
from voicesgroup.exchange.sharing import ORG

ORG_KEY, GROUP_KEY, OTHER_KEY = os.urandom(32), os.urandom(32), os.urandom(32)
GROUP = "9f6b2a1e-0000-4000-8000-000000000001"


def _sealed() -> bytes:
    contents = outbox.Contents("a" * 32, "group", [GROUP], 3, 1_000, tombstones=["ab" * 32])
    org = [Entry("groups", "g", Stamp(5, 0, "a" * 32), None, {"id": "g", "name": "Tuesday"})]
    group = [Entry("members", "m", Stamp(6, 1, "a" * 32), None, {"id": "m"})]
    return outbox.seal(contents, ORG_KEY, {GROUP: GROUP_KEY}, {ORG: org, GROUP: group})


SEALED = _sealed()


def test_a_sealed_outbox_opens_as_written_and_only_with_its_keys() -> None:
    opened = outbox.open_sealed(SEALED, ORG_KEY, {GROUP: GROUP_KEY})
    assert [e.kind for e in opened.parts] == ["groups", "members"]
    assert opened.tombstones == ["ab" * 32] and opened.serial == 3
    without_group = outbox.open_sealed(SEALED, ORG_KEY, {})
    assert [e.kind for e in without_group.parts] == ["groups"]  # the coordinator's view
    wrong_group = outbox.open_sealed(SEALED, ORG_KEY, {GROUP: OTHER_KEY})
    assert wrong_group.unopened == [GROUP] and len(wrong_group.parts) == 1


@given(
    cut=st.integers(0, len(SEALED)),
    flips=st.lists(st.tuples(st.integers(0, len(SEALED) - 1), st.integers(1, 255)), max_size=4),
    tail=st.binary(max_size=40),
)
def test_any_damage_is_one_sentence(cut: int, flips: list[tuple[int, int]], tail: bytes) -> None:
    spoilt = bytearray(SEALED[:cut] + tail)
    for at, mask in flips:
        if at < len(spoilt):
            spoilt[at] ^= mask
    try:
        opened = outbox.open_sealed(bytes(spoilt), ORG_KEY, {GROUP: GROUP_KEY})
    except outbox.OutboxError as error:
        assert str(error) and "\n" not in str(error)
    else:  # only what the writer sealed ever opens; a group's part that did not is named
        sealed = outbox.open_sealed(SEALED, ORG_KEY, {GROUP: GROUP_KEY}).parts
        assert all(entry in sealed for entry in opened.parts)
        assert len(opened.parts) == len(sealed) or opened.unopened == [GROUP]


def test_a_damaged_group_part_is_named_and_the_rest_read() -> None:
    spoilt = bytearray(SEALED)
    spoilt[-3] ^= 1  # the group's section is the last
    opened = outbox.open_sealed(bytes(spoilt), ORG_KEY, {GROUP: GROUP_KEY})
    assert opened.unopened == [GROUP] and [e.kind for e in opened.parts] == ["groups"]


@given(st.binary(max_size=300))
def test_any_bytes_at_all_are_one_sentence(blob: bytes) -> None:
    try:
        outbox.open_sealed(outbox.MAGIC + blob, ORG_KEY, {})
    except outbox.OutboxError as error:
        assert str(error)


@given(st.sampled_from([[5, 2**64 - 1], [2**62, 0], [5, 2**33]]))
def test_an_outbox_with_a_stamp_out_of_range_is_set_aside_in_one_sentence(
    numbers: list[int],
) -> None:
    contents = outbox.Contents("a" * 32, "group", [], 3, 1_000)
    ms, counter = numbers
    org = [Entry("groups", "g", Stamp(ms, counter, "a" * 32), None, {"id": "g"})]
    blob = outbox.seal(contents, ORG_KEY, {}, {ORG: org})
    with pytest.raises(outbox.OutboxError) as error:
        outbox.open_sealed(blob, ORG_KEY, {})
    assert str(error.value) == outbox.BAD_STAMP
