"""A text typed on the coordinator's laptop, which holds no members and so cannot check
names, that names a member of a group: the group's laptop finds it as it comes in, writes
"another member" for the name with a stamp of its own, says so once, and every laptop then
holds that version (F13 of the outside test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.helpers.exchange_laptops import MEMBER, two_group_laptops
from voicesgroup.exchange import service
from voicesgroup.models import Facilitator, SupervisionMeeting
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
