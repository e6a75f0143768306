"""Shared fixtures for the store, storage, consent and CLI tests.

The helpers these tests call live in `tests/helpers/`: records made for a test (`records`),
files and the OS calls under them (`files`), the quick key derivation (`keys`), the demo data
(`demo_files`), the command line run in-process (`cli`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import demo_files
from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.keys import quick_argon2id
from voicesgroup.store import Store, crypto


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key derivation by `quick_argon2id` for this test."""
    monkeypatch.setattr(crypto, "_argon2id", quick_argon2id)


@pytest.fixture(scope="session")
def demo_bytes() -> bytes:
    """The bytes of a freshly written demo file (built once per test process)."""
    return demo_files.demo_bytes(DEMO_TODAY)


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
