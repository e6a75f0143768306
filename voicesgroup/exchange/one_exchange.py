"""One exchange, import before export: the steps in their order, and the saves between them.

1. The laptop's replica id is checked (a copied or restored file takes a new one).
2. What changed here since the last outbox is stamped (`stamping`; content hashes,
   `sharing.parts_of`), unless the data file is byte for byte as the last exchange left it.
3. Every other laptop's outbox is read and opened (`inbox`); one that cannot be is named in
   one sentence and left for next time. Stamps more than a day ahead are quarantined, never
   believed.
4. The organisation's tombstones are joined; nothing about a forgotten member is taken in.
5. The merge runs in memory (`applying`), and every record it takes in is checked by its
   model.
6. One atomic save of the data file holds the merge and the exchange's state: the data file
   is the old one or the merged one, never half. Withdrawals that came in are carried out in
   it, by the store's own withdrawal code.
7. A member forgotten elsewhere is forgotten here by the store's own forgetting (the data file
   and every backup), then the changes it made are stamped and saved.
8. The outbox is written (a temporary file, flushed, renamed), and merged conflict copies
   the carrier made are removed.

Each step is called through its module (`stamping.stamp`, `inbox.read_outboxes`…), so a test
can stop the exchange at any of them and find the old file or the merged one.
"""

from __future__ import annotations

import gc
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.exchange import applying, inbox, outbox, stamping, state
from voicesgroup.exchange import clock as hlc
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange.clock import Clock, Stamp
from voicesgroup.exchange.run import NEWER_VERSION, ExchangeError, Run, Summary, required

if TYPE_CHECKING:
    from voicesgroup.store import Store


def exchange(
    store: Store, *, wall: Callable[[], int] | None = None, ahead: inbox.FolderRead | None = None
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


def _start(store: Store, wall: Callable[[], int]) -> Run:
    """The exchange in memory, from the data file as it is saved."""
    store.refuse_if_read_only()
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


def _exchange(store: Store, wall: Callable[[], int], ahead: inbox.FolderRead | None) -> Summary:
    run = _start(store, wall)
    own_header = _own_header(run)
    _check_replica(run, own_header)
    paths = carrier.outboxes(run.folder, run.replica)  # a missing folder: said at once
    # The data file byte for byte as the last exchange left it: nothing here needs a stamp,
    # and the ten years of records need not be hashed again.
    stamped = False if _unchanged_here(run, own_header) else stamping.stamp(run)
    incoming, read_from = inbox.read_outboxes(run, paths, ahead)
    if incoming:
        applying.merge_in(run, incoming)
        stamping.stamp(run)
    sealed: bytes | None = None
    if run.changed or stamped or incoming or read_from:
        run.record["clock"] = run.clock.state.as_list()
        run.record["last"] = {"ms": wall(), **run.summary.as_json()}
        with store.batch():
            state.write(run.data, run.record)
            store.storage.write(run.data)
            store.documents_replaced()
            if incoming:
                store.audit("exchanged", f"{sum(run.summary.came_in.values())} records in")
            if run.withdrawals:
                carry_out_withdrawals(run)
            if not applying.due_forgetting(run):  # the outbox's serial in the same save
                sealed = stamping.seal(run, own_header)
    if sealed is not None:
        stamping.write_outbox(run, sealed)
        own_header = {"serial": run.record["serial"]}
    own_header = _forget_and_stamp(run, own_header)
    stamping.export(run, own_header)
    _note_exchanged(store, run.record)
    for path in read_from:
        if carrier.is_conflict_copy(path):
            carrier.remove_conflict_copy(path)
    if run.former_outbox is not None and run.former_outbox in read_from:
        run.former_outbox.unlink(missing_ok=True)
    return run.summary


def _unchanged_here(run: Run, own_header: dict[str, Any] | None) -> bool:
    """Whether the data file is as the last exchange left it, and its outbox too."""
    store = run.store
    signature = store.storage.signature
    return (
        own_header is not None
        and not run.changed
        and not store.unsaved
        and signature is not None
        and _noted_after_last_exchange(store) == [signature.checksum, run.record["serial"]]
        and own_header.get("serial") == run.record["serial"]
    )


def _forget_and_stamp(run: Run, own_header: dict[str, Any] | None) -> dict[str, Any] | None:
    """Forget the members due to be forgotten, then stamp what that changed and save it with
    the next outbox's serial, in one save (the store's forgetting saved the file itself: it is
    read again), and write that outbox. Stamps saved without a new serial would let a stop
    before the outbox leave the old one, the member in it, for good: the next exchange finds
    nothing new to stamp. With the serial saved, it finds the outbox older and writes it.
    Returns the header of the outbox now in the folder, as far as this exchange knows."""
    forgotten = applying.forget_here(run)
    if not forgotten:
        return own_header
    run.summary.forgotten = forgotten
    run.read_again()
    run.record = required(run.data)
    stamping.stamp(run)
    run.changed = True  # the forgetting is news: the old outbox still holds the member
    run.record["clock"] = run.clock.state.as_list()
    with run.store.batch():
        state.write(run.data, run.record)
        run.store.storage.write(run.data)
        sealed = stamping.seal(run, own_header)
    if sealed is None:
        return own_header
    stamping.write_outbox(run, sealed)
    return {"serial": run.record["serial"]}


def carry_out_withdrawals(run: Run) -> None:
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
    run.read_again()
    stamping.stamp(run)
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
    if restored:  # this laptop's own former outbox: read this time, then gone
        run.former_outbox = own
    record.setdefault("previous_replicas", []).append(record["replica"])
    record["replica"] = secrets.token_hex(16)
    record["binding"] = bound
    record["serial"] = 0
    record["peers"] = {}
    run.clock = Clock(record["replica"], run.clock.state, run.clock.wall)
    run.changed = True
