"""The store: the repository every screen and command goes through, and what keeps it safe.

- `repository`: `Store`, typed reads and consent-checked writes of one data file in memory.
- `opening`: the one-writer lock, decrypting, checking a file before it is trusted.
- `passphrase`: setting, changing or removing it, for the file and every backup or for none.
- `forgetting`: a member erased from the file and every backup, finished even after a crash.
- `integrity`: what `voicesgroup check` verifies.
"""

from voicesgroup.store.forgetting import ForgetReport
from voicesgroup.store.opening import Secret, read_document, take_writer_lock
from voicesgroup.store.repository import SETTINGS_TABLE, TABLES, Store, new_document

__all__ = [
    "SETTINGS_TABLE",
    "TABLES",
    "ForgetReport",
    "Secret",
    "Store",
    "new_document",
    "read_document",
    "take_writer_lock",
]
