"""The warn-then-keep step every form with shared or printed words asks (`mentions.NameQuestions`).

The adversary: a stored member's name written as someone might (any case, full-width or
mathematical letters, invisible characters, broken at a line end, spelt out) inside any words,
in any of a form's fields, is asked about beside that field; the same words saved again are
kept; changed words that still name them are asked about again; words without a member's
name are never asked about.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.name_spellings import SAFE_FILLER, around, written
from tests.helpers.records import add_member
from voicesgroup.kinds import ConsentScope
from voicesgroup.mentions import KEEP_IT_ANYWAY, NameQuestions
from voicesgroup.store import Store

NAME = "Quillonia"
FIELDS = ["title", "description", "caution"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("questions") / "voicesgroup.json"
    with Store.open(path, seed=False) as store:
        add_member(store, NAME, ConsentScope.ATTENDANCE_BY_NAME)
        yield store


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_name_in_any_field_is_asked_about_once_then_kept(
    store: Store, data: st.DataObject
) -> None:
    before, after = data.draw(around(SAFE_FILLER, stored=True))
    words = before + data.draw(written(NAME, stored=True)) + after
    field = data.draw(st.sampled_from(FIELDS))
    texts = {name: ("the bus was late" if name != field else words) for name in FIELDS}
    questions = NameQuestions()
    asked = questions.question(store, texts, "It goes to every laptop.")
    assert asked is not None
    assert asked[0] == field
    assert asked[1].startswith(f"This mentions {NAME}.") and asked[1].endswith(KEEP_IT_ANYWAY)
    assert questions.question(store, texts, "It goes to every laptop.") is None, "not kept"
    changed = {**texts, field: words + " again"}
    assert questions.question(store, changed, "It goes to every laptop.") is not None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(SAFE_FILLER), max_size=8).map(" ".join))
def test_words_without_a_name_are_never_asked_about(store: Store, words: str) -> None:
    assert NameQuestions().question(store, {"title": words}, "It goes to every laptop.") is None


def test_an_empty_form_asks_nothing(store: Store) -> None:
    assert NameQuestions().question(store, {"title": "", "how": "  "}, "Why.") is None
