"""The store: the repository every screen and command goes through, and what keeps it safe.

- `repository`: `Store`, typed reads and consent-checked writes of one data file in memory.
- `tables`: the store's internal interface, the records without the consent rule; the store's
  own modules use it (`Store.tables`), nothing else does.
- `covered`: what a withdrawal or forgetting does to the records a consent covered.
- `opening`: the one-writer lock (`writer_lock`), decrypting, checking a file before it is
  trusted; `checked`, the note that lets it leave unread the tables nothing has asked for.
- `storage`: the data file in memory and its atomic saves; `backups`, `restore`, `crypto`
  (encryption at rest, loaded only for an encrypted file), `audit`, `migrations`.
- `passphrase`: setting, changing or removing it, for the file and every backup or for none.
- `forgetting`: a member erased from the file and every backup, finished even after a crash
  (`tombstones`, `redaction`).
- `integrity`: what `voicesgroup check` verifies.
"""

from voicesgroup.store.forgetting import ForgetReport
from voicesgroup.store.opening import Secret, read_document, take_writer_lock
from voicesgroup.store.repository import SETTINGS_TABLE, TABLES, Store, name_key, new_document

__all__ = [
    "SETTINGS_TABLE",
    "TABLES",
    "ForgetReport",
    "Secret",
    "Store",
    "name_key",
    "new_document",
    "read_document",
    "take_writer_lock",
]
