"""The home screen's rows and due list, read from stored documents, say what the models say."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.demo_files import DEMO_GROUPS, DEMO_TODAY
from tests.helpers.records import add_group, add_member, event
from voicesgroup import consent
from voicesgroup.counting import counted
from voicesgroup.home import (
    LISTED_REVIEWS,
    due_items,
    group_listing,
    groups_in_session,
    home_rows,
    room_view_on,
    rota_rows,
)
from voicesgroup.models import (
    ConsentScope,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    Session,
    SessionStatus,
    Settings,
    SupportContact,
    Variant,
)
from voicesgroup.store import SETTINGS_TABLE, Store, new_document

STEP_WORDS = {0: "Start today", 1: "Tomorrow"}


def next_meeting_by_walking(group: Group, today: dt.date) -> dt.date:
    """The first day from `today` on the group's weekday, in one of its meeting weeks."""
    pattern = group.pattern
    day = today
    while True:
        weeks_on = (day - pattern.first_date).days // 7 if pattern.first_date else 0
        if (
            day.weekday() == pattern.weekday
            and weeks_on >= 0
            and weeks_on % pattern.every_weeks == 0
        ):
            return day
        day += dt.timedelta(days=1)


def rows_from_models(store: Store, today: dt.date) -> list[tuple[str, str, str, str]]:
    """What each row should say, worked out from the models without the home module's code."""
    in_progress = {session.group_id for session in store.sessions_in_progress()}
    ended_today = {
        session.group_id
        for session in store.sessions()
        if session.date == today and session.status is SessionStatus.ENDED
    }
    expected = []
    for group in sorted(store.groups(), key=lambda group: group.name.casefold()):
        if group.archived:
            continue
        held = group.id in ended_today  # "next" is never a session that has ended
        meets = next_meeting_by_walking(group, today + dt.timedelta(days=1) if held else today)
        days = (meets - today).days
        if group.id in in_progress:
            step = "Resume the session"
        elif group.id in ended_today:
            step = "Met today"
        elif meets == today:
            step = "Start today"
        elif meets == today + dt.timedelta(days=1):
            step = "Tomorrow"
        else:
            step = STEP_WORDS.get(days, f"In {days} days")
        when = f"{meets:%a} {meets.day} {meets:%b}, {group.pattern.start:%H:%M}"
        expected.append((group.name, group.variant.label, when, step))
    return expected


# A weekly Tuesday group at 18:30, through a week, as a facilitator reads it.
TUESDAY_GROUP_WEEK = [
    (dt.date(2026, 11, 23), "Tue 24 Nov, 18:30", "Tomorrow"),
    (dt.date(2026, 11, 24), "Tue 24 Nov, 18:30", "Start today"),
    (dt.date(2026, 11, 25), "Tue 1 Dec, 18:30", "In 6 days"),
    (dt.date(2026, 11, 26), "Tue 1 Dec, 18:30", "In 5 days"),
    (dt.date(2026, 11, 29), "Tue 1 Dec, 18:30", "In 2 days"),
    (dt.date(2026, 11, 30), "Tue 1 Dec, 18:30", "Tomorrow"),
    (dt.date(2026, 12, 1), "Tue 1 Dec, 18:30", "Start today"),
]


@pytest.mark.parametrize(("today", "when", "step"), TUESDAY_GROUP_WEEK)
def test_a_weekly_group_through_its_week(
    store: Store, today: dt.date, when: str, step: str
) -> None:
    add_group(store)
    assert shown(store, today) == [("Tuesday Voices", "Hearing voices", when, step)]


def test_a_session_in_progress_comes_before_today_and_tomorrow(store: Store) -> None:
    group = add_group(store)
    store.save_session(Session(group_id=group.id, date=dt.date(2026, 11, 24)))
    for today in (dt.date(2026, 11, 24), dt.date(2026, 11, 30)):  # meets today; tomorrow
        [row] = home_rows(store, today)
        assert row.next_step == "Resume the session"


def shown(store: Store, today: dt.date) -> list[tuple[str, str, str, str]]:
    return [(r.name, r.kind, r.next_meeting, r.next_step) for r in home_rows(store, today)]


@pytest.mark.parametrize("days_on", range(15))
def test_rows_match_the_models_on_every_day_of_two_weeks(demo_store: Store, days_on: int) -> None:
    today = DEMO_TODAY + dt.timedelta(days=days_on)
    assert shown(demo_store, today) == rows_from_models(demo_store, today)
    assert len(shown(demo_store, today)) == DEMO_GROUPS


def test_a_group_meeting_every_other_week_skips_the_week_off(store: Store) -> None:
    group = add_group(store)
    first = dt.date(2026, 11, 3)  # a Tuesday
    store.save_group(
        group.with_changes(pattern={"weekday": 1, "every_weeks": 2, "first_date": first})
    )
    [row] = home_rows(store, dt.date(2026, 11, 4))
    assert row.next_meeting == "Tue 17 Nov, 18:30"
    assert row.next_step == "In 13 days"
    assert shown(store, dt.date(2026, 11, 4)) == rows_from_models(store, dt.date(2026, 11, 4))


def test_a_session_in_progress_is_the_next_step(store: Store) -> None:
    group = add_group(store)
    other = add_group(store, "Thursday Beliefs")
    store.save_session(Session(group_id=group.id, date=dt.date(2026, 11, 24)))
    assert groups_in_session(store) == {str(group.id)}
    steps = {row.name: row.next_step for row in home_rows(store, dt.date(2026, 11, 26))}
    assert steps[group.name] == "Resume the session"
    assert steps[other.name] != "Resume the session"


def test_archived_groups_are_left_out(store: Store) -> None:
    kept = add_group(store, "Kept")
    gone = add_group(store, "Gone")
    store.save_group(gone.with_changes(archived=True))
    assert [row.group_id for row in home_rows(store, DEMO_TODAY)] == [kept.id]


def test_an_empty_file_has_no_rows_and_nothing_due(store: Store) -> None:
    assert home_rows(store, DEMO_TODAY) == []
    assert due_items(store, DEMO_TODAY) == []


def test_a_new_file_asks_for_its_starter_contacts_to_be_checked(db_path) -> None:
    with Store.open(db_path) as seeded:
        contacts = len(seeded.support_contacts())
        assert contacts
        assert due_items(seeded, DEMO_TODAY) == [
            f"{counted(contacts, 'support contact')} to check before printing"
        ]


def test_event_views_read_what_the_models_hold(demo_store: Store) -> None:
    events = demo_store.consent_events()
    assert events
    by_id = {str(item.id): item for item in events}
    for document in demo_store.documents("consent_events"):
        model = by_id[document["id"]]
        assert consent.EventView.of(document) == (
            model.member_id,
            model.scope,
            model.action,
            model.on,
            model.created_at,
            model.review_after_months,
        )


def reviews_from_models(store: Store, today: dt.date) -> list[str]:
    return [
        member.display_name
        for member in store.members()
        if consent.review_due(store.consent_events(member.id), member.id, today)
    ]


@pytest.mark.parametrize("months_on", [0, 5, 7, 13, 30])
def test_consent_check_ins_match_the_rule(demo_store: Store, months_on: int) -> None:
    today = consent.add_months(DEMO_TODAY, months_on)
    names = reviews_from_models(demo_store, today)
    check_ins = [item for item in due_items(demo_store, today) if item.startswith("Check in")]
    if not names:
        assert check_ins == []
    elif len(names) <= LISTED_REVIEWS:
        assert [item.split(" about")[0].removeprefix("Check in with ") for item in check_ins] == (
            names
        )
    else:
        [line] = check_ins
        listed = ", ".join(names[:LISTED_REVIEWS])
        assert line.startswith(f"Check in with {listed} and {len(names) - LISTED_REVIEWS} more")


def test_a_withdrawal_after_a_review_date_is_not_a_check_in(store: Store) -> None:
    member = add_member(store, "Ade")
    given = event(member, ConsentScope.PERSONAL_NOTES, on=dt.datetime(2025, 1, 6, tzinfo=dt.UTC))
    store.give_consent(given.with_changes(review_after_months=6))
    later = dt.date(2025, 8, 1)
    assert due_items(store, later)[0] == (
        "Check in with Ade about their consent (notes written with them)"
    )
    store.withdraw_consent(
        event(
            member,
            ConsentScope.PERSONAL_NOTES,
            consent.ConsentAction.WITHDRAWN,
            on=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
        ),
        erase=True,
    )
    assert not [item for item in due_items(store, later) if item.startswith("Check in")]


def test_agreements_contacts_and_retention_are_listed(demo_store: Store) -> None:
    far_on = consent.add_months(DEMO_TODAY, 40)
    items = due_items(demo_store, far_on)
    for group in demo_store.groups():
        if group.agreement and group.agreement.review_on <= far_on:
            assert f"{group.name}: the group agreement is due for review" in items
    assert any(item.startswith("Past their keeping time: ") for item in items)
    unchecked = [c for c in demo_store.support_contacts() if c.last_checked is None]
    if unchecked:
        assert f"{counted(len(unchecked), 'support contact')} to check before printing" in items
    for contact in unchecked:
        demo_store.save_support_contact(contact.with_changes(last_checked=DEMO_TODAY))
    assert not [item for item in due_items(demo_store, far_on) if "support contact" in item]


def test_a_setting_reads_the_stored_value_or_the_default(store: Store) -> None:
    store.save_settings(Settings(notes_months=6))
    assert store.setting("notes_months") == 6
    del store.storage.read()[SETTINGS_TABLE]["1"]["debriefs_months"]
    assert store.setting("debriefs_months") == Settings().debriefs_months


def test_a_contact_checked_is_no_longer_due(store: Store) -> None:
    store.save_support_contact(SupportContact(name="Local line", how="0100 000 000"))
    assert due_items(store, DEMO_TODAY) == ["1 support contact to check before printing"]
    [contact] = store.support_contacts()
    store.save_support_contact(contact.with_changes(last_checked=DEMO_TODAY))
    assert due_items(store, DEMO_TODAY) == []


# -- `voicesgroup groups`: the list read from the documents says what the models say ----------

GROUP_PATTERNS = st.builds(
    MeetingPattern,
    weekday=st.integers(0, 6),
    start=st.times().map(lambda moment: moment.replace(microsecond=0)),
    minutes=st.integers(15, 240),
    every_weeks=st.integers(1, 4),
)
GROUPS_TO_LIST = st.lists(
    st.tuples(
        st.text("aAbBzZ é", min_size=1, max_size=6).filter(str.strip),
        st.sampled_from(list(Variant)),
        GROUP_PATTERNS,
        st.text("Hall 7", max_size=8),
        st.booleans(),
    ),
    max_size=6,
)


@given(GROUPS_TO_LIST)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_the_group_list_from_documents_matches_the_models(groups: list) -> None:
    store = Store.in_memory(new_document(), Path("listing.json"))
    for name, variant, pattern, venue, archived in groups:
        store.save_group(
            Group(name=name, variant=variant, pattern=pattern, venue=venue, archived=archived)
        )
    from_models = [
        {
            "id": str(group.id),
            "name": group.name,
            "variant": group.variant.label,
            "meets": group.pattern.describe(),
            "venue": group.venue,
        }
        for group in store.groups()
    ]
    assert group_listing(store) == from_models


def test_the_group_list_loads_no_models(tmp_path: Path) -> None:
    """`voicesgroup groups` reads the stored documents: pydantic is not imported for it."""
    path = tmp_path / "vg.json"
    with Store.open(path) as store:
        add_group(store)
    code = (
        "import sys, io, contextlib\n"
        "from voicesgroup.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['--db', {str(path)!r}, 'groups']) == 0\n"
        "assert 'Tuesday Voices' in out.getvalue(), out.getvalue()\n"
        "assert 'pydantic' not in sys.modules, 'the models were loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _sessions_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the sessions' documents are read, from now on."""
    reads: list[str] = []
    documents = store.documents

    def counting(table: str):  # type: ignore[no-untyped-def]  # Store.documents, counted
        if table == "sessions":
            reads.append(table)
        return documents(table)

    monkeypatch.setattr(store, "documents", counting)
    return reads


def test_asking_whether_the_room_view_is_on_reads_the_sessions_once_per_change(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.session_runner import SessionRunner

    group = add_group(store)
    reads = _sessions_read(store, monkeypatch)
    for _ in range(10):  # a screen opening asks about this often
        assert not room_view_on(store)
    assert len(reads) == 1
    runner = SessionRunner.start(store, group, dt.date(2026, 11, 24), [])
    runner.set_room_view(True)
    assert all(room_view_on(store) for _ in range(10))
    assert len(reads) == 2
    runner.end()
    assert not room_view_on(store)
    assert groups_in_session(store) == set()
    assert len(reads) == 3


ROOM_STEPS = st.lists(
    st.sampled_from(["start", "room on", "room off", "end", "other change", "ask"]),
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=ROOM_STEPS)
def test_the_kept_answer_is_always_what_the_sessions_say(tmp_path: Path, steps: list[str]) -> None:
    """Whatever starts, ends or changes, the answer kept is the one read afresh."""
    from uuid import uuid4

    from voicesgroup.session_runner import SessionRunner

    path = tmp_path / f"{uuid4()}.json"
    with Store.open(path, seed=False) as store:
        groups = [add_group(store, name) for name in ("Tuesday Voices", "Thursday Beliefs")]
        runners: list[SessionRunner] = []
        for number, step in enumerate(steps):
            group = groups[number % 2]
            if step == "start":
                runners.append(SessionRunner.start(store, group, dt.date(2026, 11, 24), []))
            elif step in ("room on", "room off") and runners:
                runners[-1].set_room_view(step == "room on")
            elif step == "end" and runners:
                runners.pop(0).end()
            elif step == "other change":
                store.save_group(group.with_changes(venue=f"Room {number}"))
            fresh = [
                session
                for session in store.sessions()
                if session.status is SessionStatus.IN_PROGRESS
            ]
            assert room_view_on(store) == any(session.room_view for session in fresh)
            assert groups_in_session(store) == {str(session.group_id) for session in fresh}


def test_a_session_held_today_is_not_the_next_meeting(store: Store) -> None:
    group = add_group(store)
    today = dt.date(2026, 11, 24)  # a Tuesday
    store.save_session(Session(group_id=group.id, date=today, status=SessionStatus.ENDED))
    [row] = home_rows(store, today)
    assert (row.next_meeting, row.next_step) == ("Tue 1 Dec, 18:30", "Met today")


def test_the_coordinator_sees_the_pair_for_the_meeting_to_come(store: Store) -> None:
    """Tonight's session came in as held: the row names next week's meeting and its pair,
    short enough for the column (under "On the rota")."""
    group = add_group(store)
    people = [Facilitator(display_name=name) for name in ("Tomasz", "Sol", "Priya", "Marcia")]
    for person in people:
        store.save_facilitator(person)
    today = dt.date(2026, 12, 8)  # a Tuesday
    store.save_rota(
        [
            RotaAssignment(group_id=group.id, date=day, lead_id=lead.id, co_id=co.id)
            for day, lead, co in (
                (today, people[0], people[1]),
                (today + dt.timedelta(days=7), people[2], people[3]),
            )
        ]
    )
    [before] = rota_rows(store, today)
    assert (before.next_meeting, before.next_step) == ("Tue 8 Dec, 18:30", "Tomasz & Sol")
    store.save_session(Session(group_id=group.id, date=today, status=SessionStatus.ENDED))
    [after] = rota_rows(store, today)
    assert (after.next_meeting, after.next_step) == ("Tue 15 Dec, 18:30", "Priya & Marcia")
