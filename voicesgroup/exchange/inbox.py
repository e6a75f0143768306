"""Reading the other laptops' outboxes: what came in, and each problem told once.

Reading is the slow part of an exchange (files, decryption), so it can be done ahead,
without the store: `reading` takes the plain values it needs from the store, `read_folder`
reads and opens every outbox not seen already (an app's worker calls it on any thread), and
the exchange uses what was read ahead only while each file's signature (name, size, time)
still holds. `read_outboxes` is the exchange's own step: stamps more than a day ahead are
set aside, never believed; the other laptops' tombstones are joined; each laptop's last
outbox is noted for the status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.counting import counted, were
from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import outbox, state
from voicesgroup.exchange.merge import Entry
from voicesgroup.exchange.run import FORMER_IDENTITY, Run

if TYPE_CHECKING:
    from voicesgroup.store import Store


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
    """What `read_folder` needs, taken from the store (None when not set up); only the
    exchange's own table is parsed for it."""
    record = state.read(store.storage.tables(state.TABLE))
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
    run: Run, path: Path, signature: list[Any], ahead: FolderRead | None
) -> outbox.Contents:
    """The outbox at `path`, opened: read ahead when its signature still holds, else now."""
    if ahead is not None and path in ahead.opened:
        was, found = ahead.opened[path]
        if was == signature:
            if isinstance(found, Exception):
                raise found
            return found
    return outbox.open_sealed(path.read_bytes(), run.org, run.group_keys)


def _group_names(run: Run, parts: Iterable[Entry]) -> dict[Any, Any]:
    """Each group's name by id: those held here, and those an outbox is only now telling of."""
    names = {doc.get("id"): doc.get("name") for doc in run.data.get("groups", {}).values()}
    for entry in parts:
        if entry.kind == "groups" and entry.content is not None:
            names.setdefault(entry.key, entry.content.get("name"))
    return names


def _laptop_name(
    run: Run, role: str, groups: Iterable[str], replica: str, parts: Iterable[Entry] = ()
) -> str:
    if role == state.COORDINATOR:
        return f"the coordinator's laptop ({replica[:6]})"
    names = _group_names(run, parts)
    held = ", ".join(str(names.get(group_id, "a group")) for group_id in groups) or "no group"
    return f"the laptop of {held} ({replica[:6]})"


def read_outboxes(
    run: Run, paths: list[Path], ahead: FolderRead | None = None
) -> tuple[list[Entry], list[Path]]:
    """Every other laptop's outbox that opens, and the files read; problems told once each."""
    incoming: list[Entry] = []
    read_from: list[Path] = []
    seen = [peer.get("seen") for peer in run.record["peers"].values()]
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
        formerly = sorted({e.key for e in contents.parts if e.kind == FORMER_IDENTITY})
        contents.parts = [e for e in contents.parts if e.kind != FORMER_IDENTITY]
        accepted, quarantined = _believed(run, contents)
        incoming.extend(accepted)
        read_from.append(path)
        _note_laptop(run, path, signature, contents, quarantined)
        if contents.replica in run.record["peers"]:
            run.record["peers"][contents.replica]["formerly"] = formerly
    _drop_former_identities(run)
    return incoming, read_from


def _drop_former_identities(run: Run) -> None:
    """A laptop that took a new identity (restored or copied) names its former ones; each
    stops being counted once its outbox has left the folder (a restored laptop takes it out).
    One still there is a laptop still at work (a clone) and stays counted."""
    peers = run.record["peers"]
    for peer in list(peers.values()):
        for former in peer.get("formerly", []):
            if former in peers and not (run.folder / carrier.outbox_name(former)).exists():
                del peers[former]


def _believed(run: Run, contents: outbox.Contents) -> tuple[list[Entry], int]:
    """The parts of an outbox taken in (the clock moves on to their stamps), and how many were
    set aside for a stamp more than a day ahead; told once, with groups that did not open."""
    name = _laptop_name(run, contents.role, contents.groups, contents.replica, contents.parts)
    limit = run.clock.limit()
    accepted = [entry for entry in contents.parts if entry.stamp.ms <= limit]
    quarantined = len(contents.parts) - len(accepted)
    if quarantined:
        run.summary.problems.append(
            f"{name} has its clock more than a day ahead: {counted(quarantined, 'record')} "
            f"from it {were(quarantined)} set aside until its date and time are put right."
        )
    run.clock.receive_all(entry.stamp for entry in accepted)
    group_names = _group_names(run, contents.parts)
    for group_id in contents.unopened:
        run.summary.problems.append(
            f"From {name}, the records of {group_names.get(group_id, 'a group')} do not "
            "open with this laptop's passphrase for that group (were both set up with the "
            "same one?); the rest was read."
        )
    return accepted, quarantined


def _note_laptop(
    run: Run, path: Path, signature: list[Any], contents: outbox.Contents, quarantined: int
) -> None:
    """What the laptop's outbox said, for the status, and its tombstones joined to ours."""
    if contents.replica == run.replica or contents.replica in run.record.get(
        "previous_replicas", []
    ):
        return  # this laptop's own outbox (a carrier's conflict copy of it): never a peer
    if contents.replica in run.record.get("forgotten_laptops", []):
        return  # the coordinator said it is gone: read, never counted again
    peer = run.record["peers"].setdefault(contents.replica, {})
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
        run.add_tombstone(stone)
    run.summary.laptops += 1
