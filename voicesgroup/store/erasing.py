"""Erasing records from the backups as well: what a withdrawal with "erase it now" erased
from the data file is erased from every backup too, even after a crash.

The order, each step safe to repeat (as forgetting's, `forgetting.py`):

1. The journal is written beside the data file (`<file>.erasing`): each table's ids of the
   records erased, and nothing else (an id is a random number that names nobody).
2. Every backup is rewritten without those records (one that cannot be read with the current
   key is left as it is: it is not this file's, and `check` reads it as any other).
3. The journal is removed.

A kill or a full disk at any step leaves the journal, and the next opening for changes does the
rest (`finish_pending`). The data file itself is changed and saved by the caller, as any change,
inside `erasure`: a withdrawal recorded here (`Store.withdraw_consent`) and one that came in
through the exchange (`exchange.one_exchange.apply`) both save that way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from voicesgroup.errors import StoreError
from voicesgroup.store.backups import half_done, rewrite_backups
from voicesgroup.store.owned import erasing_file
from voicesgroup.store.storage import decode_document, write_atomically

if TYPE_CHECKING:
    from voicesgroup.store import crypto
    from voicesgroup.store.repository import Store

Erased = Mapping[str, list[str]]
"""Each table's ids of the records erased."""


@contextmanager
def erasure(store: Store, erased: Erased) -> Iterator[None]:
    """Around the save that erases the records `erased` names from the data file: the
    journal before it (step 1), the backups after it (steps 2 and 3). Nothing to erase:
    the save alone."""
    if not any(erased.values()):
        yield
        return
    store.refuse_if_read_only()
    begin(store, erased)
    yield
    finish(store)


def begin(store: Store, erased: Erased) -> None:
    """Step 1, before the data file is changed: the journal, with any erasure a crash left
    unfinished, so a kill after the data file's save still finds its way to the backups."""
    wanted = _merged(_pending(store.path), erased)
    if any(wanted.values()):
        write_atomically(erasing_file(store.path), orjson.dumps(wanted))


def finish(store: Store) -> None:
    """Steps 2 and 3, once the data file is changed. StoreError, with a sentence, when a
    backup cannot be rewritten: the journal stays, the rest is done at the next opening."""
    wanted = _pending(store.path)
    if wanted:
        _rewrite(store, wanted)


def finish_pending(store: Store) -> None:
    """Finish an erasure a crash interrupted (opening for changes calls it); what happened
    goes to `finished_on_open`."""
    wanted = _pending(store.path)
    if not wanted:
        return
    try:
        _rewrite(store, wanted)
    except StoreError as error:
        store.finished_on_open.append(str(error))
        return
    store.finished_on_open.append("An interrupted erasure was finished in the backups.")


def _rewrite(store: Store, wanted: Erased) -> None:
    try:
        rewrite_backups(store.path, partial(_backup_without, store.path, store.unlocked, wanted))
    except StoreError as error:
        raise half_done("The erasure", "those records", error) from error
    erasing_file(store.path).unlink(missing_ok=True)


def _pending(path: Path) -> dict[str, list[str]]:
    try:
        stored = orjson.loads(erasing_file(path).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        str(table): [str(i) for i in ids] for table, ids in stored.items() if isinstance(ids, list)
    }


def _merged(first: Erased, second: Erased) -> dict[str, list[str]]:
    return {
        table: sorted({*first.get(table, ()), *second.get(table, ())})
        for table in {*first, *second}
    }


def _backup_without(
    path: Path, unlocked: crypto.Unlocked | None, wanted: Erased, blob: bytes
) -> bytes | None:
    """A backup's bytes without the records `wanted` names, or None when it cannot be read
    (left as it is) or holds none of them (not rewritten)."""
    from voicesgroup.store import crypto

    try:
        plaintext = crypto.open_sealed(blob, unlocked) if unlocked else blob
        data = decode_document(plaintext, path)
    except (crypto.CryptoError, StoreError):
        return None
    changed = False
    for table, ids in wanted.items():
        records = data.get(table)
        if not isinstance(records, dict):
            continue
        gone = {key for key, record in records.items() if str(record.get("id")) in set(ids)}
        for key in gone:
            del records[key]
        changed = changed or bool(gone)
    if not changed:
        return None
    cleaned = orjson.dumps(data)
    return crypto.seal(cleaned, unlocked) if unlocked else cleaned
