"""A process stopped at its N-th disk call, as a laptop that dies mid-write would stop it.

`stop_at(step, stop)` replaces the OS's disk calls in this (forked) process so that the
`step`-th one calls `stop` first; the child then ends with `KILLED`, and the parent reads what
was left on disk.
"""

from __future__ import annotations

import os
import signal
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


def killed_at(step: int, work: Callable[[], object]) -> bool:
    """`work` in a forked child, killed before its `step`-th disk call; True if it finished."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(30)
            stop_at(step, lambda: os._exit(KILLED))
            work()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, KILLED), f"the work failed on its own at step {step} (exit {code})"
    return code == 0
