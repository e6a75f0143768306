"""The line of keys at the foot of a screen, without the keys it showed before.

Textual's `Footer` rebuilds its keys each time the keys on offer change (a new screen, the
focus moving to another field), and each key it builds asks to follow the footer's `compact`
setting. Those requests stay with the footer after the key is gone: Home's footer held 14 more
dead keys for every screen opened from it, and a room's running session one line of keys more
for every move of the focus, each a few hundred objects the collector walked again on every
sweep. `KeysFooter` lets go of them as it rebuilds.

Screens compose `KeysFooter`, never Textual's `Footer` itself
(`tests/screens/test_keys_footer.py` holds them to it).
"""

from __future__ import annotations

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's `Footer`, forgetting the keys it removed each time it rebuilds them."""

    async def recompose(self) -> None:
        await super().recompose()
        self.forget_removed_keys()

    def forget_removed_keys(self) -> None:
        """Drop what follows this footer's settings on behalf of a key no longer on it
        (Textual drops them only when the setting changes, which `compact` rarely does)."""
        # Textual keeps them in the attribute "__watchers" (textual/reactive.py, `_watch`).
        followers: dict[str, list[tuple[object, object]]] = getattr(self, "__watchers", {})
        for entries in followers.values():
            entries[:] = [entry for entry in entries if not getattr(entry[0], "_closing", False)]
