"""The facilitators' path, the team, supervision and follow-ups, driven with keys as a
coordinator would, on the demo data (Sol part-way through shadowing, Niall due supervision)."""

from __future__ import annotations

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static, TextArea

from screens.app import VoicesGroupApp
from tests.helpers.clock import TODAY
from tests.helpers.forms import problems_shown
from tests.helpers.screen import notifications, press, screen_text, text_of
from voicesgroup.home import due_items
from voicesgroup.kinds import TrainingStatus
from voicesgroup.store import Store

SOL_ROW = 4  # Marcia, Niall, Priya, Rosa, Sol, Tomasz


async def due_text(pilot: Pilot[None]) -> str:
    """Home's Due box once it has been filled (it is worked out just after the groups' paint)."""
    await pilot.pause()
    return text_of(pilot.app, "#due")


def cells(app: VoicesGroupApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def test_sign_off_from_the_path_screen_unlocks_leading(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", *["down"] * SOL_ROW, "p")
        assert type(app.screen).__name__ == "FacilitatorPathScreen"
        assert text_of(app, "#path-title") == "Sol: shadowing"
        summary = text_of(app, "#path-summary")
        assert "Shadowed: 4 of 6" in summary and "Before sign-off: 2 more" in summary
        await press(pilot, "o")
        assert type(app.screen).__name__ == "PathStepDialog"
        app.screen.query_one("#step-by", Input).value = "Rosa"
        await press(pilot, "ctrl+s")  # early, with no reason: refused, nothing changes
        # The dialog stays open with what was typed, and says why beside the buttons.
        assert type(app.screen).__name__ == "PathStepDialog"
        assert "needs a reason and who decided" in problems_shown(app)
        assert app.screen.query_one("#step-by", Input).value == "Rosa"
        assert app.store.find_facilitator("Sol").training is not TrainingStatus.TRAINED
        app.screen.query_one("#step-reason", Input).value = "agreed at supervision [/]"
        await press(pilot, "ctrl+s")
        assert text_of(app, "#path-title") == "Sol: signed off, may lead"
        assert "Signed off by Rosa" in text_of(app, "#path-summary")
        assert "Skipped shadowing: agreed at supervision [/] (Rosa, " in text_of(
            app, "#path-summary"
        )
    with Store.open(app.db_path, readonly=True) as store:
        assert store.find_facilitator("Sol").training is TrainingStatus.TRAINED


async def test_a_module_attended_and_a_break_from_the_path_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", "down", "p")  # Niall, who led before the path was kept
        assert text_of(app, "#path-title") == "Niall: signed off, may lead"
        await press(pilot, "m")
        assert cells(app, "#path-modules")[0][1] == "26 Nov 2026"
        await press(pilot, "b")
        app.screen.query_one("#step-end", Input).value = "not a day"
        await press(pilot, "ctrl+s")
        assert "YYYY-MM-DD" in problems_shown(app)
        assert app.screen.query_one("#step-end", Input).value == "not a day"
        app.screen.query_one("#step-end", Input).value = "2026-12-03"
        await press(pilot, "ctrl+s")
        # Niall is on a published session in the break: cover is chosen first.
        assert type(app.screen).__name__ == "CoverNeededDialog"
        await press(pilot, "ctrl+s")
        assert "Taking a break: 26 Nov 2026 to 3 Dec 2026" in text_of(app, "#path-summary")
    with Store.open(app.db_path, readonly=True) as store:
        import datetime as dt

        assert not store.find_facilitator("Niall").available_on(dt.date(2026, 12, 1))


async def test_supervision_refuses_a_member_name_then_keeps_the_meeting(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", "s")
        assert "Due for: Niall" in text_of(app, "#supervision-due")
        await press(pilot, "a")
        dialog = app.screen
        dialog.query_one("#supervision-held-by", Input).value = "Jo"
        who = dialog.query_one("#supervision-who", SelectionList)
        niall = next(option.value for option in who._options if str(option.prompt) == "Niall")
        who.select(niall)
        dialog.query_one("#supervision-topics", TextArea).text = "How aisha is doing"
        await pilot.pause()
        warning = dialog.query_one("#supervision-warning", Static)
        assert warning.display and "Aisha" in str(warning.render())
        await press(pilot, "ctrl+s")
        assert app.screen is dialog, "a topic naming a member was kept"
        assert "Nothing was saved" in problems_shown(app)
        said = " ".join(screen_text(app).split())
        assert said.count("“Aisha”") == 1, "one problem, said twice"
        dialog.query_one("#supervision-topics", TextArea).text = "Endings with Aisha"
        await pilot.pause()
        said = " ".join(screen_text(app).split())
        assert said.count("“Aisha”") == 1 and "Nothing was saved" not in said, said
        dialog.query_one("#supervision-topics", TextArea).text = "Endings\n[b]Rest[/b]"
        await pilot.pause()
        assert not warning.display
        await press(pilot, "ctrl+s")
        assert type(app.screen).__name__ == "SupervisionScreen"
        assert text_of(app, "#supervision-due") == "Nobody is due for supervision."
        assert cells(app, "#supervision-meetings")[0][1:] == ["Niall", "Jo", "Endings; [b]Rest[/b]"]
    with Store.open(app.db_path, readonly=True) as store:
        assert not any("Supervision" in item for item in due_items(store, TODAY))


async def test_follow_ups_get_an_owner_and_are_done(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "1 follow-up still open" in await due_text(pilot)
        await press(pilot, "f", "u")
        rows = cells(app, "#follow-ups")
        assert rows[0][2] == "Ask the venue about a quieter room (debrief)"
        assert rows[0][3] == "nobody"
        await press(pilot, "o")  # asks who, from the list (starting at the top)
        assert type(app.screen).__name__ == "ChooseFacilitatorDialog"
        await press(pilot, "enter")
        assert cells(app, "#follow-ups")[0][3] == "Marcia"
        await press(pilot, "o")  # starting at the owner now
        await press(pilot, "down", "enter")
        assert cells(app, "#follow-ups")[0][3] == "Niall"
        await press(pilot, "o", "escape")  # Escape changes nothing
        assert cells(app, "#follow-ups")[0][3] == "Niall"
        await press(pilot, "d")
        assert cells(app, "#follow-ups")[0][2] == "Nothing to follow up."
        await press(pilot, "a")
        assert cells(app, "#follow-ups")[0][4] == "26 Nov 2026"
        await press(pilot, "escape", "escape")
        assert "follow-up" not in await due_text(pilot)


async def test_the_team_picture_and_its_way_to_a_path(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", "t")
        kinds = cells(app, "#team-kinds")
        assert [row[0] for row in kinds] == ["Hearing voices", "Paranoia & beliefs", "Drop-in"]
        assert kinds[0][1] == "5 can lead, 3 of them experienced; 1 shadowing"
        assert text_of(app, "#team-thin") == "Nowhere thin."
        people = cells(app, "#team-people")
        assert ["Niall", "signed off, may lead", "", "10 Sep 2026 (due)", ""] in people
        await press(pilot, *["down"] * SOL_ROW, "enter")
        assert text_of(app, "#path-title") == "Sol: shadowing"


async def test_a_new_facilitator_starts_on_the_path(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "f", "a")
        app.screen.query_one("#display_name", Input).value = "Ola"
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await press(pilot, "up")
    with Store.open(app.db_path, readonly=True) as store:
        from voicesgroup.facilitator_path import path_record

        ola = store.find_facilitator("Ola")
        assert ola.training is TrainingStatus.IN_TRAINING  # interested: never leads
        record = path_record(store, ola.id)
        assert record is not None and record.stage.value == "interested"


async def test_open_follow_ups_are_shown_as_the_next_session_starts(make_app) -> None:
    import datetime as dt

    from screens.session_screen import SessionScreen
    from voicesgroup.models import Session

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        store = app.store
        voices = next(group for group in store.groups() if group.name == "Tuesday Voices")
        beliefs = next(group for group in store.groups() if group.name == "Thursday Beliefs")
        for group in (beliefs, voices):
            session = Session(group_id=group.id, date=dt.date(2026, 12, 1))
            store.save_session(session)
            app.push_screen(SessionScreen(session.id))
            await pilot.pause()
        told = notifications(app)
        assert told.count("Ask the venue about a quieter room") == 1, "shown for another group"
        assert any(item.title == "Still to follow up from before" for item in app._notifications)
