"""The one check for control characters gives the same answer by its fast path (a record of
plain values, as read from a file or an outbox) as by walking every text, keys included."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicesgroup.models import json_surely_clean, refuse_control_characters

TRICKY = [*"\\bfru01\n\t\r\x08\x0c\x00\x1f\x7f\x80\x85\x9f\xa0£\x1bé", "\ud800"]
"""Characters that look like, or are, a control character once written as JSON."""
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(TRICKY),
    ),
    max_size=12,
)
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


def _holds_control(value: Any) -> bool:
    if isinstance(value, str):
        return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value)
    if isinstance(value, dict):
        return any(_holds_control(k) or _holds_control(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_control(item) for item in value)
    return False


@given(st.dictionaries(TEXT, PLAIN, max_size=6))
def test_a_document_is_refused_exactly_when_a_text_holds_a_control_character(
    document: dict[str, Any],
) -> None:
    if _holds_control(document):
        with pytest.raises(ValueError, match="control characters"):
            refuse_control_characters(document)
    else:
        assert refuse_control_characters(document) is document


@given(st.lists(st.dictionaries(TEXT, PLAIN, max_size=4), max_size=4))
def test_a_whole_table_said_clean_at_once_holds_no_control_character(
    documents: list[dict[str, Any]],
) -> None:
    """The check made once over a table's records as JSON text (what the exchange does before
    it validates what came in) never says clean when a text holds a control character."""
    try:
        blob = orjson.dumps(documents)
    except TypeError:  # orjson takes no number past 64 bits: the exchange then checks each
        return
    if json_surely_clean(blob):
        assert not _holds_control(documents)
    as_json = json.dumps(documents, ensure_ascii=False).encode()
    assert json_surely_clean(as_json) == json_surely_clean(blob)  # either encoder: one answer
