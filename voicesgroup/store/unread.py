"""A table left as text when a file was opened (`checked.py`), and where the years of a dated
table lie in that text, so a reader of some years parses only those (`SafeStorage`'s
`documents_since` and `each_document`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.errors import DamagedFile

if TYPE_CHECKING:
    from voicesgroup.store.storage import SafeStorage

YEARLY_TABLES = {"sessions": "date", "rota": "date"}
"""Tables of dated records, by the field that dates them: the note beside the file
(`checked.py`) also says where each year's records lie in their text, so that a reader of
recent years (Home's rota) parses only those (`SafeStorage.documents_since`) and a reader of
every year (Home's Due box) parses one stretch at a time and keeps none (`each_document`)."""

Run = tuple[int | None, int, int]
"""A stretch of consecutive records of one year (None: no readable date) in a table's text:
the year, and where the stretch starts and ends (its records, without the commas around)."""


def year_of(record: Any, field: str) -> int | None:
    """The year of a record's ISO date in `field`, or None when it has none readable. A
    record with None is read with every year (`documents_since`), so none is ever missed."""
    value = record.get(field) if isinstance(record, dict) else None
    if isinstance(value, str) and value[:4].isascii() and value[:4].isdigit():
        return int(value[:4])
    return None


def since(record: Any, field: str, year: int) -> bool:
    """Whether `documents_since(…, year)` gives this record: dated `year` or later, or undated."""
    when = year_of(record, field)
    return when is None or when >= year


def year_runs(table: dict[str, Any], field: str) -> list[Run]:
    """The stretches of one year in `orjson.dumps(table)` (see `Run`), worked out from each
    record's own JSON, which is the very text the table's is made of."""
    runs: list[Run] = []
    at = 1
    for key, record in table.items():
        end = at + len(orjson.dumps(key)) + 1 + len(orjson.dumps(record))
        year = year_of(record, field)
        if runs and runs[-1][0] == year:
            runs[-1] = (year, runs[-1][1], end)
        else:
            runs.append((year, at, end))
        at = end + 1  # the comma
    return runs


PIECE = 128 * 1024
"""About how much of a table's text `each_document` parses at once: what parsing needs
beside it stays small, so reading every year raises the app's memory by little."""


def pieces_of(stretches: list[tuple[int, int]]) -> Iterator[list[tuple[int, int]]]:
    """The stretches, in the order given, in runs of about `PIECE` bytes (none is split)."""
    piece: list[tuple[int, int]] = []
    size = 0
    for start, end in stretches:
        piece.append((start, end))
        size += end - start
        if size >= PIECE:
            yield piece
            piece, size = [], 0
    if piece:
        yield piece


_RECORD_START = re.compile(rb'"[0-9]+":\{')
"""How a record begins in a table's text: its document number and the brace of its object."""


def runs_by_year(text: bytes, runs: Any) -> dict[int | None, list[tuple[int, int]]] | None:
    """Each year's stretches, when `runs` (as the note gives them) lie in `text` exactly as a
    table's records do: one after the other from just after its `{` to just before its `}`,
    a comma between, each beginning a record's number; else None."""
    if not isinstance(runs, list) or text[:1] != b"{" or text[-1:] != b"}":
        return None
    years: dict[int | None, list[tuple[int, int]]] = {}
    at, comma, brace = 0, ord(","), ord("}")
    try:
        for year, start, end in runs:
            if type(start) is not int or type(end) is not int or end <= start:
                return None
            if (start != at + 1 or text[at] != comma) if at else start != 1:
                return None
            if not _RECORD_START.match(text, start) or text[end - 1] != brace:
                return None
            if year is not None and type(year) is not int:
                return None
            years.setdefault(year, []).append((start, end))
            at = end
    except (TypeError, ValueError, IndexError):  # not a list of three, or out of the text
        return None
    return years if (at == len(text) - 1 if at else len(text) == 2) else None


class Unread:
    """A table's text, left unparsed when the file was opened (see `checked.py`): parsed and
    checked by `SafeStorage.table` the first time anything reads the table whole.

    `runs`, for a yearly table whose note said where its years lie, lets a year be read
    without the rest (`SafeStorage.documents_since`, `each_document`): checked against the
    text the first time they are needed (`years`); `recent` keeps the last part read by year,
    until the table is read whole."""

    __slots__ = ("_years", "at", "recent", "runs", "text")

    def __init__(
        self, text: bytes | memoryview, runs: list[Run] | None = None, at: int | None = None
    ) -> None:
        self.text: bytes = text  # type: ignore[assignment]  # a view only while opening
        self.at = at
        """Where the text lies in the file, while opening reads it again (`_own_texts`)."""
        self.runs = runs
        self._years: dict[int | None, list[tuple[int, int]]] | bool | None = False
        self.recent: tuple[int, dict[str, Any]] | None = None

    def years(self) -> dict[int | None, list[tuple[int, int]]] | None:
        """Each year's stretches in `text`, or None when there are no runs that fit it."""
        if self._years is False:
            self._years = None if self.runs is None else runs_by_year(self.text, self.runs)
            if self._years is None:
                self.runs = None
        return self._years  # type: ignore[return-value]  # False is replaced above

    def forget_years(self) -> None:
        """The note placed the years wrongly: read this table whole from now on."""
        self.runs, self._years, self.recent = None, None, None

    def stretches_since(self, year: int) -> list[tuple[int, int]]:
        """The stretches of `year` and later, and of no readable date, in the text's order."""
        years = self.years() or {}
        return sorted(s for y, spans in years.items() if y is None or y >= year for s in spans)

    def all_stretches(self) -> list[tuple[int, int]]:
        """Every stretch, in the text's order."""
        return sorted(s for spans in (self.years() or {}).values() for s in spans)

    def part(self, stretches: list[tuple[int, int]]) -> bytes:
        """The JSON of a table holding only the records of these stretches."""
        view = memoryview(self.text)
        return b"{" + b",".join(view[start:end] for start, end in stretches) + b"}"

    def head(self, key: str, until: str) -> dict[str, Any] | None:
        """At least the fields before `until` of record `key`, when it is the first in the
        text, parsed without the rest; else None. In JSON a field's name with its quotes and
        colon cannot occur inside a string (a quote in one is escaped): the first occurrence
        is a field of some record, and only a field of the first record at its top level
        leaves exactly two braces open before it."""
        start = b"{" + orjson.dumps(key) + b":{"
        cut = self.text.find(b',"' + until.encode() + b'":')
        if not self.text.startswith(start) or cut < 0:
            return None
        try:
            head = orjson.loads(self.text[:cut] + b"}}")
        except orjson.JSONDecodeError:
            return None
        record = head.get(key) if isinstance(head, dict) and len(head) == 1 else None
        return record if isinstance(record, dict) else None


def years_placed(data: dict[str, Any]) -> dict[str, list[Run]]:
    """Where each year lies in the text of each yearly table of a document, for the note:
    worked out from a parsed table, kept from the note for one still unread (if they fit)."""
    runs: dict[str, list[Run]] = {}
    for name, field in YEARLY_TABLES.items():
        table = data.get(name)
        if isinstance(table, Unread):
            if table.years() is not None and table.runs is not None:
                runs[name] = table.runs
        elif isinstance(table, dict):
            runs[name] = year_runs(table, field)
    return runs


# -- reading by year ------------------------------------------------------------------------


def documents_since(storage: SafeStorage, name: str, year: int) -> dict[str, Any]:
    """A yearly table's records dated `year` or later, or undated, for reading only: only
    those years parsed and checked where the note placed them (`Unread.years`), else picked
    from the whole table."""
    field = YEARLY_TABLES.get(name)
    value = storage.left_unread(name)
    if field is not None and isinstance(value, Unread) and value.runs is not None:
        with storage.parse_lock:
            value = storage.left_unread(name)
            years = value.years() if isinstance(value, Unread) else None
            if isinstance(value, Unread) and years is not None:
                if value.recent is None or value.recent[0] != year:
                    part = _parsed_stretches(storage, name, value, value.stretches_since(year))
                    if part is not None and all(since(r, field, year) for r in part.values()):
                        value.recent = (year, part)
                    else:  # years the note misplaced (by hand): the whole table, then
                        value.forget_years()
                if value.recent is not None:
                    return value.recent[1]
    table = storage.table(name) or {}
    if field is None:
        return table
    return {key: record for key, record in table.items() if since(record, field, year)}


def each_document(storage: SafeStorage, name: str) -> Iterator[Any]:
    """Every record of a table, in its order, for reading only. A yearly table the note
    placed is parsed a piece at a time (`unread.PIECE`) and none is kept; each piece is
    checked, and the ids across them at the end, so a reader that reads to the end meets
    a refusal (the whole table's sentence) rather than a result. Others: `table`."""
    value = storage.left_unread(name)
    years = value.years() if isinstance(value, Unread) else None
    if not isinstance(value, Unread) or years is None:
        yield from (storage.table(name) or {}).values()
        return
    given: set[str] = set()
    ids: set[Any] = set()
    for stretches in pieces_of(value.all_stretches()):
        part = _parsed_stretches(storage, name, value, stretches)
        if part is None:  # the note misplaced the years, the table is sound: the rest
            table = storage.table(name) or {}
            yield from (record for key, record in table.items() if key not in given)
            return
        given.update(part)
        ids.update(record.get("id") for record in part.values())
        yield from part.values()
    if len(ids) != len(given):  # two pieces share an id: the whole table's sentence
        storage.parsed(name, value)


def each_document_of_years(
    storage: SafeStorage, name: str, first: int | None, last: int | None
) -> Iterator[Any]:
    """The records of a yearly table dated from `first` to `last` (inclusive; None leaves
    that end open), and any undated, in the table's order, for reading only: where the note
    placed the years, only those years are parsed, a piece at a time (`unread.PIECE`), and
    none is kept. Each record read is checked to be of those years, or the note misplaced
    them and the rest comes from the whole table; the ids across the pieces are checked at
    the end, as `each_document` does. Any other table: picked from the whole."""
    field = YEARLY_TABLES.get(name)

    def wanted(record: Any) -> bool:
        when = year_of(record, field) if field is not None else None
        return when is None or ((first is None or when >= first) and (last is None or when <= last))

    value = storage.left_unread(name)
    years = value.years() if isinstance(value, Unread) else None
    if not isinstance(value, Unread) or years is None:
        yield from (record for record in (storage.table(name) or {}).values() if wanted(record))
        return
    stretches = sorted(
        stretch
        for year, spans in years.items()
        if year is None or wanted({field: f"{year:04d}"})
        for stretch in spans
    )
    given: set[str] = set()
    ids: set[Any] = set()
    for piece in pieces_of(stretches):
        part = _parsed_stretches(storage, name, value, piece)
        if part is not None and not all(wanted(record) for record in part.values()):
            value.forget_years()  # years the note misplaced (by hand): the whole table, then
            part = None
        if part is None:
            table = storage.table(name) or {}
            yield from (r for key, r in table.items() if key not in given and wanted(r))
            return
        given.update(part)
        ids.update(record.get("id") for record in part.values())
        yield from part.values()
    if len(ids) != len(given):  # two pieces share an id: the whole table's sentence
        storage.parsed(name, value)


def _parsed_stretches(
    storage: SafeStorage, name: str, unread: Unread, stretches: list[tuple[int, int]]
) -> dict[str, Any] | None:
    """Some stretches of an unread yearly table, parsed and checked as the table is. A part
    that fails is refused as the whole table is (whose sentence names the first record at
    fault); None when the whole is sound: the note misplaced the years, now forgotten."""
    try:
        part: dict[str, Any] = storage.parsed(name, Unread(unread.part(stretches)))
        return part
    except DamagedFile:
        storage.parsed(name, unread)
        unread.forget_years()
        return None
