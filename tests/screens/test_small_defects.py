"""Smaller defects a facilitator trips on, each checked where they would notice it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from screens.app import VoicesGroupApp
from tests.helpers.screen import settled, text_of
from voicesgroup import evaluation

MakeApp = Callable[..., VoicesGroupApp]


@pytest.mark.parametrize("typed", ["3", "5", "6", "9", "50"])
async def test_settings_say_what_a_report_prints_for_the_threshold(
    make_app: MakeApp, typed: str
) -> None:
    """Settings showed 5 as 'counts below this are fewer than' while reports said 'fewer than
    8': what is shown beside the setting is now the report's own sentence, for what is typed."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settled(pilot)
        app.screen.query_one("#report_smallest_count").value = typed  # type: ignore[attr-defined]  # an Input
        await settled(pilot)
        beside = text_of(app, "#threshold-words")
        await pilot.press("ctrl+s")
        await settled(pilot)
        today = app.today()
        report = evaluation.report(app.store, evaluation.Period(today - dt.timedelta(90), today))
    assert report.threshold == int(typed)
    hidden = beside.split("is ", 1)[1].rstrip(".")
    assert hidden and hidden in " ".join(report.protection.split())
    assert f"“fewer than {2 * int(typed) - int(typed) // 2}”" in beside


async def test_settings_say_nothing_of_a_threshold_the_rule_refuses(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settled(pilot)
        for typed in ("2", "", "x"):
            app.screen.query_one("#report_smallest_count").value = typed  # type: ignore[attr-defined]  # an Input
            await settled(pilot)
            assert text_of(app, "#threshold-words") == ""
