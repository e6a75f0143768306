"""The search for members' names in every text that may leave a group's laptop, made cheap at
each export (`sharing._texts_leaving`, `sharing._names_in`): whatever
was searched before, and in whatever order, it finds exactly what a search from nothing finds."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup.exchange import sharing
from voicesgroup.names import Purpose, names_for, texts_naming_members

SLOW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NAMES = ["Aisha", "Ben", "Zoë", "Mary Ann", "Hope", "May", "Kit", "O'Neil"]
WORDS = ["went", "well", "said", "with", "the", "hope", "may", "bengal", "Z o e", "MaryAnn"]


def _strings_as_before(value: Any) -> Iterator[str]:
    """The walk as it was written first (nested generators): the reference."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings_as_before(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_as_before(item)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=30,
)


@given(value=JSON)
def test_every_string_of_any_value_is_found_in_order(value: Any) -> None:
    assert sharing._strings(value) == list(_strings_as_before(value))


TEXT = st.lists(st.sampled_from(NAMES + WORDS), max_size=6).map(" ".join)


@given(texts=st.lists(TEXT, max_size=8), members=st.lists(st.sampled_from(NAMES), max_size=5))
def test_the_texts_naming_members_are_those_each_text_alone_names(
    texts: list[str], members: list[str]
) -> None:
    alone = {
        i: names_for(Purpose.REPORT, text, members)
        for i, text in enumerate(texts)
        if text and names_for(Purpose.REPORT, text, members)
    }
    assert texts_naming_members(texts, members, Purpose.REPORT) == set(alone)


@given(text=TEXT, members=st.lists(st.sampled_from(NAMES), max_size=5))
def test_a_text_holds_the_same_names_looked_for_as_words_or_as_members(
    text: str, members: list[str]
) -> None:
    """`sharing._names_in` looks for names as plain words: which names a text holds is the
    same as when they are looked for as members with their ids."""
    known = [sharing._Known(name, uuid.uuid4()) for name in members]
    as_members = {match.name for match in names_for(Purpose.REPORT, text, known)}
    sharing._found_before = ((), {})
    assert sharing._names_in([text], known).get(text, frozenset()) == as_members


def _holding_from_nothing(data: dict[str, Any], groups: list[str]) -> sharing.Holding:
    sharing._found_before = ((), {})
    return sharing.Holding.of(data, groups)


def _rename(data: dict[str, Any], which: int, name: str) -> None:
    members = list(data["members"].values())
    members[which % len(members)]["display_name"] = name


def _theme(data: dict[str, Any], which: int, text: str) -> None:
    sessions = list(data["sessions"].values())
    session = sessions[which % len(sessions)]
    session["themes"] = [*(session.get("themes") or []), text]


def _reason(data: dict[str, Any], which: int, text: str) -> None:
    slots = list(data["rota"].values())
    slots[which % len(slots)]["reason"] = text


def _forget(data: dict[str, Any], which: int, _: str) -> None:
    keys = list(data["members"])
    if len(keys) > 1:
        del data["members"][keys[which % len(keys)]]


CHANGES = st.lists(
    st.tuples(
        st.sampled_from([_rename, _theme, _reason, _forget]),
        st.integers(0, 1000),
        st.one_of(st.sampled_from(NAMES), TEXT),
    ),
    min_size=1,
    max_size=6,
)


@SLOW
@given(changes=CHANGES)
def test_a_search_after_any_changes_finds_what_a_search_from_nothing_finds(
    demo_bytes: bytes, changes: list[tuple[Any, int, str]]
) -> None:
    """Names renamed, texts added, members gone between two searches in one process: the
    texts found naming a member, and whom, are those a first search would find."""
    data = orjson.loads(demo_bytes)
    groups = [next(iter(data["groups"].values()))["id"]]
    sharing.Holding.of(data, groups)  # searched once: what it found is kept for next time
    for change, which, text in changes:
        change(data, which, text)
        again = sharing.Holding.of(data, groups)
        fresh = _holding_from_nothing(copy.deepcopy(data), groups)
        assert again.naming == fresh.naming
        assert again.naming_themes == fresh.naming_themes
