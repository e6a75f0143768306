"""Reading the other laptops' outboxes: what came in, and each problem told once.

Reading is the slow part of an exchange (files, decryption), so it can be done ahead,
without the store: `reading` takes the plain values it needs from the store, `read_folder`
reads and opens every outbox not seen already (an app's worker calls it on any thread), and
the exchange uses what was read ahead only while each file's identity (`identity`) still
holds. An outbox merged whole is passed over while its file keeps that identity; why that is
safe is said at `identity`. `read_outboxes` is the exchange's own step: stamps more than a
day ahead are set aside, never believed; the other laptops' tombstones are joined; each
laptop's last outbox is noted for the status.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicesgroup.errors import VoicesGroupError
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import noted, outbox, state
from voicesgroup.exchange.merge import Entry
from voicesgroup.exchange.run import FORMER_IDENTITY, Run, clock_ahead_words, laptop_words

if TYPE_CHECKING:
    from voicesgroup.store import Store


@dataclass(frozen=True)
class Reading:
    """What reading the folder needs, as plain values: an app's worker reads and opens the
    other laptops' outboxes (the slow part: files, decryption) without the store."""

    folder: Path
    replica: str
    org: bytes | None = field(repr=False)
    """None when what reading needs was taken from the note beside the data file (`noted`),
    which keeps no key: the outboxes are then read ahead and opened by the exchange."""
    group_keys: dict[str, bytes] = field(repr=False)
    seen: tuple[tuple[Any, ...], ...]
    """The identity (`identity`) of each outbox merged whole and unchanged since."""


@dataclass(frozen=True)
class FolderRead:
    """Each outbox read ahead, by path: its identity (`identity`) and what it holds, or why it
    did not open, or its bytes (read without the keys: `Reading.org`). `exchange` uses a
    file's only while its identity still holds."""

    opened: dict[Path, tuple[list[Any], outbox.Contents | Exception | bytes]]


def reading(store: Store) -> Reading | None:
    """What `read_folder` needs, taken from the store (None when not set up). It is taken on
    the thread that owns the store, so as little as can be is read: the note beside the data
    file when it is of these very bytes (`noted`: no key, so the outboxes are read ahead and
    opened by the exchange), else the exchange's own table alone (the opening may have left
    the others unread, and ten years of them take a tenth of a second and more to check)."""
    head = noted.head_if_current(store, noted.read(store.path), noted.checksum_now(store))
    if head is not None:
        return Reading(Path(head["folder"]), str(head["replica"]), None, {}, _seen(head))
    record = state.read(store.storage.tables(state.TABLE))
    if record is None:
        return None
    seen = _seen(record)
    return Reading(
        Path(record["folder"]),
        str(record["replica"]),
        bytes.fromhex(record["org_key"]),
        {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()},
        seen,
    )


def _seen(record: dict[str, Any]) -> tuple[tuple[Any, ...], ...]:
    """The identity of each other laptop's outbox merged, from the record (or its head)."""
    return tuple(
        tuple(s)
        for s in (peer.get("seen") for peer in record["peers"].values())
        if isinstance(s, list)
    )


def identity(path: Path) -> list[Any]:
    """What the outbox file at `path` is now, to tell whether it is still the very file an
    exchange merged (noted as the laptop's `seen`); OSError propagates.

    Passing over a file with the identity noted is safe because of when it is noted: the
    identity is taken before the file is read, and noted only once that read authenticated
    whole (AES-GCM over every section, with the header as their associated data) and was
    merged, in the one save of the merge. So a file passed over is either the very file
    merged, with nothing new in it, or one changed since without its identity changing.
    Nothing such a change holds is taken in unchecked, since nothing enters the data but
    through authentication: at worst, what it brings waits for the file's next change.

    For that second case, everything here must stay the same:
    - the name, size and modification time (a program can set the time back, `touch -d`);
    - the inode: every writer of an outbox (this app, Syncthing, Nextcloud) writes a new
      file and renames it over the old one, which is a new inode;
    - the change time, which the kernel sets to now at every write to the file and no
      program can set back;
    - the header (`outbox.prefix_of`): each sealing draws new random nonces for its
      sections, and its serial and time, so two outboxes ever written never share one.
    What is left is a file system that keeps no change time (FAT, on a stick), with a file
    rewritten in place at the same length and time and its header kept: an alteration, which
    would not authenticate and so is not taken in either way, only named once the file
    changes again. The middle of the file is not hashed: that is a whole read, which is what
    passing over saves.
    """
    return _identity(path.name, path.stat(), outbox.prefix_of(path))


def _identity(name: str, stat: os.stat_result, prefix: bytes) -> list[Any]:
    """The identity of a file named `name`, with this `stat` and this header (`identity`)."""
    header = hashlib.blake2b(prefix, digest_size=16).hexdigest()
    return [name, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns, header]


def _opened_now(path: Path, stat: os.stat_result) -> tuple[list[Any], bytes]:
    """The file's bytes, and its identity as they were read (the `stat` taken before)."""
    blob = path.read_bytes()
    return _identity(path.name, stat, outbox.prefix_in(blob)), blob


def read_folder(ahead: Reading) -> FolderRead:
    """Read and open every other laptop's outbox not seen already; any thread may call it
    (it touches no store). A folder that cannot be listed reads as empty: `exchange` says why."""
    opened: dict[Path, tuple[list[Any], outbox.Contents | Exception | bytes]] = {}
    try:
        paths = carrier.outboxes(ahead.folder, ahead.replica)
    except (OSError, VoicesGroupError):
        return FolderRead(opened)
    for path in paths:
        try:
            stat = path.stat()
            if tuple(_identity(path.name, stat, outbox.prefix_of(path))) in ahead.seen:
                continue
            signature, blob = _opened_now(path, stat)
        except OSError:
            continue  # `exchange` reads it again and says why
        if ahead.org is None:
            opened[path] = (signature, blob)  # opened by the exchange, which has the keys
            continue
        try:
            found: outbox.Contents | Exception = outbox.open_sealed(
                blob, ahead.org, ahead.group_keys
            )
        except outbox.OutboxError as error:
            found = error
        opened[path] = (signature, found)
    return FolderRead(opened)


def _open_outbox(
    run: Run, path: Path, stat: os.stat_result, now: list[Any], ahead: FolderRead | None
) -> tuple[list[Any], outbox.Contents]:
    """The outbox at `path` (its identity `now`, after `stat`), opened, with the identity of
    what was opened: read ahead when its identity still holds, else read now."""
    if ahead is not None and path in ahead.opened:
        was, found = ahead.opened[path]
        if was == now:
            if isinstance(found, Exception):
                raise found
            if isinstance(found, bytes):
                return now, outbox.open_sealed(found, run.org, run.group_keys)
            return now, found
    signature, blob = _opened_now(path, stat)
    return signature, outbox.open_sealed(blob, run.org, run.group_keys)


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
    names = _group_names(run, parts)
    held = [str(names.get(group_id, "a group")) for group_id in groups]
    return laptop_words(role, held, replica)


def read_outboxes(
    run: Run, paths: list[Path], ahead: FolderRead | None = None
) -> tuple[list[Entry], list[Path]]:
    """Every other laptop's outbox that opens, and the files read; problems told once each."""
    incoming: list[Entry] = []
    read_from: list[Path] = []
    seen = [peer.get("seen") for peer in run.record["peers"].values()]
    for path in paths:
        now: list[Any] | None = None
        try:
            stat = path.stat()
            now = _identity(path.name, stat, outbox.prefix_of(path))
            if now in seen:
                continue  # read and merged whole already, the same file since (`identity`)
            signature, contents = _open_outbox(run, path, stat, now, ahead)
        except outbox.OutboxError as error:
            said = f"The outbox {path.name} was not read: {error}."
            _not_read(run, path, now, (outbox.kind_of(error), str(error)), said)
            continue
        except OSError as error:
            reason = error.strerror or type(error).__name__
            said = (
                f"The outbox {path.name} could not be read ({reason}); it is tried again next time."
            )
            _not_read(run, path, now, (outbox.UNREADABLE_KIND, reason), said)
            continue
        if _unread(run).pop(path.name, None) is not None:
            run.noted = True  # read at last: no longer listed
        formerly = sorted({e.key for e in contents.parts if e.kind == FORMER_IDENTITY})
        contents.parts = [e for e in contents.parts if e.kind != FORMER_IDENTITY]
        accepted, quarantined = _believed(run, contents)
        incoming.extend(accepted)
        read_from.append(path)
        _note_laptop(run, path, signature, contents, quarantined)
        if contents.replica in run.record["peers"]:
            run.record["peers"][contents.replica]["formerly"] = formerly
    _drop_former_identities(run)
    _tidy_unread(run, paths)
    _note_left(run)
    return incoming, read_from


def _unread(run: Run) -> dict[str, Any]:
    """The record's outboxes that did not open (`state.unread`), kept in the record (a copy of
    the data: what the exchange saves) to be changed in place."""
    found = run.record["unread"] = state.unread(run.record)
    return found


def _not_read(
    run: Run, path: Path, now: list[Any] | None, why: tuple[str, str], sentence: str
) -> None:
    """An outbox that did not open, noted in the exchange's record (`unread`, by file name:
    its identity, `why` as its kind and the reason in words, and since when: what the status
    lists) and told in `sentence` unless an exchange told it already and the file has not
    changed since. A conflict copy told before is removed once it is plain that it never
    opens (unchanged since, so not still being copied) and that the laptop that wrote it has
    its whole outbox here (`_tidy_unread`)."""
    kind, reason = why
    unread: dict[str, Any] = _unread(run)
    was = unread.get(path.name)
    if isinstance(was, dict) and was.get("identity") == now and was.get("kind") == kind:
        run.summary.still_unread.append(path.name)
        if carrier.is_conflict_copy(path) and kind in outbox.NEVER_OPENS and now is not None:
            run.set_aside.append(path)
        return
    unread[path.name] = {
        "identity": now,
        "kind": kind,
        "reason": reason,
        "since_ms": run.clock.wall(),
    }
    run.noted = True
    run.summary.unread[path.name] = sentence
    run.summary.problems.append(sentence)


def _tidy_unread(run: Run, paths: list[Path]) -> None:
    """What the record lists as unreadable, once this exchange has read the folder: a file
    gone from it (taken away, or written again and read) is no longer listed, and each conflict
    copy to remove (`_not_read`) is removed when its laptop's whole outbox is here, in one
    sentence."""
    unread: dict[str, Any] = _unread(run)
    present = {path.name for path in paths}
    for name in [name for name in unread if name not in present]:
        del unread[name]
        run.noted = True
    removable = [path for path in run.set_aside if _whole_outbox_here(run, path)]
    run.set_aside = removable
    for path in removable:
        noted_kind = unread.pop(path.name, {}).get("kind")
        run.noted = True
        run.summary.still_unread.remove(path.name)
        replica = str(carrier.replica_of(path))
        run.summary.problems.append(
            f"The conflict copy {path.name} was removed: it never opened "
            f"({UNREAD_REASONS.get(noted_kind, 'damaged')}), and the whole outbox of the laptop "
            f"that wrote it ({replica[:6]}) is in the folder and was read, so nothing is lost."
        )


UNREAD_REASONS = {
    outbox.INCOMPLETE_KIND: "cut short",
    outbox.DAMAGED_KIND: "damaged",
    outbox.PASSPHRASE_KIND: "not sealed with this organisation's passphrase",
    outbox.NOT_AN_OUTBOX_KIND: "not an outbox",
}


def _whole_outbox_here(run: Run, copy: Path) -> bool:
    """Whether the laptop whose conflict copy `copy` is has its whole outbox in the folder,
    taken in here: read and merged whole, the very file since (`identity`); or this laptop's
    own, as its last exchange wrote it."""
    replica = carrier.replica_of(copy)
    if replica is None:
        return False
    main = run.folder / carrier.outbox_name(replica)
    try:
        if replica == run.replica:
            return bool(outbox.header_of(main).get("serial") == run.record["serial"])
        return identity(main) in [peer.get("seen") for peer in run.record["peers"].values()]
    except (OSError, outbox.OutboxError):
        return False


def _note_left(run: Run) -> None:
    """Each other laptop that said in the folder that it left (`exchange leave`): kept in the
    status as a laptop that left, no longer counted."""
    for replica, peer in run.record["peers"].items():
        if not peer.get("left") and carrier.has_left(run.folder, replica, run.org):
            peer["left"] = True
            run.noted = True


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
    set aside for a stamp more than a day ahead: told when it begins (the status lists it
    while it lasts: `_note_laptop` notes it), with groups that did not open."""
    name = _laptop_name(run, contents.role, contents.groups, contents.replica, contents.parts)
    limit = run.clock.limit()
    accepted = [entry for entry in contents.parts if entry.stamp.ms <= limit]
    quarantined = len(contents.parts) - len(accepted)
    peer = run.record["peers"].get(contents.replica)
    told = isinstance(peer, dict) and type(peer.get("set_aside")) is int and peer["set_aside"] > 0
    if quarantined and not told:
        run.summary.problems.append(clock_ahead_words(name, quarantined))
        run.summary.listed.append(run.summary.problems[-1])
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
    if contents.replica == run.replica or (
        run.former_outbox is not None and carrier.replica_of(run.former_outbox) == contents.replica
    ):
        # this laptop's own outbox (a carrier's conflict copy of it), or its own former one
        # (the file was put back from an older copy): never a peer. A former identity still
        # writing is the laptop this file was copied from, still at work: a peer.
        return
    if contents.replica in run.record.get("forgotten_laptops", []):
        return  # the coordinator said it is gone: read, never counted again
    if (run.record["peers"].get(contents.replica) or {}).get("left"):
        return  # it said it left: what is still in the folder of it is read, never counted
    peer = run.record["peers"].setdefault(contents.replica, {})
    peer["seen_ms"] = run.clock.wall()
    if int(peer.get("serial", -1)) <= contents.serial:
        peer.update(
            role=contents.role,
            groups=contents.groups,
            serial=contents.serial,
            written_ms=contents.written_ms,
            tombstones=sorted(set(contents.tombstones)),
            set_aside=quarantined,
            # a file with stamps set aside is read again next time, not passed over
            seen=None if carrier.is_conflict_copy(path) or quarantined else signature,
        )
    for stone in contents.tombstones:
        run.add_tombstone(stone)
    run.summary.laptops += 1
