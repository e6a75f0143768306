"""Dated tables spread over years, and any table with any note of where its years lie: what
the tests of reading by year (`voicesgroup.store.unread`) share, for the store and the rota
review alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
from hypothesis import strategies as st

from voicesgroup.errors import StoreError
from voicesgroup.models import Member
from voicesgroup.store import Store
from voicesgroup.store.opening import table_problem
from voicesgroup.store.storage import SafeStorage
from voicesgroup.store.unread import Unread

YEARS = range(2018, 2026)


def spread_over_years(demo_bytes: bytes) -> dict[str, Any]:
    """The demo's document with its sessions and rota slots spread over eight years, taking
    turns, so every year is in several stretches of each table."""
    data = orjson.loads(demo_bytes)
    for name in ("sessions", "rota"):
        for index, record in enumerate(data[name].values()):
            month_day = record["date"][5:].replace("02-29", "02-28")
            record["date"] = f"{YEARS[index % len(YEARS)]}-{month_day}"
    return data


def saved_over_years(path: Path, demo_bytes: bytes) -> dict[str, Any]:
    """`path` holding the spread demo, saved by the store (which notes where each year lies);
    the document as saved."""
    path.write_bytes(orjson.dumps(spread_over_years(demo_bytes)))
    with Store.open(path) as store:
        store.save_member(Member(display_name="Newcomer"))
    return orjson.loads(path.read_bytes())


def outcome(read: Any) -> Any:
    try:
        return read()
    except StoreError as error:
        return type(error).__name__, str(error)


DATES = st.one_of(
    st.dates(dt.date(1999, 1, 1), dt.date(2031, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["", "20", "x2019-01-01", "2019", "٢٠١٩-01-01", "0000-01-01"]),
    st.none(),
    st.integers(-3, 3000),
)
TEXTS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"date":"2019-01-01"', '},"9":{', "\\", '"}', ',"entries":', "{{"]),
)
RECORDS = st.fixed_dictionaries(
    {"id": st.uuids().map(str), "theme": TEXTS},
    optional={"date": DATES, "nested": st.dictionaries(st.just("date"), DATES, max_size=1)},
)
TABLES = st.lists(RECORDS, max_size=25).map(
    lambda records: {str(index + 1): record for index, record in enumerate(records)}
)


def unread_storage(path: Path, table: dict[str, Any], runs: Any) -> SafeStorage:
    """A storage holding `table` as sessions left unread, with `runs` as its note gave them."""
    return SafeStorage(
        path,
        {"sessions": Unread(orjson.dumps(table), runs)},
        None,
        readonly=True,
        check=lambda name, value: table_problem(name, value, path),
    )


RUNS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(1998, 2032), st.just(True), st.text(max_size=2)),
        st.integers(-2, 3000),
        st.integers(-2, 3000),
    ).map(list),
    max_size=8,
)
