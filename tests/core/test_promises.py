"""Every promise checked before the work starts, and every message saying what was and was not
done: the store's own rules, whichever door (the app or a command) asks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
