"""The one-writer lock: held on a file beside the data file for as long as it is open.

Where the system has `flock` (Linux, macOS, the BSDs) the lock is taken with it directly: the
kernel lets it go when the process ends, even when it is killed, and nothing is left to clean
up. `filelock` does the same everywhere else and on a filesystem without `flock`; it is
imported only there, since loading it costs start-up about as much as the rest of the store.
"""

from __future__ import annotations

import errno
import os
from contextlib import suppress
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

    def __init__(self, descriptor: int, made: Path | None = None) -> None:
        self._descriptor: int | None = descriptor
        self._owner = os.getpid()
        self._made = made
        """The lock file, when taking the lock made it (see `abandon`)."""

    def abandon(self) -> None:
        """Let the lock go after a refused opening, removing the lock file if taking it made
        it, so a refusal leaves the folder as it was. Removed while still held: whoever
        opened it meanwhile finds, once they hold it, that it is no longer the file at that
        path and takes the lock again (`take`)."""
        if self._made is not None and self._descriptor is not None:
            with suppress(OSError):
                self._made.unlink()
        self.release()

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
    for _ in range(TRIES):
        try:
            descriptor, created = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), True
        except FileExistsError:
            try:
                descriptor, created = os.open(path, os.O_RDWR), False
            except FileNotFoundError:  # removed just now by a refused opening (`abandon`)
                continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno in CONTENTION:
                raise LockHeld(str(path)) from None
            if error.errno == errno.ENOSYS:
                # A filesystem without flock: filelock marks the lock with the file itself
                # there, so the file made just now must not be left to look like someone's lock.
                if created:
                    path.unlink(missing_ok=True)
                return _portable(path)
            raise
        if _still_at(path, descriptor):
            return _Flock(descriptor, path if created else None)
        os.close(descriptor)  # the file was removed while we waited for it: take it again
    raise LockHeld(str(path))


TRIES = 5
"""How many times `take` opens the lock file again when each one was removed under it."""


def _still_at(path: Path, descriptor: int) -> bool:
    """Whether the lock file held open is still the file at `path`."""
    try:
        here, held = os.stat(path), os.fstat(descriptor)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


def abandon(lock: WriterLock) -> None:
    """Let a lock go after a refused opening (`_Flock.abandon`); others are released."""
    getattr(lock, "abandon", lock.release)()


def let_go(lock: WriterLock, *, refused: bool) -> None:
    """Release the lock; `abandon` it when the file it guards was refused."""
    (getattr(lock, "abandon", lock.release) if refused else lock.release)()


def _portable(path: Path) -> WriterLock:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=0, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise LockHeld(str(path)) from None
    return lock
