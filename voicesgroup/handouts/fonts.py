"""Which font draws each character a PDF carries, or the one sentence saying none can.

Every PDF printout (each handout, the team sheet, the evaluation report) is drawn by
`_render` or `layout`, and both ask `check` here before anything is drawn and `runs` for
every piece of text they draw. A character is looked up in the character map (cmap) of each
font in turn, and drawn by the first whose every face (regular, bold, italic) has a glyph for
it: Bitstream Vera (inside ReportLab), then DejaVu Sans (shipped in `data/fonts`, the same
shapes with far wider coverage), then DejaVu Sans upright in italic runs too (its oblique
face has no Arabic, and Arabic is not slanted), then a wide font the system may have. A font
is read only when a character needs it, so an ordinary sheet reads Vera alone.

Hebrew and Arabic print in the order they are read, Arabic joined (`directions`): a text
holding them is turned into the characters to draw from the left (`shaped`, `visual_line`)
before `runs` gives its pieces their fonts, and its width is that of what is drawn.

What no font here can draw (a colour emoji, most often) is refused, and so is a letter that
would print in the wrong place or unjoined (`needs_shaping`): a spacing vowel sign or virama
(Devanagari, Tamil…: no font here has those scripts, and the shaping they need is not done
here), a letter of a joined script read right to left other than Arabic (Syriac, N'Ko…), an
Arabic letter whose joined forms the font lacks, a mark typed on a letter of the other
direction (`directions.misplaced_marks`). The refusal is one sentence naming each
character in words; the person may say to print without them (`layer.leaving_out`), and only
then are they left out. ReportLab's own step from text to a font's codes refuses too
(`_split_checked`), as the last wall. Never an empty box, never reversed or unjoined text.

Importing this module loads ReportLab: import it where a PDF is being drawn.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import reportlab
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from voicesgroup.errors import CannotPrintCharacters
from voicesgroup.handouts import directions
from voicesgroup.handouts.layer import left_out
from voicesgroup.paths import data_dir

_SYSTEM_FOLDERS = (
    "/usr/share/fonts/truetype/droid",
    "/usr/share/fonts/google-droid-sans-fonts",
    "/usr/share/fonts/droid",
    "/usr/local/share/fonts",
    os.path.expanduser("~/.local/share/fonts"),
)


class _Source(NamedTuple):
    key: str
    files: tuple[str, str, str]
    """Regular, bold and italic; a font with one face names the same file three times."""
    folders: tuple[str, ...] = ()
    """Where to look for the files; empty: the folder the key stands for (see `_folders`)."""


SOURCES = (
    _Source("vera", ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf")),
    _Source("dejavu", ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")),
    # The same, upright in italic runs: DejaVu Sans Oblique has no Arabic.
    _Source("upright", ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf")),
    # Droid Sans Fallback (Debian's fonts-droid-fallback): Chinese, Japanese and Korean.
    _Source("droid", ("DroidSansFallbackFull.ttf",) * 3, _SYSTEM_FOLDERS),
)
"""The fonts, in the order they are asked: the first that has a character draws it."""

_WRITE_TO_UNICODE = ttfonts.makeToUnicodeCMap
_BEYOND_16_BITS = re.compile(r"<([0-9A-Fa-f]{5,6})>")


def _to_unicode_cmap(fontname: str, subset: Any) -> str:
    """ReportLab's ToUnicode map, with each character beyond the first 65,536 (an emoji, a
    rare Chinese character) written in UTF-16 as PDF asks: ReportLab writes its number
    instead, which readers (PDFium, the read-back) take for another character."""
    return _BEYOND_16_BITS.sub(
        lambda found: f"<{chr(int(found.group(1), 16)).encode('utf-16-be').hex().upper()}>",
        _WRITE_TO_UNICODE(fontname, subset),
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # the fonts drawn here are read back as drawn

_SPLIT = ttfonts.TTFont.splitString


@functools.cache
def _glyphs_of(font_name: str) -> frozenset[str]:
    """The characters the registered font `font_name` has a glyph for (a no-break space is
    drawn as a space)."""
    face = pdfmetrics.getFont(font_name).face  # type: ignore[attr-defined]  # a TTFont's
    return frozenset(chr(code) for code, glyph in face.charToGlyph.items() if glyph) | {"\xa0"}


def _split_checked(
    self: TTFont, text: Any, doc: Any, encoding: str = "utf-8"
) -> list[tuple[int, bytes]]:
    """ReportLab's last step from text to one font's codes, where a character the font has
    no glyph for becomes glyph 0, the empty box: the last wall. `runs` gives every piece a
    font that has it, so this refuses only what slipped past them, before anything is saved."""
    if self.fontName.startswith("Handout") and isinstance(text, str):
        has = _glyphs_of(self.fontName)
        if not has.issuperset(text):
            raise refusal("printout", {ch: text for ch in text if ch not in has})
    return _SPLIT(self, text, doc, encoding)


ttfonts.TTFont.splitString = _split_checked  # type: ignore[method-assign]  # the last wall

KEEP = frozenset("\n\t ")
"""Characters every run takes as they are (a line break, a tab, a space)."""


class Family(NamedTuple):
    """One font registered with ReportLab in three faces, and the characters all three have."""

    key: str
    regular: str
    bold: str
    italic: str
    covered: frozenset[int]
    chars: frozenset[str]
    """The characters covered, and those every run keeps (`KEEP`): a quick test of a text."""

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The ReportLab name of the face that draws bold or italic text (bold wins)."""
        return self.bold if bold else self.italic if italic else self.regular


def _folders(source: _Source) -> tuple[str, ...]:
    if source.folders:
        return source.folders
    if source.key == "vera":
        return (os.path.join(os.path.dirname(reportlab.__file__), "fonts"),)
    return (str(data_dir() / "fonts"),)


def _paths(source: _Source) -> tuple[Path, ...] | None:
    for folder in _folders(source):
        paths = tuple(Path(folder, name) for name in source.files)
        if all(path.is_file() for path in paths):
            return paths
    return None


@functools.cache
def family(key: str) -> Family | None:
    """The font `key` registered with ReportLab, once per process; None when it is not on
    this computer or cannot be embedded (a font may forbid it)."""
    source = next(s for s in SOURCES if s.key == key)
    paths = _paths(source)
    if paths is None:
        return None
    name = f"Handout{key.capitalize()}"
    # A file named twice (one face drawing two, as DejaVu Sans upright in italic runs) is
    # read and registered once.
    name_of: dict[Path, str] = {}
    regular, bold, italic = (
        name_of.setdefault(path, f"{name}{suffix}")
        for suffix, path in zip(("", "-Bold", "-Italic"), paths, strict=True)
    )
    names = (regular, bold, italic)
    covered: set[int] | None = None
    try:
        for face_name, path in dict(zip(names, paths, strict=True)).items():
            font = TTFont(face_name, str(path))
            pdfmetrics.registerFont(font)
            # A character mapped to glyph 0 has no glyph: that is the empty box.
            has = {code for code, glyph in font.face.charToGlyph.items() if glyph}
            covered = has if covered is None else covered & has
    except Exception:  # a damaged font, or one that may not be embedded: not used
        return None
    pdfmetrics.registerFontFamily(
        name, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[1]
    )
    covered = covered or set()
    return Family(
        key, *names, covered=frozenset(covered), chars=frozenset(map(chr, covered)) | KEEP
    )


def base() -> Family:
    """Vera, which draws a sheet's own words and most of what is typed."""
    vera = family("vera")
    assert vera is not None  # it ships inside ReportLab
    return vera


def reads_right_to_left(ch: str) -> bool:
    """Whether `ch` is written right to left (Unicode's bidirectional class R or AL)."""
    return unicodedata.bidirectional(ch) in ("R", "AL")


def needs_shaping(ch: str) -> bool:
    """Whether `ch` is drawn right only by a shaping engine this printing does not have: a
    spacing vowel sign (Unicode category Mc, drawn before or around its letter in Devanagari,
    Tamil, Bengali…), a virama that joins two letters into one (combining class 9), or a
    character of a script read right to left other than Hebrew and Arabic (Syriac, N'Ko,
    Thaana…, whose letters join or whose marks need placing). Hebrew and Arabic are ordered
    and joined here (`directions`)."""
    if unicodedata.category(ch) == "Mc" or unicodedata.combining(ch) == 9:
        return True
    return reads_right_to_left(ch) and not (directions.is_hebrew(ch) or directions.is_arabic(ch))


def _draws(found: Family, ch: str) -> bool:
    """Whether `found` draws `ch` as it is read: it has its glyph and, for an Arabic letter,
    the glyph of every form it takes joined to its neighbours."""
    if ord(ch) not in found.covered:
        return False
    if not directions.joins(ch):
        return True
    forms = directions.forms_of(ch)
    return forms is not None and all(ord(form) in found.covered for form in forms)


@functools.lru_cache(maxsize=4096)
def family_for(ch: str) -> Family | None:
    """The first font whose every face has a glyph for `ch` (for an Arabic letter, for each
    of its joined forms); None when none has, or when `ch` needs a shaping engine
    (`needs_shaping`), whatever font has a glyph for it."""
    if needs_shaping(ch):
        return None
    for source in SOURCES:
        found = family(source.key)
        if found is not None and _draws(found, ch):
            return found
    return None


def _joining() -> frozenset[int]:
    """The characters of the font Arabic is joined for (DejaVu Sans, regular and bold)."""
    upright = family("upright")
    return upright.covered if upright is not None else frozenset()


def shaped(text: str) -> str:
    """`text` in the order typed, its Arabic letters in their joined forms (`directions`)."""
    return directions.joined(text, _joining())


def shaped_runs(runs: Iterable[tuple[str, Any]]) -> directions.Styled:
    """Runs of text (each with a tag: its bold and italic) as characters, what a person
    said to leave out taken out and Arabic joined within each run (`directions`)."""
    leave = left_out()
    kept = [("".join(ch for ch in text if ch not in leave), tag) for text, tag in runs]
    return directions.joined_runs(kept, _joining())


def visual_line(text: str, *, rtl: bool | None = None) -> str:
    """One line of `text` as it is drawn from the left: what a person said to leave out
    taken out, Arabic joined, the whole in the order it is read (`directions.visual`), as a
    line read right to left when `rtl` (None: when its first strong letter is)."""
    if not directions.has_right_to_left(text):
        return text
    leave = left_out()
    kept = "".join(ch for ch in text if ch not in leave)
    chars = [(ch, None) for ch in shaped(kept)]
    if rtl is None:
        rtl = directions.right_to_left(kept)
    return "".join(ch for ch, _ in directions.visual(chars, rtl))


def runs(text: str) -> list[tuple[Family, str]]:
    """`text` as pieces, each drawn by one font: a piece stays in its font while that font
    has the next character, so a name with one "ś" is not cut into many pieces. Characters a
    person said to print without (`layer.leaving_out`) are left out; any other that no font
    draws raises `CannotPrintCharacters`, so nothing is ever drawn as an empty box."""
    vera = base()
    if text.isascii() or vera.chars.issuperset(text):  # the usual case, at C speed
        return [(vera, text)] if text else []
    pieces: list[tuple[Family, str]] = []
    current, chars = vera, []
    leave = left_out()
    for ch in text:
        if ch in KEEP:
            chars.append(ch)
            continue
        if ord(ch) in current.covered and family_for(ch) is not None:
            chars.append(ch)
            continue
        found = family_for(ch)
        if found is None:
            if ch in leave:
                continue
            raise refusal("printout", {ch: text})
        if chars:
            pieces.append((current, "".join(chars)))
        current, chars = found, [ch]
    if chars:
        pieces.append((current, "".join(chars)))
    return pieces


def in_one_font(text: str) -> bool:
    """Whether Vera draws all of `text` (so it may be drawn as one plain string)."""
    found = runs(text)
    return len(found) <= 1 and all(f is base() for f, _ in found)


def drawn_text(text: str) -> str:
    """`text` as it is drawn: what a person said to leave out is not there."""
    return "".join(piece for _, piece in runs(text))


def width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` drawn at `size` points, each piece in its own font (Arabic as
    drawn, joined)."""
    if directions.has_right_to_left(text):
        text = shaped(text)  # the order drawn does not change the width
    return drawn_width(text, size, bold=bold, italic=italic)


def drawn_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` as it stands (Arabic already joined), each piece in its font."""
    return sum(
        pdfmetrics.stringWidth(piece, font.face(bold=bold, italic=italic), size)
        for font, piece in runs(text)
    )


def check(texts: Iterable[str], kind: str) -> None:
    """Raise `CannotPrintCharacters` (nothing is drawn) when any of `texts` holds a character
    no font here draws as typed and nobody said to print without it."""
    leave = left_out()
    found: dict[str, str] = {}
    vera = base()
    for text in texts:
        if text.isascii() or vera.chars.issuperset(text):
            continue
        for ch in text:
            if ch not in KEEP and ch not in leave and ch not in found and family_for(ch) is None:
                found[ch] = text
        if directions.concerns(text):
            for ch in sorted(directions.misplaced_marks(text) - leave - set(found)):
                found[ch] = text
            kept = "".join(ch for ch in text if ch not in leave)
            try:
                shaped(kept)
            except ValueError:  # joining would change or lose a letter: none is drawn
                found.update((ch, text) for ch in kept if directions.joins(ch) and ch not in found)
    if found:
        raise refusal(kind, found)


def _unjoined(ch: str) -> bool:
    """Whether a font here has `ch` but would draw it unjoined or out of place."""
    if needs_shaping(ch):
        return True
    mark = unicodedata.category(ch) in ("Mn", "Me")
    return (mark or directions.joins(ch)) and any(
        found is not None and ord(ch) in found.covered
        for found in (family(source.key) for source in SOURCES)
    )


def described(ch: str) -> str:
    """A character in words, as Unicode names it: “🌊” (water wave)."""
    name = unicodedata.name(ch, "").lower() or f"character U+{ord(ch):04X}"
    return f"“{ch}” ({name})"


def _context(text: str, ch: str) -> str:
    """The words around the first `ch` in `text`, about 60 characters at most."""
    text = " ".join(text.split())
    if len(text) <= 60:
        return text
    at = max(text.find(ch), 0)
    start = max(0, at - 30)
    piece = text[start : start + 60]
    return ("…" if start else "") + piece + ("…" if start + 60 < len(text) else "")


def refusal(kind: str, found: dict[str, str]) -> CannotPrintCharacters:
    """The one sentence for characters that cannot be printed as typed: which, in words,
    where (the text holding the first), why, and the two ways on."""
    characters = tuple(found)
    first = characters[0]
    shown = [described(ch) for ch in characters[:3]]
    if len(characters) > 3:
        shown.append(f"{len(characters) - 3} more")
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" and {shown[-1]}"
    unjoined = [ch for ch in characters if _unjoined(ch)]
    if not unjoined:
        why = "which no font here can print as typed"
    elif len(unjoined) == len(characters):
        why = "letters that would print unjoined or out of place here"
    else:
        why = (
            "which cannot be printed as typed here (no font has some, and others would "
            "print unjoined or out of place)"
        )
    them = CannotPrintCharacters.naming(characters)
    return CannotPrintCharacters(
        f"The {kind} was not made: “{_context(found[first], first)}” holds {listed}, {why}. "
        f"Print it without {them} (nothing else changes), or change the wording. "
        "Nothing was saved.",
        characters,
    )
