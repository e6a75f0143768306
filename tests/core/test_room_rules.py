"""The rules the room's screens call, each in its one home in the core: the room view kept with
the session, themes reworded or taken back, the start dialog's words, the plan's name and local
times in the history, what a consent answer does, a new group's defaults, two members called
the same, names in notes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.records import add_group, add_member, event
from voicesgroup import withdrawal
from voicesgroup.groups import changed_group, new_group
from voicesgroup.home import home_rows, room_view_on
from voicesgroup.members import others_with_the_same_name
from voicesgroup.mentions import member_names_in
from voicesgroup.models import (
    ConsentAction,
    ConsentScope,
    ContactDetail,
    Facilitator,
    MeetingPattern,
    Member,
    Note,
    SessionStatus,
    Variant,
)
from voicesgroup.session_runner import (
    SessionRunner,
    describe_in_progress,
    plan_of,
    start_wording,
)
from voicesgroup.shipped import shipped_template
from voicesgroup.store import Store

TUESDAY = dt.date(2026, 12, 1)
START = dt.datetime(2026, 12, 1, 18, 30, tzinfo=dt.UTC)


def _start(store: Store, day: dt.date = TUESDAY) -> SessionRunner:
    group = store.groups()[0] if store.groups() else add_group(store)
    person = Facilitator(display_name="Rosa")
    store.save_facilitator(person)
    return SessionRunner.start(store, group, day, [person.id], lambda: START)


def test_room_view_is_kept_with_the_session_until_it_ends(store: Store) -> None:
    runner = _start(store)
    assert not room_view_on(store)
    runner.set_room_view(True)
    assert room_view_on(store)
    again = SessionRunner.resume(store, runner.session.id)
    assert again.session.room_view is True
    assert "room view is on" in describe_in_progress(store, again.session)
    assert "in the room" not in describe_in_progress(store, again.session)
    again.end()
    assert not room_view_on(store) and store.session(runner.session.id).room_view is False


def test_a_theme_can_be_reworded_or_taken_back(store: Store) -> None:
    runner = _start(store)
    runner.add_theme("Being believed")
    runner.add_theme("Hope")
    runner.add_follow_up("Book the room")
    runner.change_theme(0, "  Being   believed, at last ")
    assert store.session(runner.session.id).themes == ["Being believed, at last", "Hope"]
    runner.change_theme(1, None)
    runner.change_follow_up(0, "  ")
    kept = store.session(runner.session.id)
    assert kept.themes == ["Being believed, at last"] and kept.follow_ups == []
    with pytest.raises(ValueError, match="no longer there"):
        runner.change_theme(5, "x")


def test_the_start_dialog_says_when_it_is_not_the_usual_day_or_already_met(
    store: Store,
) -> None:
    group = add_group(store)  # meets on Tuesdays
    assert start_wording(store, group, TUESDAY, "group") == ("Start today's group: Tuesday Voices")
    wednesday = TUESDAY + dt.timedelta(days=1)
    said = start_wording(store, group, wednesday, "group")
    assert said.startswith("Not the usual day") and "Tuesdays" in said
    _start(store).end()
    said = start_wording(store, group, TUESDAY, "group")
    assert said.startswith("Today's group ended at ") and "Start another" in said
    [row] = home_rows(store, TUESDAY)
    assert row.next_step == "Met today"


def test_history_names_the_plan_and_gives_local_times(store: Store, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    import time

    time.tzset()
    try:
        runner = _start(store)
        runner.clock = lambda: START + dt.timedelta(minutes=95)
        session = runner.end()
        plan = plan_of(store, session)
        shipped = shipped_template(Variant.HEARING_VOICES)
        assert plan == f"{shipped.name}, version {shipped.version}, 19:30–21:05"
        assert shipped.key not in plan and "UTC" not in plan
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_what_a_withdrawal_will_do_and_did_uses_the_member_numbers(store: Store) -> None:
    sam = add_member(store, "Sam", ConsentScope.PERSONAL_NOTES, ConsentScope.CONTACT_DETAILS)
    for words in ("one", "two"):
        store.save_note(Note(member_id=sam.id, member_words=words, agreed_by_member=True))
    store.save_contact_detail(ContactDetail(member_id=sam.id, kind="phone", value="0123"))
    notes = ConsentScope.PERSONAL_NOTES
    withdrawn = ConsentAction.WITHDRAWN
    assert withdrawal.needs_erase_choice(store, sam.id, notes, withdrawn)
    assert not withdrawal.needs_erase_choice(store, sam.id, notes, ConsentAction.GIVEN)
    before = withdrawal.what_it_will_do(store, sam.id, "Sam", notes, withdrawn, None)
    assert "2 notes kept about Sam" in before
    assert "2 notes will be erased" in withdrawal.what_it_will_do(
        store, sam.id, "Sam", notes, withdrawn, True
    )
    given = withdrawal.what_it_will_do(
        store, sam.id, "Sam", ConsentScope.ATTENDANCE_BY_NAME, ConsentAction.GIVEN, None
    )
    assert "agrees to be on the attendance list by name" in given
    assert "keep name on" not in given
    count = withdrawal.covered_count(store, sam.id, notes)
    store.withdraw_consent(event(sam, notes, withdrawn), erase=True)
    said = withdrawal.what_was_done("Sam", notes, withdrawn, count, erase=True)
    assert said == (
        "Recorded: Sam withdrew consent to have notes written with them. 2 notes erased."
    )
    assert store.notes(sam.id, include_restricted=True) == []


def test_a_new_group_gets_its_kinds_words_and_agreement() -> None:
    group = new_group(
        TUESDAY, name="Beliefs", variant=Variant.PARANOIA_BELIEFS, pattern=MeetingPattern(weekday=3)
    )
    shipped = shipped_template(Variant.PARANOIA_BELIEFS)
    assert group.vocabulary == shipped.vocabulary and group.agreements
    assert group.agreements[-1].agreed_on == TUESDAY
    moved = changed_group(group, variant=Variant.HEARING_VOICES)
    assert moved.vocabulary == shipped_template(Variant.HEARING_VOICES).vocabulary
    assert changed_group(group, name="Renamed").vocabulary == group.vocabulary


def test_two_members_with_the_same_name_ignoring_case(store: Store) -> None:
    first = add_member(store, "Sam")
    add_member(store, "Alex")
    newcomer = Member(display_name="sam")
    assert others_with_the_same_name(store, newcomer) == [first]
    assert others_with_the_same_name(store, first) == []


def test_names_in_notes_leave_out_the_member_themselves(store: Store) -> None:
    sam = add_member(store, "Sam")
    add_member(store, "Dev")
    assert member_names_in(store, "Sam talked with Dev", besides=sam.id) == ["Dev"]
    assert member_names_in(store, "Sam talked", besides=sam.id) == []
    assert sorted(member_names_in(store, "dev and sam")) == ["Dev", "Sam"]


def test_ended_session_is_not_in_progress(store: Store) -> None:
    runner = _start(store)
    runner.end()
    assert store.session(runner.session.id).status is SessionStatus.ENDED
