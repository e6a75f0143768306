"""A group's session plan: the shipped template for its kind, or its own changed copy.

Templates are data. A group that changes its plan gets a copy of the shipped template under a
key of its own (`Group.template`); every saved change bumps the copy's version, and each session
keeps the key and version it was run with. The functions that change a template are pure: they
return a new template and leave saving (and the version bump) to `save_group_template`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from voicesgroup.models import Group, Phase, SessionTemplate
from voicesgroup.shipped import shipped_template
from voicesgroup.store import Store

DEFAULT_VOCABULARY = {
    "experiences": "voices and other experiences",
    "experience_short": "experiences",
    "group_noun": "group",
}


@dataclass(frozen=True)
class Vocabulary:
    """A group's own words: e.g. "beliefs" rather than "voices"."""

    experiences: str
    experience_short: str
    group_noun: str


def template_for(group: Group) -> SessionTemplate:
    """The plan a group's sessions follow: its own copy, or the shipped one for its kind."""
    return group.template if group.template is not None else shipped_template(group.variant)


def vocabulary_for(group: Group) -> Vocabulary:
    """The group's words, falling back to its template's, then to neutral ones."""
    words = {**DEFAULT_VOCABULARY, **template_for(group).vocabulary, **group.vocabulary}
    return Vocabulary(words["experiences"], words["experience_short"], words["group_noun"])


def group_copy_key(group: Group) -> str:
    """The key of a group's own copy: the shipped key plus a short mark of the group."""
    return f"{shipped_template(group.variant).key}-{group.id.hex[:8]}"


def editable_copy(group: Group) -> SessionTemplate:
    """What the group edits: its own copy, or a fresh copy of the shipped template (version 1)."""
    if group.template is not None:
        return group.template
    shipped = shipped_template(group.variant)
    return shipped.model_copy(update={"key": group_copy_key(group), "version": 1}, deep=True)


def rename(template: SessionTemplate, name: str) -> SessionTemplate:
    """The template with a new name."""
    return _validated(template, name=name)


def rename_phase(template: SessionTemplate, index: int, title: str) -> SessionTemplate:
    """The template with phase `index` given a new title (its key stays, so rules still find it)."""
    return _with_phase(template, index, title=title)


def set_minutes(template: SessionTemplate, index: int, minutes: int) -> SessionTemplate:
    """The template with phase `index` planned to last `minutes`."""
    return _with_phase(template, index, minutes=minutes)


def set_round(template: SessionTemplate, index: int, is_round: bool) -> SessionTemplate:
    """The template with phase `index` made a round (everyone in turn) or not."""
    return _with_phase(template, index, is_round=is_round)


def set_prompts(template: SessionTemplate, index: int, prompts: list[str]) -> SessionTemplate:
    """The template with phase `index` given new prompts (blank lines dropped)."""
    tidy = [prompt.strip() for prompt in prompts if prompt.strip()]
    return _with_phase(template, index, prompts=tidy)


def move_phase(template: SessionTemplate, index: int, offset: int) -> SessionTemplate:
    """The template with phase `index` moved up (negative) or down; clamped at the ends."""
    phases = list(template.phases)
    target = max(0, min(len(phases) - 1, index + offset))
    phases.insert(target, phases.pop(index))
    return _validated(template, phases=phases)


def add_phase(
    template: SessionTemplate, after: int, title: str = "New part", minutes: int = 10
) -> SessionTemplate:
    """The template with a new phase after phase `after` (use -1 for the very start)."""
    taken = {phase.key for phase in template.phases}
    key = base = _slug(title) or "part"
    number = 2
    while key in taken:
        key = f"{base}_{number}"
        number += 1
    phases = list(template.phases)
    phases.insert(after + 1, Phase(key=key, title=title, minutes=minutes))
    return _validated(template, phases=phases)


def drop_phase(template: SessionTemplate, index: int) -> SessionTemplate:
    """The template without phase `index`; a plan keeps at least one phase."""
    if len(template.phases) <= 1:
        raise ValueError("A session plan needs at least one part")
    phases = [phase for number, phase in enumerate(template.phases) if number != index]
    return _validated(template, phases=phases)


def save_group_template(store: Store, group: Group, edited: SessionTemplate) -> Group:
    """Save `edited` as the group's own plan, one version up; unchanged, nothing is saved.

    The copy keeps the group's key, so sessions run with an earlier version still say which.
    """
    current = template_for(group)
    if group.template is not None and _same_plan(edited, current):
        return group
    if group.template is None and _same_plan(edited, shipped_template(group.variant)):
        return group
    base_version = group.template.version if group.template is not None else 1
    saved = _validated(edited, key=group_copy_key(group), version=base_version + 1)
    updated = group.with_changes(template=saved)
    store.save_group(updated)
    return updated


PLAN_MINUTES_LEEWAY = 15
"""How far a plan's minutes may stray from the group's meeting before saving asks: a plan a
quarter of an hour out is a choice; one that fills 5 of 90 minutes is more likely a slip."""

AGREEMENT_KEY = "agreement"
"""The part every shipped plan has: the group agreement and the limits of confidentiality,
gone through every time (PRODUCT: how a group works)."""


def plan_question(plan: SessionTemplate, group: Group) -> str | None:
    """What to ask before `plan` is saved for `group` (warn, then keep when saved again), or
    None: a plan far from the group's meeting length, or one without the group agreement
    that the shipped plan for its kind goes through every time."""
    problems = []
    meeting = group.pattern.minutes
    if abs(plan.total_minutes - meeting) > PLAN_MINUTES_LEEWAY:
        problems.append(f"fills {plan.total_minutes} of the group's {meeting} minutes")
    shipped = shipped_template(group.variant)
    agreement = next((phase for phase in shipped.phases if phase.key == AGREEMENT_KEY), None)
    if agreement is not None and all(phase.key != AGREEMENT_KEY for phase in plan.phases):
        problems.append(f"has no “{agreement.title}” part, which the group goes through every time")
    if not problems:
        return None
    return (
        f"This plan {' and '.join(problems)}. Save again (Ctrl+S) to keep it as it is, "
        "or change it first."
    )


def reset_to_shipped(store: Store, group: Group) -> Group:
    """Go back to the shipped plan for the group's kind (its own copy is dropped)."""
    if group.template is None:
        return group
    updated = group.with_changes(template=None)
    store.save_group(updated)
    return updated


def describe_version(template: SessionTemplate) -> str:
    """'Hearing voices group (plan hearing_voices, version 1)' — for history and headings."""
    return f"{template.name} (plan {template.key}, version {template.version})"


def _same_plan(one: SessionTemplate, other: SessionTemplate) -> bool:
    ignore = {"key", "version"}
    return one.model_dump(exclude=ignore) == other.model_dump(exclude=ignore)


def _with_phase(template: SessionTemplate, index: int, **changes: object) -> SessionTemplate:
    phases = list(template.phases)
    phases[index] = Phase.model_validate({**phases[index].model_dump(), **changes})
    return _validated(template, phases=phases)


def _validated(template: SessionTemplate, **changes: Any) -> SessionTemplate:
    data = template.model_dump()
    data.update(
        {
            key: [phase.model_dump() if isinstance(phase, Phase) else phase for phase in value]
            if key == "phases"
            else value
            for key, value in changes.items()
        }
    )
    return SessionTemplate.model_validate(data)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:30]
