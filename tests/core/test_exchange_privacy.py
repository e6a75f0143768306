"""Nothing that names or identifies a member reaches a laptop that does not hold their group.

Random data files (groups, members who attend some of them, sessions naming members and
themes naming them, strategies shared in any group with any member beside them, notes,
contact details and consent of any member), held by a laptop holding any groups: every part
`sharing.parts_of` would send is searched, as its bytes, for every member's id and name.
The oracle is this docstring's rule, not the code's list of fields: a member's groups are
the held groups whose sessions name them (all the held groups when no session names them
yet: the member was registered on this laptop, which holds only those).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from voicesgroup import models
from voicesgroup.exchange import sharing
from voicesgroup.kinds import ConsentScope
from voicesgroup.names import may_be_words

GROUPS = [str(uuid.UUID(int=i + 1)) for i in range(3)]
NAMES = ["Marigold", "Teodora", "Wenceslas", "Ottoline", "Bartholomew"]
MEMBERS = [str(uuid.UUID(int=100 + i)) for i in range(len(NAMES))]


@st.composite
def data_files(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    held = draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=3, unique=True))
    members = draw(st.lists(st.sampled_from(range(len(NAMES))), max_size=5, unique=True))
    data: dict[str, dict[str, Any]] = {table: {} for table in sharing.RULES}
    for i in members:
        member = models.Member(id=uuid.UUID(MEMBERS[i]), display_name=NAMES[i])
        data["members"][str(len(data["members"]) + 1)] = member.model_dump(mode="json")
    present = [MEMBERS[i] for i in members]
    for n in range(draw(st.integers(0, 4))):
        named = draw(st.lists(st.sampled_from(present), unique=True)) if present else []
        theme = draw(st.sampled_from(["sleep", "walking", *(f"{NAMES[i]} said" for i in members)]))
        session = models.Session(
            group_id=uuid.UUID(draw(st.sampled_from(GROUPS))),
            date=dt.date(2025, 1, 1 + n),
            named_member_ids=[uuid.UUID(m) for m in named],
            round_marks={m: "passed" for m in named[:1]},
            themes=[theme],
            follow_ups=[
                draw(st.sampled_from(["book the room", *(f"ring {NAMES[i]}" for i in members)]))
            ],
        )
        data["sessions"][str(n + 1)] = session.model_dump(mode="json")
        # the follow-up's record carries a copy of its words, whatever they are: the
        # exchange's own reading of every text is the last wall
        state = models.FollowUpState(session_id=session.id, key="s0", text=session.follow_ups[0])
        data["follow_ups"][str(n + 1)] = state.model_dump(mode="json")
    for n in range(draw(st.integers(0, 3))):
        with_name: bool = draw(st.booleans())
        beside = draw(st.sampled_from(present)) if present and with_name else None
        strategy = models.CopingStrategy(
            title=f"idea {n}",
            category="grounding",
            shared_in_group_id=uuid.UUID(draw(st.sampled_from(GROUPS))),
            attributed_member_id=uuid.UUID(beside) if beside else None,
        )
        data["strategies"][str(n + 1)] = strategy.model_dump(mode="json")
    for n, member_id in enumerate(present):
        note = models.Note(member_id=uuid.UUID(member_id), member_words="x", agreed_by_member=True)
        data["notes"][str(n + 1)] = note.model_dump(mode="json")
        detail = models.ContactDetail(member_id=uuid.UUID(member_id), kind="phone", value="1")
        data["contact_details"][str(n + 1)] = detail.model_dump(mode="json")
        event = models.ConsentEvent(
            member_id=uuid.UUID(member_id),
            scope=ConsentScope.PERSONAL_NOTES,
            action="given",
            method="said_in_room",
            wording_version="1",
            recorded_by="Rosa",
        )
        data["consent_events"][str(n + 1)] = event.model_dump(mode="json")
    return data, held


def _groups_of(member_id: str, data: dict[str, Any], held: list[str]) -> set[str]:
    named_in = {
        session["group_id"]
        for session in data["sessions"].values()
        if member_id in session["named_member_ids"]
    }
    return (named_in & set(held)) if named_in else set(held)


@settings(max_examples=150, deadline=None)
@given(data_files())
def test_no_part_reaches_a_laptop_without_the_group_of_every_member_it_names(
    drawn: tuple[dict[str, Any], list[str]],
) -> None:
    data, held = drawn
    holding = sharing.Holding.of(data, held)
    members = {member["id"]: member["display_name"] for member in data["members"].values()}
    for table in sharing.shared_tables():
        for document in data[table].values():
            for part in sharing.parts_of(table, document, holding):
                blob = orjson.dumps(part.content)
                for member_id, name in members.items():
                    if member_id.encode() not in blob and name.encode() not in blob:
                        continue
                    assert sharing.ORG not in part.sections, (part.kind, name)
                    allowed = _groups_of(member_id, data, held)
                    assert set(part.sections) <= allowed, (part.kind, name, part.sections)


def test_a_member_named_beside_an_idea_shared_in_another_group_stays_in_their_own() -> None:
    data: dict[str, dict[str, Any]] = {table: {} for table in sharing.RULES}
    member = models.Member(id=uuid.UUID(MEMBERS[0]), display_name=NAMES[0])
    data["members"]["1"] = member.model_dump(mode="json")
    attended = models.Session(
        group_id=uuid.UUID(GROUPS[0]), date=dt.date(2025, 1, 1), named_member_ids=[member.id]
    )
    data["sessions"]["1"] = attended.model_dump(mode="json")
    idea = models.CopingStrategy(
        title="counting boats",
        category="grounding",
        shared_in_group_id=uuid.UUID(GROUPS[1]),  # a group they do not attend
        attributed_member_id=member.id,
    )
    holding = sharing.Holding.of(data, GROUPS[:2])
    parts = sharing.parts_of("strategies", idea.model_dump(mode="json"), holding)
    [named] = [part for part in parts if part.kind == "strategies" + sharing.GROUP_SUFFIX]
    assert named.sections == (GROUPS[0],)


def _string_places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a document holds a string that could carry words (not an id or a date)."""
    if isinstance(value, str):
        return [path] if may_be_words(value) else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _string_places(item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _string_places(item, (*path, i))]
    return []


NAMES_OF_THEIR_OWN = {
    ("groups", ("name",)),
    ("groups", ("venue",)),
    ("facilitators", ("display_name",)),
}
"""Texts that are a name of their own (`sharing._names_of_their_own`): a member's name there
is asked about when it is saved (the group form), or is a facilitator's own name."""


def _demo_document() -> dict[str, Any]:
    from tests.helpers.demo_files import demo_bytes

    return orjson.loads(demo_bytes(dt.date(2026, 3, 2)))


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_a_member_named_in_any_text_of_any_shared_record_never_reaches_the_organisation(
    data: st.DataObject,
) -> None:
    """The class, not a list of fields: a member's name written in any string of any record
    of a shared table (a sign-off's reason, a supervision topic, a venue, a follow-up, a
    field added later) keeps that record off the organisation's section."""
    document = _demo_document()
    members = [member["display_name"] for member in document["members"].values()]
    held = [str(group["id"]) for group in document["groups"].values()][:1]
    tables = [
        table
        for table in sharing.shared_tables()
        if sharing.RULES[table].reach is not sharing.Reach.GROUP
        and any(_string_places(d) for d in document.get(table, {}).values())
    ]
    table = data.draw(st.sampled_from(tables), label="table")
    documents = [d for d in document[table].values() if _string_places(d)]
    planted = data.draw(st.sampled_from(documents))
    places = [p for p in _string_places(planted) if (table, p) not in NAMES_OF_THEIR_OWN]
    if not places:
        return
    path = data.draw(st.sampled_from(places), label="field")
    name = data.draw(st.sampled_from(members), label="name")
    holder: Any = planted
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = f"went well, {name} joined in"
    holding = sharing.Holding.of(document, held)
    for part in sharing.parts_of(table, planted, holding):
        if sharing.ORG in part.sections:
            assert name.encode() not in orjson.dumps(part.content), (table, path)


def test_a_facilitator_or_group_called_as_a_member_is_still_shared() -> None:
    """A name of its own (a facilitator's, a group's, its venue) is not a mention of a member
    called the same: those records still reach the organisation; a text that mentions the
    name among other words is kept to the group's laptops."""
    document = _demo_document()
    member = next(iter(document["members"].values()))["display_name"]
    held = [str(group["id"]) for group in document["groups"].values()][:1]
    person = next(iter(document["facilitators"].values()))
    person["display_name"] = member
    group = next(iter(document["groups"].values()))
    group["venue"] = member
    holding = sharing.Holding.of(document, held)
    for table, record in (("facilitators", person), ("groups", group)):
        parts = sharing.parts_of(table, record, holding)
        assert parts and all(sharing.ORG in part.sections for part in parts), table
    path = next(iter(document.get("facilitator_paths", {}).values()), None)
    if path is not None:
        path["skipped"] = [{"stage": "shadowing", "reason": f"co-led with {member}", "by": "x",
                            "on": "2026-01-01"}]  # fmt: skip
        holding = sharing.Holding.of(document, held)
        assert all(
            sharing.ORG not in part.sections
            for part in sharing.parts_of("facilitator_paths", path, holding)
        )
