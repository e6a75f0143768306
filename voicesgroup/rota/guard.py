"""The one guard every change to the rota, a facilitator or a group passes through.

`keeping_the_rules` wraps the change (a swap, cover, a place left open, publishing, a plan
saved, a sign-off, a break, availability, someone made inactive): the change is made inside
one batch, then the rota as it would stand is judged by the review's own rule code
(`review.session_breaks`, which asks `rules`) against the rota as it stood. Nothing is saved
when the change adds a rule break:

- a break on a session the change itself touched, or one a facilitator change cannot be
  mended by cover for (a monthly limit), refuses the change with the rule's sentence;
- a session to come that a facilitator change breaks for that person (a break or dates off,
  a weekday, inactive, no longer experienced beside someone in training, a partner they asked
  not to work with) is listed in `CoverNeeded`, with cover suggested for each; the change is
  made once the caller says, for each, who covers or that the place is left open.

Sessions that have passed (or ended today) are history: a facilitator change never asks for
cover on them, and the review does not judge them by today's availability. After every change
that is kept, every reason the change can alter is worked out again (`refresh_reasons`), so no
reason describes an earlier pair or an earlier training status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from uuid import UUID

from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    RotaAssignment,
    RotaChange,
    SessionStatus,
)
from voicesgroup.rota import reasons, rules
from voicesgroup.rota.cover import CoverSuggestion, suggest_cover
from voicesgroup.rota.review import session_breaks
from voicesgroup.store import Store
from voicesgroup.store.snapshot import Changes, Snapshot

Role = Literal["lead", "co"]
Covers = Mapping[UUID, CoverSuggestion | None]
"""For each session that needs cover (by id): who covers, or None to leave the place open."""

MENDED_BY_COVER = frozenset(
    {"inactive", "weekday", "away", "trainee_leads", "trainee_partner", "avoid", "women"}
)
"""Rules a facilitator change can break on one session that cover for them there mends."""


class RotaChangeRefused(VoicesGroupError):
    """A change to the rota would break a hard rule; the message says which, in words."""


@dataclass(frozen=True)
class Touched:
    """A session to come that a facilitator change would break, and who could cover."""

    assignment: RotaAssignment
    place: str
    """'Tuesday Voices on Tue 5 Jan'."""
    person_id: UUID
    name: str
    role: Role
    why: str
    """The rule's sentences (one or more)."""
    suggestions: list[CoverSuggestion] = field(default_factory=list)

    @property
    def line(self) -> str:
        """'Tuesday Voices on Tue 5 Jan (Sol leads): Sol is away 1 Jan 2027 to 9 Jan 2027.'"""
        does = "leads" if self.role == "lead" else "co-facilitates"
        return f"{self.place} ({self.name} {does}): {self.why}"


def first_choices(
    touched: list[Touched], *, leave_open: bool = False
) -> dict[UUID, CoverSuggestion | None]:
    """For each session: the first suggestion (None where nobody can cover), or None for
    every one with `leave_open`."""
    return {
        t.assignment.id: None if leave_open or not t.suggestions else t.suggestions[0]
        for t in touched
    }


def choice_words(touched: Touched, cover: CoverSuggestion | None) -> str:
    """What was done on one session: 'Tuesday Voices on Tue 5 Jan: Ana covers as lead.'"""
    if cover is None:
        return f"{touched.place}: the {role_words(touched.role)} place is open."
    return f"{touched.place}: {cover.name} covers as {role_words(cover.role)}."


class CoverNeeded(RotaChangeRefused):
    """The change would leave someone on sessions they can no longer hold; nothing was saved.

    `touched` lists each with cover suggested; make the change again with `covers`.
    """

    def __init__(self, touched: list[Touched]) -> None:
        count = len(touched)
        who = touched[0].name if touched else "someone"
        super().__init__(
            f"Not changed yet: {who} is on {count} session{'s' if count != 1 else ''} "
            "to come that this would break; choose cover (or leave the place open) for each."
        )
        self.touched = touched


# --------------------------------------------------------------------------------------------
# The rota as it stands


@dataclass(frozen=True)
class RotaState:
    """The stored rota, facilitators and groups, read once."""

    rota: dict[UUID, RotaAssignment]
    people: dict[UUID, Facilitator]
    groups: dict[UUID, Group]

    @classmethod
    def read(cls, store: Store) -> RotaState:
        return cls(
            rota={item.id: item for item in store.rota()},
            people={person.id: person for person in store.facilitators()},
            groups={group.id: group for group in store.groups(include_archived=True)},
        )

    def name(self, fid: UUID | None) -> str:
        person = self.people.get(fid) if fid is not None else None
        return person.display_name if person else "someone no longer listed"

    def place(self, item: RotaAssignment) -> str:
        group = self.groups.get(item.group_id)
        return f"{group.name if group else 'a removed group'} on {dates.day(item.date, year=False)}"


Document = dict[str, Any]


@dataclass(frozen=True)
class Stored:
    """The stored documents of the rota, the facilitators and the groups, by record id, as
    they are (no copy, no model built): taken before and after a change, a record the change
    did not touch is the very same object, so what changed is found without reading it.
    The facilitators and groups come as models too (the store keeps those built)."""

    rota: dict[str, Document]
    people: dict[str, Document]
    groups: dict[str, Document]
    people_models: list[Facilitator]
    group_models: list[Group]

    @classmethod
    def take(cls, store: Store) -> Stored:
        def table(name: str) -> dict[str, Document]:
            return {doc["id"]: doc for doc in store.documents(name)}

        return cls(
            table("rota"),
            table("facilitators"),
            table("groups"),
            store.facilitators(),
            store.groups(include_archived=True),
        )

    def in_months(self, months: Collection[str]) -> Stored:
        """The same, with only the sessions of `months` ('2027-01'): enough to judge a change
        to sessions of those months alone, since the rules about a session read no session
        of another month (`_neighbours`)."""
        rota = {key: doc for key, doc in self.rota.items() if doc["date"][:7] in months}
        return replace(self, rota=rota)

    def index(self, items: Iterable[Document]) -> reasons.RotaIndex:
        """The review's index over `items` (with every facilitator and group)."""
        return reasons.RotaIndex(
            [_session_model(doc) for doc in items], self.people_models, self.group_models
        )


def _session_model(doc: Document) -> RotaAssignment:
    """A stored session as a model for the rules, which read neither its reason nor its
    history (so those are not validated again: most of the cost of a model)."""
    return RotaAssignment.model_validate({**doc, "reason": "", "history": []})


def ended_sessions(store: Store) -> set[tuple[str, str]]:
    """(group id, ISO date) of every session that has ended, from the stored documents."""
    ended = SessionStatus.ENDED.value
    return {
        (doc["group_id"], doc["date"])
        for doc in store.documents("sessions")
        if doc["status"] == ended
    }


def _people_on(item: RotaAssignment) -> list[UUID]:
    return [fid for fid in (item.lead_id, item.co_id) if fid is not None]


def _on(doc: Document) -> set[str]:
    return {fid for fid in (doc.get("lead_id"), doc.get("co_id")) if fid}


def _changed(before: Mapping[str, Document], after: Mapping[str, Document]) -> set[str]:
    """Ids new in `after` or stored again with other values."""
    return {
        key for key, doc in after.items() if before.get(key) is not doc and before.get(key) != doc
    }


@dataclass(frozen=True)
class Verdict:
    """What a change would add: new rule breaks, per session id."""

    new: dict[UUID, list[rules.Break]]
    changed_sessions: set[UUID]
    changed_people: set[UUID]
    anything_changed: bool = True
    """Whether the rota, a facilitator or a group changed at all (what reasons are made of)."""
    reasons_from: dt.date | None = None
    """The first day whose reasons the change can alter: the first of the month of the
    earliest session changed, when only sessions changed (a reason reads the rota before its
    day and in its month); None when every reason can (a facilitator or a group changed)."""

    @property
    def keeps_the_rules(self) -> bool:
        return not self.new


def _neighbours(side: Stored, scope: set[str]) -> list[Document]:
    """The sessions the rules for `scope` read: every session, in the same month as one of
    them, of someone on one of them (one a day and the monthly limit look no further)."""
    people: set[str] = set()
    months: set[str] = set()
    for key in scope:
        doc = side.rota.get(key)
        if doc is not None:
            people |= _on(doc)
            months.add(doc["date"][:7])
    return [
        doc
        for doc in side.rota.values()
        if doc["date"][:7] in months
        and (doc.get("lead_id") in people or doc.get("co_id") in people)
    ]


def _breaks(side: Stored, scope: set[str]) -> dict[str, list[rules.Break]]:
    """Every rule break of each session in `scope` that `side` holds, by the review's code."""
    index = side.index(_neighbours(side, scope))
    by_id = {str(item.id): item for item in index.items}
    found: dict[str, list[rules.Break]] = {}
    for key in scope:
        doc = side.rota.get(key)
        if doc is not None:
            item = by_id.get(key) or _session_model(doc)
            found[key] = session_breaks(item, index)
    return found


def judge(
    before: Stored,
    after: Stored,
    *,
    today: dt.date,
    ended: Collection[tuple[str, str]] = (),
) -> Verdict:
    """The rule breaks `after` has that `before` had not: on every session the change touched,
    and on every session to come that holds a facilitator, or belongs to a group, it changed.
    Pure: this is the rule check before a change (the bench times it)."""
    sessions = _changed(before.rota, after.rota)
    people = _changed(before.people, after.people)
    groups = _changed(before.groups, after.groups)
    scope = set(sessions)
    if people or groups:
        day = today.isoformat()
        for key, doc in after.rota.items():
            upcoming = doc["date"] >= day and (doc["group_id"], doc["date"]) not in ended
            if upcoming and (doc["group_id"] in groups or people & _on(doc)):
                scope.add(key)
    new: dict[UUID, list[rules.Break]] = {}
    if scope:
        had, has = _breaks(before, scope), _breaks(after, scope)
        for key in sorted(scope, key=lambda k: (after.rota[k]["date"], k)):
            added = [b for b in has.get(key, []) if b not in had.get(key, [])]
            if added:
                new[UUID(key)] = list(dict.fromkeys(added))
    removed = before.rota.keys() - after.rota.keys()
    days = [after.rota[k]["date"] for k in sessions] + [before.rota[k]["date"] for k in removed]
    reasons_from = None
    if days and not people and not groups:
        reasons_from = dt.date.fromisoformat(min(days)).replace(day=1)
    return Verdict(
        new,
        {UUID(k) for k in sessions},
        {UUID(k) for k in people},
        anything_changed=bool(sessions or people or groups or removed),
        reasons_from=reasons_from,
    )


def keeps_the_rules(
    before: Stored,
    sessions: Mapping[str, Document],
    *,
    today: dt.date,
    ended: Collection[tuple[str, str]] = (),
) -> bool:
    """Whether saving `sessions` (stored documents by record id, as they would be saved)
    over the rota `before` holds would keep every rule: the very judgement
    `keeping_the_rules` makes, for a choice offered before it is made (a swap's partners)."""
    after = replace(before, rota={**before.rota, **sessions})
    return judge(before, after, today=today, ended=ended).keeps_the_rules


# --------------------------------------------------------------------------------------------
# Cover, as a change to one session


def role_of(assignment: RotaAssignment, facilitator_id: UUID) -> Role:
    """Whether `facilitator_id` leads or co-facilitates `assignment`."""
    if assignment.lead_id == facilitator_id:
        return "lead"
    if assignment.co_id == facilitator_id:
        return "co"
    raise RotaChangeRefused("That facilitator is not on this session.")


def role_field(role: Role) -> str:
    """The field of a session that holds someone in `role`."""
    return "lead_id" if role == "lead" else "co_id"


def role_words(role: Role) -> str:
    """'lead' or 'co-facilitator'."""
    return "lead" if role == "lead" else "co-facilitator"


def with_change(assignment: RotaAssignment, what: str, **changes: object) -> RotaAssignment:
    """`assignment` changed, with `what` added to its history."""
    return assignment.with_changes(
        **changes, history=[*assignment.history, RotaChange(what=what[:500])]
    )


def covered(
    item: RotaAssignment, leaving_id: UUID, cover: CoverSuggestion | None, state: RotaState
) -> RotaAssignment:
    """`item` with `leaving_id` off it: `cover` takes over (roles as suggested), or, with None,
    the place is left open; said in its history."""
    leaving_role = role_of(item, leaving_id)
    leaving = state.name(leaving_id)
    if cover is None:
        return with_change(
            item,
            f"{leaving} can't make it; the {role_words(leaving_role)} place is open.",
            **({"lead_id": None} if leaving_role == "lead" else {"co_id": None}),
        )
    staying = item.co_id if leaving_role == "lead" else item.lead_id
    lead_id: UUID | None
    co_id: UUID | None
    if cover.role == "lead":
        lead_id, co_id = cover.facilitator_id, staying
    else:
        lead_id, co_id = staying, cover.facilitator_id
    what = f"{leaving} can't make it; {cover.name} covers as {role_words(cover.role)}"
    if staying is not None and cover.role != leaving_role:
        staying_role: Role = "co" if cover.role == "lead" else "lead"
        what += f"; {state.name(staying)} is now {role_words(staying_role)}"
    return with_change(item, what + ".", lead_id=lead_id, co_id=co_id)


def cant_make_it(person: Facilitator, day: dt.date) -> Facilitator:
    """`person` with `day` among their dates off (unchanged when it already is), so no later
    change can put them back on that day."""
    if any(day in span for span in person.dates_off):
        return person
    spans = [*person.dates_off, DateRange(start=day, end=day)]
    return person.with_changes(dates_off=[span.model_dump() for span in spans])


def suggestions_for(
    store: Store, item: RotaAssignment, leaving_id: UUID, state: RotaState
) -> list[CoverSuggestion]:
    """Who could take over from `leaving_id` on `item`, on the rota `state` holds."""
    from voicesgroup.facilitator_path import not_yet_on_the_rota

    waiting = not_yet_on_the_rota(store)
    return suggest_cover(
        item,
        leaving_id,
        [person for person in state.people.values() if person.id not in waiting],
        list(state.rota.values()),
        list(state.groups.values()),
    )


# --------------------------------------------------------------------------------------------
# The guard


LEFT_ALONE = "so choose cover for that session instead of leaving the place open."
"""What to do instead when leaving a place open would leave someone in training alone."""


def _sentences(verdict: Verdict, state: RotaState) -> str:
    """'Not changed: ' and, for each session the change would break, its place and the rule's
    sentence; where it is an open place that leaves someone in training alone, what to do
    instead (cover keeps the rule, an open place cannot)."""
    words: list[str] = []
    for key, found in verdict.new.items():
        item = state.rota[key]
        said = " ".join(dict.fromkeys(b.sentence for b in found))
        if item.is_open and any(b.rule == "trainee_partner" for b in found):
            said = f"{said.removesuffix('.')}, {LEFT_ALONE}"
        words.append(f"{state.place(item)}: {said}")
    return "Not changed: " + " ".join(dict.fromkeys(words))


def _touched(verdict: Verdict, state: RotaState) -> list[Touched] | None:
    """The sessions cover would mend, or None when some break is not one cover mends."""
    touched: list[Touched] = []
    for key, found in verdict.new.items():
        item = state.rota[key]
        if key in verdict.changed_sessions:
            return None
        leaving = next((p for p in _people_on(item) if p in verdict.changed_people), None)
        if leaving is None or any(b.rule not in MENDED_BY_COVER for b in found):
            return None
        role = role_of(item, leaving)
        touched.append(
            Touched(
                assignment=item,
                place=state.place(item),
                person_id=leaving,
                name=state.name(leaving),
                role=role,
                why=" ".join(dict.fromkeys(b.sentence for b in found)),
            )
        )
    return touched


def _apply_covers(store: Store, touched: list[Touched], covers: Covers, state: RotaState) -> None:
    """Each session off the person who leaves it: the cover chosen takes over, or it is open."""
    store.save_rota(
        [covered(t.assignment, t.person_id, covers[t.assignment.id], state) for t in touched]
    )


@contextmanager
def keeping_the_rules(
    store: Store, *, today: dt.date | None = None, covers: Covers | None = None
) -> Iterator[None]:
    """Make the change in the `with` block keep every rule of the rota, or not at all.

    The block changes the store (one batch). Then: a new rule break refuses the whole change
    (`RotaChangeRefused`, the rule's sentence); sessions to come that a facilitator change
    breaks raise `CoverNeeded` unless `covers` says, for each, who covers or that the place is
    left open (then that is saved with the change). The reasons the change can alter are then
    worked out again.
    """
    day = today or dt.date.today()
    before = Stored.take(store)
    with store.batch():
        yield
        verdict = judge(before, Stored.take(store), today=day, ended=ended_sessions(store))
        if not verdict.anything_changed:
            return  # nothing the rules or the reasons read was changed (a module attended)
        if verdict.new:
            state = RotaState.read(store)
            touched = _touched(verdict, state)
            if touched is None:
                raise RotaChangeRefused(_sentences(verdict, state))
            if covers is None or any(t.assignment.id not in covers for t in touched):
                raise CoverNeeded(
                    [
                        replace(
                            t, suggestions=suggestions_for(store, t.assignment, t.person_id, state)
                        )
                        for t in touched
                    ]
                )
            _apply_covers(store, touched, covers, state)
            verdict = judge(before, Stored.take(store), today=day, ended=ended_sessions(store))
            if verdict.new:
                raise RotaChangeRefused(_sentences(verdict, RotaState.read(store)))
        refresh_reasons(store, since=verdict.reasons_from)


def refresh_reasons(store: Store, *, since: dt.date | None = None) -> None:
    """Work the reasons on the rota out again (every one, or those of sessions on or after
    `since`), so each is true of the rota as it now stands (people, training and availability
    included), and save those that changed."""
    state = RotaState.read(store)
    found = reasons.explain_all(
        list(state.rota.values()),
        list(state.people.values()),
        list(state.groups.values()),
        only=None if since is None else [k for k, a in state.rota.items() if a.date >= since],
    )
    fresh = {key: reasons.labelled(state.rota[key].reason, text) for key, text in found.items()}
    stale = [
        item.model_copy(update={"reason": fresh[item.id]})
        for item in state.rota.values()
        if item.id in fresh and item.reason != fresh[item.id]
    ]
    if stale:
        store.save_rota(stale)


@dataclass(frozen=True)
class Trial:
    """A guarded change made on a copy of the data (`trial`): what it would store and what it
    returned, or what stops it (cover to choose, or the sentence of a refusal)."""

    changes: Changes | None = None
    result: object = None
    cover_needed: CoverNeeded | None = None
    refused: Exception | None = None


Change = Callable[[Store, Covers | None], object]
"""A change to make through the guard: given the store to make it in, and the cover chosen."""


def trial(snapshot: Snapshot, change: Change, covers: Covers | None = None) -> Trial:
    """Make `change` on a scratch copy of `snapshot` (in any thread: the slow part of a rota
    change, its rules judged and its reasons worked out again, away from the screen). The
    store it was taken of then applies `changes` (`Store.apply_changes`), all or nothing."""
    scratch = snapshot.scratch()
    try:
        result = change(scratch.store, covers)
    except CoverNeeded as needed:
        return Trial(cover_needed=needed)
    except (VoicesGroupError, ValueError) as error:  # a rule, a model, or a field's own check
        return Trial(refused=error)
    return Trial(changes=scratch.changes(), result=result)


def save_facilitator(
    store: Store, person: Facilitator, *, today: dt.date | None = None, covers: Covers | None = None
) -> None:
    """Save a facilitator (availability, active or not, their details) keeping the rota's
    rules: see `keeping_the_rules`."""
    with keeping_the_rules(store, today=today, covers=covers):
        store.save_facilitator(person)


def save_group(
    store: Store, group: Group, *, today: dt.date | None = None, kept: Collection[str] = ()
) -> None:
    """Save a group keeping the rota's rules: asking for a woman facilitator is refused, with
    the rule's sentence, while a session to come has none (change the rota first). A name or
    venue that mentions a member is refused (`groups.NamesAMember`) unless its text is among
    `kept`, the texts the person said to keep."""
    from voicesgroup.groups import refuse_member_names

    refuse_member_names(store, group, kept=kept)
    with keeping_the_rules(store, today=today):
        store.save_group(group)
