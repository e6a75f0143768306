"""Shared fixtures for the store, storage, consent and CLI tests."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from voicesgroup.demo import write_demo_file
from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    Group,
    MeetingPattern,
    Member,
    Variant,
)
from voicesgroup.store import Store, crypto


def quick_argon2id(secret: bytes, salt: bytes, params: crypto.KdfParams) -> bytes:
    """A cheap stand-in for Argon2id, for tests of what happens around the key, not of the KDF.

    It depends on every input like the real KDF, so a tampered salt or parameter, or another
    passphrase, still gives another key. (tests/core/test_crypto.py runs the real one.)
    """
    material = repr((secret, salt, params.memory_kib, params.iterations, params.lanes))
    return hashlib.sha256(material.encode()).digest()


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key derivation by `quick_argon2id` for this test."""
    monkeypatch.setattr(crypto, "_argon2id", quick_argon2id)


DEMO_TODAY = dt.date(2025, 3, 11)
"""The demo data set is dated relative to this day, so every run builds the same people."""

DEMO_MEMBERS = 12
DEMO_FACILITATORS = 6
DEMO_GROUPS = 3


@dataclass(frozen=True)
class FileState:
    """Everything a test needs to say "this file was not touched"."""

    blob: bytes
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        stat = path.stat()
        return cls(path.read_bytes(), stat.st_mtime_ns, stat.st_ino)


def listing(folder: Path) -> set[str]:
    """Every file and folder below `folder`, relative to it."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


CONSENT_SINCE = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)


def event(
    member: Member,
    scope: ConsentScope,
    action: ConsentAction = ConsentAction.GIVEN,
    on: dt.datetime | None = None,
) -> ConsentEvent:
    """A consent event as a facilitator would record it (by default long before any session
    in these tests: named attendance needs consent current on the session's date)."""
    extra = {"on": on if on is not None else CONSENT_SINCE}
    return ConsentEvent(
        member_id=member.id,
        scope=scope,
        action=action,
        method=ConsentMethod.SAID_IN_ROOM,
        wording_version="1",
        recorded_by="Rosa",
        **extra,
    )


def add_member(store: Store, name: str, *scopes: ConsentScope) -> Member:
    """Save a member and give them consent for `scopes`."""
    member = Member(display_name=name)
    store.save_member(member)
    for scope in scopes:
        store.give_consent(event(member, scope))
    return member


def add_group(store: Store, name: str = "Tuesday Voices") -> Group:
    group = Group(name=name, variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1))
    store.save_group(group)
    return group


class OsSpy:
    """Records what storage.py asks of the OS, and can make one call fail.

    Only `voicesgroup.store.storage.os` is replaced, so pytest and xdist keep the real module.
    `fail` names the call to break, `error` is the errno, `skip` lets that many calls through
    first (so the second fsync, the folder's, can be the one that fails).
    """

    def __init__(self, fail: str | None = None, error: int = errno.EIO, skip: int = 0) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.paths: dict[int, Path] = {}
        self.fail, self.error, self.skip = fail, error, skip
        self.max_write: int | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def _maybe_fail(self, name: str) -> None:
        if name == self.fail:
            if self.skip:
                self.skip -= 1
            else:
                raise OSError(self.error, os.strerror(self.error))

    def open(self, path: os.PathLike[str] | str, flags: int, mode: int = 0o777) -> int:
        fd = os.open(path, flags, mode)
        self.paths[fd] = Path(path)
        self.calls.append(("open", Path(path)))
        return fd

    def write(self, fd: int, data: Any) -> int:
        self._maybe_fail("write")
        if self.max_write is not None:
            data = data[: self.max_write]
        written = os.write(fd, data)
        self.calls.append(("write", self.paths[fd], written))
        return written

    def fsync(self, fd: int) -> None:
        self._maybe_fail("fsync")
        os.fsync(fd)
        self.calls.append(("fsync", self.paths[fd]))

    def close(self, fd: int) -> None:
        os.close(fd)
        self.calls.append(("close", self.paths.pop(fd)))

    def replace(self, source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        self._maybe_fail("replace")
        os.replace(source, target)
        self.calls.append(("replace", Path(source), Path(target)))


@pytest.fixture(scope="session")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a freshly written demo file (built once per test process)."""
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    write_demo_file(path, today=DEMO_TODAY)
    return path.read_bytes()


@pytest.fixture
def demo_path(tmp_path: Path, demo_bytes: bytes) -> Path:
    """A demo data file of this test's own, with no backups or lock beside it yet."""
    path = tmp_path / "voicesgroup.json"
    path.write_bytes(demo_bytes)
    path.chmod(0o600)
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a new data file goes (nothing there yet)."""
    return tmp_path / "data" / "voicesgroup.json"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """A new, empty store (no starter data), open for writing."""
    opened = Store.open(db_path, seed=False)
    yield opened
    opened.close()


@pytest.fixture
def demo_store(demo_path: Path) -> Iterator[Store]:
    opened = Store.open(demo_path)
    yield opened
    opened.close()


@pytest.fixture
def no_umask() -> Iterator[None]:
    """Run with umask 0, so every permission seen was set on purpose, not by the umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)
