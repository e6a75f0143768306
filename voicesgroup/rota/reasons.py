"""Why each session of the rota has the people it has: facts about the rota as it stands.

A reason is worked out from the whole rota (published and draft sessions, every group) and
says only what is true of it now: who leads and when each of the two last led, how many
sessions each had before this one and whether that is the fewest among everyone free that
day, whether the pair is new, who asked to work with whom, the women facilitator rule, and
for someone in training whether this experienced partner is new to them. An open place names,
for each active facilitator not on the session, the hard rule that stops them (in the words
of `rules`), or says they could take it. The planner writes reasons this way, and the service
works them out again after every change (publish, swap, cover, a place left open), so a
reason never describes an earlier pair.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from uuid import UUID

from voicesgroup import dates
from voicesgroup.models import Facilitator, Group, RotaAssignment
from voicesgroup.rota import rules

LIMIT = 1000
"""The longest reason a rota assignment holds."""


NOT_PROVEN = "Best found, not proven: the planner stopped at its time limit."
"""The label a planned session's reason begins with when the solver's safety net was reached
(see `planner`); it stays when the reason is worked out again."""


def clip(reason: str) -> str:
    return reason if len(reason) <= LIMIT else reason[: LIMIT - 1] + "…"


def labelled(before: str | None, reason: str) -> str:
    """`reason`, keeping the "not proven" label `before` began with."""
    if before and before.startswith(NOT_PROVEN) and not reason.startswith(NOT_PROVEN):
        return clip(f"{NOT_PROVEN} {reason}")
    return reason


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def sessions_before(n: int) -> str:
    """'3 sessions before this': the count of someone's sessions before a session, as cover
    says it (the reasons say 'Before this: Rosa 3 sessions', the same count)."""
    return f"{_sessions(n)} before this"


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


class RotaIndex:
    """The rota as it stands, indexed for the questions reasons ask."""

    def __init__(
        self,
        assignments: Iterable[RotaAssignment],
        facilitators: Sequence[Facilitator],
        groups: Sequence[Group],
    ) -> None:
        self.items = list(assignments)
        self.people = {f.id: f for f in facilitators}
        self.groups = {g.id: g for g in groups}
        self.order = sorted(
            (f for f in facilitators if f.active),
            key=lambda f: (f.display_name.casefold(), f.display_name, str(f.id)),
        )
        self.on_dates: dict[UUID, list[dt.date]] = {}
        self.led_dates: dict[UUID, list[dt.date]] = {}
        self.on_day: dict[tuple[UUID, dt.date], list[RotaAssignment]] = {}
        self.in_month: dict[tuple[UUID, int, int], int] = {}
        self.together: dict[frozenset[UUID], list[tuple[dt.date, str]]] = {}
        self.beside: dict[UUID, list[tuple[dt.date, UUID]]] = {}
        """Per person in training: (date, lead) for each session they co-facilitate."""
        for item in self.items:
            ids = [i for i in (item.lead_id, item.co_id) if i is not None]
            for fid in dict.fromkeys(ids):
                self.on_dates.setdefault(fid, []).append(item.date)
                self.on_day.setdefault((fid, item.date), []).append(item)
                key = (fid, item.date.year, item.date.month)
                self.in_month[key] = self.in_month.get(key, 0) + 1
            if item.lead_id is not None:
                self.led_dates.setdefault(item.lead_id, []).append(item.date)
            if len(set(ids)) == 2:
                group = self.groups.get(item.group_id)
                kind = group.variant.label if group else ""
                self.together.setdefault(frozenset(ids), []).append((item.date, kind))
                if item.co_id is not None and item.lead_id is not None:
                    self.beside.setdefault(item.co_id, []).append((item.date, item.lead_id))
        for table in (self.on_dates, self.led_dates):
            for found in table.values():
                found.sort()
        for pairs in self.together.values():
            pairs.sort()
        for seen in self.beside.values():
            seen.sort(key=lambda pair: (pair[0], str(pair[1])))
        self._free: dict[dt.date, list[Facilitator]] = {}

    def before(self, fid: UUID, day: dt.date) -> int:
        """Sessions `fid` holds before `day`."""
        return bisect.bisect_left(self.on_dates.get(fid, []), day)

    def last_led(self, fid: UUID, day: dt.date) -> dt.date | None:
        led = self.led_dates.get(fid, [])
        k = bisect.bisect_left(led, day)
        return led[k - 1] if k else None

    def elsewhere(self, fid: UUID, item: RotaAssignment) -> str | None:
        """The group of another session `fid` holds on `item`'s day, if any."""
        for other in self.on_day.get((fid, item.date), []):
            if other.id != item.id:
                group = self.groups.get(other.group_id)
                return group.name if group else "another group"
        return None

    def month_others(self, fid: UUID, item: RotaAssignment) -> int:
        """Sessions `fid` holds in `item`'s month, not counting `item`."""
        held = self.in_month.get((fid, item.date.year, item.date.month), 0)
        return held - (fid in (item.lead_id, item.co_id))

    def person_breaks(self, person: Facilitator, item: RotaAssignment) -> list[rules.Break]:
        return rules.person_breaks(
            person,
            item.date,
            elsewhere=self.elsewhere(person.id, item),
            month_others=self.month_others(person.id, item),
        )

    def free_on(self, day: dt.date) -> list[Facilitator]:
        """Active people with no session on `day` who could take one (available, under
        their monthly limit): `rules.may_take`, asked once per day."""
        found = self._free.get(day)
        if found is None:
            found = [
                f
                for f in self.order
                if rules.may_take(
                    f,
                    day,
                    busy=(f.id, day) in self.on_day,
                    month_others=self.in_month.get((f.id, day.year, day.month), 0),
                )
            ]
            self._free[day] = found
        return found


def _date(day: dt.date, near: dt.date) -> str:
    return dates.date(day, year=day.year != near.year)


def explain(item: RotaAssignment, index: RotaIndex) -> str:
    """The reason for one assignment, true of the rota in `index`."""
    group = index.groups.get(item.group_id)
    lead = index.people.get(item.lead_id) if item.lead_id else None
    co = index.people.get(item.co_id) if item.co_id else None
    present = [p for p in (lead, co) if p is not None]
    parts: list[str] = []
    if lead is not None:
        parts.append(_lead_words(item, lead, co, index))
    elif co is not None:
        parts.append(f"{co.display_name} co-facilitates")
    if present:
        parts.append(_load_words(item, present, index))
    if lead is not None and co is not None:
        parts.extend(_pair_words(item, lead, co, group, index))
    elif group is not None:
        parts.append(_open_words(item, present[0] if present else None, group, index))
    return clip(" ".join(part if part.endswith(".") else part + "." for part in parts))


def _lead_words(
    item: RotaAssignment, lead: Facilitator, co: Facilitator | None, index: RotaIndex
) -> str:
    name = lead.display_name
    if co is not None and rules.is_trainee(co):
        return f"{name} leads beside {co.display_name}, who is in training"
    mine = index.last_led(lead.id, item.date)
    mine_words = f"last led {_date(mine, item.date)}" if mine else "has not led before"
    if co is None or rules.is_trainee(lead):
        return f"{name} leads ({mine_words})"
    theirs = index.last_led(co.id, item.date)
    theirs_words = (
        f"{co.display_name} last led {_date(theirs, item.date)}"
        if theirs
        else f"{co.display_name} has not led before"
    )
    rotated = (mine is None and theirs is not None) or (
        mine is not None and theirs is not None and mine < theirs
    )
    turn = ": led less recently" if rotated else ""
    return f"{name} leads{turn} ({mine_words}; {theirs_words})"


def _load_words(item: RotaAssignment, present: list[Facilitator], index: RotaIndex) -> str:
    counts = [(p, index.before(p.id, item.date)) for p in present]
    words = ", ".join(f"{p.display_name} {_sessions(n)}" for p, n in counts)
    text = f"Before this: {words}"
    others = [index.before(f.id, item.date) for f in index.free_on(item.date)]
    fewest = [p.display_name for p, n in counts if all(n <= m for m in others)]
    if not others:
        text += "; nobody else was free that day"
    elif fewest:
        who = " and ".join(fewest)
        text += f"; {who} {'has' if len(fewest) == 1 else 'have'} the fewest among the "
        text += f"{len(others) + len(present)} free that day"
    return text


def _pair_words(
    item: RotaAssignment,
    lead: Facilitator,
    co: Facilitator,
    group: Group | None,
    index: RotaIndex,
) -> list[str]:
    words: list[str] = []
    earlier = [
        (day, kind)
        for day, kind in index.together.get(frozenset((lead.id, co.id)), [])
        if day < item.date
    ]
    if rules.is_trainee(co):
        words.append(_trainee_words(item, co, lead, group, earlier, index))
    elif earlier:
        words.append(f"Together {_times(len(earlier))} before")
    else:
        words.append("A new pairing")
    for one, other in ((lead, co), (co, lead)):
        if rules.asked_to_pair(one, other):
            words.append(f"{one.display_name} asked to work with {other.display_name}")
    if group is not None and group.women_facilitator_rule:
        women = [p.display_name for p in (lead, co) if p.is_woman is True]
        if women:
            words.append(
                f"{' and '.join(women)} meet{'s' if len(women) == 1 else ''} "
                "the group's women facilitator rule"
            )
    return words


def _trainee_words(
    item: RotaAssignment,
    trainee: Facilitator,
    lead: Facilitator,
    group: Group | None,
    earlier: list[tuple[dt.date, str]],
    index: RotaIndex,
) -> str:
    seen = [who for day, who in index.beside.get(trainee.id, []) if day < item.date]
    partners = {who for who in seen if who != lead.id}
    others = f"{len(partners)} other experienced partner{'s' if len(partners) != 1 else ''}"
    name, lead_name = trainee.display_name, lead.display_name
    if not earlier:
        return f"{name}, in training, has not worked beside {lead_name} before ({others} so far)"
    kind = group.variant.label if group else ""
    text = f"{name}, in training, has worked beside {lead_name} {_times(len(earlier))} before"
    if kind and all(k != kind for _, k in earlier):
        text += f", never on a {kind} group"
    return text + f" ({others} so far)"


def _open_words(
    item: RotaAssignment, present: Facilitator | None, group: Group, index: RotaIndex
) -> str:
    place = (
        "Open"
        if present is None
        else "Co-facilitator place open"
        if item.lead_id is not None
        else "Lead place open"
    )
    stopped: list[str] = []
    could: list[str] = []
    free_not_alone: list[Facilitator] = []
    for person in index.order:
        if present is not None and person.id == present.id:
            continue
        found = index.person_breaks(person, item)
        if not found:
            found = rules.pair_breaks(person, present, group)
            if not found:
                could.append(person.display_name)
                continue
            if present is None:
                free_not_alone.append(person)
        stopped.extend(b.sentence for b in found)
    if present is None and not could:
        # Nobody may hold it alone; say so if two of them could hold it together.
        for k, one in enumerate(free_not_alone):
            for other in free_not_alone[k + 1 :]:
                if not rules.pair_breaks(one, other, group):
                    could.append(f"{one.display_name} with {other.display_name}")
    if not stopped and not could:
        return f"{place}: nobody else is on the facilitator list"
    text = f"{place}:"
    if could:
        text += f" {', '.join(could)} could take it."
    if stopped:
        text += " " + " ".join(stopped)
    return text


def explain_all(
    assignments: Sequence[RotaAssignment],
    facilitators: Sequence[Facilitator],
    groups: Sequence[Group],
    only: Iterable[UUID] | None = None,
) -> dict[UUID, str]:
    """The reason for each assignment (or those in `only`), against the whole rota."""
    index = RotaIndex(assignments, facilitators, groups)
    wanted = set(only) if only is not None else None
    return {
        item.id: explain(item, index) for item in index.items if wanted is None or item.id in wanted
    }
