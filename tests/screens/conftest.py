"""Apps on demo data with a frozen date, for Pilot tests and snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from screens.app import VoicesGroupApp
from voicesgroup.demo import write_demo_file

FROZEN_TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    write_demo_file(path, FROZEN_TODAY)
    return path


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., VoicesGroupApp]:
    """An app on a fresh demo file (or an empty file with demo=False), with today frozen."""

    def make(demo: bool = True) -> VoicesGroupApp:
        path = tmp_path / ("demo.json" if demo else "empty.json")
        if demo and not path.exists():
            write_demo_file(path, FROZEN_TODAY)
        return VoicesGroupApp(path, today=lambda: FROZEN_TODAY)

    return make
