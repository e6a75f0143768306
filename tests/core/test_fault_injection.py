"""Forgetting and passphrase changes killed at every step, and meeting a full disk at every write.

Deterministic: each run stops at the n-th change to the disk (a write, flush, rename or
removal), for n = 1, 2, … until the work finishes before reaching n. A kill is a forked child
ending with `os._exit` just before that call, so nothing of ours gets to clean up. Afterwards
the file is opened again, as a person would, and every file in the folder is checked.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.faults import KILLED, stop_at
from tests.helpers.files import files_holding
from tests.helpers.keys import FAST_KDF
from tests.helpers.records import NAME, small_file
from voicesgroup import models  # noqa: F401  # loaded before any fork
from voicesgroup.errors import StoreError
from voicesgroup.store import Store, crypto, forgetting, integrity, opening
from voicesgroup.store import passphrase as protection
from voicesgroup.store.backups import list_backups

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")]


@pytest.fixture(autouse=True)
def quick_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is tried here is the order of files, not Argon2id: a hash stands in for it."""
    import hashlib

    monkeypatch.setattr(
        crypto, "_argon2id", lambda secret, salt, params: hashlib.sha256(salt + secret).digest()
    )


OLD, NEW = "the old passphrase", "the new passphrase"


def killed_at(step: int, folder: Path, secret: str | None, work: Callable[[Store], None]) -> bool:
    """Run `work` on the file in `folder`, killed before its `step`-th disk call.

    True when the work finished before that step (so there are no more steps to try).
    """
    path = folder / "voicesgroup.json"
    pid = os.fork()
    if pid == 0:  # the child: open, then work until killed
        code = 1
        try:
            signal.alarm(30)
            store = Store.open(path, passphrase=secret)
            stop_at(step, lambda: os._exit(KILLED))
            work(store)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, KILLED), f"the work failed on its own at step {step} (exit {code})"
    return code == 0


def pristine(tmp_path: Path, secret: str | None = None) -> Path:
    """A folder with a small data file and three backups (encrypted under `secret`)."""
    folder = tmp_path / "pristine"
    store = small_file(folder / "voicesgroup.json", opens=3)
    if secret:
        store.set_passphrase(secret, FAST_KDF)
    store.close()
    assert len(list_backups(folder / "voicesgroup.json")) >= 2
    return folder


def fresh_copy(pristine: Path, tmp_path: Path, step: int) -> Path:
    folder = tmp_path / f"step-{step}"
    shutil.copytree(pristine, folder)
    return folder


def reopened(folder: Path, *secrets: str | None) -> tuple[Store, str | None]:
    """The file opened again for changes, as the app would, with whichever secret opens it."""
    path = folder / "voicesgroup.json"
    for secret in secrets:
        try:
            return Store.open(path, passphrase=secret), secret
        except StoreError:
            continue
    raise AssertionError(f"{path} opens with none of the passphrases")


def forget(store: Store) -> None:
    store.forget_member(store.find_member(NAME).id)


def assert_forgotten_everywhere(store: Store, folder: Path) -> None:
    assert NAME not in [member.display_name for member in store.members()]
    assert files_holding(folder, NAME) == []
    assert integrity.check_folder(store) == []
    assert not forgetting.intent_file(store.path).exists()


def test_forget_killed_at_every_step_is_finished_at_the_next_open(tmp_path: Path) -> None:
    source = pristine(tmp_path)
    step = 0
    while True:
        step += 1
        folder = fresh_copy(source, tmp_path, step)
        finished = killed_at(step, folder, None, forget)
        store, _ = reopened(folder, None)
        with store:
            started = forgetting.any_forgotten(store.storage.read())
            if started or finished:
                assert_forgotten_everywhere(store, folder)
            else:  # killed before the intent was written: nothing happened, nothing to finish
                assert store.find_member(NAME)
                assert not forgetting.intent_file(store.path).exists()
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 15, "every write of the intent, the data file and each backup was a step"


def test_forget_killed_at_every_step_of_an_encrypted_file(tmp_path: Path) -> None:
    source = pristine(tmp_path, OLD)
    step = 0
    while True:
        step += 1
        folder = fresh_copy(source, tmp_path, step)
        finished = killed_at(step, folder, OLD, forget)
        store, _ = reopened(folder, OLD)
        with store:
            if forgetting.any_forgotten(store.storage.read()) or finished:
                assert NAME not in [member.display_name for member in store.members()]
                assert integrity.check_folder(store) == []
        shutil.rmtree(folder)
        if finished:
            break


def _apply(make: Callable[[Store], protection.PassphraseChange]) -> Callable[[Store], None]:
    def work(store: Store) -> None:
        protection.apply(store, make(store))

    return work


CHANGES = {
    "set": (None, _apply(lambda store: protection.prepare_set(store, NEW, FAST_KDF))),
    "change": (OLD, _apply(lambda store: protection.prepare_change(store, NEW, FAST_KDF))),
    "remove": (OLD, _apply(protection.prepare_remove)),
}


@pytest.mark.parametrize("action", list(CHANGES))
def test_a_passphrase_change_killed_at_every_step_is_all_or_nothing(
    tmp_path: Path, action: str
) -> None:
    before, work = CHANGES[action]
    after = None if action == "remove" else NEW
    source = pristine(tmp_path, before)
    # Prepared before any step is counted: deriving the key writes nothing.
    step = 0
    while True:
        step += 1
        folder = fresh_copy(source, tmp_path, step)
        finished = killed_at(step, folder, before, work)
        store, _ = reopened(folder, before, after)
        with store:
            if finished:
                assert store.encrypted == (after is not None)
            # Every backup opens with the data file's key: all converted, or none.
            assert integrity.check_folder(store) == [], (step, integrity.check_folder(store))
            assert not protection.commit_file(store.path).exists()
            assert not list(folder.rglob(f"*{protection.STAGED_SUFFIX}"))
            if store.encrypted:
                assert files_holding(folder, NAME) == []
            else:
                assert not any(crypto.is_encrypted(p.read_bytes()) for p in folder.rglob("*.json"))
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 8


def _full_disk_at(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    count = [0]
    real = os.write

    def write(fd: int, data: bytes) -> int:
        count[0] += 1
        if count[0] == step:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)


def test_forget_meeting_a_full_disk_at_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = pristine(tmp_path)
    step = 0
    while True:
        step += 1
        folder = fresh_copy(source, tmp_path, step)
        store = Store.open(folder / "voicesgroup.json")
        member = store.find_member(NAME)
        with pytest.MonkeyPatch.context() as disk:
            _full_disk_at(step, disk)
            try:
                store.forget_member(member.id)
                finished = True
            except StoreError as error:
                finished = False
                message = str(error)
                nothing_done = "Nothing was changed" in message
        assert finished or "full" in message
        store.close()
        store, _ = reopened(folder, None)
        with store:
            if finished or not nothing_done:
                assert_forgotten_everywhere(store, folder)
            else:
                assert step == 1 or not forgetting.intent_file(store.path).exists()
                assert store.find_member(NAME)
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 4


@pytest.mark.parametrize("action", list(CHANGES))
def test_a_passphrase_change_meeting_a_full_disk_at_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    before, work = CHANGES[action]
    source = pristine(tmp_path, before)
    step = 0
    while True:
        step += 1
        folder = fresh_copy(source, tmp_path, step)
        store = Store.open(folder / "voicesgroup.json", passphrase=before)
        files_before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        with pytest.MonkeyPatch.context() as disk:
            _full_disk_at(step, disk)
            try:
                work(store)
                finished = True
            except StoreError as error:
                finished = False
                message = str(error)
        assert finished or ("Nothing was changed" in message and "full" in message), message
        store.close()
        if not finished:
            after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
            after.pop(folder / "voicesgroup.json.lock", None)
            files_before.pop(folder / "voicesgroup.json.lock", None)
            assert after == files_before, step
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 2


def test_a_failed_unlock_note_holds_no_name(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    opening.note_failed_unlock(path)
    opening.note_failed_unlock(path)
    assert opening.failed_unlocks_file(path).read_text() == "2\n"
