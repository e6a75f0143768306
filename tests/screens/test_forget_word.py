"""The forget dialog lets the person confirming say, text by text, that a match is the word
and not the member ("SURVIVAL KIT" when Kit is forgotten): only the texts left unticked are
rewritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import SelectionList

from tests.helpers.app import app_on
from tests.helpers.records import add_group, add_member
from tests.helpers.screen import open_member, text_of
from tests.helpers.waits import pilot_until
from voicesgroup.kinds import ConsentScope, SessionStatus
from voicesgroup.models import CopingStrategy, Session
from voicesgroup.store import Store

WORD = "SURVIVAL KIT: what to carry"
NAMED = "We sat with Kit and counted breaths"


async def test_a_text_ticked_as_the_word_stays_when_kit_is_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    with Store.open(path) as store:
        group = add_group(store)
        add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_strategy(CopingStrategy(title=WORD, category="distraction"))
        store.save_session(
            Session(
                group_id=group.id,
                date=dt.date(2025, 2, 4),
                status=SessionStatus.ENDED,
                themes=[NAMED],
            )
        )
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(pilot, app, "Kit")
        await pilot.press("f")
        dialog = await pilot_until(
            pilot, lambda: app.screen if app.screen.query("#forget-words") else None, "dialog"
        )
        words = dialog.query_one("#forget-words", SelectionList)
        await pilot_until(pilot, lambda: words.option_count == 1, "the word asked about")
        assert "SURVIVAL another member" in text_of(app, "#forget-effects")
        words.select_all()
        await pilot_until(
            pilot,
            lambda: "stays: the word, not them" in text_of(app, "#forget-effects"),
            "the preview follows the tick",
        )
        assert "SURVIVAL another member" not in text_of(app, "#forget-effects")
        dialog.query_one("#forget-name").focus()
        await pilot.pause()
        await pilot.press(*"Kit", "enter")
        await pilot_until(pilot, lambda: getattr(dialog, "report", None) is not None, "done")
    with Store.open(path, readonly=True) as store:
        assert [s.title for s in store.strategies() if s.title.startswith("SURVIVAL")] == [WORD]
        assert store.sessions()[0].themes == ["We sat with another member and counted breaths"]
        assert store.members() == []
