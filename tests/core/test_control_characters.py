"""The one check for control characters gives the same answer by its fast path (a record of
plain values, as read from a file or an outbox) as by walking every text, keys included."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicesgroup.models import refuse_control_characters

TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\\", "b", "u", "0", "1", "\n", "\t", "\x7f", "\x85", "\x1b", "é"]),
    ),
    max_size=12,
)
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _holds_control(value: Any) -> bool:
    if isinstance(value, str):
        return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value)
    if isinstance(value, dict):
        return any(_holds_control(k) or _holds_control(v) for k, v in value.items())
    if isinstance(value, list):
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
