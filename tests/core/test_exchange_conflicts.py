"""Settling a conflict the exchange kept: both versions shown, the chosen texts kept, the other
version removed here and, after the next exchange, on the other laptop too."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import MEMBER, Laptops, change_note_on_both, two_group_laptops
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import conflicts, service, state
from voicesgroup.store import Store


@pytest.fixture
def laptops(tmp_path: Path) -> Laptops:
    made = two_group_laptops(tmp_path)
    change_note_on_both(made, "walking helps", "music helps")
    return made


def notes_of(path: Path) -> list[str]:
    with Store.open(path, readonly=True) as store:
        [member] = store.members()
        assert member.display_name == MEMBER
        return sorted(note.member_words for note in store.notes(member.id))


def test_both_versions_are_shown_side_by_side(laptops: Laptops) -> None:
    with Store.open(laptops.group, readonly=True) as store:
        [waiting] = conflicts.waiting(store)
    assert waiting.table == "notes"
    assert waiting.what == "A note written on 4 March 2025"
    assert {waiting.shown["member_words"], waiting.other["member_words"]} == {
        "walking helps",
        "music helps",
    }
    assert waiting.label("member_words") == "In their words"


@pytest.mark.parametrize("choice", ["shown", "other", "both"])
def test_the_chosen_texts_are_kept_and_the_other_version_goes_everywhere(
    laptops: Laptops, choice: str
) -> None:
    with Store.open(laptops.group) as store:
        [waiting] = conflicts.waiting(store)
        texts = {
            "shown": waiting.shown,
            "other": waiting.other,
            "both": {**waiting.shown, "member_words": "walking helps, and music"},
        }[choice]
        said = conflicts.resolve(store, waiting.copy_id, texts)
        assert said.startswith("A note written on 4 March 2025: kept as chosen")
        assert conflicts.waiting(store) == []
        assert service.status(store)["conflicts"] == []
        assert store.audit_log()[-1].action == "exchange conflict settled"
    kept = [texts["member_words"]]
    assert notes_of(laptops.group) == kept
    for laptop in (laptops.group, laptops.second, laptops.group):
        with Store.open(laptop) as store:
            service.exchange(store)
    assert notes_of(laptops.second) == kept
    with Store.open(laptops.second, readonly=True) as store:
        assert conflicts.waiting(store) == []


def test_a_conflict_settled_already_changes_nothing(laptops: Laptops) -> None:
    with Store.open(laptops.group) as store:
        [waiting] = conflicts.waiting(store)
        conflicts.resolve(store, waiting.copy_id, waiting.shown)
        before = store.raw_bytes()
        with pytest.raises(conflicts.ConflictGone):
            conflicts.resolve(store, waiting.copy_id, waiting.other)
        assert store.raw_bytes() == before


def test_texts_the_note_cannot_hold_change_nothing(laptops: Laptops) -> None:
    with Store.open(laptops.group) as store:
        [waiting] = conflicts.waiting(store)
        before = store.raw_bytes()
        with pytest.raises(ValueError):
            conflicts.resolve(store, waiting.copy_id, {"member_words": "x" * 100_000})
        assert store.raw_bytes() == before
        assert len(conflicts.waiting(store)) == 1


def test_a_note_left_without_words_is_refused(laptops: Laptops) -> None:
    with Store.open(laptops.group) as store:
        [waiting] = conflicts.waiting(store)
        before = store.raw_bytes()
        with pytest.raises(conflicts.TextNeeded, match="In their words cannot be left empty"):
            conflicts.resolve(store, waiting.copy_id, {**waiting.shown, "member_words": "  "})
        assert store.raw_bytes() == before


def test_a_read_only_file_is_refused(laptops: Laptops) -> None:
    with Store.open(laptops.group, readonly=True) as store:
        [waiting] = conflicts.waiting(store)
        with pytest.raises(VoicesGroupError):
            conflicts.resolve(store, waiting.copy_id, waiting.shown)


def test_nothing_waits_on_a_laptop_that_is_not_set_up(tmp_path: Path) -> None:
    with Store.open(tmp_path / "vg.json") as store:
        assert conflicts.waiting(store) == []


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.text(min_size=1, max_size=200).filter(str.strip))
def test_whatever_is_typed_is_kept_exactly_or_refused_whole(laptops: Laptops, words: str) -> None:
    on_disk = laptops.group.read_bytes()
    try:
        with Store.open(laptops.group) as store:
            before = store.raw_bytes()
            [waiting] = conflicts.waiting(store)
            try:
                conflicts.resolve(store, waiting.copy_id, {**waiting.shown, "member_words": words})
            except ValueError:
                assert store.raw_bytes() == before
                return
        assert notes_of(laptops.group) == [words]
    finally:
        laptops.group.write_bytes(on_disk)  # the conflict again, for the next example


def test_a_starter_strategy_changed_on_both_is_shown_and_settled(tmp_path: Path) -> None:
    """A shipped starter strategy is one record across laptops by its starter key, not its id:
    each conflict about it names it, shows the text it holds here beside the other, is listed
    once however often the laptops meet before someone settles it, and is settled like any
    other."""
    made = two_group_laptops(tmp_path)
    for laptop, words in ((made.group, "Text first."), (made.second, "Phone first.")):
        with Store.open(laptop) as store:
            [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
            store.save_strategy(buddy.with_changes(description=words))
    for laptop in (made.group, made.second, made.group, made.second, made.group):
        with Store.open(laptop) as store:
            service.exchange(store)
    with Store.open(made.group) as store:
        # The coordinator's laptop, exchanging twice, was seen to note one conflict twice.
        data = store.storage.read()
        record = state.read(data)
        assert record is not None
        record["conflicts"] = record["conflicts"] * 2
        state.write(data, record)
        store.storage.write(data)
        [here] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
        waiting = conflicts.waiting(store)
        assert waiting and len({c.copy_id for c in waiting}) == len(waiting)
        for conflict in waiting:
            assert conflict.what == "The strategy “Agree a text buddy”"
            assert conflict.record_id == here.id
            assert conflict.shown["description"] == here.description
        for conflict in waiting:
            conflicts.resolve(store, conflict.copy_id, {**conflict.shown, "description": "Both."})
        assert conflicts.waiting(store) == []
        [kept] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
        assert kept.description == "Both."
