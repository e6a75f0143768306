"""Demo data files for tests, built once per test process and copied after that.

`write_demo_file` builds the demo data through the store, record by record; the result for a
given day is the same every time apart from its random ids. Tests that only need *a* demo file
of their own get a byte-for-byte copy of one built earlier in this process (as the core tests'
`demo_bytes` fixture does), with the permissions `write_demo_file` gives it.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

from voicesgroup.demo import write_demo_file

DEMO_TODAY = dt.date(2025, 3, 11)
"""The demo data set is dated relative to this day, so every run builds the same people."""

DEMO_MEMBERS = 12
DEMO_FACILITATORS = 6
DEMO_GROUPS = 3


@functools.cache
def demo_bytes(today: dt.date, with_rota: bool = True) -> bytes:
    """The bytes of a demo file written for `today` (once per process for each day)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.json"
        write_demo_file(path, today, with_rota=with_rota)
        return path.read_bytes()


def write_demo_copy(path: Path, today: dt.date, *, with_rota: bool = True) -> Path:
    """A new demo data file at `path`, as `write_demo_file(path, today)` would leave it."""
    blob = demo_bytes(today, with_rota)
    with path.open("xb") as new:  # never over an existing file, as write_demo_file
        new.write(blob)
    path.chmod(0o600)
    return path
