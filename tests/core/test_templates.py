"""A group's own session plan: copied from the shipped one, changed, versioned."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicesgroup import templates
from voicesgroup.models import Group, MeetingPattern, Variant
from voicesgroup.shipped import TEMPLATE_VARIANTS, shipped_template
from voicesgroup.store import Store


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "data.json", seed=False) as opened:
        yield opened


@pytest.fixture
def group(store: Store) -> Group:
    group = Group(
        name="Tuesday Voices", variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1)
    )
    store.save_group(group)
    return group


@pytest.mark.parametrize("variant", TEMPLATE_VARIANTS)
def test_every_shipped_template_opens_with_welcome_and_the_agreement(variant) -> None:
    template = shipped_template(variant)
    assert [phase.key for phase in template.phases[:2]] == ["welcome", "agreement"]
    assert any(phase.is_round for phase in template.phases)
    assert {"experiences", "experience_short", "group_noun"} <= set(template.vocabulary)


def test_a_group_without_a_copy_follows_the_shipped_plan(group) -> None:
    assert templates.template_for(group) is shipped_template(Variant.HEARING_VOICES)
    copy = templates.editable_copy(group)
    assert copy.version == 1 and copy.key.startswith("hearing_voices-")
    assert copy.phases == shipped_template(Variant.HEARING_VOICES).phases


def test_vocabulary_prefers_the_groups_own_words(group) -> None:
    assert templates.vocabulary_for(group).experience_short == "voices"
    beliefs = group.with_changes(vocabulary={"experience_short": "beliefs"})
    assert templates.vocabulary_for(beliefs).experience_short == "beliefs"
    assert templates.vocabulary_for(beliefs).group_noun == "hearing voices group"


def test_edits_rename_reorder_add_drop_and_set_minutes_and_prompts(group) -> None:
    plan = templates.editable_copy(group)
    plan = templates.rename(plan, "Our Tuesday plan")
    plan = templates.move_phase(plan, 3, -1)
    assert [p.key for p in plan.phases[2:4]] == ["sharing", "check_in"]
    plan = templates.add_phase(plan, 0, "Tea and biscuits", 10)
    assert plan.phases[1].key == "tea_and_biscuits" and plan.phases[1].minutes == 10
    plan = templates.add_phase(plan, 0, "Tea and biscuits")
    assert plan.phases[1].key == "tea_and_biscuits_2"
    plan = templates.drop_phase(plan, 1)
    plan = templates.set_minutes(plan, 0, 12)
    plan = templates.set_prompts(plan, 0, ["Hello", "  ", " Find a seat "])
    plan = templates.rename_phase(plan, 0, "Arriving")
    plan = templates.set_round(plan, 0, True)
    assert plan.name == "Our Tuesday plan"
    assert plan.phases[0].model_dump() == {
        "key": "welcome",
        "title": "Arriving",
        "minutes": 12,
        "is_round": True,
        "prompts": ["Hello", "Find a seat"],
    }
    assert plan.total_minutes == 90 + 7 + 10


def test_moves_are_clamped_and_the_last_phase_cannot_be_dropped(group) -> None:
    plan = templates.editable_copy(group)
    assert templates.move_phase(plan, 0, -1).phases == plan.phases
    for _ in range(len(plan.phases) - 1):
        plan = templates.drop_phase(plan, 0)
    with pytest.raises(ValueError):
        templates.drop_phase(plan, 0)
    with pytest.raises(ValueError):
        templates.set_minutes(plan, 0, -5)


def test_each_saved_edit_bumps_the_groups_version(store, group) -> None:
    unchanged = templates.save_group_template(store, group, templates.editable_copy(group))
    assert unchanged.template is None
    first = templates.save_group_template(
        store, group, templates.set_minutes(templates.editable_copy(group), 0, 7)
    )
    assert first.template.version == 2 and store.group(group.id).template == first.template
    again = templates.save_group_template(store, first, templates.editable_copy(first))
    assert again.template.version == 2
    second = templates.save_group_template(
        store, first, templates.rename(templates.editable_copy(first), "Ours")
    )
    assert second.template.version == 3
    assert second.template.key == first.template.key == templates.group_copy_key(group)
    reset = templates.reset_to_shipped(store, second)
    assert store.group(group.id).template is None and reset.template is None


def test_describe_version_names_the_plan() -> None:
    template = shipped_template(Variant.PARANOIA_BELIEFS)
    assert templates.describe_version(template) == (
        "Paranoia and beliefs group (plan paranoia_beliefs, version 1)"
    )


def test_a_fresh_copy_is_not_the_shipped_object(group) -> None:
    copy = templates.editable_copy(group)
    copy.phases[0].prompts.append("changed")
    assert "changed" not in shipped_template(Variant.HEARING_VOICES).phases[0].prompts


# -- what saving a plan asks first ----------------------------------------------------------


def test_the_shipped_plan_is_saved_without_a_question(group: Group) -> None:
    assert templates.plan_question(templates.editable_copy(group), group) is None


def test_a_plan_cut_to_grounding_alone_is_asked_about_in_full(group: Group) -> None:
    plan = templates.editable_copy(group)
    while len(plan.phases) > 1:
        plan = templates.drop_phase(plan, 0)
    asked = templates.plan_question(plan, group)
    assert asked is not None
    assert "fills 5 of the group's 90 minutes" in asked
    assert "“Group agreement and confidentiality”" in asked
    assert "Save again (Ctrl+S)" in asked


@settings(max_examples=60, deadline=None)
@given(
    dropped=st.lists(st.integers(min_value=0, max_value=6), max_size=6),
    minutes=st.lists(st.integers(min_value=0, max_value=240), min_size=7, max_size=7),
    meeting=st.integers(min_value=15, max_value=240),
)
def test_any_plan_is_asked_about_exactly_when_it_strays_or_drops_the_agreement(
    dropped: list[int], minutes: list[int], meeting: int
) -> None:
    group = Group(
        name="Tuesday Voices",
        variant=Variant.HEARING_VOICES,
        pattern=MeetingPattern(weekday=1, minutes=meeting),
    )
    plan = templates.editable_copy(group)
    for index, value in enumerate(minutes):
        plan = templates.set_minutes(plan, index, value)
    for index in dropped:
        if len(plan.phases) > 1:
            plan = templates.drop_phase(plan, index % len(plan.phases))
    asked = templates.plan_question(plan, group)
    strays = abs(plan.total_minutes - meeting) > templates.PLAN_MINUTES_LEEWAY
    no_agreement = all(phase.key != "agreement" for phase in plan.phases)
    assert (asked is not None) == (strays or no_agreement)
    if asked is not None:
        assert (f"{plan.total_minutes} of the group's {meeting} minutes" in asked) == strays
        assert ("Group agreement" in asked) == no_agreement
