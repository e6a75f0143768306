"""The one way the screen tests build the app, and the data files they build it on.

`app_on(path)` is the app on a data file with today frozen at `TODAY`; `clock=FrozenClock()`
freezes the session clock too, and any other keyword (`store=`, `idle_clock=`) goes to the app
as it is. `make_demo` writes the demo with a published rota for today; `encrypted_demo` the demo
under a passphrase (with a quick key derivation: the tests are about the screens, not Argon2id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from screens.app import VoicesGroupApp
from tests.helpers.clock import TODAY
from tests.helpers.demo_files import write_demo_copy
from tests.helpers.keys import FAST_KDF
from voicesgroup.models import RotaAssignment, RotaStatus, Variant
from voicesgroup.store import Store

PASSPHRASE = "a long passphrase"

IN_SESSION = ["s", "ctrl+s", "enter", "+"]
"""From Home on `make_demo`'s data: start today's session, keep who facilitates, count one."""


def app_on(
    path: Path,
    *,
    today: dt.date = TODAY,
    clock: Callable[[], dt.datetime] | None = None,
    **options: Any,
) -> VoicesGroupApp:
    """The app on the data file at `path`, believing it is `today`; with `clock`, its sessions
    run on that clock (a `FrozenClock` keeps every timer still)."""
    return VoicesGroupApp(path, today=lambda: today, session_clock=clock, **options)


def make_demo(path: Path, variant: Variant | None = None, publish_rota: bool = True) -> Path:
    """Demo data for `TODAY` with (optionally) a published rota for that day, for each group
    (or those of `variant`): Rosa leads, Tomasz co-leads."""
    write_demo_copy(path, TODAY)
    if publish_rota:
        with Store.open(path) as store:
            people = {person.display_name: person.id for person in store.facilitators()}
            store.save_rota(
                RotaAssignment(
                    group_id=group.id,
                    date=TODAY,
                    lead_id=people["Rosa"],
                    co_id=people["Tomasz"],
                    status=RotaStatus.PUBLISHED,
                )
                for group in store.groups()
                if variant is None or group.variant is variant
            )
    return path


def encrypted_demo(path: Path) -> str:
    """The demo for `TODAY` at `path`, locked with a passphrase; that passphrase."""
    write_demo_copy(path, TODAY)
    with Store.open(path) as store:
        store.set_passphrase(PASSPHRASE, FAST_KDF)
    return PASSPHRASE


def name_elif_in_a_theme(app: VoicesGroupApp) -> None:
    """The first session's themes name Elif (before the app paints, so the screens show it)."""
    with Store.open(app.db_path) as store:
        session = store.sessions()[0]
        store.save_session(
            session.with_changes(themes=[*session.themes, "Elif's idea of a walk at lunch"])
        )
