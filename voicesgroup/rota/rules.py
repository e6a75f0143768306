"""The rota's hard rules, each written once: a check, the one sentence that explains a break,
and (for the rules about who is on a session together) the constraint the solver is given.

The planner's model (`model`, solved by `solver`), the reasons for open places, cover, the
review and every change's checks all ask these functions; no other module words or encodes a
hard rule. A rule about who is on a session together is added to `SESSION_RULES` and nowhere
else.

The rules, for someone placed on a session of a group on a day:

- `not_facilitating_yet`: nobody is placed before they begin shadowing (the path);
- `inactive`: only active facilitators are placed;
- `weekday`: never on a weekday they are not available;
- `away`: never on a day inside one of their dates off;
- `same_day`: at most one session a day, across all groups;
- `month_limit`: at most `max_per_month` sessions in a calendar month (0 means none);
- `trainee_leads`: someone in training never leads;
- `trainee_partner`: someone in training is always beside an experienced facilitator;
- `avoid`: two people where either asked not to be paired with the other are never paired;
- `women`: where the group asks for a woman facilitator, at least one of the people on the
  session is down as a woman (also when only one place is filled);
- `twice`, `unknown`: one person cannot hold both places; everyone placed must be on the list.

Every sentence begins with fixed words, then names who it is about and states a fact ("Away
1 Jan 2027 to 9 Jan 2027: Sol."), so a name is shown as it was typed and the sentence reads
the same in a refusal ("Not changed: …"), in the review and beside an open place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from voicesgroup import dates
from voicesgroup.kinds import WEEKDAYS, PathStage, TrainingStatus
from voicesgroup.models import Facilitator, Group


@dataclass(frozen=True)
class Break:
    """One hard rule broken (or that would be), with the sentence that says so."""

    rule: str
    sentence: str


def _span(start: dt.date, end: dt.date) -> str:
    if start == end:
        return dates.date(start)
    return f"{dates.date(start)} to {dates.date(end)}"


def is_trainee(person: Facilitator) -> bool:
    return person.training is TrainingStatus.IN_TRAINING


def is_experienced(person: Facilitator) -> bool:
    return person.training is TrainingStatus.EXPERIENCED


def asked_not_to_pair(asker: Facilitator, other: Facilitator) -> bool:
    """True when `asker` asked not to be paired with `other` (one-sided)."""
    return other.id in asker.avoids


def asked_to_pair(asker: Facilitator, other: Facilitator) -> bool:
    """True when `asker` asked to work with `other` (one-sided, a preference only)."""
    return other.id in asker.prefers


# --------------------------------------------------------------------------------------------
# One person on one day


def asked_both_ways(
    prefers: Iterable[UUID], avoids: Iterable[UUID], names: Mapping[UUID, str]
) -> str | None:
    """The sentence when someone is both asked for and asked against as a partner; else None."""
    avoided = set(avoids)
    both = [names.get(other, "someone") for other in prefers if other in avoided]
    return f"{' and '.join(both)} cannot be in both lists." if both else None


ON_THE_ROTA_FROM = frozenset({PathStage.SHADOWING, PathStage.SIGNED_OFF})
"""The stages of the facilitators' path at which someone is placed on the rota: nobody is
placed before they begin shadowing (someone with no path record came before the path)."""


def on_the_rota_yet(stage: PathStage | None) -> bool:
    """Whether someone at `stage` of the path (None: no path record) may be placed at all."""
    return stage is None or stage in ON_THE_ROTA_FROM


def not_facilitating_yet(person: Facilitator, stage: PathStage | None) -> Break | None:
    """`on_the_rota_yet` as a break: someone interested or on the course is on no session,
    on the rota or started in the room."""
    if stage is None or on_the_rota_yet(stage):
        return None
    return Break(
        "path",
        f"Not facilitating yet: {person.display_name} is {stage.label}, and people join "
        "sessions once they begin shadowing.",
    )


def inactive(person: Facilitator) -> Break | None:
    if person.active:
        return None
    return Break("inactive", f"Not facilitating at the moment: {person.display_name}.")


def may_take(person: Facilitator, day: dt.date, *, busy: bool, month_others: int) -> bool:
    """True when none of `person_breaks` applies."""
    return not person_breaks(
        person, day, elsewhere="another session" if busy else None, month_others=month_others
    )


def unavailable(person: Facilitator, day: dt.date) -> Break | None:
    """The weekday rule, then dates off."""
    if day.weekday() in person.unavailable_weekdays:
        return Break(
            "weekday",
            f"Not available on {WEEKDAYS[day.weekday()]}s: {person.display_name}.",
        )
    for off in person.dates_off:
        if day in off:
            return Break("away", f"Away {_span(off.start, off.end)}: {person.display_name}.")
    return None


DAY_LIMIT = 1
"""Sessions anyone holds in one day, across all groups (`same_day`)."""


def month_room(person: Facilitator, others: int) -> int | None:
    """Places left to `person` in a month where they hold `others` sessions (None: no limit)."""
    limit = person.max_per_month
    return None if limit is None else max(limit - others, 0)


def same_day(person: Facilitator, where: str | None, day: dt.date) -> Break | None:
    """`where` names their other session that day ('Voices'), or None when there is none."""
    if where is None:
        return None
    return Break(
        "same_day", f"Already on a session on {dates.day(day)} ({where}): {person.display_name}."
    )


def month_limit(person: Facilitator, others: int, day: dt.date) -> Break | None:
    """`others`: their sessions in `day`'s month besides this one."""
    room = month_room(person, others)
    if room is None or room > 0:
        return None
    limit = person.max_per_month
    if limit == 0:
        return Break("month_limit", f"No sessions, a limit of 0 a month: {person.display_name}.")
    return Break(
        "month_limit",
        f"A limit of {limit} a month reached: {person.display_name} has {others} other "
        f"session{'s' if others != 1 else ''} in {dates.month(day)}.",
    )


def person_breaks(
    person: Facilitator, day: dt.date, *, elsewhere: str | None, month_others: int
) -> list[Break]:
    """Every rule about one person on one day: active, available, one a day, monthly limit."""
    found = [
        inactive(person),
        unavailable(person, day),
        same_day(person, elsewhere, day),
        month_limit(person, month_others, day),
    ]
    return [each for each in found if each is not None]


# --------------------------------------------------------------------------------------------
# The people on one session


def trainee_leads(lead: Facilitator) -> Break | None:
    if not is_trainee(lead):
        return None
    return Break(
        "trainee_leads",
        f"In training, so cannot lead: {lead.display_name}; someone experienced leads.",
    )


def trainee_partner(person: Facilitator, partner: Facilitator | None) -> Break | None:
    """`person` in training beside `partner` (None: nobody beside them)."""
    if not is_trainee(person) or (partner is not None and is_experienced(partner)):
        return None
    beside = (
        "nobody experienced is beside them"
        if partner is None
        else f"{partner.display_name} is {partner.training.label}"
    )
    return Break(
        "trainee_partner",
        f"An experienced partner is needed beside {person.display_name}, who is in training; "
        f"{beside}.",
    )


def avoid(one: Facilitator, other: Facilitator) -> Break | None:
    """Either asked not to be paired with the other; the sentence says who asked."""
    for asker, rest in ((one, other), (other, one)):
        if asked_not_to_pair(asker, rest):
            both = asked_not_to_pair(rest, asker)
            joined = ", each with the other" if both else ""
            who = f"{asker.display_name} {'and' if both else 'with'} {rest.display_name}{joined}"
            return Break("avoid", f"Asked not to be paired: {who}.")
    return None


def women(group: Group, people: list[Facilitator]) -> Break | None:
    """The women facilitator rule, for whoever is on the session (nobody: no break)."""
    if not group.women_facilitator_rule or not people:
        return None
    if any(person.is_woman is True for person in people):
        return None
    names = " nor ".join(p.display_name for p in people)
    who = f"neither {names} is" if len(people) > 1 else f"{names} is not"
    return Break(
        "women", f"A woman facilitator is asked for by {group.name}, and {who} down as one."
    )


# --------------------------------------------------------------------------------------------
# The rules about the people on one session, each stated once: its check, and the constraint
# the planner's solver is given. A constraint speaks of the people who could be on a session:
# `AtMost` caps how many of some people are on it; `Needs` says that each of some people on it
# has one of some others beside them. A session holds at most two people, so these say
# everything the rules need (a trainee's partner, the women facilitator rule, "rather not").


@dataclass(frozen=True)
class AtMost:
    """At most `most` of `people` are on the session."""

    people: frozenset[UUID]
    most: int


@dataclass(frozen=True)
class Needs:
    """Whoever of `people` is on the session has one of `any_of` beside them (the two sets
    never meet). With two places this is: as many of `any_of` on it as of `people`."""

    people: frozenset[UUID]
    any_of: frozenset[UUID]


Constraint = AtMost | Needs


@dataclass(frozen=True)
class SessionRule:
    """One rule about who is on a session together.

    `breaks(lead, co, group)` checks a session as it stands (either may be None: an open
    place); `constrain(group, people)` gives the solver the same rule over everyone who could
    be on a session of `group`. `about_roles` marks a rule that depends on who leads. `group`
    is None for a session whose group is gone: a rule that needs it finds no break then.
    """

    name: str
    breaks: Callable[[Facilitator | None, Facilitator | None, Group | None], list[Break]]
    constrain: Callable[[Group, Sequence[Facilitator]], list[Constraint]]
    about_roles: bool = False


def _present(lead: Facilitator | None, co: Facilitator | None) -> list[Facilitator]:
    return [p for p in (lead, co) if p is not None]


def _found(*found: Break | None) -> list[Break]:
    return [each for each in found if each is not None]


def _ids(people: Iterable[Facilitator]) -> frozenset[UUID]:
    return frozenset(p.id for p in people)


def _trainee_leads_breaks(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[Break]:
    return _found(trainee_leads(lead)) if lead is not None else []


def _someone_leads(group: Group, people: Sequence[Facilitator]) -> list[Constraint]:
    # Roles are given once the pair is chosen: a pair can be given roles when one of them may
    # lead, so someone in training is on a session only beside someone who may.
    leaders = _ids(p for p in people if trainee_leads(p) is None)
    return [Needs(_ids(people) - leaders, leaders)]


def _partner_breaks(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[Break]:
    present = _present(lead, co)
    if len(present) == 1:
        return _found(trainee_partner(present[0], None))
    if len(present) == 2:
        return _found(
            trainee_partner(present[0], present[1]), trainee_partner(present[1], present[0])
        )
    return []


def _partner_constraints(group: Group, people: Sequence[Facilitator]) -> list[Constraint]:
    return [Needs(_ids(filter(is_trainee, people)), _ids(filter(is_experienced, people)))]


def _avoid_breaks(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[Break]:
    return _found(avoid(lead, co)) if lead is not None and co is not None else []


def _avoid_constraints(group: Group, people: Sequence[Facilitator]) -> list[Constraint]:
    here = _ids(people)
    pairs = {
        frozenset((p.id, other))
        for p in people
        for other in p.avoids
        if other in here and other != p.id
    }
    return [AtMost(pair, 1) for pair in sorted(pairs, key=lambda pair: sorted(map(str, pair)))]


def _women_breaks(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[Break]:
    return _found(women(group, _present(lead, co))) if group is not None else []


def _women_constraints(group: Group, people: Sequence[Facilitator]) -> list[Constraint]:
    if not group.women_facilitator_rule:
        return []
    found = _ids(p for p in people if p.is_woman is True)
    return [Needs(_ids(people) - found, found)]


SESSION_RULES: list[SessionRule] = [
    SessionRule("trainee_leads", _trainee_leads_breaks, _someone_leads, about_roles=True),
    SessionRule("trainee_partner", _partner_breaks, _partner_constraints),
    SessionRule("avoid", _avoid_breaks, _avoid_constraints),
    SessionRule("women", _women_breaks, _women_constraints),
]
"""Every rule about who is on a session together, in the order their sentences are given.
A rule added here is checked by the review, cover and every change, and kept by the planner."""


def session_constraints(group: Group, people: Sequence[Facilitator]) -> list[Constraint]:
    """Every session rule's constraint for a session of `group` that `people` could be on."""
    return [each for rule in SESSION_RULES for each in rule.constrain(group, people)]


def pair_breaks(one: Facilitator, other: Facilitator | None, group: Group | None) -> list[Break]:
    """Every rule about who is on a session together (roles aside): `other` None means alone."""
    if other is not None and one.id == other.id:
        return [
            Break(
                "twice",
                f"Both lead and co-facilitator, which one person cannot be: {one.display_name}.",
            )
        ]
    return [
        each
        for rule in SESSION_RULES
        if not rule.about_roles
        for each in rule.breaks(one, other, group)
    ]


def session_breaks(
    lead: Facilitator | None, co: Facilitator | None, group: Group | None
) -> list[Break]:
    """Every rule about the pair on a session, with their roles (`group` None: it is gone)."""
    if lead is not None and co is not None and lead.id == co.id:
        return pair_breaks(lead, co, group)
    return [each for rule in SESSION_RULES for each in rule.breaks(lead, co, group)]


def may_pair(one: Facilitator, other: Facilitator, group: Group) -> bool:
    """Whether two people may run a session of `group` together (one of them leading)."""
    return not pair_breaks(one, other, group)


def may_hold_alone(person: Facilitator, group: Group) -> bool:
    """Whether someone may hold a session with the other place open (they lead)."""
    return not pair_breaks(person, None, group)


def counted_for_spread(
    sessions: Iterable[tuple[Group | None, Sequence[Facilitator]]], holding: Iterable[UUID]
) -> set[UUID]:
    """Who counts for the spread (README, "Rotas"), for the planner and the review alike:
    everyone in `holding` (they hold one of the sessions), and everyone who could fill at least
    one of them, each session taken on its own: free that day (each session comes with the
    people free for it) and allowed alone, or beside someone else free for it."""
    found = set(holding)
    allowed: dict[tuple[UUID | None, UUID, UUID | None], bool] = {}

    def ok(group: Group | None, one: Facilitator, other: Facilitator | None) -> bool:
        key = (group.id if group else None, one.id, other.id if other else None)
        if key not in allowed:
            allowed[key] = not pair_breaks(one, other, group)
        return allowed[key]

    for group, free in sessions:
        for person in free:
            if person.id in found:
                continue
            if ok(group, person, None) or any(
                other.id != person.id and ok(group, person, other) for other in free
            ):
                found.add(person.id)
    return found


UNKNOWN = Break("unknown", "Someone on this session is no longer on the facilitator list.")
