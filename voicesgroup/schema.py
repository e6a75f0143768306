"""The shape of the data file that every layer may know: its version and its fixed table names.

A leaf module: it imports nothing, so the records (models.py) can name the schema version
without loading the store, TinyDB or orjson. Migrations (store/migrations.py) bump the version; the
store reads and writes the tables.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
"""Stamped in every data file; bump it together with a migration in store/migrations.py."""

META_TABLE = "_meta"
"""The file's own facts: schema version, file id, what was forgotten."""

SETTINGS_TABLE = "settings"
"""The organisation's settings, one record."""
