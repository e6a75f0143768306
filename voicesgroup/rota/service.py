"""The stored rota, as the app and the command line use it: the store-facing service around the
pure parts of `voicesgroup.rota` (planner, reasons, cover, review, rules).

Here live the rules about *the stored rota*:

- Generating replaces the DRAFT sessions of the chosen groups in the chosen weeks and keeps
  every PUBLISHED one: those are the planner's `keep` (never planned again; they count for
  limits, days, the spread and lead rotation). Everything else that stays on the rota
  (sessions before the start, other groups' drafts) is the planner's history.
- Every reason on the rota is true of the rota as it stands: after any change (generating,
  publishing, a swap, cover, a place left open) the reasons are worked out again.
- Publishing turns drafts into the rota people rely on. Every change to a session (publishing,
  a swap, cover, a place left open) appends a line to its history.
- A change may not add a rule break: it is checked against the hard rules (`rules`) before
  and after, and refused with the rule's own sentence when it would break one that was not
  already broken.

No Textual here: the UI and the CLI both call these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from voicesgroup import dates, rota
from voicesgroup.errors import VoicesGroupError
from voicesgroup.kinds import WEEKDAYS
from voicesgroup.models import (
    Facilitator,
    Group,
    RotaAssignment,
    RotaChange,
    RotaStatus,
)
from voicesgroup.rota import reasons
from voicesgroup.rota.cover import CoverSuggestion
from voicesgroup.rota.planner import check_facilitators, check_groups, check_weeks
from voicesgroup.rota.review import session_breaks
from voicesgroup.rota.reviewing import calendar_file as calendar_file
from voicesgroup.rota.reviewing import review_rota as review_rota
from voicesgroup.rota.reviewing import rota_span as rota_span
from voicesgroup.rota.reviewing import sessions_actual as sessions_actual
from voicesgroup.rota.words import Role as Role
from voicesgroup.rota.words import availability_words as availability_words
from voicesgroup.rota.words import day_words as day_words
from voicesgroup.rota.words import parse_date as parse_date
from voicesgroup.rota.words import parse_weeks as parse_weeks
from voicesgroup.rota.words import role_words as role_words
from voicesgroup.rota.words import short_day as short_day
from voicesgroup.store import Store

DEFAULT_WEEKS = 8


class RotaChangeRefused(VoicesGroupError):
    """A change to the rota would break a hard rule; the message says which, in words."""


# --------------------------------------------------------------------------------------------
# Reading what people type


# --------------------------------------------------------------------------------------------
# Generating


@dataclass(frozen=True)
class GenerateRequest:
    """What to plan: one group (or all when `group_id` is None), `weeks` weeks from `start`."""

    group_id: UUID | None
    start: dt.date
    weeks: int

    @property
    def end(self) -> dt.date:
        """The first day after the planned weeks."""
        return self.start + dt.timedelta(weeks=self.weeks)


@dataclass(frozen=True)
class PreparedGeneration:
    """Everything `rota.generate` needs, read from the store, plus what the result replaces."""

    request: GenerateRequest
    groups: list[Group]
    facilitators: list[Facilitator]
    history: list[RotaAssignment]
    """The rest of the rota: counts for limits, days and rotation."""
    keep: list[RotaAssignment]
    """Published sessions inside the planned weeks: kept as they are, never planned again."""
    replaced_ids: list[UUID]

    @property
    def label(self) -> str:
        """'all groups' or the group's name."""
        if self.request.group_id is None:
            return "all groups"
        return self.groups[0].name


@dataclass(frozen=True)
class GenerateOutcome:
    """What generating did to the stored rota."""

    label: str
    start: dt.date
    end: dt.date
    added: list[RotaAssignment]
    open_sessions: list[RotaAssignment]
    replaced: int
    kept_published: int
    spread: int
    published: bool
    proven: bool = True
    """False when the planner's time limit was reached: the best rota found, not proven."""

    def summary(self) -> str:
        """One or two sentences for a notification or the terminal."""
        last = self.end - dt.timedelta(days=1)
        state = "published" if self.published else "drafts until published"
        words = (
            f"Planned {len(self.added)} session{'s' if len(self.added) != 1 else ''} for "
            f"{self.label}, {day_words(self.start)} to {day_words(last)} ({state})."
        )
        if self.kept_published:
            words += f" Kept {self.kept_published} already published."
        if self.open_sessions:
            count = len(self.open_sessions)
            words += f" {count} still need{'s' if count == 1 else ''} a facilitator."
        else:
            words += " Every place is filled."
        words += f" Spread {self.spread} (most sessions minus fewest)."
        return words if self.proven else f"{words} {reasons.NOT_PROVEN}"


class AlreadyPublished(rota.RotaInputError):
    """Every session in the chosen weeks is already published; `first_open` is the first
    meeting after them without a published session (None when none is in reach)."""

    def __init__(self, message: str, first_open: dt.date | None) -> None:
        super().__init__(message)
        self.first_open = first_open


def _covered_words(days: list[dt.date]) -> str:
    if len(days) <= 4:
        return ", ".join(dates.day(d, year=False) for d in days)
    return f"{dates.day(days[0], year=False)} to {dates.day(days[-1], year=False)}"


def first_open_date(
    store: Store, group_id: UUID | None, start: dt.date, *, weeks: int = rota.MAX_WEEKS
) -> dt.date | None:
    """The first meeting on or after `start` (of one group, or any) with no published session."""
    groups = store.groups() if group_id is None else [store.group(group_id)]
    published = {
        (item.group_id, item.date) for item in store.rota() if item.status is RotaStatus.PUBLISHED
    }
    for session in rota.sessions_for(groups, start, weeks):
        if (session.group_id, session.date) not in published:
            return session.date
    return None


def plan_start(store: Store, group_id: UUID | None, today: dt.date) -> dt.date:
    """Where planning starts by default: today, unless the meetings from today are already
    published, then the first meeting that is not."""
    groups = store.groups() if group_id is None else [store.group(group_id)]
    published = {
        (item.group_id, item.date) for item in store.rota() if item.status is RotaStatus.PUBLISHED
    }
    for session in rota.sessions_for(groups, today, rota.MAX_WEEKS):
        if (session.group_id, session.date) in published:
            return first_open_date(store, group_id, today) or today
        return today
    return today


def prepare_generation(store: Store, request: GenerateRequest) -> PreparedGeneration:
    """Read the groups, facilitators and kept rota for `request` (nothing is changed yet).

    Raises `rota.RotaInputError` (one sentence) for an impossible request, and
    `AlreadyPublished` (naming the dates covered and the first open one) when every session
    in the chosen weeks is already published.
    """
    check_weeks(request.weeks)
    if request.group_id is None:
        groups = store.groups()
        check_groups(groups)
    else:
        group = store.group(request.group_id)
        if group.archived:
            raise rota.RotaInputError(f"{group.name} is archived, so there is nothing to plan.")
        groups = [group]
    facilitators = rosterable(store)
    check_facilitators(facilitators)
    chosen = {group.id for group in groups}
    start, end = request.start, request.end

    replaced: list[RotaAssignment] = []
    keep: list[RotaAssignment] = []
    history: list[RotaAssignment] = []
    for item in store.rota():
        in_range = item.group_id in chosen and start <= item.date < end
        if in_range and item.status is RotaStatus.DRAFT:
            replaced.append(item)
        elif in_range:
            keep.append(item)
        else:
            history.append(item)
    planned = rota.sessions_for(groups, start, request.weeks)
    kept = {(a.group_id, a.date) for a in keep}
    if planned and all((s.group_id, s.date) in kept for s in planned):
        label = "all groups" if request.group_id is None else groups[0].name
        covered = sorted({s.date for s in planned})
        first_open = first_open_date(store, request.group_id, end)
        words = (
            f"Nothing to plan: every session for {label} from {day_words(start)} to "
            f"{day_words(end - dt.timedelta(days=1))} is already published "
            f"({_covered_words(covered)})."
        )
        if first_open is not None:
            words += f" The first date without a published session is {day_words(first_open)}."
        raise AlreadyPublished(words, first_open)
    return PreparedGeneration(
        request=request,
        groups=groups,
        facilitators=facilitators,
        history=history,
        keep=keep,
        replaced_ids=[item.id for item in replaced],
    )


def plan_generation(prepared: PreparedGeneration) -> rota.RotaResult:
    """Run the planner (pure: safe in a worker thread)."""
    request = prepared.request
    return rota.generate(
        prepared.groups,
        prepared.facilitators,
        request.start,
        request.weeks,
        prepared.history,
        keep=prepared.keep,
        explain=False,  # apply_generation works out every reason on the saved rota
    )


def apply_generation(
    store: Store,
    prepared: PreparedGeneration,
    result: rota.RotaResult,
    *,
    publish: bool = False,
) -> GenerateOutcome:
    """Replace the drafts in range with the new plan (one save), optionally publishing it."""
    new = list(result.assignments)
    if not result.proven:  # the label stays when the reasons are worked out below
        new = [a.model_copy(update={"reason": reasons.NOT_PROVEN}) for a in new]
    if publish:
        new = [_published(a) for a in new]
    with store.batch():
        store.delete_rota(prepared.replaced_ids)
        store.save_rota(new)
        refresh_reasons(store)
    request = prepared.request
    added_ids = {a.id for a in new}
    added = [a for a in store.rota() if a.id in added_ids]
    added.sort(key=lambda a: (a.date, str(a.group_id)))
    return GenerateOutcome(
        label=prepared.label,
        start=request.start,
        end=request.end,
        added=added,
        open_sessions=[a for a in added if a.is_open],
        replaced=len(prepared.replaced_ids),
        kept_published=len(prepared.keep),
        spread=result.spread,
        published=publish,
        proven=result.proven,
    )


def generate_rota(
    store: Store, request: GenerateRequest, *, publish: bool = False
) -> GenerateOutcome:
    """Prepare, plan and apply in one go (the command line's way)."""
    prepared = prepare_generation(store, request)
    return apply_generation(store, prepared, plan_generation(prepared), publish=publish)


def refresh_reasons(store: Store, changed: Mapping[UUID, RotaAssignment] | None = None) -> None:
    """Save `changed` (if given) and work every reason on the rota out again, so each is
    true of the rota as it now stands. One save."""
    everything = {item.id: item for item in store.rota()}
    everything.update(changed or {})
    found = reasons.explain_all(
        list(everything.values()), store.facilitators(), store.groups(include_archived=True)
    )
    fresh = {key: reasons.labelled(item.reason, found[key]) for key, item in everything.items()}
    stale = [
        item.model_copy(update={"reason": fresh[item.id]})
        for item in everything.values()
        if item.reason != fresh[item.id]
    ]
    updates = {item.id: item for item in stale}
    for key, item in (changed or {}).items():
        updates.setdefault(key, item)
    if updates:
        store.save_rota(list(updates.values()))


# --------------------------------------------------------------------------------------------
# Publishing


def _published(assignment: RotaAssignment) -> RotaAssignment:
    return assignment.with_changes(
        status=RotaStatus.PUBLISHED,
        history=[*assignment.history, RotaChange(what="Published.")],
    )


def publish(store: Store, assignment_ids: Iterable[UUID]) -> int:
    """Publish the drafts among `assignment_ids`; returns how many were published."""
    wanted = set(assignment_ids)
    drafts = [
        _published(item)
        for item in store.rota()
        if item.id in wanted and item.status is RotaStatus.DRAFT
    ]
    if drafts:
        store.save_rota(drafts)
    return len(drafts)


# --------------------------------------------------------------------------------------------
# The rota in words


@dataclass(frozen=True)
class RotaLine:
    """One session of the rota, in words, with the assignment behind it."""

    assignment: RotaAssignment
    group: str
    lead: str
    co: str

    @property
    def id(self) -> UUID:
        """The assignment's id."""
        return self.assignment.id

    @property
    def date(self) -> dt.date:
        """The session's date."""
        return self.assignment.date

    @property
    def status(self) -> str:
        """'draft' or 'published', with 'open' added while a place is empty."""
        status = self.assignment.status.value
        return f"{status}, open" if self.assignment.is_open else status

    @property
    def is_draft(self) -> bool:
        """True until the session is published."""
        return self.assignment.status is RotaStatus.DRAFT

    @property
    def reason(self) -> str:
        """Why the planner chose these people, or why a place is open."""
        return self.assignment.reason

    @property
    def people(self) -> list[tuple[UUID, str, Role]]:
        """Who is on this session: (id, name, role), the lead first."""
        item = self.assignment
        places: list[tuple[UUID | None, str, Role]] = [
            (item.lead_id, self.lead, "lead"),
            (item.co_id, self.co, "co"),
        ]
        return [(fid, name, role) for fid, name, role in places if fid is not None]

    def as_dict(self) -> dict[str, object]:
        """The line as plain data (for JSON)."""
        return {
            "id": str(self.id),
            "date": self.date.isoformat(),
            "weekday": WEEKDAYS[self.date.weekday()],
            "group": self.group,
            "lead": self.lead or None,
            "co": self.co or None,
            "status": self.assignment.status.value,
            "open": self.assignment.is_open,
            "reason": self.reason,
            "proven": not self.reason.startswith(reasons.NOT_PROVEN),
            "history": [
                {"on": change.on.isoformat(), "what": change.what}
                for change in self.assignment.history
            ],
        }


NOBODY_ON_IT = "Nobody is on this session yet."

SWAP_WITHIN = dt.timedelta(weeks=6)
"""Sessions offered to swap with: those within six weeks of the session."""


def swap_partners(
    line: RotaLine, lines: Sequence[RotaLine]
) -> list[tuple[RotaLine, UUID, str, Role]]:
    """Who someone on `line` could trade places with: (session, id, name, role) on every
    other session within `SWAP_WITHIN`, in the order of `lines`."""
    return [
        (other, fid, name, role)
        for other in lines
        if other.id != line.id and abs(other.date - line.date) <= SWAP_WITHIN
        for fid, name, role in other.people
    ]


def rota_lines(store: Store, group_id: UUID | None = None) -> list[RotaLine]:
    """The stored rota (one group's, or all), in date order then group name."""
    groups = {group.id: group.name for group in store.groups(include_archived=True)}
    people = {person.id: person.display_name for person in store.facilitators()}

    def name(fid: UUID | None) -> str:
        return people.get(fid, "someone no longer listed") if fid is not None else ""

    lines = [
        RotaLine(
            item, groups.get(item.group_id, "a removed group"), name(item.lead_id), name(item.co_id)
        )
        for item in store.rota(group_id)
    ]
    lines.sort(key=lambda line: (line.date, line.group.casefold()))
    return lines


# --------------------------------------------------------------------------------------------
# Hard rules, for changes


def _people_on(assignment: RotaAssignment) -> list[UUID]:
    return [fid for fid in (assignment.lead_id, assignment.co_id) if fid is not None]


@dataclass(frozen=True)
class _Context:
    rota: dict[UUID, RotaAssignment]
    people: dict[UUID, Facilitator]
    groups: dict[UUID, Group]

    @classmethod
    def of(cls, store: Store) -> _Context:
        return cls(
            rota={item.id: item for item in store.rota()},
            people={person.id: person for person in store.facilitators()},
            groups={group.id: group for group in store.groups(include_archived=True)},
        )

    def get(self, assignment_id: UUID) -> RotaAssignment:
        found = self.rota.get(assignment_id)
        if found is None:
            raise RotaChangeRefused("That session is no longer on the rota.")
        return found

    def name(self, fid: UUID | None) -> str:
        person = self.people.get(fid) if fid is not None else None
        return person.display_name if person else "someone no longer listed"

    def place(self, assignment: RotaAssignment) -> str:
        group = self.groups.get(assignment.group_id)
        return f"{group.name if group else 'a removed group'} on {short_day(assignment.date)}"

    def problems(self, changed: Mapping[UUID, RotaAssignment]) -> list[str]:
        """Problems of the changed sessions, with the rest of the rota as changed too."""
        everything = {**self.rota, **changed}
        index = reasons.RotaIndex(
            everything.values(), list(self.people.values()), list(self.groups.values())
        )
        found: list[str] = []
        for item in changed.values():
            found.extend(b.sentence for b in session_breaks(item, index))
        return found

    def refuse_new_problems(self, changed: Mapping[UUID, RotaAssignment]) -> None:
        """Refuse the change when it breaks a hard rule that was not already broken."""
        before = set(self.problems({key: self.rota[key] for key in changed}))
        new = [problem for problem in self.problems(changed) if problem not in before]
        if new:
            raise RotaChangeRefused("Not changed: " + " ".join(dict.fromkeys(new)))


def _save(store: Store, changed: dict[UUID, RotaAssignment]) -> dict[UUID, RotaAssignment]:
    """Save the changed sessions with every reason on the rota worked out again (one save)."""
    with store.batch():
        refresh_reasons(store, changed)
    current = {item.id: item for item in store.rota()}
    return {key: current[key] for key in changed}


def _with_change(assignment: RotaAssignment, what: str, **changes: object) -> RotaAssignment:
    return assignment.with_changes(
        **changes, history=[*assignment.history, RotaChange(what=what[:500])]
    )


def swap_roles(store: Store, assignment_id: UUID) -> RotaAssignment:
    """The lead co-facilitates and the co-facilitator leads; kept as history."""
    context = _Context.of(store)
    item = context.get(assignment_id)
    if item.lead_id is None or item.co_id is None:
        raise RotaChangeRefused(
            "Not changed: swapping roles needs two people, and this session has an open place."
        )
    lead, co = context.name(item.lead_id), context.name(item.co_id)
    changed = _with_change(
        item,
        f"Roles swapped: {co} leads, {lead} co-facilitates.",
        lead_id=item.co_id,
        co_id=item.lead_id,
    )
    context.refuse_new_problems({item.id: changed})
    return _save(store, {item.id: changed})[item.id]


def role_of(assignment: RotaAssignment, facilitator_id: UUID) -> Role:
    """Whether `facilitator_id` leads or co-facilitates `assignment`."""
    if assignment.lead_id == facilitator_id:
        return "lead"
    if assignment.co_id == facilitator_id:
        return "co"
    raise RotaChangeRefused("That facilitator is not on this session.")


def _placed(role: Role, fid: UUID | None) -> dict[str, UUID | None]:
    return {"lead_id": fid} if role == "lead" else {"co_id": fid}


def swap_people(
    store: Store,
    first_id: UUID,
    first_person: UUID,
    second_id: UUID,
    second_person: UUID,
) -> tuple[RotaAssignment, RotaAssignment]:
    """Two people trade places: each takes the other's role on the other's session."""
    if first_id == second_id:
        raise RotaChangeRefused(
            "Not changed: both places are on the same session; swap roles instead."
        )
    context = _Context.of(store)
    first, second = context.get(first_id), context.get(second_id)
    first_role, second_role = role_of(first, first_person), role_of(second, second_person)
    if first_person == second_person:
        raise RotaChangeRefused("Not changed: that is the same person on both sessions.")
    one, other = context.name(first_person), context.name(second_person)
    new_first = _with_change(
        first,
        f"{one} swapped with {other} ({context.place(second)}): {other} is now "
        f"{role_words(first_role)}.",
        **_placed(first_role, second_person),
    )
    new_second = _with_change(
        second,
        f"{other} swapped with {one} ({context.place(first)}): {one} is now "
        f"{role_words(second_role)}.",
        **_placed(second_role, first_person),
    )
    context.refuse_new_problems({first.id: new_first, second.id: new_second})
    saved = _save(store, {first.id: new_first, second.id: new_second})
    return saved[first.id], saved[second.id]


def not_yet_on_the_rota(store: Store) -> set[UUID]:
    """Who the facilitators' path keeps off the rota for now (see `facilitator_path`)."""
    from voicesgroup.facilitator_path import not_yet_on_the_rota as waiting

    return waiting(store)


def rosterable(store: Store) -> list[Facilitator]:
    """The facilitators a rota may place: everyone but those not yet shadowing."""
    waiting = not_yet_on_the_rota(store)
    return [person for person in store.facilitators() if person.id not in waiting]


def cover_suggestions(store: Store, assignment_id: UUID, leaving_id: UUID) -> list[CoverSuggestion]:
    """Who could take over from `leaving_id` on that session, best first, with reasons."""
    context = _Context.of(store)
    item = context.get(assignment_id)
    role_of(item, leaving_id)
    waiting = not_yet_on_the_rota(store)
    return rota.suggest_cover(
        item,
        leaving_id,
        [person for person in context.people.values() if person.id not in waiting],
        list(context.rota.values()),
        list(context.groups.values()),
    )


def apply_cover(
    store: Store, assignment_id: UUID, leaving_id: UUID, cover: CoverSuggestion
) -> RotaAssignment:
    """`leaving_id` can't make it and `cover` takes over (roles as suggested); kept as history."""
    context = _Context.of(store)
    item = context.get(assignment_id)
    leaving_role = role_of(item, leaving_id)
    staying = item.co_id if leaving_role == "lead" else item.lead_id
    lead_id: UUID | None
    co_id: UUID | None
    if cover.role == "lead":
        lead_id, co_id = cover.facilitator_id, staying
    else:
        lead_id, co_id = staying, cover.facilitator_id
    leaving, covering = context.name(leaving_id), context.name(cover.facilitator_id)
    what = f"{leaving} can't make it; {covering} covers as {role_words(cover.role)}"
    if staying is not None and cover.role == leaving_role:
        what += "."
    elif staying is not None:
        staying_role: Role = "co" if cover.role == "lead" else "lead"
        what += f"; {context.name(staying)} is now {role_words(staying_role)}."
    else:
        what += "."
    changed = _with_change(item, what, lead_id=lead_id, co_id=co_id)
    context.refuse_new_problems({item.id: changed})
    return _save(store, {item.id: changed})[item.id]


def leave_open(store: Store, assignment_id: UUID, leaving_id: UUID) -> RotaAssignment:
    """`leaving_id` can't make it and nobody covers yet: the place is left open."""
    context = _Context.of(store)
    item = context.get(assignment_id)
    role = role_of(item, leaving_id)
    changed = _with_change(
        item,
        f"{context.name(leaving_id)} can't make it; the {role_words(role)} place is open.",
        **_placed(role, None),
    )
    return _save(store, {item.id: changed})[item.id]
