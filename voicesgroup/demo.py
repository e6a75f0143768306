"""A realistic, entirely fictional data set so a newcomer sees everything working at once.

Every name, theme and note here is invented. Dates are relative to `today`, so the demo always
has three months of past sessions and upcoming ones.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from voicesgroup import consent
from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    CopingStrategy,
    DateRange,
    Debrief,
    Experience,
    Facilitator,
    Group,
    MeetingPattern,
    Member,
    Moment,
    Note,
    Session,
    SessionStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.shipped import consent_wording, default_agreement, shipped_template
from voicesgroup.store import Store

SCOPES = ConsentScope

# (name, scopes consented to) — some members have agreed to nothing at all.
DEMO_MEMBERS: list[tuple[str, tuple[ConsentScope, ...]]] = [
    ("Aisha", (SCOPES.ATTENDANCE_BY_NAME, SCOPES.PERSONAL_NOTES, SCOPES.STRATEGY_ATTRIBUTION)),
    ("Ben", (SCOPES.ATTENDANCE_BY_NAME,)),
    ("Carys", ()),
    ("Dev", (SCOPES.ATTENDANCE_BY_NAME, SCOPES.STRATEGY_ATTRIBUTION)),
    ("Elif", (SCOPES.ATTENDANCE_BY_NAME, SCOPES.PERSONAL_NOTES, SCOPES.CONTACT_DETAILS)),
    ("Frankie", ()),
    ("Gwen", (SCOPES.ATTENDANCE_BY_NAME,)),
    ("Hamid", (SCOPES.PERSONAL_NOTES,)),
    ("Iona", (SCOPES.ATTENDANCE_BY_NAME, SCOPES.STRATEGY_ATTRIBUTION)),
    ("José", ()),
    ("Kit", (SCOPES.ATTENDANCE_BY_NAME, SCOPES.PERSONAL_NOTES)),
    ("Zoë", (SCOPES.ATTENDANCE_BY_NAME,)),
]

DEMO_FACILITATORS: list[tuple[str, TrainingStatus, bool | None]] = [
    ("Rosa", TrainingStatus.EXPERIENCED, True),
    ("Tomasz", TrainingStatus.EXPERIENCED, False),
    ("Marcia", TrainingStatus.EXPERIENCED, True),
    ("Niall", TrainingStatus.TRAINED, False),
    ("Priya", TrainingStatus.TRAINED, True),
    ("Sol", TrainingStatus.IN_TRAINING, None),
]

VOICES_THEMES = [
    "Voices getting louder at night",
    "Telling family about voices",
    "Voices that are kind as well as cruel",
    "Finding words for what we hear",
    "Busy places and crowded buses",
    "Sleep and the early hours",
    "Setting limits with demanding voices",
    "Visions and other senses",
    "What we want people to understand",
    "Getting through appointments",
    "Creativity and making things",
    "Winter evenings",
    "Being believed",
]
BELIEFS_THEMES = [
    "Feeling watched in public",
    "When people dismiss what we believe",
    "Trust and how it is built",
    "Checking things out without arguing",
    "Worries about phones and messages",
    "How others react to our beliefs",
    "Feeling safe at home",
    "Talking to family",
]
DROP_IN_THEMES = [
    "Weekends alone",
    "What got us through this week",
    "Making the most of good days",
    "Noise and neighbours",
    "Food, sleep and small routines",
    "Finding people who get it",
]

SHARED_STRATEGIES = [
    (
        "Humming along to drown things out",
        "Hum a tune you know well, quietly, when the voices crowd in on the bus.",
        "distraction",
        [Experience.VOICES],
        Moment.IN_THE_MOMENT,
        "Aisha",
    ),
    (
        "A notebook for worries to wait in",
        "Write the worry down and give it a time tomorrow; often it has shrunk by then.",
        "checking_out",
        [Experience.BELIEFS],
        Moment.LONGER_TERM,
        "Dev",
    ),
    (
        "Texting a friend a single word",
        "Agree a word with a friend that means 'it's a hard hour, talk to me about anything'.",
        "social",
        [Experience.VOICES, Experience.BELIEFS],
        Moment.IN_THE_MOMENT,
        None,
    ),
    (
        "Naming five blue things",
        "Look around and name five blue things out loud or in your head.",
        "grounding",
        [Experience.VOICES, Experience.VISIONS],
        Moment.IN_THE_MOMENT,
        "Iona",
    ),
]


def build_demo(
    store: Store, today: dt.date | None = None, seed: int = 7, *, with_rota: bool = True
) -> None:
    """Fill an empty store with the demo groups, people, consents, sessions and strategies.

    `with_rota` adds a published facilitator rota (three months back, two ahead).
    """
    today = today or dt.date.today()
    rng = random.Random(seed)
    with store.batch():
        groups = _demo_groups(today)
        for group in groups:
            store.save_group(group)
        facilitators = [
            # Everyone but Niall agreed to their name in reports for funders.
            Facilitator(
                display_name=name,
                training=status,
                is_woman=is_woman,
                named_in_reports=name != "Niall",
            )
            for name, status, is_woman in DEMO_FACILITATORS
        ]
        facilitators[3] = facilitators[3].with_changes(
            dates_off=[
                DateRange(start=today + dt.timedelta(days=20), end=today + dt.timedelta(days=34))
            ]
        )
        facilitators[4] = facilitators[4].with_changes(unavailable_weekdays=[3], max_per_month=3)
        for person in facilitators:
            store.save_facilitator(person)
        members = _demo_members(store, today)
        if with_rota:
            _demo_rota(store, today)
        _demo_sessions(store, groups, members, facilitators, today, rng)
        _demo_strategies(store, groups, members, today)
        _demo_notes(store, members, today)
        for contact in store.support_contacts():  # the coordinator checked them last month
            store.save_support_contact(
                contact.with_changes(last_checked=today - dt.timedelta(days=24))
            )
        _demo_facilitators_path(store, facilitators, today)


def _demo_groups(today: dt.date) -> list[Group]:
    start = today - dt.timedelta(days=120)
    specs = [
        (
            "Tuesday Voices",
            Variant.HEARING_VOICES,
            1,
            dt.time(18, 30),
            1,
            "Community room, Elm St Library",
        ),
        (
            "Thursday Beliefs",
            Variant.PARANOIA_BELIEFS,
            3,
            dt.time(14, 0),
            2,
            "Quiet room, Riverside Centre",
        ),
        (
            "Saturday Drop-in",
            Variant.DROP_IN,
            5,
            dt.time(11, 0),
            1,
            "Café corner, Riverside Centre",
        ),
    ]
    groups = []
    for name, variant, weekday, start_time, every, venue in specs:
        template = shipped_template(variant)
        groups.append(
            Group(
                name=name,
                variant=variant,
                pattern=MeetingPattern(
                    weekday=weekday,
                    start=start_time,
                    minutes=template.total_minutes,
                    every_weeks=every,
                    first_date=start + dt.timedelta(days=(weekday - start.weekday()) % 7),
                ),
                venue=venue,
                vocabulary=dict(template.vocabulary),
                agreements=[default_agreement(variant, start)],
            )
        )
    return groups


def _demo_members(store: Store, today: dt.date) -> list[Member]:
    members = []
    for index, (name, scopes) in enumerate(DEMO_MEMBERS):
        member = Member(display_name=name, joined_on=today - dt.timedelta(days=100 - index * 5))
        store.save_member(member)
        given_at = dt.datetime.combine(member.joined_on, dt.time(19), tzinfo=dt.UTC)
        for scope in scopes:
            store.give_consent(
                ConsentEvent(
                    member_id=member.id,
                    scope=scope,
                    action=ConsentAction.GIVEN,
                    on=given_at,
                    method=ConsentMethod.SAID_IN_ROOM if index % 3 else ConsentMethod.WRITTEN,
                    wording_version=consent_wording(scope).version,
                    recorded_by=DEMO_FACILITATORS[index % 3][0],
                    review_after_months=6 if index % 4 == 0 else None,
                )
            )
        members.append(member)
    return members


def _demo_sessions(
    store: Store,
    groups: list[Group],
    members: list[Member],
    facilitators: list[Facilitator],
    today: dt.date,
    rng: random.Random,
) -> None:
    themes_by_variant = {
        Variant.HEARING_VOICES: VOICES_THEMES,
        Variant.PARANOIA_BELIEFS: BELIEFS_THEMES,
        Variant.DROP_IN: DROP_IN_THEMES,
    }
    experienced = [f for f in facilitators if f.training is not TrainingStatus.IN_TRAINING]
    by_id = {person.id: person for person in facilitators}
    rota_by_session = {
        (item.group_id, item.date): [pid for pid in (item.lead_id, item.co_id) if pid]
        for item in store.rota()
    }
    for group_index, group in enumerate(groups):
        regulars = members[group_index * 4 : group_index * 4 + 6]
        themes = themes_by_variant[group.variant]
        start = today - dt.timedelta(days=91)
        for number, day in enumerate(group.pattern.dates_from(start, 14)):
            if day >= today:
                break
            present = [m for m in regulars if rng.random() < 0.6 and m.joined_on <= day]
            named = [
                m.id
                for m in present
                if consent.named_on_session_problem(store.consent_events(m.id), m, day) is None
            ]
            planned = rota_by_session.get((group.id, day))
            pair = [by_id[pid] for pid in planned if pid in by_id] if planned else []
            if len(pair) < 2 or number % 6 == 5:
                # Now and then someone covers at short notice: planned and actual differ.
                pair = rng.sample(experienced, 2)
            started = dt.datetime.combine(day, group.pattern.start, tzinfo=dt.UTC)
            session = Session(
                group_id=group.id,
                date=day,
                status=SessionStatus.ENDED,
                template_key=shipped_template(group.variant).key,
                facilitator_ids=[person.id for person in pair],
                named_member_ids=named,
                anonymous_count=len(present) - len(named) + rng.randint(0, 3),
                newcomers=1 if number % 5 == 2 else 0,
                themes=[themes[(number + group_index) % len(themes)]],
                started_at=started,
                ended_at=started + dt.timedelta(minutes=group.pattern.minutes),
                current_phase=len(shipped_template(group.variant).phases) - 1,
                debrief=Debrief(
                    answers={
                        "went_well": "People listened closely; the check-in felt unhurried.",
                        "how_we_are": "Tired but glad we came.",
                    },
                    written_at=started + dt.timedelta(minutes=group.pattern.minutes + 15),
                ),
            )
            store.save_session(session)


def _demo_rota(store: Store, today: dt.date) -> None:
    """A published rota from three months back to two months ahead."""
    from voicesgroup.rota.service import GenerateRequest, generate_rota

    start = today - dt.timedelta(days=91)
    generate_rota(store, GenerateRequest(group_id=None, start=start, weeks=22), publish=True)


def _demo_strategies(
    store: Store, groups: list[Group], members: list[Member], today: dt.date
) -> None:
    by_name = {member.display_name: member for member in members}
    for index, (title, description, category, experiences, moment, who) in enumerate(
        SHARED_STRATEGIES
    ):
        member = by_name.get(who) if who else None
        attributed = (
            member.id
            if member and store.has_consent(member.id, SCOPES.STRATEGY_ATTRIBUTION)
            else None
        )
        group = groups[index % 2]
        store.save_strategy(
            CopingStrategy(
                title=title,
                description=description,
                category=category,
                experiences=experiences,
                moment=moment,
                shared_in_group_id=group.id,
                shared_on=today - dt.timedelta(days=14 * (index + 1)),
                helped_count=5 - index,
                helped_by_group={str(group.id): 5 - index},
                attributed_member_id=attributed,
            )
        )
    for strategy in store.strategies()[:12:3]:
        store.save_strategy(
            strategy.with_changes(
                helped_count=strategy.helped_count + 3,
                helped_by_group={str(groups[0].id): 3},
            )
        )


def _demo_notes(store: Store, members: list[Member], today: dt.date) -> None:
    words = {
        "Aisha": (
            "Walking to the group helps me arrive calmer.",
            "Humming on the bus.",
            "I'm allowed to leave early.",
        ),
        "Elif": (
            "I want to remember that the bad weeks pass.",
            "Ringing my sister.",
            "Write the good days down too.",
        ),
        "Kit": ("Sleep is better since I stopped arguing with them at night.", "", ""),
    }
    for member in members:
        if member.display_name in words and store.has_consent(member.id, SCOPES.PERSONAL_NOTES):
            own, helped, remember = words[member.display_name]
            written = dt.datetime.combine(today - dt.timedelta(days=21), dt.time(20), tzinfo=dt.UTC)
            store.save_note(
                Note(
                    member_id=member.id,
                    member_words=own,
                    what_helped=helped,
                    to_remember=remember,
                    agreed_by_member=True,
                    created_at=written,
                    updated_at=written,
                )
            )


def write_demo_file(path: Path, today: dt.date | None = None, *, with_rota: bool = True) -> None:
    """Write the demo data set to a new file; refuses to overwrite an existing one."""
    from voicesgroup.errors import StoreError

    if path.exists():
        raise StoreError(
            f"The file {path} already exists; the demo data is written only to a new file."
        )
    with Store.open(path) as store:
        build_demo(store, today, with_rota=with_rota)


def _demo_facilitators_path(store: Store, facilitators: list[Facilitator], today: dt.date) -> None:
    """Sol part-way through shadowing, Priya signed off, supervision (Niall's is due) and one
    follow-up from the latest debrief."""
    from voicesgroup import facilitator_path as path
    from voicesgroup.course import training_modules
    from voicesgroup.kinds import PathStage

    by_name = {person.display_name: person for person in facilitators}
    sol, priya = by_name["Sol"], by_name["Priya"]
    path.begin(store, sol, PathStage.INTERESTED, today - dt.timedelta(days=200))
    for number, module in enumerate(training_modules()):
        if not module.optional:
            on = today - dt.timedelta(days=180 - 7 * number)
            path.attend_module(store, store.facilitator(sol.id), module.key, on)
    ran = sorted(session.date for session in store.sessions() if sol.id in session.facilitator_ids)
    # Four sessions shadowed so far: part-way to the suggested six.
    start = ran[-4] if len(ran) >= 4 else today - dt.timedelta(days=60)
    path.start_shadowing(store, store.facilitator(sol.id), start)
    path.begin(
        store,
        priya,
        PathStage.SIGNED_OFF,
        today - dt.timedelta(days=400),
        by="Rosa",
        reason="trained and shadowed before this laptop kept the path",
    )
    everyone = [person for person in facilitators if person.display_name != "Niall"]
    path.add_supervision(
        store,
        today - dt.timedelta(days=20),
        everyone,
        "Jo (external supervisor)",
        ["Ending sessions on time", "Looking after ourselves over the winter"],
    )
    path.add_supervision(
        store,
        today - dt.timedelta(weeks=11),
        [by_name["Niall"], by_name["Rosa"]],
        "Jo (external supervisor)",
        ["Co-facilitating when one of us is tired"],
    )
    latest = max(store.sessions(), key=lambda session: session.date, default=None)
    if latest is not None and latest.debrief is not None:
        answers = {**latest.debrief.answers, "follow_up": "Ask the venue about a quieter room"}
        store.save_session(
            latest.with_changes(debrief=latest.debrief.model_copy(update={"answers": answers}))
        )
