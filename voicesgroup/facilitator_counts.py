"""The facilitators' path counted from the stored documents: shadowed sessions, what is due.

These are the rules of the path that need only counting, kept where the home screen can use
them before pydantic and the models load (see voicesgroup/home.py). `facilitator_path` is the
service built on them: it reads and writes the records and is what screens and commands call.

- A shadowed session is a session that was run (ended) with the facilitator among those
  recorded at its end, on or after the day they began shadowing and before their sign-off.
  It is never typed in.
- Sign-off is suggested once someone shadowing has shadowed the set number of sessions
  (`shadowing_before_sign_off`, default 6) and at least one of each kind of group they will
  lead.
- Supervision is due for everyone shadowing or leading whose last supervision meeting is
  older than `supervision_weeks` (default 8), or who has had none.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from voicesgroup.counting import counted
from voicesgroup.kinds import PathStage, SessionStatus, TrainingStatus, Variant

if TYPE_CHECKING:
    from voicesgroup.store import Store

Document = Mapping[str, Any]

SHADOWING_BEFORE_SIGN_OFF = 6
"""Default of the setting `shadowing_before_sign_off`."""
SUPERVISION_WEEKS = 8
"""Default of the setting `supervision_weeks`."""
LISTED_ON_HOME = 3
"""Facilitators named one by one in a line of Home's Due box; more are summed up."""
FOLLOW_UP_FIELD = "follow_up"
"""The debrief question whose answer (one line each) holds follow-ups."""


def setting(store: Store, name: str, default: int) -> int:
    """A path setting as stored, or its default (read without loading the models)."""
    for document in store.documents("settings"):
        value = document.get(name)
        if isinstance(value, int):
            return value
    return default


@dataclass(frozen=True)
class Shadowed:
    """The sessions one facilitator shadowed: how many, of which kinds, beside whom."""

    sessions: int = 0
    by_kind: Mapping[Variant, int] = field(default_factory=dict)
    by_lead: Mapping[str, int] = field(default_factory=dict)
    """Facilitator id of the other person recorded → sessions together."""


def effective_path(facilitator: Document, path: Document | None) -> Document:
    """Someone's stored path, or for someone who facilitated before the path was kept, the
    path their training status implies: in training means shadowing, every session run with
    them counting; otherwise signed off."""
    if path is not None:
        return path
    if facilitator.get("training") == TrainingStatus.IN_TRAINING.value:
        return {"stage": PathStage.SHADOWING.value, "shadowing_from": LEGACY_SHADOWING_FROM}
    return {"stage": PathStage.SIGNED_OFF.value}


LEGACY_SHADOWING_FROM = dt.date.min.isoformat()


def stage_of(path: Document) -> PathStage:
    """The stage of a path (see `effective_path`)."""
    return PathStage(path["stage"])


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def shadowing_on(path: Document, day: dt.date) -> bool:
    """Whether someone with this path was shadowing on `day`: on or after the day they began
    and before their sign-off. The one definition, for the path and the evaluation."""
    start = _day(path.get("shadowing_from"))
    if start is None or day < start:
        return False
    until = _day(path.get("signed_off_on"))
    return until is None or day < until


def shadowed_by(
    facilitator_id: str,
    path: Document,
    sessions: Iterable[Document],
    variant_of_group: Mapping[str, Variant],
) -> Shadowed:
    """Count the sessions run that `facilitator_id` shadowed (see the module's rule)."""
    if path.get("shadowing_from") is None:
        return Shadowed()
    kinds: Counter[Variant] = Counter()
    leads: Counter[str] = Counter()
    total = 0
    for session in sessions:
        if session["status"] != SessionStatus.ENDED.value:
            continue
        people = session["facilitator_ids"]
        if facilitator_id not in people:
            continue
        if not shadowing_on(path, dt.date.fromisoformat(session["date"])):
            continue
        total += 1
        variant = variant_of_group.get(session["group_id"])
        if variant is not None:
            kinds[variant] += 1
        for other in people:
            if other != facilitator_id:
                leads[other] += 1
    return Shadowed(total, dict(kinds), dict(leads))


def kinds_run(groups: Iterable[Document]) -> list[Variant]:
    """The kinds of group the organisation runs now (active groups), in a fixed order."""
    running = {Variant(group["variant"]) for group in groups if not group["archived"]}
    return [variant for variant in Variant if variant in running]


def kinds_to_lead(path: Document, running: list[Variant]) -> list[Variant]:
    """The kinds someone will lead: those chosen on their path, else every kind run."""
    chosen = [Variant(value) for value in path.get("leads_kinds") or []]
    return chosen or list(running)


def missing_for_sign_off(
    shadowed: Shadowed, wanted_kinds: Iterable[Variant], suggested: int
) -> list[str]:
    """What is still missing before sign-off is suggested, in plain words (empty: due)."""
    missing = []
    if shadowed.sessions < suggested:
        missing.append(counted(suggested - shadowed.sessions, "more shadowed session"))
    for variant in wanted_kinds:
        if not shadowed.by_kind.get(variant):
            missing.append(f"one {variant.label.lower()} group")
    return missing


def _names(names: list[str]) -> str:
    if len(names) <= LISTED_ON_HOME:
        return ", ".join(names)
    return f"{', '.join(names[:LISTED_ON_HOME])} and {len(names) - LISTED_ON_HOME} more"


def last_supervision(store: Store) -> dict[str, dt.date]:
    """Facilitator id → the day of their latest supervision meeting."""
    latest: dict[str, dt.date] = {}
    for meeting in store.documents("supervision"):
        day = dt.date.fromisoformat(meeting["on"])
        for person in meeting["facilitator_ids"]:
            if person not in latest or latest[person] < day:
                latest[person] = day
    return latest


def supervision_overdue(last: dt.date | None, today: dt.date, weeks: int) -> bool:
    """Whether someone's supervision is due: none yet, or the last is older than `weeks`."""
    return last is None or (today - last).days > weeks * 7


@dataclass(frozen=True)
class Standing:
    """Where one facilitator stands on the path today, counted from the stored documents."""

    path: Document
    stage: PathStage
    shadowed: Shadowed
    kinds: tuple[Variant, ...]
    missing: tuple[str, ...]
    """What is still missing before sign-off is suggested (only while shadowing)."""
    last_supervision: dt.date | None
    supervision_due: bool

    @property
    def sign_off_due(self) -> bool:
        return self.stage is PathStage.SHADOWING and not self.missing


def _sessions_run(store: Store) -> list[Document]:
    """The sessions that ended, with only what the path's rules read of them (`shadowed_by`):
    read one year at a time and kept small, with every id and date held once, since Home's
    Due box asks with years of sessions stored."""
    same = sys.intern
    return [
        {
            "status": SessionStatus.ENDED.value,
            "facilitator_ids": [same(person) for person in session["facilitator_ids"]],
            "date": same(session["date"]),
            "group_id": same(session["group_id"]),
        }
        for session in store.each_document("sessions")
        if session["status"] == SessionStatus.ENDED.value
    ]


@dataclass(frozen=True)
class PathFacts:
    """What the path's rules are counted from, read once: paths, groups, sessions, settings
    and supervision. `standing` applies the rules of this module to one facilitator."""

    paths: Mapping[str, Document]
    groups: list[Document]
    sessions: list[Document]
    suggested: int
    weeks: int
    latest: Mapping[str, dt.date]

    @classmethod
    def read(cls, store: Store) -> PathFacts:
        return cls(
            paths={doc["facilitator_id"]: doc for doc in store.documents("facilitator_paths")},
            groups=list(store.documents("groups")),
            sessions=_sessions_run(store),
            suggested=setting(store, "shadowing_before_sign_off", SHADOWING_BEFORE_SIGN_OFF),
            weeks=setting(store, "supervision_weeks", SUPERVISION_WEEKS),
            latest=last_supervision(store),
        )

    def standing(self, person: Document, today: dt.date) -> Standing:
        """Where `person` (a stored facilitator document) stands today."""
        key = str(person["id"])
        path = effective_path(person, self.paths.get(key))
        stage = stage_of(path)
        variant_of_group = {group["id"]: Variant(group["variant"]) for group in self.groups}
        shadowed = shadowed_by(key, path, self.sessions, variant_of_group)
        kinds = tuple(kinds_to_lead(path, kinds_run(self.groups)))
        missing = (
            tuple(missing_for_sign_off(shadowed, kinds, self.suggested))
            if stage is PathStage.SHADOWING
            else ()
        )
        last = self.latest.get(key)
        due = (
            bool(person.get("active", True))
            and stage in (PathStage.SHADOWING, PathStage.SIGNED_OFF)
            and supervision_overdue(last, today, self.weeks)
        )
        return Standing(path, stage, shadowed, kinds, missing, last, due)


def due_items(store: Store, today: dt.date) -> list[str]:
    """Lines for Home's Due box: sign-offs due, supervision due, follow-ups still open."""
    facts = PathFacts.read(store)
    sign_off: list[str] = []
    supervision: list[str] = []
    people = sorted(
        (person for person in store.documents("facilitators") if person["active"]),
        key=lambda person: person["display_name"].casefold(),
    )
    for person in people:
        standing = facts.standing(person, today)
        if standing.sign_off_due:
            sign_off.append(person["display_name"])
        if standing.supervision_due:
            supervision.append(person["display_name"])
    items = [f"{name}: sign-off to lead is due (f, then p)" for name in sign_off]
    if supervision:
        items.append(f"Supervision due for {_names(supervision)} (f, then s)")
    open_by_group = open_follow_ups_by_group(store)
    names = {group["id"]: group["name"] for group in facts.groups}
    for group_id, count in sorted(open_by_group.items(), key=lambda kv: names.get(kv[0], "")):
        if group_id in names:
            items.append(f"{names[group_id]}: {counted(count, 'follow-up')} still open (f, then u)")
    return items


# -- follow-ups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    """One follow-up: its words (from the session), where it came from, owner and done day."""

    session_id: str
    group_id: str
    session_date: dt.date
    key: str
    text: str
    from_debrief: bool
    owner_id: str | None
    done_on: dt.date | None
    words_here: bool = True
    """Read from the session on this laptop; False for one of a group this laptop does not
    hold, read from the copy its record carries (`FollowUpState.text`)."""


HELD_ON_GROUP_LAPTOP = "held on the group's laptop"
"""What stands for a follow-up's words on a laptop that does not hold its group, where the
words never left the group's laptops (they name a member) or are past their keeping time."""


def groups_holding_words(store: Store) -> frozenset[str] | None:
    """The groups whose follow-ups' words this laptop holds in their sessions: None for every
    group (a laptop that does not share), none on the coordinator's, a group laptop's own."""
    from voicesgroup.exchange import state

    # the record's head only (role and groups come before its entries): Home asks every paint
    record = store.storage.record_head(state.TABLE, "1", "entries")
    if record is None or "role" not in record:
        record = state.read(store.storage.tables(state.TABLE))
    if record is None:
        return None
    if record.get("role") == state.COORDINATOR:
        return frozenset()
    return frozenset(str(group) for group in record.get("groups") or ())


def _from_elsewhere(
    store: Store, sessions: Mapping[str, Document]
) -> Iterator[tuple[Document, Document]]:
    """(session, follow-up record) of each follow-up whose words this laptop does not hold:
    a record that came with the exchange for a session of a group held elsewhere."""
    held = groups_holding_words(store)
    if held is None:
        return
    for record in store.documents("follow_ups"):
        session = sessions.get(record["session_id"])
        if session is not None and session["group_id"] not in held:
            yield session, record


def follow_up_texts(session: Document) -> list[tuple[str, str]]:
    """(key, words) of every follow-up a session holds: noted with `f`, then the debrief's."""
    found = [(f"s{i}", text) for i, text in enumerate(session.get("follow_ups") or [])]
    debrief = session.get("debrief") or {}
    answer = (debrief.get("answers") or {}).get(FOLLOW_UP_FIELD, "")
    lines = [line.strip(" -•*\t") for line in answer.splitlines()]
    found += [(f"d{i}", line) for i, line in enumerate(line for line in lines if line)]
    return found


def open_follow_ups_by_group(store: Store) -> Counter[str]:
    """How many follow-ups are still open, by group id (what `follow_ups` would list as not
    done), counted without building the list: Home asks on every paint."""
    done = {
        (state["session_id"], state["key"])
        for state in store.documents("follow_ups")
        if state.get("done_on")
    }
    counts: Counter[str] = Counter()
    for session in store.each_document("sessions"):  # every year, none kept
        answers = (session.get("debrief") or {}).get("answers") or {}
        if not session.get("follow_ups") and not answers.get(FOLLOW_UP_FIELD):
            continue
        for key, _ in follow_up_texts(session):
            if (session["id"], key) not in done:
                counts[session["group_id"]] += 1
    if groups_holding_words(store) is not None:  # those of groups held elsewhere
        wanted = {r["session_id"] for r in store.documents("follow_ups") if not r.get("done_on")}
        if wanted:
            sessions = {
                doc["id"]: doc for doc in store.each_document("sessions") if doc["id"] in wanted
            }
            for held_elsewhere, record in _from_elsewhere(store, sessions):
                if not record.get("done_on"):
                    counts[held_elsewhere["group_id"]] += 1
    return counts


def follow_ups(store: Store) -> list[FollowUpRow]:
    """Every follow-up of every session, newest session first, with who owns it."""
    states = {(state["session_id"], state["key"]): state for state in store.documents("follow_ups")}
    rows = []
    sessions = {session["id"]: session for session in store.documents("sessions")}
    for session, record in _from_elsewhere(store, sessions):
        rows.append(
            FollowUpRow(
                session_id=session["id"],
                group_id=session["group_id"],
                session_date=dt.date.fromisoformat(session["date"]),
                key=record["key"],
                text=record.get("text") or HELD_ON_GROUP_LAPTOP,
                from_debrief=record["key"].startswith("d"),
                owner_id=record.get("owner_id"),
                done_on=_day(record.get("done_on")),
                words_here=False,
            )
        )
    for session in sessions.values():
        for key, text in follow_up_texts(session):
            state = states.get((session["id"], key), {})
            rows.append(
                FollowUpRow(
                    session_id=session["id"],
                    group_id=session["group_id"],
                    session_date=dt.date.fromisoformat(session["date"]),
                    key=key,
                    text=text,
                    from_debrief=key.startswith("d"),
                    owner_id=state.get("owner_id"),
                    done_on=_day(state.get("done_on")),
                )
            )
    rows.sort(
        key=lambda row: (
            -row.session_date.toordinal(),
            row.session_id,
            row.from_debrief,
            int(row.key[1:]),
        )
    )
    return rows
