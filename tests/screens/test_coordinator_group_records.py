"""The coordinator's laptop holds no group's own records (debriefs, notes, consent, named
attendance): its screens say where they are kept rather than offer a blank form that would
write a second, private copy nobody on the group's laptops would see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from screens.debrief_screen import DebriefScreen
from tests.helpers.app import app_on
from tests.helpers.exchange_laptops import GROUP, two_group_laptops
from tests.helpers.screen import notifications
from tests.helpers.waits import pilot_until
from voicesgroup.exchange import service, sharing
from voicesgroup.kinds import SessionStatus
from voicesgroup.models import Debrief, Session
from voicesgroup.store import Store

DEBRIEF_WORDS = "People listened closely"


def _coordinator_with_an_ended_session(tmp_path: Path) -> Path:
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    with Store.open(made.group) as store:
        store.save_session(
            Session(
                group_id=store.find_group(GROUP).id,
                date=dt.date(2025, 3, 4),
                status=SessionStatus.ENDED,
                debrief=Debrief(answers={"mutuality": DEBRIEF_WORDS}),
            )
        )
        service.exchange(store)
    with Store.open(made.coordinator) as store:
        service.exchange(store)
        [session] = store.sessions()
        assert session.debrief is None  # the debrief stayed on the group's laptops
    return made.coordinator


async def test_the_coordinators_history_says_where_the_debrief_is_kept(tmp_path: Path) -> None:
    coordinator = _coordinator_with_an_ended_session(tmp_path)
    app = app_on(coordinator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("h")
        await pilot_until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen", "history")
        await pilot.pause()
        await pilot.press("d")
        await pilot_until(
            pilot, lambda: "kept on the group's laptop" in notifications(app), "the sentence"
        )
        assert not isinstance(app.screen, DebriefScreen)
    with Store.open(coordinator, readonly=True) as store:
        [session] = store.sessions()
        assert session.debrief is None  # nothing was written here


def test_the_group_only_records_are_those_the_sharing_rule_keeps_to_groups() -> None:
    """The screens ask the one rule: every table the rule keeps to a group's laptops, and
    every field of a session or strategy that stays there, is group-only; nothing else is."""
    for table, rule in sharing.RULES.items():
        assert sharing.kept_on_group_laptops(table) is (rule.reach is sharing.Reach.GROUP)
    for name in ("debrief", "follow_ups", "named_member_ids", "round_marks"):
        assert sharing.kept_on_group_laptops("sessions", name)
    for name in ("date", "themes", "anonymous_count", "facilitator_ids"):
        assert not sharing.kept_on_group_laptops("sessions", name)
    assert sharing.kept_on_group_laptops("strategies", "attributed_member_id")
    assert not sharing.kept_on_group_laptops("strategies", "title")
    assert not sharing.kept_on_group_laptops("supervision", "topics")


async def test_the_coordinators_supervision_form_says_names_are_checked_on_the_groups_laptop(
    tmp_path: Path,
) -> None:
    from screens.dialogs.supervision_dialog import NAMES_CHECKED_ELSEWHERE, SupervisionDialog
    from tests.helpers.screen import text_of

    coordinator = _coordinator_with_an_ended_session(tmp_path)
    app = app_on(coordinator)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        app.push_screen(SupervisionDialog())
        await pilot_until(pilot, lambda: isinstance(app.screen, SupervisionDialog), "dialog")
        await pilot.pause()
        hint = text_of(app, "#supervision-names-hint")
        assert " ".join(hint.split()) == NAMES_CHECKED_ELSEWHERE
        keep = app.screen.query_one("#keep")
        assert keep.region.bottom <= 24 and keep.region.height > 0  # still whole at 80×24
