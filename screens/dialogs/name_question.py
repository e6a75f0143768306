"""The warn-then-keep step of a quick capture: a member's name in what was typed is asked about
once, and the same words again keep it.

The theme and follow-up dialog (`TextCaptureDialog`) and the strategy capture (`w`,
`StrategyCaptureDialog`) both ask it through `NameQuestion`, so the question, its words and
when it is asked again are the same in both.
"""

from __future__ import annotations

from collections.abc import Callable


class NameQuestion:
    """Asks once about members' names in a text: `asked(text)` is the question the first time
    `text` mentions someone, and None when it names nobody or when the very same words come
    again (the person kept them). Changed words that still name someone are asked again."""

    def __init__(self, names_in: Callable[[str], list[str]], why: str) -> None:
        self.names_in = names_in
        self.why = why
        """Why names are kept out here, in a sentence ("Keep names out unless they agreed.")."""
        self._asked_for: str | None = None

    def asked(self, text: str) -> str | None:
        """The question about `text`, or None when it may be kept as it is."""
        names = self.names_in(text)
        if not names or text == self._asked_for:
            return None
        self._asked_for = text
        return (
            f"This mentions {', '.join(names)}. {self.why} Change the words, or press Enter "
            "again to keep them."
        )
