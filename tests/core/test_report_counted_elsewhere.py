"""The measures counted from members' records, on the coordinator's laptop (which holds no
members): every form of the report says where they are counted, never a count of none."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from pathlib import Path

import pytest

from tests.helpers.exchange import World, no_real_data, world
from tests.helpers.pdf import pdf_text
from voicesgroup import protection
from voicesgroup.evaluation import Period, report
from voicesgroup.protection import COUNTED_ELSEWHERE, MEASURES
from voicesgroup.report_files import report_bytes
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]

FROM_MEMBERS = [m for m in MEASURES.values() if m.from_members]
PERIOD = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2026, 1, 10)


def test_the_measures_from_members_are_counts_of_people_of_a_group_or_a_month() -> None:
    """What a laptop without members replaces (`evaluation`): a group's or a month's count."""
    assert {m.key for m in FROM_MEMBERS} >= {
        "named_members_who_came",
        "named_members_who_came_more_than_once",
    }
    assert all(m.people and m.scope in ("month", "group") for m in FROM_MEMBERS)


def _forms(db: Path, *, compare: bool = False) -> dict[str, str]:
    with Store.open(db, readonly=True) as store:
        made = report(store, PERIOD, compare_previous_year=compare, today=TODAY)
        found = {fmt: report_bytes(store, made, fmt) for fmt in ("pdf", "csv", "txt", "html")}
    texts = {fmt: data.decode("utf-8-sig") for fmt, data in found.items() if fmt != "pdf"}
    texts["html"] = html.unescape(texts["html"])
    texts["pdf"] = " ".join(pdf_text(found["pdf"]).split())
    return texts


def _csv_rows(text: str, key: str) -> list[dict[str, str]]:
    return [row for row in csv.DictReader(io.StringIO(text)) if row["measure"] == key]


@pytest.mark.parametrize("compare", [False, True])
def test_every_form_made_on_the_coordinators_laptop_says_where_they_are_counted(
    world: World, compare: bool
) -> None:
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    forms = _forms(world.coordinator, compare=compare)
    for fmt, text in forms.items():
        assert COUNTED_ELSEWHERE in text, fmt
    for measure in FROM_MEMBERS:
        rows = _csv_rows(forms["csv"], measure.key)
        assert rows, measure.key
        for row in rows:  # every group's row and the totals', never a count of none
            assert (row["value"], row["note"]) == ("", COUNTED_ELSEWHERE), row


def test_the_groups_laptop_counts_them(world: World) -> None:
    world.exchange(world.group)
    forms = _forms(world.group)
    for fmt, text in forms.items():
        assert COUNTED_ELSEWHERE not in text, fmt
    for measure in FROM_MEMBERS:
        rows = _csv_rows(forms["csv"], measure.key)
        assert rows and all(row["value"] or row["note"] for row in rows), measure.key
        assert all(row["note"] != COUNTED_ELSEWHERE for row in rows)


def test_a_cell_counted_elsewhere_is_never_a_number() -> None:
    cell = protection.counted_elsewhere(8)
    assert not cell.shown and cell.value is None and cell.text == COUNTED_ELSEWHERE
