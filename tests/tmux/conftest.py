"""What every tmux test shares: a real 80×24 terminal of its own, stopped after the test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.tmux.terminal import Terminal


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"voicesgroup-{uuid.uuid4().hex[:8]}")
    yield term
    term.stop()
