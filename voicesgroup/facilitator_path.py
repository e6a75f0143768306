"""The facilitators' path, supervision and follow-ups: the one service screens and commands call.

The path runs interested → in training (course modules attended, with dates) → shadowing
(co-facilitating beside an experienced lead) → signed off (by whom, when), after which they
may lead. The coordinator may skip a step for someone, with a reason that is kept.

This module is the one writer of `Facilitator.training`, which the rota planner reads: anyone
not yet signed off is "in training" (never leads, always beside an experienced lead); sign-off
makes them "trained" (may lead); the coordinator marks who is "experienced" (may lead beside
someone shadowing). The counting rules (shadowed sessions, what is due) live in
`voicesgroup.facilitator_counts`, which works on the stored documents. Supervision is
`voicesgroup.supervision` and follow-ups `voicesgroup.follow_ups` (what the three share is
`facilitator_base`); their public names are importable from here too, as callers always have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from voicesgroup import dates
from voicesgroup.counting import counted
from voicesgroup.course import CourseFileError, TrainingModule, training_modules
from voicesgroup.facilitator_base import MemberNamed as MemberNamed
from voicesgroup.facilitator_base import PathError as PathError
from voicesgroup.facilitator_base import not_after_today as not_after_today
from voicesgroup.facilitator_counts import (
    LEGACY_SHADOWING_FROM,
    PathFacts,
    Shadowed,
    follow_ups,
    kinds_run,
)
from voicesgroup.follow_ups import follow_up_list as follow_up_list
from voicesgroup.follow_ups import follow_ups_moved as follow_ups_moved
from voicesgroup.follow_ups import mark_done as mark_done
from voicesgroup.follow_ups import open_before_session as open_before_session
from voicesgroup.follow_ups import set_owner as set_owner
from voicesgroup.kinds import PathStage, TrainingStatus, Variant
from voicesgroup.models import (
    DateRange,
    Facilitator,
    FacilitatorPath,
    ModuleAttended,
    SkippedStep,
)
from voicesgroup.rota.guard import Covers, keeping_the_rules, save_facilitator
from voicesgroup.store import Store
from voicesgroup.store.owned import MODULES_FILE
from voicesgroup.supervision import add_supervision as add_supervision
from voicesgroup.supervision import clean_topics as clean_topics
from voicesgroup.supervision import named_member as named_member
from voicesgroup.supervision import refuse_member_name
from voicesgroup.supervision import set_supervision_settings as set_supervision_settings
from voicesgroup.supervision import supervision_meetings as supervision_meetings

THIN_BELOW = 3
"""A kind of group is thin when fewer than this many people can lead it."""
STAGES = tuple(PathStage)


# -- reading a path --------------------------------------------------------------------------


@dataclass(frozen=True)
class PathView:
    """Everything about one facilitator's path, ready to show or print (no member names)."""

    facilitator: Facilitator
    record: FacilitatorPath | None
    stage: PathStage
    modules: tuple[tuple[TrainingModule, dt.date | None], ...]
    shadowed: Shadowed
    shadowed_beside: tuple[tuple[str, int], ...]
    kinds: tuple[Variant, ...]
    suggested: int
    missing: tuple[str, ...]
    last_supervision: dt.date | None
    supervision_due: bool
    open_follow_ups: int
    breaks: tuple[DateRange, ...]
    course_problem: str | None = None
    """Why the course file could not be read (then `modules` is empty); the rest still holds."""

    @property
    def name(self) -> str:
        return self.facilitator.display_name

    @property
    def may_lead(self) -> bool:
        return self.stage is PathStage.SIGNED_OFF

    @property
    def experienced(self) -> bool:
        return self.facilitator.training is TrainingStatus.EXPERIENCED

    @property
    def sign_off_due(self) -> bool:
        return self.stage is PathStage.SHADOWING and not self.missing

    @property
    def stage_words(self) -> str:
        if self.stage is PathStage.SIGNED_OFF and self.experienced:
            return "signed off, experienced"
        return self.stage.label

    def shadowing_words(self) -> str:
        """'4 of 6 (Hearing voices 3, Drop-in 1)'."""
        kinds = ", ".join(
            f"{variant.label} {count}" for variant, count in self.shadowed.by_kind.items()
        )
        text = f"{self.shadowed.sessions} of {self.suggested}"
        return f"{text} ({kinds})" if kinds else text

    def summary(self, *, each_module: bool = False, sign_off_key: str = "") -> list[str]:
        """The path in plain lines, for the path screen and `facilitator show`.

        `each_module` adds a line per course module (the screen has a table of them instead);
        `sign_off_key` names the key that signs off, where there is one.
        """
        attended = sum(1 for _, on in self.modules if on)
        lines = [
            self.course_problem or f"Course: {attended} of {len(self.modules)} modules attended"
        ]
        if each_module:
            for module, on in self.modules:
                mark = dates.date(on) if on else ("optional" if module.optional else "not yet")
                lines.append(f"  {module.title}: {mark}")
        if self.stage is PathStage.SHADOWING:
            beside = ", ".join(f"{name} {count}" for name, count in self.shadowed_beside)
            lines.append(
                f"Shadowed: {self.shadowing_words()}" + (f" · beside {beside}" if beside else "")
            )
            key = f" ({sign_off_key})" if sign_off_key else ""
            lines.append(
                f"Sign-off to lead is due{key}."
                if self.sign_off_due
                else "Before sign-off: " + "; ".join(self.missing)
            )
        record = self.record
        if record is not None and record.signed_off_on is not None:
            lines.append(
                f"Signed off by {record.signed_off_by} on {dates.date(record.signed_off_on)}"
            )
        elif self.may_lead:
            lines.append("Leading since before this record was kept")
        kinds = ", ".join(variant.label for variant in self.kinds) or "every kind run"
        lines.append(f"Will lead: {kinds}")
        supervision = dates.date(self.last_supervision) if self.last_supervision else "none yet"
        lines.append(
            f"Last supervision: {supervision}"
            + (" (due)" if self.supervision_due else "")
            + f" · open follow-ups they own: {self.open_follow_ups}"
        )
        for span in self.breaks:
            lines.append(f"Taking a break: {dates.date(span.start)} to {dates.date(span.end)}")
        for step in record.skipped if record else []:
            lines.append(
                f"Skipped {step.stage.label}: {step.reason} ({step.by}, {dates.date(step.on)})"
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        record = self.record
        return {
            "name": self.name,
            "id": str(self.facilitator.id),
            "stage": self.stage.value,
            "may_lead": self.may_lead,
            "experienced": self.experienced,
            "active": self.facilitator.active,
            "modules": [
                {
                    "key": module.key,
                    "title": module.title,
                    "optional": module.optional,
                    "attended_on": dates.iso(on) if on else None,
                }
                for module, on in self.modules
            ],
            "shadowing_from": dates.iso(record.shadowing_from)
            if record and record.shadowing_from
            else None,
            "shadowed_sessions": self.shadowed.sessions,
            "shadowed_by_kind": {
                variant.value: count for variant, count in self.shadowed.by_kind.items()
            },
            "shadowed_beside": dict(self.shadowed_beside),
            "suggested_before_sign_off": self.suggested,
            "kinds_to_lead": [variant.value for variant in self.kinds],
            "still_missing": list(self.missing),
            "sign_off_due": self.sign_off_due,
            "signed_off_by": record.signed_off_by if record else None,
            "signed_off_on": dates.iso(record.signed_off_on)
            if record and record.signed_off_on
            else None,
            "skipped": [
                {
                    "stage": step.stage.value,
                    "reason": step.reason,
                    "by": step.by,
                    "on": dates.iso(step.on),
                }
                for step in (record.skipped if record else [])
            ],
            "last_supervision": dates.iso(self.last_supervision) if self.last_supervision else None,
            "supervision_due": self.supervision_due,
            "open_follow_ups": self.open_follow_ups,
            "breaks": [
                {"from": dates.iso(span.start), "to": dates.iso(span.end)} for span in self.breaks
            ],
        }


def not_yet_on_the_rota(store: Store) -> set[UUID]:
    """Facilitators still interested or on the course: the rota leaves them off until they
    begin shadowing (the rule is `rota.rules.on_the_rota_yet`)."""
    from voicesgroup.rota.rules import on_the_rota_yet

    return {
        record.facilitator_id
        for record in store.records(FacilitatorPath)
        if not on_the_rota_yet(record.stage)
    }


def not_facilitating_yet(store: Store, people: Iterable[Facilitator]) -> str | None:
    """The rule's sentence for the first of `people` still interested or on the course (they
    are on no session before they begin shadowing: `rota.rules.not_facilitating_yet`), else
    None. Starting a session and changing who facilitates it ask this."""
    from voicesgroup.rota.rules import not_facilitating_yet as refused

    for person in people:
        record = path_record(store, person.id)
        found = refused(person, record.stage if record else None)
        if found is not None:
            return found.sentence
    return None


def may_start_with(store: Store, people: list[Facilitator]) -> str | None:
    """The rule's sentence when a session may not start with `people` (the first leads),
    else None: the path's rule (`not_facilitating_yet`), then the rota's own rules that
    someone in training never leads and always has an experienced partner beside them
    (`rota.rules.trainee_leads`, `trainee_partner`)."""
    from voicesgroup.rota.rules import trainee_leads, trainee_partner

    sentence = not_facilitating_yet(store, people)
    if sentence is not None or not people:
        return sentence
    lead, co = people[0], people[1] if len(people) > 1 else None
    found = trainee_leads(lead) or (trainee_partner(co, lead) if co is not None else None)
    return None if found is None else found.sentence


def path_record(store: Store, facilitator_id: UUID) -> FacilitatorPath | None:
    found = store.records(FacilitatorPath, facilitator_id=facilitator_id)
    return found[0] if found else None


def path_views(store: Store, today: dt.date) -> list[PathView]:
    """The path of every facilitator (the active ones first), by name."""
    people = store.facilitators()
    people.sort(key=lambda person: (not person.active, person.display_name.casefold()))
    return _views(store, people, today)


def path_view(store: Store, facilitator: Facilitator, today: dt.date) -> PathView:
    """One facilitator's path so far."""
    return _views(store, [store.facilitator(facilitator.id)], today)[0]


def _views(store: Store, people: list[Facilitator], today: dt.date) -> list[PathView]:
    records = {record.facilitator_id: record for record in store.records(FacilitatorPath)}
    facts = PathFacts.read(store)
    names = {str(person.id): person.display_name for person in store.facilitators()}
    owners: dict[str, int] = {}
    for row in follow_ups(store):
        if row.done_on is None and row.owner_id:
            owners[row.owner_id] = owners.get(row.owner_id, 0) + 1
    try:  # a mistyped course file must not hide everything else about the paths
        modules, course_problem = training_modules(store.path), None
    except CourseFileError as error:
        modules, course_problem = (), str(error)
    views = []
    for person in people:
        key = str(person.id)
        record = records.get(person.id)
        standing = facts.standing(person.model_dump(mode="json"), today)
        attended = {item.key: item.on for item in (record.modules if record else [])}
        beside = tuple(
            sorted(
                (
                    (names.get(other, "someone no longer listed"), n)
                    for other, n in standing.shadowed.by_lead.items()
                ),
                key=lambda pair: (-pair[1], pair[0]),
            )
        )
        views.append(
            PathView(
                facilitator=person,
                record=record,
                stage=standing.stage,
                modules=tuple((module, attended.get(module.key)) for module in modules),
                shadowed=standing.shadowed,
                shadowed_beside=beside,
                kinds=standing.kinds,
                suggested=facts.suggested,
                missing=standing.missing,
                last_supervision=standing.last_supervision,
                supervision_due=standing.supervision_due,
                open_follow_ups=owners.get(key, 0),
                breaks=tuple(span for span in person.dates_off if span.end >= today),
                course_problem=course_problem,
            )
        )
    return views


# -- changing a path (the one writer of Facilitator.training) ---------------------------------


def _save(
    store: Store,
    person: Facilitator,
    record: FacilitatorPath,
    *,
    today: dt.date | None = None,
    covers: Covers | None = None,
) -> FacilitatorPath:
    """Save the path and the training status it gives, keeping the rota's rules (the guard
    works every reason on the rota out again, so none still calls them in training)."""
    if record.stage is PathStage.SIGNED_OFF:
        keep = person.training is TrainingStatus.EXPERIENCED
        training = TrainingStatus.EXPERIENCED if keep else TrainingStatus.TRAINED
    else:
        training = TrainingStatus.IN_TRAINING
    with keeping_the_rules(store, today=today, covers=covers):
        store.save_record(record)
        if person.training is not training:
            store.save_facilitator(person.with_changes(training=training))
    return record


def _record_for(store: Store, person: Facilitator) -> FacilitatorPath:
    found = path_record(store, person.id)
    if found is not None:
        return found
    # Someone who facilitated before the path was kept starts from where their status says.
    if person.training is TrainingStatus.IN_TRAINING:
        return FacilitatorPath(
            facilitator_id=person.id,
            stage=PathStage.SHADOWING,
            shadowing_from=dt.date.fromisoformat(LEGACY_SHADOWING_FROM),
        )
    return FacilitatorPath(facilitator_id=person.id, stage=PathStage.SIGNED_OFF)


def _clean_reason(store: Store, reason: str | None, by: str | None, what: str) -> tuple[str, str]:
    reason = " ".join((reason or "").split())
    by = " ".join((by or "").split())
    if not reason or not by:
        raise PathError(f"To be kept with the path, this needs a reason and who decided: {what}.")
    refuse_member_name(store, [reason], "the reason. A facilitator's path keeps general reasons")
    return reason, by


def begin(
    store: Store,
    person: Facilitator,
    stage: PathStage,
    on: dt.date,
    *,
    by: str = "",
    reason: str = "",
) -> FacilitatorPath:
    """Start someone's path at `stage` (a new facilitator, or someone joining mid-way).

    Starting past "interested" skips the steps before it: a reason and who decided are
    needed then, and kept.
    """
    not_after_today(on, "day they joined the path")
    if path_record(store, person.id) is not None:
        raise PathError(f"Already on the path: {person.display_name}.")
    record = FacilitatorPath(facilitator_id=person.id, stage=stage)
    skipped = STAGES[: STAGES.index(stage)]
    if skipped:
        reason, by = _clean_reason(
            store, reason, by, f"Starting {person.display_name} at {stage.label}"
        )
        record = record.with_changes(
            skipped=[
                SkippedStep(stage=step, reason=reason, by=by, on=on).model_dump()
                for step in skipped
            ]
        )
    if stage is PathStage.SHADOWING:
        record = record.with_changes(shadowing_from=on)
    if stage is PathStage.SIGNED_OFF:
        record = record.with_changes(signed_off_by=by, signed_off_on=on)
    return _save(store, person, record)


def start_training(store: Store, person: Facilitator, on: dt.date) -> FacilitatorPath:
    """They begin the course."""
    not_after_today(on, "day the course began")
    record = _record_for(store, person)
    if record.stage is not PathStage.INTERESTED:
        raise PathError(f"Already {record.stage.label}: {person.display_name}.")
    return _save(store, person, record.with_changes(stage=PathStage.IN_TRAINING))


def attend_module(store: Store, person: Facilitator, key: str, on: dt.date) -> FacilitatorPath:
    """Note that they attended one course module on a day (again: the date is changed)."""
    not_after_today(on, "day the module was attended")
    known = {module.key: module for module in training_modules(store.path)}
    if key not in known:
        raise PathError(f"There is no course module {key!r}; the modules are in {MODULES_FILE}.")
    record = _record_for(store, person)
    if record.stage is PathStage.INTERESTED:
        record = record.with_changes(stage=PathStage.IN_TRAINING)
    kept = [item for item in record.modules if item.key != key]
    kept.append(ModuleAttended(key=key, on=on))
    return _save(store, person, record.with_changes(modules=[m.model_dump() for m in kept]))


def modules_missing(store: Store, record: FacilitatorPath) -> list[TrainingModule]:
    """Course modules not yet attended that the coordinator waits for (not optional)."""
    done = {item.key for item in record.modules}
    return [m for m in training_modules(store.path) if not m.optional and m.key not in done]


def start_shadowing(
    store: Store, person: Facilitator, on: dt.date, *, by: str = "", reason: str = ""
) -> FacilitatorPath:
    """They begin shadowing: sessions run from `on` count. Modules not yet attended (or no
    course at all) are a skipped step, which needs a reason and who decided."""
    not_after_today(on, "day shadowing began")
    record = _record_for(store, person)
    if record.stage in (PathStage.SHADOWING, PathStage.SIGNED_OFF):
        raise PathError(f"Already {record.stage.label}: {person.display_name}.")
    missing = modules_missing(store, record)
    if missing:
        reason, by = _clean_reason(
            store, reason, by, f"{counted(len(missing), 'course module')} not attended yet"
        )
        skipped = [
            *record.skipped,
            SkippedStep(stage=PathStage.IN_TRAINING, reason=reason, by=by, on=on),
        ]
        record = record.with_changes(skipped=[step.model_dump() for step in skipped])
    return _save(store, person, record.with_changes(stage=PathStage.SHADOWING, shadowing_from=on))


def sign_off(
    store: Store,
    person: Facilitator,
    by: str,
    on: dt.date,
    *,
    reason: str = "",
    today: dt.date | None = None,
) -> FacilitatorPath:
    """Sign them off to lead. Before the suggested shadowing is done this skips the rest of
    shadowing, which needs a reason. Afterwards the rota may make them lead. A sign-off
    dated after `today` (default: the clock's) is refused and changes nothing."""
    not_after_today(on, "sign-off date", today)
    by_name = " ".join(by.split())
    if not by_name:
        raise PathError("Say who signs them off.")
    if any(not ch.isprintable() for ch in by_name):
        raise PathError("The name of who signs off cannot hold control characters.")
    record = _record_for(store, person)
    if record.stage is PathStage.SIGNED_OFF:
        raise PathError(f"Already signed off: {person.display_name}.")
    if record.stage is not PathStage.SHADOWING:
        raise PathError(
            f"Shadowing comes before sign-off, and {person.display_name} is "
            f"{record.stage.label}: start their shadowing first, or skip it with a reason."
        )
    view = path_view(store, person, on)
    if view.missing:
        reason, _ = _clean_reason(
            store,
            reason,
            by_name,
            "Sign-off before the suggested shadowing (" + "; ".join(view.missing) + ")",
        )
        skipped = [
            *record.skipped,
            SkippedStep(stage=PathStage.SHADOWING, reason=reason, by=by_name, on=on),
        ]
        record = record.with_changes(skipped=[step.model_dump() for step in skipped])
    record = record.with_changes(
        stage=PathStage.SIGNED_OFF, signed_off_by=by_name, signed_off_on=on
    )
    with store.batch():
        saved = _save(store, person, record, today=today)
        store.audit("facilitator signed off", "may lead", actor=by_name)
    return saved


def set_experienced(
    store: Store,
    person: Facilitator,
    experienced: bool,
    *,
    today: dt.date | None = None,
    covers: Covers | None = None,
) -> Facilitator:
    """Mark a signed-off facilitator as experienced (may lead beside someone shadowing), or
    no longer: sessions to come where that leaves someone in training without an experienced
    partner need cover first (`guard.CoverNeeded`)."""
    record = _record_for(store, person)
    if record.stage is not PathStage.SIGNED_OFF:
        raise PathError(f"Sign-off comes first: {person.display_name} is {record.stage.label}.")
    training = TrainingStatus.EXPERIENCED if experienced else TrainingStatus.TRAINED
    changed = person.with_changes(training=training)
    with keeping_the_rules(store, today=today, covers=covers):
        if path_record(store, person.id) is None:
            store.save_record(record)
        store.save_facilitator(changed)
    return changed


def set_kinds(store: Store, person: Facilitator, kinds: Iterable[Variant]) -> FacilitatorPath:
    """The kinds of group they will lead (empty: every kind the organisation runs)."""
    record = _record_for(store, person)
    chosen = [variant for variant in Variant if variant in set(kinds)]
    return _save(store, person, record.with_changes(leads_kinds=chosen))


def take_break(
    store: Store,
    person: Facilitator,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date | None = None,
    covers: Covers | None = None,
) -> Facilitator:
    """They need a break: the days become dates off, which the rota honours. No reason is
    asked or kept. Sessions to come inside the break that they are on need cover, or their
    place left open, in the same change: without `covers` for each, `guard.CoverNeeded`
    lists them with cover suggested and nothing is saved."""
    if end < start:
        raise PathError("A break ends on or after the day it starts.")
    current = store.facilitator(person.id)
    spans = [*current.dates_off, DateRange(start=start, end=end)]
    changed = current.with_changes(dates_off=[span.model_dump() for span in spans])
    save_facilitator(store, changed, today=today, covers=covers)
    return changed


# -- the team's picture ----------------------------------------------------------------------


@dataclass(frozen=True)
class KindCover:
    """Who can lead one kind of group, and whether the team is thin there."""

    variant: Variant
    can_lead: tuple[str, ...]
    experienced: tuple[str, ...]
    shadowing: tuple[str, ...]

    @property
    def thin(self) -> bool:
        return len(self.can_lead) < THIN_BELOW or not self.experienced

    def words(self) -> str:
        count = len(self.can_lead)
        who = f"{count} can lead" if count != 1 else "1 can lead"
        text = f"{who}, {len(self.experienced)} of them experienced"
        if self.shadowing:
            text += f"; {len(self.shadowing)} shadowing"
        if count == 0:
            return f"nobody can lead yet; {len(self.shadowing)} shadowing"
        if self.thin:
            text += " — thin"
        return text


@dataclass(frozen=True)
class TeamPicture:
    kinds: tuple[KindCover, ...]
    people: tuple[PathView, ...]

    def thin_words(self) -> list[str]:
        """Sentences about where the team is thin."""
        found = []
        for cover in self.kinds:
            if not cover.can_lead:
                found.append(f"Nobody can lead the {cover.variant.label.lower()} groups yet.")
            elif len(cover.can_lead) < THIN_BELOW:
                only = (
                    "Only one person"
                    if len(cover.can_lead) == 1
                    else (f"Only {len(cover.can_lead)} people")
                )
                found.append(f"{only} can lead the {cover.variant.label.lower()} groups.")
            elif not cover.experienced:
                found.append(
                    f"Nobody experienced leads the {cover.variant.label.lower()} groups, so "
                    "nobody can shadow there."
                )
        return found


def team_picture(store: Store, today: dt.date) -> TeamPicture:
    """How many can lead each kind of group the organisation runs, and where it is thin."""
    views = path_views(store, today)
    active = [view for view in views if view.facilitator.active]
    covers = []
    for variant in kinds_run(store.documents("groups")):
        leads = [v for v in active if v.may_lead and variant in v.kinds]
        covers.append(
            KindCover(
                variant=variant,
                can_lead=tuple(v.name for v in leads),
                experienced=tuple(v.name for v in leads if v.experienced),
                shadowing=tuple(
                    v.name for v in active if v.stage is PathStage.SHADOWING and variant in v.kinds
                ),
            )
        )
    return TeamPicture(tuple(covers), tuple(views))


def find(store: Store, name_or_id: str) -> Facilitator:
    """A facilitator by name or id (the store's clear errors otherwise)."""
    return store.find_facilitator(name_or_id)


def parse_day(text: str, what: str = "date") -> dt.date:
    """A day written as YYYY-MM-DD; one clear sentence (a `PathError`) for anything else."""
    return dates.read_day(text, what, error=PathError)
