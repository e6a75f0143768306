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


ORDINARY_WORD_NAMES = frozenset(
    [
        "will",
        "may",
        "hope",
        "grace",
        "joy",
        "faith",
        "rose",
        "mark",
        "bill",
        "art",
        "ray",
        "sky",
        "summer",
        "june",
        "april",
        "dawn",
        "amber",
        "jack",
        "pat",
        "sue",
        "don",
        "guy",
        "rob",
        "nick",
        "max",
        "eve",
        "ash",
        "robin",
        "holly",
        "ivy",
        "iris",
        "lily",
        "daisy",
        "violet",
        "sunny",
        "rich",
        "frank",
        "patience",
        "glen",
        "dale",
        "heath",
        "forest",
        "river",
        "reed",
        "wade",
        "bob",
        "jay",
        "kit",
        "sage",
        "honey",
        "star",
        "storm",
        "wren",
        "lark",
        "merry",
        "chance",
        "drew",
        "miles",
        "norman",
        "penny",
        "ruby",
        "pearl",
        "crystal",
    ]
)
"""First names that are also common words; written in small letters they are read as the word."""


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


def _phrase_pattern(name: str) -> str | None:  # for phrases in discreet sheets
    words = fold(name).split()
    if not words:
        return None
    return r"\s+".join(re.escape(word) for word in words)


@dataclass(frozen=True)
class NameHit:
    """A forbidden name found in a text: the name as listed, and the words around it."""

    name: str
    context: str


_WORD = re.compile(r"\w+")


def _name_key(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A name as folded words, and what separates them (runs of spaces made one)."""
    folded = fold(name)
    words = _WORD.findall(folded)
    return tuple(words), tuple(_gap(gap) for gap in _WORD.split(folded)[1:-1])


def _gap(between: str) -> str:
    return " " if between.isspace() else " ".join(between.split())


def _words_at(
    i: int,
    words: tuple[str, ...],
    seps: tuple[str, ...],
    folded: str,
    spans: list[tuple[int, int]],
    tokens: list[str],
) -> bool:
    """Whether the name's words, with the same separators, start at token `i`."""
    if tuple(tokens[i : i + len(words)]) != words:
        return False
    return all(
        _gap(folded[spans[i + j][1] : spans[i + j + 1][0]]) == sep for j, sep in enumerate(seps)
    )


def find_name(
    texts: Iterable[str], forbidden_names: Iterable[str], allowed_name: str | None = None
) -> NameHit | None:
    """The first forbidden name found as a whole word in any of `texts`, or None.

    Matching ignores case and accents ("zoe" finds "Zoë") — except that a name which is also
    an everyday word (Will, May, Hope…) is only found capitalised — and only takes whole words, so
    "Al" is not found in "all" but is found in "Al's"; the words of a longer name may be
    split by any run of spaces or a line break ("Mary\nAnn"). The `allowed_name` (a
    member's own record) is set aside first, so a forbidden "Mary" is not found inside an
    allowed "Mary Ann"; a forbidden name the same as the allowed one is skipped.
    """
    allowed = _name_key(allowed_name) if allowed_name else None
    if allowed is not None and not allowed[0]:
        allowed = None
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], str]]] = {}
    for name in forbidden_names:
        words, seps = _name_key(name)
        if not words or (allowed is not None and words == allowed[0]):
            continue
        by_first.setdefault(words[0], []).append((words, seps, name))
    if not by_first:
        return None

    for text in texts:
        if not text:
            continue
        folded, index = _fold_with_index(text)
        spans = [m.span() for m in _WORD.finditer(folded)]
        tokens = [folded[a:b] for a, b in spans]

        set_aside: set[int] = set()
        if allowed is not None:
            first = allowed[0][0]
            for i, token in enumerate(tokens):
                if token == first and _words_at(i, *allowed, folded, spans, tokens):
                    set_aside.update(range(i, i + len(allowed[0])))
        for i, token in enumerate(tokens):
            for words, seps, name in by_first.get(token, ()):
                if _words_at(i, words, seps, folded, spans, tokens) and set_aside.isdisjoint(
                    range(i, i + len(words))
                ):
                    start, end = spans[i][0], spans[i + len(words) - 1][1]
                    if index is not None:
                        start, end = index[start], index[end - 1] + 1
                    if words[0] in ORDINARY_WORD_NAMES and not text[start].isupper():
                        # "Will" is a member, "will" is a word: a sheet full of "will" and
                        # "may" must still print. Other names are caught in any case.
                        continue
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
