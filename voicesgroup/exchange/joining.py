"""Joining the organisation's exchange folder and leaving it, and the keys set up once.

`setup` joins this laptop: the first laptop creates the folder's set-up file (salt, cost, a
check of the key, never the key), the others must give the same passphrase; the
organisation's key and each held group's key are derived once and kept in the data file's
exchange record (`state`). `leave` stops exchanging (the outbox leaves the folder, the data
stays); `forget_laptop` stops counting a laptop lost or replaced without leaving.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from voicesgroup.counting import counted
from voicesgroup.exchange import folder as carrier
from voicesgroup.exchange import outbox, state
from voicesgroup.exchange.run import ExchangeError, required
from voicesgroup.exchange.status import status
from voicesgroup.store import crypto, name_key

if TYPE_CHECKING:
    from voicesgroup.store import Store

COORDINATOR = state.COORDINATOR
GROUP = "group"
"""A group's laptop's role (the coordinator's is `COORDINATOR`)."""


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
    salt, params, org, said = _organisation_key(folder, passphrase, params)
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
    if not coordinator:  # follow-ups noted before the laptop shared: each gets its record
        from voicesgroup.follow_ups import record_every_follow_up

        record_every_follow_up(store)
    return [said]


def _organisation_key(
    folder: Path, passphrase: str, params: crypto.KdfParams
) -> tuple[bytes, crypto.KdfParams, bytes, str]:
    """The folder's salt and cost, and the organisation's key: from the folder's set-up file
    when there is one (the passphrase must be the one it was made with), else made now and
    the set-up file written. With the sentence saying which."""
    from voicesgroup.store.passphrase import passphrase_problem

    setup_file = folder / outbox.SETUP_FILE
    if setup_file.exists():
        salt, params = _read_setup(setup_file)
        org = outbox.org_key(passphrase, salt, params)
        if outbox.key_check(org) != _read_setup_check(setup_file):
            raise ExchangeError(
                "That is not the passphrase this exchange folder was set up with; nothing was "
                "changed."
            )
        return salt, params, org, "Joined the exchange set up in this folder."
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
    return salt, params, org, "Set up a new exchange in this folder."


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
            if entry.kind == "groups" and name_key(str(content.get("name", ""))) == name_key(name):
                found.add(str(content.get("id")))
    if len(found) != 1:
        raise ExchangeError(
            f"No group called {name!r} is on this laptop or in the exchange folder yet"
            if not found
            else f"{len(found)} groups in the exchange folder are called {name!r}"
        )
    return found.pop()


def carrier_write(path: Path, blob: bytes) -> None:
    """Write a file of the folder whole (the store's atomic write)."""
    from voicesgroup.store.storage import write_atomically

    write_atomically(path, blob)


def _read_setup(path: Path) -> tuple[bytes, crypto.KdfParams]:
    try:
        record = orjson.loads(path.read_bytes())
        if int(record["format"]) > outbox.FORMAT:
            raise ExchangeError(
                f"The exchange folder's set-up, {path}, was made by a newer version of "
                "voicesgroup: please update it on this laptop. Nothing was changed."
            )
        kdf = record["kdf"]
        return bytes.fromhex(record["salt"]), crypto.KdfParams(
            int(kdf["memory_kib"]), int(kdf["iterations"]), int(kdf["lanes"])
        )
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ExchangeError(
            f"The exchange folder's set-up, {path}, cannot be read; nothing was changed."
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
    record = required(data)
    folder = Path(record["folder"])
    own = folder / carrier.outbox_name(record["replica"])
    # The outbox goes first: a laptop that could not take it out stays set up, so leaving
    # can be tried again, and the folder never keeps the outbox of a laptop that forgot it.
    try:
        if not folder.is_dir():
            raise FileNotFoundError(folder)
        own.unlink(missing_ok=True)
        # and says it left, so the other laptops stop counting it
        proof = carrier.left_proof(bytes.fromhex(record["org_key"]), record["replica"])
        carrier.write_left(folder, record["replica"], proof)
    except OSError:
        raise ExchangeError(
            f"This laptop's outbox could not be taken out of the exchange folder {folder} "
            "(is the stick plugged in, or the folder reachable?): reach the folder, then run "
            "`voicesgroup exchange leave` again; nothing was changed."
        ) from None
    with store.batch():
        state.write(data, None)
        store.storage.write(data)
        store.audit("exchange left")
    from voicesgroup.store.owned import exchanged_file

    with suppress(OSError):  # the note of its last exchange names the folder: gone with it
        exchanged_file(store.path).unlink()
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
    record = required(data)
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
            f"More than one laptop has an id beginning {name!r} ({len(found)}); give more of it."
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
