"""A copy of the data to read in another thread, while the store itself stays with one thread.

A store's records and caches belong to the thread that changes them (in the app, the UI
thread). Work that only reads, but is slow (a PDF of a member's record, the evaluation), takes
`Snapshot.of(store)` on that thread, which is quick (the data as bytes, parsing nothing: a
table the opening left as text is copied as that text), and calls `open()` in its worker: a
read-only store of its own over a copy, which no later change can meet half-way. The worker
parses the copy, and checks there each table the store had not checked yet, with the store's
own check and sentences (`opening.table_problem`): a damaged table is refused in the worker,
as the store would refuse it.

A slow change (a rota change judged by every rule, its reasons worked out again) is made the
same way on `scratch()`, a copy that can be changed but is never saved; the worker hands back
its `Changes`, and the UI thread applies them to the store (`Store.apply_changes`), which
refuses them if its data is no longer the data they were made on.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.errors import DamagedFile
from voicesgroup.store.storage import (
    SafeStorage,
    collector_paused,
    is_table,
    malformed_table_sentence,
    not_readable_sentence,
)

if TYPE_CHECKING:
    from voicesgroup.store.repository import Store

READ_ONLY_REASON = "This is a copy of the data for reading; nothing can be changed in it."


@dataclass(frozen=True)
class Snapshot:
    """The data of a store at one moment, as bytes."""

    path: Path
    blob: bytes = field(repr=False)
    taken_from: weakref.ref[SafeStorage] | None = field(default=None, repr=False, compare=False)
    """The storage it was taken of, and its count of changes then (`SafeStorage.changes`)."""
    changes: int = field(default=-1, repr=False, compare=False)
    unchecked: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """The tables that were still text in the store (`SafeStorage.unread`): checked when the
    copy is parsed, as the opening checks a table (`opening.table_problem`)."""

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        """Taken on the thread that owns `store`: its JSON, no table parsed for it."""
        storage = store.storage
        blob = storage.plain()
        return cls(store.path, blob, weakref.ref(storage), storage.changes, storage.unread)

    def document(self) -> dict[str, Any]:
        """The data parsed anew (a copy of its own), each table the store had not checked
        yet checked now: DamagedFile, with the store's sentence, for one that is not sound."""
        try:
            with collector_paused():
                data: dict[str, Any] = orjson.loads(self.blob)
        except orjson.JSONDecodeError:  # only a table left as text can be
            raise DamagedFile(not_readable_sentence(self.path)) from None
        from voicesgroup.store.opening import table_problem

        for name in sorted(self.unchecked):  # in the words `SafeStorage.table` refuses it in
            if not is_table(data.get(name)):
                raise DamagedFile(malformed_table_sentence(self.path, name))
            problem = table_problem(name, data[name], self.path)
            if problem:
                raise DamagedFile(problem)
        return data

    def holds(self, store: Store) -> bool:
        """Whether `store` still holds this very data (asked on the thread that owns it): a
        change prepared on a copy is applied only then, never over a change made meanwhile.

        Every change to a storage's data counts (`SafeStorage.changes`), so the same storage
        with the same count holds the same data, and nothing is serialised to tell; else the
        data is compared as bytes (a change made and undone still holds it)."""
        storage = store.storage
        taken_from = self.taken_from() if self.taken_from is not None else None
        if taken_from is storage and storage.changes == self.changes:
            return True
        return storage.plain() == self.blob

    def open(self) -> Store:
        """A read-only store over a copy of the data; any thread may read it."""
        from voicesgroup.store.repository import Store

        storage = SafeStorage(self.path, self.document(), signature=None, readonly=True)
        storage.autosave = False
        store = Store(storage, lock=None)
        store.read_only_reason = READ_ONLY_REASON
        return store

    def scratch(self) -> Scratch:
        """A store over a copy of the data that may be changed but is never saved, to make a
        slow change on in another thread (`Scratch.changes` then says what it did)."""
        from voicesgroup.store.repository import Store

        data = self.document()
        storage = SafeStorage(self.path, data, signature=None)
        storage.autosave = False
        tables = {name: dict(table) for name, table in data.items() if isinstance(table, dict)}
        return Scratch(Store(storage, lock=None), self, tables)


@dataclass(frozen=True)
class Changes:
    """What a change made on a scratch copy put in and took out, table by table (documents by
    their number in the table), to be applied to the store it was copied from
    (`Store.apply_changes`)."""

    base: Snapshot = field(repr=False)
    """The data the change was made on: the store it is applied to must still hold it."""
    put: dict[str, dict[str, Any]]
    removed: dict[str, list[str]]
    built: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    """The records already built from documents in `put`, by table and number."""

    @property
    def tables(self) -> set[str]:
        return set(self.put) | set(self.removed)


@dataclass(frozen=True)
class Scratch:
    """A changeable copy (`store`) and the documents it started with, to compare."""

    store: Store
    base: Snapshot = field(repr=False)
    _tables: dict[str, dict[str, Any]] = field(repr=False)

    def changes(self) -> Changes:
        """The documents the change put in (new, or stored with other values) and took out.
        A stored document is replaced, never changed in place, so one the change did not
        touch is the very same object and costs nothing to compare."""
        after = self.store.storage.read()
        put: dict[str, dict[str, Any]] = {}
        removed: dict[str, list[str]] = {}
        for name in set(after) | set(self._tables):
            old, new = self._tables.get(name, {}), after.get(name, {})
            if not isinstance(new, dict):
                continue
            changed = {
                key: doc
                for key, doc in new.items()
                if (was := old.get(key)) is not doc and was != doc
            }
            gone = [key for key in old if key not in new]
            if changed:
                put[name] = changed
            if gone:
                removed[name] = gone
        built = {name: self.store.built(name, docs) for name, docs in put.items()}
        return Changes(self.base, put, removed, built)
