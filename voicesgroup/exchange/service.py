"""Set-up, one exchange (import before export), status and leaving.

One exchange, in this order:

1. The laptop's replica id is checked (a copied or restored file takes a new one).
2. What changed here since the last outbox is stamped (content hashes, `sharing.parts_of`).
3. Every other laptop's outbox is read and opened; one that cannot be is named in one sentence
   and left for next time. Stamps more than a day ahead are quarantined, never believed.
4. The organisation's tombstones are joined; nothing about a forgotten member is taken in.
5. The merge (`merge`) runs in memory, and every record it takes in is checked by its model.
6. One atomic save of the data file holds the merge and the exchange's state: the data file is
   the old one or the merged one, never half.
7. A member forgotten elsewhere is forgotten here by the store's own forgetting (the data file
   and every backup), then the changes it made are stamped and saved.
8. The outbox is written (a temporary file, flushed, renamed), and merged conflict copies
   the carrier made are removed.
"""

from __future__ import annotations

import datetime as dt
import gc
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import TypeAdapter, ValidationError

from voicesgroup.counting import counted
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import clock as hlc
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import outbox, sharing, state
from voicesgroup.exchange.clock import Clock, Stamp
from voicesgroup.exchange.merge import (
    ROTA_FIELDS,
    Entry,
    conflict_copies,
    merge,
    rota_clashes,
    unseen_withdrawals,
)
from voicesgroup.store import crypto, tombstones

if TYPE_CHECKING:
    from voicesgroup.store import Store

COORDINATOR = state.COORDINATOR
GROUP = "group"
_MEMBER_FIELDS = {
    "members": "id",
    "consent_events": "member_id",
    "notes": "member_id",
    "contact_details": "member_id",
}


NEWER_VERSION = (
    "This laptop's exchange was last run by a newer version of voicesgroup; this one does not "
    "write over it: please update voicesgroup on this laptop. Nothing was changed."
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

    def as_json(self) -> dict[str, Any]:
        return {
            "came_in": self.came_in,
            "sent": self.sent,
            "laptops_read": self.laptops,
            "forgotten_here": self.forgotten,
            "new_conflicts": self.conflicts,
            "problems": self.problems,
            "outbox": self.outbox,
        }


# -- set-up ------------------------------------------------------------------------------------


def setup(
    store: Store,
    folder: Path,
    *,
    passphrase: str,
    group_passphrases: dict[str, str],
    coordinator: bool,
    params: crypto.KdfParams = outbox.DEFAULT_KDF,
) -> list[str]:
    """Join this laptop to the organisation's exchange folder; the group names in
    `group_passphrases` (each with its group's own passphrase) are the groups it holds.

    The first laptop creates the folder's set-up file (salt, cost, key check); the others
    must give the same passphrase. Returns sentences saying what was done."""
    store.refuse_if_read_only()
    folder = Path(folder)
    carrier.check_folder(folder)  # there, a folder, and writable: else one sentence
    if coordinator == bool(group_passphrases):
        raise ExchangeError("Say either --coordinator or the groups this laptop holds (--group).")
    from voicesgroup.store.passphrase import passphrase_problem

    for secret in group_passphrases.values():  # each group's passphrase is new here or there
        problem = passphrase_problem(secret)
        if problem is not None:
            raise ExchangeError(problem)
    if state.read(store.storage.read()) is not None:
        raise ExchangeError(
            "This laptop is already set up for an exchange; `voicesgroup exchange leave` first."
        )
    said: list[str] = []
    setup_file = folder / outbox.SETUP_FILE
    if setup_file.exists():
        salt, params = _read_setup(setup_file)
        org = outbox.org_key(passphrase, salt, params)
        if outbox.key_check(org) != _read_setup_check(setup_file):
            raise ExchangeError(
                "That is not the passphrase this exchange folder was set up with; nothing was "
                "changed."
            )
        said.append("Joined the exchange set up in this folder.")
    else:
        problem = passphrase_problem(passphrase)  # the organisation's, made now
        if problem is not None:
            raise ExchangeError(problem)
        salt = secrets.token_bytes(16)
        org = outbox.org_key(passphrase, salt, params)
        made = {
            "format": outbox.FORMAT,
            "salt": salt.hex(),
            "kdf": {
                "memory_kib": params.memory_kib,
                "iterations": params.iterations,
                "lanes": params.lanes,
            },
            "check": outbox.key_check(org),
        }
        carrier_write(setup_file, orjson.dumps(made, option=orjson.OPT_INDENT_2))
        said.append("Set up a new exchange in this folder.")
    groups = {
        _group_id(store, folder, org, name): secret for name, secret in group_passphrases.items()
    }
    record: dict[str, Any] = {
        "format": state.FORMAT,
        "replica": secrets.token_hex(16),
        "binding": state.binding(store.file_id, store.path),
        "role": COORDINATOR if coordinator else GROUP,
        "groups": sorted(groups),
        "folder": str(folder.resolve()),
        "org_key": org.hex(),
        "group_keys": {
            group_id: outbox.group_key(secret, salt, group_id, params).hex()
            for group_id, secret in groups.items()
        },
        "clock": None,
        "serial": 0,
        "entries": {},
        "tombstones": [],
        "conflicts": [],
        "peers": {},
        "last": None,
    }
    data = store.storage.read()
    with store.batch():
        state.write(data, record)
        store.storage.write(data)
        store.audit(
            "exchange set up", "coordinator" if coordinator else counted(len(groups), "group")
        )
    return said


def _group_id(store: Store, folder: Path, org: bytes, name: str) -> str:
    """A group's id: held here already, or else shared by another laptop in the folder (a
    second laptop of a group starts with none of its records)."""
    from voicesgroup.errors import NotFound

    try:
        return str(store.find_group(name).id)
    except NotFound:
        pass
    found: set[str] = set()
    for path in carrier.outboxes(folder, ""):
        try:
            contents = outbox.open_sealed(path.read_bytes(), org, {})
        except (OSError, outbox.OutboxError):
            continue
        for entry in contents.parts:
            content = entry.content or {}
            if (
                entry.kind == "groups"
                and str(content.get("name", "")).casefold() == name.casefold()
            ):
                found.add(str(content.get("id")))
    if len(found) != 1:
        raise ExchangeError(
            f"No group called {name!r} is on this laptop or in the exchange folder yet"
            if not found
            else f"{len(found)} groups in the exchange folder are called {name!r}"
        )
    return found.pop()


def carrier_write(path: Path, blob: bytes) -> None:
    from voicesgroup.store.storage import write_atomically

    write_atomically(path, blob)


def _read_setup(path: Path) -> tuple[bytes, crypto.KdfParams]:
    try:
        record = orjson.loads(path.read_bytes())
        if int(record["format"]) > outbox.FORMAT:
            raise ExchangeError(
                f"{path} (the exchange folder's set-up) was made by a newer version of "
                "voicesgroup: please update it on this laptop. Nothing was changed."
            )
        kdf = record["kdf"]
        return bytes.fromhex(record["salt"]), crypto.KdfParams(
            int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"])
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ExchangeError(
            f"{path} (the exchange folder's set-up) cannot be read; nothing was changed."
        ) from None


def _read_setup_check(path: Path) -> str:
    try:
        return str(orjson.loads(path.read_bytes())["check"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return ""


def leave(store: Store) -> str:
    """Stop exchanging: this laptop's outbox leaves the folder, its data stays as it is."""
    store.refuse_if_read_only()
    data = store.storage.read()
    record = _required(data)
    own = Path(record["folder"]) / carrier.outbox_name(record["replica"])
    with store.batch():
        state.write(data, None)
        store.storage.write(data)
        store.audit("exchange left")
    own.unlink(missing_ok=True)
    return (
        "This laptop no longer exchanges; its data stays here, and its outbox was taken out "
        "of the folder."
    )


def forget_laptop(store: Store, name: str) -> str:
    """Stop counting a laptop that was lost or replaced without `exchange leave`: it leaves
    the status and the count of forgetting acknowledged, and its outbox leaves the folder.

    `name` is the start of its replica id as the status shows it (at least 4 characters).
    Whatever its outbox brought in stays; an outbox it writes again is read but not counted
    (a laptop that comes back is set up again with `leave` and `setup`)."""
    store.refuse_if_read_only()
    data = store.storage.read()
    record = _required(data)
    wanted = name.strip().casefold()
    if len(wanted) < 4:
        raise ExchangeError(
            "Name the laptop by at least the first 4 characters of its id, as "
            "`voicesgroup exchange status` shows it."
        )
    found = sorted(replica for replica in record["peers"] if replica.startswith(wanted))
    if not found:
        raise ExchangeError(
            f"No laptop known to this one has an id beginning {name!r}; nothing was changed."
        )
    if len(found) > 1:
        raise ExchangeError(
            f"{counted(len(found), 'laptop')} have an id beginning {name!r}; give more of it."
        )
    replica = found[0]
    with store.batch():
        del record["peers"][replica]
        record["forgotten_laptops"] = sorted({*record.get("forgotten_laptops", []), replica})
        state.write(data, record)
        store.storage.write(data)
        store.audit("exchange laptop forgotten", replica[:6])
    with suppress(OSError, ValueError):
        carrier.outbox_path(Path(record["folder"]), replica).unlink(missing_ok=True)
    return (
        f"The laptop {replica[:6]} is no longer counted here, and its outbox was taken out of "
        "the folder; what it brought in stays."
    )


def laptop_described(store: Store, name: str) -> str | None:
    """The laptop `forget_laptop` would forget, in words (None when none or several match)."""
    found = status(store)
    matches = [
        laptop
        for laptop in found["laptops"]
        if len(name.strip()) >= 4 and laptop["replica"].startswith(name.strip().casefold())
    ]
    if len(matches) != 1:
        return None
    laptop = matches[0]
    who = "the coordinator's" if laptop["role"] == COORDINATOR else ", ".join(laptop["groups"])
    return (
        f"{laptop['replica'][:6]} ({who}; last seen {laptop['last_seen'] or 'never'}, "
        f"last outbox written {laptop['last_outbox'] or 'never'})"
    )


def _required(data: dict[str, Any]) -> dict[str, Any]:
    record = state.read(data)
    if record is not None and int(record.get("format", 0)) > state.FORMAT:
        raise ExchangeError(NEWER_VERSION)
    if record is None:
        raise ExchangeError(
            "This laptop is not set up for an exchange: run `voicesgroup exchange setup "
            "--folder PATH (--coordinator | --group NAME)` first."
        )
    return record


# -- the exchange ------------------------------------------------------------------------------


@dataclass
class _Run:
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
    former_outbox: Path | None = None
    parts: dict[tuple[str, str], sharing.Part] | None = None
    held: sharing.Holding | None = None
    taken: dict[tuple[str, str], tuple[Any, str]] = field(default_factory=dict)
    """The content and hash of each part the merge took in: a part made again from a record
    just taken in unchanged is not hashed again."""
    renamed: bool = False
    """Sessions were rewritten in place (a starter strategy's id): every part is made again."""
    withdrawals: list[tuple[str, str, bool]] = field(default_factory=list)
    """Withdrawals that came in (member, scope, erase): carried out here as they were there."""
    index: _Index = field(init=False)

    def __post_init__(self) -> None:
        self.index = _Index(self.data)

    @property
    def folder(self) -> Path:
        return Path(self.record["folder"])

    @property
    def replica(self) -> str:
        return str(self.record["replica"])

    def current(self) -> dict[tuple[str, str], sharing.Part]:
        """Every shared part of the document now (computed once until the data changes)."""
        if self.parts is None:
            self.parts = _current_parts(self)
        return self.parts

    def data_changed(self) -> None:
        self.parts = None
        self.held = None
        self.renamed = False
        self.taken = {}

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


@dataclass(frozen=True)
class Reading:
    """What reading the folder needs, as plain values: an app's worker reads and opens the
    other laptops' outboxes (the slow part: files, decryption) without the store."""

    folder: Path
    replica: str
    org: bytes = field(repr=False)
    group_keys: dict[str, bytes] = field(repr=False)
    seen: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class FolderRead:
    """Each outbox read ahead, by path: its signature (name, size, time) and what it holds, or
    why it did not open. `exchange` uses a file's only while its signature still holds."""

    opened: dict[Path, tuple[list[Any], outbox.Contents | Exception]]


def reading(store: Store) -> Reading | None:
    """What `read_folder` needs, taken from the store (None when not set up)."""
    record = state.read(store.storage.read())
    if record is None:
        return None
    seen = tuple(
        (str(s[0]), int(s[1]), int(s[2]))
        for s in (peer.get("seen") for peer in record["peers"].values())
        if isinstance(s, list) and len(s) == 3
    )
    return Reading(
        Path(record["folder"]),
        str(record["replica"]),
        bytes.fromhex(record["org_key"]),
        {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()},
        seen,
    )


def read_folder(ahead: Reading) -> FolderRead:
    """Read and open every other laptop's outbox not seen already; any thread may call it
    (it touches no store). A folder that cannot be listed reads as empty: `exchange` says why."""
    opened: dict[Path, tuple[list[Any], outbox.Contents | Exception]] = {}
    try:
        paths = carrier.outboxes(ahead.folder, ahead.replica)
    except (OSError, VoicesGroupError):
        return FolderRead(opened)
    for path in paths:
        try:
            stat = path.stat()
            signature = [path.name, stat.st_size, stat.st_mtime_ns]
            if tuple(signature) in ahead.seen:
                continue
            blob = path.read_bytes()
        except OSError:
            continue  # `exchange` reads it again and says why
        try:
            found: outbox.Contents | Exception = outbox.open_sealed(
                blob, ahead.org, ahead.group_keys
            )
        except outbox.OutboxError as error:
            found = error
        opened[path] = (signature, found)
    return FolderRead(opened)


def _open_outbox(
    run: _Run, path: Path, signature: list[Any], ahead: FolderRead | None
) -> outbox.Contents:
    """The outbox at `path`, opened: read ahead when its signature still holds, else now."""
    if ahead is not None and path in ahead.opened:
        was, found = ahead.opened[path]
        if was == signature:
            if isinstance(found, Exception):
                raise found
            return found
    return outbox.open_sealed(path.read_bytes(), run.org, run.group_keys)


def exchange(
    store: Store, *, wall: Callable[[], int] | None = None, ahead: FolderRead | None = None
) -> Summary:
    """Import every other laptop's outbox, then export this laptop's own. See the module.

    `wall` is the laptop's clock in milliseconds (the computer's, unless a test says);
    `ahead`, the outboxes `read_folder` read and opened already (in an app's worker)."""
    with _no_collection_pauses():
        return _exchange(store, wall or (lambda: hlc.wall_ms()), ahead)


@contextmanager
def _no_collection_pauses() -> Iterator[None]:
    """Python's cycle collector off for one exchange: it makes tens of thousands of small
    objects, and each pass of the collector would walk the whole ten years held in memory
    again (a fifth of an import's time). What it makes holds no cycles; it is on again after."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _exchange(store: Store, wall: Callable[[], int], ahead: FolderRead | None) -> Summary:
    store.refuse_if_read_only()
    data = store.storage.read()
    record = _required(data)
    run = _Run(
        store,
        data,
        record,
        Clock(record["replica"], Stamp.read(record.get("clock")), wall),
        bytes.fromhex(record["org_key"]),
        {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()},
        outbox.tombstone_key(bytes.fromhex(record["org_key"])),
        Summary(),
    )
    own_header = _own_header(run)
    _check_replica(run, own_header)
    paths = carrier.outboxes(run.folder, run.replica)  # a missing folder: said at once
    signature = store.storage.signature
    unchanged_here = (
        own_header is not None
        and not run.changed
        and not store.unsaved
        and signature is not None
        and _noted_after_last_exchange(store) == [signature.checksum, run.record["serial"]]
        and own_header.get("serial") == run.record["serial"]
    )
    # The data file is byte for byte as the last exchange left it: nothing here needs a
    # stamp, and the ten years of records need not be hashed again.
    stamped = False if unchanged_here else _stamp(run)
    incoming, read_from = _read_outboxes(run, paths, ahead)
    if incoming:
        _merge(run, incoming)
        _stamp(run)
    sealed: bytes | None = None
    if run.changed or stamped or incoming or read_from:
        run.record["clock"] = run.clock.state.as_list()
        run.record["last"] = {"ms": wall(), **run.summary.as_json()}
        with store.batch():
            state.write(data, run.record)
            store.storage.write(data)
            store.documents_replaced()
            if incoming:
                store.audit("exchanged", f"{sum(run.summary.came_in.values())} records in")
            if run.withdrawals:
                _carry_out_withdrawals(run)
            if not _due_forgetting(run):  # the outbox's serial in the same save: one save
                sealed = _seal(run, own_header)
    if sealed is not None:
        _write_outbox(run, sealed)
        own_header = {"serial": run.record["serial"]}
    forgotten = _forget_here(run)
    if forgotten:
        run.summary.forgotten = forgotten
        run.data = store.storage.read()
        run.index = _Index(run.data)
        run.data_changed()
        run.record = _required(run.data)
        _stamp(run)
        run.record["clock"] = run.clock.state.as_list()
        with store.batch():
            state.write(run.data, run.record)
            store.storage.write(run.data)
    _export(run, own_header)
    _note_exchanged(store, run.record)
    for path in read_from:
        if carrier.is_conflict_copy(path):
            carrier.remove_conflict_copy(path)
    if run.former_outbox is not None and run.former_outbox in read_from:
        run.former_outbox.unlink(missing_ok=True)
    return run.summary


def _carry_out_withdrawals(run: _Run) -> None:
    """Withdrawals that came in do here what they did where they were recorded (the store's
    one withdrawal code), inside the merge's save; what they changed is stamped in it too."""
    from voicesgroup.errors import NotFound
    from voicesgroup.kinds import ConsentScope

    store = run.store
    for member_id, scope, erase in run.withdrawals:
        try:
            store.member(uuid.UUID(member_id))
            store.carry_out_withdrawal(uuid.UUID(member_id), ConsentScope(scope), erase=erase)
        except (NotFound, ValueError):
            continue  # a member not held here: nothing of theirs to change
    run.withdrawals = []
    run.data = store.storage.read()
    run.index = _Index(run.data)
    run.data_changed()
    _stamp(run)
    run.record["clock"] = run.clock.state.as_list()
    state.write(run.data, run.record)
    store.storage.write(run.data)


def _noted_after_last_exchange(store: Store) -> list[int] | None:
    """What the note beside the data file says the last exchange left: the file's checksum
    and the number of its outboxes (None when there is no readable note)."""
    from voicesgroup.store.owned import exchanged_file

    try:
        noted = orjson.loads(exchanged_file(store.path).read_bytes())
        return [int(noted["checksum"]), int(noted["serial"])]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _note_exchanged(store: Store, record: dict[str, Any]) -> None:
    """Note beside the data file what this exchange left it as (a checksum, no content), so
    the next exchange knows at once whether anything changed here since."""
    from voicesgroup.store.owned import exchanged_file
    from voicesgroup.store.storage import write_atomically

    signature = store.storage.signature
    if signature is None or store.unsaved:
        return
    note = {"checksum": signature.checksum, "serial": record["serial"]}
    if _noted_after_last_exchange(store) == [note["checksum"], note["serial"]]:
        return
    with suppress(OSError):  # without the note the next exchange only takes longer
        write_atomically(exchanged_file(store.path), orjson.dumps(note))


def _own_header(run: _Run) -> dict[str, Any] | None:
    """The header of this laptop's outbox in the folder, or None (missing or unreadable)."""
    try:
        return outbox.header_of(run.folder / carrier.outbox_name(run.replica))
    except outbox.NewerOutbox:
        raise ExchangeError(NEWER_VERSION) from None
    except (OSError, outbox.OutboxError):
        return None


def _check_replica(run: _Run, own_header: dict[str, Any] | None) -> None:
    """A copied file (another place or computer) or a restored one takes a new replica id."""
    record = run.record
    bound = state.binding(run.store.file_id, run.store.path)
    own = run.folder / carrier.outbox_name(record["replica"])
    serial = own_header.get("serial") if own_header else None
    restored = type(serial) is int and serial > int(record.get("serial", 0))
    if bound == record.get("binding") and not restored:
        return
    if restored:  # this laptop's own former outbox: read this time, then gone
        run.former_outbox = own
    record.setdefault("previous_replicas", []).append(record["replica"])
    record["replica"] = secrets.token_hex(16)
    record["binding"] = bound
    record["serial"] = 0
    record["peers"] = {}
    run.clock = Clock(record["replica"], run.clock.state, run.clock.wall)
    run.changed = True


def _current_parts(run: _Run) -> dict[tuple[str, str], sharing.Part]:
    """Every shared part of the document as this laptop holds it now."""
    holding = run.holding()
    found: dict[tuple[str, str], sharing.Part] = {}
    for table in sharing.shared_tables():
        for document in run.data.get(table, {}).values():
            for part in sharing.parts_of(table, document, holding):
                found[(part.kind, _state_key(run, part.kind, part.key))] = part
    settings = run.data.get(sharing.SETTINGS_KIND, {}).get("1", {})
    part = sharing.settings_part(settings)
    found[(part.kind, part.key)] = part
    return found


def _state_key(run: _Run, kind: str, key: str) -> str:
    """Where the state keeps a part: a member's under their tombstone, never their id."""
    return run.member_stone(key) if kind == "members" else key


def _stamp(run: _Run) -> bool:
    """Stamp what changed here since the last time; a part gone gets a deletion marker, a
    member gone (forgotten here) a tombstone. True when anything was stamped."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    current = run.current()
    changed = False
    withdrawals = _withdrawal_ids(run.data)
    for (kind, skey), part in current.items():
        held = entries.setdefault(kind, {}).get(skey)
        digest = part.digest
        if held is not None and held[0] == digest:
            continue
        # A placeholder (no stamp) marks a part this laptop does not hold yet.
        unheld = held is None or held[1] is None
        if unheld and _says_nothing_new(kind, part, current):
            continue
        base = held[1] if held is not None else None
        extra: dict[str, Any] | None = None
        if kind == "consent_events" and part.content.get("action") == "given":
            member_scope = (part.content.get("member_id"), part.content.get("scope"))
            extra = {"seen": sorted(withdrawals.get(member_scope, ()))}
        elif kind == "consent_events" and part.content.get("action") == "withdrawn":
            extra = {"erase": _erased_here(run.data, part.content)}
        if held is not None and (held[1] is None or (held[3] or {}).get("lacking") is True):
            extra = {**(extra or {}), "lacking": True}  # never wins over the real part
        entries[kind][skey] = [digest, run.clock.now().as_list(), base, extra]
        changed = True
    for kind, held_parts in entries.items():
        for skey, held in list(held_parts.items()):
            if (kind, skey) in current or held[0] is None:
                continue
            if kind == "members":
                _add_tombstone(run, skey)
                del held_parts[skey]
            elif kind == "consent_events":
                del held_parts[skey]  # only forgetting removes one, and its tombstone travels
            else:
                held_parts[skey] = [None, run.clock.now().as_list(), held[1], None]
            changed = True
    run.changed |= changed
    return changed


def _says_nothing_new(
    kind: str, part: sharing.Part, current: dict[tuple[str, str], sharing.Part]
) -> bool:
    """A part first seen here that only repeats what is already known: untouched default
    settings, or a session's group part rebuilt from the organisation's part alone (a laptop
    that has the session's facts but not yet its group's records). Stamped, either would win
    over the real one another laptop holds."""
    if kind == sharing.SETTINGS_KIND:
        return part.digest == sharing.settings_part(_default_settings()).digest
    if kind == "sessions" + sharing.GROUP_SUFFIX:
        org = current.get(("sessions", part.key))
        return org is not None and sharing.assemble(
            "sessions", org.content, part.content
        ) == sharing.assemble("sessions", org.content, None)
    return False


def _default_settings() -> dict[str, Any]:
    from voicesgroup import models

    return models.Settings().model_dump(mode="json")


def _withdrawal_ids(data: dict[str, Any]) -> dict[tuple[Any, Any], set[str]]:
    found: dict[tuple[Any, Any], set[str]] = {}
    for event in data.get("consent_events", {}).values():
        if event.get("action") == "withdrawn":
            found.setdefault((event.get("member_id"), event.get("scope")), set()).add(event["id"])
    return found


_COVERED = {"personal_notes": "notes", "contact_details": "contact_details"}
"""The tables whose records a withdrawal of a scope erases or keeps restricted."""


def _erased_here(data: dict[str, Any], withdrawal: dict[str, Any]) -> bool:
    """Whether a withdrawal erased what it covered here: nothing it covered is left (kept
    restricted, it would be). Told to every laptop with the withdrawal, which does the same."""
    table = _COVERED.get(str(withdrawal.get("scope")))
    if table is None:
        return False
    member = withdrawal.get("member_id")
    return not any(doc.get("member_id") == member for doc in data.get(table, {}).values())


def _add_tombstone(run: _Run, stone: str) -> None:
    stones = set(run.record["tombstones"])
    if stone not in stones:
        run.record["tombstones"] = sorted(stones | {stone})
        run.changed = True


def _laptop_name(
    run: _Run, role: str, groups: Iterable[str], replica: str, parts: Iterable[Entry] = ()
) -> str:
    if role == COORDINATOR:
        return f"the coordinator's laptop ({replica[:6]})"
    names = {doc.get("id"): doc.get("name") for doc in run.data.get("groups", {}).values()}
    for entry in parts:  # groups this laptop is only now learning of
        if entry.kind == "groups" and entry.content is not None:
            names.setdefault(entry.key, entry.content.get("name"))
    held = ", ".join(str(names.get(group_id, "a group")) for group_id in groups) or "no group"
    return f"the laptop of {held} ({replica[:6]})"


def _read_outboxes(
    run: _Run, paths: list[Path], ahead: FolderRead | None = None
) -> tuple[list[Entry], list[Path]]:
    """Every other laptop's outbox that opens, and the files read; problems told once each."""
    incoming: list[Entry] = []
    read_from: list[Path] = []
    peers: dict[str, dict[str, Any]] = run.record["peers"]
    seen = [peer.get("seen") for peer in peers.values()]
    for path in paths:
        try:
            stat = path.stat()
            signature = [path.name, stat.st_size, stat.st_mtime_ns]
            if signature in seen:
                continue  # read and merged already, unchanged since
            contents = _open_outbox(run, path, signature, ahead)
        except outbox.OutboxError as error:
            run.summary.problems.append(f"The outbox {path.name} was not read: {error}.")
            continue
        except OSError as error:
            run.summary.problems.append(
                f"The outbox {path.name} could not be read ({error.strerror}); it is tried "
                "again next time."
            )
            continue
        name = _laptop_name(run, contents.role, contents.groups, contents.replica, contents.parts)
        accepted, quarantined = [], 0
        for entry in contents.parts:
            if run.clock.too_far_ahead(entry.stamp):
                quarantined += 1
                continue
            accepted.append(entry)
        if quarantined:
            run.summary.problems.append(
                f"{name} has its clock more than a day ahead: {counted(quarantined, 'record')} "
                "from it were set aside until its date and time are put right."
            )
        for entry in accepted:
            run.clock.receive(entry.stamp)
        group_names = {doc.get("id"): doc.get("name") for doc in run.data["groups"].values()}
        for entry in contents.parts:  # a group this laptop is only now learning of
            if entry.kind == "groups" and entry.content is not None:
                group_names.setdefault(entry.key, entry.content.get("name"))
        for group_id in contents.unopened:
            run.summary.problems.append(
                f"From {name}, the records of {group_names.get(group_id, 'a group')} do not "
                "open with this laptop's passphrase for that group (were both set up with the "
                "same one?); the rest was read."
            )
        incoming.extend(accepted)
        read_from.append(path)
        if contents.replica in run.record.get("previous_replicas", []):
            continue
        if contents.replica in run.record.get("forgotten_laptops", []):
            continue  # the coordinator said it is gone: read, never counted again
        peer = peers.setdefault(contents.replica, {})
        peer["seen_ms"] = run.clock.wall()
        if int(peer.get("serial", -1)) <= contents.serial:
            peer.update(
                role=contents.role,
                groups=contents.groups,
                serial=contents.serial,
                written_ms=contents.written_ms,
                tombstones=sorted(set(contents.tombstones)),
                # a file with stamps set aside is read again next time, not passed over
                seen=None if carrier.is_conflict_copy(path) or quarantined else signature,
            )
        for stone in contents.tombstones:
            _add_tombstone(run, stone)
        run.summary.laptops += 1
    return incoming, read_from


# -- merging -----------------------------------------------------------------------------------


def _models() -> dict[str, Any]:
    from voicesgroup import models

    return {
        model.TABLE: model
        for model in vars(models).values()
        if isinstance(model, type)
        and issubclass(model, models.Record)
        and model is not models.Record
    }


def _about_forgotten(run: _Run, entry: Entry, stones: set[str]) -> bool:
    content = entry.content
    if content is None:
        return False
    field_name = _MEMBER_FIELDS.get(entry.kind)
    if field_name is not None:
        return run.member_stone(str(content.get(field_name))) in stones
    if entry.kind == "strategies" + sharing.GROUP_SUFFIX:
        return run.member_stone(str(content.get("attributed_member_id"))) in stones
    return False


def _without_forgotten(run: _Run, entry: Entry, stones: set[str]) -> Entry:
    """A session's group part with forgotten members counted as anonymous instead."""
    if entry.kind != "sessions" + sharing.GROUP_SUFFIX or entry.content is None:
        return entry
    named = entry.content.get("named_member_ids") or []
    gone = [mid for mid in named if run.member_stone(str(mid)) in stones]
    if not gone:
        return entry
    content = dict(entry.content)
    content["named_member_ids"] = [mid for mid in named if mid not in gone]
    content["anonymous_count"] = int(content.get("anonymous_count", 0)) + len(gone)
    content["round_marks"] = {
        k: v for k, v in (content.get("round_marks") or {}).items() if k not in gone
    }
    return entry._replace(content=content)


def _local_entries(
    run: _Run, current: dict[tuple[str, str], sharing.Part]
) -> dict[tuple[str, str], Entry]:
    found: dict[tuple[str, str], Entry] = {}
    for kind, held_parts in run.record["entries"].items():
        for skey, (digest, stamp, base, extra) in held_parts.items():
            part = current.get((kind, skey))
            read = Stamp.read(stamp)
            if read is None:
                continue
            content = part.content if part is not None and digest is not None else None
            key = part.key if part is not None else skey
            found[(kind, key)] = Entry(kind, key, read, Stamp.read(base), content, extra)
    return found


def _merge(run: _Run, incoming: list[Entry]) -> None:
    """Merge what came in with what is here, in memory."""
    if not incoming:
        return
    stones = set(run.record["tombstones"])
    incoming = [
        _without_forgotten(run, entry, stones)
        for entry in incoming
        if not _about_forgotten(run, entry, stones)
    ]
    current = run.current()
    local = _local_entries(run, current)
    versions = [*local.values(), *incoming]
    winners = merge(versions)
    copies = conflict_copies(winners, versions)
    events = [winners[slot] for slot in winners if slot[0] == "consent_events"]
    added = unseen_withdrawals(events)
    changes: dict[tuple[str, str], Entry] = {}
    for slot, winner in winners.items():
        mine = local.get(slot)
        if mine is not None and mine.stamp == winner.stamp:
            continue
        changes[slot] = winner
    models = _models()
    applied = _apply(run, changes, models)
    for copy in copies:
        if copy.content is not None and _put_document(run, copy.kind, copy.content, models):
            run.record["conflicts"].append(
                {"table": copy.kind, "copy": copy.key, "of": (copy.extra or {}).get("of")}
            )
            run.summary.conflicts += 1
    known = {(c.get("slot"), str(c.get("stamp"))) for c in run.record["conflicts"]}
    for clash in rota_clashes(winners, versions):
        if (clash.key, str(clash.stamp.as_list())) in known or clash.content is None:
            continue
        kept = winners[(clash.kind, clash.key)].content or {}
        run.record["conflicts"].append(
            {
                "table": "rota",
                "slot": clash.key,
                "stamp": str(clash.stamp.as_list()),
                "kept": {f: kept.get(f) for f in ROTA_FIELDS},
                "other": {f: clash.content.get(f) for f in ROTA_FIELDS},
            }
        )
        run.summary.conflicts += 1
    for withdrawal in added:
        if _put_document(run, "consent_events", withdrawal, models):
            erased = any(
                (entry.extra or {}).get("erase") is True
                for entry in events
                if entry.content is not None
                and entry.content.get("action") == "withdrawn"
                and entry.content.get("member_id") == withdrawal.get("member_id")
                and entry.content.get("scope") == withdrawal.get("scope")
            )
            run.withdrawals.append(
                (str(withdrawal.get("member_id")), str(withdrawal.get("scope")), erased)
            )
    _parts_changed(run)
    for kind, count in applied.items():
        run.summary.came_in[kind] = run.summary.came_in.get(kind, 0) + count
    # Only a change to what this laptop shares makes a new outbox: a laptop that rewrote its
    # outbox for having read another's, unchanged, would set the two writing for ever.
    run.changed |= bool(changes or copies or added)


def _parts_changed(run: _Run) -> None:
    """After a merge: the shared parts of the records it put or removed are made again. Only
    on the coordinator's laptop, where what decides where parts go (`Holding`: members and
    their groups) is always empty, can the others be kept; elsewhere every part is."""
    touched, run.index.touched = run.index.touched, set()
    if run.parts is None or run.record["groups"] or run.renamed:
        run.data_changed()
        return
    holding = run.holding()
    for table, key in touched:
        run.parts.pop((table, key), None)
        run.parts.pop((table + sharing.GROUP_SUFFIX, key), None)
        document = run.index.find(table, key)
        if document is not None:
            for part in sharing.parts_of(table, document, holding):
                taken = run.taken.get((part.kind, part.key))
                if taken is not None and taken[0] == part.content:
                    part.__dict__["digest"] = taken[1]  # the cached hash, already known
                run.parts[(part.kind, _state_key(run, part.kind, part.key))] = part
    run.taken = {}
    settings = run.data.get(sharing.SETTINGS_KIND, {}).get("1", {})
    part = sharing.settings_part(settings)
    run.parts[(part.kind, part.key)] = part


def _apply(
    run: _Run, changes: dict[tuple[str, str], Entry], models: dict[str, Any]
) -> dict[str, int]:
    """Write the winning versions into the document; the state takes their stamps."""
    entries: dict[str, dict[str, list[Any]]] = run.record["entries"]
    by_record: dict[tuple[str, str], dict[str, Entry]] = {}
    for (kind, key), entry in changes.items():
        by_record.setdefault((sharing.table_of(kind), key), {})[kind] = entry
    holding = run.holding()
    counts: dict[str, int] = {}
    pending: dict[str, list[tuple[str, dict[str, Any], dict[str, Entry], Any]]] = {}
    for (table, key), parts in by_record.items():
        if table == sharing.SETTINGS_KIND:
            entry = parts[table]
            if entry.content is not None and _put_settings(run, entry.content):
                counts["settings"] = counts.get("settings", 0) + 1
                _take_stamp(run, entries, entry)
            continue
        local_doc = run.index.find(table, key)
        if sharing.RULES[table].reach is sharing.Reach.PROJECTION:
            now = {
                p.kind: p.content
                for p in (sharing.parts_of(table, local_doc, holding) if local_doc else [])
            }
            org_entry = parts.get(table)
            group_entry = parts.get(table + sharing.GROUP_SUFFIX)
            org = org_entry.content if org_entry else now.get(table)
            if org_entry is None and local_doc is None:
                org = None
            group = group_entry.content if group_entry else now.get(table + sharing.GROUP_SUFFIX)
            document = sharing.assemble(table, org, group)
            if group is None and org is not None and _may_hold_group_part(table, org, holding):
                _placeholder(entries, table + sharing.GROUP_SUFFIX, key)
        else:
            document = parts[table].content
        if document is None:
            if local_doc is not None:
                run.index.remove(table, key)
                counts[table] = counts.get(table, 0) + 1
            for entry in parts.values():
                if entry.content is None:
                    _take_stamp(run, entries, entry)
            continue
        pending.setdefault(table, []).append((key, document, parts, local_doc))
    for table, records in pending.items():
        checked = _checked(run, table, [document for _, document, _, _ in records], models)
        for (key, document, parts, local_doc), stored in zip(records, checked, strict=True):
            if stored is None:
                continue
            run.index.put(table, key, stored)
            if table == "consent_events" and local_doc is None:
                _withdrawal_came_in(run, document, parts[table].extra)
            if table == "strategies" and local_doc and local_doc.get("id") != document.get("id"):
                _strategy_renamed(run, str(local_doc.get("id")), str(document.get("id")))
            counts[table] = counts.get(table, 0) + 1
            for entry in parts.values():
                _take_stamp(run, entries, entry)
    return counts


_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {}
"""One validator of a whole table's records for each model, made once."""


def _checked(
    run: _Run, table: str, documents: list[dict[str, Any]], models: dict[str, Any]
) -> list[dict[str, Any] | None]:
    """The records that came in for a table, each checked by its model and written as the
    model writes it (None for one it refuses, told once each): one call for the table, and
    one a record only when some record is refused."""
    model = models.get(table)
    if model is None:
        return [None] * len(documents)
    adapter = _ADAPTERS.get(table)
    if adapter is None:
        adapter = _ADAPTERS[table] = TypeAdapter(list[model])  # type: ignore[valid-type]  # a model chosen at run time
    try:
        return list(adapter.dump_python(adapter.validate_python(documents), mode="json"))
    except ValidationError:
        pass
    found: list[dict[str, Any] | None] = []
    for document in documents:
        try:
            found.append(model.model_validate(document).model_dump(mode="json"))
        except ValidationError:
            run.summary.problems.append(
                f"A record for {table.replace('_', ' ')} that came in could not be read and "
                "was left out."
            )
            found.append(None)
    return found


def _may_hold_group_part(table: str, org: dict[str, Any], holding: sharing.Holding) -> bool:
    """Whether this laptop could hold the group part of a record it has the facts of."""
    if table == "sessions":
        return str(org.get("group_id")) in holding.groups
    return bool(holding.groups)


def _withdrawal_came_in(run: _Run, event: dict[str, Any], extra: dict[str, Any] | None) -> None:
    """Note a withdrawal new here, to be carried out as the laptop that recorded it did (an
    outbox that does not say it erased: kept restricted, so nothing is lost)."""
    if event.get("action") == "withdrawn":
        erase = (extra or {}).get("erase") is True
        run.withdrawals.append((str(event.get("member_id")), str(event.get("scope")), erase))


def _placeholder(entries: dict[str, dict[str, list[Any]]], kind: str, key: str) -> None:
    """Mark a group part this laptop does not hold (it has the record's facts only): an edit
    made here before the real part comes is stamped as lacking it (`merge`), and loses."""
    entries.setdefault(kind, {}).setdefault(key, [None, None, None, {"lacking": True}])


def _strategy_renamed(run: _Run, old: str, new: str) -> None:
    """Sessions that shared a starter strategy under this laptop's own id now name the one
    every laptop keeps."""
    run.renamed = True
    for session in run.data.get("sessions", {}).values():
        shared = session.get("strategy_ids") or []
        if old in shared:
            session["strategy_ids"] = list(dict.fromkeys(new if s == old else s for s in shared))


def _take_stamp(run: _Run, entries: dict[str, dict[str, list[Any]]], entry: Entry) -> None:
    digest = sharing.content_hash(entry.content) if entry.content is not None else None
    if digest is not None:
        run.taken[(entry.kind, entry.key)] = (entry.content, digest)
    entries.setdefault(entry.kind, {})[_state_key(run, entry.kind, entry.key)] = [
        digest,
        entry.stamp.as_list(),
        entry.base.as_list() if entry.base else None,
        entry.extra,
    ]


class _Index:
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


def _put_document(
    run: _Run,
    table: str,
    document: dict[str, Any],
    models: dict[str, Any],
    replacing: str | None = None,
) -> bool:
    """Put a record in its table if its model accepts it; False (and told) when not."""
    [checked] = _checked(run, table, [document], models)
    if checked is None:
        return False
    key = replacing if replacing is not None else sharing.record_key(table, checked)
    run.index.put(table, key, checked)
    return True


def _put_settings(run: _Run, shared: dict[str, Any]) -> bool:
    from voicesgroup import models

    stored = run.data.setdefault(sharing.SETTINGS_KIND, {}).setdefault("1", {})
    merged = {**stored, **{k: v for k, v in shared.items() if k in sharing.SHARED_SETTINGS}}
    try:
        run.data[sharing.SETTINGS_KIND]["1"] = models.Settings.model_validate(merged).model_dump(
            mode="json"
        )
    except ValidationError:
        run.summary.problems.append("Settings that came in could not be read and were left out.")
        return False
    return True


def _due_forgetting(run: _Run) -> list[str]:
    """The members here whom the organisation's tombstones name."""
    stones = set(run.record["tombstones"])
    if not stones:
        return []
    return [
        str(member.get("id"))
        for member in run.data.get("members", {}).values()
        if run.member_stone(str(member.get("id"))) in stones
    ]


def _forget_here(run: _Run) -> int:
    """Forget every member here whom the organisation's tombstones name (the store's own
    forgetting: the data file and every backup)."""
    due = _due_forgetting(run)
    for member_id in due:
        run.store.forget_member(uuid.UUID(member_id))
    return len(due)


# -- export ------------------------------------------------------------------------------------


def _export(run: _Run, own_header: dict[str, Any] | None) -> None:
    """Write this laptop's outbox when it says something new (or is missing)."""
    written = own_header.get("serial") if own_header else None
    if not run.changed and written == run.record["serial"]:
        run.summary.outbox = str(run.folder / carrier.outbox_name(run.replica))
        return
    with run.store.batch():
        sealed = _seal(run, own_header)
    if sealed is not None:
        _write_outbox(run, sealed)


def _write_outbox(run: _Run, blob: bytes) -> None:
    carrier.write_outbox(run.folder, run.replica, blob)  # ExchangeFolderError: one sentence
    run.summary.outbox = str(run.folder / carrier.outbox_name(run.replica))


def _seal(run: _Run, own_header: dict[str, Any] | None) -> bytes | None:
    """This laptop's outbox, sealed, when it says something new (or is missing; None when
    not), its serial written into the data file inside the caller's batch. The serial is
    saved before the outbox is written: a stop between leaves an outbox older than the file
    says, rewritten next time (never one newer, which would read as a restore)."""
    record = run.record
    own = run.folder / carrier.outbox_name(run.replica)
    written = own_header.get("serial") if own_header else None
    if not run.changed and written == record["serial"]:
        run.summary.outbox = str(own)
        return None
    current = run.current()
    holding = run.holding()
    sections: dict[str, list[Entry]] = {sharing.ORG: []}
    for group_id in record["groups"]:
        sections[group_id] = []
    sent = 0
    for (kind, skey), (digest, stamp, base, extra) in _flat(record["entries"]):
        part = current.get((kind, skey))
        read = Stamp.read(stamp)
        if read is None:
            continue
        if digest is not None and part is None:
            continue
        content = part.content if part is not None else None
        key = part.key if part is not None else skey
        entry = Entry(kind, key, read, Stamp.read(base), content, extra)
        if part is not None:
            targets = part.sections
        elif sharing.RULES.get(
            sharing.table_of(kind), sharing.Rule(sharing.Reach.ORGANISATION, "")
        ).reach is sharing.Reach.GROUP or kind.endswith(sharing.GROUP_SUFFIX):
            targets = tuple(holding.groups)
        else:
            targets = (sharing.ORG,)
        for target in targets:
            if target in sections:
                sections[target].append(entry)
                sent += 1
    record["serial"] = int(record["serial"]) + 1
    contents = outbox.Contents(
        replica=run.replica,
        role=record["role"],
        groups=list(record["groups"]),
        serial=record["serial"],
        written_ms=run.clock.wall(),
        tombstones=list(record["tombstones"]),
    )
    state.write(run.data, record)
    run.store.storage.write(run.data)
    run.summary.sent = sent
    run.changed = False
    return outbox.seal(contents, run.org, run.group_keys, sections)


def _flat(
    entries: dict[str, dict[str, list[Any]]],
) -> list[tuple[tuple[str, str], list[Any]]]:
    """Every held part's state, in a fixed order."""
    return sorted(
        (((kind, skey), held) for kind, parts in entries.items() for skey, held in parts.items()),
        key=lambda item: item[0],
    )


# -- status ------------------------------------------------------------------------------------


def status(store: Store) -> dict[str, Any]:
    """What the exchange knows: each laptop, its role, groups and last outbox, conflicts
    waiting, forgetting acknowledged."""
    data = store.storage.read()
    record = _required(data)
    group_names = {doc.get("id"): doc.get("name") for doc in data.get("groups", {}).values()}
    stones = set(record["tombstones"])
    laptops = []
    for replica, peer in sorted(record["peers"].items()):
        laptops.append(
            {
                "replica": replica,
                "role": peer.get("role"),
                "groups": [group_names.get(g, g) for g in peer.get("groups", [])],
                "last_outbox": _when(peer.get("written_ms")),
                "last_seen": _when(peer.get("seen_ms")),
                "forgettings_known": len(stones & set(peer.get("tombstones", []))),
            }
        )
    acknowledged = sum(
        1 for peer in record["peers"].values() if stones <= set(peer.get("tombstones", []))
    )
    waiting = [
        {"table": c["table"], "record": c["of"], "other_version": c["copy"]}
        for c in record["conflicts"]
        if c["table"] != "rota"
        and any(doc.get("id") == c["copy"] for doc in data.get(c["table"], {}).values())
    ]
    people = {doc.get("id"): doc.get("display_name") for doc in data["facilitators"].values()}
    slots = {sharing.slot_key(doc): doc for doc in data.get("rota", {}).values()}
    for c in record["conflicts"]:
        held = slots.get(c.get("slot"))
        if c["table"] != "rota" or held is None:
            continue
        if any(held.get(f) != c["kept"].get(f) for f in ROTA_FIELDS):
            continue  # changed since: someone has chosen
        group_id, _, day = str(c["slot"]).partition("/")
        waiting.append(
            {
                "table": "rota",
                "group": group_names.get(group_id, group_id),
                "date": day,
                "kept": [people.get(c["kept"].get(f)) for f in ROTA_FIELDS],
                "other": [people.get(c["other"].get(f)) for f in ROTA_FIELDS],
            }
        )
    last = record.get("last") or {}
    return {
        "this_laptop": {
            "replica": record["replica"],
            "role": record["role"],
            "groups": [group_names.get(g, g) for g in record["groups"]],
            "folder": record["folder"],
            "last_exchange": _when(last.get("ms")),
            "came_in_last_time": last.get("came_in", {}),
            "problems_last_time": last.get("problems", []),
        },
        "laptops": laptops,
        "conflicts": waiting,
        "forgettings": len(stones),
        "forgetting_acknowledged": {"by": acknowledged + 1, "of": len(record["peers"]) + 1},
    }


def _when(ms: object) -> str | None:
    if not isinstance(ms, int):
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")
