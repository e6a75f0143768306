"""The exchange's public face: set-up, one exchange (import before export), status, leaving.

Screens, commands, tests and benchmarks call these names; each is made in the module of its
concern, which the package's docstring lists:

- joining and leaving, and the keys set up once: `joining` (`setup`, `leave`,
  `forget_laptop`, `laptop_described`);
- reading the other laptops' outboxes, ahead in an app's worker too: `inbox` (`reading`,
  `read_folder`, `Reading`, `FolderRead`);
- the one exchange, its steps in order: `one_exchange` (`exchange`), over `stamping` (this
  laptop's changes and outbox) and `applying` (a merge put into the document);
- what the exchange knows: `status`;
- what the steps share: `run` (`ExchangeError`, `Summary`).
"""

from __future__ import annotations

from voicesgroup.exchange.inbox import FolderRead, Reading, read_folder, reading
from voicesgroup.exchange.joining import (
    COORDINATOR,
    GROUP,
    carrier_write,
    forget_laptop,
    laptop_described,
    leave,
    setup,
)
from voicesgroup.exchange.one_exchange import exchange
from voicesgroup.exchange.run import NEWER_VERSION, ExchangeError, Summary
from voicesgroup.exchange.status import status

__all__ = [
    "COORDINATOR",
    "GROUP",
    "NEWER_VERSION",
    "ExchangeError",
    "FolderRead",
    "Reading",
    "Summary",
    "carrier_write",
    "exchange",
    "forget_laptop",
    "laptop_described",
    "leave",
    "read_folder",
    "reading",
    "setup",
    "status",
]
