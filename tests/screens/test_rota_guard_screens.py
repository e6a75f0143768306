"""A change to a facilitator that would break sessions to come asks for cover on screen.

Driven with keys on the demo data (today 26 Nov 2026): Marcia leads the published Tuesday
Voices on Tue 15 Dec (and co-facilitates it on Tue 8 Dec). A break over it, a weekday she
can't do, or making her inactive lists the sessions with cover offered, best first; Escape
changes nothing; the choice is saved with the change, in one go, and the review then finds no
rule broken.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Checkbox, Input, Select, Static

from screens.app import VoicesGroupApp
from tests.helpers.clock import TODAY
from tests.helpers.forms import problems_shown
from tests.helpers.screen import notifications, press
from voicesgroup.rota import service as rota_service
from voicesgroup.store import Store

TUESDAY = dt.date(2026, 12, 15)


def on_tuesday(store: Store, day: dt.date = TUESDAY) -> tuple[str, str]:
    """(lead, co) of Tuesday Voices on `day` (Tue 15 Dec), by name."""
    names = {p.id: p.display_name for p in store.facilitators()}
    (item,) = [a for a in store.rota() if a.date == day]
    return names.get(item.lead_id, ""), names.get(item.co_id, "")  # type: ignore[arg-type]  # None: open


def dialog_text(app: VoicesGroupApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def open_break_dialog(pilot, app: VoicesGroupApp) -> None:
    await press(pilot, "f", "p", "b")  # Marcia's path, then a break
    app.screen.query_one("#step-start", Input).value = "2026-12-14"
    app.screen.query_one("#step-end", Input).value = "2026-12-16"
    await press(pilot, "ctrl+s")


async def test_a_break_lists_the_session_it_touches_and_escape_changes_nothing(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break_dialog(pilot, app)
        assert type(app.screen).__name__ == "CoverNeededDialog"
        text = dialog_text(app)
        assert "Marcia is on 1 session to come that this would break" in text
        assert "Tuesday Voices on Tue 15 Dec (Marcia leads): Away " in text
        choice = app.screen.query_one("#cover-choice-0", Select)
        assert app.screen.focused is choice
        assert str(choice.value) != "open"  # the best cover is offered first
        await press(pilot, "escape")
        # Back in the break's dialog, the days still there and a sentence beside the button.
        assert type(app.screen).__name__ == "PathStepDialog"
        assert app.screen.query_one("#step-end", Input).value == "2026-12-16"
        assert "! Not changed: no cover was chosen" in problems_shown(app)
        assert not notifications(app)
        await press(pilot, "escape")
        assert type(app.screen).__name__ == "LeaveFormDialog"
        app.screen.query_one("#discard").press()
        await pilot.pause()
        assert type(app.screen).__name__ == "FacilitatorPathScreen"
        summary = str(app.screen.query_one("#path-summary", Static).render())
        assert "14 Dec 2026 to 16 Dec 2026" not in summary
    with Store.open(app.db_path, readonly=True) as store:
        assert on_tuesday(store)[0] == "Marcia"
        assert not any(TUESDAY in span for span in store.find_facilitator("Marcia").dates_off)


async def test_the_cover_chosen_is_saved_with_the_break(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break_dialog(pilot, app)
        dialog = app.screen
        choice = dialog.query_one("#cover-choice-0", Select)
        rosa = next(s for s in dialog.touched[0].suggestions if s.name == "Rosa")  # type: ignore[attr-defined]  # the dialog's own list
        choice.value = str(rosa.facilitator_id)
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "FacilitatorPathScreen"
        assert "The break is noted" in notifications(app)
        await pilot.pause()
    with Store.open(app.db_path, readonly=True) as store:
        lead, co = on_tuesday(store)
        assert lead == "Rosa" and co != "Marcia"
        (item,) = [a for a in store.rota() if a.date == TUESDAY]
        assert item.history[-1].what == "Marcia can't make it; Rosa covers as lead."
        assert "Rosa" in item.reason and "Marcia" not in item.reason.split(".")[0]
        review = rota_service.review_rota(store, group_id=None, start=None, end=None, today=TODAY)
        assert review.rule_breaks == []


async def test_a_weekday_off_in_availability_asks_and_can_leave_the_place_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", "enter", "ctrl+o")  # Marcia, then her availability
        assert type(app.screen).__name__ == "AvailabilityScreen"
        app.screen.query_one("#day-1", Checkbox).value = True  # Tuesdays
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "CoverNeededDialog"
        assert "Not available on Tuesdays: Marcia." in dialog_text(app)
        choices = [c for c in app.screen.query(Select) if (c.id or "").startswith("cover-choice-")]
        assert len(choices) == 2  # Tue 8 Dec (co-facilitates) and Tue 15 Dec (leads)
        choices[0].value = "open"  # Niall holds Tue 8 Dec alone; Tue 15 Dec takes the best cover
        await press(pilot, "ctrl+s")
        assert "availability saved" in notifications(app)
        await pilot.pause()
    with Store.open(app.db_path, readonly=True) as store:
        assert on_tuesday(store, dt.date(2026, 12, 8)) == ("Niall", "")
        assert "Marcia" not in on_tuesday(store)
        review = rota_service.review_rota(store, group_id=None, start=None, end=None, today=TODAY)
        assert review.rule_breaks == []


def test_cover_needed_dialog_snapshot(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await open_break_dialog(pilot, pilot.app)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))
