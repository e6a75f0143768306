"""Who is counted: a laptop that left the exchange is not counted in "forgetting acknowledged
by N of M", and the status says it left; a copied laptop counts the laptops it read and labels
its own edits as its own.

The adversaries: a file saying a laptop left that no laptop of the organisation wrote, and a
laptop whose outbox is taken out of the folder without leaving (a stick in a drawer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.exchange_laptops import Laptops, two_group_laptops
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import service, state
from voicesgroup.exchange.view import status_view
from voicesgroup.store import Store


def _replica(path: Path) -> str:
    with Store.open(path, readonly=True) as store:
        return str(state.read(store.storage.read())["replica"])  # type: ignore[index]


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


def _status(path: Path) -> dict:  # type: ignore[type-arg]
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
