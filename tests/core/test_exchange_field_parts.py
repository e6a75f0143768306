"""Records shared as several parts (`sharing.FIELD_PARTS`): two laptops changing different
fields of one record at once both keep both changes after the exchange."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange import World, no_real_data, world
from tests.helpers.exchange_laptops import QUICK, two_group_laptops
from voicesgroup import models
from voicesgroup.exchange import clock, outbox, service, sharing, state
from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.folder import outbox_name
from voicesgroup.exchange.merge import Entry
from voicesgroup.kinds import PathStage, TrainingStatus, Variant
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]

MADE = frozenset({"id", "created_at"})
MODELS: dict[str, type[models.Record]] = {
    model.TABLE: model
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, models.Record) and model is not models.Record
}
SETTINGS = sharing.SETTINGS_KIND


def fields_of(table: str) -> set[str]:
    """The fields a part of the table (or of the settings) may hold."""
    if table == SETTINGS:
        return set(sharing.SHARED_SETTINGS)
    return set(MODELS[table].model_fields)


def sets_of(table: str) -> dict[str, frozenset[str]]:
    """Each part's fields a person can change: the main part's, then each declared set's."""
    declared = sharing.FIELD_PARTS[table]
    rest = fields_of(table) - MADE - frozenset().union(*declared.values())
    return {"": frozenset(rest), **declared}


def test_every_set_of_fields_is_of_its_record_and_in_one_part_only() -> None:
    for table, declared in sharing.FIELD_PARTS.items():
        if table != SETTINGS:
            assert sharing.RULES[table].reach is sharing.Reach.ORGANISATION, table
        fields = fields_of(table)
        seen: set[str] = set()
        for name, own in declared.items():
            assert own and own <= fields - MADE, (table, name)
            assert not own & seen, (table, name)
            seen |= own
            assert sharing.table_of(table + sharing.FIELD_MARK + name) == table


def test_parts_put_back_together_are_the_record() -> None:
    facilitator = models.Facilitator(display_name="Rosa", max_per_month=3, dates_off=[])
    document = facilitator.model_dump(mode="json")
    holding = sharing.Holding.of({}, [])
    parts = sharing.parts_of("facilitators", document, holding)
    assert {part.kind for part in parts} == {"facilitators", *sharing.field_kinds("facilitators")}
    main = next(part.content for part in parts if part.kind == "facilitators")
    fields = {part.kind: part.content for part in parts if part.kind != "facilitators"}
    assert sharing.assemble("facilitators", main, None, fields) == document


def test_a_set_of_fields_never_sets_a_field_it_does_not_own() -> None:
    """An altered outbox whose part of availability carries an id or a name changes neither."""
    main = {"id": "a", "display_name": "Rosa"}
    forged = {"facilitators.max_per_month": {"max_per_month": 2, "id": "b", "display_name": "X"}}
    assert sharing.assemble("facilitators", main, None, forged) == {
        "id": "a",
        "display_name": "Rosa",
        "max_per_month": 2,
    }


def _names() -> st.SearchStrategy[str]:
    return st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(str.strip).filter(bool)


def _days() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31))


def _value_of(field: str, table: str, ids: dict[str, str]) -> st.SearchStrategy[Any]:
    """A valid new value for one field, as the data file stores it."""
    other = [ids["rosa"], ids["sam"]]
    values: dict[tuple[str, str], st.SearchStrategy[Any]] = {
        ("facilitators", "display_name"): _names(),
        ("facilitators", "training"): st.sampled_from([t.value for t in TrainingStatus]),
        ("facilitators", "unavailable_weekdays"): st.lists(
            st.integers(0, 6), unique=True, max_size=3
        ),
        ("facilitators", "dates_off"): st.lists(
            _days().map(lambda d: {"start": d.isoformat(), "end": d.isoformat()}), max_size=2
        ),
        ("facilitators", "max_per_month"): st.none() | st.integers(0, 31),
        ("facilitators", "prefers"): st.lists(st.sampled_from(other), unique=True),
        ("facilitators", "avoids"): st.lists(st.sampled_from(other), unique=True),
        ("facilitators", "is_woman"): st.none() | st.booleans(),
        ("facilitators", "active"): st.booleans(),
        ("facilitators", "named_in_reports"): st.booleans(),
        ("supervision", "on"): _days().map(dt.date.isoformat),
        ("supervision", "facilitator_ids"): st.lists(
            st.sampled_from(other), unique=True, min_size=1
        ),
        ("supervision", "held_by"): _names(),
        ("supervision", "topics"): st.lists(_names(), max_size=3),
        ("follow_ups", "session_id"): st.just(ids["session"]),
        ("follow_ups", "key"): st.sampled_from(["s0", "s1", "d0"]),
        ("follow_ups", "owner_id"): st.none() | st.sampled_from(other),
        ("follow_ups", "done_on"): st.none() | _days().map(dt.date.isoformat),
        ("follow_ups", "text"): st.none() | _names(),
        ("facilitator_paths", "facilitator_id"): st.just(ids["sam"]),
        ("facilitator_paths", "stage"): st.sampled_from([s.value for s in PathStage]),
        ("facilitator_paths", "shadowing_from"): st.none() | _days().map(dt.date.isoformat),
        ("facilitator_paths", "signed_off_by"): st.none() | _names(),
        ("facilitator_paths", "signed_off_on"): st.none() | _days().map(dt.date.isoformat),
        ("facilitator_paths", "modules"): st.lists(
            st.fixed_dictionaries(
                {"key": st.sampled_from(["intro", "voices"]), "on": _days().map(dt.date.isoformat)}
            ),
            max_size=2,
        ),
        ("facilitator_paths", "skipped"): st.lists(
            st.fixed_dictionaries(
                {
                    "stage": st.sampled_from([s.value for s in PathStage]),
                    "reason": _names(),
                    "by": _names(),
                    "on": _days().map(dt.date.isoformat),
                }
            ),
            max_size=1,
        ),
        ("facilitator_paths", "leads_kinds"): st.lists(
            st.sampled_from([v.value for v in Variant]), unique=True
        ),
        ("groups", "name"): _names().map(lambda name: "Group " + name),
        ("groups", "venue"): _names(),
        ("groups", "vocabulary"): st.dictionaries(
            st.sampled_from(["member", "session"]), _names(), max_size=2
        ),
        ("groups", "women_facilitator_rule"): st.booleans(),
        ("groups", "archived"): st.booleans(),
        ("groups", "pattern"): st.fixed_dictionaries(
            {"weekday": st.integers(0, 6), "minutes": st.sampled_from([60, 90, 120])}
        ),
        ("groups", "variant"): st.sampled_from([v.value for v in Variant]),
        ("groups", "agreements"): st.just([]),
        ("groups", "template"): st.just(None),
        ("support_contacts", "name"): _names().map(lambda name: "Line " + name),
        ("support_contacts", "local"): st.just(True),
        ("support_contacts", "how"): _names(),
        ("support_contacts", "when"): _names(),
        ("support_contacts", "last_checked"): st.none() | _days().map(dt.date.isoformat),
        ("support_contacts", "discreet_how"): _names(),
        (SETTINGS, "organisation"): _names(),
        (SETTINGS, "notes_months"): st.integers(1, 120),
        (SETTINGS, "debriefs_months"): st.integers(1, 120),
        (SETTINGS, "named_attendance_months"): st.integers(1, 120),
        (SETTINGS, "shadowing_before_sign_off"): st.integers(1, 100),
        (SETTINGS, "supervision_weeks"): st.integers(1, 52),
        (SETTINGS, "report_smallest_count"): st.integers(3, 50),
        (SETTINGS, "report_preparation_minutes"): st.integers(0, 240),
        (SETTINGS, "report_debrief_minutes"): st.integers(0, 240),
    }
    return values[(table, field)]


def _read(db: Path, table: str, key: str) -> dict[str, Any]:
    with Store.open(db, readonly=True) as store:
        if table == SETTINGS:
            return store.settings().model_dump(mode="json")
        data = store.storage.read()
    [found] = [doc for doc in data[table].values() if str(doc.get("id")) == key]
    return found


def _change(db: Path, table: str, key: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The record changed through its model and saved; the fields as the model stores them."""
    with Store.open(db) as store:
        if table == SETTINGS:
            settings = store.settings().model_copy(update=changes)
            store.save_settings(models.Settings.model_validate(settings.model_dump()))
            return {field: store.settings().model_dump(mode="json")[field] for field in changes}
        data = store.storage.read()
        [document] = [doc for doc in data[table].values() if str(doc.get("id")) == key]
        record = MODELS[table].model_validate({**document, **changes})
        save = {
            "groups": store.save_group,
            "facilitators": store.save_facilitator,
            "support_contacts": store.save_support_contact,
        }
        save.get(table, store.save_record)(record)  # type: ignore[operator]  # each save takes its own model
        stored = record.model_dump(mode="json")
    return {field: stored[field] for field in changes}


def _records(world: World) -> dict[str, str]:
    """A record of each table shared as several parts, made on the group's laptop and shared."""
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        sam = models.Facilitator(display_name="Sam")
        store.save_facilitator(sam)
        [group] = store.groups()
        [session] = store.sessions()
        meeting = models.SupervisionMeeting(
            on=dt.date(2025, 3, 5), facilitator_ids=[rosa.id], held_by="Ann"
        )
        follow_up = models.FollowUpState(session_id=session.id, key="s0")
        path = models.FacilitatorPath(facilitator_id=sam.id)
        for record in (meeting, follow_up, path):
            store.save_record(record)
        helpline = models.SupportContact(name="Ward 4", how="0123 456", local=True)
        store.save_support_contact(helpline)
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    return {
        "rosa": str(rosa.id),
        "sam": str(sam.id),
        "session": str(session.id),
        "facilitators": str(rosa.id),
        "groups": str(group.id),
        "supervision": str(meeting.id),
        "follow_ups": str(follow_up.id),
        "facilitator_paths": str(path.id),
        "support_contacts": str(helpline.id),
        SETTINGS: "1",
    }


def test_two_laptops_changing_different_fields_of_one_record_both_keep_both(world: World) -> None:
    ids = _records(world)

    @st.composite
    def two_edits(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
        table = draw(st.sampled_from(sorted(sharing.FIELD_PARTS)))
        sets = sets_of(table)
        first, second = draw(
            st.lists(
                st.sampled_from(sorted(n for n in sets if sets[n])),
                min_size=2,
                max_size=2,
                unique=True,
            )
        )
        edits = []
        for name in (first, second):
            fields = draw(st.lists(st.sampled_from(sorted(sets[name])), min_size=1, unique=True))
            edits.append({field: draw(_value_of(field, table, ids)) for field in fields})
        return table, edits[0], edits[1]

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(two_edits())
    def both_kept(case: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
        table, on_coordinator, on_group = case
        key = ids[table]
        wanted = {
            **_change(world.coordinator, table, key, on_coordinator),
            **_change(world.group, table, key, on_group),
        }
        for _ in range(2):
            world.exchange(world.coordinator)
            world.exchange(world.group)
        for laptop in (world.coordinator, world.group):
            held = _read(laptop, table, key)
            assert {field: held[field] for field in wanted} == wanted, (laptop.parent.name, table)

    both_kept()


def test_a_record_that_holds_a_member_is_never_sent_in_part() -> None:
    """A member's id in one field of an organisation's record keeps every part of it here
    (`kept_to_members`: the organisation never), not only the field's part, as before the
    record was split."""
    member = str(uuid.uuid4())
    holding = sharing.Holding(frozenset({"g"}), {member: {"g"}}, frozenset(), frozenset({member}))
    document = models.Facilitator(display_name="Rosa").model_dump(mode="json")
    sent = sharing.parts_of("facilitators", document, holding)
    assert len(sent) == 1 + len(sharing.FIELD_PARTS["facilitators"])
    assert {part.sections for part in sent} == {(sharing.ORG,)}
    document["prefers"] = [member]
    assert sharing.parts_of("facilitators", document, holding) == []


def _as_when_shared_whole(db: Path) -> None:
    """The exchange's state as a version that shared these records whole left it: one entry
    for each record, its hash the whole record's, no part for a set of fields."""
    with Store.open(db) as store:
        data = store.storage.read()
        record = state.read(data)
        assert record is not None
        for table in sharing.FIELD_PARTS:
            for kind in sharing.field_kinds(table):
                record["entries"].pop(kind, None)
            documents = {sharing.record_key(table, d): d for d in data.get(table, {}).values()}
            for skey, held in record["entries"].get(table, {}).items():
                held[0] = sharing.content_hash(documents[skey])
        state.write(data, record)
        store.storage.write(data)


def test_a_laptop_updated_later_keeps_the_changes_made_meanwhile(world: World) -> None:
    """A laptop whose state is still of whole records (updated after the others) does not
    overwrite with its old values a change another laptop made since: its parts keep the
    whole record's stamp."""
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    _as_when_shared_whole(world.group)
    with Store.open(world.coordinator) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(max_per_month=2))
    world.exchange(world.coordinator)
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    for laptop in (world.group, world.coordinator):
        with Store.open(laptop, readonly=True) as store:
            [rosa] = store.facilitators()
        assert rosa.max_per_month == 2, laptop.parent.name


def test_a_record_that_comes_in_whole_gives_the_fields_it_changed_later(world: World) -> None:
    """An outbox of an older version holds a facilitator whole: of its fields, those whose
    part here is older than it are taken from it, those changed here since are kept."""
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    with Store.open(world.group) as store:
        [rosa] = store.facilitators()
        record = state.read(store.storage.read())
    assert record is not None
    whole = {**rosa.model_dump(mode="json"), "max_per_month": 4, "is_woman": False}
    time.sleep(0.01)
    old_stamp = Stamp(clock.wall_ms(), 0, "0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0l")
    time.sleep(0.01)
    with Store.open(world.group) as store:  # changed here after the older laptop's change
        store.save_facilitator(rosa.with_changes(is_woman=True, display_name="Rosa M"))
    world.exchange(world.group)
    contents = outbox.Contents(old_stamp.replica, "group", [], 1, old_stamp.ms)
    entry = Entry("facilitators", str(rosa.id), old_stamp, None, whole, None)
    sealed = outbox.seal(contents, bytes.fromhex(record["org_key"]), {}, {sharing.ORG: [entry]})
    (world.folder / outbox_name(old_stamp.replica)).write_bytes(sealed)
    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:
        [held] = store.facilitators()
    assert (held.max_per_month, held.is_woman, held.display_name) == (4, True, "Rosa M")


def test_two_laptops_changing_different_settings_at_once_keep_both(world: World) -> None:
    """The coordinator raises the reports' smallest count while the group's laptop names the
    organisation: both settings hold on both laptops (before, one of the two was lost)."""
    _records(world)
    with Store.open(world.coordinator) as store:
        store.save_settings(store.settings().model_copy(update={"report_smallest_count": 9}))
    with Store.open(world.group) as store:
        store.save_settings(store.settings().model_copy(update={"organisation": "Hearing Us"}))
    for _ in range(2):
        world.exchange(world.coordinator)
        world.exchange(world.group)
    for laptop in (world.coordinator, world.group):
        with Store.open(laptop, readonly=True) as store:
            settings = store.settings()
        assert (settings.report_smallest_count, settings.organisation) == (9, "Hearing Us")


def test_an_outbox_of_format_three_gives_its_settings_as_parts(world: World) -> None:
    """A laptop still on format 3 sends the settings whole, under one stamp: each setting is
    taken from it only where that stamp is later than this laptop's part of that setting."""
    _records(world)
    with Store.open(world.group) as store:
        record = state.read(store.storage.read())
        held = store.settings().model_dump(mode="json")
    assert record is not None
    old_stamp = Stamp(clock.wall_ms(), 0, "0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0l")
    time.sleep(0.01)
    with Store.open(world.group) as store:  # changed here after the older laptop's change
        store.save_settings(store.settings().model_copy(update={"organisation": "Ours"}))
    world.exchange(world.group)
    whole = {
        name: value
        for name, value in {**held, "organisation": "Theirs", "notes_months": 7}.items()
        if name in sharing.SHARED_SETTINGS
    }
    contents = outbox.Contents(old_stamp.replica, "group", [], 1, old_stamp.ms)
    entry = Entry(sharing.SETTINGS_KIND, "1", old_stamp, None, whole, None)
    sealed = outbox.seal(contents, bytes.fromhex(record["org_key"]), {}, {sharing.ORG: [entry]})
    (world.folder / outbox_name(old_stamp.replica)).write_bytes(sealed)
    world.exchange(world.group)
    with Store.open(world.group, readonly=True) as store:
        settings = store.settings()
    assert (settings.organisation, settings.notes_months) == ("Ours", 7)


def test_a_laptop_of_format_three_sets_aside_an_outbox_holding_settings_in_parts() -> None:
    """The settings in parts are new in format 4: a reader of 3 would not know the kinds, so
    the outbox says 4, which such a reader keeps aside and asks to be updated."""
    parts = sharing.settings_parts(models.Settings().model_dump(mode="json"))
    assert {p.kind for p in parts} == {sharing.SETTINGS_KIND, *sharing.field_kinds("settings")}
    assert outbox.FORMAT >= 4


def _as_left_by_an_older_version(world: World, db: Path) -> None:
    """The laptop as a version that shared these records whole would have left it, in step
    with the others: its state holds each record whole (its hash, under the latest stamp of its
    parts) and its own outbox sent each so."""
    with Store.open(db) as store:
        data = store.storage.read()
        record = state.read(data)
        assert record is not None
        entries = record["entries"]
        wholes: dict[tuple[str, str], tuple[dict[str, Any], list[Any]]] = {}
        for table in sharing.FIELD_PARTS:
            kinds = (table, *sharing.field_kinds(table))
            if table == SETTINGS:
                shared = sharing.settings_parts(data["settings"]["1"])
                documents = {
                    "1": sharing.assemble(
                        table,
                        shared[0].content,
                        None,
                        {part.kind: part.content for part in shared[1:]},
                    )
                }
            else:
                documents = {sharing.record_key(table, d): d for d in data[table].values()}
            for skey in {skey for kind in kinds for skey in entries.get(kind, {})}:
                stamps = [
                    entries[kind][skey][1]
                    for kind in kinds
                    if entries.get(kind, {}).get(skey) and entries[kind][skey][1] is not None
                ]
                latest = max(stamps, key=lambda s: Stamp.read(s) or Stamp(0, 0, ""))
                whole = documents[skey]
                assert whole is not None
                entries.setdefault(table, {})[skey] = [
                    sharing.content_hash(whole),
                    latest,
                    None,
                    None,
                ]
                wholes[(table, skey)] = (whole, latest)
            for kind in kinds[1:]:
                entries.pop(kind, None)
        state.write(data, record)
        store.storage.write(data)
    org = bytes.fromhex(record["org_key"])
    keys = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    path = world.folder / outbox_name(record["replica"])
    blob = path.read_bytes()
    header = outbox.read_header(blob)[0]
    in_org = outbox.open_sealed(blob, org, {})
    sections = {sharing.ORG: in_org.parts}
    for gid, key in keys.items():
        org_parts = {(e.kind, e.key) for e in in_org.parts}
        opened = outbox.open_sealed(blob, org, {gid: key}).parts
        sections[gid] = [e for e in opened if (e.kind, e.key) not in org_parts]
    for name, parts in sections.items():
        kept = [e for e in parts if sharing.table_of(e.kind) not in sharing.FIELD_PARTS]
        if name == sharing.ORG:
            for (table, skey), (whole, latest) in wholes.items():
                read = Stamp.read(latest)
                assert read is not None
                kept.append(Entry(table, skey, read, None, whole, None))
        sections[name] = kept
    contents = outbox.Contents(
        header["replica"],
        header["role"],
        header["groups"],
        header["serial"],
        header["written_ms"],
        tombstones=in_org.tombstones,
    )
    path.write_bytes(outbox.seal(contents, org, keys, sections))


_EDITED = {
    ("facilitators", "display_name"): lambda n: f"Rosa {n}",
    ("facilitators", "dates_off"): lambda n: [
        dict.fromkeys(("start", "end"), (dt.date(2025, 1, 1) + dt.timedelta(days=n)).isoformat())
    ],
    (SETTINGS, "organisation"): lambda n: f"Org {n}",
    (SETTINGS, "notes_months"): lambda n: n % 120 + 1,
}
"""Fields of parts of their own (and a facilitator's main part, its name), with a value made
from a counter: each edit sets a value not held before in its example."""


def test_an_upgraded_laptop_gives_each_part_the_stamp_true_for_it(world: World) -> None:
    """Laptops updated from a version that shared records whole, in any order of edits on
    either laptop (before or after the first exchange since the update) and exchanges: every
    field ends, on both laptops, as its latest stamped edit left it. A part first split keeps
    the whole's stamp only where it is as it was then (before, a record edited here before its
    first exchange gave every part a fresh stamp, and its stale fields overwrote the others').
    With its own outbox gone from the folder, the data file's backups tell the same."""
    ids = _records(world)
    laptops = {"coordinator": world.coordinator, "group": world.group}
    counter = iter(range(10**6))

    step = st.one_of(
        st.tuples(
            st.just("edit"), st.sampled_from(sorted(laptops)), st.sampled_from(sorted(_EDITED))
        ),
        st.tuples(st.just("exchange"), st.sampled_from(sorted(laptops)), st.none()),
    )

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.lists(st.sampled_from(sorted(laptops)), min_size=1, max_size=2, unique=True),
        st.lists(step, min_size=1, max_size=8),
        st.booleans(),
    )
    @example(  # the edge as found: a field changed elsewhere, another here before exchanging
        ["group"],
        [
            ("edit", "coordinator", ("facilitators", "display_name")),
            ("exchange", "coordinator", None),
            ("edit", "group", ("facilitators", "dates_off")),
            ("exchange", "group", None),
        ],
        False,
    )
    def each_part_true(
        upgraded: list[str], steps: list[tuple[str, str, Any]], outbox_gone: bool
    ) -> None:
        for _ in range(2):
            world.exchange(world.coordinator)
            world.exchange(world.group)
        for name in upgraded:
            _as_left_by_an_older_version(world, laptops[name])
            if outbox_gone:  # its own outbox not in the folder (a stick not plugged in)
                with Store.open(laptops[name], readonly=True) as store:
                    record = state.read(store.storage.read())
                assert record is not None
                (world.folder / outbox_name(record["replica"])).unlink(missing_ok=True)
        latest: dict[tuple[str, str], Any] = {}
        pending: dict[str, dict[tuple[str, str], Any]] = {name: {} for name in laptops}
        for action, name, where in steps:
            if action == "exchange":
                latest.update(pending[name])
                pending[name] = {}
                world.exchange(laptops[name])
                continue
            table, field = where
            value = _EDITED[where](next(counter))
            if _read(laptops[name], table, ids[table])[field] == value:
                continue
            pending[name][where] = _change(laptops[name], table, ids[table], {field: value})[field]
        for name in laptops:  # what is still unstamped is stamped in turn
            latest.update(pending[name])
            world.exchange(laptops[name])
        for _ in range(2):
            world.exchange(world.coordinator)
            world.exchange(world.group)
        for name, laptop in laptops.items():
            for (table, field), value in latest.items():
                assert _read(laptop, table, ids[table])[field] == value, (name, table, field)

    each_part_true()


def test_an_upgraded_laptop_without_its_own_outbox_keeps_the_changes_made_elsewhere(
    world: World,
) -> None:
    """The edge as found, with the updated laptop's own outbox gone from the folder (a stick
    not plugged in, say): the version it stamped whole is found in the data file's backups
    instead, so only the part it changed is stamped now, never its stale name."""
    ids = _records(world)
    for _ in range(2):
        world.exchange(world.coordinator)
        world.exchange(world.group)
    _as_left_by_an_older_version(world, world.group)
    _change(world.coordinator, "facilitators", ids["facilitators"], {"display_name": "Rosa C"})
    world.exchange(world.coordinator)
    with Store.open(world.group, readonly=True) as store:
        record = state.read(store.storage.read())
    assert record is not None
    (world.folder / outbox_name(record["replica"])).unlink()
    day = {"start": "2025-06-02", "end": "2025-06-02"}
    _change(world.group, "facilitators", ids["facilitators"], {"dates_off": [day]})
    for _ in range(2):
        world.exchange(world.group)
        world.exchange(world.coordinator)
    for laptop in (world.group, world.coordinator):
        assert _read(laptop, "facilitators", ids["facilitators"])["display_name"] == "Rosa C"


def test_an_encrypted_upgraded_laptop_without_its_own_outbox_reads_its_backups_with_its_key(
    tmp_path: Path,
) -> None:
    """The laptop's backups tell what it stamped whole when its own outbox is gone; the copy
    an exchange is prepared on holds the file's key, so an encrypted file's backups tell it
    too: the part not changed here keeps the whole's stamp, the part changed is stamped now."""
    made = two_group_laptops(tmp_path)
    secret = "a long walk by the river"
    with Store.open(made.group) as store:
        store.set_passphrase(secret, QUICK)
        store.save_settings(store.settings().model_copy(update={"organisation": "Hearing Voices"}))
        service.exchange(store)
        data = store.storage.read()
        record = state.read(data)
        assert record is not None
        shared = sharing.settings_parts(data[SETTINGS]["1"])
        whole = sharing.assemble(
            SETTINGS, shared[0].content, None, {p.kind: p.content for p in shared[1:]}
        )
        entries = record["entries"]
        latest = max(
            (
                held[1]
                for kind in entries
                if kind.startswith(SETTINGS)
                for held in entries[kind].values()
            ),
            key=lambda s: Stamp.read(s) or Stamp(0, 0, ""),
        )
        for kind in [kind for kind in entries if kind.startswith(SETTINGS + ".")]:
            del entries[kind]  # as a version that shared the settings whole left it
        entries[SETTINGS] = {"1": [sharing.content_hash(whole), latest, None, None]}
        state.write(data, record)
        store.storage.write(data)
        own = made.folder / outbox_name(record["replica"])
    own.unlink()  # its own outbox not in the folder
    with Store.open(made.group, passphrase=secret) as store:  # a backup of the whole, sealed
        store.save_settings(store.settings().model_copy(update={"notes_months": 7}))
    with Store.open(made.group, passphrase=secret) as store:
        service.exchange(store)
        record = state.read(store.storage.read())
    assert record is not None
    assert record["entries"][SETTINGS + ".organisation"]["1"][1] == latest
    assert record["entries"][SETTINGS + ".notes_months"]["1"][1] != latest
