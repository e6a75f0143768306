"""The facilitator form's "named in reports for funders" tick, as a coordinator uses it: the
tick shows what is stored, Space changes it, Ctrl+S keeps it, and the evaluation follows."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Checkbox, Input

from screens.app import VoicesGroupApp
from screens.facilitator_edit_screen import FacilitatorEditScreen
from tests.helpers.clock import TODAY as FROZEN_TODAY
from voicesgroup import evaluation

SIZE = (80, 24)
NIALL_ROW = 1  # Marcia, Niall, Priya, Rosa, Sol, Tomasz


def names_in_the_report(app: VoicesGroupApp) -> list[str]:
    period = evaluation.Period(dt.date(2026, 1, 1), FROZEN_TODAY)
    made = evaluation.report(app.store, period, today=FROZEN_TODAY)
    return [person.name for person in made.current.facilitators]


async def test_ticking_named_in_reports_names_them_in_the_evaluation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Niall" not in names_in_the_report(app)  # the demo's Niall has not said yes
        for key in ("f", *["down"] * NIALL_ROW, "enter"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, FacilitatorEditScreen)
        box = app.screen.query_one("#named_in_reports", Checkbox)
        assert box.value is False
        box.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, FacilitatorEditScreen)
        assert app.store.find_facilitator("Niall").named_in_reports is True
        assert "Niall" in names_in_the_report(app)

        await pilot.press("enter")  # Niall again: the tick shows what is stored; take it off
        await pilot.pause()
        box = app.screen.query_one("#named_in_reports", Checkbox)
        assert box.value is True
        box.focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.find_facilitator("Niall").named_in_reports is False
        assert "Niall" not in names_in_the_report(app)
        # One person who said no is fewer than the report's threshold: a row of those not
        # named would be Niall, so nobody is named and the team is one row.
        assert names_in_the_report(app) == ["All facilitators together (6)"]


async def test_a_new_facilitator_is_not_named_until_ticked(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(FacilitatorEditScreen(None))
        await pilot.pause()
        assert app.screen.query_one("#named_in_reports", Checkbox).value is False
        app.screen.query_one("#display_name", Input).value = "Ade"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.store.find_facilitator("Ade").named_in_reports is False
