"""Files as a test sees them: their state before and after, what a folder holds, the OS calls
the store makes (`OsSpy`)."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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


def files_holding(folder: Path, text: str) -> list[Path]:
    """Every file below `folder` whose bytes hold `text` in clear."""
    return [
        path for path in folder.rglob("*") if path.is_file() and text.encode() in path.read_bytes()
    ]


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


def strings_in(value: object) -> list[str]:
    """Every text in a JSON value, keys too (what a search of a document's words reads)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []
