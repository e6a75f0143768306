"""Finding names and words in a handout's text: whole words, any case, any accents.

Pure Python, no reportlab. The handout layer runs these over *all* the text of a document
before a single byte of PDF exists, so a refused handout leaves nothing behind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter plus an accent.
_SPECIAL = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00a0": " ",
}

DISCREET_STEMS = ("voice", "hearing", "paranoi", "psychos", "psychotic", "schizo")
"""Never on a discreet sheet, matched *inside* words too (so "voicesgroup" is caught).

"voice" covers voice, voices and Voices; "paranoi" covers paranoia and paranoid.
"""


_ASCII_FOLD = str.maketrans({"`": "'"})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    lower = ch.casefold()
    out = []
    for c in lower:
        c = _SPECIAL.get(c, c)
        for d in unicodedata.normalize("NFKD", c):
            if not unicodedata.combining(d):
                out.append(_SPECIAL.get(d, d))
    return "".join(out)


def fold(text: str) -> str:
    """Text for comparing: case-folded, accents dropped, curly apostrophes made straight."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD)
    return "".join(_fold_char(ch) for ch in text)


def _fold_with_index(text: str) -> tuple[str, list[int] | None]:
    """The folded text, and for each folded character the index it came from (None when
    they line up one to one, as for plain ASCII)."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLD), None
    parts: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        index.extend([i] * len(folded))
    return "".join(parts), index


def _phrase_pattern(name: str) -> str | None:
    words = fold(name).split()
    if not words:
        return None
    return r"\s+".join(re.escape(word) for word in words)


@dataclass(frozen=True)
class NameHit:
    """A forbidden name found in a text: the name as listed, and the words around it."""

    name: str
    context: str


def find_name(
    texts: Iterable[str], forbidden_names: Iterable[str], allowed_name: str | None = None
) -> NameHit | None:
    """The first forbidden name found as a whole word in any of `texts`, or None.

    Matching ignores case and accents ("zoe" finds "Zoë") and only takes whole words, so
    "Al" is not found in "all" but is found in "Al's". The `allowed_name` (a member's own
    record) is blanked out first, so a forbidden "Mary" is not found inside an allowed
    "Mary Ann"; a forbidden name that folds to the same as the allowed one is skipped.
    """
    allowed_fold = " ".join(fold(allowed_name).split()) if allowed_name else ""
    patterns: dict[str, str] = {}
    for name in forbidden_names:
        pattern = _phrase_pattern(name)
        if pattern is None or " ".join(fold(name).split()) == allowed_fold:
            continue
        patterns.setdefault(pattern, name)
    if not patterns:
        return None
    ordered = sorted(patterns, key=len, reverse=True)
    finder = re.compile(r"(?<!\w)(?:" + "|".join(f"({p})" for p in ordered) + r")(?!\w)")
    allowed_pattern = _phrase_pattern(allowed_name) if allowed_name else None
    allowed_re = re.compile(rf"(?<!\w){allowed_pattern}(?!\w)") if allowed_pattern else None

    for text in texts:
        if not text:
            continue
        folded, index = _fold_with_index(text)
        if allowed_re is not None:
            folded = allowed_re.sub(lambda m: " " * len(m.group(0)), folded)
        match = finder.search(folded)
        if match is None:
            continue
        name = patterns[ordered[match.lastindex - 1]]
        start, end = match.start(), match.end()
        if index is not None:
            start, end = index[start], index[end - 1] + 1
        return NameHit(name=name, context=_context(text, start, end))
    return None


def _context(text: str, start: int, end: int, around: int = 30) -> str:
    left = max(0, start - around)
    right = min(len(text), end + around)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


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
