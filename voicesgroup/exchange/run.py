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

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.counting import counted, were
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import sharing, state
from voicesgroup.exchange.clock import Clock
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
    """The record's notes for the status changed (an outbox that cannot be read): saved with
    the exchange, though the outbox has nothing new to say (`changed`)."""
    former_outbox: Path | None = None
    parts: dict[tuple[str, str], sharing.Part] | None = None
    held: sharing.Holding | None = None
    taken: dict[tuple[str, str], tuple[Any, str]] = field(default_factory=dict)
    """The content and hash of each part the merge took in: a part made again from a record
    just taken in unchanged is not hashed again."""
    referred: set[str] = field(default_factory=set)
    """Member ids the document referred to before the merge replaced records (`applying`)."""
    withdrawals: list[tuple[str, str, bool]] = field(default_factory=list)
    """Withdrawals that came in (member, scope, erase): carried out here as they were there."""
    set_aside: list[Path] = field(default_factory=list)
    """Conflict copies that never opened and that laptop's whole outbox replaces: removed once
    the merge is saved, each told in one sentence (`inbox`)."""
    index: Index = field(init=False)
    _forgotten_in_file: tombstones.Tombstones | bool | None = field(default=False, repr=False)
    """The data file's own record of the members it forgot (False: not read yet)."""

    def __post_init__(self) -> None:
        self.index = Index(self.data)

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
        holding = self.holding()
        found: dict[tuple[str, str], sharing.Part] = {}
        for table in sharing.shared_tables():
            for document in self.data.get(table, {}).values():
                for part in sharing.parts_of(table, document, holding):
                    found[(part.kind, self.state_key(part.kind, part.key))] = part
        for part in self.settings_sent():
            found[(part.kind, part.key)] = part
        return found

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
        self.index = Index(self.data)
        self.data_changed()

    def holding(self) -> sharing.Holding:
        """Where group records go, from the document now (the name finder runs once over
        every theme: kept until the data changes)."""
        if self.held is None:
            self.held = sharing.Holding.of(self.data, self.record["groups"])
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

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self._where: dict[str, dict[str, str]] = {}
        self._next: dict[str, int] = {}
        self.touched: set[tuple[str, str]] = set()
        """The records put or removed (table, key) since it was made."""

    def _table(self, table: str) -> dict[str, str]:
        found = self._where.get(table)
        if found is None:
            documents = self._data.setdefault(table, {})
            found = {sharing.record_key(table, doc): doc_id for doc_id, doc in documents.items()}
            self._where[table] = found
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
            del self._data[table][doc_id]

    def put(self, table: str, key: str, document: dict[str, Any]) -> None:
        where = self._table(table)
        documents = self._data[table]
        doc_id = where.get(key)
        if doc_id is None:
            number = self._next.get(table) or max((int(i) for i in documents), default=0) + 1
            self._next[table] = number + 1
            doc_id = where[key] = str(number)
        documents[doc_id] = document
        self.touched.add((table, key))
