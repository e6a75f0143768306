"""The start-session dialog asks the path's rule before a session starts, and says only what is
still true of the choice on screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Select

from screens.dialogs.start_session_dialog import StartSessionDialog
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.forms import problem_lines
from voicesgroup import facilitator_path as fp
from voicesgroup.kinds import PathStage, TrainingStatus
from voicesgroup.models import Facilitator
from voicesgroup.store import Store


def _with_newcomer(path: Path, stage: PathStage) -> Path:
    """The demo with Ada, who has just come forward (or is on the course)."""
    with Store.open(path) as store:
        ada = Facilitator(display_name="Ada", training=TrainingStatus.IN_TRAINING)
        store.save_facilitator(ada)
        fp.begin(store, ada, stage, dt.date(2026, 1, 5), by="Rosa", reason="came forward")
    return path


async def test_someone_not_facilitating_yet_is_refused_with_the_rules_sentence(
    tmp_path: Path,
) -> None:
    for stage in (PathStage.INTERESTED, PathStage.IN_TRAINING):
        path = _with_newcomer(make_demo(tmp_path / f"{stage.value}.json"), stage)
        app = app_on(path, clock=FrozenClock())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("s")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, StartSessionDialog)
            ada = next(p for p in app.store.facilitators() if p.display_name == "Ada")
            dialog.query_one("#co", Select).value = str(ada.id)
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is dialog, "a session started with someone not facilitating yet"
            assert problem_lines(app) == [
                f"! Not facilitating yet: Ada is {stage.label}, and people join sessions "
                "once they begin shadowing."
            ]
            assert dialog.query_one("#co", Select).value == str(ada.id)
            assert app.store.sessions_in_progress() == []


async def test_a_sentence_about_the_choice_goes_once_the_choice_changes(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json", publish_rota=False), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StartSessionDialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problem_lines(app) == ["! Choose who is leading today."]
        lead = dialog.query_one("#lead", Select)
        lead.value = str(app.store.facilitators()[0].id)
        await pilot.pause()
        assert problem_lines(app) == []
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog
        assert problem_lines(app) == ["! Choose a co-facilitator, or 'Nobody else today'."]
