"""The one-writer lock on its own: flock where there is one, filelock where there is not.

Opening a data file twice, a killed writer and the lock file's mode are in test_store.py.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

import pytest

from voicesgroup.store import writer_lock


def test_a_second_take_is_refused_until_the_first_is_released(tmp_path: Path) -> None:
    path = tmp_path / "data.json.lock"
    first = writer_lock.take(path)
    with pytest.raises(writer_lock.LockHeld):
        writer_lock.take(path)
    first.release()
    first.release()  # twice is harmless
    writer_lock.take(path).release()


def test_a_forked_child_that_releases_leaves_the_parent_s_lock_held(tmp_path: Path) -> None:
    path = tmp_path / "data.json.lock"
    held = writer_lock.take(path)
    pid = os.fork()
    if pid == 0:  # the child shares the descriptor; its release must only close its copy
        try:
            held.release()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    with pytest.raises(writer_lock.LockHeld):
        writer_lock.take(path)
    held.release()


@pytest.mark.filterwarnings("ignore:flock not supported")  # filelock's own fallback says so
def test_a_filesystem_without_flock_falls_back_to_filelock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_flock(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    monkeypatch.setattr(fcntl, "flock", no_flock)
    path = tmp_path / "data.json.lock"
    first = writer_lock.take(path)
    assert type(first).__module__.startswith("filelock")
    with pytest.raises(writer_lock.LockHeld):
        writer_lock.take(path)
    first.release()
    writer_lock.take(path).release()


def test_a_lock_file_that_cannot_be_opened_raises_os_error(tmp_path: Path) -> None:
    folder = tmp_path / "data.json.lock"
    folder.mkdir()
    with pytest.raises(OSError):
        writer_lock.take(folder)
