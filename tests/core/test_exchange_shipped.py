"""What every new data file is given its own copy of (the starter strategies, the national
helplines) says nothing new until someone changes it: a laptop that joins later never sends its
untouched copies over what another laptop checked or edited, and nothing conflicts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.helpers.exchange_laptops import GROUP, join
from voicesgroup.exchange import conflicts, service
from voicesgroup.kinds import Variant
from voicesgroup.models import Group, MeetingPattern
from voicesgroup.store import Store

CHECKED = dt.date(2026, 11, 30)


def _exchange(*files: Path) -> None:
    for path in files:
        with Store.open(path) as store:
            service.exchange(store)


def test_a_laptop_joining_later_keeps_the_helpline_checked_and_no_starter_conflicts(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exchange"
    folder.mkdir()
    group, coordinator = tmp_path / "g" / "vg.json", tmp_path / "c" / "vg.json"
    for path in (group, coordinator):
        path.parent.mkdir()
    with Store.open(group) as store:
        store.save_group(
            Group(name=GROUP, variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1))
        )
        join(store, folder, group=True)
        helpline = store.support_contacts()[0]
        store.save_support_contact(helpline.with_changes(last_checked=CHECKED))
        strategy = store.strategies()[0]
        store.save_strategy(strategy.with_changes(title="Keep a diary of the voices"))
    _exchange(group)
    with Store.open(coordinator) as store:
        join(store, folder, group=False)
    _exchange(coordinator, group, coordinator, group)

    for path in (group, coordinator):
        with Store.open(path) as store:
            checked = [c for c in store.support_contacts() if c.name == helpline.name]
            assert [c.last_checked for c in checked] == [CHECKED], path
            titles = [s.title for s in store.strategies()]
            assert titles.count("Keep a diary of the voices") == 1, path
            assert strategy.title not in titles, path
            assert len(titles) == len(set(titles)), path  # no starter twice
            assert not conflicts.waiting(store), path
