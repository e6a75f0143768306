"""Each hard rule of the rota is worded once, in voicesgroup/rota/rules.py.

For every rule: the rule's own check produces its sentence, and the sentence's wording is found
in rules.py and in no other source file of the app (core or screens), so the planner's reasons,
cover, the review and the service's refusals can only say it by asking `rules`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from uuid import UUID

import pytest

from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    MeetingPattern,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import rules

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "voicesgroup").rglob("*.py"), *(ROOT / "screens").rglob("*.py")])
DAY = dt.date(2027, 3, 2)  # a Tuesday

ana = Facilitator(id=UUID(int=1), display_name="Ana", is_woman=False)
bo = Facilitator(
    id=UUID(int=2), display_name="Bo", training=TrainingStatus.IN_TRAINING, avoids=[UUID(int=1)]
)
women_group = Group(
    name="Women's voices",
    variant=Variant.HEARING_VOICES,
    pattern=MeetingPattern(weekday=1),
    women_facilitator_rule=True,
)

# (rule, the break it gives, the wording as written in the source)
CASES = [
    (
        "inactive",
        rules.inactive(ana.model_copy(update={"active": False})),
        "Not facilitating at the moment: {",
    ),
    (
        "weekday",
        rules.unavailable(ana.model_copy(update={"unavailable_weekdays": [1]}), DAY),
        "Not available on {",
    ),
    (
        "away",
        rules.unavailable(
            ana.model_copy(update={"dates_off": [DateRange(start=DAY, end=DAY)]}), DAY
        ),
        "Away {_span(off.start, off.end)}: {",
    ),
    ("same_day", rules.same_day(ana, "Voices", DAY), "Already on a session on {"),
    (
        "month_limit",
        rules.month_limit(ana.model_copy(update={"max_per_month": 2}), 2, DAY),
        "A limit of {",
    ),
    (
        "month_limit",
        rules.month_limit(ana.model_copy(update={"max_per_month": 0}), 0, DAY),
        "No sessions, a limit of 0 a month: {",
    ),
    ("trainee_leads", rules.trainee_leads(bo), "In training, so cannot lead: {"),
    (
        "trainee_partner",
        rules.trainee_partner(bo, ana),
        "An experienced partner is needed beside {",
    ),
    ("avoid", rules.avoid(ana, bo), "Asked not to be paired: {"),
    ("women", rules.women(women_group, [ana]), "A woman facilitator is asked for by {"),
    (
        "twice",
        rules.pair_breaks(ana, ana, women_group)[0],
        "Both lead and co-facilitator, which one person cannot be: {",
    ),
    ("unknown", rules.UNKNOWN, "is no longer on the facilitator list"),
]


@pytest.mark.parametrize(("rule", "found", "wording"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_has_one_sentence_written_once(rule, found, wording) -> None:
    assert found is not None and found.rule == rule
    plain = wording.strip("{} ").split("{")[0].strip()
    assert plain in found.sentence, f"{rule}: {found.sentence!r}"
    assert found.sentence.endswith(".") and "\n" not in found.sentence
    holders = [
        path.relative_to(ROOT).as_posix()
        for path in SOURCES
        if wording in path.read_text(encoding="utf-8")
    ]
    assert holders == ["voicesgroup/rota/rules.py"], f"{rule} worded in {holders}"


def test_the_sentences_say_who_asked_when_a_request_is_one_sided() -> None:
    assert rules.avoid(ana, bo).sentence == "Asked not to be paired: Bo with Ana."
    both = ana.model_copy(update={"avoids": [bo.id]})
    assert (
        rules.avoid(both, bo).sentence == "Asked not to be paired: Ana and Bo, each with the other."
    )
    assert rules.avoid(ana, ana.model_copy(update={"id": UUID(int=3)})) is None


def test_every_break_a_session_can_have_is_found() -> None:
    found = {b.rule for b in rules.session_breaks(bo, ana, women_group)}
    assert found == {"trainee_leads", "trainee_partner", "avoid", "women"}
    assert (
        rules.session_breaks(
            ana,
            None,
            Group(name="Voices", variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1)),
        )
        == []
    )
    assert not rules.may_hold_alone(bo, women_group) and not rules.may_pair(ana, bo, women_group)


def test_someone_cannot_be_both_asked_for_and_asked_against() -> None:
    from uuid import uuid4

    from voicesgroup.rota import rules

    ana, ben = uuid4(), uuid4()
    names = {ana: "Ana", ben: "Ben"}
    assert rules.asked_both_ways([ana], [ben], names) is None
    assert rules.asked_both_ways([ana, ben], [ben, ana], names) == (
        "Ana and Ben cannot be in both lists."
    )
    assert rules.asked_both_ways([], [ana], names) is None
