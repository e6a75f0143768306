"""Words a discreet handout must never carry. Members' names are found by `voicesgroup.names`.

Pure Python, no reportlab. The handout layer runs these over *all* the text of a document
before a single byte of PDF exists, so a refused handout leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from voicesgroup.normalise import fold

DISCREET_STEMS = (
    "voice",
    "hearing",
    "paranoi",
    "psychos",
    "psychotic",
    "schizo",
    "mental health",
    "psychiatr",
)
"""Never on a discreet sheet, matched *inside* words too (so "voicesgroup" is caught).

"voice" covers voice, voices and Voices; "paranoi" covers paranoia and paranoid.
"""


def _phrase_pattern(name: str) -> str | None:  # for phrases in discreet sheets
    words = fold(name).split()
    if not words:
        return None
    return r"\s+".join(re.escape(word) for word in words)


def find_discreet_word(texts: Iterable[str], phrases: Iterable[str] = ()) -> str | None:
    """The first give-away word (see `DISCREET_STEMS`) or phrase found in `texts`, or None.

    Stems match inside words; `phrases` (a group's name) match as whole words.
    """
    phrase_patterns = [p for p in (_phrase_pattern(ph) for ph in phrases) if p]
    phrase_re = (
        re.compile(r"(?<!\w)(?:" + "|".join(phrase_patterns) + r")(?!\w)")
        if phrase_patterns
        else None
    )
    for text in texts:
        folded = fold(text)
        for stem in DISCREET_STEMS:
            if stem in folded:
                return stem
        if phrase_re is not None and (match := phrase_re.search(folded)):
            return match.group(0)
    return None
