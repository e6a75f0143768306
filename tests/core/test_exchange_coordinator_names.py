"""A text typed on the coordinator's laptop, which holds no members and so cannot check
names, that names a member of a group: the group's laptop finds it as it comes in, writes
"another member" for the name with a stamp of its own, says so once, and every laptop then
holds that version (F13 of the outside test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import MEMBER, two_group_laptops
from voicesgroup.exchange import service
from voicesgroup.models import Facilitator, RotaAssignment, SupervisionMeeting
from voicesgroup.names import Purpose, names_for
from voicesgroup.store import Store

TOPIC = f"Supporting {MEMBER} after her hard week"
REDACTED = "Supporting another member after her hard week"
GENERAL = "Ending a group on time"


def topics_in(path: Path) -> list[list[str]]:
    with Store.open(path, readonly=True) as store:
        return [meeting.topics for meeting in store.records(SupervisionMeeting)]


def test_a_topic_naming_a_member_typed_on_the_coordinators_laptop_is_replaced_everywhere(
    tmp_path: Path,
) -> None:
    made = two_group_laptops(tmp_path, coordinator=True)
    assert made.coordinator is not None
    with Store.open(made.coordinator) as store:
        jo = Facilitator(display_name="Jo")
        store.save_facilitator(jo)
        store.save_record(
            SupervisionMeeting(
                on=dt.date(2025, 3, 10),
                facilitator_ids=[jo.id],
                held_by="Jo",
                topics=[TOPIC, GENERAL],
            )
        )
    with Store.open(made.coordinator) as store:  # opening takes a backup holding the topic
        service.exchange(store)
    backups = made.coordinator.parent / "vg.json.backups"
    assert any(TOPIC.encode() in p.read_bytes() for p in backups.iterdir() if p.is_file())
    with Store.open(made.group) as store:
        summary = service.exchange(store)
    told = " ".join(summary.problems)
    assert "named a member of this group" in told and "supervision" in told
    assert MEMBER not in told  # the sentence names nobody
    assert topics_in(made.group) == [[REDACTED, GENERAL]]
    with Store.open(made.group) as store:  # told once: the next exchange says nothing of it
        assert not any("named a member" in p for p in service.exchange(store).problems)
    for laptop in (made.coordinator, made.second):
        with Store.open(laptop) as store:
            service.exchange(store)
        assert topics_in(laptop) == [[REDACTED, GENERAL]]
    assert MEMBER.encode() not in made.coordinator.read_bytes()
    # The coordinator's backups are rewritten as forgetting rewrites them: the topic is in
    # none, and every other text in them is as it was.
    for backup in (p for p in backups.iterdir() if p.is_file()):
        assert MEMBER.encode() not in backup.read_bytes(), backup.name
    assert any(REDACTED.encode() in p.read_bytes() for p in backups.iterdir() if p.is_file())


NAME_FORMS = [MEMBER, f"{MEMBER}'s", MEMBER.upper(), MEMBER.lower(), f"{MEMBER}2", f"Mari-{MEMBER}"]


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.sampled_from(["Supporting", "What", "Time with", ""]),
    form=st.sampled_from(NAME_FORMS),
    after=st.sampled_from(["after a hard week", "said", "", "— and the room"]),
    where=st.sampled_from(["supervision", "rota"]),
)
def test_no_form_of_a_members_name_typed_on_the_coordinators_laptop_outlives_an_exchange(
    tmp_path_factory: pytest.TempPathFactory, before: str, form: str, after: str, where: str
) -> None:
    """The adversary: the name in any form the finder knows, anywhere in a topic or a rota
    reason typed on the coordinator's laptop. After the exchanges, no laptop holds a text
    the finder says certainly names the member, and the coordinator's files hold none."""
    text = " ".join(part for part in (before, form, after) if part)
    made = two_group_laptops(tmp_path_factory.mktemp("coordinator"), coordinator=True)
    assert made.coordinator is not None
    with Store.open(made.coordinator) as store:
        jo = Facilitator(display_name="Jo")
        store.save_facilitator(jo)
        if where == "supervision":
            meeting = SupervisionMeeting(
                on=dt.date(2025, 3, 10), facilitator_ids=[jo.id], held_by="Jo", topics=[text]
            )
            store.save_record(meeting)
        else:
            [group] = store.groups()
            slot = RotaAssignment(group_id=group.id, date=dt.date(2025, 3, 11), reason=text)
            store.save_rota([slot])
        service.exchange(store)
    named_before = bool(certain_names(text))
    for laptop in (made.group, made.coordinator, made.second):
        with Store.open(laptop) as store:
            service.exchange(store)
    for laptop in (made.group, made.coordinator, made.second):
        with Store.open(laptop, readonly=True) as store:
            texts = [t for m in store.records(SupervisionMeeting) for t in m.topics]
            texts += [slot.reason for slot in store.records(RotaAssignment)]
        assert texts and not any(certain_names(t) for t in texts), (laptop, texts)
    if named_before:
        files = [made.coordinator, *made.coordinator.parent.glob("vg.json.backups/*")]
        assert not any(text.encode() in p.read_bytes() for p in files if p.is_file())


def certain_names(text: str) -> list[object]:
    return [m for m in names_for(Purpose.SUPERVISION, text, [MEMBER]) if m.certain]
