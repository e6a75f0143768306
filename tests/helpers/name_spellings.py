"""A member's name as people really write it: split by any whitespace or dash, broken at a
line end, spelt letter by letter, in other case or compatibility forms, inside ordinary text.
Hypothesis strategies for the adversaries of the name finder (`voicesgroup.names`) and of
everything that relies on it: forgetting, the name questions of forms, the exchange."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import strategies as st

from voicesgroup.normalise import fold

NAMES = ["Quillonia", "Zoë", "Siobhán", "Mary Ann", "Kwame Mensah", "Ann-Marie", "Bea", "Isa"]

WHITESPACE = sorted(chr(c) for c in range(0x110000) if chr(c).isspace())
LINE_BREAKS = [ch for ch in WHITESPACE if len(f"a{ch}b".splitlines()) == 2]
SPACES = [ch for ch in WHITESPACE if ch not in LINE_BREAKS]
FORMAT = sorted(
    chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf" and c < 0xE0000
)
HYPHENS = sorted(
    chr(c)
    for c in range(0x10000)
    if "HYPHEN" in unicodedata.name(chr(c), "") and unicodedata.category(chr(c)) in ("Pd", "Cf")
)
DASHES = sorted(chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Pd")
STORED = set(WHITESPACE) - {ch for ch in WHITESPACE if unicodedata.category(ch) == "Cc"}
"""What a stored text may hold: no control character but a line break and a tab."""


def _kept(chars: list[str], stored: bool) -> list[str]:
    if not stored:
        return chars
    return [ch for ch in chars if unicodedata.category(ch) != "Cc" or ch in "\n\t"]


def letter_forms(letter: str) -> st.SearchStrategy[str]:
    """One letter in any case and, for a plain letter, a compatibility form."""
    forms = [letter.lower(), letter.upper(), unicodedata.normalize("NFD", letter)]
    if letter.isascii():
        up, low = ord(letter.upper()) - ord("A"), ord(letter.lower()) - ord("a")
        forms += [
            chr(0xFF21 + up),  # full-width capital
            chr(0xFF41 + low),  # full-width small
            chr(0x1D400 + up),  # mathematical bold capital
            chr(0x1D41A + low),  # mathematical bold small
            chr(0x1D5EE + low),  # mathematical sans-serif bold small
        ]
    return st.sampled_from(forms)


@st.composite
def inside(draw: st.DrawFn, stored: bool) -> str:
    """What may stand between two letters of one word: nothing, characters that draw
    nothing, or a hyphen at a line end (with spaces and invisible characters around)."""
    kind = draw(st.sampled_from(["nothing", "format", "line end"]))
    if kind == "nothing":
        return ""
    invisible = st.text(st.sampled_from(FORMAT), max_size=2)
    if kind == "format":
        return draw(st.text(st.sampled_from(FORMAT), min_size=1, max_size=3))
    breaks = _kept(LINE_BREAKS, stored)
    return (
        draw(st.sampled_from(HYPHENS))
        + draw(invisible)
        + draw(st.text(st.sampled_from(_kept(SPACES, stored)), max_size=2))
        + draw(st.sampled_from(breaks))
        + draw(st.text(st.sampled_from(_kept(WHITESPACE, stored)), max_size=3))
        + draw(invisible)
    )


@st.composite
def between(draw: st.DrawFn, stored: bool) -> str:
    """What may stand between two parts of a name: any run of whitespace of any kind, with
    perhaps a dash or a hyphen and characters that draw nothing."""
    space = st.text(st.sampled_from(_kept(WHITESPACE, stored)), min_size=1, max_size=3)
    parts = [draw(space)]
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, 1)), draw(st.sampled_from(DASHES)))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(FORMAT)))
    return "".join(parts)


@st.composite
def written(draw: st.DrawFn, name: str, stored: bool = False) -> str:
    """`name` as someone might have written it (see the module's docstring)."""
    parts = re.findall(r"\w+", unicodedata.normalize("NFC", name))
    letters = [[draw(letter_forms(ch)) for ch in part] for part in parts]
    if draw(st.integers(0, 4)) == 0:  # spelt out, letter by letter
        space = st.text(st.sampled_from(_kept(WHITESPACE, stored)), min_size=1, max_size=2)
        return "".join(
            ch + (draw(space) if k < sum(map(len, letters)) - 1 else "")
            for k, ch in enumerate(ch for part in letters for ch in part)
        )
    words = []
    for part in letters:
        word = part[0]
        for ch in part[1:]:
            word += draw(inside(stored)) + ch
        words.append(word)
    out = words[0]
    for word in words[1:]:
        out += draw(between(stored)) + word
    return out


FILLER = [
    "the", "bus", "was", "late", "we", "talked", "about", "sleep", "and", "music", "today",
    "a", "is", "be", "in", "on", "Al", "Always", "ways", "I", "an", "ma", "Mar", "ie",
    "1", "2026", "🙂", "東京", "—", "(", ")", ",", ".", "!", "“", "”", "'s", "-",
]  # fmt: skip
EDGE = [" ", "\n", ", ", ". ", " (", ") ", "\u3000", "\t", "!\n", " — ", "“", "”"]


def another_member_after(before: str) -> str:
    """ "another member" as forgetting writes it after `before`: with a capital where a
    sentence begins (the README, "Forgetting"), read plainly here, apart from the code: the
    start of the text or of a line, a sentence's end and a space, or a bullet and a space
    alone on its line; opening quotes and brackets, and what draws nothing, passed over."""
    seen = "".join(ch for ch in before if unicodedata.category(ch) not in ("Cf", "Cn", "Co"))
    while seen and seen[-1] in "\"'“‘«([":
        seen = seen[:-1]
    words = seen.rstrip()
    gap = seen[len(words) :]
    line_break = len(f"a{gap}b".splitlines()) > 1
    ended = words.rstrip("\"'”’»)]")[-1:] in (".", "!", "?")
    lines = words.splitlines() or [""]
    bullet = lines[-1].strip() in ("-", "*", "•", "‣", "◦", "·", "–", "—")
    if not words or line_break or (gap and (ended or bullet)):
        return "Another member"
    return "another member"


@st.composite
def around(draw: st.DrawFn, filler: list[str], stored: bool = False) -> tuple[str, str]:
    """Text before and after a name: ordinary words and marks, ending and starting with a
    mark that ends a word."""
    gaps = _kept([" ", " ", "\n", "\t", "\u00a0", "\u2003", "\u2028"], stored)
    words = st.lists(st.tuples(st.sampled_from(filler), st.sampled_from(gaps)), max_size=8)
    before = "".join(w + g for w, g in draw(words)) + draw(st.sampled_from(EDGE))
    after = draw(st.sampled_from(EDGE)) + "".join(g + w for w, g in draw(words))
    return before, after


def squashed(text: str) -> str:
    """Letters and digits only, folded: what is left of a name whatever was put between."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


SAFE_FILLER = ["the", "bus", "was", "late", "we", "talked", "about", "sleep", "1", "🙂", "東京"]
