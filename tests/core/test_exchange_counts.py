"""Who is counted: a laptop that left the exchange is not counted in "forgetting acknowledged
by N of M", and the status says it left; a copied laptop counts the laptops it read and labels
its own edits as its own.

The adversaries: a file saying a laptop left that no laptop of the organisation wrote, and a
laptop whose outbox is taken out of the folder without leaving (a stick in a drawer)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.exchange_laptops import Laptops, contact, two_group_laptops
from voicesgroup.exchange import conflicts, service, state
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange.view import status_view
from voicesgroup.store import Store


def _replica(path: Path) -> str:
    with Store.open(path, readonly=True) as store:
        record = state.read(store.storage.read())
    assert record is not None
    return str(record["replica"])


def _exchange(*laptops: Path) -> None:
    for laptop in laptops:
        with Store.open(laptop) as store:
            service.exchange(store)


@pytest.fixture
def forgotten(tmp_path: Path) -> Laptops:
    """Two laptops of a group and the coordinator's; the member forgotten on the first, and
    every laptop has exchanged since."""
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    with Store.open(made.group) as store:
        [member] = store.members()
        store.forget_member(member.id)
    _exchange(made.group, made.second, made.coordinator, made.group, made.coordinator)
    return made


def _status(path: Path) -> dict[str, Any]:
    with Store.open(path, readonly=True) as store:
        return service.status(store)


def test_a_laptop_that_left_is_not_counted_and_the_status_says_it_left(
    forgotten: Laptops,
) -> None:
    assert forgotten.coordinator is not None
    assert _status(forgotten.coordinator)["forgetting_acknowledged"] == {"by": 3, "of": 3}
    second = _replica(forgotten.second)
    with Store.open(forgotten.second) as store:
        service.leave(store)
    _exchange(forgotten.coordinator)
    found = _status(forgotten.coordinator)
    assert found["forgetting_acknowledged"] == {"by": 2, "of": 2}
    [left] = [laptop for laptop in found["laptops"] if laptop["replica"] == second]
    assert left["left"] is True
    with Store.open(forgotten.coordinator, readonly=True) as store:
        shown = status_view(store)
    assert shown.forgetting == "Forgetting acknowledged by 2 of 2 laptops."
    [row] = [laptop for laptop in shown.laptops if second.startswith(laptop.short_id)]
    assert row.role.endswith("(left the exchange)") and row.forgetting == ""
    _exchange(forgotten.coordinator)  # and it stays so: the next exchange has nothing new
    assert _status(forgotten.coordinator)["forgetting_acknowledged"] == {"by": 2, "of": 2}


def test_a_file_saying_a_laptop_left_that_no_laptop_of_the_organisation_wrote_changes_nothing(
    forgotten: Laptops,
) -> None:
    assert forgotten.coordinator is not None
    second = _replica(forgotten.second)
    carrier.write_left(forgotten.folder, second, b"0" * 64)  # not under the organisation's key
    _exchange(forgotten.coordinator)
    found = _status(forgotten.coordinator)
    assert found["forgetting_acknowledged"] == {"by": 3, "of": 3}
    assert not any(laptop["left"] for laptop in found["laptops"])


def test_a_laptop_whose_outbox_is_only_missing_is_still_counted(forgotten: Laptops) -> None:
    assert forgotten.coordinator is not None
    carrier.outbox_path(forgotten.folder, _replica(forgotten.second)).unlink()
    _exchange(forgotten.coordinator)
    assert _status(forgotten.coordinator)["forgetting_acknowledged"] == {"by": 3, "of": 3}


# -- a copied laptop ----------------------------------------------------------------------------


def _copied(made: Laptops) -> Path:
    """The group's first laptop's data file copied to another place, as a second laptop."""
    copy = made.folder.parent / "copy" / "vg.json"
    copy.parent.mkdir()
    shutil.copy(made.group, copy)
    return copy


def test_a_copied_laptop_counts_the_laptop_it_was_copied_from(tmp_path: Path) -> None:
    made = two_group_laptops(tmp_path)
    _exchange(made.group)
    copy = _copied(made)
    original = _replica(made.group)
    with Store.open(made.group) as store:  # the original goes on after the copy was made
        store.save_support_contact(contact("Canal walk line"))
        service.exchange(store)
    with Store.open(copy) as store:
        summary = service.exchange(store)
    assert summary.came_in == {"support_contacts": 1}
    assert summary.laptops == 2  # the original's outbox and the second laptop's
    found = _status(copy)
    assert original in [laptop["replica"] for laptop in found["laptops"]]
    assert found["forgetting_acknowledged"]["of"] == 3
    assert carrier.outbox_path(made.folder, original).exists()  # not taken for the copy's own


def test_each_version_of_a_conflict_is_labelled_by_the_laptop_that_made_it(
    tmp_path: Path,
) -> None:
    made = two_group_laptops(tmp_path)
    _exchange(made.group)
    copy = _copied(made)
    _exchange(copy, made.group)
    for laptop, words in ((made.group, "walking helps"), (copy, "music helps")):
        with Store.open(laptop) as store:
            [member] = store.members()
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(member_words=words))
            service.exchange(store)
    _exchange(made.group)
    titles = {}
    for laptop, mine in ((made.group, "walking helps"), (copy, "music helps")):
        with Store.open(laptop, readonly=True) as store:
            [conflict] = conflicts.waiting(store)
        sides = {"shown": conflict.shown, "other": conflict.other}
        for side in conflicts.SIDES:
            made_here = sides[side]["member_words"] == mine
            said = conflict.title(side)
            assert ("made on this laptop" in said) is made_here, (laptop, side, said)
            assert ("from another laptop" in said) is (side == "other" and not made_here)
        titles[laptop] = [conflict.title(side) for side in conflicts.SIDES]
    assert titles[made.group] != titles[copy]
