"""The note beside the data file of what the last exchange left it as (`<file>.exchanged`).

Written by `one_exchange.deliver` after the exchange's save: the data file's checksum, the
serial of this laptop's outbox, and for a plain file the head of its exchange record (`head`:
its identity, folder and the other laptops' outboxes merged; never a key, never a part's
stamp). The next exchange tells from it alone whether anything changed here since, and
reading the folder ahead takes what it needs from it, so neither parses the exchange's table
(a hash and a stamp for every shared part: a megabyte with ten years).

It is a cache and only a cache, written only here, from the record just saved: with the
data file's checksum the same, the record in the file is the one the head was made from. A
note missing, damaged, of another layout or of other bytes is passed over, never believed,
and the table is read. An encrypted file's note has no head (it would tell its folder and
laptops in clear); it goes with a passphrase change and with leaving the exchange.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import state

if TYPE_CHECKING:
    from voicesgroup.store import Store


def checksum_now(store: Store) -> int | None:
    """The data file's checksum when it holds the data in memory (None while a change, or a
    save under way, is not yet in the file)."""
    signature = store.storage.signature
    pending = store.unsaved or store.storage.saving
    return None if pending or signature is None else signature.checksum


def read(data_file: Path) -> dict[str, Any] | None:
    """What the note beside the data file says the last exchange left: the file's checksum,
    the number of its outboxes, and for a plain file the head of its exchange record (None
    when there is no readable note)."""
    from voicesgroup.store.owned import exchanged_file

    try:
        noted = orjson.loads(exchanged_file(data_file).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(noted, dict) or not all(
        type(noted.get(key)) is int for key in ("checksum", "serial")
    ):
        return None
    return noted


def serial_if(data_file: Path, checksum: int) -> int | None:
    """The serial the note says the last exchange left, if it left these bytes (`checksum`)."""
    noted = read(data_file)
    return None if noted is None or noted["checksum"] != checksum else int(noted["serial"])


def write(data_file: Path, checksum: int, serial: int, head: dict[str, Any] | None) -> None:
    """Note beside the data file what this exchange left it as (a checksum, no content; for
    a plain file, the head of its exchange record, which the file holds in clear too), so the
    next exchange knows at once whether anything changed here since."""
    from voicesgroup.store.owned import exchanged_file
    from voicesgroup.store.storage import write_atomically

    note = {"checksum": checksum, "serial": serial, **({"head": head} if head else {})}
    if read(data_file) == note:
        return
    with suppress(OSError):  # without the note the next exchange only takes longer
        write_atomically(exchanged_file(data_file), orjson.dumps(note))


def head(record: dict[str, Any]) -> dict[str, Any]:
    """What telling "nothing new" and reading the folder ahead need of the exchange's record:
    a few lines of it."""
    return {
        "format": record.get("format"),
        "replica": record["replica"],
        "binding": record.get("binding"),
        "folder": record["folder"],
        "serial": record["serial"],
        "peers": {
            replica: {
                "seen": peer.get("seen"),
                "formerly": peer.get("formerly", []),
                "left": bool(peer.get("left")),
            }
            for replica, peer in record["peers"].items()
        },
        "unread": {name: found.get("identity") for name, found in state.unread(record).items()},
    }


def head_if_current(
    store: Store, noted: dict[str, Any] | None, checksum: int | None
) -> dict[str, Any] | None:
    """The head of the exchange's record as the note keeps it, when the note is of these very
    bytes (their `checksum`) and the opening left the exchange's table unread; else None, and
    the caller reads the table."""
    if checksum is None or noted is None or noted.get("checksum") != checksum:
        return None
    if state.TABLE not in store.storage.unread:
        return None  # read already: the record itself is at hand
    found = noted.get("head")
    return found if _is_head(found) else None


def _is_head(found: object) -> bool:
    """Whether `found` is laid out as `head` writes it, for this version's exchange record."""
    if not isinstance(found, dict) or found.get("format") != state.FORMAT:
        return False
    peers = found.get("peers")
    return (
        isinstance(found.get("replica"), str)
        and carrier.REPLICA_ID.fullmatch(found["replica"]) is not None
        and isinstance(found.get("binding"), str)
        and isinstance(found.get("folder"), str)
        and type(found.get("serial")) is int
        and isinstance(found.get("unread", {}), dict)
        and isinstance(peers, dict)
        and all(
            isinstance(peer, dict)
            and (peer.get("seen") is None or isinstance(peer.get("seen"), list))
            and isinstance(peer.get("formerly"), list)
            and all(isinstance(former, str) for former in peer["formerly"])
            for peer in peers.values()
        )
    )
