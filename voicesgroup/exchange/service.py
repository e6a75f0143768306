"""The exchange's public face: set-up, one exchange (import before export), status, leaving.

Screens, commands, tests and benchmarks call these names; each is made in the module of its
concern, which the package's docstring lists:

- joining and leaving, and the keys set up once: `joining` (`setup`, `leave`,
  `forget_laptop`, `laptop_described`);
- reading the other laptops' outboxes, ahead in an app's worker too: `inbox` (`reading`,
  `read_folder`, `Reading`, `FolderRead`);
- the one exchange, its steps in order: `one_exchange` (`exchange`, the pipeline the command
  line runs; an app runs its steps apart: `begin` and `apply` on the thread that owns the
  store, `prepare` and `deliver` in a worker, `forget_due` after), over `stamping` (this
  laptop's changes and outbox) and `applying` (a merge put into the document);
- what the exchange knows: `status` (and `clock_ahead`, its sentence for each laptop whose
  clock is ahead);
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
from voicesgroup.exchange.one_exchange import (
    Basis,
    Delivery,
    Prepared,
    apply,
    begin,
    deliver,
    exchange,
    forget_due,
    joined,
    prepare,
)
from voicesgroup.exchange.run import NEWER_VERSION, ExchangeError, Summary
from voicesgroup.exchange.status import clock_ahead, status

__all__ = [
    "COORDINATOR",
    "GROUP",
    "NEWER_VERSION",
    "Basis",
    "Delivery",
    "ExchangeError",
    "FolderRead",
    "Prepared",
    "Reading",
    "Summary",
    "apply",
    "begin",
    "carrier_write",
    "clock_ahead",
    "deliver",
    "exchange",
    "forget_due",
    "forget_laptop",
    "joined",
    "laptop_described",
    "leave",
    "prepare",
    "read_folder",
    "reading",
    "setup",
    "status",
]
