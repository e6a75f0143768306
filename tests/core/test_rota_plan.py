"""The stored rota: generating keeps what is published, publishing, changes checked against
the hard rules and kept as history, cover, review against what actually happened."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import pytest

from tests.helpers.demo_files import DEMO_TODAY
from voicesgroup.demo import write_demo_file
from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    RotaStatus,
    Session,
    SessionStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import RotaInputError
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.service import GenerateRequest, RotaChangeRefused
from voicesgroup.store import Store

TUESDAY = dt.date(2026, 12, 1)
EXPERIENCED = TrainingStatus.EXPERIENCED


def person(store: Store, name: str, training=EXPERIENCED, **extra) -> Facilitator:
    found = Facilitator(display_name=name, training=training, **extra)
    store.save_facilitator(found)
    return found


def group(store: Store, name: str, weekday: int = 1, **extra) -> Group:
    found = Group(
        name=name,
        variant=Variant.HEARING_VOICES,
        pattern=MeetingPattern(weekday=weekday),
        **extra,
    )
    store.save_group(found)
    return found


def placed(
    store: Store,
    where: Group,
    day: dt.date,
    lead: Facilitator | None,
    co: Facilitator | None,
    status: RotaStatus = RotaStatus.PUBLISHED,
) -> RotaAssignment:
    item = RotaAssignment(
        group_id=where.id,
        date=day,
        lead_id=lead.id if lead else None,
        co_id=co.id if co else None,
        status=status,
    )
    store.save_rota([item])
    return item


def people_on(store: Store, day: dt.date) -> list[UUID]:
    return [
        fid
        for item in store.rota()
        if item.date == day
        for fid in (item.lead_id, item.co_id)
        if fid
    ]


# -- generating ---------------------------------------------------------------------------------


def test_regenerating_replaces_drafts_and_keeps_what_is_published(demo_store: Store) -> None:
    start = dt.date(2025, 3, 11)
    rota_service.generate_rota(demo_store, GenerateRequest(None, start, 8))
    first_week = [a for a in demo_store.rota() if a.date < start + dt.timedelta(days=7)]
    assert rota_service.publish(demo_store, [a.id for a in first_week]) == len(first_week) > 0

    def fixed(a: RotaAssignment) -> tuple:
        return (a.group_id, a.date, a.lead_id, a.co_id, a.status, a.history)

    published = {a.id: fixed(a) for a in demo_store.rota() if a.status is RotaStatus.PUBLISHED}
    drafts_before = {a.id for a in demo_store.rota() if a.status is RotaStatus.DRAFT}

    outcome = rota_service.generate_rota(demo_store, GenerateRequest(None, start, 8))

    after = demo_store.rota()
    assert {a.id: fixed(a) for a in after if a.status is RotaStatus.PUBLISHED} == published
    assert not drafts_before & {a.id for a in after}, "old drafts are replaced"
    assert outcome.kept_published == len(published) and outcome.replaced == len(drafts_before)
    slots = [(a.group_id, a.date) for a in after]
    assert len(slots) == len(set(slots)), "one assignment per session"
    for day in {a.date for a in after}:
        on_day = people_on(demo_store, day)
        assert len(on_day) == len(set(on_day)), f"someone twice on {day}"
    assert all(a.reason for a in after)
    assert "Kept" in outcome.summary() and "Spread" in outcome.summary()


def test_a_published_session_keeps_its_people_busy_that_day(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    beliefs = group(store, "Tuesday Beliefs")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    person(store, "Marcia")
    person(store, "Priya")
    kept = placed(store, voices, TUESDAY, rosa, tomasz)

    rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 1))

    items = store.rota()
    assert len(items) == 2
    still = next(a for a in items if a.id == kept.id)
    assert (still.lead_id, still.co_id, still.status) == (kept.lead_id, kept.co_id, kept.status)
    beliefs_session = next(a for a in items if a.group_id == beliefs.id)
    assert {beliefs_session.lead_id, beliefs_session.co_id}.isdisjoint({rosa.id, tomasz.id})


def test_generating_one_group_leaves_the_others_alone(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    group(store, "Thursday Beliefs", weekday=3)
    for name in ("Rosa", "Tomasz", "Marcia"):
        person(store, name)
    rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 2))
    others = {a.id for a in store.rota() if a.group_id != voices.id}

    rota_service.generate_rota(store, GenerateRequest(voices.id, TUESDAY, 2))

    assert others <= {a.id for a in store.rota()}
    assert sum(a.group_id == voices.id for a in store.rota()) == 2


def test_a_session_nobody_can_take_is_open_with_the_reason(store: Store) -> None:
    group(store, "Tuesday Voices")
    person(store, "Rosa", unavailable_weekdays=[1])
    person(store, "Sol", training=TrainingStatus.IN_TRAINING)
    person(store, "Tomasz", dates_off=[DateRange(start=TUESDAY, end=TUESDAY)])
    person(store, "Marcia", training=TrainingStatus.TRAINED)

    outcome = rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 2))

    opened = next(a for a in outcome.open_sessions if a.date == TUESDAY)
    assert opened.is_open and opened.reason
    line = next(line for line in rota_service.rota_lines(store) if line.date == TUESDAY)
    assert line.status == "draft, open"


@pytest.mark.parametrize(
    ("weeks", "words"), [(0, "at least one week"), (-3, "at least one week"), (999, "at most")]
)
def test_impossible_weeks_are_refused(store: Store, weeks: int, words: str) -> None:
    group(store, "Tuesday Voices")
    person(store, "Rosa")
    with pytest.raises(RotaInputError, match=words):
        rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, weeks))


def test_no_facilitators_or_everyone_away_is_refused(store: Store) -> None:
    group(store, "Tuesday Voices")
    with pytest.raises(RotaInputError, match="no facilitators"):
        rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 4))
    person(store, "Rosa", unavailable_weekdays=[1])
    with pytest.raises(RotaInputError, match="away or unavailable"):
        rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 4))
    assert store.rota() == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "YYYY-MM-DD"),
        ("tomorrow", "YYYY-MM-DD"),
        ("01/12/2026", "YYYY-MM-DD"),
        ("2026-13-01", "not on the calendar: there is no month 13"),
    ],
)
def test_a_date_that_cannot_be_read_is_one_clear_sentence(text: str, said: str) -> None:
    with pytest.raises(RotaInputError, match=said):
        rota_service.parse_date(text)


def test_publishing_marks_drafts_and_notes_it(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    draft = placed(store, voices, TUESDAY, rosa, tomasz, RotaStatus.DRAFT)
    assert rota_service.publish(store, [draft.id]) == 1
    assert rota_service.publish(store, [draft.id]) == 0, "already published"
    (item,) = store.rota()
    assert item.status is RotaStatus.PUBLISHED
    assert [change.what for change in item.history] == ["Published."]


# -- changes ------------------------------------------------------------------------------------


def test_swapping_roles_is_kept_as_history(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    item = placed(store, voices, TUESDAY, rosa, tomasz)
    changed = rota_service.swap_roles(store, item.id)
    assert (changed.lead_id, changed.co_id) == (tomasz.id, rosa.id)
    assert changed.history[-1].what == "Roles swapped: Tomasz leads, Rosa co-facilitates."


def test_someone_in_training_is_never_made_to_lead(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa = person(store, "Rosa")
    sol = person(store, "Sol", training=TrainingStatus.IN_TRAINING)
    item = placed(store, voices, TUESDAY, rosa, sol)
    with pytest.raises(RotaChangeRefused, match="In training, so cannot lead: Sol"):
        rota_service.swap_roles(store, item.id)
    assert store.rota() == [item]


def test_swapping_between_sessions_refuses_someone_twice_a_day(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    beliefs = group(store, "Tuesday Beliefs")
    rosa, tomasz, marcia, priya, niall = (
        person(store, name) for name in ("Rosa", "Tomasz", "Marcia", "Priya", "Niall")
    )
    first = placed(store, voices, TUESDAY, rosa, tomasz)
    later = TUESDAY + dt.timedelta(days=7)
    second = placed(store, voices, later, marcia, priya)
    placed(store, beliefs, later, rosa, niall)

    with pytest.raises(
        RotaChangeRefused, match=r"Already on a session on Tue 8 Dec 2026 \(Tuesday Beliefs\): Rosa"
    ):
        rota_service.swap_people(store, first.id, rosa.id, second.id, marcia.id)

    one, two = rota_service.swap_people(store, first.id, tomasz.id, second.id, priya.id)
    assert (one.lead_id, one.co_id) == (rosa.id, priya.id)
    assert (two.lead_id, two.co_id) == (marcia.id, tomasz.id)
    assert "Tomasz swapped with Priya" in one.history[-1].what
    assert "Priya swapped with Tomasz" in two.history[-1].what


def test_a_swap_may_not_break_a_training_pair(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, niall = person(store, "Rosa"), person(store, "Niall", training=TrainingStatus.TRAINED)
    sol = person(store, "Sol", training=TrainingStatus.IN_TRAINING)
    tomasz = person(store, "Tomasz")
    first = placed(store, voices, TUESDAY, rosa, sol)
    second = placed(store, voices, TUESDAY + dt.timedelta(days=7), niall, tomasz)
    with pytest.raises(RotaChangeRefused, match="An experienced partner is needed beside"):
        rota_service.swap_people(store, first.id, rosa.id, second.id, niall.id)


def test_a_swap_respects_days_off_and_monthly_limits(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    thursday = group(store, "Thursday Beliefs", weekday=3)
    rosa, marcia, niall = (person(store, name) for name in ("Rosa", "Marcia", "Niall"))
    tomasz = person(store, "Tomasz", unavailable_weekdays=[3])
    priya = person(store, "Priya", max_per_month=1)
    november = placed(store, voices, TUESDAY - dt.timedelta(days=7), rosa, priya)
    december = placed(store, voices, TUESDAY, tomasz, priya)
    on_thursday = placed(store, thursday, TUESDAY + dt.timedelta(days=2), marcia, niall)
    with pytest.raises(RotaChangeRefused, match="Not available on Thursdays: Tomasz"):
        rota_service.swap_people(store, december.id, tomasz.id, on_thursday.id, marcia.id)
    with pytest.raises(
        RotaChangeRefused,
        match="A limit of 1 a month reached: Priya has 1 other session in December 2026",
    ):
        rota_service.swap_people(store, november.id, priya.id, on_thursday.id, niall.id)


def test_cover_is_ranked_and_applied_with_history(demo_store: Store) -> None:
    start = dt.date(2025, 3, 11)
    rota_service.generate_rota(demo_store, GenerateRequest(None, start, 6), publish=True)
    item = next(a for a in demo_store.rota() if a.date >= start)
    suggestions = rota_service.cover_suggestions(demo_store, item.id, item.lead_id)
    assert suggestions, "someone can cover"
    assert all(s.facilitator_id not in (item.lead_id, item.co_id) for s in suggestions)
    assert all(s.reason for s in suggestions)
    leaving = demo_store.facilitator(item.lead_id).display_name
    pick = suggestions[-1]

    changed = rota_service.apply_cover(demo_store, item.id, item.lead_id, pick)

    assert pick.facilitator_id in (changed.lead_id, changed.co_id)
    assert item.lead_id not in (changed.lead_id, changed.co_id)
    assert changed.history[-1].what.startswith(f"{leaving} can't make it; {pick.name} covers")
    assert changed.history[0].what == "Published."


def test_cover_beside_someone_in_training_leads(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, sol = person(store, "Rosa"), person(store, "Sol", training=TrainingStatus.IN_TRAINING)
    person(store, "Marcia")
    person(store, "Niall", training=TrainingStatus.TRAINED)
    item = placed(store, voices, TUESDAY, rosa, sol)
    (only,) = rota_service.cover_suggestions(store, item.id, rosa.id)
    assert only.name == "Marcia" and only.role == "lead"
    changed = rota_service.apply_cover(store, item.id, rosa.id, only)
    assert changed.lead_id == only.facilitator_id and changed.co_id == sol.id


def test_leaving_a_place_open_is_kept_as_history(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    item = placed(store, voices, TUESDAY, rosa, tomasz)
    changed = rota_service.leave_open(store, item.id, tomasz.id)
    assert changed.co_id is None and changed.is_open
    assert changed.history[-1].what == "Tomasz can't make it; the co-facilitator place is open."


def test_a_change_does_not_fail_for_a_rule_already_broken(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    item = placed(store, voices, TUESDAY, rosa, tomasz)
    store.save_facilitator(rosa.with_changes(unavailable_weekdays=[1]))  # away after publishing
    changed = rota_service.swap_roles(store, item.id)
    assert changed.lead_id == tomasz.id


# -- review -------------------------------------------------------------------------------------


def test_review_puts_planned_beside_actual(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz, marcia = (person(store, name) for name in ("Rosa", "Tomasz", "Marcia"))
    placed(store, voices, TUESDAY, rosa, tomasz)
    placed(store, voices, TUESDAY + dt.timedelta(days=7), marcia, None)
    store.save_session(
        Session(
            group_id=voices.id,
            date=TUESDAY,
            status=SessionStatus.ENDED,
            facilitator_ids=[rosa.id, marcia.id],
        )
    )
    store.save_session(
        Session(group_id=voices.id, date=TUESDAY + dt.timedelta(days=7), facilitator_ids=[rosa.id])
    )  # still in progress: not counted

    review = rota_service.review_rota(
        store, group_id=voices.id, start=None, end=None, today=TUESDAY + dt.timedelta(days=3)
    )

    loads = {load.name: load for load in review.loads}
    assert (loads["Rosa"].planned_leads, loads["Rosa"].actual) == (1, 1)
    assert (loads["Tomasz"].planned_co, loads["Tomasz"].actual) == (1, 0)
    assert loads["Marcia"].actual == 1 and loads["Marcia"].next_due == TUESDAY + dt.timedelta(7)
    assert any("no co-facilitator" in gap for gap in review.gaps)
    assert any("Tomasz planned but did not facilitate" in d for d in review.differences)
    with pytest.raises(RotaInputError, match="before it starts"):
        rota_service.review_rota(
            store, group_id=None, start=TUESDAY, end=TUESDAY - dt.timedelta(1), today=TUESDAY
        )


def test_availability_in_a_few_words() -> None:
    someone = Facilitator(
        display_name="Priya",
        unavailable_weekdays=[3, 0],
        max_per_month=3,
        dates_off=[
            DateRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2)),
            DateRange(start=dt.date(2026, 12, 20), end=dt.date(2027, 1, 3)),
        ],
    )
    assert rota_service.availability_words(someone, dt.date(2026, 11, 26)) == (
        "not Mon/Thu; 3 a month at most; away 20 Dec to 3 Jan"
    )
    assert rota_service.availability_words(Facilitator(display_name="Rosa"), TUESDAY) == "any day"


def test_calendar_file_holds_published_sessions_only(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    placed(store, voices, TUESDAY, rosa, tomasz, RotaStatus.DRAFT)
    with pytest.raises(RotaInputError, match="no published sessions"):
        rota_service.calendar_file(store)
    ics, count = rota_service.calendar_file(store, rosa.id, include_drafts=True)
    assert count == 1 and b"BEGIN:VEVENT" in ics


@pytest.fixture(scope="session")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The demo without its rota: these tests plan one from nothing."""
    path = tmp_path_factory.mktemp("demo-no-rota") / "demo.json"
    write_demo_file(path, today=DEMO_TODAY, with_rota=False)
    return path.read_bytes()


# -- reasons stay true as the rota changes ----------------------------------------------------


def test_after_cover_the_reason_explains_the_new_pair_and_later_reasons_follow(
    store: Store,
) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    marcia = person(store, "Marcia")
    rota_service.generate_rota(store, GenerateRequest(voices.id, TUESDAY, 3), publish=True)
    first = min(store.rota(), key=lambda a: a.date)
    leaving = first.lead_id
    names = {p.id: p.display_name for p in (rosa, tomasz, marcia)}
    cover = next(
        s for s in rota_service.cover_suggestions(store, first.id, leaving) if s.role == "lead"
    )

    changed = rota_service.apply_cover(store, first.id, leaving, cover)

    assert changed.reason.startswith(f"{cover.name} leads")
    assert names[leaving] not in changed.reason.split(".")[0]
    assert f"{names[changed.co_id]}" in changed.reason
    # Later sessions count sessions before them on the rota as it now stands.
    for item in store.rota():
        for fid in (item.lead_id, item.co_id):
            if fid is None:
                continue
            before = sum(
                1
                for other in store.rota()
                if other.date < item.date and fid in (other.lead_id, other.co_id)
            )
            assert f"{names[fid]} {before} session" in item.reason, item.reason


def test_after_a_place_is_left_open_the_reason_names_who_could_take_it(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    person(store, "Marcia", unavailable_weekdays=[1])
    person(store, "Ines")
    item = placed(store, voices, TUESDAY, rosa, tomasz)
    changed = rota_service.leave_open(store, item.id, tomasz.id)
    assert "Co-facilitator place open: Ines could take it." in changed.reason
    assert "Not available on Tuesdays: Marcia." in changed.reason
    # "Can't make it" is now Tomasz's day off, and the reason says so.
    assert "Away 1 Dec 2026: Tomasz." in changed.reason


def test_a_swap_of_roles_rewrites_the_reason(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    item = placed(store, voices, TUESDAY, rosa, tomasz)
    changed = rota_service.swap_roles(store, item.id)
    assert changed.reason.startswith("Tomasz leads")


def test_published_sessions_count_for_rotation_when_planning_around_them(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    cy, dara = person(store, "Cy"), person(store, "Dara")
    placed(store, voices, TUESDAY + dt.timedelta(days=7), cy, dara)
    outcome = rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 3))
    leads = {a.date: a.lead_id for a in store.rota()}
    assert outcome.kept_published == 1 and len(outcome.added) == 2
    assert leads[TUESDAY + dt.timedelta(days=14)] == dara.id, "Dara has not led; Cy led last"


def test_planning_weeks_already_published_names_them_and_the_first_open_date(
    store: Store,
) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    for week in range(2):
        placed(store, voices, TUESDAY + dt.timedelta(weeks=week), rosa, tomasz)
    before = store.rota()
    with pytest.raises(rota_service.AlreadyPublished) as refused:
        rota_service.generate_rota(store, GenerateRequest(None, TUESDAY, 2))
    assert str(refused.value) == (
        "Nothing to plan: every session for all groups from Tue 1 Dec 2026 to Mon 14 Dec 2026 "
        "is already published (Tue 1 Dec, Tue 8 Dec). The first date without a published "
        "session is Tue 15 Dec 2026."
    )
    assert refused.value.first_open == dt.date(2026, 12, 15)
    assert store.rota() == before, "nothing changed"
    assert rota_service.first_open_date(store, voices.id, TUESDAY) == dt.date(2026, 12, 15)


def test_planning_starts_today_unless_the_next_meetings_are_published(store: Store) -> None:
    voices = group(store, "Tuesday Voices")
    rosa, tomasz = person(store, "Rosa"), person(store, "Tomasz")
    monday = TUESDAY - dt.timedelta(days=1)
    assert rota_service.plan_start(store, None, monday) == monday
    placed(store, voices, TUESDAY, rosa, tomasz)
    assert rota_service.plan_start(store, None, monday) == TUESDAY + dt.timedelta(days=7)
