"""Three laptops: a conflict is listed on every laptop that holds both versions, whichever
laptop's merge found it, and settled once on any of them it is settled on all after an
exchange (one laptop away while the conflict was found); the status says what came in from
each laptop."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from tests.helpers.exchange_laptops import Laptops, _new_file, join, two_group_laptops
from voicesgroup.exchange import conflicts, service
from voicesgroup.store import Store


def exchange(*laptops: Path) -> None:
    for laptop in laptops:
        with Store.open(laptop) as store:
            service.exchange(store)


def waiting(laptop: Path) -> list[conflicts.Conflict]:
    with Store.open(laptop, readonly=True) as store:
        found = conflicts.waiting(store)
        assert len(service.status(store)["conflicts"]) == len(found)
    return found


def buddy_on_both(made: Laptops) -> None:
    """The two group laptops change one strategy's words before either saw the other's, and
    settle between themselves while the coordinator's laptop is away."""
    for laptop, words in ((made.group, "text a friend"), (made.second, "call a friend")):
        with Store.open(laptop) as store:
            [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
            store.save_strategy(buddy.with_changes(description=words))
    exchange(made.group, made.second, made.group)


def descriptions(laptop: Path) -> set[str]:
    with Store.open(laptop, readonly=True) as store:
        return {
            s.description
            for s in store.strategies(include_archived=True)
            if s.title.casefold().startswith("text")
            or s.description in ("text a friend", "call a friend", "both, said kindly")
        }


def test_a_laptop_away_when_the_conflict_was_found_lists_it_and_settles_it_for_all(
    tmp_path: Path,
) -> None:
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    exchange(made.coordinator, made.group, made.second)
    buddy_on_both(made)
    [found] = waiting(made.group)
    assert [c.copy_id for c in waiting(made.second)] == [found.copy_id]
    # The coordinator's laptop never read the losing version as a version: only the records.
    exchange(made.coordinator)
    [there] = waiting(made.coordinator)
    assert there.copy_id == found.copy_id
    assert {there.shown["description"], there.other["description"]} == {
        "text a friend",
        "call a friend",
    }
    with Store.open(made.coordinator) as store:
        conflicts.resolve(store, there.copy_id, {**there.shown, "description": "both, said kindly"})
    exchange(made.coordinator, made.group, made.second, made.coordinator)
    for laptop in (made.group, made.second, made.coordinator):
        assert waiting(laptop) == [], laptop.parent.name
        with Store.open(laptop, readonly=True) as store:
            [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
            assert buddy.description == "both, said kindly"
            assert all(s.id != there.copy_id for s in store.strategies(include_archived=True))


def test_a_note_conflict_reaches_a_group_laptop_set_up_after_it(tmp_path: Path) -> None:
    """A third laptop of the group, set up after two others found a conflict in a note,
    lists it; the coordinator's laptop, which holds no notes, never does."""
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    for laptop, words in ((made.group, "walking helps"), (made.second, "music helps")):
        with Store.open(laptop) as store:
            [member] = store.members()
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(member_words=words))
    exchange(made.group, made.second, made.group, made.coordinator)
    [found] = waiting(made.group)
    third = _new_file(tmp_path / "g3" / "vg.json")
    with Store.open(third) as store:
        join(store, made.folder, group=True)
        service.exchange(store)
    assert [c.copy_id for c in waiting(third)] == [found.copy_id]
    assert waiting(made.coordinator) == []
    with Store.open(made.second) as store:
        [mine] = conflicts.waiting(store)
        conflicts.resolve(store, mine.copy_id, mine.other)
    exchange(made.second, made.group, third, made.coordinator)
    for laptop in (made.group, made.second, third):
        assert waiting(laptop) == [], laptop.parent.name


def test_the_status_says_what_came_in_from_each_laptop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What came in is told per laptop the change was made on, and stays until something new
    comes from that laptop."""
    from voicesgroup.models import Facilitator

    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    exchange(made.coordinator, made.group, made.second)
    with Store.open(made.coordinator) as store:
        [group] = store.groups()
        store.save_group(group.with_changes(venue="The library, room 2"))
    with Store.open(made.group) as store:
        store.save_facilitator(Facilitator(display_name="Rosa"))
        store.save_facilitator(Facilitator(display_name="Sol"))
    exchange(made.coordinator, made.group, made.second)

    def came_in(laptop: Path) -> dict[str, dict[str, int]]:
        with Store.open(laptop, readonly=True) as store:
            found = service.status(store)
        ids = {name: _replica(name_of) for name, name_of in _laptops(made).items()}
        by_id = {item["replica"]: item["came_in_last_time"] for item in found["laptops"]}
        return {name: by_id.get(replica, {}) for name, replica in ids.items()}

    seen = came_in(made.second)
    assert seen["coordinator"] == {"groups": 1}
    assert seen["group"] == {"facilitators": 2}
    exchange(made.second)  # nothing new: what came in last time from each stays
    assert came_in(made.second) == seen
    with Store.open(made.second, readonly=True) as store:
        total = service.status(store)["this_laptop"]["came_in_last_time"]
    assert total == {"groups": 1, "facilitators": 2}
    code, out, err = run(capsys, "--db", str(made.second), "exchange", "status")
    assert code == 0, err
    said = [line for line in out.splitlines() if "its changes that came in here" in line]
    assert sorted(line.rsplit(": ", 1)[1] for line in said) == [
        "1 group",
        "2 facilitators",
    ], out


def _laptops(made: Laptops) -> dict[str, Path]:
    assert made.coordinator is not None
    return {"coordinator": made.coordinator, "group": made.group, "second": made.second}


def _replica(laptop: Path) -> str:
    with Store.open(laptop, readonly=True) as store:
        return str(service.status(store)["this_laptop"]["replica"])


LAPTOPS = ("group", "second", "coordinator")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.lists(st.sampled_from(LAPTOPS), max_size=5),
    settled_on=st.sampled_from(LAPTOPS),
)
def test_whatever_the_order_every_laptop_lists_one_conflict_and_settles_it(
    order: list[str], settled_on: str
) -> None:
    """The class, not the case: after two laptops change one strategy at once, whatever order
    the three laptops exchange in, once each has exchanged twice every one lists the same one
    conflict; settled on any one of them, it is settled on all."""
    root = Path(tempfile.mkdtemp(prefix="vg-three-"))
    try:
        made = two_group_laptops(root, coordinator=True)
        laptops = _laptops(made)
        exchange(*laptops.values())
        for name, words in (("group", "text a friend"), ("second", "call a friend")):
            with Store.open(laptops[name]) as store:
                [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
                store.save_strategy(buddy.with_changes(description=words))
        exchange(*(laptops[name] for name in order), *laptops.values(), *laptops.values())
        listed = {name: [c.copy_id for c in waiting(path)] for name, path in laptops.items()}
        assert len(set(map(tuple, listed.values()))) == 1 and len(listed["group"]) == 1, listed
        with Store.open(laptops[settled_on]) as store:
            [there] = conflicts.waiting(store)
            conflicts.resolve(store, there.copy_id, there.other)
        exchange(laptops[settled_on], *laptops.values(), *laptops.values())
        kept = set()
        for path in laptops.values():
            assert waiting(path) == []
            with Store.open(path, readonly=True) as store:
                [buddy] = [s for s in store.strategies() if s.starter_key == "text-buddy"]
                kept.add(buddy.description)
        assert kept == {there.other["description"]}
    finally:
        shutil.rmtree(root, ignore_errors=True)
