"""Which thread called the app's live store: the `watched` fixture (for any screen test, through
`tests/screens/conftest.py`) notes every call, so a test can say the store is only ever called
on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

import pytest

from voicesgroup.store import Store
from voicesgroup.store.storage import SafeStorage

STORAGE_CALLS = ("read", "write", "deferred", "replace_data", "adopt")
"""What changes or reads the storage's data; `save` is the one call a worker may make (under
the storage's own lock)."""


class Watched:
    """Every call to the app's live store (and its storage's data), with the thread it ran on."""

    def __init__(self) -> None:
        self.live: Store | None = None
        self.calls: list[tuple[str, str]] = []

    def off_the_ui_thread(self) -> list[str]:
        main = threading.main_thread().name
        return sorted({name for name, thread in self.calls if thread != main})

    def on_the_ui_thread(self) -> set[str]:
        main = threading.main_thread().name
        return {name for name, thread in self.calls if thread == main}


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[Watched]:
    """Wraps every method of Store, and the data calls of SafeStorage, to note the thread of
    each call made on the app's store (copies and other stores are not counted)."""
    seen = Watched()

    def wrap(cls: type, name: str, is_live: Callable[[Any], bool]) -> None:
        original = getattr(cls, name)

        @wraps(original)
        def noted(self: Any, *args: Any, **kwargs: Any) -> Any:
            if seen.live is not None and is_live(self):
                seen.calls.append((f"{cls.__name__}.{name}", threading.current_thread().name))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, noted)

    for name, value in list(vars(Store).items()):
        # `save` writes the file under the storage's own lock: the app's save worker calls it.
        if callable(value) and not name.startswith("__") and name != "save":
            wrap(Store, name, lambda self: self is seen.live)
    for name in STORAGE_CALLS:
        wrap(SafeStorage, name, lambda self: seen.live is not None and self is seen.live.storage)
    yield seen
