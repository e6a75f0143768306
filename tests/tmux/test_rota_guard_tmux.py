"""A break over published sessions in a real 80×24 terminal: the cover dialog fits, lists each
session, and the change is saved with the cover chosen; the review then finds no rule broken."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import orjson
import pytest

from tests.helpers.waits import until
from tests.tmux.terminal import VOICESGROUP, run_in_terminal
from voicesgroup.rota import service as rota_service
from voicesgroup.store import Store

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def someone_on_the_rota_soon(path: Path, today: dt.date) -> tuple[int, str, dt.date]:
    """(row on the Facilitators list, name, the date) of the first person on a published
    session in the next three weeks."""
    data = orjson.loads(path.read_bytes())
    people = sorted(data["facilitators"].values(), key=lambda p: p["display_name"].casefold())
    soon = sorted(
        (item["date"], item["lead_id"])
        for item in data["rota"].values()
        if item["status"] == "published"
        and item["lead_id"]
        and today.isoformat() <= item["date"] <= (today + dt.timedelta(21)).isoformat()
    )
    day, fid = soon[0]
    row = next(k for k, person in enumerate(people) if person["id"] == fid)
    return row, people[row]["display_name"], dt.date.fromisoformat(day)


def test_a_break_asks_for_cover_in_a_real_terminal(demo_file: Path, tmp_path: Path) -> None:
    today = dt.date.today()
    row, name, day = someone_on_the_rota_soon(demo_file, today)
    terminal = run_in_terminal([str(VOICESGROUP), "--db", str(demo_file)], tmp_path)
    try:
        terminal.wait_for("Thursday Beliefs")
        terminal.keys("f")
        terminal.wait_for("Tomasz")
        terminal.keys(*["Down"] * row, "p")
        terminal.wait_for(f"{name}: ")
        terminal.keys("b")
        terminal.wait_for(f"A break for {name}")
        terminal.keys("Tab")
        terminal.type(day.isoformat())
        terminal.keys("C-s")
        shown = terminal.wait_for("Cover needed")
        assert all(len(line) <= 80 for line in shown.splitlines())
        assert f"({name} leads): Away " in shown
        assert "Make the change" in shown  # the whole dialog fits 80×24
        terminal.keys("C-s")
        terminal.wait_for("The break is noted")
        terminal.keys("C-q")
        until(lambda: not terminal.alive(), "the app to quit")
    finally:
        terminal.stop()
    with Store.open(demo_file, readonly=True) as store:
        review = rota_service.review_rota(store, group_id=None, start=None, end=None, today=today)
        assert review.rule_breaks == []
        person = store.find_facilitator(name)
        assert not any(
            item.date == day and person.id in (item.lead_id, item.co_id) for item in store.rota()
        )
