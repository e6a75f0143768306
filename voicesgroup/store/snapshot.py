"""A copy of the data to read in another thread, while the store itself stays with one thread.

A store's records and caches belong to the thread that changes them (in the app, the UI
thread). Work that only reads, but is slow (a PDF of a member's record, the evaluation), takes
`Snapshot.of(store)` on that thread, which is quick (the data as bytes), and calls `open()` in
its worker: a read-only store of its own over a copy, which no later change can meet half-way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from voicesgroup.store.storage import SafeStorage

if TYPE_CHECKING:
    from voicesgroup.store.repository import Store

READ_ONLY_REASON = "This is a copy of the data for reading; nothing can be changed in it."


@dataclass(frozen=True)
class Snapshot:
    """The data of a store at one moment, as bytes."""

    path: Path
    blob: bytes = field(repr=False)

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        """Taken on the thread that owns `store`."""
        return cls(store.path, orjson.dumps(store.storage.read()))

    def open(self) -> Store:
        """A read-only store over a copy of the data; any thread may read it."""
        from voicesgroup.store.repository import Store

        storage = SafeStorage(self.path, orjson.loads(self.blob), signature=None, readonly=True)
        storage.autosave = False
        store = Store(storage, lock=None)
        store.read_only_reason = READ_ONLY_REASON
        return store
