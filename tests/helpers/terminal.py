"""Bytes from the terminal, as the app's driver hands them on: keys, pastes, mouse.

`feed(app, text)` sends `text` through Textual's own terminal parser, in the chunks the Linux
driver reads (`os.read(fileno, 1024 * 4)`), each event given to the driver as that driver gives
it. A paste from a terminal without bracketed paste is just its text; with bracketed paste,
`bracketed(text)`.
"""

from __future__ import annotations

from typing import Any

from textual._xterm_parser import XTermParser
from textual.app import App

CHUNK = 4096
"""What the Linux driver reads from the terminal at once."""


def feed(app: App[Any], text: str) -> None:
    """Send `text` to the app as a terminal would, in the driver's reading chunks."""
    parser = XTermParser()
    driver = app._driver
    assert driver is not None
    for start in range(0, len(text), CHUNK):
        for event in parser.feed(text[start : start + CHUNK]):
            driver.process_message(event)


def bracketed(text: str) -> str:
    """`text` pasted in a terminal with bracketed paste on."""
    return f"\x1b[200~{text}\x1b[201~"
