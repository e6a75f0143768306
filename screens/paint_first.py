"""A list screen that paints its frame first and reads its data just after.

Ten years of records take a moment to read and to put in a table. A screen built on
`PaintsFirst` shows its frame (title, headings, keys) on the key that opened it, and fills it on
the next frame; keys typed meanwhile wait for the rows. Back from a dialog it reads again at
once, as the dialog may have changed what it shows.
"""

from __future__ import annotations

from textual.screen import Screen


class PaintsFirst(Screen[None]):
    """Say what `refresh_data` reads; the first read follows the first paint."""

    _read_once = False

    def on_screen_resume(self) -> None:
        if self._read_once:
            self.refresh_data()
        else:
            self.call_after_refresh(self._first_read)

    def _first_read(self) -> None:
        self._read_once = True
        self.refresh_data()

    def refresh_data(self) -> None:
        """Read the data the screen shows and put it on screen."""
        raise NotImplementedError
