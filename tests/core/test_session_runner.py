"""The session runner: phases and timers, rounds, attendance under the consent rule, capture."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from voicesgroup.errors import ConsentMissing
from voicesgroup.mentions import names_mentioned
from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    Facilitator,
    Group,
    MeetingPattern,
    Member,
    RotaAssignment,
    RotaStatus,
    RoundMark,
    SessionStatus,
    Variant,
)
from voicesgroup.session_runner import (
    SessionRunner,
    StrategyDraft,
    history_rows,
    known_members,
    members_by_name_allowed,
    phase_clock,
    planned_facilitators,
    present_people,
    session_in_progress,
)
from voicesgroup.shipped import default_agreement, shipped_template
from voicesgroup.store import Store

DAY = dt.date(2026, 11, 26)
START = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: dt.datetime = START) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data.json", seed=False) as opened:
        yield opened


def _consent(store: Store, member: Member, scope: ConsentScope) -> None:
    store.give_consent(
        ConsentEvent(
            member_id=member.id,
            scope=scope,
            action=ConsentAction.GIVEN,
            on=dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC),  # before every session here
            method=ConsentMethod.SAID_IN_ROOM,
            wording_version="1",
            recorded_by="Rosa",
        )
    )


@pytest.fixture
def group(store: Store) -> Group:
    group = Group(
        name="Thursday Beliefs",
        variant=Variant.PARANOIA_BELIEFS,
        pattern=MeetingPattern(weekday=3),
        agreements=[default_agreement(Variant.PARANOIA_BELIEFS, DAY)],
    )
    store.save_group(group)
    return group


@pytest.fixture
def people(store: Store) -> dict[str, Member]:
    found = {}
    for name, scopes in [
        ("Aisha", [ConsentScope.ATTENDANCE_BY_NAME, ConsentScope.STRATEGY_ATTRIBUTION]),
        ("Ben", [ConsentScope.ATTENDANCE_BY_NAME]),
        ("Carys", []),
    ]:
        member = Member(display_name=name)
        store.save_member(member)
        for scope in scopes:
            _consent(store, member, scope)
        found[name] = member
    return found


def _start(store: Store, group: Group, clock: Clock) -> SessionRunner:
    rosa, tomasz = Facilitator(display_name="Rosa"), Facilitator(display_name="Tomasz")
    store.save_facilitator(rosa)
    store.save_facilitator(tomasz)
    return SessionRunner.start(store, group, DAY, [rosa.id, tomasz.id], clock)


def test_start_saves_a_session_at_the_first_phase_with_the_template_version(store, group) -> None:
    runner = _start(store, group, Clock())
    stored = store.session(runner.session.id)
    assert stored == runner.session
    assert stored.current_phase == 0 and stored.phase_started_at == START
    assert stored.template_key == "paranoia_beliefs" and stored.template_version == 1
    assert len(stored.facilitator_ids) == 2
    assert session_in_progress(store, group.id) == stored


def test_phases_move_one_step_each_way_and_restart_the_phase_timer(store, group) -> None:
    clock = Clock()
    runner = _start(store, group, clock)
    clock.advance(3)
    runner.next_phase()
    assert runner.phase.key == "agreement" and runner.is_agreement
    assert runner.session.phase_started_at == clock.at
    runner.previous_phase()
    runner.previous_phase()  # already first: stays
    assert runner.phase_index == 0
    for _ in range(20):
        runner.next_phase()
    assert runner.phase_index == len(runner.template.phases) - 1


def test_the_clock_says_in_words_when_a_phase_runs_over(store, group) -> None:
    clock = Clock()
    runner = _start(store, group, clock)
    clock.advance(4)
    timing = runner.clock_now()
    assert timing.phase_words() == "This part 04:00 of 5 min"
    assert not timing.is_over and timing.over_words() == ""
    assert timing.session_words() == "86 min left of the session"
    clock.advance(3)
    timing = runner.clock_now()
    assert timing.is_over and "2 min over" in timing.over_words()
    clock.advance(100)
    assert (
        "past the planned end"
        in phase_clock(runner.session, runner.template, clock.at).session_words()
    )


def test_named_attendance_goes_through_the_consent_rule(store, group, people) -> None:
    runner = _start(store, group, Clock())
    runner.toggle_member(people["Aisha"].id)
    with pytest.raises(ConsentMissing):
        runner.toggle_member(people["Carys"].id)
    assert runner.session.named_member_ids == [people["Aisha"].id]
    assert store.session(runner.session.id).named_member_ids == [people["Aisha"].id]
    runner.toggle_member(people["Aisha"].id)
    assert runner.session.named_member_ids == []


def test_counts_stay_within_range(store, group) -> None:
    runner = _start(store, group, Clock())
    runner.change_anonymous(-1)
    runner.change_newcomers(2)
    runner.change_anonymous(3)
    assert (runner.session.anonymous_count, runner.session.newcomers) == (3, 2)
    assert runner.session.head_count == 5


def test_people_present_are_named_then_numbered_then_newcomers(store, group, people) -> None:
    runner = _start(store, group, Clock())
    runner.toggle_member(people["Ben"].id)
    runner.toggle_member(people["Aisha"].id)
    runner.change_anonymous(2)
    runner.change_newcomers(1)
    labels = [person.label for person in runner.people()]
    assert labels == ["Ben", "Aisha", "Person 1", "Person 2", "Newcomer 1"]
    assert [p.label for p in present_people(runner.session, {})][2:] == labels[2:]


def test_a_round_marks_each_person_and_moves_on_with_one_step(store, group, people) -> None:
    runner = _start(store, group, Clock())
    runner.toggle_member(people["Aisha"].id)
    runner.change_anonymous(1)
    runner.change_newcomers(1)
    runner.go_to_phase(2)
    assert runner.is_round
    runner.mark_current(RoundMark.SPOKE)
    runner.next_person()  # Person 1 not yet
    runner.mark_current(RoundMark.PASSED)  # the newcomer passes: welcome to
    assert runner.round_summary() == "1 spoke · 1 passed · 1 not yet"
    assert runner.current_person().label == "Aisha"  # round the circle again
    stored = store.session(runner.session.id)
    assert stored.round_marks == {
        str(people["Aisha"].id): RoundMark.SPOKE,
        "newcomer-1": RoundMark.PASSED,
    }


def test_a_new_round_starts_fresh_but_going_back_keeps_the_marks(store, group) -> None:
    runner = _start(store, group, Clock())
    runner.change_anonymous(2)
    runner.go_to_phase(2)
    runner.mark_current(RoundMark.SPOKE)
    runner.previous_phase()
    runner.next_phase()
    assert runner.session.round_marks == {"person-1": RoundMark.SPOKE}
    check_out = next(i for i, p in enumerate(runner.template.phases) if p.key == "check_out")
    runner.go_to_phase(check_out)
    assert runner.session.round_marks == {} and runner.session.round_position == 0


def test_leaving_the_room_takes_the_mark_with_them(store, group, people) -> None:
    runner = _start(store, group, Clock())
    runner.toggle_member(people["Aisha"].id)
    runner.change_anonymous(2)
    runner.go_to_phase(2)
    runner.mark_current(RoundMark.SPOKE)
    runner.next_person()
    runner.mark_current(RoundMark.SPOKE)
    runner.toggle_member(people["Aisha"].id)
    runner.change_anonymous(-2)
    assert runner.session.round_marks == {}
    assert runner.session.round_position == 0


def test_names_are_found_as_whole_words_in_any_case() -> None:
    names = ["Kit", "Ben", "Mary Ann"]
    assert names_mentioned("a first-aid kit and BEN's bus", names) == ["Kit", "Ben"]
    assert names_mentioned("Benches and kitchens", names) == []
    assert names_mentioned("talking with mary ann", names) == ["Mary Ann"]


def test_themes_and_follow_ups_are_kept_and_names_are_spotted(store, group, people) -> None:
    runner = _start(store, group, Clock())
    assert runner.names_in("Carys and the neighbours") == ["Carys"]
    runner.add_theme("  Feeling   watched in public ")
    runner.add_follow_up("Ask about the room booking")
    with pytest.raises(ValueError):
        runner.add_theme("   ")
    stored = store.session(runner.session.id)
    assert stored.themes == ["Feeling watched in public"]
    assert stored.follow_ups == ["Ask about the room booking"]


def test_a_shared_strategy_is_anonymous_unless_consented(store, group, people) -> None:
    runner = _start(store, group, Clock())
    runner.toggle_member(people["Aisha"].id)
    runner.toggle_member(people["Ben"].id)
    assert [m.display_name for m in runner.attribution_choices()] == ["Aisha"]
    anonymous = runner.share_strategy(StrategyDraft("A walk round the block"))
    named = runner.share_strategy(StrategyDraft("Humming", attributed_member_id=people["Aisha"].id))
    with pytest.raises(ConsentMissing):
        runner.share_strategy(StrategyDraft("Not allowed", attributed_member_id=people["Ben"].id))
    assert store.strategy(anonymous.id).attributed_member_id is None
    assert store.strategy(named.id).attributed_member_id == people["Aisha"].id
    assert store.strategy(named.id).shared_in_group_id == group.id
    assert [s.title for s in runner.strategies()] == ["A walk round the block", "Humming"]
    assert store.session(runner.session.id).strategy_ids == [anonymous.id, named.id]
    assert all(s.title != "Not allowed" for s in store.strategies())


def test_end_and_debrief_record_who_actually_facilitated(store, group) -> None:
    clock = Clock()
    runner = _start(store, group, clock)
    sol = Facilitator(display_name="Sol")
    store.save_facilitator(sol)
    clock.advance(90)
    runner.end()
    runner.write_debrief({"connection": " Warm today ", "worldview": "  "}, [sol.id, sol.id])
    stored = store.session(runner.session.id)
    assert stored.status is SessionStatus.ENDED and stored.ended_at == clock.at
    assert stored.debrief.answers == {"connection": "Warm today"}
    assert stored.facilitator_ids == [sol.id]
    assert session_in_progress(store, group.id) is None


def test_resume_picks_up_exactly_where_it_was(store, group, people) -> None:
    clock = Clock()
    runner = _start(store, group, clock)
    runner.toggle_member(people["Ben"].id)
    runner.change_anonymous(1)
    runner.go_to_phase(2)
    runner.mark_current(RoundMark.PASSED)
    resumed = SessionRunner.resume(store, runner.session.id, clock)
    assert resumed.session == runner.session
    assert resumed.current_person().label == "Person 1"


def test_facilitators_come_from_the_published_rota_only(store, group) -> None:
    lead, co = Facilitator(display_name="Rosa"), Facilitator(display_name="Niall")
    store.save_rota(
        [
            RotaAssignment(group_id=group.id, date=DAY, lead_id=lead.id, co_id=co.id),
        ]
    )
    assert planned_facilitators(store, group.id, DAY) == []
    assignment = store.rota(group.id)[0]
    store.save_rota([assignment.with_changes(status=RotaStatus.PUBLISHED)])
    assert planned_facilitators(store, group.id, DAY) == [lead.id, co.id]
    assert planned_facilitators(store, group.id, DAY + dt.timedelta(days=7)) == []


def test_history_lists_date_facilitators_head_count_and_themes(store, group) -> None:
    runner = _start(store, group, Clock())
    runner.change_anonymous(4)
    runner.add_theme("Trust")
    [row] = history_rows(store, group.id)
    assert (row.date, row.facilitators, row.head_count, row.themes) == (
        DAY,
        "Rosa & Tomasz",
        4,
        "Trust",
    )
    assert row.in_progress


def test_a_session_follows_the_groups_own_template(store, group) -> None:
    shipped = shipped_template(group.variant)
    own = shipped.model_copy(update={"key": "own", "version": 3, "phases": shipped.phases[:2]})
    store.save_group(group.with_changes(template=own))
    runner = _start(store, store.group(group.id), Clock())
    assert (runner.session.template_key, runner.session.template_version) == ("own", 3)
    runner.next_phase()
    runner.next_phase()
    assert runner.phase_index == 1


def test_known_members_are_the_groups_own_who_agreed(store, group, people) -> None:
    earlier = SessionRunner.start(store, group, DAY - dt.timedelta(days=400), [], Clock())
    earlier.toggle_member(people["Ben"].id)  # over a year ago: no longer on the short list
    recent = SessionRunner.start(store, group, DAY - dt.timedelta(days=14), [], Clock())
    recent.toggle_member(people["Aisha"].id)
    runner = _start(store, group, Clock())
    allowed = members_by_name_allowed(store)
    assert [m.display_name for m in allowed] == ["Aisha", "Ben"]
    assert [m.display_name for m in known_members(store, runner.session, allowed)] == ["Aisha"]
    runner.toggle_member(people["Ben"].id)
    assert [m.display_name for m in known_members(store, runner.session, allowed)] == [
        "Aisha",
        "Ben",
    ]
