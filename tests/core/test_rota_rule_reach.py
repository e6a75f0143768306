"""A rule stated in rota/rules.py reaches everything that plans or checks the rota.

The planner's solver is given each session rule's constraint (`rules.session_constraints`);
the review, cover and every change ask the same rule's check. So a rule added to
`rules.SESSION_RULES` is kept by the planner, reported by the review and respected by cover,
with nothing written anywhere else; and each rule's check and constraint say the same thing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from uuid import UUID

import pytest

from voicesgroup.models import (
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import generate, review, rules, suggest_cover

E, T, TR = TrainingStatus.EXPERIENCED, TrainingStatus.IN_TRAINING, TrainingStatus.TRAINED
START = dt.date(2027, 1, 4)

ana, ben, cy, dee = (
    Facilitator(id=UUID(int=k), display_name=name, training=E, is_woman=k % 2 == 1)
    for k, name in enumerate(["Ana", "Ben", "Cy", "Dee"], start=1)
)
voices = Group(
    id=UUID(int=100),
    name="Voices",
    variant=Variant.HEARING_VOICES,
    pattern=MeetingPattern(weekday=1),
)
beliefs = Group(
    id=UUID(int=101),
    name="Beliefs",
    variant=Variant.PARANOIA_BELIEFS,
    pattern=MeetingPattern(weekday=3),
)
SENTENCE = "Ana does not hold Voices sessions."


def _not_ana_in_voices(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[rules.Break]:
    present = {p.id for p in (lead, co) if p is not None}
    if group is not None and group.id == voices.id and ana.id in present:
        return [rules.Break("not_in_voices", SENTENCE)]
    return []


def _keep_ana_out(group: Group, people: list[Facilitator]) -> list[rules.Constraint]:
    return [rules.AtMost(frozenset({ana.id}), 0)] if group.id == voices.id else []


@pytest.fixture
def new_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = rules.SessionRule("not_in_voices", _not_ana_in_voices, _keep_ana_out)
    monkeypatch.setattr(rules, "SESSION_RULES", [*rules.SESSION_RULES, rule])


def test_without_the_rule_ana_holds_voices_sessions():
    result = generate([voices, beliefs], [ana, ben, cy, dee], START, 6)
    assert any(
        ana.id in (a.lead_id, a.co_id) for a in result.assignments if a.group_id == voices.id
    )


def test_a_rule_added_to_rules_reaches_the_planner_the_review_and_cover(new_rule):
    result = generate([voices, beliefs], [ana, ben, cy, dee], START, 6)
    in_voices = [a for a in result.assignments if a.group_id == voices.id]
    assert in_voices and all(ana.id not in (a.lead_id, a.co_id) for a in in_voices)
    assert any(ana.id in (a.lead_id, a.co_id) for a in result.assignments), "Ana still plans"
    assert not any(a.is_open for a in result.assignments)

    broken = RotaAssignment(group_id=voices.id, date=START + dt.timedelta(days=1), lead_id=ana.id)
    found = review([broken], None, [ana, ben, cy, dee], groups=[voices, beliefs])
    assert found.rule_breaks == [f"Voices on Tue 5 Jan 2027: {SENTENCE}"]

    session = RotaAssignment(group_id=voices.id, date=broken.date, lead_id=ben.id, co_id=cy.id)
    names = {
        s.name for s in suggest_cover(session, cy.id, [ana, ben, cy, dee], [session], [voices])
    }
    assert names == {"Dee"}


def _people(rnd: random.Random) -> list[Facilitator]:
    ids = [UUID(int=k + 1) for k in range(5)]
    return [
        Facilitator(
            id=ids[k],
            display_name=f"P{k}",
            training=rnd.choice([E, TR, T]),
            is_woman=rnd.choice([True, False, None]),
            avoids=[ids[(k + 1) % 5]] if rnd.random() < 0.3 else [],
        )
        for k in range(5)
    ]


def _holds(constraints: list[rules.Constraint], on: set[UUID]) -> bool:
    for each in constraints:
        if isinstance(each, rules.AtMost):
            if len(each.people & on) > each.most:
                return False
        elif len(each.people & on) > len(each.any_of & on):
            return False
    return True


@pytest.mark.parametrize("seed", range(40))
def test_each_rules_constraint_allows_exactly_the_sessions_its_check_allows(seed):
    """For every group and every one or two people: the constraints hold exactly when some
    choice of lead breaks no rule (the planner then gives the roles by asking the checks)."""
    rnd = random.Random(seed)
    people = _people(rnd)
    for group in (voices, voices.model_copy(update={"women_facilitator_rule": True})):
        constraints = rules.session_constraints(group, people)
        for size in (1, 2):
            for chosen in itertools.permutations(people, size):
                lead, co = chosen[0], (chosen[1] if size == 2 else None)
                checks = not rules.session_breaks(lead, co, group) or (
                    co is not None and not rules.session_breaks(co, lead, group)
                )
                assert _holds(constraints, {p.id for p in chosen}) == checks, (
                    [p.display_name for p in chosen],
                    rules.session_breaks(lead, co, group),
                )
