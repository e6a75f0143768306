"""Named attendance only where consent to it was current on the session's date: the core
refuses anything else, `check` finds it in a file, and the demo obeys it."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.records import add_group, event
from voicesgroup import consent
from voicesgroup.errors import ConsentMissing
from voicesgroup.models import ConsentAction, ConsentScope, Member, Session
from voicesgroup.store import Store

NAMED = ConsentScope.ATTENDANCE_BY_NAME


def _member_saying_yes_on(store: Store, day: dt.date, name: str = "Aisha") -> Member:
    member = Member(display_name=name, joined_on=day - dt.timedelta(days=30))
    store.save_member(member)
    store.give_consent(
        event(member, NAMED, on=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))
    )
    return member


def test_a_session_before_the_yes_cannot_name_the_member(store: Store) -> None:
    group = add_group(store)
    yes_day = dt.date(2025, 3, 11)
    aisha = _member_saying_yes_on(store, yes_day)
    before = Session(
        group_id=group.id, date=yes_day - dt.timedelta(days=7), named_member_ids=[aisha.id]
    )
    with pytest.raises(ConsentMissing, match=r"had not yet agreed .* on 2025-03-04"):
        store.save_session(before)
    assert store.sessions() == []
    for day in (yes_day, yes_day + dt.timedelta(days=7)):
        store.save_session(Session(group_id=group.id, date=day, named_member_ids=[aisha.id]))
    assert len(store.sessions()) == 2


def test_a_yes_after_a_stop_does_not_reach_back_over_the_gap() -> None:
    aisha = Member(display_name="Aisha")

    def on(day: int, action: ConsentAction):
        return event(aisha, NAMED, action, on=dt.datetime(2025, 3, day, 12, tzinfo=dt.UTC))

    events = [
        on(1, ConsentAction.GIVEN),
        on(10, ConsentAction.WITHDRAWN),
        on(20, ConsentAction.GIVEN),
    ]
    assert consent.has_consent_on(events, aisha.id, NAMED, dt.date(2025, 3, 5))
    assert not consent.has_consent_on(events, aisha.id, NAMED, dt.date(2025, 3, 15))
    assert consent.has_consent_on(events, aisha.id, NAMED, dt.date(2025, 3, 20))
    assert not consent.has_consent_on(events, aisha.id, NAMED, dt.date(2025, 2, 28))


def test_check_finds_a_session_naming_a_member_before_they_said_yes(tmp_path) -> None:
    path = tmp_path / "d.json"
    with Store.open(path, seed=False) as store:
        group = add_group(store)
        aisha = _member_saying_yes_on(store, dt.date(2025, 3, 11))
        store.save_session(
            Session(group_id=group.id, date=dt.date(2025, 3, 11), named_member_ids=[aisha.id])
        )
    data = orjson.loads(path.read_bytes())
    (session,) = data["sessions"].values()
    session["date"] = "2025-02-01"  # written by something that did not go through the store
    path.write_bytes(orjson.dumps(data))
    with Store.open(path, readonly=True) as store:
        problems = store.problems()
    assert problems == ["session of 2025-02-01 names a member who had not yet agreed on that date"]


def test_the_demo_names_nobody_before_they_joined_or_said_yes(demo_store: Store) -> None:
    members = {member.id: member for member in demo_store.members()}
    named = 0
    for session in demo_store.sessions():
        for member_id in session.named_member_ids:
            member = members[member_id]
            assert member.joined_on <= session.date, (member.display_name, session.date)
            assert consent.has_consent_on(
                demo_store.consent_events(member_id), member_id, NAMED, session.date
            )
            named += 1
    assert named > 10  # the demo still shows named attendance
    assert demo_store.problems() == []
    assert DEMO_TODAY


@pytest.fixture
def in_auckland(monkeypatch: pytest.MonkeyPatch):
    """The laptop's clock set to New Zealand, thirteen hours ahead of UTC in winter."""
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_review_date_counts_from_the_laptops_own_day(in_auckland: None) -> None:
    """A yes given at 10:00 on 1 July in the room (21:00 UTC the day before) is reviewed from
    1 July, as "said yes on" counts it: one day, whichever rule asks."""
    aisha = Member(display_name="Aisha")
    given = event(aisha, NAMED, on=dt.datetime(2026, 6, 30, 22, tzinfo=dt.UTC))
    given = given.model_copy(update={"review_after_months": 1})
    assert consent.review_due([given], aisha.id, dt.date(2026, 7, 31)) == []
    assert consent.review_due([given], aisha.id, dt.date(2026, 8, 1)) == [given]
    assert consent.has_consent_on([given], aisha.id, NAMED, dt.date(2026, 7, 1))
    assert not consent.has_consent_on([given], aisha.id, NAMED, dt.date(2026, 6, 30))
