"""The walk to every form and dialog of the app: the keys that open it from Home on the demo,
what cannot be kept in it, and the key that submits it. `test_every_form` fails when a new form
is added without a walk here; other tests reach every form through the same walk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button

import screens
from screens.app import VoicesGroupApp
from screens.form_screen import FormScreen
from tests.helpers.app import IN_SESSION
from tests.helpers.exchange_laptops import conflict_in
from tests.helpers.forms import assert_no_max_length

SOL_ROW = 4  # Marcia, Niall, Priya, Rosa, Sol, Tomasz

# name: (keys that open it, {field id: text that cannot be kept}, the key that submits)
WALKS: dict[str, tuple[list[str], dict[str, str], str]] = {
    "GroupEditScreen": (["n"], {"start": "25:99"}, "ctrl+s"),
    "MemberScreen": (["m", "a"], {"joined_on": "someday"}, "ctrl+s"),
    "ConsentDialog": (["m", "enter", "c"], {}, "ctrl+s"),  # no answer chosen yet
    "NoteScreen": (["m", "enter", "n"], {"member-words": ""}, "ctrl+r"),
    "ForgetDialog": (["m", "enter", "f"], {"forget-name": "Someone else"}, "ctrl+s"),
    "FacilitatorEditScreen": (["f", "enter"], {"display_name": ""}, "ctrl+s"),
    "AvailabilityScreen": (["f", "enter", "ctrl+o"], {"max_per_month": "lots"}, "ctrl+s"),
    "PathStepDialog": (["f", *["down"] * SOL_ROW, "p", "o"], {"step-by": ""}, "ctrl+s"),
    "SupervisionDialog": (["f", "s", "a"], {"supervision-on": "soon"}, "ctrl+s"),
    "StrategyEditScreen": (["l", "a"], {"title": ""}, "ctrl+s"),
    "SupportContactEditScreen": (["l", "c", "a"], {"how": ""}, "ctrl+s"),
    "SettingsScreen": (["f2"], {"notes_months": "many"}, "ctrl+s"),
    "TemplateEditScreen": (["t"], {"part-minutes": "long"}, "ctrl+s"),
    "PassphraseDialog": (["f2", "passphrase"], {"first": "short"}, "ctrl+s"),
    "StartSessionDialog": (["s"], {}, "ctrl+s"),  # the same person twice, below
    "TextCaptureDialog": ([*IN_SESSION, "t"], {"capture-text": "   "}, "enter"),
    "StrategyCaptureDialog": ([*IN_SESSION, "w"], {"strategy-title": ""}, "ctrl+s"),
    "GenerateRotaDialog": (["r", "g"], {"rota-from": "soon"}, "ctrl+s"),
    "DebriefScreen": ([*IN_SESSION, "e", "enter"], {}, "ctrl+s"),  # the same person twice
    # No file name, or no number of copies: whichever "Print to" offers, it cannot print.
    "PrintDialog": (["p"], {"print-path": "", "print-copies": ""}, "ctrl+s"),
    "ConflictEditScreen": (["x", "enter", "e"], {"conflict-member_words": ""}, "ctrl+s"),
}
PREPARE: dict[str, Callable[[Path], Path]] = {"ConflictEditScreen": conflict_in}
"""What the demo needs before a form can be reached (a conflict from another laptop)."""


def every_form_class() -> set[str]:
    """The name of every form screen and dialog the app defines."""
    import importlib
    import pkgutil

    found: set[str] = set()
    for module in pkgutil.walk_packages(screens.__path__, "screens."):
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if (
                isinstance(value, type)
                and issubclass(value, FormScreen)
                and value.__module__ == module.name
                and not value.__name__.startswith("Form")
            ):
                found.add(value.__name__)
    return found


async def open_walked(app: VoicesGroupApp, pilot: Pilot[None], name: str) -> FormScreen[object]:
    """Press the keys that open the form `name`, and give it once it is open."""
    for key in WALKS[name][0]:
        if key == "passphrase":  # its button; p types into the field that has the focus
            app.screen.query_one("#passphrase", Button).press()
        else:
            await pilot.press(key)
        await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    form = app.screen
    assert type(form).__name__ == name
    assert isinstance(form, FormScreen)
    assert_no_max_length(form)
    return form


async def submitted(app: VoicesGroupApp, pilot: Pilot[None], key: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
