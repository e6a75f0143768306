"""Writing read right to left (Hebrew, Arabic) on paper: in the order its reader reads it,
and Arabic with its letters joined.

ReportLab draws a line of text from the left, one glyph for each character, in the order
the characters come. Text is stored in the order it was typed (logical order), so a line
holding right-to-left writing is first turned into the characters to draw from the left:

- **Joined.** Each Arabic letter becomes the form it takes at its place in the word
  (isolated, initial, medial or final; lam and alef as one), a character of Unicode's
  Arabic presentation forms, by `arabic-reshaper`. It is told which forms and ligatures the
  font has (`shaping_for`), keeps every vowel mark (harakat) and drops nothing; a letter
  whose forms the font lacks is refused by `fonts`, never printed unjoined.
- **Ordered.** Each line is put in the order it is read by the Unicode Bidirectional
  Algorithm (UAX #9) as `python-bidi` implements it (its Python implementation, which
  keeps a record per character, so the bold or italic of each character goes with it);
  brackets are mirrored where they are read right to left.

A paragraph is broken into lines in the order typed and each line is ordered after (UAX #9,
section 3.4): `lines` does both. The direction of a paragraph is that of its first strong
letter (`right_to_left`): a paragraph that starts in Hebrew or Arabic is set from the
right edge.

Pure text: nothing here draws or reads a font; `fonts` asks it and says which font draws.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

Tag = TypeVar("Tag", bound=Hashable)
Styled = list[tuple[str, Any]]
"""Characters, each with the tag of the run it came from (its bold and italic)."""

_RIGHT_TO_LEFT = frozenset(("R", "AL", "AN"))

ARABIC_BLOCKS = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
HEBREW_BLOCKS = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))


def _in(ch: str, blocks: tuple[tuple[int, int], ...]) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in blocks)


def is_arabic(ch: str) -> bool:
    return _in(ch, ARABIC_BLOCKS)


def is_hebrew(ch: str) -> bool:
    return _in(ch, HEBREW_BLOCKS)


def has_right_to_left(text: str) -> bool:
    """Whether `text` holds a character read right to left (bidirectional class R or AL) or
    an Arabic digit (AN), so that it needs ordering before it is drawn."""
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in text)


def right_to_left(text: str) -> bool:
    """Whether a paragraph of `text` reads right to left: its first strong letter does
    (UAX #9, rules P2 and P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def misplaced_marks(text: str) -> set[str]:
    """The combining marks in `text` that would print over the wrong letter: the fonts draw a
    Hebrew or Arabic mark over the glyph drawn after it and any other mark over the glyph
    drawn before it, so a mark prints in place only on a letter of its own direction (an
    accent typed after a Hebrew letter, a Hebrew point after a Latin one, would not)."""
    found: set[str] = set()
    base = None
    for ch in text:
        if unicodedata.category(ch) not in ("Mn", "Me"):
            base = ch
            continue
        if base is None:
            continue
        base_reads_rtl = unicodedata.bidirectional(base) in ("R", "AL")
        if base_reads_rtl != (is_hebrew(ch) or is_arabic(ch)):
            found.add(ch)
    return found


def concerns(text: str) -> bool:
    """Whether `text` holds Hebrew, Arabic or anything else read right to left."""
    if text.isascii():
        return False
    return any(
        is_hebrew(ch) or is_arabic(ch) or unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT
        for ch in text
    )


# -- joining (Arabic) -------------------------------------------------------------------------


@functools.cache
def _letters() -> dict[str, tuple[str, str, str, str]]:
    from arabic_reshaper.letters import LETTERS_ARABIC  # type: ignore[import-untyped]  # the package ships no type hints

    return dict(LETTERS_ARABIC)


def forms_of(ch: str) -> tuple[str, ...] | None:
    """The presentation forms `arabic-reshaper` may draw the Arabic letter `ch` with
    (isolated, initial, medial, final; those it lacks left out); None for a character it
    does not join (a mark, a digit, a letter it does not know)."""
    found = _letters().get(ch)
    if found is None:
        return None
    return tuple(form for form in found if form)


PRESENTATION_FORMS = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


@functools.lru_cache(maxsize=4096)
def joins(ch: str) -> bool:
    """Whether `ch` is an Arabic letter that must be joined to its neighbours to be read (a
    presentation form is already one of its joined forms: `joined` makes them)."""
    return is_arabic(ch) and unicodedata.category(ch) == "Lo" and not _in(ch, PRESENTATION_FORMS)


@functools.cache
def shaping_for(covered: frozenset[int]) -> Any:
    """The reshaper for a font whose character map holds `covered`: every mark kept, every
    ligature the font has a glyph for and no other (as `arabic-reshaper`'s own
    `config_for_true_type_font` decides it, read from the font's map instead of fontTools)."""
    from arabic_reshaper import ArabicReshaper  # type: ignore[import-untyped]  # the package ships no type hints
    from arabic_reshaper.ligatures import LIGATURES  # type: ignore[import-untyped]  # the package ships no type hints

    configuration: dict[str, Any] = {
        "language": "Arabic",
        "delete_harakat": False,
        "shift_harakat_position": False,
        "delete_tatweel": False,
        "support_zwj": True,
        "use_unshaped_instead_of_isolated": False,
        "support_ligatures": True,
    }
    for name, (_, forms) in LIGATURES:
        configuration[name] = all(ord(form) in covered for form in forms if form)
    return ArabicReshaper(configuration=configuration)


def joined(text: str, covered: frozenset[int]) -> str:
    """`text` (in the order typed) with its Arabic letters in their joined forms, for a font
    whose character map holds `covered`. Nothing is dropped: read back through Unicode's
    compatibility forms (NFKC) it is `text` again, or ValueError says it is not."""
    if not any(joins(ch) for ch in text):
        return text
    shaped: str = shaping_for(covered).reshape(text)
    if unicodedata.normalize("NFKC", shaped) != unicodedata.normalize("NFKC", text):
        raise ValueError(f"Joining the letters changed {text!r}.")
    return shaped


def joined_runs(runs: Sequence[tuple[str, Tag]], covered: frozenset[int]) -> Styled:
    """Each run's text joined on its own (a change of bold within a word does not join), as
    characters carrying their run's tag."""
    out: Styled = []
    for text, tag in runs:
        out.extend((ch, tag) for ch in joined(text, covered))
    return out


# -- ordering ---------------------------------------------------------------------------------


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me")


def visual(chars: Styled, rtl: bool) -> Styled:
    """One line of `chars` (in the order typed, no line break in it) in the order to draw
    from the left, in a paragraph read right to left when `rtl`: UAX #9's rules X1–I2 for
    the levels, L1 and L2 for the order, L4 for mirrored brackets. A mark read right to left
    comes just before its letter, as Hebrew and Arabic fonts draw it (over the glyph that
    follows it); one read left to right just after, as Latin fonts draw it."""
    if not chars:
        return []
    from bidi import algorithm as uba  # type: ignore[import-untyped]  # the package ships no type hints

    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels("".join(ch for ch, _ in chars), storage)
    if len(storage["chars"]) != len(chars):  # one record a character, or nothing is sure
        raise ValueError("The bidirectional algorithm did not keep one record a character.")
    for at, record in enumerate(storage["chars"]):
        record["at"] = at
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    uba.apply_mirroring(storage, False)
    order: list[tuple[int, str]] = [(record["at"], record["ch"]) for record in storage["chars"]]
    seen = {at for at, _ in order}
    # A character the algorithm set aside (X9: none reach here, `normalise.drawn` takes them
    # out) is kept where it was typed rather than lost.
    order += [(at, chars[at][0]) for at in range(len(chars)) if at not in seen]
    return [(drawn_as, chars[at][1]) for at, drawn_as in order]


# -- lines ------------------------------------------------------------------------------------


def _words(chars: Styled) -> list[Styled]:
    words: list[Styled] = [[]]
    for ch, tag in chars:
        if ch == " ":
            if words[-1]:
                words.append([])
        else:
            words[-1].append((ch, tag))
    return [word for word in words if word]


def _pieces(word: Styled, room: float, measure: Callable[[Styled], float]) -> list[Styled]:
    """A word wider than `room` in parts that fit, cut between clusters (never between a
    letter and its mark)."""
    if measure(word) <= room:
        return [word]
    parts: list[Styled] = [[]]
    for ch, tag in word:
        if parts[-1] and not _is_mark(ch) and measure([*parts[-1], (ch, tag)]) > room:
            parts.append([])
        parts[-1].append((ch, tag))
    return parts


def lines(
    chars: Styled,
    widths: Sequence[float],
    measure: Callable[[Styled], float],
    rtl: bool,
) -> list[Styled]:
    """A paragraph of `chars` (joined, in the order typed) broken into lines that fit
    `widths` (the first line's, then every later line's), each in the order to draw from
    the left. `measure` gives the width of characters as drawn; a line break ("\\n") is
    kept, spaces between words become one."""
    out: list[Styled] = []
    paragraph: Styled = []
    for ch, tag in [*chars, ("\n", None)]:
        if ch != "\n":
            paragraph.append((" " if ch == "\t" else ch, tag))
            continue
        out.extend(_broken(paragraph, widths, measure, first=not out))
        paragraph = []
    return [visual(line, rtl) for line in out]


def _broken(
    chars: Styled, widths: Sequence[float], measure: Callable[[Styled], float], *, first: bool
) -> list[Styled]:
    """Greedy: each word on the line while it fits (widths add up: nothing here kerns)."""
    out: list[Styled] = []
    line: Styled = []
    used = 0.0

    def room() -> float:
        return widths[0] if first and not out else widths[-1]

    for word in _words(chars):
        for part in _pieces(word, room(), measure):
            space = [(" ", part[0][1])]
            wide = measure(part)
            gap = measure(space) if line else 0.0
            if line and used + gap + wide > room():
                out.append(line)
                line, used, gap = [], 0.0, 0.0
            line = [*line, *space, *part] if line else part
            used += gap + wide
    out.append(line)
    return out
