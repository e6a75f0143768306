"""A large, realistic, entirely fictional data file for the benchmarks.

    python bench/big_data.py OUT.json [--years 10] [--today YYYY-MM-DD] [--seed 2026]

Four groups meeting weekly for `years` years (about 2,080 ended sessions with themes, named
attendance for consenting members, round marks and debriefs), about 400 members with varied
consent histories (given, withdrawn, renewed, some due for review), notes for those who agreed
to notes, contact details for those who agreed to contact, a rota for the whole period and
twelve weeks ahead, and a strategy library: well over 10,000 records.

Records are built with the models and stored through one `store.batch()`, so the file is
exactly what the app writes (same storage, same serialisation). The consent rule is honoured
by construction (a record naming a member is only made while that member consents), and
`--check` runs `store.problems()` over the result. Everything is drawn from one seeded RNG and
every id and time is given explicitly, so the same seed, years and `today` give the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from voicesgroup.demo import BELIEFS_THEMES, DROP_IN_THEMES, VOICES_THEMES  # noqa: E402
from voicesgroup.models import (  # noqa: E402
    STRATEGY_CATEGORIES,
    Agreement,
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    ContactDetail,
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
    Record,
    RotaAssignment,
    RotaChange,
    RotaStatus,
    RoundMark,
    Session,
    SessionStatus,
    TrainingStatus,
    Variant,
)
from voicesgroup.shipped import (  # noqa: E402
    consent_wording,
    default_agreement,
    shipped_template,
    starter_strategies,
    starter_support_contacts,
)
from voicesgroup.store import TABLES, Store  # noqa: E402

DEFAULT_TODAY = dt.date(2026, 11, 23)
"""A fixed 'today' so the file is byte-identical from run to run (override with --today)."""
DEFAULT_SEED = 2026
MEMBERS_PER_YEAR = 40

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carys",
    "Dev",
    "Elif",
    "Frankie",
    "Gwen",
    "Hamid",
    "Iona",
    "José",
    "Kit",
    "Zoë",
    "Ada",
    "Bryn",
    "Chidi",
    "Dana",
    "Eamon",
    "Fatima",
    "Gus",
    "Hana",
    "Idris",
    "Jess",
    "Kemal",
    "Lena",
    "Mo",
    "Nia",
    "Oisín",
    "Pat",
    "Quinn",
    "Rhys",
    "Sam",
    "Tara",
    "Uche",
    "Vik",
    "Wren",
    "Xan",
    "Yara",
    "Zak",
    "Alex",
    "Bea",
    "Cal",
    "Dee",
    "Eli",
    "Fay",
    "Gil",
    "Hal",
    "Ivy",
    "Jo",
    "Kai",
    "Lou",
    "Max",
    "Ned",
    "Ola",
    "Pip",
    "Ray",
    "Sol",
    "Tam",
    "Una",
    "Val",
    "Wyn",
    "Ash",
    "Rowan",
    "Sky",
    "Robin",
    "Jude",
    "Noor",
    "Amir",
    "Leah",
    "Mina",
    "Ravi",
    "Suki",
    "Tomi",
    "Ewa",
    "Piotr",
    "Ana",
]
THEMES = {
    Variant.HEARING_VOICES: VOICES_THEMES,
    Variant.PARANOIA_BELIEFS: BELIEFS_THEMES,
    Variant.DROP_IN: DROP_IN_THEMES,
}
DEBRIEF_LINES = {
    "connection": [
        "The check-in felt close; people picked up each other's words.",
        "Connection slipped when the room got noisy, came back in the sharing.",
        "Quiet start, warmer by the end.",
    ],
    "worldview": [
        "We noticed we'd assumed the newcomer wanted advice; they wanted to be heard.",
        "Several different ways of making sense of the same experience, all respected.",
    ],
    "mutuality": [
        "Felt shared; members offered as much as we did.",
        "We talked a little too much — leave more silence next time.",
    ],
    "moving_towards": [
        "People were moving towards getting out more in the light evenings.",
        "Talk of going back to an evening class.",
    ],
    "went_well": [
        "People listened closely; the check-in felt unhurried.",
        "The grounding at the end landed well.",
        "Good use of the strategy swap.",
    ],
    "follow_up": [
        "Bring the leaflet about the allotment project.",
        "Check the room booking for the bank holiday.",
        "",
    ],
    "how_we_are": ["Tired but glad we came.", "Fine, a heavy one though.", "Good, energised."],
}
NOTE_WORDS = [
    "Walking to the group helps me arrive calmer.",
    "I want to remember that the bad weeks pass.",
    "Sleep is better since I stopped arguing with them at night.",
    "Music in one ear on the bus takes the edge off.",
    "I'd like to try the appointment-with-the-voices idea.",
    "It helped to hear someone else say the same thing.",
    "Mornings are the hardest; I'm trying a short walk first.",
    "I told my sister a bit about it and she listened.",
]
HELPED = ["Humming on the bus.", "Ringing my sister.", "Writing it down.", "", "The group."]
REMEMBER = ["I'm allowed to leave early.", "Write the good days down too.", "", "Drink water."]
FOLLOW_UPS = [
    "Find the leaflet on the sleep workshop",
    "Ask the centre about a quieter room",
    "Share the list of local drop-ins",
]
FACILITATOR_NAMES = [
    ("Rosa", TrainingStatus.EXPERIENCED, True),
    ("Tomasz", TrainingStatus.EXPERIENCED, False),
    ("Marcia", TrainingStatus.EXPERIENCED, True),
    ("Niall", TrainingStatus.TRAINED, False),
    ("Priya", TrainingStatus.TRAINED, True),
    ("Sol", TrainingStatus.IN_TRAINING, None),
    ("Hannah", TrainingStatus.EXPERIENCED, True),
    ("Kwame", TrainingStatus.TRAINED, False),
    ("Bea", TrainingStatus.TRAINED, True),
    ("Ollie", TrainingStatus.EXPERIENCED, False),
    ("Sunita", TrainingStatus.EXPERIENCED, True),
    ("Luca", TrainingStatus.TRAINED, False),
    ("Maren", TrainingStatus.TRAINED, True),
    ("Dai", TrainingStatus.IN_TRAINING, False),
    ("Yusra", TrainingStatus.TRAINED, True),
    ("Finn", TrainingStatus.EXPERIENCED, False),
    ("Greta", TrainingStatus.TRAINED, True),
    ("Ike", TrainingStatus.IN_TRAINING, None),
]


class Maker:
    """Seeded source of ids and times; every record gets both explicitly."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: dt.date, hour: int = 19, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    def base(self, day: dt.date, hour: int = 19, minute: int = 0) -> dict[str, Any]:
        return {"id": self.uid(), "created_at": self.at(day, hour, minute)}


def make_big_db(
    path: str | Path,
    years: int = 10,
    *,
    today: dt.date = DEFAULT_TODAY,
    seed: int = DEFAULT_SEED,
    check: bool = False,
) -> dict[str, int]:
    """Write the big data file at `path` (which must not exist); returns records per table."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; the big data set is written to a new file")
    mk = Maker(seed)
    records = build_records(mk, years, today)
    store = Store.open(path, create=True, seed=False)
    try:
        with store.batch():
            for record in records:
                store.tables.put(record)  # bulk load: the consent rule is honoured by construction
        if check:
            problems = store.problems()
            if problems:
                raise AssertionError(f"{len(problems)} problems, e.g. {problems[:3]}")
        counts = {name: len(store.documents(name)) for name in TABLES}
    finally:
        store.close()
    return counts


def build_records(mk: Maker, years: int, today: dt.date) -> list[Record]:
    rng = mk.rng
    start = today - dt.timedelta(weeks=52 * years)
    out: list[Record] = []

    # -- the shipped library and support contacts (with deterministic ids) --------------
    for strategy in starter_strategies():
        out.append(_restamp(strategy, mk, start))
    for contact in starter_support_contacts():
        out.append(_restamp(contact, mk, start))

    # -- facilitators: a few leave, others join over the years ---------------------------
    facilitators: list[Facilitator] = []
    for index, (name, training, is_woman) in enumerate(FACILITATOR_NAMES):
        joined = start + dt.timedelta(days=index * 200)
        facilitators.append(
            Facilitator(
                **mk.base(min(joined, today)),
                display_name=name,
                training=training,
                is_woman=is_woman,
                unavailable_weekdays=[index % 7] if index % 3 == 0 else [],
                dates_off=[
                    DateRange(
                        start=today + dt.timedelta(days=7 * (index % 6)),
                        end=today + dt.timedelta(days=7 * (index % 6) + 10),
                    )
                ]
                if index % 4 == 1
                else [],
                max_per_month=4 if index % 5 == 2 else None,
                active=index >= 4 or index == 0,
            )
        )
    out.extend(facilitators)

    # -- groups: weekly, with an agreement reviewed every year --------------------------
    specs = [
        ("Tuesday Voices", Variant.HEARING_VOICES, 1, dt.time(18, 30), "Elm St Library", False),
        ("Thursday Beliefs", Variant.PARANOIA_BELIEFS, 3, dt.time(14, 0), "Riverside", False),
        ("Saturday Drop-in", Variant.DROP_IN, 5, dt.time(11, 0), "Riverside café", False),
        ("Monday Women's Voices", Variant.HEARING_VOICES, 0, dt.time(18, 0), "Elm St", True),
    ]
    groups: list[Group] = []
    for name, variant, weekday, start_time, venue, women_rule in specs:
        template = shipped_template(variant)
        first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        agreements = []
        for year in range(years):
            base = default_agreement(variant, start + dt.timedelta(weeks=52 * year))
            agreements.append(
                Agreement(
                    version=year + 1,
                    points=[*base.points, *([f"Added in review {year}"] if year else [])],
                    confidentiality=base.confidentiality,
                    agreed_on=base.agreed_on,
                    review_on=base.review_on,
                )
            )
        groups.append(
            Group(
                **mk.base(start),
                name=name,
                variant=variant,
                pattern=MeetingPattern(
                    weekday=weekday,
                    start=start_time,
                    minutes=template.total_minutes,
                    every_weeks=1,
                    first_date=first,
                ),
                venue=venue,
                vocabulary=dict(template.vocabulary),
                agreements=agreements,
                template=template if women_rule else None,
                women_facilitator_rule=women_rule,
            )
        )
    out.extend(groups)

    # -- members and their consent histories --------------------------------------------
    members: list[Member] = []
    # member id -> list of (from_date, until_date or None) per scope, for honouring consent
    windows: dict[uuid.UUID, dict[ConsentScope, list[tuple[dt.date, dt.date | None]]]] = {}
    home_group: dict[uuid.UUID, int] = {}
    left_on: dict[uuid.UUID, dt.date] = {}
    events: list[ConsentEvent] = []
    total_days = (today - start).days
    for index in range(MEMBERS_PER_YEAR * years):
        joined = start + dt.timedelta(days=rng.randrange(total_days))
        name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]}"
        if index >= len(FIRST_NAMES):
            name += f" {chr(ord('A') + (index // len(FIRST_NAMES)) % 26)}."
        member = Member(**mk.base(joined, 20), display_name=name, joined_on=joined)
        members.append(member)
        home_group[member.id] = rng.randrange(len(groups))
        # most people come for a while and drift away; a quarter are still coming
        stays = rng.choice([8, 20, 52, 104, 260, 520])
        left_on[member.id] = joined + dt.timedelta(weeks=stays)
        scopes_of: dict[ConsentScope, list[tuple[dt.date, dt.date | None]]] = {}
        for scope, chance in (
            (ConsentScope.ATTENDANCE_BY_NAME, 0.7),
            (ConsentScope.PERSONAL_NOTES, 0.35),
            (ConsentScope.CONTACT_DETAILS, 0.45),
            (ConsentScope.STRATEGY_ATTRIBUTION, 0.3),
        ):
            if rng.random() >= chance:
                continue
            given = joined + dt.timedelta(days=rng.choice([0, 0, 0, 7, 14, 35]))
            if given > today:
                continue
            review = rng.choice([None, 6, 12, 12, 24])
            events.append(_event(mk, member, scope, ConsentAction.GIVEN, given, review, index))
            spans: list[tuple[dt.date, dt.date | None]] = []
            roll = rng.random()
            if roll < 0.12:  # withdrawn later
                until = given + dt.timedelta(days=rng.randrange(30, 900))
                if until < today:
                    events.append(
                        _event(mk, member, scope, ConsentAction.WITHDRAWN, until, None, index)
                    )
                    spans.append((given, until))
                else:
                    spans.append((given, None))
            elif roll < 0.6 and review:  # renewed at each review while they keep coming
                spans.append((given, None))
                renew = given
                for _ in range(rng.randint(1, 8)):
                    renew = renew + dt.timedelta(days=30 * review)
                    if renew >= today:
                        break
                    events.append(
                        _event(mk, member, scope, ConsentAction.GIVEN, renew, review, index)
                    )
            else:
                spans.append((given, None))
            scopes_of[scope] = spans
        windows[member.id] = scopes_of
    out.extend(members)
    out.extend(events)

    def consents(member_id: uuid.UUID, scope: ConsentScope, day: dt.date) -> bool:
        """Consent held on `day`, and not withdrawn since (a withdrawal anonymises the past)."""
        spans = windows[member_id].get(scope, ())
        if not spans or spans[-1][1] is not None:
            return False
        return any(since <= day for since, _ in spans)

    def withdrew(member_id: uuid.UUID, scope: ConsentScope, day: dt.date) -> bool:
        """Consent held on `day` but withdrawn later: such records are kept restricted."""
        return any(
            since <= day < until
            for since, until in windows[member_id].get(scope, ())
            if until is not None
        )

    # -- sessions and rota, weekly for every group ---------------------------------------
    regulars_by_group: dict[int, list[Member]] = {i: [] for i in range(len(groups))}
    for member in members:
        regulars_by_group[home_group[member.id]].append(member)
    sessions: list[Session] = []
    rota: list[RotaAssignment] = []
    notes: list[Note] = []
    active_facilitators = facilitators
    women = [f for f in facilitators if f.is_woman]
    for group_index, group in enumerate(groups):
        template = shipped_template(group.variant)
        themes = THEMES[group.variant]
        pool = regulars_by_group[group_index]
        day = group.pattern.first_date
        assert day is not None
        number = 0
        while day <= today + dt.timedelta(weeks=12):
            candidates = women if group.women_facilitator_rule else active_facilitators
            lead, co = rng.sample(candidates, 2)
            when = mk.at(day - dt.timedelta(days=28), 10)
            history = [
                RotaChange(on=when, what=f"Drafted: {lead.display_name} and {co.display_name}")
            ]
            published = day < today + dt.timedelta(weeks=4)
            if published:
                history.append(RotaChange(on=when + dt.timedelta(days=3), what="Published"))
            if rng.random() < 0.08:
                history.append(
                    RotaChange(on=when + dt.timedelta(days=10), what="Swapped co-facilitator")
                )
            is_open = day > today + dt.timedelta(weeks=8) and rng.random() < 0.3
            rota.append(
                RotaAssignment(
                    id=mk.uid(),
                    created_at=when,
                    group_id=group.id,
                    date=day,
                    lead_id=lead.id,
                    co_id=None if is_open else co.id,
                    status=RotaStatus.PUBLISHED if published else RotaStatus.DRAFT,
                    reason="Balanced across the month" if number % 3 == 0 else "",
                    history=history,
                )
            )
            if day < today:
                session, session_notes = _session(
                    mk,
                    group,
                    template,
                    themes,
                    pool,
                    left_on,
                    consents,
                    withdrew,
                    (lead, co),
                    day,
                    number,
                )
                sessions.append(session)
                notes.extend(session_notes)
            day += dt.timedelta(weeks=1)
            number += 1
    out.extend(sessions)
    out.extend(rota)
    out.extend(notes)

    # -- contact details ------------------------------------------------------------------
    for index, member in enumerate(members):
        contact_spans = windows[member.id].get(ConsentScope.CONTACT_DETAILS)
        if not contact_spans or not consents(member.id, ConsentScope.CONTACT_DETAILS, today):
            continue
        out.append(
            ContactDetail(
                **mk.base(contact_spans[-1][0], 20, 30),
                member_id=member.id,
                kind="phone",
                value=f"07700 9{index:05d}",
            )
        )
        if index % 3 == 0:
            out.append(
                ContactDetail(
                    **mk.base(contact_spans[-1][0], 20, 31),
                    member_id=member.id,
                    kind="email",
                    value=f"member{index}@example.org",
                )
            )

    # -- strategies shared in groups over the years --------------------------------------
    categories = list(STRATEGY_CATEGORIES)
    for index in range(30 * years):
        shared = start + dt.timedelta(days=rng.randrange(total_days))
        group = groups[index % len(groups)]
        author = rng.choice(members)
        attributed = (
            author.id
            if author.joined_on <= shared
            and consents(author.id, ConsentScope.STRATEGY_ATTRIBUTION, today)
            else None
        )
        helped = rng.randint(0, 12)
        out.append(
            CopingStrategy(
                **mk.base(shared),
                title=f"{rng.choice(['Trying', 'Keeping', 'Using', 'Making'])} "
                f"{rng.choice(['a routine', 'a list', 'a walk', 'a song', 'a card'])} #{index}",
                description="Shared in the group: " + rng.choice(NOTE_WORDS),
                category=categories[index % len(categories)],
                experiences=rng.sample(list(Experience), rng.randint(1, 2)),
                moment=rng.choice(list(Moment)),
                shared_in_group_id=group.id,
                shared_on=shared,
                helped_count=helped,
                helped_by_group={str(group.id): helped} if helped else {},
                attributed_member_id=attributed,
                archived=index % 17 == 0,
            )
        )
    return out


def _session(
    mk: Maker,
    group: Group,
    template: Any,
    themes: list[str],
    pool: list[Member],
    left_on: dict[uuid.UUID, dt.date],
    consents: Any,
    withdrew: Any,
    pair: tuple[Facilitator, Facilitator],
    day: dt.date,
    number: int,
) -> tuple[Session, list[Note]]:
    rng = mk.rng
    current = [m for m in pool if m.joined_on <= day < left_on[m.id]]
    present = [m for m in current if rng.random() < 0.5]
    named = [m for m in present if consents(m.id, ConsentScope.ATTENDANCE_BY_NAME, day)]
    started = mk.at(day, group.pattern.start.hour, group.pattern.start.minute)
    ended = started + dt.timedelta(minutes=group.pattern.minutes)
    round_keys = [phase.key for phase in template.phases if phase.is_round]
    session = Session(
        id=mk.uid(),
        created_at=started - dt.timedelta(minutes=5),
        group_id=group.id,
        date=day,
        status=SessionStatus.ENDED,
        template_key=template.key,
        template_version=template.version,
        facilitator_ids=[pair[0].id, pair[1].id],
        named_member_ids=[m.id for m in named],
        anonymous_count=len(present) - len(named) + rng.randint(0, 3),
        newcomers=1 if rng.random() < 0.2 else 0,
        themes=rng.sample(themes, rng.randint(1, 3)),
        follow_ups=[rng.choice(FOLLOW_UPS)] if rng.random() < 0.25 else [],
        current_phase=len(template.phases) - 1,
        phase_started_at=ended - dt.timedelta(minutes=10),
        started_at=started,
        ended_at=ended,
        round_marks={
            str(m.id): rng.choice([RoundMark.SPOKE, RoundMark.SPOKE, RoundMark.PASSED])
            for m in named
        }
        if round_keys
        else {},
        debrief=Debrief(
            answers={key: rng.choice(lines) for key, lines in DEBRIEF_LINES.items()},
            written_at=ended + dt.timedelta(minutes=15),
        ),
    )
    notes = []
    for member in present:
        scope = ConsentScope.PERSONAL_NOTES
        restricted = withdrew(member.id, scope, day)
        if (consents(member.id, scope, day) or restricted) and rng.random() < 0.6:
            notes.append(
                Note(
                    **mk.base(day, 20, 10),
                    member_id=member.id,
                    session_id=session.id,
                    member_words=rng.choice(NOTE_WORDS),
                    what_helped=rng.choice(HELPED),
                    to_remember=rng.choice(REMEMBER),
                    facilitator_words="Read back and agreed." if number % 4 == 0 else "",
                    agreed_by_member=True,
                    restricted=restricted,
                    updated_at=mk.at(day, 20, 15),
                )
            )
    return session, notes


def _event(
    mk: Maker,
    member: Member,
    scope: ConsentScope,
    action: ConsentAction,
    on: dt.date,
    review: int | None,
    index: int,
) -> ConsentEvent:
    return ConsentEvent(
        **mk.base(on, 19, 45),
        member_id=member.id,
        scope=scope,
        action=action,
        on=mk.at(on, 19, 40),
        method=ConsentMethod.SAID_IN_ROOM if index % 3 else ConsentMethod.WRITTEN,
        wording_version=consent_wording(scope).version,
        recorded_by=FACILITATOR_NAMES[index % 6][0],
        review_after_months=review if action is ConsentAction.GIVEN else None,
    )


def _restamp(record: Record, mk: Maker, day: dt.date) -> Record:
    return type(record).model_validate({**record.model_dump(), **mk.base(day, 9)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the data file to write (must not exist)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--check", action="store_true", help="run store.problems() too")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = make_big_db(args.out, args.years, today=args.today, seed=args.seed, check=args.check)
    took = time.perf_counter() - began
    total = sum(counts.values())
    size = args.out.stat().st_size
    detail = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"{args.out}: {total} records ({detail})")
    print(f"file size {size / 1024 / 1024:.2f} MiB ({size} bytes), built in {took:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
