"""`Snapshot.holds` answers without serialising the data when the store counts no change since
the snapshot, and then it must say exactly what comparing the bytes would say: whatever is done
to the store between the two, every way the data can change included (a record saved or
deleted, settings, a batch that fails and is rolled back, the whole data replaced, a change
undone), the quick answer never holds data the bytes do not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup.models import SupportContact
from voicesgroup.store import Store
from voicesgroup.store.snapshot import Snapshot


class Stop(Exception):
    """Raised inside a batch, so that it is rolled back."""


def _store() -> Store:
    store = Store.in_memory({}, Path("/nonexistent/voicesgroup.json"))
    store.save_support_contact(SupportContact(name="Harbour line", how="0800 000 000"))
    return store


def _add(store: Store) -> None:
    store.save_support_contact(SupportContact(name="Canal walk line", how="0800 111 111"))


def _rename_organisation(store: Store) -> None:
    settings_now = store.settings()
    renamed = "Harbour" if settings_now.organisation != "Harbour" else "Canal"
    store.save_settings(settings_now.model_copy(update={"organisation": renamed}))


def _delete_one(store: Store) -> None:
    contacts = store.support_contacts()
    if contacts:
        store.delete_support_contact(contacts[-1].id)


def _failed_batch(store: Store) -> None:
    try:
        with store.batch():
            _add(store)
            raise Stop
    except Stop:
        pass


def _same_data_replaced(store: Store) -> None:
    store.storage.replace_data(orjson.loads(orjson.dumps(store.storage.read())))


def _read_only(store: Store) -> None:
    store.support_contacts()
    store.settings()


def _edit_in_place_and_write(store: Store) -> None:
    data = store.storage.read()
    for document in data.get("support_contacts", {}).values():
        document["when"] = document.get("when", "") + "!"
    store.storage.write(data)


def _add_then_undo(store: Store) -> None:
    before = orjson.loads(orjson.dumps(store.storage.read()))
    _add(store)
    store.storage.replace_data(before)
    store.documents_replaced()


STEPS: dict[str, Callable[[Store], None]] = {
    "add": _add,
    "rename organisation": _rename_organisation,
    "delete one": _delete_one,
    "failed batch": _failed_batch,
    "same data replaced": _same_data_replaced,
    "read only": _read_only,
    "edit in place and write": _edit_in_place_and_write,
    "add then undo": _add_then_undo,
}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    before=st.lists(st.sampled_from(sorted(STEPS))),
    between=st.lists(st.sampled_from(sorted(STEPS))),
)
def test_holds_says_what_the_bytes_say(before: list[str], between: list[str]) -> None:
    store = _store()
    for step in before:
        STEPS[step](store)
    snapshot = Snapshot.of(store)
    for step in between:
        STEPS[step](store)
    same_bytes = orjson.dumps(store.storage.read()) == snapshot.blob
    assert snapshot.holds(store) is same_bytes, between
    if not between:
        assert snapshot.holds(store)


def test_another_store_over_the_same_data_is_compared_by_its_bytes() -> None:
    store = _store()
    snapshot = Snapshot.of(store)
    other = Store.in_memory(orjson.loads(snapshot.blob), store.path)
    assert snapshot.holds(other)
    _add(other)
    assert not snapshot.holds(other)
    assert snapshot.holds(store)
