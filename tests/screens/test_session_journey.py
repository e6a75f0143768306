"""A whole session through the UI, for each kind of group, and snapshots of its screens at 80×24.

Time is frozen twice: the app's date (`today=`) and the session clock (`app.session_clock`), so the
phase timer reads the same in every run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from screens.app import VoicesGroupApp
from screens.debrief_screen import DebriefScreen
from screens.dialogs.member_search_dialog import MemberSearchDialog
from screens.dialogs.resume_session_dialog import ResumeSessionDialog
from screens.dialogs.start_session_dialog import StartSessionDialog
from screens.dialogs.strategy_capture_dialog import StrategyCaptureDialog
from screens.dialogs.text_capture_dialog import TextCaptureDialog
from screens.history_screen import HistoryScreen
from screens.home_screen import HomeScreen
from screens.session_screen import SessionScreen
from screens.template_edit_screen import TemplateEditScreen
from screens.widgets.agreement_view import AgreementView
from screens.widgets.attendance_list import AttendanceList
from screens.widgets.phase_timer import PhaseTimer
from screens.widgets.session_record import SessionRecord
from screens.widgets.shared_strategies import SharedStrategies
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import NOON, TODAY, FrozenClock
from tests.helpers.screen import screen_text
from voicesgroup.models import (
    RoundMark,
    SessionStatus,
    Variant,
)
from voicesgroup.session_runner import SessionRunner
from voicesgroup.store import Store
from voicesgroup.templates import vocabulary_for

SIZE = (80, 24)
MEMBER_NAMES = ["Aisha", "Ben", "Carys", "Dev", "Elif", "Gwen", "Iona", "Kit", "Zoë"]


def group_row(app: VoicesGroupApp, variant: Variant) -> int:
    return next(i for i, g in enumerate(app.store.groups()) if g.variant is variant)


def the_session(app: VoicesGroupApp):
    [session] = [s for s in app.store.sessions() if s.date == TODAY]
    return session


VARIANTS = [Variant.HEARING_VOICES, Variant.PARANOIA_BELIEFS, Variant.DROP_IN]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.value)
async def test_a_whole_session(tmp_path: Path, variant: Variant) -> None:
    app = app_on(make_demo(tmp_path / "demo.json", variant), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        group = app.store.groups()[group_row(app, variant)]
        words = vocabulary_for(group)
        for _ in range(group_row(app, variant)):
            await pilot.press("down")

        # Start: the facilitators come from the published rota, one Enter starts.
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, StartSessionDialog)
        assert words.group_noun in dialog.title_text  # wrapped on screen when it is long
        assert "From the published rota" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        people = {p.display_name: p.id for p in app.store.facilitators()}
        assert the_session(app).facilitator_ids == [people["Rosa"], people["Tomasz"]]

        # Attendance: two members by name (only those who agreed are listed), then numbers.
        listed = [m.display_name for m in app.screen.query_one(AttendanceList).members]
        assert "Carys" not in listed and len(listed) >= 3  # the group's own, who agreed
        first, second = listed[:2]
        await pilot.press("enter", "down", "enter", "plus", "plus", "n")
        session = the_session(app)
        members = {m.display_name: m.id for m in app.store.members()}
        assert session.named_member_ids == [members[first], members[second]]
        assert (session.anonymous_count, session.newcomers, session.head_count) == (2, 1, 5)
        assert "In the room: 5" in screen_text(app)

        # The agreement part shows the group's own agreement and its limits.
        await pilot.press("right")
        agreement = app.screen.query_one(AgreementView)
        assert agreement.display and agreement.agreement == group.agreement
        assert "Confidentiality and its limits" in str(agreement.render())
        await pilot.press("pagedown")  # the agreement is long: Page Down reads on
        assert app.screen.query_one("#session-main").scroll_y > 0
        await pilot.press("pageup")

        # A round: spoke, passed, step on, spoke; newcomers are welcome to pass.
        await pilot.press("right")
        assert "Check-in round" in screen_text(app)
        assert "welcome to pass" in screen_text(app)
        await pilot.press("s", "p", "space", "s")
        marks = the_session(app).round_marks
        assert marks == {
            str(members[first]): RoundMark.SPOKE,
            str(members[second]): RoundMark.PASSED,
            "person-2": RoundMark.SPOKE,
        }
        assert the_session(app).round_position == 4

        # A coping strategy, anonymous, in the group's own words.
        await pilot.press("w")
        assert isinstance(app.screen, StrategyCaptureDialog)
        assert f"helps with {words.experience_short}" in screen_text(app)
        await pilot.press(*"Humming", "enter")
        [shared] = [s for s in app.store.strategies() if s.title == "Humming"]
        assert shared.attributed_member_id is None and shared.shared_in_group_id == group.id
        assert shared.id in the_session(app).strategy_ids

        # A theme: a member's name is warned about before it is kept.
        await pilot.press("t", *"Trust, ben", "enter")
        assert isinstance(app.screen, TextCaptureDialog)
        assert "This mentions Ben" in screen_text(app)
        await pilot.press(*["backspace"] * 5, "enter")
        assert the_session(app).themes == ["Trust"]

        # Room view hides every name, note and count; the same key brings them back.
        await pilot.press("r")
        shown = screen_text(app)
        assert "Room view" in shown
        for hidden in [*MEMBER_NAMES, "In the room", "Trust", "Person 1", "Themes"]:
            assert hidden not in shown, hidden
        assert "Humming" in shown and "Check-in round" in shown
        assert app.screen.query_one(AgreementView).display
        await pilot.press("r")
        shown = screen_text(app)
        assert first in shown and "In the room: 5" in shown and "Room view:" not in shown

        # End, and the facilitators' debrief.
        await pilot.press("e")
        assert "End today's" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, DebriefScreen)
        assert f"After the {words.group_noun}" in screen_text(app)
        app.screen.query_one("#answer-went_well").focus()
        await pilot.press(*"Calm", "ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        session = the_session(app)
        assert session.status is SessionStatus.ENDED
        assert session.debrief.answers == {"went_well": "Calm"}
        assert session.facilitator_ids == [people["Rosa"], people["Tomasz"]]

        # History shows it; Enter opens it to read.
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert "Thu 26 Nov 2026" in shown and "Rosa & Tomasz" in shown
        assert "Trust" in shown
        await pilot.press("enter")
        record = app.screen.query_one(SessionRecord)
        assert record.session.id == session.id
        assert "What went well: Calm" in str(record.render())
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()
    with Store.open(tmp_path / "demo.json", readonly=True) as reopened:
        assert reopened.session(session.id) == session


async def test_without_a_rota_the_facilitators_are_chosen(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json", publish_rota=False), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert "No published rota" in screen_text(app)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, StartSessionDialog)
        assert "Choose who is leading" in screen_text(app)
        # Focus starts on the lead: open it, take the first; then the third for the co.
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "down", "down")
        await pilot.press("enter", "ctrl+s")
        assert isinstance(app.screen, SessionScreen)
        assert len(the_session(app).facilitator_ids) == 2


async def test_a_member_without_consent_is_refused_by_the_core(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")
        screen = app.screen
        carys = app.store.find_member("Carys")
        screen.post_message(AttendanceList.MemberToggled(carys.id))
        await pilot.pause()
        assert the_session(app).named_member_ids == []
        assert any("Carys has not agreed" in n.message for n in app._notifications)


async def test_someone_else_who_agreed_is_found_by_name(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")  # Saturday Drop-in: Ben is not one of its regulars
        attendance = app.screen.query_one(AttendanceList)
        assert "Ben" not in [m.display_name for m in attendance.members]
        await pilot.press("a", *"car")
        assert "Nobody who agreed has that name" in screen_text(app)  # Carys did not agree
        await pilot.press("enter")
        assert isinstance(app.screen, MemberSearchDialog)
        await pilot.press(*["backspace"] * 3, *"be", "enter")
        assert isinstance(app.screen, SessionScreen)
        ben = app.store.find_member("Ben")
        assert the_session(app).named_member_ids == [ben.id]
        assert "Ben" in [m.display_name for m in attendance.members]
        assert "Ben (here)" in screen_text(app)


async def test_the_timer_cues_in_words_when_a_part_runs_over(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter")
        app.session_clock.at = NOON + dt.timedelta(minutes=7)  # welcome is planned for 5
        app.screen._tick()  # what the once-a-second timer does
        await pilot.pause()
        timer = app.screen.query_one(PhaseTimer)
        assert timer.has_class("-over")
        assert "Running 2 min over the plan for this part" in str(timer.render())
        await pilot.press("right")
        assert not timer.has_class("-over")


async def test_strategy_attribution_is_offered_only_with_consent(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "s", "enter")  # Tuesday Voices
        await pilot.press("enter", "down", "enter")  # Aisha (attribution yes) and Ben (no)
        assert "Aisha (here)" in screen_text(app) and "Ben (here)" in screen_text(app)
        await pilot.press("w")
        dialog = app.screen
        assert [m.display_name for m in dialog.attribution_choices] == ["Aisha"]
        dialog.query_one("#strategy-by").value = str(app.store.find_member("Aisha").id)
        await pilot.press(*"Blue", "ctrl+s")
        [shared] = [s for s in app.store.strategies() if s.title == "Blue"]
        assert shared.attributed_member_id == app.store.find_member("Aisha").id
        shown = app.screen.query_one("#shared-strategies", SharedStrategies)
        assert "shared by Aisha" in str(shown.render())
        await pilot.press("r")
        room = app.screen.query_one("#room-strategies", SharedStrategies)
        assert "Blue" in str(room.render()) and "shared by" not in str(room.render())


async def test_leaving_and_coming_back_resumes_the_same_session(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter", "right", "escape")
        assert isinstance(app.screen, HomeScreen)
        next_step = str(app.screen.query_one("#groups").get_row_at(0)[3])
        assert next_step == "Resume the session"
        await pilot.press("s")
        assert isinstance(app.screen, SessionScreen)
        assert "Part 2 of 7" in screen_text(app)
        assert len(app.store.sessions_in_progress()) == 1


async def test_on_start_up_a_session_in_progress_is_offered(tmp_path: Path) -> None:
    path = make_demo(tmp_path / "demo.json")
    with Store.open(path) as store:
        group = store.find_group("Tuesday Voices")
        runner = SessionRunner.start(store, group, TODAY, [], FrozenClock())
        runner.change_anonymous(3)
        runner.go_to_phase(2)
        runner.mark_current(RoundMark.PASSED)
    app = app_on(path, clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeSessionDialog)
        assert "Tuesday Voices" in screen_text(app) and "part 3 of 7" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.runner.session == runner.session
        assert "Person 1 — passed" in screen_text(app)


async def test_the_group_edits_its_session_plan(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, TemplateEditScreen)
        await pilot.press("ctrl+down", "ctrl+n")  # welcome moves down; a new part after it
        app.screen.query_one("#part-title").value = ""
        await pilot.press(*"Tea", "tab", "end", "backspace", "backspace", "1", "2", "ctrl+s")
        group = app.store.groups()[0]
        plan = group.template
        assert plan is not None and plan.version == 2
        assert [p.title for p in plan.phases[:3]] == [
            "Group agreement and confidentiality",
            "Welcome",
            "Tea",
        ]
        assert plan.phases[2].minutes == 12
        await pilot.press("escape", "s", "enter")
        session = the_session(app)
        assert (session.template_key, session.template_version) == (plan.key, 2)
        assert "Part 1 of 8" in screen_text(app)


# -- snapshots ------------------------------------------------------------------------------


async def _into_the_round(pilot) -> None:
    await pilot.press("s", "enter", "enter", "down", "enter", "plus", "n", "right", "right")
    await pilot.press("s", "p")
    pilot.app.clear_notifications()
    await pilot.pause()


def test_snapshot_session_screen(snap_compare, tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    assert snap_compare(app, terminal_size=SIZE, run_before=_into_the_round)


def test_snapshot_room_view(snap_compare, tmp_path: Path) -> None:
    async def room_view(pilot) -> None:
        await _into_the_round(pilot)
        await pilot.press("r")

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    assert snap_compare(app, terminal_size=SIZE, run_before=room_view)


def test_snapshot_debrief(snap_compare, tmp_path: Path) -> None:
    async def debrief(pilot) -> None:
        await _into_the_round(pilot)
        await pilot.press("e", "enter")
        pilot.app.clear_notifications()
        for field in pilot.app.screen.query("TextArea"):
            field.cursor_blink = False  # the first answer has the focus: hold its cursor steady
        await pilot.pause()

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    assert snap_compare(app, terminal_size=SIZE, run_before=debrief)


async def test_a_long_theme_pasted_stays_in_the_box_with_a_sentence(tmp_path: Path) -> None:
    """Textual drops a paste longer than an Input's max_length whole and silently: the quick
    capture keeps every pasted character and says, on Enter, what to change."""
    from textual import events
    from textual.widgets import Input

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "enter", "t")
        await pilot.pause()
        assert isinstance(app.screen, TextCaptureDialog)
        pasted = "Feeling watched 👀 عندما " + "x" * 3000
        box = app.screen.query_one("#capture-text", Input)
        box.post_message(events.Paste(pasted))
        await pilot.pause()
        assert box.value == pasted
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextCaptureDialog) and box.value == pasted
        assert "This is 3024 characters" in screen_text(app)
        assert the_session(app).themes == []
        box.value = "Feeling watched 👀 عندما"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert the_session(app).themes == ["Feeling watched 👀 عندما"]
