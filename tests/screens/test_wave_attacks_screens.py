"""Attacks on the app's exchange in the background (`screens/exchange_worker.py`): quitting
while the exchange is prepared on its copy, or while its outbox is being written. Nothing is
saved half, what was typed meanwhile is kept, and the next exchange brings what came in."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.app import app_on
from tests.helpers.exchange_laptops import (
    Laptops,
    contact,
    contacts_in,
    laptops_bringing_a_change,
)
from tests.helpers.waits import pilot_until
from voicesgroup.exchange import service
from voicesgroup.store import Store


@pytest.fixture
def brings_changes(tmp_path: Path) -> Laptops:
    return laptops_bringing_a_change(tmp_path)


class Held:
    """One of the exchange's steps (`service.prepare` or `service.deliver`) held at its start
    until the test lets it go; what it was called with is kept."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        real = getattr(service, step)

        def held(*args: Any, **kwargs: Any) -> Any:
            self.started.set()
            self.gate.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(service, step, held)


@pytest.mark.parametrize("step", ["prepare", "deliver"])
async def test_quitting_while_the_exchange_runs_keeps_what_was_typed_and_saves_nothing_half(
    brings_changes: Laptops, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    held = Held(monkeypatch, step)
    app = app_on(brings_changes.group)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_until(pilot, held.started.is_set, f"the exchange to {step}")
            assert app.attempt(lambda: app.store.save_support_contact(contact("Harbour line")))
            await pilot.press("ctrl+q")
            await pilot.pause()
            if app.is_running:  # asked first: quit all the same
                await pilot.press("enter")
                await pilot.pause()
    finally:
        held.gate.set()
    names = contacts_in(brings_changes.group)  # the file opens, whole
    assert "Harbour line" in names, "what was typed meanwhile was lost"
    with Store.open(brings_changes.group) as store:
        service.exchange(store)
        assert {"Harbour line", "Canal walk line"} <= {c.name for c in store.support_contacts()}
    with Store.open(brings_changes.second) as store:
        service.exchange(store)
        assert "Harbour line" in {c.name for c in store.support_contacts()}
