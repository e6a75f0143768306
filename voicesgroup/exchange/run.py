"""One exchange in memory: what its steps share, and the one error and summary they give.

The steps of an exchange (`inbox` reads the other laptops' outboxes, `applying` puts what
wins into the document, `stamping` stamps what changed here and seals this laptop's outbox,
`one_exchange` runs them in order) each take a `Run`: the data file's document, its exchange
record (`state`), the keys, the clock and the summary told at the end. This module is their
small named interface: they reach one another only through it and their public names.

Also here: `ExchangeError` (one sentence, for every refusal), `Summary` (what one exchange
did), and `required`, the exchange record of a laptop that is set up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.counting import counted, were
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import sharing, state
from voicesgroup.exchange.clock import Clock
from voicesgroup.exchange.merge import DERIVED
from voicesgroup.store import tombstones

if TYPE_CHECKING:
    from voicesgroup.store import Store


NEWER_VERSION = (
    "This laptop's exchange was last run by a newer version of voicesgroup; this one does not "
    "write over it: please update voicesgroup on this laptop. Nothing was changed."
)


FORMER_IDENTITY = "_former_identity"
"""The kind of an outbox entry naming a replica id this laptop had before (a restore or a copy
took it a new one): never merged, only read by `inbox` so the old identity stops being counted
once its outbox has left the folder."""


def laptop_words(role: object, group_names: list[str], replica: str) -> str:
    """Another laptop in words: "the coordinator's laptop (1f3a9c)", "the laptop of Tuesday
    Voices (1f3a9c)"."""
    if role == state.COORDINATOR:
        return f"the coordinator's laptop ({replica[:6]})"
    return f"the laptop of {', '.join(group_names) or 'no group'} ({replica[:6]})"


def clock_ahead_words(laptop: str, set_aside: int) -> str:
    """The one sentence for a laptop whose clock is more than a day ahead (`laptop_words`)."""
    return (
        f"A laptop has its clock more than a day ahead, {laptop}: "
        f"{counted(set_aside, 'record')} from it {were(set_aside)} set aside until its date "
        "and time are put right."
    )


class ExchangeError(VoicesGroupError):
    """The exchange cannot do what was asked; the message says why, in one sentence."""


@dataclass
class Summary:
    """What one exchange did, for the command line and the screen."""

    came_in: dict[str, int] = field(default_factory=dict)
    """Records taken in, by table."""
    sent: int = 0
    laptops: int = 0
    problems: list[str] = field(default_factory=list)
    forgotten: int = 0
    conflicts: int = 0
    outbox: str = ""
    unread: dict[str, str] = field(default_factory=dict)
    """The outboxes found unreadable this time that were not before (or have changed since),
    by file name, with the sentence in `problems` that tells it."""
    listed: list[str] = field(default_factory=list)
    """The problems the status lists itself while they last (an outbox that cannot be read, a
    laptop whose clock is ahead): kept out of the last exchange's own problems, so that the
    status says each once."""
    still_unread: list[str] = field(default_factory=list)
    """The outboxes that still cannot be read, unchanged since an exchange told it: not told
    again (the status lists each, with what to do)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "came_in": self.came_in,
            "sent": self.sent,
            "laptops_read": self.laptops,
            "forgotten_here": self.forgotten,
            "new_conflicts": self.conflicts,
            "problems": self.problems,
            "still_unread": self.still_unread,
            "outbox": self.outbox,
        }

    def other_problems(self) -> list[str]:
        """The problems the status does not list itself (`listed`)."""
        told = {*self.unread.values(), *self.listed}
        return [problem for problem in self.problems if problem not in told]


def required(data: dict[str, Any]) -> dict[str, Any]:
    """The exchange record of a data file's document; one sentence when the laptop is not set
    up, or when a newer version of voicesgroup wrote it."""
    record = state.read(data)
    if record is not None and int(record.get("format", 0)) > state.FORMAT:
        raise ExchangeError(NEWER_VERSION)
    if record is None:
        raise ExchangeError(
            "This laptop is not set up for an exchange: run `voicesgroup exchange setup "
            "--folder PATH (--coordinator | --group NAME)` first."
        )
    return record


@dataclass
class Run:
    """One exchange in memory: the document, its exchange record, the keys and the clock."""

    store: Store
    data: dict[str, Any]
    record: dict[str, Any]
    clock: Clock
    org: bytes
    group_keys: dict[str, bytes]
    stone_key: bytes
    summary: Summary
    changed: bool = False
    noted: bool = False
    """The record's notes for the status changed (an outbox that cannot be read, a laptop
    that left): saved with the exchange, though the outbox has nothing new to say
    (`changed`)."""
    former_outbox: Path | None = None
    parts: dict[tuple[str, str], sharing.Part] | None = None
    replaced: list[tuple[str, str]] = field(default_factory=list)
    """Texts this laptop wrote that a laptop holding the group rewrote for naming a member
    (`applying._names_kept_out`), each with its new words: its backups are rewritten too."""
    held: sharing.Holding | None = None
    taken: dict[tuple[str, str], tuple[Any, str]] = field(default_factory=dict)
    """The content and hash of each part the merge took in: a part made again from a record
    just taken in unchanged is not hashed again."""
    referred: set[str] = field(default_factory=set)
    """Member ids the document referred to before the merge replaced records (`applying`)."""
    withdrawals: list[tuple[str, str, bool]] = field(default_factory=list)
    """Withdrawals that came in (member, scope, erase): carried out here as they were there."""
    covered_before: dict[str, dict[str, str]] = field(default_factory=dict)
    """Before the merge: the records a withdrawal covers (notes, contact details), each id
    with its member's, so what a withdrawal with "erase" took away is known after it."""
    erased: dict[str, list[str]] = field(default_factory=dict)
    """The ids of the records withdrawals that came in erased, by table: erased from the
    backups too, around the merge's save (`store.erasing.erasure`)."""
    set_aside: list[Path] = field(default_factory=list)
    """Conflict copies that never opened and that laptop's whole outbox replaces: removed once
    the merge is saved, each told in one sentence (`inbox`)."""
    index: Index = field(init=False)
    _forgotten_in_file: tombstones.Tombstones | bool | None = field(default=False, repr=False)
    """The data file's own record of the members it forgot (False: not read yet)."""

    def __post_init__(self) -> None:
        self.index = Index(self.data, self.bound_keys)

    @property
    def bound_keys(self) -> dict[str, dict[str, str]]:
        """The keys bound to records by their id (`sharing.BOUND_KEYS`), kept in the
        exchange record: for each such table, each record's id and the key it was shared
        under."""
        found = self.record.get("keys")
        if not isinstance(found, dict):
            found = self.record["keys"] = {}
        for table in sharing.BOUND_KEYS:
            if not isinstance(found.get(table), dict):
                found[table] = {}
        return found

    @property
    def folder(self) -> Path:
        return Path(self.record["folder"])

    @property
    def replica(self) -> str:
        return str(self.record["replica"])

    @property
    def own_outbox(self) -> Path:
        """Where this laptop's outbox is in the folder."""
        return self.folder / carrier.outbox_name(self.replica)

    def current(self) -> dict[tuple[str, str], sharing.Part]:
        """Every shared part of the document now (computed once until the data changes)."""
        if self.parts is None:
            self.parts = self._current_parts()
        return self.parts

    def _current_parts(self) -> dict[tuple[str, str], sharing.Part]:
        self._bind_keys()
        holding = self.holding()
        found: dict[tuple[str, str], sharing.Part] = {}
        for table in sharing.shared_tables():
            for document in self.data.get(table, {}).values():
                for part in sharing.parts_of(table, document, holding):
                    found[(part.kind, self.state_key(part.kind, part.key))] = part
        for part in self.settings_sent():
            found[(part.kind, part.key)] = part
        return found

    def _bind_keys(self) -> None:
        """Bind each record of a table keyed by its content (`sharing.BOUND_KEYS`) to the key
        it is shared under now, if it has none yet; a binding of a record no longer here
        goes. A record whose key another record here is bound to already (a second
        helpline given the same name) is bound to its own id: two records, never one key."""
        bound = self.bound_keys
        for table in sharing.BOUND_KEYS:
            documents = self.data.get(table) or {}
            ids = {str(document.get("id")) for document in documents.values()}
            mine = {doc_id: key for doc_id, key in bound[table].items() if doc_id in ids}
            taken = set(mine.values())
            for document in documents.values():
                doc_id = str(document.get("id"))
                if doc_id in mine:
                    continue
                key = sharing.record_key(table, document)
                if key != doc_id:
                    mine[doc_id] = doc_id if key in taken else key
                    taken.add(mine[doc_id])
            if mine != bound[table]:
                bound[table] = mine
                self.held = None
                self.index.read_again(table)

    def settings_parts(self) -> list[sharing.Part]:
        """The shared parts of the document's settings (`sharing.settings_parts`)."""
        return sharing.settings_parts(self.data.get(sharing.SETTINGS_KIND, {}).get("1", {}))

    def settings_sent(self) -> list[sharing.Part]:
        """The settings' parts as this laptop sends them: each kept to the groups of every
        member its words name (`sharing.kept_to_members`), like any record's."""
        holding = self.holding()
        return [
            kept
            for part in self.settings_parts()
            if (kept := sharing.kept_to_members(part, holding)) is not None
        ]

    def data_changed(self) -> None:
        self._forgotten_in_file = False
        self.parts = None
        self.held = None
        self.taken = {}

    def read_again(self) -> None:
        """The document as the store saved it last (after the store's own code changed it)."""
        self.data = self.store.storage.read()
        self.index = Index(self.data, self.bound_keys)
        self.data_changed()

    def holding(self) -> sharing.Holding:
        """Where group records go, from the document now (the name finder runs once over
        every theme: kept until the data changes)."""
        if self.held is None:
            self.held = sharing.Holding.of(self.data, self.record["groups"], self.bound_keys)
        return self.held

    def member_stone(self, member_id: str) -> str:
        """A member's tombstone under the organisation's key ("" for what is not an id)."""
        try:
            return tombstones.member_hash(self.stone_key, member_id)
        except ValueError:
            return ""

    def is_forgotten(self, member_id: object) -> bool:
        """Whether the member with this id was forgotten: named by the organisation's
        tombstones, or by the data file's own record of the members it forgot (which no
        exchange folder, passphrase or leaving changes)."""
        if self.member_stone(str(member_id)) in self.record["tombstones"]:
            return True
        if self._forgotten_in_file is False:
            self._forgotten_in_file = tombstones.of_folder(self.store.path, self.data)
        here = self._forgotten_in_file
        if not isinstance(here, tombstones.Tombstones):
            return False
        try:
            return here.holds(str(member_id))
        except ValueError:
            return False

    def state_key(self, kind: str, key: str) -> str:
        """Where the state keeps a part: a member's under their tombstone, never their id."""
        return self.member_stone(key) if kind == "members" else key

    def add_tombstone(self, stone: str) -> None:
        stones = set(self.record["tombstones"])
        if stone not in stones:
            self.record["tombstones"] = sorted(stones | {stone})
            self.changed = True


class Index:
    """Where each record of a table is in the document, by its key (built once a table)."""

    def __init__(self, data: dict[str, Any], bound: dict[str, dict[str, str]]) -> None:
        self._data = data
        self._bound = bound
        self._where: dict[str, dict[str, str]] = {}
        self._ids: dict[str, dict[str, str]] = {}
        self._next: dict[str, int] = {}
        self.touched: set[tuple[str, str]] = set()
        """The records put or removed (table, key) since it was made."""

    def read_again(self, table: str) -> None:
        """Find a table's records by their keys again (the keys bound to them changed)."""
        self._where.pop(table, None)
        self._ids.pop(table, None)

    def _table(self, table: str) -> dict[str, str]:
        found = self._where.get(table)
        if found is None:
            documents = self._data.setdefault(table, {})
            bound = self._bound.get(table)
            found = {}
            ids: dict[str, str] = {}
            for doc_id, doc in documents.items():
                key = sharing.record_key(table, doc, bound)
                found[key] = doc_id
                ids[str(doc.get("id"))] = key
            self._where[table] = found
            self._ids[table] = ids
        return found

    def find(self, table: str, key: str) -> dict[str, Any] | None:
        doc_id = self._table(table).get(key)
        return None if doc_id is None else dict(self._data[table][doc_id])

    def stored(self, table: str, key: str) -> dict[str, Any] | None:
        """The stored document itself (not a copy, as `find` gives): for reading only."""
        doc_id = self._table(table).get(key)
        return None if doc_id is None else self._data[table][doc_id]

    def remove(self, table: str, key: str) -> None:
        # (a removed number is not given again in this run: TinyDB numbers only grow)
        doc_id = self._table(table).pop(key, None)
        self.touched.add((table, key))
        if doc_id is not None:
            gone = str(self._data[table][doc_id].get("id"))
            self._forget_id(table, gone, key)
            del self._data[table][doc_id]

    def put(self, table: str, key: str, document: dict[str, Any]) -> None:
        """Put the record with this key. One that holds the id of another record here (two
        laptops' merges gave two keys one id) takes an id derived from its key and that id,
        the same on every laptop: a table never holds one id twice, which the opening
        refuses."""
        where = self._table(table)
        ids = self._ids[table]
        documents = self._data[table]
        doc_id = where.get(key)
        if doc_id is not None:
            self._forget_id(table, str(documents[doc_id].get("id")), key)
        record_id = str(document.get("id"))
        if ids.get(record_id, key) != key:
            record_id = str(uuid.uuid5(DERIVED, f"{table}:{key}:{record_id}"))
            document = {**document, "id": record_id}
        if doc_id is None:
            number = self._next.get(table) or max((int(i) for i in documents), default=0) + 1
            self._next[table] = number + 1
            doc_id = where[key] = str(number)
        documents[doc_id] = document
        ids[record_id] = key
        bound = self._bound.get(table)
        if bound is not None and (key != record_id or sharing.record_key(table, document) != key):
            bound[record_id] = key
        self.touched.add((table, key))

    def _forget_id(self, table: str, record_id: str, key: str) -> None:
        ids = self._ids.get(table, {})
        if ids.get(record_id) == key:
            del ids[record_id]
            bound = self._bound.get(table)
            if bound is not None:
                bound.pop(record_id, None)
