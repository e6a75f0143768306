"""Cover: who could take over from a facilitator who can no longer come, best first.

Only people who keep every hard rule (asked of `rules`) are suggested. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from voicesgroup import dates
from voicesgroup.models import Facilitator, Group, RotaAssignment
from voicesgroup.rota import rules
from voicesgroup.rota.planner import RotaInputError
from voicesgroup.rota.reasons import clip, sessions_before


@dataclass(frozen=True)
class CoverSuggestion:
    """Someone who could take over from a facilitator who can no longer come."""

    facilitator_id: UUID
    name: str
    role: Literal["lead", "co"]
    why: str
    """What makes them a good cover, in a few phrases: 'free that day, 2 sessions before this,
    5 in all, …' (the first count is the one the rota's reasons give)."""

    @property
    def role_words(self) -> str:
        return "lead" if self.role == "lead" else "co-facilitate"

    @property
    def reason(self) -> str:
        """The whole sentence: 'Ana could lead: free that day, …'."""
        return clip(f"{self.name} could {self.role_words}: {self.why}")


MEETS_WOMEN_RULE = "meets the women facilitator rule"
"""Said of a cover who keeps a women-only pairing possible."""


_Rank = tuple[int, int, dt.date, bool, int, tuple[str, str, str]]
"""Who covers first: fewest sessions on the rota in all, fewest this month, longest since the
last, a pairing asked for, fewest sessions together, then by name."""


def _sort_key(facilitator: Facilitator) -> tuple[str, str, str]:
    return (facilitator.display_name.casefold(), facilitator.display_name, str(facilitator.id))


def suggest_cover(
    assignment: RotaAssignment,
    leaving_id: UUID,
    facilitators: Sequence[Facilitator],
    all_assignments: Sequence[RotaAssignment],
    groups: Sequence[Group],
) -> list[CoverSuggestion]:
    """Who could take over from `leaving_id` on `assignment`, best first.

    Only people who break no hard rule are suggested: every check is `rules`' own, on the
    rota with `leaving_id` taken off this session. They are ranked by load (fewest sessions
    in `all_assignments`, then fewest that month), then by who facilitated least recently,
    then by preference and new pairings, then by name.
    """
    if leaving_id not in (assignment.lead_id, assignment.co_id):
        raise RotaInputError(
            "That facilitator is not on this session, so there is no one to cover."
        )
    group = next((g for g in groups if g.id == assignment.group_id), None)
    if group is None:
        raise RotaInputError("The session's group is not in the list of groups.")
    by_id = {f.id: f for f in facilitators}
    group_names = {g.id: g.name for g in groups}
    staying_id = assignment.co_id if leaving_id == assignment.lead_id else assignment.lead_id
    staying = by_id.get(staying_id) if staying_id is not None else None
    leaving_role: Literal["lead", "co"] = "lead" if leaving_id == assignment.lead_id else "co"
    day = assignment.date
    others = [a for a in all_assignments if a.id != assignment.id]
    load = _load_of(others, day, staying_id, group_names)

    ranked: list[tuple[_Rank, CoverSuggestion]] = []
    for f in sorted(facilitators, key=_sort_key):
        if f.id in (leaving_id, staying_id):
            continue
        month_count = load.in_month.get(f.id, 0)
        if rules.person_breaks(
            f, day, elsewhere=load.elsewhere.get(f.id), month_others=month_count
        ) or rules.pair_breaks(f, staying, group):
            continue
        role, swaps = _role_for(f, staying, leaving_role)
        words = _cover_words(f, staying, group, load, day, (role, swaps))
        preferred = staying is not None and (
            rules.asked_to_pair(f, staying) or rules.asked_to_pair(staying, f)
        )
        key = (
            load.total.get(f.id, 0),
            month_count,
            load.last.get(f.id, dt.date.min),
            not preferred,
            load.together.get(f.id, 0),
            _sort_key(f),
        )
        ranked.append((key, CoverSuggestion(f.id, f.display_name, role, clip(", ".join(words)))))
    ranked.sort(key=lambda item: item[0])
    return [suggestion for _, suggestion in ranked]


@dataclass
class _Load:
    """What the rest of the rota asks of each facilitator, as cover is ranked and explained."""

    total: dict[UUID, int] = field(default_factory=dict)
    before: dict[UUID, int] = field(default_factory=dict)
    in_month: dict[UUID, int] = field(default_factory=dict)
    elsewhere: dict[UUID, str] = field(default_factory=dict)
    last: dict[UUID, dt.date] = field(default_factory=dict)
    together: dict[UUID, int] = field(default_factory=dict)


def _load_of(
    others: Sequence[RotaAssignment],
    day: dt.date,
    staying_id: UUID | None,
    group_names: dict[UUID, str],
) -> _Load:
    """Each facilitator's sessions on the rest of the rota, in one pass: in all, before `day`,
    that month, elsewhere that day, the last before it, and with the one staying."""
    load = _Load()
    for other in others:
        for person in {other.lead_id, other.co_id} - {None}:
            assert person is not None
            load.total[person] = load.total.get(person, 0) + 1
            if other.date < day:  # the count every reason gives: sessions before this one
                load.before[person] = load.before.get(person, 0) + 1
            if (other.date.year, other.date.month) == (day.year, day.month):
                load.in_month[person] = load.in_month.get(person, 0) + 1
            if other.date == day:
                load.elsewhere.setdefault(person, group_names.get(other.group_id, "another group"))
            if other.date < day and (person not in load.last or other.date > load.last[person]):
                load.last[person] = other.date
        if staying_id is not None and staying_id in (other.lead_id, other.co_id):
            mate = other.co_id if other.lead_id == staying_id else other.lead_id
            if mate is not None:
                load.together[mate] = load.together.get(mate, 0) + 1
    return load


def _role_for(
    f: Facilitator, staying: Facilitator | None, leaving_role: Literal["lead", "co"]
) -> tuple[Literal["lead", "co"], bool]:
    """The role a cover takes, and whether the one staying must swap: a trainee never leads."""
    if staying is None:
        return "lead", False
    if rules.is_trainee(f):
        return "co", leaving_role == "lead"
    if rules.is_trainee(staying):
        return "lead", leaving_role == "co"
    return leaving_role, False


def _cover_words(
    f: Facilitator,
    staying: Facilitator | None,
    group: Group,
    load: _Load,
    day: dt.date,
    role_swaps: tuple[Literal["lead", "co"], bool],
) -> list[str]:
    """The phrases that say why `f` could cover, so the coordinator can see the reasoning."""
    role, swaps = role_swaps
    month_count = load.in_month.get(f.id, 0)
    words = [
        "free that day",
        f"{sessions_before(load.before.get(f.id, 0))}, {load.total.get(f.id, 0)} in all",
        (
            f"{month_count} this month (limit {f.max_per_month})"
            if f.max_per_month is not None
            else f"{month_count} this month"
        ),
    ]
    if f.id in load.last:
        last = load.last[f.id]
        words.append(f"last on {dates.date(last, year=last.year != day.year)}")
    else:
        words.append("no earlier session")
    if staying is not None:
        if rules.is_trainee(staying):
            words.append(f"experienced, so can lead beside {staying.display_name} (in training)")
        elif rules.is_trainee(f):
            words.append(f"in training, with {staying.display_name} as experienced lead")
        for asking, asked in ((f, staying), (staying, f)):
            if rules.asked_to_pair(asking, asked):
                words.append(f"{asking.display_name} asked to work with {asked.display_name}")
        if load.together.get(f.id, 0) == 0:
            words.append(f"a new pairing with {staying.display_name}")
        if group.women_facilitator_rule and f.is_woman is True and staying.is_woman is not True:
            words.append(MEETS_WOMEN_RULE)
        if swaps:
            words.append(
                f"{staying.display_name} would {'lead' if role == 'co' else 'co-facilitate'}"
            )
    elif group.women_facilitator_rule:
        words.append(MEETS_WOMEN_RULE)
    return words
