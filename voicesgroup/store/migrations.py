"""Ordered migrations of the data file, run in memory after a backup has been taken.

Each entry moves the raw data from version N to N+1. The first schema version is 1, so there
is nothing to migrate yet; the next change to the stored shape adds `2: _from_1_to_2` here and
bumps `SCHEMA_VERSION` in schema.py, with a fixture of the old file in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voicesgroup.schema import META_TABLE, SCHEMA_VERSION

Migration = Callable[[dict[str, Any]], None]

MIGRATIONS: dict[int, Migration] = {}
"""Target version → function that changes version-1 data in place."""


def migrate(data: dict[str, Any], from_version: int) -> None:
    """Bring `data` up to the newest schema version, one step at a time, in place."""
    for target in range(from_version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[target](data)
        data[META_TABLE]["1"]["schema_version"] = target
