"""Dated tables read by year (`storage.YEARLY_TABLES`): where the note beside the file says
where each year of sessions and of the rota lies, Home reads only the years it shows and its
Due box reads every year a stretch at a time, keeping none. Whatever the note says, what is
read is what the whole table holds (or the same refusal), every check still runs, a save
writes every table as it was, and forgetting reaches every year."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.store_years import (
    RUNS,
    TABLES,
    TEXTS,
    YEARS,
    outcome,
    saved_over_years,
    unread_storage,
)
from voicesgroup.errors import StoreError
from voicesgroup.exchange import state
from voicesgroup.home import due_items, rota_rows
from voicesgroup.models import Member
from voicesgroup.store import Store
from voicesgroup.store.opening import checked_document
from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import SafeStorage
from voicesgroup.store.unread import Unread, documents_since, each_document, year_of, year_runs

SLOW = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def since(table: dict[str, Any], year: int) -> dict[str, Any]:
    """What `documents_since(…, year)` must give: the records dated `year` or later, or with
    no readable date."""
    return {
        key: record
        for key, record in table.items()
        if (when := year_of(record, "date")) is None or when >= year
    }


def in_any_order(records: Any) -> Any:
    """Records as a reader of every year may meet them (a year at a time), or a refusal."""
    if not isinstance(records, list):
        return records
    return sorted(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) for record in records)


# -- what Home reads -----------------------------------------------------------------------


def test_the_note_says_where_each_year_lies_and_home_reads_only_what_it_shows(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = saved_over_years(demo_path, demo_bytes)
    note = orjson.loads(checked_file(demo_path).read_bytes())
    assert set(note["years"]) == {"sessions", "rota"}
    assert len(note["years"]["rota"]) > len(YEARS)  # years in turns: many stretches
    with Store.open(demo_path, readonly=True) as store:
        assert store.documents_since("rota", 2024) == since(data["rota"], 2024)
        rota_rows(store, DEMO_TODAY)
        due = due_items(store, DEMO_TODAY)
        assert {"sessions", "rota"} <= store.storage.unread  # neither kept parsed
        every = list(store.each_document("sessions"))
        assert in_any_order(every) == in_any_order(list(data["sessions"].values()))
        assert "sessions" in store.storage.unread
    with Store.open(demo_path, readonly=True) as store:
        store.storage.read()  # every table parsed: the Due box as it was worked out before
        assert due_items(store, DEMO_TODAY) == due


def test_a_save_after_reading_by_year_writes_every_table_as_it_was(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = saved_over_years(demo_path, demo_bytes)
    with Store.open(demo_path) as store:
        store.documents_since("rota", 2025)
        store.documents_since("sessions", 2020)
        sum(1 for _ in store.each_document("sessions"))
        store.save_member(Member(display_name="Later"))
    after = orjson.loads(demo_path.read_bytes())
    for name, table in data.items():
        if name not in {"members", "audit"}:
            assert after[name] == table, name
    # The note written as it closed still places every year: read again, the same.
    with Store.open(demo_path, readonly=True) as store:
        assert store.documents_since("sessions", 2021) == since(data["sessions"], 2021)


def test_whoever_reads_the_whole_document_after_reads_by_year_gets_every_year(
    demo_path: Path, demo_bytes: bytes
) -> None:
    """An exchange, a backup, a report: whatever reads the whole document after Home read
    some years of it (and counted over all of them) gets every record of every year."""
    data = saved_over_years(demo_path, demo_bytes)
    with Store.open(demo_path) as store:
        store.documents_since("rota", 2025)
        due_items(store, DEMO_TODAY)
        assert store.storage.read() == data
        assert store.documents_since("rota", 2025) == since(data["rota"], 2025)


def test_forgetting_reaches_every_year_of_a_table_read_by_year(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = saved_over_years(demo_path, demo_bytes)
    aisha = next(m for m in data["members"].values() if m["display_name"] == "Aisha")
    named = [s for s in data["sessions"].values() if aisha["id"] in s["named_member_ids"]]
    assert {int(s["date"][:4]) for s in named} & {2018, 2019, 2020}  # closed years name her
    with Store.open(demo_path) as store:
        rota_rows(store, DEMO_TODAY)
        due_items(store, DEMO_TODAY)
        assert "sessions" in store.storage.unread
        store.forget_member(store.find_member("Aisha").id)
    blob = demo_path.read_bytes()
    assert aisha["id"].encode() not in blob
    after = orjson.loads(blob)
    assert len(after["sessions"]) == len(data["sessions"])  # the sessions stay, without her
    for backup in demo_path.with_name(demo_path.name + ".backups").iterdir():
        assert aisha["id"].encode() not in backup.read_bytes(), backup.name


# -- the adversary: any table, any note ------------------------------------------------------


@SLOW
@given(table=TABLES, year=st.integers(1998, 2032))
def test_any_table_read_by_year_is_what_the_whole_table_holds(
    tmp_path: Path, table: dict[str, Any], year: int
) -> None:
    runs = year_runs(table, "date")
    storage = unread_storage(tmp_path / "x.json", table, runs)
    assert storage._data["sessions"].years() is not None  # the runs fit their own text
    assert documents_since(storage, "sessions", year) == since(table, year)
    every = list(each_document(storage, "sessions"))
    assert in_any_order(every) == in_any_order(list(table.values()))
    assert storage.unread == {"sessions"}
    assert storage.table("sessions") == table
    assert documents_since(storage, "sessions", year) == since(table, year)


@SLOW
@given(
    table=TABLES,
    runs=RUNS,
    year=st.integers(1998, 2032),
    shift=st.integers(-3, 3),
    pick=st.integers(0, 2**16),
    relabel=st.integers(1998, 2032),
)
def test_a_forged_note_of_years_never_gives_a_record_the_table_does_not_hold(
    tmp_path: Path,
    table: dict[str, Any],
    runs: list[list[Any]],
    year: int,
    shift: int,
    pick: int,
    relabel: int,
) -> None:
    """Years anywhere, true ones moved by a few bytes or labelled with another year: every
    record read by year is the whole table's own, under its own number; a read of every
    year is the whole table, or the refusal the whole check gives."""
    path = tmp_path / "x.json"
    whole = outcome(lambda: unread_storage(path, table, None).table("sessions"))
    true = [list(run) for run in year_runs(table, "date")]
    moved = [list(run) for run in true]
    relabelled = [list(run) for run in true]
    if true:
        at = pick % len(true)
        moved[at][1 + pick % 2] += shift
        relabelled[at][0] = relabel
    for forged in (runs, moved, relabelled):
        storage = unread_storage(path, table, forged)
        read = outcome(lambda storage=storage: documents_since(storage, "sessions", year))
        if isinstance(read, dict):
            assert all(whole[key] == record for key, record in read.items())
        else:
            assert read == whole
        every = outcome(lambda storage=storage: list(each_document(storage, "sessions")))
        expected = list(whole.values()) if isinstance(whole, dict) else whole
        assert in_any_order(every) == in_any_order(expected)


def forge_years(path: Path, years: dict[str, Any]) -> None:
    """The true note of the file's bytes, with `years` in place of its own."""
    body = orjson.loads(checked_file(path).read_bytes())
    body["years"] = years
    checked_file(path).write_bytes(orjson.dumps(body))


@pytest.mark.parametrize("damage", ["no id", "an id twice"])
def test_damage_in_a_closed_year_is_refused_with_the_whole_checks_sentence(
    demo_path: Path, demo_bytes: bytes, damage: str
) -> None:
    """A note can only vouch for damaged bytes by a collision: the year that holds
    the damage is refused when it is read, with the sentence the whole check gives."""
    data = saved_over_years(demo_path, demo_bytes)
    records = list(data["sessions"].values())
    old = next(r for r in records if r["date"].startswith("2018"))
    new = next(r for r in records if r["date"].startswith("2025"))
    if damage == "no id":
        old.pop("id")
    else:
        old["id"] = new["id"]
    blob = orjson.dumps(data)
    demo_path.write_bytes(blob)
    whole = outcome(lambda: checked_document(blob, demo_path))
    assert whole[0] == "DamagedFile"
    runs = year_runs(data["sessions"], "date")
    from voicesgroup.store import checked
    from voicesgroup.store.storage import parse_with_spans

    _, spans = parse_with_spans(blob)
    assert spans is not None
    # the note a collision would leave: of these bytes, sealed as the store seals it
    checked.note(demo_path, len(blob), zlib.crc32(blob), spans, {"sessions": runs})
    with Store.open(demo_path, readonly=True) as store:
        if damage == "an id twice":  # each year alone is sound
            assert store.documents_since("sessions", 2025) == since(data["sessions"], 2025)
        assert outcome(lambda: list(store.each_document("sessions"))) == whole
        assert outcome(lambda: due_items(store, DEMO_TODAY)) == whole
        assert outcome(lambda: store.documents("sessions")) == whole


# -- the laptop's role, without the exchange's entries ------------------------------------

FIELDS = st.permutations(["format", "role", "groups", "group_keys", "entries", "folder"])


@SLOW
@given(
    order=FIELDS,
    role=st.one_of(st.sampled_from(["coordinator", "group"]), st.text(max_size=5)),
    name=TEXTS,
    more=st.integers(0, 2),
)
def test_the_role_read_without_the_entries_is_the_role_the_table_holds(
    tmp_path: Path, order: list[str], role: str, name: str, more: int
) -> None:
    values: dict[str, Any] = {
        "format": 1,
        "role": role,
        "groups": [name],
        "group_keys": {name: "k", "entries": {"entries": name}},
        "entries": {f'{name},"entries":': {"stamp": [1, 2]}, "x": {"entries": []}},
        "folder": name,
    }
    table = {str(n + 1): {k: values[k] for k in order} for n in range(1 + more)}
    storage = SafeStorage(
        tmp_path / "x.json", {state.TABLE: Unread(orjson.dumps(table))}, None, readonly=True
    )
    assert state.stored_role(storage) == state.role({state.TABLE: table})
    parsed = SafeStorage(tmp_path / "x.json", {state.TABLE: table}, None, readonly=True)
    assert state.stored_role(parsed) == state.role({state.TABLE: table})


def test_the_coordinators_role_is_read_leaving_the_exchanges_table_unread(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = orjson.loads(demo_bytes)
    entries = {f"part {n}": {"stamp": [n, 0, "r"]} for n in range(50)}
    data["_exchange"] = {"1": {"format": 1, "role": "coordinator", "entries": entries}}
    demo_path.write_bytes(orjson.dumps(data))
    Store.open(demo_path).close()  # checked whole, noted
    with Store.open(demo_path, readonly=True) as store:
        assert state.stored_role(store.storage) == state.COORDINATOR
        assert state.TABLE in store.storage.unread


# -- opening holds the file's bytes or its tables' copies, never both ------------------------


def test_an_unread_table_holds_its_own_text_not_the_files_bytes(
    demo_path: Path, demo_bytes: bytes
) -> None:
    blob = orjson.dumps(saved_over_years(demo_path, demo_bytes))
    for readonly in (False, True):
        with Store.open(demo_path, readonly=readonly) as store:
            unread = [store.storage._data[name] for name in store.storage.unread]
            assert unread and all(type(table.text) is bytes for table in unread)
            assert sum(len(table.text) for table in unread) < len(blob)
            assert store.storage.read() == orjson.loads(blob)


@SLOW
@given(where=st.integers(0, 2**31), new=st.binary(min_size=1, max_size=3), readonly=st.booleans())
def test_a_file_changed_while_it_opens_is_refused_in_one_sentence(
    demo_path: Path,
    demo_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
    where: int,
    new: bytes,
    readonly: bool,
) -> None:
    """Another program writes the file between opening's read and its second read of the
    tables left unread: whatever it changed, nothing of it is trusted and nothing is written."""
    from voicesgroup.store import opening

    blob = orjson.dumps(saved_over_years(demo_path, demo_bytes))
    demo_path.write_bytes(blob)
    Store.open(demo_path).close()  # a note for these bytes
    at = where % len(blob)
    changed = blob[:at] + new + blob[at + len(new) :]
    if changed == blob:
        return
    original = opening.read_only_reason

    def meanwhile(path: Path) -> str | None:
        path.write_bytes(changed)
        return original(path)

    monkeypatch.setattr(opening, "read_only_reason", meanwhile)
    demo_path.write_bytes(blob)
    with pytest.raises(StoreError, match="changed by another program while it was being opened"):
        Store.open(demo_path, readonly=readonly)
    assert demo_path.read_bytes() == changed  # the other program's bytes, untouched
    monkeypatch.setattr(opening, "read_only_reason", original)
    demo_path.write_bytes(blob)
    with Store.open(demo_path) as store:  # the lock was let go
        assert store.storage.read() == orjson.loads(blob)


def test_a_note_relabelled_by_hand_hides_no_record_from_a_read_by_year(
    demo_path: Path, demo_bytes: bytes
) -> None:
    data = saved_over_years(demo_path, demo_bytes)
    note = orjson.loads(checked_file(demo_path).read_bytes())
    relabelled = {
        name: [[2018 if year == 2025 else year, start, end] for year, start, end in runs]
        for name, runs in note["years"].items()
    }
    forge_years(demo_path, relabelled)  # the stretches of 2025 labelled 2018, by hand
    with Store.open(demo_path, readonly=True) as store:
        for name in ("sessions", "rota"):
            assert store.documents_since(name, 2025) == since(data[name], 2025), name


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["sessions", "rota"]),
        st.integers(0, 2**16),
        st.integers(0, 2),
        st.one_of(st.none(), st.integers(2010, 2030), st.integers(-3, 3)),
    ),
    min_size=1,
    max_size=4,
)


@SLOW
@given(edits=EDITS, year=st.sampled_from([*YEARS, 2030]), spliced=st.binary(max_size=6))
def test_no_edit_of_the_note_ever_hides_a_record_from_a_read_by_year(
    demo_path: Path, demo_bytes: bytes, edits: list[Any], year: int, spliced: bytes
) -> None:
    """Labels changed, stretches moved, bytes of the note itself replaced: a read by year
    gives exactly the records of that year and later, as the whole table does."""
    if not demo_path.with_name("spread").exists():
        saved_over_years(demo_path, demo_bytes)
        demo_path.with_name("spread").write_bytes(checked_file(demo_path).read_bytes())
    data = orjson.loads(demo_path.read_bytes())
    body = orjson.loads(demo_path.with_name("spread").read_bytes())
    for name, pick, place, value in edits:
        runs = body["years"][name]
        run = runs[pick % len(runs)]
        shift = place > 0 and value is not None and isinstance(run[place], int)
        run[place] = run[place] + value if shift else value
    text = orjson.dumps(body)
    if spliced:
        at = edits[0][1] % len(text)
        text = text[:at] + spliced + text[at + len(spliced) :]
    checked_file(demo_path).write_bytes(text)
    with Store.open(demo_path, readonly=True) as store:
        for name in ("sessions", "rota"):
            assert store.documents_since(name, year) == since(data[name], year), name
            every = list(store.each_document(name))
            assert in_any_order(every) == in_any_order(list(data[name].values())), name
