"""What travels where: one rule per table and per setting, and projections that lose nothing."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from voicesgroup import models
from voicesgroup.exchange import sharing
from voicesgroup.store import TABLES


def test_every_table_has_exactly_one_rule() -> None:
    assert set(sharing.RULES) == set(TABLES), "a table was added without a sharing rule"


def test_every_setting_is_shared_or_kept_on_the_laptop() -> None:
    fields = set(models.Settings.model_fields)
    assert fields == sharing.SHARED_SETTINGS | sharing.LOCAL_SETTINGS
    assert not sharing.SHARED_SETTINGS & sharing.LOCAL_SETTINGS


def test_every_session_field_is_in_one_part() -> None:
    fields = set(models.Session.model_fields)
    assert fields == sharing.SESSION_ORG_FIELDS | sharing.SESSION_GROUP_FIELDS
    assert not sharing.SESSION_ORG_FIELDS & sharing.SESSION_GROUP_FIELDS


def test_records_about_members_never_reach_the_organisation() -> None:
    about_members = {
        model.TABLE
        for model in vars(models).values()
        if isinstance(model, type)
        and issubclass(model, models.Record)
        and ("member_id" in model.model_fields or model is models.Member)
    }
    assert about_members == {"members", "consent_events", "notes", "contact_details"}
    for table in about_members:
        assert sharing.RULES[table].reach is sharing.Reach.GROUP


GROUP = str(uuid.uuid4())
MEMBER = str(uuid.uuid4())


def _session(named: list[str], anonymous: int, themes: list[str]) -> dict[str, object]:
    session = models.Session(
        group_id=uuid.UUID(GROUP),
        date=dt.date(2025, 1, 7),
        named_member_ids=[uuid.UUID(m) for m in named],
        anonymous_count=anonymous,
        newcomers=2,
        themes=themes,
    )
    return session.model_dump(mode="json")


@given(
    named=st.lists(st.just(MEMBER), max_size=1),
    anonymous=st.integers(0, 40),
    themes=st.lists(st.sampled_from(["sleep", "Ash said it helps", "walking", "Ash's dog"])),
)
def test_a_session_is_rebuilt_from_its_parts(
    named: list[str], anonymous: int, themes: list[str]
) -> None:
    document = _session(named, anonymous, themes)
    holding = sharing.Holding.of(
        {"members": {"1": {"display_name": "Ash"}}, "sessions": {"1": document}}, [GROUP]
    )
    parts = {part.kind: part for part in sharing.parts_of("sessions", document, holding)}
    org, group = parts["sessions"], parts["sessions+group"]
    assert group.sections == (GROUP,) and org.sections == (sharing.ORG,)
    assert MEMBER not in str(org.content) and "Ash" not in str(org.content)
    assert sharing.assemble("sessions", org.content, group.content) == document
    # the coordinator's copy: the same head count, nobody named
    elsewhere = sharing.assemble("sessions", org.content, None)
    assert elsewhere is not None
    assert models.Session.model_validate(elsewhere).head_count == (
        models.Session.model_validate(document).head_count
    )
    again = sharing.parts_of("sessions", elsewhere, sharing.Holding(frozenset(), {}, frozenset()))
    assert [part.content for part in again] == [org.content]  # stable where it is held


def test_a_strategy_travels_without_the_member_named_beside_it() -> None:
    strategy = models.CopingStrategy(
        title="Counting breaths", category="grounding", attributed_member_id=uuid.UUID(MEMBER)
    ).model_dump(mode="json")
    holding = sharing.Holding(frozenset({GROUP}), {MEMBER: {GROUP}}, frozenset())
    parts = {part.kind: part for part in sharing.parts_of("strategies", strategy, holding)}
    assert MEMBER not in str(parts["strategies"].content)
    assert parts["strategies+group"].sections == (GROUP,)
    assert (
        sharing.assemble(
            "strategies", parts["strategies"].content, parts["strategies+group"].content
        )
        == strategy
    )


def test_a_laptop_without_groups_sends_nothing_about_members() -> None:
    member = models.Member(display_name="Ash").model_dump(mode="json")
    assert sharing.parts_of("members", member, sharing.Holding(frozenset(), {}, frozenset())) == []


def test_the_rota_is_one_record_per_group_and_date() -> None:
    first = {"id": "a", "group_id": GROUP, "date": "2025-01-07"}
    second = {"id": "b", "group_id": GROUP, "date": "2025-01-07"}
    assert sharing.record_key("rota", first) == sharing.record_key("rota", second)
