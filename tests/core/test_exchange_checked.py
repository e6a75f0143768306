"""What comes in is checked by its model a whole table at once (`applying.checked_records`):
whatever the records hold, it refuses exactly the records the model refuses one by one, and
keeps the others as the model writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from voicesgroup import models
from voicesgroup.exchange.applying import checked_records

TRICKY = [*"\\bfru01 \n\t\r\x08\x0c\x00\x1f\x7f\x80\x85\x9f\xa0£\x1bé", "\ud800"]
NAME = st.text(st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8")), max_size=8)
CONTACT = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "created_at": st.sampled_from(["2026-01-05T10:00:00Z", "2026-01-05T10:00:00"]),
        "name": NAME,
        "how": NAME,
    },
    optional={
        "when": st.one_of(NAME, st.integers(), st.lists(NAME, max_size=2)),
        "last_checked": st.sampled_from([None, "2026-01-05", "5 Jan", 3]),
        "unknown": NAME,
    },
)


@dataclass
class _Summary:
    problems: list[str] = field(default_factory=list)


@dataclass
class _Run:
    summary: _Summary = field(default_factory=_Summary)


@given(st.lists(CONTACT, max_size=5))
def test_a_table_checked_at_once_refuses_what_the_model_refuses_one_by_one(
    documents: list[dict[str, Any]],
) -> None:
    expected: list[dict[str, Any] | None] = []
    for document in documents:
        try:
            expected.append(models.SupportContact.model_validate(document).model_dump(mode="json"))
        except ValidationError:
            expected.append(None)
    run: Any = _Run()
    table = {"support_contacts": models.SupportContact}
    found = checked_records(run, "support_contacts", documents, table)
    assert found == expected
    assert len(run.summary.problems) == expected.count(None)
