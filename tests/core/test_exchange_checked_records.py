"""Records that came in are stored exactly as their model writes them (`applying.checked_records`):
a table whose records the model writes byte for byte as they came is kept as it came, and any
record the model would write otherwise (keys in another order, a value written another way, a
field missing or unknown) is stored as the model writes it, or left out and told."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from voicesgroup.exchange.applying import _models, checked_records
from voicesgroup.exchange.run import Summary

SLOW = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class _Told:
    """What `checked_records` tells of a record it leaves out: an exchange's summary."""

    summary: Summary = field(default_factory=Summary)


def as_the_model_writes(table: str, document: dict[str, Any]) -> dict[str, Any] | None:
    try:
        written: dict[str, Any] = _models()[table].model_validate(document).model_dump(mode="json")
    except ValidationError:
        return None
    return written


def _reordered(document: dict[str, Any], seed: int) -> dict[str, Any]:
    keys = list(document)
    cut = seed % max(len(keys), 1)
    return {key: document[key] for key in keys[cut:] + keys[:cut]}


def _upper_id(document: dict[str, Any], _: int) -> dict[str, Any]:
    return {**document, "id": str(document["id"]).upper()}


def _float_count(document: dict[str, Any], _: int) -> dict[str, Any]:
    counted = [key for key, value in document.items() if type(value) is int]
    return {**document, counted[0]: float(document[counted[0]])} if counted else document


def _dropped(document: dict[str, Any], seed: int) -> dict[str, Any]:
    # (not `created_at`: its default is the time now, another at each check)
    keys = [key for key in document if key not in ("id", "created_at")]
    gone = keys[seed % len(keys)]
    return {key: value for key, value in document.items() if key != gone}


def _unknown(document: dict[str, Any], _: int) -> dict[str, Any]:
    return {**document, "not_a_field": "x"}


def _time_of_day(document: dict[str, Any], _: int) -> dict[str, Any]:
    return {**document, "date": f"{document['date']}T00:00:00"} if "date" in document else document


CHANGES = [None, _reordered, _upper_id, _float_count, _dropped, _unknown, _time_of_day]


@pytest.fixture(scope="module")
def stored(demo_bytes: bytes) -> dict[str, list[dict[str, Any]]]:
    data = orjson.loads(demo_bytes)
    return {table: list(data[table].values())[:12] for table in ("sessions", "rota", "groups")}


@SLOW
@given(
    table=st.sampled_from(["sessions", "rota", "groups"]),
    changes=st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 50)), max_size=12),
)
def test_every_record_is_stored_as_its_model_writes_it(
    stored: dict[str, list[dict[str, Any]]], table: str, changes: list[tuple[Any, int]]
) -> None:
    documents = copy.deepcopy(stored[table])
    for at, (change, seed) in enumerate(changes):
        if change is not None and documents:
            index = (at * 7 + seed) % len(documents)
            documents[index] = change(documents[index], seed)
    sent = orjson.dumps(documents)
    told = _Told()
    found = checked_records(told, table, documents, _models())  # type: ignore[arg-type]  # only its summary is read
    expected = [as_the_model_writes(table, document) for document in documents]
    assert [orjson.dumps(record) for record in found] == [orjson.dumps(e) for e in expected]
    assert len(told.summary.problems) == expected.count(None)
    assert orjson.dumps(documents) == sent, "a record that came in was changed in place"
