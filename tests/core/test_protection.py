"""Keeping the data safe on a laptop: encryption at rest, damaged input, old files, faults."""

from __future__ import annotations

import errno
import os
import random
import shutil
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.keys import FAST_KDF
from voicesgroup.errors import (
    DamagedFile,
    NewerVersion,
    PassphraseNeeded,
    SaveFailed,
    StoreError,
    WrongPassphrase,
)
from voicesgroup.models import SCHEMA_VERSION, Member
from voicesgroup.store import Store, crypto
from voicesgroup.store.backups import list_backups

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PASSPHRASE = "the long way round"


@pytest.fixture
def encrypted_path(tmp_path: Path) -> Path:
    path = tmp_path / "data.json"
    shutil.copy(FIXTURES / "schema_v1.json", path)
    with Store.open(path) as store:
        store.set_passphrase(PASSPHRASE, FAST_KDF)
    return path


def test_the_first_schema_version_file_opens_and_checks_sound(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    shutil.copy(FIXTURES / "schema_v1.json", path)
    with Store.open(path) as store:
        assert store.problems() == []
        assert {group.name for group in store.groups()} >= {"Tuesday Voices", "Thursday Beliefs"}
        assert len(store.members()) == 12
    assert b'"schema_version":%d' % SCHEMA_VERSION in path.read_bytes()


def test_nothing_readable_is_left_on_disk_once_encrypted(encrypted_path: Path) -> None:
    folder = encrypted_path.parent
    for file in folder.rglob("*"):
        if file.is_file() and file.stat().st_size:
            content = file.read_bytes()
            assert b"Aisha" not in content and b"Tuesday Voices" not in content, file
    assert list_backups(encrypted_path), "the plain backup was re-encrypted, not dropped"


def test_an_encrypted_file_needs_the_passphrase_and_a_wrong_one_writes_nothing(
    encrypted_path: Path,
) -> None:
    before = encrypted_path.read_bytes()
    backups_before = [b.path for b in list_backups(encrypted_path)]
    with pytest.raises(PassphraseNeeded):
        Store.open(encrypted_path)
    with pytest.raises(WrongPassphrase, match="does not open this file"):
        Store.open(encrypted_path, passphrase="not this one")
    assert encrypted_path.read_bytes() == before
    assert [b.path for b in list_backups(encrypted_path)] == backups_before
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as store:
        assert store.encrypted and len(store.members()) == 12


def test_an_encrypted_save_stays_encrypted_and_opens_again(encrypted_path: Path) -> None:
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as store:
        store.save_member(Member(display_name="Ottoline"))
    assert b"Ottoline" not in encrypted_path.read_bytes()
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as store:
        assert store.find_member("Ottoline")


def test_changing_the_passphrase_rewraps_backups_too(encrypted_path: Path) -> None:
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as store:
        store.change_passphrase("a brand new phrase", FAST_KDF)
    for blob in [encrypted_path.read_bytes()] + [
        b.path.read_bytes() for b in list_backups(encrypted_path)
    ]:
        with pytest.raises(crypto.WrongPassphrase):
            crypto.open_with_passphrase(blob, PASSPHRASE)
        crypto.open_with_passphrase(blob, "a brand new phrase")


def test_sampled_bit_flips_and_truncations_are_refused_and_nothing_is_overwritten(
    quick_kdf: None, tmp_path: Path
) -> None:
    # What is tried is how the store meets a damaged file, 65 times: the key is derived by a
    # hash that, like Argon2id, depends on the passphrase, salt and parameters (quick_kdf).
    encrypted_path = tmp_path / "data.json"
    shutil.copy(FIXTURES / "schema_v1.json", encrypted_path)
    with Store.open(encrypted_path) as store:
        store.set_passphrase(PASSPHRASE, FAST_KDF)
    original = encrypted_path.read_bytes()
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as store:  # undamaged, it opens
        assert len(store.members()) == 12
    encrypted_path.write_bytes(original)
    rng = random.Random(7)
    damaged = [original[:length] for length in rng.sample(range(len(original)), 25)]
    for bit in rng.sample(range(len(original) * 8), 40):
        flipped = bytearray(original)
        flipped[bit // 8] ^= 1 << (bit % 8)
        damaged.append(bytes(flipped))
    for blob in damaged:
        encrypted_path.write_bytes(blob)
        with pytest.raises(StoreError) as refused:
            Store.open(encrypted_path, passphrase=PASSPHRASE)
        assert "Traceback" not in str(refused.value)
        assert encrypted_path.read_bytes() == blob


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00" * 4096,
        os.urandom(2048),
        b'{"_default": {"1": {"name": "another program"}}}',
        b"[1, 2, 3]",
        b'{"_meta": {"1": {"app": "voicesgroup", "schema_version": 1}}, "members": {"1": ',
    ],
    ids=["empty", "zeroed", "random", "tinydb-json", "a-list", "truncated"],
)
def test_damaged_input_of_every_kind_is_named_and_left_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(content)
    with pytest.raises(DamagedFile) as refused:
        Store.open(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == content


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    text = (
        (FIXTURES / "schema_v1.json")
        .read_bytes()
        .replace(b'"schema_version":1', b'"schema_version":99')
    )
    path.write_bytes(text)
    with pytest.raises(NewerVersion, match="newer version"):
        Store.open(path)
    assert path.read_bytes() == text


def test_an_encrypted_file_opened_with_another_files_key_is_refused(
    encrypted_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    shutil.copy(FIXTURES / "schema_v1.json", other)
    with Store.open(other) as store:
        store.set_passphrase("another passphrase entirely", FAST_KDF)
    with pytest.raises(WrongPassphrase):
        Store.open(encrypted_path, passphrase="another passphrase entirely")


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EIO, "Input/output error"),
        PermissionError(errno.EACCES, "Permission denied"),
    ],
    ids=["ENOSPC", "EIO", "EACCES"],
)
def test_an_encrypted_save_that_fails_keeps_everything(
    quick_kdf: None,
    encrypted_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    failure: OSError,
) -> None:
    # Nine failures of the disk, each around a save, not the key: quick_kdf derives it.
    store = Store.open(encrypted_path, passphrase=PASSPHRASE)
    before = encrypted_path.read_bytes()
    real = getattr(os, where)

    def failing(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(os, where, failing)
    with pytest.raises(SaveFailed, match="kept in memory"):
        store.save_member(Member(display_name="Perpetua"))
    monkeypatch.setattr(os, where, real)
    assert encrypted_path.read_bytes() == before
    assert not list(encrypted_path.parent.glob(".*.vg-tmp"))
    assert store.unsaved and store.find_member("Perpetua")
    store.save()
    store.close()
    with Store.open(encrypted_path, passphrase=PASSPHRASE) as reopened:
        assert reopened.find_member("Perpetua")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=600))
def test_the_loader_refuses_arbitrary_bytes_with_a_store_error(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(blob)
    with suppress(StoreError):
        Store.open(path, passphrase="anything at all").close()
    assert path.read_bytes() == blob


def test_the_audit_chain_shows_tampering(tmp_path: Path) -> None:
    import orjson

    path = tmp_path / "data.json"
    shutil.copy(FIXTURES / "schema_v1.json", path)
    with Store.open(path) as store:
        store.audit("printed", "group agreement")
        store.audit("printed", "session plan")
        assert not any("audit" in problem for problem in store.problems())
    data = orjson.loads(path.read_bytes())
    first_key = sorted(data["audit"], key=int)[0]
    data["audit"][first_key]["detail"] = "something else"
    path.write_bytes(orjson.dumps(data))
    with Store.open(path, readonly=True) as store:
        assert any("changed after it was written" in p for p in store.problems())
