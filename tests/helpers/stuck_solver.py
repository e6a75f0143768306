"""A solver process that never answers, as HiGHS once sat for 100 seconds before its first
node: `rota.net` must end it and keep the best rota it knows."""

from __future__ import annotations

import threading
from typing import Any


def never_answer(sending: Any, *_: Any) -> None:
    """Take the problem, say nothing, and wait for ever (until the planner ends the process)."""
    threading.Event().wait()
