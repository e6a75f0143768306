"""Typed access from a screen or dialog to the app and its store.

`self.app` is typed as any Textual `App`; screens reach the voicesgroup app through `self.vg`
and the data through `self.store`, so a type checker sees what they call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from screens.app import VoicesGroupApp
    from voicesgroup.store import Store

    _Mixed = MessagePump
    """What the mixin is mixed into: a screen or dialog, which has `app`."""
else:
    _Mixed = object


class AppAccess(_Mixed):
    """Mixed into screens and dialogs (before the Textual base class)."""

    @property
    def vg(self) -> VoicesGroupApp:
        """The voicesgroup app this screen belongs to."""
        return cast("VoicesGroupApp", self.app)

    @property
    def store(self) -> Store:
        """The open data file."""
        return self.vg.store
