"""Each promise of "Keeping data safe" tried as an attacker and as a careless user would."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from tests.helpers.cli import run
from tests.helpers.files import FileState, files_holding
from tests.helpers.keys import FAST_KDF
from tests.helpers.records import NAME, event, small_file
from voicesgroup.cli import printable
from voicesgroup.errors import DamagedFile, ReadOnlyFile, StoreError
from voicesgroup.models import (
    ConsentAction,
    ConsentScope,
    CopingStrategy,
    Group,
    MeetingPattern,
    Member,
    Note,
    RotaAssignment,
    Session,
    Settings,
    Variant,
)
from voicesgroup.store import Store, crypto
from voicesgroup.store import passphrase as protection
from voicesgroup.store.backups import KEEP_NEWEST, list_backups, take_backup
from voicesgroup.store.integrity import check_folder
from voicesgroup.store.restore import AnotherFilesBackup, restore
from voicesgroup.store.storage import backup_folder


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "voicesgroup.json"


# -- backups are copies, pruned in the order they were made ------------------------------------


def test_a_backup_shares_no_storage_with_the_data_file(path: Path) -> None:
    small_file(path, opens=1).close()
    with Store.open(path) as store:
        backup = store.backup_taken
    assert backup is not None
    assert backup.stat().st_ino != path.stat().st_ino
    assert path.stat().st_nlink == 1
    kept = backup.read_bytes()
    with path.open("r+b") as damage:  # like `dd … conv=notrunc`: written in place
        damage.write(b"\0" * 64)
    assert backup.read_bytes() == kept


def test_backups_named_by_a_wrong_clock_do_not_push_out_the_newest(path: Path) -> None:
    wrong = dt.datetime(2030, 6, 1, tzinfo=dt.UTC)
    for number in range(KEEP_NEWEST):
        take_backup(path, f"wrong clock {number}".encode(), now=wrong + dt.timedelta(hours=number))
    right = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    new = take_backup(path, b"the newest real one", now=right)
    backups = list_backups(path)
    assert new is not None and new.exists()
    assert backups[0].path == new
    assert len(backups) == KEEP_NEWEST
    take_backup(path, b"and the next", now=right + dt.timedelta(days=1))
    assert [b.path.read_bytes() for b in list_backups(path)[:2]] == [
        b"and the next",
        b"the newest real one",
    ]


# -- read-only files ----------------------------------------------------------------------------


def test_a_read_only_file_opens_read_only_and_refuses_changes(path: Path) -> None:
    small_file(path, opens=1).close()
    path.chmod(0o444)
    before = FileState.of(path)
    with Store.open(path) as store:
        assert store.read_only
        with pytest.raises(ReadOnlyFile, match=r"read-only .* this change was not made"):
            store.save_member(Member(display_name="Newcomer"))
        with pytest.raises(ReadOnlyFile):
            store.forget_member(store.find_member(NAME).id)
        with pytest.raises(ReadOnlyFile):
            protection.prepare_set(store, "long enough phrase", FAST_KDF)
        assert [member.display_name for member in store.members()] == [NAME]
    assert FileState.of(path) == before
    assert path.stat().st_mode & 0o777 == 0o444, "its permissions are left as they were"


def test_restore_refuses_to_replace_a_read_only_file(path: Path) -> None:
    small_file(path).close()
    path.chmod(0o444)
    before = FileState.of(path)
    with pytest.raises(ReadOnlyFile):
        restore(path, list_backups(path)[-1].path)
    assert FileState.of(path) == before


# -- files that are not what they seem ---------------------------------------------------------


def test_a_file_with_only_its_meta_is_damaged_not_empty(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_file(path).close()
    meta_only = orjson.dumps({"_meta": orjson.loads(path.read_bytes())["_meta"]})
    path.write_bytes(meta_only)
    with pytest.raises(DamagedFile, match="lost 12 of its tables"):
        Store.open(path)
    assert path.read_bytes() == meta_only
    code, _out, err = run(capsys, "--db", str(path), "check")
    assert code == 1 and "lost 12 of its tables" in err


@pytest.mark.parametrize(
    ("members", "sentence"),
    [
        ({"1": {"display_name": "Ana"}}, "members record 1 has no id of its own"),
        ({"1": {"id": "same"}, "2": {"id": "same"}}, "members record 2 has no id of its own"),
        ({"abc": {"id": "x"}}, "its table 'members' is malformed"),
        ({"1": ["not", "a", "record"]}, "its table 'members' is malformed"),
    ],
)
def test_a_record_without_an_id_of_its_own_is_named_not_a_traceback(
    path: Path, members: dict, sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    small_file(path).close()
    data = orjson.loads(path.read_bytes())
    data["members"] = members
    damaged = orjson.dumps(data)
    path.write_bytes(damaged)
    with pytest.raises(DamagedFile, match=sentence):
        Store.open(path)
    assert path.read_bytes() == damaged
    code, _out, err = run(capsys, "--db", str(path), "check")
    assert code == 1 and sentence in err and "Traceback" not in err


def test_restore_refuses_a_backup_holding_only_its_meta(path: Path) -> None:
    small_file(path).close()
    before = path.read_bytes()
    emptied = list_backups(path)[0].path
    emptied.write_bytes(orjson.dumps({"_meta": orjson.loads(before)["_meta"]}))
    with pytest.raises(DamagedFile):
        restore(path, emptied)
    assert path.read_bytes() == before


def test_restore_asks_before_taking_another_files_backup(
    tmp_path: Path, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_file(path).close()
    other = tmp_path / "other" / "voicesgroup.json"
    small_file(other).close()
    foreign = list_backups(other)[0].path
    before = path.read_bytes()
    with pytest.raises(AnotherFilesBackup, match="another data file"):
        restore(path, foreign)
    assert path.read_bytes() == before
    code, _out, err = run(capsys, "--db", str(path), "restore", str(foreign))
    assert code == 1 and "--yes" in err and path.read_bytes() == before
    code, out, _err = run(capsys, "--db", str(path), "restore", str(foreign), "--yes")
    assert code == 0 and "Restored" in out
    own = list_backups(path)[-1].path
    code, out, _err = run(capsys, "--db", str(path), "restore", str(own))
    assert code == 1, "now the data file is the other one's"


def test_check_opens_every_backup_and_names_each_bad_one(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small_file(path, opens=4).close()
    backups = list_backups(path)
    assert len(backups) >= 3
    meta = orjson.loads(path.read_bytes())["_meta"]
    backups[0].path.write_bytes(orjson.dumps({"_meta": meta}))
    backups[1].path.write_bytes(b"")
    code, out, _err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert backups[0].path.name in out and backups[1].path.name in out
    # the sound one is named only as the one to restore, never as bad
    assert f"backup {backups[2].path.name} could not" not in out
    assert f"restore {backups[2].path}`" in out


# -- malformed records -------------------------------------------------------------------------


def _break(path: Path, how: str) -> None:
    data = orjson.loads(path.read_bytes())
    members = data["members"]
    first = next(iter(members))
    if how == "wrong type":
        members[first]["display_name"] = 42
    elif how == "missing id":
        del members[first]["id"]
    elif how == "duplicated id":
        second = next(key for key in members if key != first)
        members[second]["id"] = members[first]["id"]
    elif how == "wrong-typed setting":
        data["settings"]["1"]["idle_lock_minutes"] = "soon"
    path.write_bytes(orjson.dumps(data))


@pytest.mark.parametrize(
    "how", ["wrong type", "missing id", "duplicated id", "wrong-typed setting"]
)
def test_a_malformed_record_gets_one_sentence_everywhere_and_the_file_is_untouched(
    path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    small_file(path).close()
    _break(path, how)
    before = FileState.of(path)
    code, out, err = run(capsys, "--db", str(path), "check")
    assert code == 1
    where = "settings record 1" if how == "wrong-typed setting" else "members record"
    assert where in out + err
    sentences = []
    for command in (["retention", "--apply"], ["member", "forget", "--member", NAME, "--yes"]):
        code, _out, err = run(capsys, "--db", str(path), *command)
        assert code == 1
        assert "holds a record that cannot be read" in err, err
        assert "unexpected" not in err and "Traceback" not in err
        sentences.append(err)
    assert sentences[0] == sentences[1]
    assert FileState.of(path) == before


def test_an_unexpected_error_in_the_app_ends_with_a_sentence_without_locals(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from screens.app import VoicesGroupApp

    small_file(path).close()

    async def crash() -> None:
        app = VoicesGroupApp(path)
        secret_local = f"{NAME}'s words"  # noqa: F841  # a traceback would print it
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            try:
                raise TypeError("broken record")
            except TypeError:
                app._fatal_error()

    asyncio.run(crash())
    shown = capsys.readouterr().err
    assert "something unexpected went wrong (TypeError)" in shown
    assert "Traceback" not in shown and "secret_local" not in shown and NAME not in shown


# -- text is text ------------------------------------------------------------------------------

CONTROL = "Tea\x1b]0;owned\x07\x1b[2J"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Member(display_name=CONTROL),
        lambda: Group(
            name="G",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=1),
            venue=CONTROL,
        ),
        lambda: Note(
            member_id=Member(display_name="A").id, member_words=CONTROL, agreed_by_member=True
        ),
        lambda: Session(
            group_id=Member(display_name="A").id, date=dt.date(2025, 1, 1), themes=[CONTROL]
        ),
        lambda: CopingStrategy(title="T", description=CONTROL, category="grounding"),
        lambda: Settings(organisation=CONTROL),
        lambda: RotaAssignment.model_validate({"reason": CONTROL}),
    ],
    ids=["name", "venue", "note", "theme", "strategy", "organisation", "rota reason"],
)
def test_control_characters_are_refused_in_every_text_field(build: Callable[[], object]) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        build()


def test_newlines_and_tabs_are_still_text() -> None:
    note = Note(
        member_id=Member(display_name="A").id,
        member_words="one\n\ttwo",
        agreed_by_member=True,
    )
    assert note.member_words == "one\n\ttwo"


def test_the_command_line_escapes_what_a_terminal_would_act_on(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert printable("Sam\x1b[2J\u202eyes\n") == "Sam\\u001b[2J\\u202eyes\n"
    store = small_file(path, opens=1)
    store.save_group(
        Group(
            name="Evil twin",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=1),
            venue="Hall\u202eeulav",
        )
    )
    store.close()
    code, out, _err = run(capsys, "--db", str(path), "groups")
    assert code == 0
    assert "\u202e" not in out and "Hall\\u202eeulav" in out
    code, out, _err = run(capsys, "--db", str(path), "groups", "--json")
    assert any(row["venue"] == "Hall\u202eeulav" for row in orjson.loads(out)), "still JSON"


# -- the audit log -----------------------------------------------------------------------------


def _audit_edited(path: Path, change: Callable[[dict], dict]) -> None:
    data = orjson.loads(path.read_bytes())
    data["audit"] = change(data["audit"])
    path.write_bytes(orjson.dumps(data))


@pytest.mark.parametrize("tamper", ["drop the last entries", "empty the log", "edit and rechain"])
def test_without_a_passphrase_check_compares_the_log_with_every_backup(
    path: Path, capsys: pytest.CaptureFixture[str], tamper: str
) -> None:
    from voicesgroup.models import AuditEntry
    from voicesgroup.store.audit import entry_hash

    small_file(path, opens=2).close()
    with Store.open(path) as store:
        store.audit("printed", "a strategy sheet")
        store.audit("exported", "the rota")
    with Store.open(path):  # a backup now holds the whole log
        pass
    code, _out, _err = run(capsys, "--db", str(path), "check")
    assert code == 0

    def rechained(entries: dict) -> dict:
        previous = "0" * 64
        out = {}
        for key, raw in entries.items():
            raw = {**raw, "previous_hash": previous}
            if raw["action"] == "printed":
                raw["detail"] = "nothing at all"
            entry = AuditEntry.model_validate({**raw, "hash": ""})
            raw["hash"] = previous = entry_hash(entry)
            out[key] = raw
        return out

    changes = {
        "drop the last entries": lambda entries: dict(list(entries.items())[:-2]),
        "empty the log": lambda entries: {},
        "edit and rechain": rechained,
    }
    _audit_edited(path, changes[tamper])
    code, out, _err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert "audit log" in out and "removed or edited" in out


def test_a_failed_unlock_from_the_command_line_is_audited(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = small_file(path, opens=1)
    store.set_passphrase("the right phrase", FAST_KDF)
    store.close()
    secret = tmp_path / "secret"
    secret.write_text("a wrong phrase\n")
    secret.chmod(0o600)
    monkeypatch.setenv("VOICESGROUP_PASSPHRASE_FILE", str(secret))
    code, _out, err = run(capsys, "--db", str(path), "groups")
    assert code == 1 and "does not open" in err
    with Store.open(path, passphrase="the right phrase") as store:
        assert [entry.action for entry in store.audit_log()][-1] == "failed unlock"
        assert "1 attempt" in store.audit_log()[-1].detail


def test_a_passphrase_file_others_can_read_warns_and_an_empty_one_says_so(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = small_file(path, opens=1)
    store.set_passphrase("the right phrase", FAST_KDF)
    store.close()
    secret = tmp_path / "secret"
    secret.write_text("the right phrase\n")
    secret.chmod(0o644)
    monkeypatch.setenv("VOICESGROUP_PASSPHRASE_FILE", str(secret))
    code, _out, err = run(capsys, "--db", str(path), "groups")
    assert code == 0 and "can be read by other people" in err
    secret.write_text("")
    secret.chmod(0o600)
    code, _out, err = run(capsys, "--db", str(path), "groups")
    assert code == 1 and "is empty" in err


# -- forgetting that stops half-way --------------------------------------------------------------


def test_a_forget_stopped_by_a_full_disk_says_what_was_done_and_finishes_later(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.store import backups

    store = small_file(path)
    member = store.find_member(NAME)
    real = backups.write_atomically
    calls = []

    def full_after_one(target: Path, blob: bytes) -> None:
        calls.append(target)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        real(target, blob)

    monkeypatch.setattr(backups, "write_atomically", full_after_one)
    with pytest.raises(StoreError) as caught:
        store.forget_member(member.id)
    message = str(caught.value)
    assert "Nothing was changed" not in message
    assert "no longer holds the member" in message and "next time the file is opened" in message
    store.close()
    monkeypatch.undo()
    assert files_holding(path.parent, NAME), "some backups still hold her"
    code, _out, err = run(capsys, "--db", str(path), "member", "forget", "--member", NAME, "--yes")
    assert "interrupted forgetting was finished" in err
    assert code == 1 and "No member called" in err
    assert files_holding(path.parent, NAME) == []
    code, _out, _err = run(capsys, "--db", str(path), "check")
    assert code == 0


def test_check_names_any_file_still_holding_a_forgotten_member(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = small_file(path)
    before = path.read_bytes()
    store.forget_member(store.find_member(NAME).id)
    store.close()
    planted = backup_folder(path) / "000099-20300101T000000000000Z.json"
    planted.write_bytes(before)
    code, out, _err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert f"{planted} still holds a member who was forgotten" in out


def test_forgetting_writes_its_intent_without_the_name_before_anything_else(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicesgroup.store import forgetting

    store = small_file(path)
    member = store.find_member(NAME)
    seen: list[bytes] = []
    real = forgetting.write_atomically

    def spy(target: Path, blob: bytes) -> None:
        seen.append(path.read_bytes())
        real(target, blob)
        assert NAME.encode() not in blob

    monkeypatch.setattr(forgetting, "write_atomically", spy)
    store.forget_member(member.id)
    assert seen and NAME.encode() in seen[0], "the intent came before the data file changed"
    assert not forgetting.intent_file(path).exists()
    store.close()


# -- passphrase changes: every file or none ------------------------------------------------------


def test_a_full_disk_during_passphrase_set_leaves_everything_as_it_was(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = small_file(path)
    before = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    change = protection.prepare_set(store, "long enough phrase", FAST_KDF)
    real_write = os.write
    count = {"writes": 0}

    def full(fd: int, data: bytes) -> int:
        count["writes"] += 1
        if count["writes"] >= 3:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(protection.os, "write", full)
    with pytest.raises(StoreError, match="Nothing was changed"):
        protection.apply(store, change)
    monkeypatch.undo()
    after = {p: p.read_bytes() for p in path.parent.rglob("*") if p.is_file()}
    assert after == before
    assert not store.encrypted
    assert [entry.action for entry in store.audit_log()][-1:] != ["passphrase set"]
    store.save_member(Member(display_name="Still works"))
    store.close()


def test_passphrase_set_from_the_command_line_needs_the_key_confirmed(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "tune_kdf", lambda *args, **kwargs: FAST_KDF)
    small_file(path, opens=1).close()
    secret = tmp_path / "secret"
    secret.write_text("long enough phrase\n")
    secret.chmod(0o600)
    monkeypatch.setenv("VOICESGROUP_PASSPHRASE_FILE", str(secret))
    code, out, err = run(capsys, "--db", str(path), "passphrase", "set")
    assert code == 1 and "Recovery key:" in out and "--yes" in err
    assert not crypto.is_encrypted(path.read_bytes())
    code, out, _err = run(capsys, "--db", str(path), "passphrase", "set", "--yes")
    assert code == 0 and out.index("Recovery key:") < out.index("now encrypted")
    assert crypto.is_encrypted(path.read_bytes())
    assert all(crypto.is_encrypted(b.path.read_bytes()) for b in list_backups(path))


def test_the_subprocess_cli_never_shows_a_traceback_for_a_damaged_record(path: Path) -> None:
    small_file(path).close()
    _break(path, "duplicated id")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "voicesgroup.cli",
            "--db",
            str(path),
            "member",
            "forget",
            "--member",
            NAME,
            "--yes",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(path.parent)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "holds a record that cannot be read" in result.stderr


def test_withdrawal_still_works_after_the_split(path: Path) -> None:
    store = small_file(path, opens=1)
    member = store.find_member(NAME)
    store.withdraw_consent(
        event(member, ConsentScope.PERSONAL_NOTES, ConsentAction.WITHDRAWN), erase=True
    )
    assert store.notes(member.id, include_restricted=True) == []
    assert check_folder(store) == []
    store.close()
