"""Every promise checked before the work starts, and every message saying what was and was not
done: the store's own rules, whichever door (the app or a command) asks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_cli import run
from voicesgroup import crypto
from voicesgroup.errors import StoreError
from voicesgroup.store import Store
from voicesgroup.store import passphrase as protection

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FAST_KDF = crypto.KdfParams(memory_kib=65536, iterations=1, lanes=1)
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
