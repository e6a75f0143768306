"""The one-writer lock: held on a file beside the data file for as long as it is open.

Where the system has `flock` (Linux, macOS, the BSDs) the lock is taken with it directly: the
kernel lets it go when the process ends, even when it is killed, and nothing is left to clean
up. `filelock` does the same everywhere else and on a filesystem without `flock`; it is
imported only there, since loading it costs start-up about as much as the rest of the store.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Protocol


class LockHeld(Exception):
    """Another process (or another open store in this one) holds the lock."""


class WriterLock(Protocol):
    """A lock taken by `take`; `release` lets it go (twice is harmless)."""

    def release(self) -> None: ...


CONTENTION = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})
"""What `flock` says when someone else holds the lock (some filesystems say EACCES)."""


class _Flock:
    """A lock held with `flock` on an open descriptor of the lock file."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor: int | None = descriptor
        self._owner = os.getpid()

    def release(self) -> None:
        import fcntl

        descriptor, self._descriptor = self._descriptor, None
        if descriptor is None:
            return
        try:
            # A forked child shares the descriptor: only the process that took it unlocks.
            if os.getpid() == self._owner:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)


def take(path: Path) -> WriterLock:
    """The lock on the file `path` (made readable by its owner alone); LockHeld if taken.

    Raises OSError when the lock file cannot be opened.
    """
    try:
        import fcntl
    except ImportError:  # no flock on this system
        return _portable(path)
    try:
        descriptor, created = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), True
    except FileExistsError:
        descriptor, created = os.open(path, os.O_RDWR), False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(descriptor)
        if error.errno in CONTENTION:
            raise LockHeld(str(path)) from None
        if error.errno == errno.ENOSYS:
            # A filesystem without flock: filelock marks the lock with the file itself there,
            # so the file made just now must not be left to look like someone's lock.
            if created:
                path.unlink(missing_ok=True)
            return _portable(path)
        raise
    return _Flock(descriptor)


def _portable(path: Path) -> WriterLock:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeld(str(path)) from None
    return lock
