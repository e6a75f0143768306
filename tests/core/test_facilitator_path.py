"""The facilitators' path: counted from sessions run, sign-off unlocks leading, supervision and
follow-ups, and the rota planner reading it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup import facilitator_path as fp
from voicesgroup.course import CourseFileError
from voicesgroup.facilitator_counts import due_items
from voicesgroup.home import due_items as home_due_items
from voicesgroup.models import (
    Debrief,
    Facilitator,
    FollowUpState,
    Group,
    MeetingPattern,
    Member,
    PathStage,
    Session,
    SessionStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota.service import GenerateRequest, generate_rota
from voicesgroup.store import Store

TODAY = dt.date(2026, 12, 1)
BEGAN = dt.date(2026, 9, 1)
E, TR, T = TrainingStatus.EXPERIENCED, TrainingStatus.TRAINED, TrainingStatus.IN_TRAINING


def person(store: Store, name: str, training=E, **extra) -> Facilitator:
    found = Facilitator(display_name=name, training=training, **extra)
    store.save_facilitator(found)
    return found


def group(store: Store, name: str, variant=Variant.HEARING_VOICES, weekday: int = 1) -> Group:
    found = Group(name=name, variant=variant, pattern=MeetingPattern(weekday=weekday))
    store.save_group(found)
    return found


def run(
    store: Store,
    where: Group,
    day: dt.date,
    *people: Facilitator,
    ended: bool = True,
    **extra,
) -> Session:
    session = Session(
        group_id=where.id,
        date=day,
        status=SessionStatus.ENDED if ended else SessionStatus.IN_PROGRESS,
        facilitator_ids=[p.id for p in people],
        **extra,
    )
    store.save_session(session)
    return session


def shadowing(store: Store, name: str = "Sol") -> Facilitator:
    sol = person(store, name, TR)
    fp.begin(store, sol, PathStage.SHADOWING, BEGAN, by="Rosa", reason="did the course in 2025")
    return store.facilitator(sol.id)


# -- the path --------------------------------------------------------------------------------


def test_the_course_modules_are_data_and_an_organisation_may_have_its_own(tmp_path: Path) -> None:
    shipped = fp.training_modules()
    assert len(shipped) >= 8 and all(module.title for module in shipped)
    own = tmp_path / "voicesgroup.json"
    (tmp_path / fp.MODULES_FILE).write_text('[[module]]\nkey = "one"\ntitle = "Our own day"\n')
    assert [m.title for m in fp.training_modules(own)] == ["Our own day"]
    (tmp_path / fp.MODULES_FILE).write_text("[[module]\n")
    with pytest.raises(CourseFileError, match="is not valid TOML"):
        fp.training_modules(own)


def test_a_new_facilitator_walks_the_path_and_training_status_follows(store: Store) -> None:
    ola = person(store, "Ola", TR)
    fp.begin(store, ola, PathStage.INTERESTED, BEGAN)
    assert store.facilitator(ola.id).training is T  # not signed off: never leads
    fp.start_training(store, ola, BEGAN)
    for module in fp.training_modules():
        fp.attend_module(store, ola, module.key, BEGAN + dt.timedelta(days=7))
    view = fp.path_view(store, ola, TODAY)
    assert view.stage is PathStage.IN_TRAINING
    assert all(on == BEGAN + dt.timedelta(days=7) for _, on in view.modules)
    fp.start_shadowing(store, ola, BEGAN + dt.timedelta(days=60))  # no reason: course done
    assert fp.path_view(store, ola, TODAY).stage is PathStage.SHADOWING
    assert store.facilitator(ola.id).training is T


def test_skipping_a_step_needs_a_reason_and_keeps_it(store: Store) -> None:
    ola = person(store, "Ola", TR)
    fp.begin(store, ola, PathStage.INTERESTED, BEGAN)
    with pytest.raises(fp.PathError, match="needs a reason and who decided"):
        fp.start_shadowing(store, ola, BEGAN)
    fp.start_shadowing(store, ola, BEGAN, by="Rosa", reason="trained with another group")
    record = fp.path_record(store, ola.id)
    assert record is not None and record.skipped[0].reason == "trained with another group"
    assert record.skipped[0].stage is PathStage.IN_TRAINING and record.skipped[0].by == "Rosa"
    with pytest.raises(fp.PathError, match="no course module"):
        fp.attend_module(store, ola, "juggling", BEGAN)


def test_shadowed_sessions_are_counted_from_sessions_run_never_typed(store: Store) -> None:
    rosa, tom = person(store, "Rosa"), person(store, "Tom")
    voices = group(store, "Voices")
    beliefs = group(store, "Beliefs", Variant.PARANOIA_BELIEFS, 3)
    sol = shadowing(store)
    run(store, voices, BEGAN - dt.timedelta(days=7), rosa, sol)  # before shadowing began
    run(store, voices, BEGAN + dt.timedelta(days=7), rosa, sol)
    run(store, voices, BEGAN + dt.timedelta(days=14), tom, sol)
    run(store, beliefs, BEGAN + dt.timedelta(days=16), tom, sol)
    run(store, voices, BEGAN + dt.timedelta(days=21), rosa, tom)  # Sol not recorded
    run(store, voices, BEGAN + dt.timedelta(days=28), rosa, sol, ended=False)  # still running
    view = fp.path_view(store, sol, TODAY)
    assert view.shadowed.sessions == 3
    assert view.shadowed.by_kind == {Variant.HEARING_VOICES: 2, Variant.PARANOIA_BELIEFS: 1}
    assert dict(view.shadowed_beside) == {"Rosa": 1, "Tom": 2}
    assert view.shadowing_words().startswith("3 of 6")
    assert "3 more shadowed sessions" in view.missing
    assert not view.sign_off_due


def test_sign_off_is_due_at_the_setting_with_one_of_each_kind(store: Store) -> None:
    rosa = person(store, "Rosa")
    voices = group(store, "Voices")
    beliefs = group(store, "Beliefs", Variant.PARANOIA_BELIEFS, 3)
    sol = shadowing(store)
    for week in range(6):
        run(store, voices, BEGAN + dt.timedelta(weeks=week + 1), rosa, sol)
    view = fp.path_view(store, sol, TODAY)
    assert view.missing == ("one paranoia & beliefs group",)
    assert not any("Sol: sign-off" in item for item in due_items(store, TODAY))
    fp.set_kinds(store, sol, [Variant.HEARING_VOICES])  # they will lead voices groups only
    assert fp.path_view(store, sol, TODAY).sign_off_due
    assert "Sol: sign-off to lead is due (f, then p)" in home_due_items(store, TODAY)
    fp.set_kinds(store, sol, [])
    run(store, beliefs, BEGAN + dt.timedelta(days=3), rosa, sol)
    assert fp.path_view(store, sol, TODAY).sign_off_due
    fp.set_supervision_settings(store, shadowing=8)
    assert fp.path_view(store, sol, TODAY).missing == ("1 more shadowed session",)
    with pytest.raises(fp.PathError, match="from 1 to 100"):
        fp.set_supervision_settings(store, shadowing=0)


def test_sign_off_unlocks_leading_in_the_planner(store: Store) -> None:
    rosa, tom = person(store, "Rosa"), person(store, "Tom")
    voices = group(store, "Voices")
    sol = shadowing(store)
    for week in range(6):
        run(store, voices, BEGAN + dt.timedelta(weeks=week + 1), rosa, sol)
    request = GenerateRequest(group_id=None, start=TODAY, weeks=12)
    generate_rota(store, request)
    assert all(item.lead_id != sol.id for item in store.rota())
    fp.sign_off(store, store.facilitator(sol.id), "Rosa", TODAY)
    assert store.facilitator(sol.id).training is TR
    record = fp.path_record(store, sol.id)
    assert record is not None and (record.signed_off_by, record.signed_off_on) == ("Rosa", TODAY)
    store.save_facilitator(store.facilitator(tom.id).with_changes(active=False))
    generate_rota(store, request)
    assert any(item.lead_id == sol.id for item in store.rota()), "signed off, yet never leads"
    assert store.audit_log()[-1].action == "facilitator signed off"
    with pytest.raises(fp.PathError, match="Already signed off: "):
        fp.sign_off(store, store.facilitator(sol.id), "Rosa", TODAY)


def test_nobody_is_on_the_rota_before_they_begin_shadowing(store: Store) -> None:
    rosa, tom = person(store, "Rosa"), person(store, "Tom")
    voices = group(store, "Voices")
    ivy = person(store, "Ivy", T)
    fp.begin(store, ivy, PathStage.INTERESTED, BEGAN)
    request = GenerateRequest(group_id=None, start=TODAY, weeks=8)
    generate_rota(store, request)
    on_rota = {p for item in store.rota() for p in (item.lead_id, item.co_id)}
    assert ivy.id not in on_rota and {rosa.id, tom.id} <= on_rota
    fp.start_training(store, store.facilitator(ivy.id), BEGAN)
    generate_rota(store, request)
    assert ivy.id not in {p for item in store.rota() for p in (item.lead_id, item.co_id)}
    assert fp.not_yet_on_the_rota(store) == {ivy.id}
    fp.start_shadowing(store, store.facilitator(ivy.id), TODAY, by="Rosa", reason="course done")
    assert fp.not_yet_on_the_rota(store) == set()
    generate_rota(store, request)
    rota = store.rota()
    assert any(ivy.id == item.co_id for item in rota), "shadowing, yet never on the rota"
    assert all(item.lead_id != ivy.id for item in rota)
    assert voices.id in {item.group_id for item in rota}


def test_early_sign_off_needs_a_reason_and_nobody_signs_off_unnamed(store: Store) -> None:
    sol = shadowing(store)
    with pytest.raises(fp.PathError, match="Say who"):
        fp.sign_off(store, sol, "  ", TODAY)
    with pytest.raises(fp.PathError, match="needs a reason and who decided"):
        fp.sign_off(store, sol, "Rosa", TODAY)
    fp.sign_off(store, sol, "Rosa", TODAY, reason="led groups for years elsewhere")
    record = fp.path_record(store, sol.id)
    assert record is not None and record.skipped[-1].stage is PathStage.SHADOWING
    interested = person(store, "Ivy", TR)
    fp.begin(store, interested, PathStage.INTERESTED, TODAY)
    with pytest.raises(fp.PathError, match="Shadowing comes before sign-off"):
        fp.sign_off(store, store.facilitator(interested.id), "Rosa", TODAY, reason="x")


def test_a_reason_kept_with_the_path_never_names_a_member(store: Store) -> None:
    """The path travels to every laptop, the coordinator's included: every reason it keeps
    (a sign-off before shadowing is done, shadowing before the course, starting mid-way) is
    refused, whole, when it names a member, and nothing is saved."""
    store.save_member(Member(display_name="Kitty"))
    sol = shadowing(store)
    before = fp.path_record(store, sol.id)
    with pytest.raises(fp.MemberNamed, match="Kitty") as refused:
        fp.sign_off(store, sol, "Rosa", TODAY, reason="co-led well with kitty's support")
    assert refused.value.name == "Kitty"
    assert fp.path_record(store, sol.id) == before
    ivy = person(store, "Ivy", TR)
    with pytest.raises(fp.MemberNamed, match="Kitty"):
        fp.begin(store, ivy, PathStage.SHADOWING, TODAY, by="Rosa", reason="Kitty asked for her")
    assert fp.path_record(store, ivy.id) is None
    fp.begin(store, ivy, PathStage.INTERESTED, TODAY)
    with pytest.raises(fp.MemberNamed, match="Kitty"):
        fp.start_shadowing(store, store.facilitator(ivy.id), TODAY, by="Rosa", reason="K\u200ditty")
    record = fp.path_record(store, ivy.id)
    assert record is not None and record.stage is PathStage.INTERESTED


def test_experienced_is_for_the_signed_off_only(store: Store) -> None:
    sol = shadowing(store)
    with pytest.raises(fp.PathError, match="Sign-off comes first: "):
        fp.set_experienced(store, sol, True)
    niall = person(store, "Niall", TR)  # led before the path was kept
    assert fp.set_experienced(store, niall, True).training is E
    fp.set_experienced(store, store.facilitator(niall.id), False)
    assert store.facilitator(niall.id).training is TR


def test_someone_in_training_before_the_path_counts_every_session(store: Store) -> None:
    rosa = person(store, "Rosa")
    kit = person(store, "Kit", T)
    voices = group(store, "Voices")
    run(store, voices, dt.date(2024, 1, 2), rosa, kit)
    view = fp.path_view(store, kit, TODAY)
    assert view.stage is PathStage.SHADOWING and view.shadowed.sessions == 1
    fp.sign_off(store, kit, "Rosa", TODAY, reason="ready")
    assert store.facilitator(kit.id).training is TR


# -- the planner: someone shadowing never leads ----------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(list(PathStage)),
            st.booleans(),  # experienced, when signed off
            st.lists(st.integers(0, 6), max_size=3, unique=True),  # weekdays they can't do
        ),
        min_size=2,
        max_size=7,
    ),
    weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True),
    weeks=st.integers(1, 6),
)
def test_someone_not_signed_off_never_leads_over_random_rotas(
    tmp_path_factory: pytest.TempPathFactory, people, weekdays, weeks
) -> None:
    path = tmp_path_factory.mktemp("rota") / "voicesgroup.json"
    with Store.open(path, seed=False) as store:
        for number, weekday in enumerate(weekdays):
            group(store, f"Group {number}", list(Variant)[number % 3], weekday)
        not_signed_off = set()
        for number, (stage, experienced, off) in enumerate(people):
            someone = person(store, f"P{number}", TR, unavailable_weekdays=off)
            fp.begin(store, someone, stage, BEGAN, by="Rosa", reason="random start")
            if stage is PathStage.SIGNED_OFF:
                fp.set_experienced(store, store.facilitator(someone.id), experienced)
            else:
                not_signed_off.add(someone.id)
        try:
            generate_rota(store, GenerateRequest(group_id=None, start=TODAY, weeks=weeks))
        except Exception as error:  # the planner may refuse (say, nobody free at all)
            assert "Traceback" not in str(error)
            return
        by_id = {p.id: p for p in store.facilitators()}
        for item in store.rota():
            assert item.lead_id not in not_signed_off, "someone not signed off leads"
            if item.co_id in not_signed_off:
                assert item.lead_id is not None
                assert by_id[item.lead_id].training is E, "shadowing beside a lead not experienced"


# -- supervision -----------------------------------------------------------------------------


def test_supervision_topics_never_name_a_member(store: Store) -> None:
    rosa = person(store, "Rosa")
    store.save_member(Member(display_name="Zoë"))
    with pytest.raises(fp.MemberNamed, match="Zoë") as refused:
        fp.add_supervision(store, TODAY, [rosa], "Jo (supervisor)", ["How zoe is getting on"])
    assert refused.value.name == "Zoë"
    with pytest.raises(fp.MemberNamed, match="Zoë"):
        fp.add_supervision(store, TODAY, [rosa], "Jo", ["a word with Zo\u200dë"])
    assert fp.supervision_meetings(store) == []
    for hostile in (["a\x1b[31mred"], ["x" * 501], ["x" * 100_000]):
        with pytest.raises(fp.PathError):
            fp.add_supervision(store, TODAY, [rosa], "Jo", hostile)
    with pytest.raises(fp.PathError, match="who came"):
        fp.add_supervision(store, TODAY, [], "Jo", [])
    with pytest.raises(fp.PathError, match="who held"):
        fp.add_supervision(store, TODAY, [rosa], "  ", [])
    meeting = fp.add_supervision(
        store, TODAY, [rosa, rosa], "Jo", ["  Ending sessions on time  ", "", "[/] markup"]
    )
    assert meeting.topics == ["Ending sessions on time", "[/] markup"]
    assert meeting.facilitator_ids == [rosa.id]


def test_supervision_is_due_after_the_interval(store: Store) -> None:
    rosa, tom = person(store, "Rosa"), person(store, "Tom")
    person(store, "Resting", active=False)
    ivy = person(store, "Ivy", TR)
    fp.begin(store, ivy, PathStage.INTERESTED, TODAY)  # not yet facilitating: nothing due
    fp.add_supervision(store, TODAY - dt.timedelta(weeks=8), [rosa], "Jo", [])
    fp.add_supervision(store, TODAY - dt.timedelta(weeks=9), [tom], "Jo", [])
    assert "Supervision due for Tom (f, then s)" in due_items(store, TODAY)
    assert fp.path_view(store, tom, TODAY).supervision_due
    assert not fp.path_view(store, rosa, TODAY).supervision_due
    fp.set_supervision_settings(store, weeks=12)
    assert not any("Supervision" in item for item in due_items(store, TODAY))


# -- follow-ups and breaks -------------------------------------------------------------------


def test_follow_ups_from_the_session_and_debrief_have_owners_until_done(store: Store) -> None:
    rosa = person(store, "Rosa")
    voices = group(store, "Voices")
    first = run(
        store,
        voices,
        BEGAN,
        rosa,
        follow_ups=["Ask the library about the room"],
        debrief=Debrief(answers={"follow_up": "Order more diaries\n- Check the lift is fixed"}),
    )
    rows = fp.follow_up_list(store)
    assert [row.text for row in rows] == [
        "Ask the library about the room",
        "Order more diaries",
        "Check the lift is fixed",
    ]
    assert [row.from_debrief for row in rows] == [False, True, True]
    assert "Voices: 3 follow-ups still open (f, then u)" in due_items(store, TODAY)
    assert len(fp.open_before_session(store, voices.id, BEGAN + dt.timedelta(days=7))) == 3
    assert fp.open_before_session(store, voices.id, BEGAN) == []  # not its own session
    fp.set_owner(store, rows[0], rosa)
    fp.mark_done(store, rows[1], TODAY)
    rows = fp.follow_up_list(store, open_only=True)
    assert [row.text for row in rows] == [
        "Ask the library about the room",
        "Check the lift is fixed",
    ]
    assert rows[0].owner_id == str(rosa.id)
    assert fp.path_view(store, rosa, TODAY).open_follow_ups == 1
    fp.mark_done(store, rows[0], TODAY)
    fp.mark_done(store, rows[1], TODAY)
    assert not any("follow-up" in item for item in due_items(store, TODAY))
    assert first.id  # the words stay in the session


def test_an_owner_stays_with_their_follow_up_when_another_is_taken_back(store: Store) -> None:
    from voicesgroup.session_runner import SessionRunner

    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    voices = group(store, "Voices")
    session = run(
        store,
        voices,
        BEGAN,
        rosa,
        ended=False,
        follow_ups=["Book the room", "Ask about the lift", "Order diaries"],
    )
    runner = SessionRunner(store, session)
    rows = {row.text: row for row in fp.follow_up_list(store)}
    fp.set_owner(store, rows["Ask about the lift"], rosa)
    fp.set_owner(store, rows["Order diaries"], tomasz)
    fp.mark_done(store, rows["Order diaries"], TODAY)

    def owners() -> dict[str, tuple[str | None, dt.date | None]]:
        return {row.text: (row.owner_id, row.done_on) for row in fp.follow_up_list(store)}

    runner.change_follow_up(0, None)  # "Book the room" taken back
    assert owners() == {
        "Ask about the lift": (str(rosa.id), None),
        "Order diaries": (str(tomasz.id), TODAY),
    }
    runner.change_follow_up(0, "Ask the council about the lift")  # reworded: still Rosa's
    assert owners()["Ask the council about the lift"] == (str(rosa.id), None)
    runner.change_follow_up(0, None)  # Rosa's taken back: hers goes with it
    assert owners() == {"Order diaries": (str(tomasz.id), TODAY)}
    assert len(store.records(FollowUpState, session_id=session.id)) == 1
    runner.add_follow_up("Find a new venue")
    assert owners()["Find a new venue"] == (None, None), "a new one starts with nobody"


def test_debrief_owners_follow_their_lines_when_the_debrief_is_rewritten(store: Store) -> None:
    from voicesgroup.session_runner import SessionRunner

    rosa = person(store, "Rosa")
    voices = group(store, "Voices")
    session = run(store, voices, BEGAN, rosa)
    runner = SessionRunner(store, session)
    runner.write_debrief({"follow_up": "Order diaries\n- Check the lift"})
    rows = {row.text: row for row in fp.follow_up_list(store)}
    fp.set_owner(store, rows["Check the lift"], rosa)
    runner.write_debrief({"follow_up": "Check the lift\nPhone the venue"})
    owners = {row.text: row.owner_id for row in fp.follow_up_list(store)}
    assert owners == {"Check the lift": str(rosa.id), "Phone the venue": None}


def test_a_break_is_dates_off_with_no_reason(store: Store) -> None:
    rosa = person(store, "Rosa")
    changed = fp.take_break(store, rosa, TODAY, TODAY + dt.timedelta(days=13))
    assert not changed.available_on(TODAY + dt.timedelta(days=5))
    view = fp.path_view(store, rosa, TODAY)
    assert [(span.start, span.end) for span in view.breaks] == [
        (TODAY, TODAY + dt.timedelta(days=13))
    ]
    with pytest.raises(fp.PathError, match="ends on or after"):
        fp.take_break(store, rosa, TODAY, TODAY - dt.timedelta(days=1))


# -- the team picture ------------------------------------------------------------------------


def test_the_team_picture_says_where_the_team_is_thin(store: Store) -> None:
    person(store, "Rosa")
    person(store, "Tom")
    person(store, "Niall", TR)
    group(store, "Voices")
    group(store, "Beliefs", Variant.PARANOIA_BELIEFS, 3)
    sol = shadowing(store)
    fp.set_kinds(store, store.facilitator(person(store, "Priya", TR).id), [Variant.HEARING_VOICES])
    picture = fp.team_picture(store, TODAY)
    covers = {cover.variant: cover for cover in picture.kinds}
    assert len(covers[Variant.HEARING_VOICES].can_lead) == 4
    assert covers[Variant.PARANOIA_BELIEFS].can_lead == ("Niall", "Rosa", "Tom")
    assert covers[Variant.HEARING_VOICES].shadowing == (sol.display_name,)
    assert picture.thin_words() == []
    store.save_facilitator(
        store.facilitator(store.find_facilitator("Tom").id).with_changes(active=False)
    )
    picture = fp.team_picture(store, TODAY)
    assert picture.thin_words() == ["Only 2 people can lead the paranoia & beliefs groups."]
    assert "thin" in {c.variant: c for c in picture.kinds}[Variant.PARANOIA_BELIEFS].words()


def test_the_path_as_json_holds_no_member_and_dates_as_iso(store: Store) -> None:
    sol = shadowing(store)
    data = fp.path_view(store, sol, TODAY).as_json()
    assert data["stage"] == "shadowing" and data["shadowing_from"] == "2026-09-01"
    assert data["skipped"][0]["reason"] == "did the course in 2025"
    assert data["may_lead"] is False


def test_hostile_names_of_who_signs_or_holds_are_refused_cleanly(store: Store) -> None:
    rosa = person(store, "Rosa")
    sol = shadowing(store)
    with pytest.raises(fp.PathError, match="control characters"):
        fp.sign_off(store, sol, "Ro\x07sa", TODAY, reason="ready")
    with pytest.raises(fp.PathError, match="cannot be kept"):
        fp.add_supervision(store, TODAY, [rosa], "J\x1bo", [])
    with pytest.raises(fp.PathError, match="cannot be kept"):
        fp.add_supervision(store, TODAY, [rosa], "J" * 61, [])
    assert fp.supervision_meetings(store) == []
    assert store.facilitator(sol.id).training is T


def test_check_names_path_supervision_rota_and_follow_up_records_that_point_nowhere(
    store: Store,
) -> None:
    from uuid import uuid4

    from voicesgroup.models import FacilitatorPath, RotaAssignment, SupervisionMeeting

    rosa = person(store, "Rosa")
    voices = group(store, "Voices")
    session = run(store, voices, BEGAN, rosa, follow_ups=["Book the room"])
    fp.set_owner(store, fp.follow_up_list(store)[0], rosa)
    fp.begin(store, rosa, PathStage.SHADOWING, BEGAN, by="Rosa", reason="a test")
    store.save_record(SupervisionMeeting(on=BEGAN, facilitator_ids=[rosa.id], held_by="Kim"))
    store.save_rota([RotaAssignment(group_id=voices.id, date=BEGAN, lead_id=rosa.id)])
    assert store.problems() == []
    nobody = uuid4()
    store.save_record(FollowUpState(session_id=nobody, key="s0"))
    store.save_record(FollowUpState(session_id=session.id, key="s1", owner_id=nobody))
    store.save_record(SupervisionMeeting(on=BEGAN, facilitator_ids=[nobody], held_by="Kim"))
    store.save_rota([RotaAssignment(group_id=nobody, date=BEGAN, co_id=nobody)])
    store.save_record(FacilitatorPath(facilitator_id=nobody))
    problems = store.problems()
    assert "a follow-up's owner belongs to a session that is not stored" in problems
    assert "a follow-up is owned by a facilitator who is not stored" in problems
    assert f"supervision of {BEGAN} lists a facilitator who is not stored" in problems
    assert f"rota session of {BEGAN} belongs to a group that is not stored" in problems
    assert f"rota session of {BEGAN} lists a facilitator who is not stored" in problems
    assert "a facilitator's path belongs to a facilitator who is not stored" in problems


def test_someone_in_training_never_starts_a_session_alone_or_beside_another_trainee(
    store: Store,
) -> None:
    """The rota's rules hold in the room too: a trainee does not lead, and is not the only
    facilitator or beside someone not experienced (`may_start_with`, asked by the start)."""
    from voicesgroup.session_runner import SessionRunner

    where = group(store, "Tuesday Voices")
    sol, kit = shadowing(store), person(store, "Kit", T)
    rosa = person(store, "Rosa")
    for pair, sentence in (
        ([sol.id], "In training, so cannot lead: Sol"),
        ([rosa.id, sol.id], None),
        ([kit.id, sol.id], "In training, so cannot lead: Kit"),
    ):
        if sentence is None:
            assert SessionRunner.start(store, where, TODAY, pair).session.facilitator_ids == pair
            continue
        with pytest.raises(fp.PathError, match=sentence):
            SessionRunner.start(store, where, TODAY, pair)


@pytest.mark.parametrize("stage", [*PathStage, None], ids=lambda stage: str(stage))
@pytest.mark.parametrize("place", [0, 1], ids=["lead", "co"])
def test_a_session_starts_with_someone_only_once_they_begin_shadowing(
    store: Store, stage: PathStage | None, place: int
) -> None:
    """Every stage of the path, in either place, at the start and when the pair is changed:
    the rule the rota keeps (`rota.rules.on_the_rota_yet`), with its sentence."""
    from voicesgroup.rota.rules import is_trainee, on_the_rota_yet
    from voicesgroup.session_runner import SessionRunner

    where = group(store, "Tuesday Voices")
    rosa, ola = person(store, "Rosa"), person(store, "Ola", TR)
    if stage is not None:
        fp.begin(store, ola, stage, BEGAN, by="Rosa", reason="joined from another group")
    pair = [rosa.id, ola.id] if place else [ola.id, rosa.id]
    if on_the_rota_yet(stage) and place == 0 and is_trainee(store.facilitator(ola.id)):
        # On the rota, yet in training: they never lead, as the rota's own rule says.
        with pytest.raises(fp.PathError, match="In training, so cannot lead: Ola"):
            SessionRunner.start(store, where, TODAY, pair)
        assert store.sessions() == []
        return
    if on_the_rota_yet(stage):
        runner = SessionRunner.start(store, where, TODAY, pair)
        assert runner.session.facilitator_ids == pair
        return
    sentence = f"Not facilitating yet: Ola is {stage.label}"
    assert fp.not_facilitating_yet(store, [rosa, ola]).startswith(sentence)
    with pytest.raises(fp.PathError, match=sentence):
        SessionRunner.start(store, where, TODAY, pair)
    assert store.sessions() == []
    runner = SessionRunner.start(store, where, TODAY, [rosa.id])
    with pytest.raises(fp.PathError, match=sentence):
        runner.set_facilitators(pair)
    with pytest.raises(fp.PathError, match=sentence):
        runner.write_debrief({"connection": "We listened."}, pair)
    assert store.session(runner.session.id).facilitator_ids == [rosa.id]
    assert store.session(runner.session.id).debrief is None
