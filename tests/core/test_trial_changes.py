"""A rota change made on a scratch copy in a worker (`guard.trial`), then applied to the store
(`Store.apply_changes`), is exactly the change made on the store itself; it is refused whole
when the data changed meanwhile, and it can never reach a table saved under the consent rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.rota_changes import TODAY, TUESDAY, T, group, new_store, person, placed
from voicesgroup import facilitator_path as fp
from voicesgroup.errors import ChangedMeanwhile
from voicesgroup.models import Facilitator, Member
from voicesgroup.rota import guard
from voicesgroup.rota import service as rota_service
from voicesgroup.store import Store
from voicesgroup.store.snapshot import Snapshot


def team() -> tuple[Store, dict[str, Any]]:
    """Tuesday Voices on four Tuesdays: Rosa leads beside Sol (in training), or Tomasz."""
    store = new_store()
    voices = group(store, "Tuesday Voices")
    rosa, sol, tomasz = person(store, "Rosa"), person(store, "Sol", T), person(store, "Tomasz")
    person(store, "Marcia")
    items = [
        placed(store, voices, TUESDAY + dt.timedelta(weeks=week), rosa, sol if week % 2 else tomasz)
        for week in range(4)
    ]
    return store, {"rosa": rosa, "sol": sol, "tomasz": tomasz, "items": items}


def data(store: Store) -> Any:
    """The stored data, every history entry's time left out (made a moment apart)."""
    found = orjson.loads(orjson.dumps(store.storage.read(), option=orjson.OPT_SORT_KEYS))
    for doc in found.get("rota", {}).values():
        for change in doc.get("history", []):
            change.pop("on", None)
    return found


def _changes(cast: dict[str, Any]) -> dict[str, guard.Change]:
    rosa, tomasz, items = cast["rosa"], cast["tomasz"], cast["items"]
    ines = Facilitator(display_name="Ines")
    return {
        "swap roles": lambda s, _: rota_service.swap_roles(s, items[0].id, today=TODAY),
        "cover": lambda s, _: rota_service.apply_cover(
            s,
            items[1].id,
            rosa.id,
            rota_service.cover_suggestions(s, items[1].id, rosa.id)[0],
            today=TODAY,
        ),
        "leave open": lambda s, _: rota_service.leave_open(s, items[2].id, tomasz.id, today=TODAY),
        "a break": lambda s, covers: fp.take_break(
            s, tomasz, TUESDAY, TUESDAY + dt.timedelta(weeks=3), today=TODAY, covers=covers
        ),
        "a new facilitator": lambda s, _: guard.save_facilitator(s, ines, today=TODAY),
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(_changes(team()[1]))), min_size=1, max_size=4))
def test_a_change_made_on_a_copy_is_the_change_made_here(names: list[str]) -> None:
    here, cast_here = team()
    there = Store.in_memory(orjson.loads(orjson.dumps(here.storage.read())), here.path)
    made_here = made_there = _changes(cast_here)  # the same changes, given either store
    for name in names:
        direct: Any = None
        try:
            direct = made_here[name](here, None)
        except guard.CoverNeeded as needed:
            made_here[name](here, guard.first_choices(needed.touched))
        except guard.RotaChangeRefused as refused:
            direct = refused
        tried = guard.trial(Snapshot.of(there), made_there[name])
        if tried.cover_needed is not None:
            covers = guard.first_choices(tried.cover_needed.touched)
            tried = guard.trial(Snapshot.of(there), made_there[name], covers)
        if isinstance(direct, guard.RotaChangeRefused):
            assert str(tried.refused) == str(direct)
            continue
        assert tried.changes is not None, tried.refused
        there.apply_changes(tried.changes)
        assert data(there) == data(here), name
        # The records the store shows now (some built in the worker) are those its stored
        # documents give when read afresh.
        afresh = Store.in_memory(orjson.loads(orjson.dumps(there.storage.read())), there.path)
        assert there.rota() == afresh.rota()
        assert there.facilitators() == afresh.facilitators()


def test_a_record_added_on_a_copy_keeps_its_number_and_the_next_one_gets_its_own() -> None:
    store, _ = team()
    tried = guard.trial(
        Snapshot.of(store),
        lambda s, _: guard.save_facilitator(s, Facilitator(display_name="Ines"), today=TODAY),
    )
    assert tried.changes is not None
    store.apply_changes(tried.changes)
    store.save_facilitator(Facilitator(display_name="Jo"))  # numbered after Ines, not over her
    names = sorted(p.display_name for p in store.facilitators())
    assert names == ["Ines", "Jo", "Marcia", "Rosa", "Sol", "Tomasz"]


def test_a_change_is_refused_whole_when_the_data_changed_meanwhile() -> None:
    store, cast = team()
    snapshot = Snapshot.of(store)
    tried = guard.trial(
        snapshot, lambda s, _: rota_service.swap_roles(s, cast["items"][0].id, today=TODAY)
    )
    assert tried.changes is not None
    store.save_facilitator(Facilitator(display_name="Someone new"))  # meanwhile
    before = data(store)
    with pytest.raises(ChangedMeanwhile, match="nothing was saved"):
        store.apply_changes(tried.changes)
    assert data(store) == before


def test_a_change_on_a_copy_never_reaches_a_consent_checked_table() -> None:
    store, _ = team()
    tried = guard.trial(Snapshot.of(store), lambda s, _: s.save_member(Member(display_name="A")))
    assert tried.changes is not None and "members" in tried.changes.tables
    before = data(store)
    with pytest.raises(RuntimeError):
        store.apply_changes(tried.changes)
    assert data(store) == before


def test_a_refusal_on_a_copy_is_the_rules_sentence_and_changes_nothing() -> None:
    store, cast = team()
    before = data(store)
    sol_week = cast["items"][1]
    tried = guard.trial(
        Snapshot.of(store),
        lambda s, _: rota_service.leave_open(s, sol_week.id, cast["rosa"].id, today=TODAY),
    )
    assert tried.changes is None and tried.refused is not None
    assert "An experienced partner is needed beside Sol, who is in training" in str(tried.refused)
    assert data(store) == before
