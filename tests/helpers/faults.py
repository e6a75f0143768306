"""A process stopped at its N-th disk call, as a laptop that dies mid-write would stop it.

`stop_at(step, stop)` replaces the OS's disk calls in this (forked) process so that the
`step`-th one calls `stop` first; the child then ends with `KILLED`, and the parent reads what
was left on disk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

KILLED = 77
DISK_CALLS = ("write", "fsync", "replace", "rename", "unlink")


def stop_at(step: int, stop: Callable[[], None]) -> None:
    """Call `stop` instead of the `step`-th disk call of this process from now on."""
    count = [0]
    for name in DISK_CALLS:
        real = getattr(os, name)

        def gated(*args: Any, _real: Callable[..., Any] = real, **kwargs: Any) -> Any:
            count[0] += 1
            if count[0] == step:
                stop()
            return _real(*args, **kwargs)

        setattr(os, name, gated)
