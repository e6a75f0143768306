"""The one place a member's name is found in text: themes, notes, handouts, search and `check`.

Call `find_member_names(text, members)`. Every part of the app that must keep a name out of
text (or find a member by what was typed) goes through it, so the same text gives the same
answer everywhere. Pure Python: no store, no ReportLab, no Textual.

What it sees through, before comparing: everything `voicesgroup.normalise.fold` sets aside
(case, accents, invisible, format, private-use and unassigned characters, bidirectional
controls, compatibility forms such as mathematical or full-width letters, small capitals,
and look-alike letters from any script by their Unicode confusable prototypes), and the
everyday ways a name is written:
- a two-part name joined by any run of spaces of any kind, line breaks, hyphens and dashes,
  or by nothing at all ("Mary Ann", "Mary-Ann", "Mary–Ann", "MaryAnn" are one name);
- a word broken at a line end with a hyphen ("Quill-⏎onia") or spaced out letter by letter
  ("Z o e"), read whole as well as in its parts (`_rejoined`);
- a possessive or plural with or without its apostrophe ("Aisha's", "Aishas"), a name
  followed by digits ("aisha2"), run together with another name ("AishaBen") or inside an
  e-mail address. A word that only begins with a name ("Bengal", "Benefit") is not one, and
  "same" is not "Sam E.".

Names that are also everyday words (Hope, May, Will, Grace, Kit…) are reported *uncertain*
when written in small letters or at the start of a sentence: the caller asks a person
instead of silently printing or silently refusing. A person's answer ("this is the word, not
the person") is kept by its `confirmation_key`, which holds no text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Protocol
from uuid import UUID

from voicesgroup.normalise import fold, fold_char, is_removed, plain_ascii

# Where a line ends, whatever the system or the program that wrapped the text.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_SOFT_HYPHENS = frozenset("\u00ad\U000e002d")
_CONTROL_SPACES = frozenset(
    ch for ch in map(chr, range(0x100)) if ch.isspace() and not ch.isprintable()
) - {"\n", "\t"}

EVERYDAY_WORD_NAMES = frozenset([
    "amber", "angel", "april", "art", "ash", "august", "autumn", "bay", "bill", "bob", "brook",
    "bud", "carol", "chance", "clay", "cliff", "crystal", "daisy", "dale", "dawn", "destiny",
    "don", "drew", "earl", "eve", "faith", "forest", "frank", "gene", "glen", "grace", "grant",
    "guy", "heath", "heather", "holly", "honey", "hope", "hunter", "iris", "ivy", "jack",
    "jade", "jasmine", "jay", "jet", "jewel", "joy", "june", "kit", "lark", "lily", "lou",
    "mark", "max", "may", "mercy", "merry", "miles", "misty", "nick", "norman", "pat",
    "patience", "pearl", "penny", "ray", "reed", "rich", "river", "rob", "robin", "rocky",
    "rose", "ruby", "rusty", "sage", "sandy", "skip", "sky", "sonny", "star", "storm", "sue",
    "summer", "sunny", "tanner", "true", "victor", "violet", "wade", "will", "wren",
])  # fmt: skip
"""First names that are also common words: written in small letters (or at the start of a
sentence) they may be the word, so a match is `uncertain` and a person is asked."""

_MONTHS = frozenset({"may", "june", "april", "august"})


class Named(Protocol):
    """Anything with a display name and an id: a `Member`, say."""

    @property
    def display_name(self) -> str: ...
    @property
    def id(self) -> UUID: ...


@dataclass(frozen=True)
class NameMatch:
    """One member's name found in a text.

    `name` is the name as listed, `member_id` the member's id (None when plain names were
    given), `found` the text as written there, `start`/`end` its place in the text, and
    `context` a few words either side. `certain` is False for an everyday word that may not
    mean the person ("may", "Hope" at the start of a sentence): ask before acting on it.
    """

    name: str
    member_id: UUID | None
    found: str
    start: int
    end: int
    context: str
    certain: bool

    @property
    def uncertain(self) -> bool:
        return not self.certain


# -- folding ------------------------------------------------------------------------------


def _fold_with_index(text: str, *, spaces: bool = False) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, the index it came from (None when
    they line up one to one). With `spaces`, a control character that is a space or a line
    break (which the fold, like every output, takes out) stands as a space."""
    if plain_ascii(text):
        return text.lower().replace("`", "'"), None
    parts: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch) or (" " if spaces and ch.isspace() else "")
        parts.append(folded)
        index.extend([i] * len(folded))
    return "".join(parts), index


_WORD = re.compile(r"[^\W_]+")


def name_words(name: str) -> tuple[str, ...]:
    """A name as its folded words: "Mary-Ann O'Neil" is ("mary", "ann", "o", "neil")."""
    return tuple(_WORD.findall(fold(name)))


def confirmation_key(text: str, name: str) -> str:
    """What is remembered when a person says a word in `text` is the word, not `name`.

    A hash of both, folded: no text and no name is kept in clear.
    """
    tidy = " ".join(fold(text).split())
    return hashlib.sha256(f"{tidy}\0{' '.join(name_words(name))}".encode()).hexdigest()[:32]


# -- finding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    name: str
    member_id: UUID | None
    everyday: bool
    seps: tuple[str, ...] = ()  # what stands between the name's own words ("'" in O'Neil)


@lru_cache(maxsize=64)
def _index(entries: tuple[tuple[str, UUID | None], ...]) -> dict[str, list[_Name]]:
    """Names by the first folded word they could start with, and by all their words run
    together ("maryann") unless one of them is a single letter ("Sam E." is not "same")."""
    by_first: dict[str, list[_Name]] = {}
    for name, member_id in entries:
        words = name_words(name)
        if not words:
            continue
        everyday = len(words) == 1 and words[0] in EVERYDAY_WORD_NAMES
        folded = fold(name)
        seps = tuple(gap.strip() for gap in _WORD.split(folded)[1:-1])
        entry = _Name(words, name, member_id, everyday, seps)
        by_first.setdefault(words[0], []).append(entry)
        if len(words) > 1 and all(len(word) > 1 for word in words):
            joined = "".join(words)
            by_first.setdefault(joined, []).append(_Name((joined,), name, member_id, False))
    return by_first


def _entries(members: Iterable[Named | str]) -> tuple[tuple[str, UUID | None], ...]:
    out: list[tuple[str, UUID | None]] = []
    for member in members:
        if isinstance(member, str):
            out.append((member, None))
        else:
            out.append((member.display_name, member.id))
    return tuple(out)


def _readings(token: str) -> list[str]:
    """A word and the name it may be written from: "aishas", "aisha2" and "aisha's" (whose
    "s" is a word of its own) are all "aisha". The word itself comes first."""
    out = [token]
    bare = token.rstrip("0123456789")
    if bare and bare != token:
        out.append(bare)
    if len(bare) > 2 and bare.endswith("s"):
        out.append(bare[:-1])
    return out


def _spans(
    text: str,
    folded: str,
    index: list[int] | None,
    by_first: dict[str, list[_Name]],
    lengths: tuple[int, ...],
) -> list[tuple[int, int]]:
    """The folded text's words, a word written as two ("AishaBen", "SamE") as its parts:
    split where a small letter meets a capital, or into two names run together."""
    spans: list[tuple[int, int]] = []
    for word in _WORD.finditer(folded):
        a, b = word.span()
        token = folded[a:b]
        if any(reading in by_first for reading in _readings(token)):
            spans.append((a, b))
            continue
        parts = [(a, b)]
        written = text[index[a] : index[b - 1] + 1] if index else text[a:b]
        if not written.islower():  # a capital after the first letter: perhaps two words
            parts = _camel_parts(text, folded, index, a, b, by_first)
        for start, end in parts:
            spans.extend(_two_names(folded, start, end, by_first, lengths))
    return spans


def _camel_parts(
    text: str,
    folded: str,
    index: list[int] | None,
    a: int,
    b: int,
    by_first: dict[str, list[_Name]],
) -> list[tuple[int, int]]:
    cuts = [a]
    for k in range(a + 1, b):
        left, right = (index[k - 1], index[k]) if index else (k - 1, k)
        if left != right and text[left].islower() and text[right].isupper():
            cuts.append(k)
    cuts.append(b)
    parts = list(itertools.pairwise(cuts))
    if any(r in by_first for start, end in parts for r in _readings(folded[start:end])):
        return parts
    return [(a, b)]


@lru_cache(maxsize=64)
def _key_lengths(entries: tuple[tuple[str, UUID | None], ...]) -> tuple[int, ...]:
    """The lengths of the words a name can start with, shortest first."""
    return tuple(sorted({len(key) for key in _index(entries)}))


def _two_names(
    folded: str,
    start: int,
    end: int,
    by_first: dict[str, list[_Name]],
    lengths: tuple[int, ...],
) -> list[tuple[int, int]]:
    token = folded[start:end]
    if any(reading in by_first for reading in _readings(token)):
        return [(start, end)]
    for cut in lengths:
        if cut >= len(token) - 1:
            break
        if (
            cut >= 2
            and token[:cut] in by_first
            and any(r in by_first for r in _readings(token[cut:]))
        ):
            return [(start, start + cut), (start + cut, end)]
    return [(start, end)]


def find_member_names(
    text: str,
    members: Iterable[Named | str],
    *,
    allow: Iterable[str] = (),
    confirmed: Iterable[str] = (),
) -> list[NameMatch]:
    """Every member's name in `text`, in order: the one name finder of the app.

    `members` are `Member`s (or anything with `display_name` and `id`) or plain names.
    `allow` holds phrases that are never a member's mention wherever they stand: the venue,
    the organisation, a facilitator's name in a facilitator field, shipped wording. A match
    lying inside one is skipped. `confirmed` holds `confirmation_key`s a person gave for this
    text ("the word, not the person"): the matches they cover are skipped.

    A name counts followed by "s", "'s" or digits, and run together with another name; a
    word that only begins with one ("Bengal" for "Ben") does not. A match is `certain`
    unless the name is an everyday word (see `EVERYDAY_WORD_NAMES`) written in small
    letters, starting a sentence, in capitals among capitals ("SURVIVAL KIT"), or a month
    after a word such as "in" ("In May the evenings"); a month beside a number ("3 May")
    is a date, never a name. Each name is reported at each place it stands.
    """
    if not text:
        return []
    entries = _entries(members)
    by_first = _index(entries)
    if not by_first:
        return []
    lengths = _key_lengths(entries)
    allow, keys = list(allow), set(confirmed)
    folded, index = _fold_with_index(text)
    found = _matches(text, folded, index, _candidates(text, folded, index, by_first, lengths))
    rejoined = _rejoined(text, folded, index)
    if rejoined is not None:  # a word broken at a line end is read whole too
        joined, where = rejoined
        found += _matches(text, joined, where, _candidates(text, *rejoined, by_first, lengths))
    if index is not None and not _CONTROL_SPACES.isdisjoint(text):  # "Z\ro e" is spelt out too
        folded, index = _fold_with_index(text, spaces=True)
    found += _matches(text, folded, index, _spaced_out(folded, entries))
    if found and allow:
        allowed = _allowed_spans(folded, index, allow)
        found = [m for m in found if not any(a <= m.start and m.end <= b for a, b in allowed)]
    if found and keys:
        found = [m for m in found if confirmation_key(text, m.name) not in keys]
    found.sort(key=lambda match: (match.start, -match.end))
    return _drop_overlaps(found)


def _candidates(
    text: str,
    folded: str,
    index: list[int] | None,
    by_first: dict[str, list[_Name]],
    lengths: tuple[int, ...],
) -> list[_Spelled]:
    """Where a name stands in one folded reading of `text`, as (start, end, name)."""
    spans = _spans(text, folded, index, by_first, lengths)
    tokens = [folded[a:b] for a, b in spans]
    found: list[_Spelled] = []
    for i, token in enumerate(tokens):
        for reading in _readings(token):
            for entry in by_first.get(reading, ()):
                n = len(entry.words)
                last = tokens[i + n - 1] if i + n - 1 < len(tokens) else ""
                if n > 1 and (
                    reading != token
                    or tuple(tokens[i : i + n - 1]) != entry.words[:-1]
                    or entry.words[-1] not in _readings(last)
                ):
                    continue
                if any(
                    not _joined(folded[spans[j][1] : spans[j + 1][0]], entry.seps[j - i])
                    for j in range(i, i + n - 1)
                ):
                    continue
                # with what it is written with: "Aishas", "ben2"
                found.append((spans[i][0], spans[i + n - 1][1], entry, reading))
    return found


def _matches(
    text: str, folded: str, index: list[int] | None, candidates: list[_Spelled]
) -> list[NameMatch]:
    """The candidates as matches at their places in `text` as typed (a date left out)."""
    found = []
    for f_start, f_end, entry, reading in candidates:
        start, end = (index[f_start], index[f_end - 1] + 1) if index else (f_start, f_end)
        while end < len(text) and unicodedata.category(text[end])[0] == "M":
            end += 1  # the marks on its last letter are the name's ("Zoe" + U+0308)
        certain = _certain(text, start, end, entry, reading)
        if certain is not None:
            context = _context(text, start, end)
            found.append(
                NameMatch(
                    entry.name, entry.member_id, text[start:end], start, end, context, certain
                )
            )
    return found


def _certain(text: str, start: int, end: int, entry: _Name, reading: str) -> bool | None:
    """Whether a match is certain; None when it is not a name at all (a date)."""
    if not entry.everyday:
        return True
    if reading in _MONTHS:
        if _beside_a_number(text, start, end):
            return None
        if _WORD_BEFORE_A_MONTH.search(text[:start]):
            return False
    if _among_capitals(text, start, end):
        return False
    return text[start].isupper() and not _starts_sentence(text, start)


_WORD_BEFORE_A_MONTH = re.compile(
    r"\b(?:in|of|since|until|till|from|by|during|through|last|next|this|early|late|mid|"
    r"before|after)\W+$",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]+")


def _among_capitals(text: str, start: int, end: int) -> bool:
    """Whether the word at `start` is written in capitals among capitals, where a capital
    says nothing about a name ("SURVIVAL KIT", "WILL YOU COME")."""
    if not text[start:end].isupper():
        return False
    if not any(ch.islower() for ch in text):
        return True
    before = _LETTERS.findall(text[:start])[-1:]
    after = _LETTERS.findall(text[end:])[:1]
    return any(len(word) > 1 and word.isupper() for word in before + after)


def _joined(gap: str, own: str) -> bool:
    """Whether `gap` (folded) may stand between two words of a name whose own separator is
    `own`: any run of spaces of any kind, line breaks and dashes (every dash folds to "-"),
    or the name's own separator ("O'Neil")."""
    return all(ch.isspace() or ch == "-" for ch in gap) or (bool(own) and gap.strip() == own)


def _hyphen(ch: str) -> bool:
    """A hyphen of any script, the soft hyphen included (by their Unicode names)."""
    return "HYPHEN" in unicodedata.name(ch, "") and unicodedata.category(ch) in ("Pd", "Cf")


def _unseen(ch: str) -> bool:
    """A character that draws nothing, or a mark on the letter before it."""
    return is_removed(ch) or unicodedata.category(ch)[0] == "M"


def _broken_at_line_end(gap: str) -> bool:
    """Whether `gap`, as typed between two letters, is a word broken at the end of a line: a
    hyphen straight after the letter, then spaces holding a line break ("Quill-⏎onia";
    characters that draw nothing may stand anywhere in it)."""
    if len(gap) < 2 or _LINE_BREAKS.isdisjoint(gap):
        return False
    kept = [ch for ch in gap if ch in _LINE_BREAKS or _hyphen(ch) or not _unseen(ch)]
    if not _hyphen(kept[0]):
        return False
    after = [ch for ch in kept[1:] if ch in _LINE_BREAKS or not _unseen(ch)]
    return all(ch.isspace() for ch in after) and not _LINE_BREAKS.isdisjoint(after)


def _rejoined(text: str, folded: str, index: list[int] | None) -> tuple[str, list[int]] | None:
    """The folded text with each word broken at the end of a line with a hyphen
    ("Quill-⏎onia") put back together, and where each character came from; None when no
    word was. A space or line break alone inside a word is not joined: "is a" must not read
    as "Isa"."""
    if _LINE_BREAKS.isdisjoint(text) or ("-" not in folded and _SOFT_HYPHENS.isdisjoint(text)):
        return None  # every dash folds to "-"; the hyphens that draw nothing fold to ""
    cuts: list[tuple[int, int]] = []
    words = [word.span() for word in _WORD.finditer(folded)]
    for (_, b1), (a2, _) in itertools.pairwise(words):
        typed = text[index[b1 - 1] + 1 : index[a2]] if index else folded[b1:a2]
        if _broken_at_line_end(typed):
            cuts.append((b1, a2))
    if not cuts:
        return None
    keep = [True] * len(folded)
    for start, end in cuts:
        keep[start:end] = [False] * (end - start)
    where = index or range(len(folded))
    return (
        "".join(ch for ch, kept in zip(folded, keep, strict=True) if kept),
        [at for at, kept in zip(where, keep, strict=True) if kept],
    )


def _spaced_out(folded: str, entries: tuple[tuple[str, UUID | None], ...]) -> list[_Spelled]:
    """Names spelt out letter by letter ("Z o e", "M a r y A n n"): single letters with only
    spaces between, each letter a word of its own, so a name may start or end at any of
    them ("a Z o e"). Returns where each was found in the folded text, first letter to
    last."""
    found: list[_Spelled] = []
    for run in _SPACED_RUN.finditer(folded):
        at = [k for k in range(*run.span()) if not folded[k].isspace()]
        letters = "".join(folded[k] for k in at)
        for spelt, names in _spellings(entries).items():
            start = letters.find(spelt)
            while start >= 0:
                end = at[start + len(spelt) - 1] + 1
                found += [(at[start], end, name, spelt) for name in names]
                start = letters.find(spelt, start + 1)
    return found


_Spelled = tuple[int, int, "_Name", str]
"""Where a name stands in a folded text: start, end, the name, the word it was read as."""
_SPACED_RUN = re.compile(r"(?<![^\W_])[^\W\d_](?:\s+[^\W\d_])+(?![^\W_])")


@lru_cache(maxsize=64)
def _spellings(entries: tuple[tuple[str, UUID | None], ...]) -> dict[str, list[_Name]]:
    """Each name of two letters or more by its letters run together ("maryann")."""
    out: dict[str, list[_Name]] = {}
    for name, member_id in dict.fromkeys(entries):
        words = name_words(name)
        spelt = "".join(words)
        if len(spelt) > 1 and spelt.isalpha():
            everyday = len(words) == 1 and words[0] in EVERYDAY_WORD_NAMES
            out.setdefault(spelt, []).append(_Name(words, name, member_id, everyday))
    return out


def _drop_overlaps(found: list[NameMatch]) -> list[NameMatch]:
    """Where matches overlap, keep the longer ("Mary Ann" over "Mary", a word read whole
    over a part of it), so the places returned never overlap and can each be replaced."""
    kept: list[NameMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            if match.end - match.start > kept[-1].end - kept[-1].start:
                kept[-1] = match
            continue
        kept.append(match)
    return kept


def _allowed_spans(
    folded: str, index: list[int] | None, allow: Iterable[str]
) -> list[tuple[int, int]]:
    """Where the `allow` phrases stand, as places in the text as typed."""
    spans = []
    for phrase in allow:
        key = fold(phrase).strip()
        if not key:
            continue
        if " " not in key:
            start = folded.find(key)
            while start >= 0:
                spans.append((start, start + len(key)))
                start = folded.find(key, start + 1)
            continue
        # A phrase of several words may be broken across lines where it is printed.
        spans += [match.span() for match in _phrase(key).finditer(folded)]
    return [(index[a], index[b - 1] + 1) if index else (a, b) for a, b in spans if b > a]


@lru_cache(maxsize=4096)
def _phrase(key: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in key.split()))


def _beside_a_number(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    return bool(before[-1:].isdigit() or after[:1].isdigit())


def _starts_sentence(text: str, start: int) -> bool:
    before = "".join(ch for ch in text[:start] if not is_removed(ch)).rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:;\n•–—-*" or text[:start].endswith(("\n", "\n\n"))


_BULLETS = frozenset("-*•‣◦·–—")
"""Marks that start a line of a list ("- Zoe came", "• Zoe came")."""
_OPENING = re.compile(r"[\"'“‘«(\[]+$")
_CLOSING = re.compile(r"[\"'”’»)\]]+$")
_LINE_BREAK = re.compile("[" + re.escape("".join(sorted(_LINE_BREAKS))) + "]")


def begins_a_sentence(text: str, start: int) -> bool:
    """Whether a word written at `start` begins a sentence, and so takes a capital: at the
    start of the text or of a line, after '.', '!' or '?' and a space, or after a bullet
    that starts a line ("- "); quotes and brackets that open before it are passed over, and
    so are invisible characters. The one rule for a word put in place of another (forgetting's
    "another member", a member's record)."""
    before = "".join(ch for ch in text[:start] if not is_removed(ch))
    opened = _OPENING.sub("", before)
    trimmed = opened.rstrip()
    gap = opened[len(trimmed) :]
    if not trimmed or any(ch in _LINE_BREAKS for ch in gap):
        return True
    if not gap:
        return False
    if _CLOSING.sub("", trimmed)[-1:] in (".", "!", "?"):
        return True
    line = _LINE_BREAK.split(trimmed)[-1].strip()
    return line in _BULLETS


def written_in(text: str, start: int, words: str) -> str:
    """`words` as they are written at `start` of `text`: with a capital where a sentence
    begins (`begins_a_sentence`), else as given."""
    return words[:1].upper() + words[1:] if begins_a_sentence(text, start) else words


def _context(text: str, start: int, end: int, around: int = 30) -> str:
    left = max(0, start - around)
    right = min(len(text), end + around)
    snippet = " ".join("".join(ch for ch in text[left:right] if not is_removed(ch)).split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


# -- what counts, by purpose -----------------------------------------------------------------


class Purpose(Enum):
    """What a text is for, which decides what the finder's matches mean. One policy each,
    here; every caller names its purpose instead of filtering matches itself."""

    HANDOUT = "handout"
    """Every match: a certain one refuses the printout, an uncertain one is asked about."""
    TYPED_TEXT = "typed text"
    """Every match: a theme, follow-up or note being typed warns about each."""
    REPORT = "report"
    """Certain, or an everyday word written with a capital ("Will's flat"): a report for
    funders has nobody to ask, so it leaves such a text out."""
    SUPERVISION = "supervision"
    """Certain: a supervision topic naming a member is refused; "may" written small passes."""
    REDACTION = "redaction"
    """As the report: certain, or an everyday word written with a capital ("Hope said…").
    Where a member is forgotten, such a text is written with "another member" (each shown
    before forgetting is confirmed): once they are gone, the report can no longer tell their
    name from the word and would print it. An everyday word written small is left as it is."""


def names_for(
    purpose: Purpose,
    text: str,
    members: Iterable[Named | str],
    *,
    allow: Iterable[str] = (),
    confirmed: Iterable[str] = (),
) -> list[NameMatch]:
    """The matches in `text` that count as a member's name for `purpose`."""
    matches = find_member_names(text, members, allow=allow, confirmed=confirmed)
    if purpose in (Purpose.REPORT, Purpose.REDACTION):
        return [m for m in matches if m.certain or m.found[:1].isupper()]
    if purpose is Purpose.SUPERVISION:
        return [m for m in matches if m.certain]
    return matches


def texts_naming_members(
    texts: Iterable[str],
    members: Iterable[Named | str],
    purpose: Purpose = Purpose.REPORT,
    *,
    allow: Iterable[str] = (),
) -> set[int]:
    """The indexes of the `texts` that name a member for `purpose` (the report's by default:
    its themes, strategy names and every other text, in the PDF as in the CSV). `allow`
    holds facilitators' names, never a member's mention where they stand."""
    members, allow = list(members), list(allow)
    return {
        i for i, text in enumerate(texts) if text and names_for(purpose, text, members, allow=allow)
    }


def may_be_words(text: str) -> bool:
    """Whether a stored string could hold a name: not empty, not an id, not a date or a moment.
    The one test of what is read for names in stored records (forgetting's redaction, what
    leaves a group's laptops)."""
    return bool(text) and _ID.fullmatch(text.lower()) is None and _ISO_DAY.match(text) is None


_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}([T ][\d:.+Z-]*)?$")


def first_certain(matches: Iterable[NameMatch]) -> NameMatch | None:
    """The first certain match, or None."""
    return next((match for match in matches if match.certain), None)


def name_matches_query(name: str, query: str) -> bool:
    """Whether what was typed in a search finds `name`, folded the same way as everywhere
    else: the typed letters appear in the name ("zoe" finds "Zoë", "maryann" finds "Mary
    Ann"), or every typed word starts a word of the name ("mary ann" finds "Mary-Ann")."""
    wanted = name_words(query)
    if not wanted:
        return True
    words = name_words(name)
    if "".join(wanted) in "".join(words):
        return True
    return all(any(word.startswith(part) for word in words) for part in wanted)


def replace_member_names(
    text: str,
    members: Iterable[Named | str],
    replacement: str,
    *,
    keep: str | None = None,
    confirmed: Iterable[str] = (),
) -> tuple[str, int]:
    """`text` with every certain mention of a member written as `replacement` ("another
    member"), and how many were replaced. `keep` is a name left as it is (the member whose
    own record this is, so "Mary Ann" is not taken for a listed "Mary"). Uncertain matches
    are left for a person to decide."""
    members = list(members)
    if keep:
        members.append(keep)
    matches = [
        match
        for match in find_member_names(text, members, confirmed=confirmed)
        if match.certain and match.name != keep
    ]
    for match in reversed(matches):
        words = written_in(text, match.start, replacement)
        text = text[: match.start] + words + text[match.end :]
    return text, len(matches)


def names_in_group_records(sessions: Iterable[object], members: Iterable[Named | str]) -> list[str]:
    """Where a session's group-level text (its themes and follow-ups, meant to hold no
    names) names a member for certain, one sentence each, naming neither the member nor the
    words: for `voicesgroup check`."""
    members = list(members)
    found = []
    for session in sessions:
        texts = [*getattr(session, "themes", ()), *getattr(session, "follow_ups", ())]
        if any(first_certain(find_member_names(text, members)) for text in texts):
            day = getattr(session, "date", None)
            found.append(f"a theme or follow-up of the session of {day} names a member")
    return found
