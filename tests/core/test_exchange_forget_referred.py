"""A laptop that holds records referring to a member (a session's names, a note, a consent event,
a strategy's attribution, contact details) but not the member's own record forgets them all
the same when the organisation's tombstone comes in: each member id referred to is hashed with
the organisation's key and compared (`applying.due_forgetting`,
`forgetting.member_ids_referred_to`)."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.exchange_laptops import FIRST_DAY, MEMBER, Laptops, two_group_laptops
from tests.helpers.records import event
from voicesgroup.exchange import service, sharing, state
from voicesgroup.kinds import ConsentScope, RoundMark, SessionStatus
from voicesgroup.models import ContactDetail, CopingStrategy, Session
from voicesgroup.store import Store, forgetting
from voicesgroup.store.storage import backup_folder

REFERRING = ("sessions", "notes", "consent_events", "contact_details", "strategies")
"""The tables whose records refer to a member (the member's own record aside)."""


def _everything_about_the_member(made: Laptops) -> str:
    """On the group's laptop: the member named at a session (with a round mark), beside a
    strategy, with contact details; then both laptops of the group hold it all."""
    with Store.open(made.group) as store:
        [member] = store.members()
        [group] = store.groups()
        for scope in (ConsentScope.CONTACT_DETAILS, ConsentScope.STRATEGY_ATTRIBUTION):
            store.give_consent(event(member, scope, on=FIRST_DAY - dt.timedelta(days=30)))
        store.save_contact_detail(ContactDetail(member_id=member.id, kind="phone", value="0123"))
        store.save_strategy(
            CopingStrategy(
                title="Humming along",
                category="distraction",
                shared_in_group_id=group.id,
                attributed_member_id=member.id,
            )
        )
        store.save_session(
            Session(
                group_id=group.id,
                date=FIRST_DAY.date(),
                status=SessionStatus.ENDED,
                named_member_ids=[member.id],
                round_marks={str(member.id): RoundMark.SPOKE},
            )
        )
    for laptop in (made.group, made.second, made.group, made.second):
        with Store.open(laptop) as store:
            service.exchange(store)
    with Store.open(made.second) as store:  # a session only this laptop holds names her
        store.save_session(
            Session(
                group_id=group.id,
                date=FIRST_DAY.date() + dt.timedelta(days=7),
                status=SessionStatus.ENDED,
                themes=[f"{MEMBER} found the canal walk helped"],
            )
        )
    with Store.open(made.second) as store:  # (and a backup holds it, with her record)
        assert store.members()
    return str(member.id)


def _holds_no_member_record(db: Path, member_id: str, dropped: set[str]) -> None:
    """The laptop as if it never held the member's own record (nor the records of `dropped`):
    gone from the file and from the exchange's state alike, so nothing here marks them gone."""
    with Store.open(db) as store:
        data = store.storage.read()
        record = state.read(data)
        assert record is not None
        gone: dict[str, list[str]] = {"members": []}
        for doc_id, doc in list(data["members"].items()):
            if doc.get("id") == member_id:
                del data["members"][doc_id]
        record["entries"]["members"] = {}
        for table in dropped:
            for doc_id, doc in list(data[table].items()):
                if member_id in str(doc):
                    gone.setdefault(table, []).append(sharing.record_key(table, doc))
                    del data[table][doc_id]
            for key in gone.get(table, []):
                for kind in (table, table + sharing.GROUP_SUFFIX):
                    record["entries"].get(kind, {}).pop(key, None)
        state.write(data, record)
        store.storage.write(data)
    with Store.open(db, readonly=True) as store:
        referred = forgetting.member_ids_referred_to(store.storage.read())
    assert member_id in referred


def _files_holding(db: Path, member_id: str) -> list[str]:
    """Every file of the laptop (the data file and its backups) whose bytes still hold the
    member's id, in either of its written forms, or her name."""
    forms = (member_id.encode(), uuid.UUID(member_id).hex.encode(), MEMBER.encode())
    files = [db, *sorted(backup_folder(db).glob("*.json"))]
    return [path.name for path in files if any(form in path.read_bytes() for form in forms)]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sets(st.sampled_from(REFERRING), max_size=len(REFERRING) - 1))
def test_a_laptop_without_the_members_record_forgets_every_record_naming_them(
    quick_kdf: None, dropped: set[str]
) -> None:
    """Whatever records referring to the member a laptop holds without their own record, the
    tombstone that comes in removes every one: neither the id nor her name (a theme only this
    laptop holds, redacted by the name its backups knew her by) is in any file of it after."""
    with tempfile.TemporaryDirectory() as root:
        made = two_group_laptops(Path(root))
        member_id = _everything_about_the_member(made)
        with Store.open(made.group) as store:
            store.forget_member(uuid.UUID(member_id))
            service.exchange(store)
        _holds_no_member_record(made.second, member_id, dropped)
        for laptop in (made.second, made.group, made.second):
            with Store.open(laptop) as store:
                service.exchange(store)
        assert _files_holding(made.second, member_id) == []
        with Store.open(made.second, readonly=True) as store:
            sessions = sorted(store.sessions(), key=lambda session: session.date)
        assert sessions[-1].themes == ["Another member found the canal walk helped"]
        if "sessions" not in dropped:  # the head count stays as it was
            assert (sessions[0].named_member_ids, sessions[0].anonymous_count) == ([], 1)


def test_forgetting_an_id_referred_to_nowhere_is_refused(tmp_path: Path) -> None:
    """Forgetting is for a member a file knows: an id neither held nor referred to is
    NotFound, as before."""
    from voicesgroup.errors import NotFound

    with Store.open(tmp_path / "vg.json") as store:
        try:
            store.forget_member(uuid.uuid4())
        except NotFound:
            return
    raise AssertionError("an unknown member was forgotten")
