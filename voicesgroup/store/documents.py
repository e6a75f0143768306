"""A table's stored documents read without building its records, or with records built and not
kept: for counts, for Home (which paints before any model is loaded), and for a screen over
some years of a large table (the rota review). Mixed into the `Store` (`repository.py`); where
the opening left a table as text, only what is read is parsed (`unread.py`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from voicesgroup.store import unread

if TYPE_CHECKING:
    from voicesgroup.models import Record
    from voicesgroup.store.storage import SafeStorage
    from voicesgroup.store.tables import Tables

RecordT = TypeVar("RecordT", bound="Record")

AT_ONCE = 256
"""How many records `records_of_years` builds at a time: the documents of many years never
stand in memory beside what is built from them."""


class DocumentReads:
    """The store's reads of stored documents (its `_storage`, and `tables` to build records)."""

    _storage: SafeStorage
    tables: Tables

    def documents(self, table: str) -> Collection[dict[str, Any]]:
        """A table's stored documents as they are, without building models.

        For counts and for the home screen, which paints before any model is loaded. The
        documents are the store's own: read them, never change them. Only this table is
        parsed for it, when the opening left it unread.
        """
        records: dict[str, dict[str, Any]] = self._storage.table(table) or {}
        return records.values()

    def documents_since(self, table: str, year: int) -> dict[str, dict[str, Any]]:
        """A dated table's stored documents of `year` and later (and any with no date), by
        document number, without building models: for a screen that shows only what is coming
        (Home). Read them, never change them. Where the opening left the table unread, only
        those years are parsed (`unread.documents_since`)."""
        return unread.documents_since(self._storage, table, year)

    def each_document(self, table: str) -> Iterator[dict[str, Any]]:
        """A table's stored documents one after another, for a count or a sum over every year
        that keeps nothing of them (Home's Due box): where the opening left a dated table
        unread, it is parsed a year's stretch at a time and none is kept
        (`unread.each_document`). Read them, never change them."""
        return unread.each_document(self._storage, table)

    def count_raw(self, table: str, keep: Callable[[dict[str, Any]], bool]) -> int:
        """How many stored documents of `table` pass `keep` (for counts; see `each_document`)."""
        return sum(1 for doc in self.each_document(table) if keep(doc))

    def records_of_years(
        self,
        model: type[RecordT],
        first: int | None,
        last: int | None,
        keep: Callable[[dict[str, Any]], bool] | None = None,
    ) -> Iterator[RecordT]:
        """The records of a dated table from year `first` to `last` (None leaves that end
        open) and any undated, whose stored documents pass `keep`, in the table's order:
        only those years parsed where the opening left the table unread
        (`unread.each_document_of_years`), each record built and checked by its model a few
        at a time, and none kept by the store, unlike every other read of records. A
        document that is not a sound record: DamagedFile, in the sentence reading the table
        whole gives."""
        documents = unread.each_document_of_years(self._storage, model.TABLE, first, last)
        wanted = documents if keep is None else filter(keep, documents)
        while batch := list(itertools.islice(wanted, AT_ONCE)):
            yield from self.tables.built_apart(model, batch)
