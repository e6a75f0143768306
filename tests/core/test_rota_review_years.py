"""The Rota review reads only the years it shows (`rota.service.review_rota`, through
`store/unread.py`'s `each_document_of_years`), builds its records apart from the store's
caches, and says exactly what a review over every record of every year says; a damaged record
in those years is refused in the store's own sentence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.store_years import (
    RUNS,
    TABLES,
    YEARS,
    outcome,
    saved_over_years,
    unread_storage,
)
from voicesgroup import rota
from voicesgroup.errors import DamagedFile
from voicesgroup.kinds import SessionStatus
from voicesgroup.rota import service as rota_service
from voicesgroup.store import Store
from voicesgroup.store.unread import each_document_of_years, year_of, year_runs

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ENDS = st.one_of(st.none(), st.integers(1998, 2032))


def within(table: dict[str, Any], first: int | None, last: int | None) -> list[Any]:
    """What a read of those years must give: the records of those years, or undated."""
    return [
        record
        for record in table.values()
        if (when := year_of(record, "date")) is None
        or ((first is None or when >= first) and (last is None or when <= last))
    ]


@SLOW
@given(table=TABLES, first=ENDS, last=ENDS)
def test_any_table_read_between_years_is_those_years_of_the_whole_table(
    tmp_path: Path, table: dict[str, Any], first: int | None, last: int | None
) -> None:
    storage = unread_storage(tmp_path / "x.json", table, year_runs(table, "date"))
    read = list(each_document_of_years(storage, "sessions", first, last))
    assert read == within(table, first, last)
    assert storage.unread == {"sessions"}, "the table was read whole"
    assert list(each_document_of_years(storage, "sessions", first, last)) == read


@SLOW
@given(table=TABLES, runs=RUNS, first=ENDS, last=ENDS)
def test_a_forged_note_of_years_never_gives_a_record_out_of_the_years_or_the_table(
    tmp_path: Path,
    table: dict[str, Any],
    runs: list[list[Any]],
    first: int | None,
    last: int | None,
) -> None:
    path = tmp_path / "x.json"
    whole = outcome(lambda: unread_storage(path, table, None).table("sessions"))
    storage = unread_storage(path, table, runs)
    read = outcome(lambda: list(each_document_of_years(storage, "sessions", first, last)))
    if not isinstance(whole, dict):
        assert read == whole
        return
    assert isinstance(read, list)
    expected = within(whole, first, last)
    assert all(record in expected for record in read)
    if storage.unread != {"sessions"}:  # the note was found out: read from the whole table
        assert sorted(map(orjson.dumps, read)) == sorted(map(orjson.dumps, expected))


# -- the review itself ----------------------------------------------------------------------


def review_of_everything(
    store: Store, group_id: UUID | None, start: dt.date | None, end: dt.date | None
) -> rota.Review:
    """The review as it was made before it read by years: every record of every year."""
    actual = {
        (session.group_id, session.date): list(session.facilitator_ids)
        for session in store.sessions()
        if session.status is SessionStatus.ENDED
    }
    return rota.review(
        store.rota(group_id),
        actual,
        store.facilitators(),
        start,
        end,
        group_id,
        groups=store.groups(include_archived=True),
        today=TODAY,
        waiting=rota_service.not_yet_on_the_rota(store),
    )


TODAY = dt.date(2022, 3, 9)
DAYS = st.one_of(st.none(), st.dates(dt.date(YEARS[0] - 1, 6, 1), dt.date(YEARS[-1] + 1, 6, 1)))


@pytest.fixture(scope="module")
def over_years(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from tests.helpers.demo_files import DEMO_TODAY, demo_bytes

    path = tmp_path_factory.mktemp("years") / "voicesgroup.json"
    saved_over_years(path, demo_bytes(DEMO_TODAY))
    return path.read_bytes()


@SLOW
@given(start=DAYS, end=DAYS, group=st.integers(-1, 3))
def test_the_review_of_any_period_says_what_a_review_of_every_year_says(
    tmp_path_factory: pytest.TempPathFactory,
    over_years: bytes,
    start: dt.date | None,
    end: dt.date | None,
    group: int,
) -> None:
    if start is not None and end is not None and end < start:
        start, end = end, start
    path = tmp_path_factory.mktemp("review") / "voicesgroup.json"
    path.write_bytes(over_years)
    Store.open(path).close()  # checked whole and noted: the next opening leaves tables unread
    with Store.open(path, readonly=True) as store:
        groups = store.groups()
        group_id = groups[group % len(groups)].id if group >= 0 else None
        assert {"sessions", "rota"} <= store.storage.unread
        span = rota_service.rota_span(store, group_id)
        review = rota_service.review_rota(
            store, group_id=group_id, start=start, end=end, today=TODAY
        )
        assert {"sessions", "rota"} <= store.storage.unread, "a table was read whole"
        assert review == review_of_everything(store, group_id, start, end)
        every = [slot.date for slot in store.rota(group_id)]
        assert span == ((min(every), max(every)) if every else None)


@pytest.mark.parametrize("table", ["rota", "sessions"])
def test_a_damaged_record_in_the_years_reviewed_is_refused_in_the_stores_sentence(
    tmp_path: Path, over_years: bytes, table: str
) -> None:
    data = orjson.loads(over_years)
    records = [r for r in data[table].values() if r["date"].startswith("2021")]
    if table == "sessions":
        records = [r for r in records if r.get("status") == SessionStatus.ENDED.value]
    records[0]["group_id"] = "not a group's id"
    path = tmp_path / "voicesgroup.json"
    path.write_bytes(orjson.dumps(data))

    def read_whole() -> object:
        with Store.open(path, readonly=True) as store:
            return store.rota() if table == "rota" else store.sessions()

    whole = outcome(read_whole)  # every record built, as every other screen reads them
    assert whole[0] == "DamagedFile"
    with _vouched(path) as store:
        start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
        with pytest.raises(DamagedFile) as refused:
            rota_service.review_rota(store, group_id=None, start=start, end=end, today=TODAY)
        assert str(refused.value) == whole[1]


def _vouched(path: Path) -> Store:
    """The store over a damaged file whose note vouches for its bytes (by hand, or a
    collision): its tables are left unread, to be checked when read."""
    import zlib

    from voicesgroup.store.owned import checked_file
    from voicesgroup.store.storage import parse_with_spans

    blob = path.read_bytes()
    _, spans = parse_with_spans(blob)
    assert spans is not None
    data = orjson.loads(blob)
    years = {name: year_runs(data[name], "date") for name in ("sessions", "rota")}
    body = {
        "format": 1,
        "crc32": zlib.crc32(blob),
        "size": len(blob),
        "tables": [[name, *where] for name, where in spans.items()],
        "years": years,
    }
    checked_file(path).write_bytes(orjson.dumps(body))
    return Store.open(path, readonly=True)
