"""The store's internal interface: one data file's tables, read and changed as typed records.

`Tables` is how the store's own modules (`repository`, `opening`, `covered`, `forgetting`,
`integrity`, `passphrase`) read and change records. It applies no consent rule: the `Store`
puts the rule in front of it in every public save, and nothing outside `voicesgroup/store/`
uses it (`tests/core/test_store_interface.py` fails if something does). Records are built
from the stored documents once and kept until their table changes; so is anything worked out
from a table with `derived`.

Also here, as they are about tables and records: the list of tables (`TABLES`), an empty
file's document (`new_document`), the check that every record has an id of its own
(`record_ids`) and the one sentence for a record that cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID, uuid4

import orjson

from voicesgroup.errors import DamagedFile, NotFound
from voicesgroup.schema import SCHEMA_VERSION, SETTINGS_TABLE
from voicesgroup.store.storage import APP_MARK, META_TABLE, SafeStorage, restore_hint

if TYPE_CHECKING:
    from pydantic import ValidationError
    from tinydb import TinyDB
    from tinydb.queries import QueryLike
    from tinydb.table import Document, Table

    from voicesgroup import models as models  # the real module, for the type checker
    from voicesgroup.models import Record
else:

    class _ModelsOnFirstUse:
        """`voicesgroup.models`, imported the first time a record is asked for.

        Opening a file and painting the home screen read stored documents only; pydantic and
        the models are a good part of the start-up time, so they load once something needs a
        record.
        """

        def __getattr__(self, name: str) -> Any:
            from voicesgroup import models

            return getattr(models, name)

    models = _ModelsOnFirstUse()

RecordT = TypeVar("RecordT", bound="Record")
T = TypeVar("T")

TABLES = (
    "groups",
    "members",
    "facilitators",
    "consent_events",
    "sessions",
    "notes",
    "contact_details",
    "strategies",
    "rota",
    "support_contacts",
    "audit",
    "facilitator_paths",
    "supervision",
    "follow_ups",
)
"""Every record table of a data file; each model names its own (`Record.TABLE`)."""
ADDED_TABLES = ("facilitator_paths", "supervision", "follow_ups")
"""Tables added after the first files were written: a file from before them has none yet and
is given them empty when opened. Every other table must be there, or the file is damaged."""


def new_document() -> dict[str, Any]:
    """The data of an empty voicesgroup file."""
    meta = {"app": APP_MARK, "schema_version": SCHEMA_VERSION, "file_id": str(uuid4())}
    data: dict[str, Any] = {META_TABLE: {"1": meta}}
    for table in TABLES:
        data[table] = {}
    data[SETTINGS_TABLE] = {"1": models.Settings().model_dump(mode="json")}
    return data


class Tables:
    """The records of one data file in memory (see the module's docstring).

    `before_change` is called with a table's name before anything in it changes; it raises to
    refuse the change (a read-only file).
    """

    def __init__(self, storage: SafeStorage, before_change: Callable[[str], None]) -> None:
        self._storage = storage
        self._before_change = before_change
        self._tinydb: TinyDB | None = None
        self._models: dict[str, dict[int, Record]] = {}
        self._doc_ids: dict[str, dict[str, int]] = {}
        self._derived: dict[tuple[str, str], Any] = {}

    @property
    def path(self) -> Path:
        return self._storage.path

    @property
    def _db(self) -> TinyDB:
        """TinyDB over the storage, made when a record is first read or changed: the home
        screen paints from the stored documents, so start-up does without it."""
        if self._tinydb is None:
            from tinydb import TinyDB

            storage = TableAtATime(self._storage)
            self._tinydb = TinyDB(storage=lambda: storage)
        return self._tinydb

    def close(self) -> None:
        if self._tinydb is not None:
            self._tinydb.close()

    def forget_caches(self) -> None:
        """Build every record again from the stored documents (after they changed under us)."""
        self._models.clear()
        self._doc_ids.clear()
        self._derived.clear()
        if self._tinydb is not None:
            # TinyDB's tables remember the next document number: documents added beside them
            # (an exchange's merge) would be given a number already taken. TinyDB is made
            # again when next needed, and its tables count from what is stored now.
            self._tinydb = None

    def derived(self, table: str, name: str, work_out: Callable[[], T]) -> T:
        """`work_out()`, kept under `name` until `table` changes."""
        key = (table, name)
        if key not in self._derived:
            self._derived[key] = work_out()
        return cast(T, self._derived[key])

    # -- reading -------------------------------------------------------------------------

    def ids(self, table: str) -> dict[str, int]:
        """Each record's id in `table` and its document number (DamagedFile if one has none)."""
        ids = self._doc_ids.get(table)
        if ids is None:
            ids, where = record_ids(table, self._storage.table(table) or {})
            if where:
                raise DamagedFile(malformed_record_sentence(self.path, where))
            self._doc_ids[table] = ids
        return ids

    def all(self, model: type[RecordT]) -> list[RecordT]:
        """Every record of one kind, in stored order."""
        return [self._model_of(model, doc) for doc in self._table(model).all()]

    def where(self, model: type[RecordT], **equals: Any) -> list[RecordT]:
        """Records whose stored fields equal the given values (ids compared as strings)."""
        wanted = {
            key: str(value) if isinstance(value, UUID) else value for key, value in equals.items()
        }

        def matches(value: Mapping[str, Any]) -> bool:  # the name TinyDB's QueryLike gives it
            return all(value.get(key) == wanted_value for key, wanted_value in wanted.items())

        return self.search(model, matches)

    def search(self, model: type[RecordT], test: QueryLike) -> list[RecordT]:
        """Records whose stored document passes `test` (read before any record is built)."""
        return [self._model_of(model, doc) for doc in self._table(model).search(test)]

    def built_apart(
        self, model: type[RecordT], documents: Iterable[Mapping[str, Any]]
    ) -> list[RecordT]:
        """Records built from these stored documents of `model`'s table and not kept (for
        a reader of a few of many, who must not leave them all held). One that is not a
        sound record is refused as reading the table gives it, in the same sentence."""
        from pydantic import ValidationError

        documents = list(documents)
        # The check for control characters made once over them all (as JSON text), not once
        # a record, when that is sure (`models.json_surely_clean`).
        try:
            clean = models.json_surely_clean(orjson.dumps(documents))
        except TypeError:
            clean = False
        context = {models.TEXTS_CHECKED: True} if clean else None
        try:
            return [model.model_validate(document, context=context) for document in documents]
        except ValidationError as error:
            self.all(model)  # the table's own sentence, naming the record's number
            where = f"{model.TABLE}: {first_error(error)}"
            raise DamagedFile(malformed_record_sentence(self.path, where)) from None

    def get(self, model: type[RecordT], record_id: UUID) -> RecordT:
        """One record by id; NotFound when there is none."""
        doc_id = self.ids(model.TABLE).get(str(record_id))
        if doc_id is None:
            raise NotFound(f"No such {model.__name__.lower()} is stored.")
        document = self._table(model).get(doc_id=doc_id)
        assert document is not None and not isinstance(document, list)
        return self._model_of(model, document)

    # -- changing ------------------------------------------------------------------------

    def put(self, record: Record) -> None:
        """Store a record, new or changed (no consent rule: the Store's saves apply it)."""
        name = record.TABLE
        self._changing(name)
        table = self._db.table(name, cache_size=0)
        document = record.model_dump(mode="json")
        ids = self.ids(name)
        doc_id = ids.get(str(record.id))
        if doc_id is None:
            doc_id = table.insert(document)
            ids[str(record.id)] = doc_id
        else:
            # TinyDB's update rebuilds the whole table to change one record, which with years
            # of sessions costs more than the key press it answers. The one document is
            # replaced in place and the data handed to the same storage write as any other.
            data = self._storage.read()
            data[name][str(doc_id)] = document
            self._storage.write(data)
        self._models.setdefault(name, {})[doc_id] = record

    def delete(self, model: type[Record], record_ids: Iterable[UUID]) -> None:
        """Remove the records with these ids (ids not stored are passed over)."""
        name = model.TABLE
        self._changing(name)
        ids = self.ids(name)
        doc_ids = [ids.pop(str(record_id)) for record_id in record_ids if str(record_id) in ids]
        if doc_ids:
            self._table(model).remove(doc_ids=doc_ids)
            cache = self._models.get(name, {})
            for doc_id in doc_ids:
                cache.pop(doc_id, None)

    def put_settings(self, document: dict[str, Any]) -> None:
        """Replace the one settings record."""
        self._changing(SETTINGS_TABLE)
        from tinydb.table import Document

        table = self._db.table(SETTINGS_TABLE, cache_size=0)
        table.upsert(Document(document, doc_id=1))

    def apply(
        self,
        put: Mapping[str, Mapping[str, dict[str, Any]]],
        removed: Mapping[str, Iterable[str]],
        built: Mapping[str, Mapping[str, Record]],
    ) -> None:
        """Documents put in and taken out by their numbers, as a change on a copy made them
        (`Store.apply_changes` checks it first); `built` are records already built from the
        documents put in."""
        from tinydb.table import Document

        for name, documents in put.items():
            self._changing(name)
            data = self._storage.read()
            stored = data.setdefault(name, {})
            new = {key: doc for key, doc in documents.items() if key not in stored}
            stored.update({key: doc for key, doc in documents.items() if key in stored})
            self._storage.write(data)
            table = self._db.table(name, cache_size=0)
            for key, doc in new.items():  # by number, so the table counts on from there
                table.insert(Document(doc, doc_id=int(key)))
        for name, keys in removed.items():
            self._changing(name)
            self._db.table(name, cache_size=0).remove(doc_ids=[int(key) for key in keys])
        for name in {*put, *removed}:
            self._doc_ids.pop(name, None)
            cache = self._models.setdefault(name, {})
            for key in [*put.get(name, {}), *removed.get(name, [])]:
                cache.pop(int(key), None)
            for key, record in built.get(name, {}).items():
                cache[int(key)] = record  # built already, from these very documents
        self._db.clear_cache()

    def built(self, table: str, keys: Iterable[str]) -> dict[str, Record]:
        """The records already built from these documents of `table` (by their number)."""
        cache = self._models.get(table, {})
        return {key: cache[int(key)] for key in keys if int(key) in cache}

    # -- inside --------------------------------------------------------------------------

    def _changing(self, table: str) -> None:
        self._before_change(table)
        for key in [key for key in self._derived if key[0] == table]:
            del self._derived[key]

    def _table(self, model: type[Record]) -> Table:
        return self._db.table(model.TABLE, cache_size=0)

    def _model_of(self, model: type[RecordT], document: Document) -> RecordT:
        cache = self._models.setdefault(model.TABLE, {})
        found = cache.get(document.doc_id)
        if found is None:
            found = cache[document.doc_id] = self._validated(model, document)
        # The cache is per table, and a table holds one model.
        return cast(RecordT, found)

    def _validated(self, model: type[RecordT], document: Document) -> RecordT:
        from pydantic import ValidationError

        try:
            return model.model_validate(document)
        except ValidationError as error:
            where = f"{model.TABLE} record {document.doc_id}: {first_error(error)}"
            raise DamagedFile(malformed_record_sentence(self.path, where)) from None


class TableAtATime:
    """The storage TinyDB is given: TinyDB reads the document to take one table from it, and
    writes it back with that one table changed. Here it is given a view that parses only the
    table asked for (`SafeStorage.table`) and saves only the table changed
    (`SafeStorage.write_table`), so building one kind of record never parses every table."""

    def __init__(self, storage: SafeStorage) -> None:
        self._storage = storage

    def read(self) -> _OneTable:
        return _OneTable(self._storage)

    def write(self, data: _OneTable) -> None:
        if not isinstance(data, _OneTable) or data.storage is not self._storage:
            raise TypeError("TinyDB is given one table at a time")
        for name, table in data.changed.items():
            self._storage.write_table(name, table)

    def close(self) -> None:
        pass


class _OneTable:
    """What TinyDB reads its table from and writes it to (`tables[name]`, nothing else)."""

    def __init__(self, storage: SafeStorage) -> None:
        self.storage = storage
        self.changed: dict[str, dict[str, Any]] = {}

    def __getitem__(self, name: str) -> dict[str, Any]:
        if name in self.changed:
            return self.changed[name]
        table = self.storage.table(name)
        if table is None:
            raise KeyError(name)
        return table  # type: ignore[no-any-return]  # a table of records

    def __setitem__(self, name: str, table: dict[str, Any]) -> None:
        self.changed[name] = table


def record_ids(table: str, documents: dict[str, Any]) -> tuple[dict[str, int], str | None]:
    """Each record's id and its document number; and where a record has no id of its own.

    Every record carries an id (a string) that no other record in its table shares: checked
    when a file is opened and again when the repository indexes a table.
    """
    try:  # the sound case in one quick pass; anything odd is found by the loop below
        quick = {document["id"]: int(doc_id) for doc_id, document in documents.items()}
    except (TypeError, KeyError, ValueError):
        quick = {}
    joined = "".join(map(str, documents))
    if (
        len(quick) == len(documents)
        and set(map(type, quick)) <= {str}
        and all(documents)
        and (not joined or (joined.isascii() and joined.isdigit()))
    ):
        return quick, None
    ids: dict[str, int] = {}
    for doc_id, document in documents.items():
        record_id = document.get("id") if isinstance(document, dict) else None
        decimal = str(doc_id).isascii() and str(doc_id).isdigit()
        if not isinstance(record_id, str) or record_id in ids or not decimal:
            label = doc_id if decimal else repr(str(doc_id)[:40])
            return ids, f"{table} record {label} has no id of its own"
        ids[record_id] = int(doc_id)
    return ids, None


def malformed_record_sentence(path: Path, where: str) -> str:
    """The one sentence for a stored record that cannot be read, naming where it is."""
    return (
        f"The file {path} holds a record that cannot be read ({where}). Nothing was changed; "
        f"`voicesgroup check` lists every such record. "
        f"{restore_hint(path).removeprefix('Nothing was changed. ')}"
    )


def first_error(error: ValidationError) -> str:
    """The first thing pydantic found wrong, as `field: message`."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]
