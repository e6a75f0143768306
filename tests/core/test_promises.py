"""Every promise checked before the work starts, and every message saying what was and was not
done: the store's own rules, whichever door (the app or a command) asks."""

from __future__ import annotations

import datetime as dt
import errno
import shutil
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from tests.helpers.keys import FAST_KDF
from tests.helpers.records import add_member
from voicesgroup import dates
from voicesgroup.errors import ChangedOnDisk, NewerVersion, PassphraseNeeded, StoreError
from voicesgroup.store import Store
from voicesgroup.store import passphrase as protection
from voicesgroup.store.backups import KEEP_NEWEST, list_backups
from voicesgroup.store.restore import UnencryptedBackup, restore
from voicesgroup.store.storage import looks_encrypted

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PASSPHRASE = "the long way round"


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "data.json"
    shutil.copy(FIXTURES / "schema_v1.json", path)
    return path


# -- the passphrase's minimum lives in the store ----------------------------------------------


@given(st.text(max_size=7))
def test_the_store_itself_refuses_a_short_passphrase(short: str) -> None:
    assert protection.passphrase_problem(short) is not None
    assert protection.passphrase_problem(short + "x" * (8 - len(short))) is None


def test_set_and_change_refuse_a_short_passphrase_and_change_nothing(plain: Path) -> None:
    before = plain.read_bytes()
    with Store.open(plain) as store:
        with pytest.raises(StoreError, match="at least 8 characters; nothing was changed"):
            store.set_passphrase("seven77", FAST_KDF)
        assert not store.encrypted
    assert plain.read_bytes() == before
    with Store.open(plain) as store:
        store.set_passphrase(PASSPHRASE, FAST_KDF)
        with pytest.raises(StoreError, match="at least 8"):
            store.change_passphrase("short", FAST_KDF)
        assert store.check_passphrase(PASSPHRASE)


# -- a read-only data file refuses an output the audit log must note, before writing it --------

AUDITED = {
    "print": ["print", "agreement", "--group", "Tuesday Voices", "--out"],
    "member export": ["member", "export", "--member", "Aisha", "--out"],
    "rota calendar": ["rota", "ics", "--out"],
    "team sheet": ["facilitator", "sheet", "--out"],
    "report": ["report", "--from", "2026-08-01", "--to", "2026-11-30", "--csv"],
}


@pytest.mark.parametrize("what", sorted(AUDITED))
def test_a_read_only_file_refuses_an_audited_output_before_writing_it(
    what: str, demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    demo_path.chmod(0o444)
    before = demo_path.read_bytes()
    code, _, err = run(capsys, "--db", str(demo_path), *AUDITED[what], str(out))
    assert code == 1 and "read-only" in err and "Nothing was written" in err, err
    assert list(out.parent.iterdir()) == []
    assert demo_path.read_bytes() == before


# -- check and restore judge a backup the same way; audit and check give one verdict ----------


def opened(path: Path, times: int) -> None:
    for _ in range(times):
        Store.open(path).close()


def test_a_backup_from_a_newer_version_is_refused_by_check_and_by_restore(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opened(plain, 2)
    backup = list_backups(plain)[0].path
    data = orjson.loads(backup.read_bytes())
    data["_meta"]["1"]["schema_version"] = 99
    backup.write_bytes(orjson.dumps(data))
    code, out, _ = run(capsys, "--db", str(plain), "check")
    assert code == 1 and f"backup {backup.name} could not be restored" in out
    assert "newer version" in out
    before = plain.read_bytes()
    with pytest.raises(NewerVersion):
        restore(plain, backup)
    code, _, err = run(capsys, "--db", str(plain), "restore", str(backup))
    assert code == 1 and "newer version" in err and plain.read_bytes() == before


def test_a_backup_check_finds_sound_is_one_restore_takes(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opened(plain, 2)
    code, _, _ = run(capsys, "--db", str(plain), "check")
    assert code == 0
    for backup in list_backups(plain):
        restore(plain, backup.path)


@pytest.mark.parametrize("tamper", ["drop the last entries", "empty the log"])
def test_audit_and_check_give_one_verdict(
    plain: Path, capsys: pytest.CaptureFixture[str], tamper: str
) -> None:
    opened(plain, 1)
    with Store.open(plain) as store:
        store.audit("printed", "a strategy sheet")
        store.audit("exported", "the rota")
    opened(plain, 1)  # a backup now holds the whole log
    assert run(capsys, "--db", str(plain), "audit")[0] == 0
    data = orjson.loads(plain.read_bytes())
    entries = list(data["audit"].items())
    data["audit"] = dict(entries[:-2]) if tamper == "drop the last entries" else {}
    plain.write_bytes(orjson.dumps(data))
    check_code, check_out, _ = run(capsys, "--db", str(plain), "check")
    audit_code, audit_out, audit_err = run(capsys, "--db", str(plain), "audit")
    assert check_code == 1 and audit_code == 1
    assert "holds" not in audit_out and "does not hold" in audit_out
    assert "removed or edited" in check_out and "removed or edited" in audit_err


# -- restoring an unencrypted backup over an encrypted file ------------------------------------


def test_an_unencrypted_backup_over_an_encrypted_file_asks_and_stays_encrypted(
    plain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    opened(plain, 1)
    clear_copy = tmp_path / "clear-copy.json"
    shutil.copy(plain, clear_copy)
    with Store.open(plain) as store:
        store.set_passphrase(PASSPHRASE, FAST_KDF)
    before = plain.read_bytes()
    with pytest.raises(PassphraseNeeded):
        restore(plain, clear_copy)
    with pytest.raises(UnencryptedBackup, match="--yes"):
        restore(plain, clear_copy, passphrase=PASSPHRASE)
    assert plain.read_bytes() == before
    secret = tmp_path / "secret"
    secret.write_text(PASSPHRASE)
    secret.chmod(0o600)
    monkeypatch.setenv("VOICESGROUP_PASSPHRASE_FILE", str(secret))
    code, _, err = run(capsys, "--db", str(plain), "restore", str(clear_copy))
    assert code == 1 and "is not encrypted" in err and plain.read_bytes() == before
    code, out, _ = run(capsys, "--db", str(plain), "restore", str(clear_copy), "--yes")
    assert code == 0 and "Restored" in out
    assert looks_encrypted(plain.read_bytes())
    with Store.open(plain, passphrase=PASSPHRASE) as store:
        assert store.encrypted and any(
            entry.action == "restored from a backup" for entry in store.audit_log()
        )
    code, out, _ = run(capsys, "--db", str(plain), "check")
    assert code == 0, out


# -- far dates are a sentence, not an overflow -------------------------------------------------


@given(
    st.dates(max_value=dates.EARLIEST - dt.timedelta(days=1))
    | st.dates(min_value=dates.LATEST + dt.timedelta(days=1))
)
def test_a_far_date_is_refused_where_dates_are_read(day: dt.date) -> None:
    with pytest.raises(ValueError, match="too far off for a date: give one between 1900 and 2199"):
        dates.read_day(day.isoformat())


@pytest.mark.parametrize("start, end", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")])
def test_a_report_over_far_dates_says_so(
    start: str, end: str, plain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(plain), "report", "--from", start, "--to", end,
                       "--compare-previous-year", "--csv", str(tmp_path / "r.csv"))  # fmt: skip
    assert code == 2 and "too far off" in err and "unexpected" not in err
    assert not (tmp_path / "r.csv").exists()


def test_the_edges_of_the_range_still_make_a_report(
    plain: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "1900.csv"
    code, _, err = run(capsys, "--db", str(plain), "report", "--from", "1900-01-01", "--to",
                       "1900-12-31", "--compare-previous-year", "--csv", str(out))  # fmt: skip
    assert code == 0 and out.exists(), err
    # A period that has not begun has nothing to count: one sentence, and no file.
    out = tmp_path / "2199.csv"
    code, _, err = run(capsys, "--db", str(plain), "report", "--from", "2199-01-01", "--to",
                       "2199-12-31", "--compare-previous-year", "--csv", str(out))  # fmt: skip
    assert code == 1 and not out.exists() and err.count("\n") == 1, err
    assert "That period starts after today" in err


# -- a refusal by a model is one sentence ------------------------------------------------------


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reason=st.text(st.characters(categories=["L", "N", "Zs"]), min_size=501, max_size=3000))
def test_a_long_reason_is_one_sentence_that_does_not_repeat_it(
    reason: str, plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assume(reason.strip() and len(" ".join(reason.split())) > 500)
    before = plain.read_bytes()
    code, _, err = run(capsys, "--db", str(plain), "facilitator", "sign-off", "--facilitator",
                       "Sol", "--by", "Rosa", "--reason", reason, "--yes")  # fmt: skip
    assert code == 1 and err.count("\n") == 1, err
    assert (
        f"The reason can hold at most 500 characters, and has {len(' '.join(reason.split())):,} now"
        in err
    )
    assert " ".join(reason.split())[:20] not in err
    assert orjson.loads(plain.read_bytes())["facilitators"] == orjson.loads(before)["facilitators"]


# -- messages say what was and was not done ----------------------------------------------------


def test_a_failed_passphrase_change_says_what_opening_did_to_the_backups(
    plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(KEEP_NEWEST + 1):  # ten backups, so the next opening lets one go
        with Store.open(plain) as store:
            add_member(store, f"Visitor {number}")
    before = {backup.path.name for backup in list_backups(plain)}
    assert len(before) == KEEP_NEWEST

    def no_room(*_args: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(protection, "_stage", no_room)
    with Store.open(plain) as store:
        with pytest.raises(protection.NotConverted) as refused:
            store.set_passphrase(PASSPHRASE, FAST_KDF)
        taken = store.backup_taken
    assert taken is not None
    after = {backup.path.name for backup in list_backups(plain)}
    let_go = before - after
    assert len(let_go) == 1 and taken.name in after
    message = str(refused.value)
    assert "every backup are as they were before it began" in message
    # the oldest goes only as the store closes, once every record is known sound
    assert f"Opening the file kept a backup of it, {taken.name}." in message


def test_a_file_changed_elsewhere_does_not_promise_both_versions(plain: Path) -> None:
    with Store.open(plain) as store:
        add_member(store, "Before")
        plain.write_bytes(plain.read_bytes().replace(b'"Aisha"', b'"Aisha Elsewhere"'))
        with pytest.raises(ChangedOnDisk) as refused:
            add_member(store, "After")
        store.storage.unsaved = False  # closing must not try again
    message = str(refused.value)
    assert "reopen to see both" not in message and "not combined" in message
    assert "write them to a new file" in message
