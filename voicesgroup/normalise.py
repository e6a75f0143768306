"""The one text normalisation: what every output draws, and what the name finder compares.

Two forms of a text, built from Unicode's own machinery rather than lists of scripts:

- `drawn(text)` is the text as every output carries it (the handouts' text layer, the plain
  text, HTML and CSV writers). Characters that draw nothing or that a font may draw as
  anything are taken out: default-ignorable code points (Unicode's property, shipped in
  `data/unicode/default_ignorable.txt`: zero-width characters, joiners, variation selectors,
  tags, the bidirectional controls), every other format, control, private-use, surrogate and
  unassigned code point. The bidirectional controls are resolved by removal: the text is kept
  in the order it was typed, which is the order a PDF draws it. A compatibility form holding
  a letter (mathematical, full-width, circled, superscript, a ligature) is written as its
  plain letters (NFKC), so no renderer can turn an unchecked letter into a checked one;
  punctuation and numbers keep their own shape ("…", "½" and "①" stay). Then NFC.
- `fold(text)` is what the name finder compares: `drawn`, then case folding, accents set
  aside, and each letter replaced by its confusable prototype from Unicode Technical
  Standard #39 (`data/unicode/confusables.txt`), so a look-alike letter from any script is
  the letter it looks like. Small capitals become their letters (by their Unicode names).
  ASCII letters and digits are left as they are: within Latin, "l", "I" and "1" are
  confusables of each other, and folding them together would read "all" as "Ali".

Every dash (Unicode's dash punctuation) folds to "-". `fold_char` gives the folded form of
one character, so the finder can map a match back to the place it stands in the text as
typed. Pure Python; the data is read once, on the first character outside ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from voicesgroup.paths import data_dir

_KEEP_CONTROLS = frozenset("\n\t")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})

# Latin letters that neither decomposition nor UTS #39 turns into a base letter, and the
# apostrophes and spaces that stand for the plain ones.
_EXTRA = {
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "þ": "th",
    "æ": "ae", "œ": "oe", "ƚ": "l", "ɩ": "i",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00a0": " ", "\u202f": " ",
}  # fmt: skip


@cache
def _default_ignorable() -> frozenset[int]:
    points: set[int] = set()
    path = data_dir() / "unicode" / "default_ignorable.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first, _, last = line.partition("..")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character (outside ASCII) and the folded letters it looks like."""
    raw: dict[str, str] = {}
    path = data_dir() / "unicode" / "confusables.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, _, target = line.partition(" ")
        raw[chr(int(source, 16))] = "".join(chr(int(cp, 16)) for cp in target.split())
    small = _small_capitals()
    # A prototype shared with a small capital ("ʍ" for "ᴍ" and Cyrillic "м") is that letter.
    by_prototype = {raw[ch]: letter for ch, letter in small.items() if ch in raw}
    out: dict[str, str] = {}
    for source, target in raw.items():
        if source.isascii():
            continue
        letters = by_prototype.get(target) or small.get(target) or _plain(target)
        if target == "l" and unicodedata.category(source) != "Ll":
            # UTS #39 gives Latin "l" as the prototype of capital "I", which this fold reads
            # as "i": an uncased or capital letter drawn like "I" is "i" (Cyrillic "І"),
            # only a small one is "l" (palochka "ӏ").
            letters = "i"
        out[source] = "m" if letters == "rn" else letters
    for source, letter in small.items():
        out.setdefault(source, letter)
    for source, letters in _EXTRA.items():
        out.setdefault(source, letters)
    return out


def _plain(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


@cache
def _small_capitals() -> dict[str, str]:
    """Latin small capitals (ᴀ, ʙ, ɢ…) and their letters, read from their Unicode names."""
    found: dict[str, str] = {}
    for block in ((0x0250, 0x02B0), (0x1D00, 0x1D80), (0xA720, 0xA800), (0x10780, 0x107C0)):
        for point in range(*block):
            name = unicodedata.name(chr(point), "")
            if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(name) == 28:
                found[chr(point)] = name[-1].lower()
    return found


def is_removed(ch: str) -> bool:
    """Whether `ch` is taken out of every output: it draws nothing, or anything."""
    if ch in _KEEP_CONTROLS:
        return False
    if unicodedata.category(ch) in _REMOVED_CATEGORIES:
        return True
    return ord(ch) in _default_ignorable()


@lru_cache(maxsize=8192)
def _drawn_char(ch: str) -> str:
    if is_removed(ch):
        return ""
    compat = unicodedata.normalize("NFKC", ch)
    if compat != ch and any(c.isalpha() for c in compat):
        return "".join(c for c in compat if not is_removed(c))
    return ch


def drawn(text: str) -> str:
    """`text` as every output draws it (see the module's docstring)."""
    if text.isascii() and text.isprintable():
        return text
    return unicodedata.normalize("NFC", "".join(_drawn_char(ch) for ch in text))


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """The folded form of one character: "" for one that draws nothing, else lower-case
    letters with no accents, a look-alike read as the letter it looks like."""
    if ch.isascii():
        if ch == "`":
            return "'"
        return ch.lower() if ch.isprintable() or ch in _KEEP_CONTROLS else ""
    if unicodedata.category(ch) == "Pd":
        # A dash is a dash, never a letter: UTS #39 gives the em dash and the full-width
        # hyphen a letter as their prototype ("ー"), which would glue "Mary—Ann" into a word.
        return "-"
    prototypes = _prototypes()
    out = []
    # As UTS #39's skeleton: decomposed first (NFD), then each character its prototype.
    for c in unicodedata.normalize("NFD", _drawn_char(ch)):
        if unicodedata.combining(c) or is_removed(c):
            continue
        out.append(prototypes.get(c) or prototypes.get(c.casefold()) or c)
    return _plain("".join(out))


def fold(text: str) -> str:
    """Text as it is compared: case, accents, look-alike letters and invisible characters
    all set aside ("Zо\u200bë" becomes "zoe")."""
    if plain_ascii(text):
        return text.lower().replace("`", "'")
    return "".join(fold_char(ch) for ch in text)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_ascii(text: str) -> bool:
    """Whether `text` is ASCII with no control character but a line break or a tab: then its
    folded form is only its lower case, character for character."""
    return text.isascii() and not _ASCII_CONTROL.search(text)
