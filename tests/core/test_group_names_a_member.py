"""A member's name in a group's name or venue is asked about by the core, at the one door every
change to a group passes (`rota.guard.save_group`), not only by the group form: such a text
prints on every handout and travels to every laptop.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.records import add_member
from voicesgroup.groups import NamesAMember, changed_group, new_group
from voicesgroup.kinds import Variant
from voicesgroup.models import MeetingPattern
from voicesgroup.rota import guard
from voicesgroup.store import Store

TODAY = dt.date(2027, 1, 4)
NAMES = ["Zoë", "Kwame Mensah", "Siobhán", "Ann-Marie", "Quillonia"]


def _store_with(member: str) -> Store:
    store = Store.in_memory({}, Path("/nonexistent/voicesgroup.json"))
    add_member(store, member)
    return store


def _group(**fields: object):
    base = {
        "name": "Tuesday Voices",
        "variant": Variant.HEARING_VOICES,
        "pattern": MeetingPattern(weekday=1),
        "venue": "Riverside Centre",
    }
    return new_group(TODAY, **{**base, **fields})


def _written(name: str, case: str, joiner: str) -> str:
    form = {"as typed": name, "lower": name.lower(), "upper": name.upper()}[case]
    return form.replace(" ", joiner)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    field=st.sampled_from(["name", "venue"]),
    case=st.sampled_from(["as typed", "lower", "upper"]),
    joiner=st.sampled_from([" ", "  ", "\u00a0", "-"]),
    before=st.sampled_from(["", "Upstairs, ", "At "]),
    after=st.sampled_from(["'s kitchen", " house", "", " (back room)"]),
)
def test_a_members_name_in_a_groups_name_or_venue_is_asked_before_it_is_saved(
    name: str, field: str, case: str, joiner: str, before: str, after: str
) -> None:
    store = _store_with(name)
    text = before + _written(name, case, joiner) + after
    group = _group(**{field: text})
    with pytest.raises(NamesAMember) as asked:
        guard.save_group(store, group, today=TODAY)
    assert asked.value.field == field and asked.value.names == [name]
    assert str(asked.value).startswith("This mentions ")
    assert store.groups() == [], "saved before anyone said to keep it"
    stored = getattr(group, field)  # as the model keeps it (a name's spaces tidied)
    guard.save_group(store, group, today=TODAY, kept={stored})
    assert [getattr(each, field) for each in store.groups()] == [stored]


def test_what_was_kept_once_is_not_asked_again_and_other_words_pass() -> None:
    store = _store_with("Zoë")
    group = _group(venue="Zoë's kitchen")
    guard.save_group(store, group, today=TODAY, kept={"Zoë's kitchen"})
    later = changed_group(store.groups()[0], name="Tuesday Voices (upstairs)")
    guard.save_group(store, later, today=TODAY)  # the venue is as it was kept: no question
    assert store.groups()[0].name == "Tuesday Voices (upstairs)"
    guard.save_group(store, _group(name="Hope and music", venue="Room 2"), today=TODAY)
    with pytest.raises(NamesAMember):  # a new venue naming her is asked about again
        guard.save_group(store, changed_group(later, venue="Upstairs at Zoë's"), today=TODAY)


def test_the_form_asks_in_the_cores_words_and_hands_what_was_kept_to_the_core() -> None:
    """One home: the group form finds no name and writes no sentence of its own; the core's
    door (`guard.save_group`) is told only what the person kept."""
    source = (Path(__file__).resolve().parents[2] / "screens" / "group_edit_screen.py").read_text(
        encoding="utf-8"
    )
    assert "PRINTED_EVERYWHERE" in source and "kept=kept" in source
    assert "member_names_in" not in source and "This mentions" not in source
