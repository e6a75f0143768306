"""The exchange carried by real Syncthing (tests/helpers/syncthing_pair.py): a group's laptop and
the coordinator's, each with its own data file, exchanging through the folder the two instances
share. The rota, availability and a forgetting cross; a conflict copy Syncthing makes is read
and removed; nothing about a member ever reaches the coordinator's files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.helpers.cli import run
from tests.helpers.exchange import MEMBER, NOTE_WORDS, member_id, readable_files
from tests.helpers.records import add_group, add_member
from tests.helpers.syncthing_pair import SyncthingPair, missing, syncthing_pair
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import state
from voicesgroup.kinds import ConsentScope, RotaStatus, SessionStatus
from voicesgroup.models import Facilitator, Note, RotaAssignment, Session
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing() is not None, reason=missing() or ""),
]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[SyncthingPair]:
    with syncthing_pair(tmp_path / "syncthing") as started:
        yield started


def test_two_laptops_exchange_through_real_syncthing(
    pair: SyncthingPair,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quick_kdf: None,
) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "org").write_text("river stones and tea\n")
    (secrets / "group").write_text("tuesday evening\n")
    monkeypatch.setenv("VOICESGROUP_EXCHANGE_PASSPHRASE_FILE", str(secrets / "org"))
    monkeypatch.setenv("VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE", str(secrets / "group"))
    group_db, coordinator_db = tmp_path / "g" / "vg.json", tmp_path / "c" / "vg.json"
    for db in (group_db, coordinator_db):
        db.parent.mkdir()
    Store.open(coordinator_db, seed=False).close()
    with Store.open(group_db, seed=False) as store:
        group = add_group(store)
        rosa = Facilitator(display_name="Rosa")
        store.save_facilitator(rosa)
        member = add_member(
            store, MEMBER, ConsentScope.ATTENDANCE_BY_NAME, ConsentScope.PERSONAL_NOTES
        )
        store.save_session(
            Session(
                group_id=group.id,
                date=dt.date(2025, 3, 4),
                status=SessionStatus.ENDED,
                named_member_ids=[member.id],
                anonymous_count=4,
            )
        )
        store.save_note(Note(member_id=member.id, member_words=NOTE_WORDS, agreed_by_member=True))

    def cli(db: Path, *argv: str) -> str:
        code, out, err = run(capsys, "--db", str(db), *argv)
        assert code == 0, out + err
        return out

    def group_exchanges() -> None:
        cli(group_db, "exchange")
        pair.wait_alike("the group laptop's outbox to reach the coordinator's")

    def coordinator_exchanges() -> None:
        cli(coordinator_db, "exchange")
        pair.wait_alike("the coordinator's outbox to reach the group laptop's")

    cli(
        coordinator_db,
        "exchange",
        "setup",
        "--folder",
        str(pair.b.folder),
        "--coordinator",
        "--yes",
    )
    pair.wait_alike("the folder's set-up to reach the group's laptop")
    cli(group_db, "exchange", "setup", "--folder", str(pair.a.folder), "--group", "Tuesday Voices")
    group_exchanges()
    coordinator_exchanges()

    # a rota published on the coordinator's laptop reaches the group's
    with Store.open(coordinator_db) as store:
        [group] = store.groups()
        [rosa] = store.facilitators()
        store.save_rota(
            [
                RotaAssignment(
                    group_id=group.id,
                    date=dt.date(2025, 4, 1),
                    lead_id=rosa.id,
                    status=RotaStatus.PUBLISHED,
                )
            ]
        )
    coordinator_exchanges()
    group_exchanges()
    with Store.open(group_db, readonly=True) as store:
        assert [slot.status for slot in store.rota()] == [RotaStatus.PUBLISHED]

    # availability typed on the group's laptop reaches the coordinator's
    with Store.open(group_db) as store:
        [rosa] = store.facilitators()
        store.save_facilitator(rosa.with_changes(unavailable_weekdays=[4]))
    group_exchanges()
    coordinator_exchanges()
    with Store.open(coordinator_db, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.unavailable_weekdays == [4]
        assert store.members() == []

    # a conflict copy Syncthing makes (the group's outbox changed on both sides apart) is
    # read and removed
    record = state.read(orjson.loads(group_db.read_bytes()))
    assert record is not None
    own = carrier.outbox_path(pair.a.folder, record["replica"])
    older = own.read_bytes()
    with pair.apart():
        with Store.open(group_db) as store:
            [rosa] = store.facilitators()
            store.save_facilitator(rosa.with_changes(max_per_month=3))
        cli(group_db, "exchange")
        carrier.write_outbox(pair.b.folder, carrier.replica_of(own) or "", older)
    pair.wait_alike("both sides to hold the conflict copy")
    assert any(carrier.is_conflict_copy(p) for p in pair.b.folder.iterdir())
    coordinator_exchanges()
    group_exchanges()
    assert not any(carrier.is_conflict_copy(p) for p in pair.a.folder.iterdir())
    with Store.open(coordinator_db, readonly=True) as store:
        [rosa] = store.facilitators()
        assert rosa.max_per_month == 3  # the later version won, whichever file held it

    # a forgetting on the group's laptop leaves the member in no file on either side
    identifier = member_id(group_db)
    cli(group_db, "member", "forget", "--member", MEMBER, "--yes")
    group_exchanges()
    coordinator_exchanges()
    for db in (group_db, coordinator_db):
        for path, blob in readable_files(db).items():
            for secret in (MEMBER.encode(), identifier.encode(), NOTE_WORDS.encode()):
                assert secret not in blob, f"{path} holds {secret!r}"
    assert "Forgetting acknowledged by 1 of 2 laptops." in cli(group_db, "exchange", "status")
    group_exchanges()  # the group's laptop reads the coordinator's outbox written since
    assert "Forgetting acknowledged by 2 of 2 laptops." in cli(group_db, "exchange", "status")
