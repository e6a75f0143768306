"""One exchange, import before export: prepared on a copy, applied in one save, then sent.

The exchange is three steps, so that an app's worker does the slow part and the thread that
owns the store only applies it (screens/exchange_worker.py); the command line runs the same
three in a row (`exchange`), so there is one pipeline:

- `begin` (the thread that owns the store): a `Snapshot` of the data, and whether the data
  file on disk is that data (its checksum). When the files alone show nothing new (the note
  beside the data file, `noted`; every other laptop's outbox the very file merged,
  `inbox.identity`), no copy is made and no table is parsed.
- `prepare` (any thread; no store but a scratch copy of the snapshot's data, never saved):
  1. the laptop's replica id is checked (a copied or restored file takes a new one);
  2. what changed here since the last outbox is stamped (`stamping`; content hashes,
     `sharing.parts_of`), unless the data file is byte for byte as the last exchange left it;
  3. every other laptop's outbox is read and opened (`inbox`); one that cannot be is named in
     one sentence and left for next time; stamps more than a day ahead are quarantined, never
     believed;
  4. the organisation's tombstones are joined; nothing about a forgotten member is taken in;
  5. the merge runs on the copy (`applying`), and every record it takes in is checked by its
     model; withdrawals that came in are carried out on it by the store's own withdrawal code;
  6. this laptop's outbox is decided (`stamping.seal`), its serial written into the copy.
- `apply` (the thread that owns the store): refused whole (`ChangedMeanwhile`) when the data
  is no longer the snapshot's; else the prepared document replaces it and is saved in one
  atomic save: the data file is the old one or the merged one, never half. It hands back a
  `Delivery`.
- `deliver` (any thread; files only): the outbox is sealed (its JSON and encryption, the slow
  part of writing it) and written (a temporary file, flushed, renamed), the note of what the
  exchange left is written beside the data file, and merged conflict copies the carrier made
  are removed.

A member forgotten elsewhere is forgotten here by the store's own forgetting (the data file and
every backup, `Prepared.forget`), after `apply` and on the thread that owns the store (the app
splits it as every forgetting: `voicesgroup.store.forgetting`); the outbox is then prepared
again, its serial saved before it is written, and the member is in no outbox.

Each step is called through its module (`stamping.stamp`, `inbox.read_outboxes`…), so a test
can stop the exchange at any of them and find the old file or the merged one.
"""

from __future__ import annotations

import gc
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.errors import ChangedMeanwhile
from voicesgroup.exchange import applying, inbox, noted, outbox, stamping, state
from voicesgroup.exchange import clock as hlc
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange.clock import Clock, Stamp
from voicesgroup.exchange.run import NEWER_VERSION, ExchangeError, Run, Summary, required
from voicesgroup.store import erasing
from voicesgroup.store.snapshot import Snapshot

if TYPE_CHECKING:
    from voicesgroup.store import Store, crypto
    from voicesgroup.store.redaction import Mention

CHANGED_MEANWHILE = (
    "The data changed while the exchange was being prepared; nothing was changed, and it is "
    "tried again."
)


@dataclass(frozen=True)
class Basis:
    """What an exchange is prepared from, taken on the thread that owns the store (`begin`)."""

    snapshot: Snapshot | None = field(repr=False)
    """The data now; None when there is nothing to do (`_nothing_new`): no copy is made."""
    checksum: int | None
    """The data file's checksum when it holds the snapshot's data (None: it may not)."""
    outbox: str = ""
    """Where this laptop's outbox is (told when there is nothing to do)."""
    forgot: int = 0
    """Members just forgotten here: news the outbox must carry, so there is something to do."""
    unlocked: crypto.Unlocked | None = field(default=None, repr=False)
    """The data file's key (None: not encrypted), so the copy the exchange is prepared on
    reads the file's backups as the store does (what a record was, a member's names)."""
    still: tuple[str, ...] = ()
    """When there is nothing to do: the outboxes that still cannot be read, told before."""


@dataclass(frozen=True)
class Delivery:
    """What is written after the merge's save (`deliver`): files only, any thread."""

    folder: Path
    replica: str
    sealed: outbox.Sealing | None = field(repr=False)
    """This laptop's outbox, decided in the merge's save; its bytes are made here."""
    note: tuple[Path, int, int, dict[str, Any] | None] | None
    """The data file, and what the note beside it says it was left as (checksum, serial, and
    the head of its exchange record, `noted.head`, for a plain file)."""
    remove: tuple[Path, ...] = ()
    """Conflict copies merged (and this laptop's former outbox, once read): removed."""
    replaced: tuple[tuple[str, str], ...] = ()
    """Texts written here that a laptop holding the group rewrote for naming a member, with
    their new words: this file's backups are rewritten too, as forgetting does."""
    data_file: Path | None = None
    unlocked: Any = field(default=None, repr=False)
    """The data file's key (`crypto.Unlocked`), when it is encrypted: its backups are too."""


@dataclass
class Prepared:
    """An exchange made on a copy of the data (`prepare`), to be applied (`apply`)."""

    basis: Basis = field(repr=False)
    data: dict[str, Any] | None = field(repr=False)
    """The document to put in place of the snapshot's (None: nothing to save)."""
    summary: Summary
    folder: Path
    replica: str
    sealed: outbox.Sealing | None = field(default=None, repr=False)
    remove: tuple[Path, ...] = ()
    forget: tuple[str, ...] = ()
    """Members here whom the organisation forgot: forgotten by the store's own forgetting."""
    texts: dict[str, list[Mention]] = field(default_factory=dict, repr=False)
    """The free texts naming each of them, found on the copy (the store's `forgetting.start`
    takes them while they are still as they were)."""
    plain: bytes | None = field(default=None, repr=False)
    """`data` as JSON, made here in the worker, so `apply` saves it without serialising it
    again on the thread that owns the store (None: it serialises `data` itself)."""
    erased: dict[str, list[str]] = field(default_factory=dict, repr=False)
    """The ids of the records withdrawals that came in erased, by table: `apply` erases them
    from the backups too, journaled around its save as a withdrawal recorded here is."""
    replaced: tuple[tuple[str, str], ...] = ()
    """As `Delivery.replaced`."""


def exchange(
    store: Store, *, wall: Callable[[], int] | None = None, ahead: inbox.FolderRead | None = None
) -> Summary:
    """Import every other laptop's outbox, then export this laptop's own: `begin`, `prepare`,
    `apply` and `deliver` in a row, then the store's own forgetting when a forget came in.

    `wall` is the laptop's clock in milliseconds (the computer's, unless a test says);
    `ahead`, the outboxes `read_folder` read and opened already (in an app's worker)."""
    prepared = prepare(begin(store), wall=wall, ahead=ahead)
    deliver(apply(store, prepared))
    if not prepared.forget:
        return prepared.summary
    forget_due(store, prepared)
    again = prepare(begin(store, forgot=len(prepared.forget)), wall=wall)
    deliver(apply(store, again))
    return joined(prepared.summary, again.summary)


def begin(store: Store, *, forgot: int = 0) -> Basis:
    """On the thread that owns the store: what `prepare` needs (one sentence when the laptop
    is not set up or the file is read-only). `forgot` says how many members were just
    forgotten here, by a forget another laptop sent."""
    store.refuse_if_read_only()
    checksum = noted.checksum_now(store)
    note = noted.read(store.path)
    head = noted.head_if_current(store, note, checksum)
    if head is None:  # the exchange's own table, the rest parsed only if needed
        head = noted.head(required(store.storage.tables(state.TABLE)))
    still: list[str] = []
    if not forgot and _nothing_new(store, head, note, checksum, still):
        return Basis(
            None, checksum, str(Path(head["folder"]) / _own_name(head)), still=tuple(still)
        )
    return Basis(Snapshot.of(store), checksum, forgot=forgot, unlocked=store.unlocked)


def _own_name(head: dict[str, Any]) -> str:
    return carrier.outbox_name(str(head["replica"]))


def _nothing_new(
    store: Store,
    head: dict[str, Any],
    note: dict[str, Any] | None,
    checksum: int | None,
    still: list[str],
) -> bool:
    """Whether an exchange now has nothing to do, told from the files alone (no copy of the
    data is made): the data file is as the last exchange left it (`note`), under the same
    identity, its outbox is the one in the folder, and every other laptop's outbox there was
    read and is the same file since (`inbox.identity`), or is the same file that an exchange
    found unreadable and told (its name put in `still`; not a carrier's conflict copy, which
    the exchange may remove)."""
    if checksum is None or note is None:
        return False
    if [note.get("checksum"), note.get("serial")] != [checksum, head["serial"]]:
        return False
    if state.binding(store.file_id, store.path) != head.get("binding"):
        return False
    folder = Path(head["folder"])
    try:
        if outbox.header_of(folder / _own_name(head)).get("serial") != head["serial"]:
            return False
        peers = head["peers"]
        for peer in peers.values():  # a former identity of a laptop, its outbox gone now
            for former in peer.get("formerly", []):
                if former in peers and not (folder / carrier.outbox_name(former)).exists():
                    return False
        for replica, peer in peers.items():  # a laptop that left since
            if not peer.get("left") and carrier.left_path(folder, replica).exists():
                return False
        seen = [peer.get("seen") for peer in peers.values()]
        unread = head.get("unread", {})
        for path in carrier.outboxes(folder, str(head["replica"])):
            now = inbox.identity(path)
            if now in seen:
                continue
            if carrier.is_conflict_copy(path) or now != unread.get(path.name):
                return False
            still.append(path.name)
    except (OSError, ValueError, outbox.OutboxError, ExchangeError):  # said by the exchange
        return False
    return True


def prepare(
    basis: Basis, *, wall: Callable[[], int] | None = None, ahead: inbox.FolderRead | None = None
) -> Prepared:
    """The exchange made on a scratch copy of the data (any thread): the module's steps 1 to
    6."""
    if basis.snapshot is None:
        summary = Summary(outbox=basis.outbox, still_unread=list(basis.still))
        return Prepared(basis, None, summary, Path(), "")
    with _no_collection_pauses():
        scratch = basis.snapshot.scratch()
        scratch.store.use_key(basis.unlocked)  # (never saved: its backups are read with it)
        run = _start(scratch.store, wall or (lambda: hlc.wall_ms()))
        return _prepare(run, basis, ahead)


def apply(store: Store, prepared: Prepared) -> Delivery:
    """On the thread that owns the store: the prepared document put in its place and saved in
    one atomic save, or `ChangedMeanwhile` with nothing changed when the data is no longer
    what it was prepared from. What is left to write is handed back (`deliver`)."""
    store.refuse_if_read_only()
    storage = store.storage
    basis, signature = prepared.basis, storage.signature
    if basis.snapshot is None:
        return Delivery(prepared.folder, prepared.replica, None, None)  # nothing was new
    # The data as it was prepared from, and the file as it was then: a save that was under
    # way at `begin` may have held a change the copy did not stamp.
    if not basis.snapshot.holds(store) or (
        basis.checksum is not None and (signature is None or signature.checksum != basis.checksum)
    ):
        raise ChangedMeanwhile(CHANGED_MEANWHILE)
    if prepared.data is not None:
        was_unsaved = storage.unsaved
        with erasing.erasure(store, prepared.erased):  # from the backups too, journaled
            storage.replace_data(prepared.data)
            store.documents_replaced()
            try:
                storage.save(plain=prepared.plain)
            except BaseException:
                # the old data, as it was (the snapshot holds it): never half a merge
                storage.replace_data(basis.snapshot.document())
                storage.unsaved = was_unsaved
                store.documents_replaced()
                raise
        prepared.data = prepared.plain = None  # applied: it is the store's now
    signature = storage.signature
    record = required(storage.tables(state.TABLE))
    note = None
    if signature is not None and not storage.unsaved and not prepared.forget:
        # (not while a forgetting is due: until it is done, the next exchange looks again;
        # no head beside an encrypted file: it would tell its folder and laptops in clear)
        head = None if store.encrypted else noted.head(record)
        note = (store.path, signature.checksum, int(record["serial"]), head)
    return Delivery(
        prepared.folder,
        prepared.replica,
        prepared.sealed,
        note,
        prepared.remove,
        prepared.replaced,
        store.path,
        store.unlocked,
    )


def deliver(delivery: Delivery) -> None:
    """After the merge's save (any thread, files only): the outbox sealed and written whole,
    the note of what this exchange left beside the data file, the merged conflict copies
    removed; the backups rewritten where a text written here was rewritten elsewhere for
    naming a member (`forgetting.replace_in_backups`)."""
    if delivery.sealed is not None:
        carrier.write_outbox(delivery.folder, delivery.replica, delivery.sealed.sealed())
    if delivery.note is not None:
        noted.write(*delivery.note)
    for path in delivery.remove:
        if carrier.is_conflict_copy(path):
            carrier.remove_conflict_copy(path)
        else:
            path.unlink(missing_ok=True)
    if delivery.replaced and delivery.data_file is not None:  # last: the outbox goes first
        from voicesgroup.store import forgetting

        forgetting.replace_in_backups(delivery.data_file, delivery.unlocked, delivery.replaced)


def forget_due(store: Store, prepared: Prepared) -> None:
    """The members the organisation forgot, forgotten here by the store's own forgetting (the
    data file and every backup), on the thread that owns the store."""
    from voicesgroup.errors import NotFound

    for member_id in prepared.forget:
        with suppress(NotFound):  # forgotten meanwhile: nothing left of theirs
            store.forget_member(uuid.UUID(member_id), told=True)


def joined(first: Summary, then: Summary) -> Summary:
    """What an exchange and the one that sent its forgetting did, told as one."""
    came_in = dict(first.came_in)
    for kind, count in then.came_in.items():
        came_in[kind] = came_in.get(kind, 0) + count
    return Summary(
        came_in=came_in,
        sent=then.sent or first.sent,
        laptops=max(first.laptops, then.laptops),
        problems=list(dict.fromkeys([*first.problems, *then.problems])),
        unread={**first.unread, **then.unread},
        listed=list(dict.fromkeys([*first.listed, *then.listed])),
        still_unread=[
            name
            for name in dict.fromkeys([*first.still_unread, *then.still_unread])
            if name not in first.unread and name not in then.unread
        ],
        forgotten=first.forgotten + then.forgotten,
        conflicts=first.conflicts + then.conflicts,
        outbox=then.outbox or first.outbox,
    )


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


def _start(store: Store, wall: Callable[[], int]) -> Run:
    """The exchange in memory, from the data of `store` (a scratch copy)."""
    data = store.storage.read()
    record = required(data)
    org = bytes.fromhex(record["org_key"])
    return Run(
        store,
        data,
        record,
        Clock(record["replica"], Stamp.read(record.get("clock")), wall),
        org,
        {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()},
        outbox.tombstone_key(org),
        Summary(),
    )


def _prepare(run: Run, basis: Basis, ahead: inbox.FolderRead | None) -> Prepared:
    store = run.store
    own_header = _own_header(run)
    _check_replica(run, own_header)
    paths = carrier.outboxes(run.folder, run.replica)  # a missing folder: said at once
    # The data file byte for byte as the last exchange left it: nothing here needs a stamp,
    # and the ten years of records need not be hashed again.
    unchanged = not basis.forgot and _unchanged_here(run, own_header, basis.checksum)
    stamped = False if unchanged else stamping.stamp(run)
    if basis.forgot:
        run.changed = True  # the forgetting is news: the old outbox still holds the member
        run.summary.forgotten = basis.forgot
    incoming, read_from = inbox.read_outboxes(run, paths, ahead)
    if incoming:
        run.covered_before = _covered(run.data)
        applying.merge_in(run, incoming)
        stamping.stamp(run)
    due = applying.due_forgetting(run)
    sealed: outbox.Sealing | None = None
    # The copy is never saved (one save, of all of it, is `apply`'s): no batch is needed.
    if run.changed or run.noted or stamped or incoming or read_from:
        run.record["clock"] = run.clock.state.as_list()
        run.record["last"] = {
            "ms": run.clock.wall(),
            **run.summary.as_json(),
            "problems": run.summary.other_problems(),
        }
        state.write(run.data, run.record)
        store.storage.write(run.data)
        store.documents_replaced()
        if incoming:
            store.audit("exchanged", f"{sum(run.summary.came_in.values())} records in")
        if run.withdrawals:
            carry_out_withdrawals(run)
    # The outbox's serial in the same save; none while a forgetting is due here (the outbox
    # that follows it is the one sent).
    if not due:
        sealed = stamping.seal(run, own_header)
    if sealed is not None:
        run.summary.outbox = str(run.own_outbox)
    remove = [path for path in read_from if carrier.is_conflict_copy(path)] + run.set_aside
    if run.former_outbox is not None and run.former_outbox in read_from:
        remove.append(run.former_outbox)
    data = store.storage.read() if store.storage.unsaved else None
    return Prepared(
        basis,
        data,
        run.summary,
        run.folder,
        run.replica,
        sealed,
        tuple(remove),
        tuple(due),
        _texts_naming(store, due),
        None if data is None else orjson.dumps(data),
        run.erased,
        tuple(run.replaced),
    )


def _texts_naming(store: Store, due: list[str]) -> dict[str, list[Mention]]:
    """The free texts naming each member due to be forgotten, found on the copy."""
    from voicesgroup.errors import NotFound
    from voicesgroup.store import forgetting

    found: dict[str, list[Mention]] = {}
    for member_id in due:
        with suppress(NotFound, ValueError):
            found[member_id] = forgetting.texts_naming_id(store, uuid.UUID(member_id))
    return found


def _unchanged_here(run: Run, own_header: dict[str, Any] | None, checksum: int | None) -> bool:
    """Whether the data file (its `checksum`) is as the last exchange left it, and its outbox
    too."""
    return (
        own_header is not None
        and not run.changed
        and checksum is not None
        and noted.serial_if(run.store.path, checksum) == run.record["serial"]
        and own_header.get("serial") == run.record["serial"]
    )


def carry_out_withdrawals(run: Run) -> None:
    """Withdrawals that came in do here what they did where they were recorded (the store's
    one withdrawal code, on the copy), inside the merge's save; what they changed is stamped
    in it too."""
    from voicesgroup.errors import NotFound
    from voicesgroup.kinds import ConsentScope

    store = run.store
    erasures = [(m, s) for m, s, erase in run.withdrawals if erase]
    for member_id, scope, erase in run.withdrawals:
        try:
            store.member(uuid.UUID(member_id))
            store.carry_out_withdrawal(uuid.UUID(member_id), ConsentScope(scope), erase=erase)
        except (NotFound, ValueError):
            continue  # a member not held here: nothing of theirs to change
    run.withdrawals = []
    run.read_again()
    _note_erased(run, erasures)
    stamping.stamp(run)
    run.record["clock"] = run.clock.state.as_list()
    state.write(run.data, run.record)
    store.storage.write(run.data)


def _covered(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The records a withdrawal may erase, each id with its member's (`Run.covered_before`)."""
    return {
        table: {
            str(document.get("id")): str(document.get("member_id"))
            for document in (data.get(table) or {}).values()
        }
        for table in stamping.COVERED.values()
    }


def _note_erased(run: Run, erasures: list[tuple[str, str]]) -> None:
    """The records withdrawals with "erase" that came in took away, by the merge (the laptop
    that recorded one sent its erasure) or by carrying the withdrawal out here: each such
    member's records of the scope held before the merge and held no more."""
    for member_id, scope in erasures:
        table = stamping.COVERED.get(scope)
        if table is None:
            continue
        held = {str(document.get("id")) for document in (run.data.get(table) or {}).values()}
        before = run.covered_before.get(table, {})
        gone = {i for i, member in before.items() if member == member_id and i not in held}
        if gone:
            run.erased[table] = sorted(gone | set(run.erased.get(table, ())))


def _own_header(run: Run) -> dict[str, Any] | None:
    """The header of this laptop's outbox in the folder, or None (missing or unreadable)."""
    try:
        return outbox.header_of(run.own_outbox)
    except outbox.NewerOutbox:
        raise ExchangeError(NEWER_VERSION) from None
    except (OSError, outbox.OutboxError):
        return None


def _check_replica(run: Run, own_header: dict[str, Any] | None) -> None:
    """A copied file (another place or computer) or a restored one takes a new replica id."""
    record = run.record
    bound = state.binding(run.store.file_id, run.store.path)
    own: Path = run.own_outbox
    serial = own_header.get("serial") if own_header else None
    restored = type(serial) is int and serial > int(record.get("serial", 0))
    if bound == record.get("binding") and not restored:
        return
    if restored and bound == record.get("binding"):
        # put back here from an older copy: this laptop's own former outbox, read this time,
        # then gone. (A file copied elsewhere meets the outbox of the laptop it was copied
        # from, maybe written since: that laptop may still be at work, and its outbox stays.)
        run.former_outbox = own
    record.setdefault("previous_replicas", []).append(record["replica"])
    record["replica"] = secrets.token_hex(16)
    record["binding"] = bound
    record["serial"] = 0
    record["peers"] = {}
    run.clock = Clock(record["replica"], run.clock.state, run.clock.wall)
    run.changed = True
