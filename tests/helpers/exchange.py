"""Laptops exchanging through a folder, as a test reads them: the member whose words must never
reach the coordinator, and every file a laptop's owner can read (outboxes opened with its keys).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.helpers.cli import run
from tests.helpers.records import add_group, add_member
from voicesgroup.exchange import outbox, state
from voicesgroup.kinds import ConsentScope, SessionStatus
from voicesgroup.models import Facilitator, Note, Session
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store

MEMBER = "Marigold"
"""The member noted on the group's laptop; her name and words must stay there."""
NOTE_WORDS = "the humming stops when I walk by the canal"
THEME = "Marigold found walking helps"


def readable_files(db: Path) -> dict[Path, bytes]:
    """Every file of a laptop as its owner can read it: the data file and its backups, and
    each outbox in the exchange folder opened with this laptop's own keys."""
    found = {path: path.read_bytes() for path in db.parent.rglob("*") if path.is_file()}
    data = orjson.loads(db.read_bytes())
    record = state.read(data)
    assert record is not None
    org = bytes.fromhex(record["org_key"])
    groups = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    for path in Path(record["folder"]).glob("*.outbox"):
        contents = outbox.open_sealed(path.read_bytes(), org, groups)
        found[path] = orjson.dumps([[e.kind, e.key, e.content, e.extra] for e in contents.parts])
    return found


def newer_format(blob: bytes) -> bytes:
    """An outbox as a later version of voicesgroup would write it: its format made newer."""
    this = f'"format":{outbox.FORMAT}'.encode()
    assert this in outbox.read_header(blob)[1]
    newer = f'"format":{outbox.FORMAT + 1}'.encode()
    assert len(newer) == len(this)  # the header's length is part of what it says
    return blob.replace(this, newer, 1)


def member_id(db: Path) -> str:
    data = orjson.loads(db.read_bytes())
    [member] = [m for m in data["members"].values() if m["display_name"] == MEMBER]
    return str(member["id"])


@pytest.fixture(autouse=True)
def no_real_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))


@dataclass
class World:
    folder: Path
    coordinator: Path
    group: Path
    capsys: pytest.CaptureFixture[str]
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def cli(self, db: Path, *argv: str) -> tuple[int, str, str]:
        return run(self.capsys, "--db", str(db), *argv)

    def exchange(self, db: Path) -> dict[str, object]:
        code, out, err = self.cli(db, "exchange", "--json")
        assert code == 0, err
        found: dict[str, object] = json.loads(out)
        return found

    def laptop(self, name: str) -> Path:
        path = self.tmp / name / "vg.json"
        path.parent.mkdir()
        Store.open(path).close()
        return path

    def use_passphrases(self, org: str, group: str = "") -> None:
        org_file = self.tmp / f"org-{org}.txt"
        org_file.write_text(org + "\n")
        org_file.chmod(0o600)
        self.monkeypatch.setenv("VOICESGROUP_EXCHANGE_PASSPHRASE_FILE", str(org_file))
        if group:
            group_file = self.tmp / f"group-{group}.txt"
            group_file.write_text(group + "\n")
            self.monkeypatch.setenv("VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE", str(group_file))

    def join_group(self, db: Path) -> None:
        self.use_passphrases("river stones and tea", "tuesday evening")
        code, _, err = self.cli(
            db, "exchange", "setup", "--folder", str(self.folder), "--group", "Tuesday Voices"
        )
        assert code == 0, err


@pytest.fixture
def world(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quick_kdf: None,
) -> Iterator[World]:
    folder = tmp_path / "exchange"
    folder.mkdir()
    made = World(
        folder,
        tmp_path / "c" / "vg.json",
        tmp_path / "g" / "vg.json",
        capsys,
        tmp_path,
        monkeypatch,
    )
    made.coordinator = made.laptop("c")
    made.group.parent.mkdir()
    with Store.open(made.group) as store:
        group = add_group(store)
        lead = Facilitator(display_name="Rosa")
        store.save_facilitator(lead)
        member = add_member(
            store, MEMBER, ConsentScope.ATTENDANCE_BY_NAME, ConsentScope.PERSONAL_NOTES
        )
        session = Session(
            group_id=group.id,
            date=dt.date(2025, 3, 4),
            status=SessionStatus.ENDED,
            facilitator_ids=[lead.id],
            named_member_ids=[member.id],
            anonymous_count=3,
            newcomers=1,
            themes=["sleep", THEME],
        )
        store.save_session(session)
        store.save_note(Note(member_id=member.id, member_words=NOTE_WORDS, agreed_by_member=True))
    made.use_passphrases("river stones and tea")
    code, _, err = made.cli(
        made.coordinator, "exchange", "setup", "--folder", str(folder), "--coordinator", "--yes"
    )
    assert code == 0, err
    made.join_group(made.group)
    yield made


def replica_of(db: Path) -> str:
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    return str(record["replica"])


def group_outbox(world: World) -> Path:
    record = state.read(orjson.loads(world.group.read_bytes()))
    assert record is not None
    return world.folder / f"voicesgroup-{record['replica']}.outbox"


class Killed(BaseException):
    """The laptop stopping there and then (not an Exception: nothing may catch it)."""
