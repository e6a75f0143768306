"""A measure added to the one table of measures reaches every form of the evaluation: the PDF
(read back with pypdf), the plain text, the web page, the CSV and the Reports screen, with its
label and protected as a count of people. Nothing else is changed for it but its counting."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from textual.widgets import Static

from screens.reports_screen import ReportsScreen
from tests.helpers.clock import TODAY as FROZEN_TODAY
from tests.helpers.pdf import pdf_text
from voicesgroup import evaluation_count, protection
from voicesgroup.evaluation import Period, report
from voicesgroup.protection import MEASURES, Measure, protect
from voicesgroup.report_files import report_bytes

LABEL = "Visits without a name given"
ADDED = Measure("unnamed_visits", LABEL, "visits", True, short="Unnamed")


@pytest.fixture
def added_measure(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measure's one line in the table, and how one session counts towards it."""
    monkeypatch.setitem(protection.MEASURES, ADDED.key, ADDED)
    monkeypatch.setitem(
        evaluation_count.PER_SESSION, ADDED.key, lambda doc: doc.get("anonymous_count", 0)
    )


def test_every_monthly_measure_is_counted() -> None:
    counted = {*evaluation_count.PER_SESSION, *evaluation_count.FROM_PLAN}
    assert set(evaluation_count.monthly_measures()) == counted


async def test_an_added_measure_reaches_every_form(added_measure, make_app) -> None:
    app = make_app()
    period = Period(dt.date(2026, 8, 1), dt.date(2026, 11, 30))
    async with app.run_test(size=(80, 24)) as pilot:
        store = app.store
        made = report(store, period, today=FROZEN_TODAY)

        rows = list(
            csv.DictReader(io.StringIO(report_bytes(store, made, "csv").decode("utf-8-sig")))
        )
        mine = [row for row in rows if row["measure"] == ADDED.key]
        assert mine and {(row["label"], row["unit"]) for row in mine} == {(LABEL, "visits")}
        truth = sum(
            doc.get("anonymous_count", 0)
            for doc in store.documents("sessions")
            if doc.get("status") == "ended" and "2026-08-01" <= doc["date"] <= "2026-11-30"
        )
        (whole,) = [r for r in mine if r["group"] == "All groups" and r["month"] == "all"]
        assert truth >= 8 and whole["value"] == str(protect(truth).value)
        for row in mine:  # protected as a count of people: never a small number
            assert row["value"] in ("", "0") or int(row["value"]) % 5 == 0
            assert row["value"] != "" or row["note"] == "fewer than 8"

        text = report_bytes(store, made, "txt").decode()
        assert f"{LABEL}  " in text or f"{LABEL} " in text
        assert any(
            line.split()[:1] == ["Month"] and "Unnamed" in line for line in text.splitlines()
        )
        assert LABEL in report_bytes(store, made, "html").decode()
        for large in (False, True):
            shown = " ".join(pdf_text(report_bytes(store, made, "pdf", large_print=large)).split())
            assert LABEL in shown and "Unnamed" in shown

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        await pilot.pause()
        figures = " ".join(str(app.screen.query_one("#reports-figures", Static).render()).split())
        assert LABEL in figures
    assert ADDED.key in MEASURES  # (still added here; the fixture takes it away after)
