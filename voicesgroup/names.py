"""The one place a member's name is found in text: themes, notes, handouts, search and `check`.

Call `find_member_names(text, members)`. Every part of the app that must keep a name out of
text (or find a member by what was typed) goes through it, so the same text gives the same
answer everywhere. Pure Python: no store, no ReportLab, no Textual.

What it sees through, before comparing:
- invisible characters inside a word (zero-width space, soft hyphen, joiners, word joiner);
- look-alike letters from other scripts (Cyrillic "о", Greek "ο" for Latin "o", and so on),
  full-width and mathematical letters;
- case and accents, either way ("zoe" finds "Zoë", "Zoë" finds "Zoe");
- a two-part name joined by a space, a line break, a hyphen, an en dash or nothing at all
  ("Mary Ann", "Mary-Ann", "Mary–Ann", "MaryAnn" are one name).

Names that are also everyday words (Hope, May, Will, Grace, Kit…) are reported *uncertain*
when written in small letters or at the start of a sentence: the caller asks a person
instead of silently printing or silently refusing. A person's answer ("this is the word, not
the person") is kept by its `confirmation_key`, which holds no text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol
from uuid import UUID

# Characters that draw nothing but can sit inside a word to hide it.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u200b\u200c\u200d"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
    "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufe00\ufe01\ufe02\ufe03\ufe04"
    "\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)

# Letters from other scripts drawn like a Latin letter (after case folding).
_CONFUSABLE = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h", "ү": "y", "ɡ": "g", "ո": "n", "ս": "u",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z", "ω": "w", "ς": "c",
    # Latin letters that Unicode does not decompose into a base letter plus an accent
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l", "þ": "th",
    "æ": "ae", "œ": "oe", "ß": "ss", "ƚ": "l", "ɩ": "i", "ʟ": "l",
    # apostrophes and spaces
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00a0": " ", "\u202f": " ",
}  # fmt: skip

# What may join the parts of a two-part name: spaces, hyphens and dashes.
_JOINERS = frozenset(" \t\n\r\f\v-\u2010\u2011\u2012\u2013\u2014\u2212")

EVERYDAY_WORD_NAMES = frozenset(
    [
        "amber",
        "angel",
        "april",
        "art",
        "ash",
        "august",
        "autumn",
        "bay",
        "bill",
        "bob",
        "brook",
        "bud",
        "carol",
        "chance",
        "clay",
        "cliff",
        "crystal",
        "daisy",
        "dale",
        "dawn",
        "destiny",
        "don",
        "drew",
        "earl",
        "eve",
        "faith",
        "forest",
        "frank",
        "gene",
        "glen",
        "grace",
        "grant",
        "guy",
        "heath",
        "heather",
        "holly",
        "honey",
        "hope",
        "hunter",
        "iris",
        "ivy",
        "jack",
        "jade",
        "jasmine",
        "jay",
        "jet",
        "jewel",
        "joy",
        "june",
        "kit",
        "lark",
        "lily",
        "lou",
        "mark",
        "max",
        "may",
        "mercy",
        "merry",
        "miles",
        "misty",
        "nick",
        "norman",
        "pat",
        "patience",
        "pearl",
        "penny",
        "ray",
        "reed",
        "rich",
        "river",
        "rob",
        "robin",
        "rocky",
        "rose",
        "ruby",
        "rusty",
        "sage",
        "sandy",
        "skip",
        "sky",
        "sonny",
        "star",
        "storm",
        "sue",
        "summer",
        "sunny",
        "tanner",
        "true",
        "victor",
        "violet",
        "wade",
        "will",
        "wren",
    ]
)
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


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    out = []
    for c in unicodedata.normalize("NFKD", ch.casefold()):
        if unicodedata.combining(c):
            continue
        c = _CONFUSABLE.get(c, c)
        for d in unicodedata.normalize("NFKD", c):
            if not unicodedata.combining(d):
                out.append(d)
    return "".join(out)


def fold(text: str) -> str:
    """Text as it is compared: case, accents, look-alike letters and invisible characters
    all set aside ("Zо\u200bë" becomes "zoe")."""
    if text.isascii():
        return text.lower().replace("`", "'")
    return "".join(_fold_char(ch) for ch in text)


def _fold_with_index(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, the index it came from (None when
    they line up one to one)."""
    if text.isascii():
        return text.lower().replace("`", "'"), None
    parts: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
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
    """Names by the first folded word they could start with (and by all words run together)."""
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
        if len(words) > 1:
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
    text ("the word, not the person"): uncertain matches they cover are skipped.

    A match is `certain` unless the name is an everyday word (see `EVERYDAY_WORD_NAMES`)
    written in small letters or starting a sentence; a month name beside a number ("3 May")
    is a date, never a name. Each name is reported at each place it stands.
    """
    if not text:
        return []
    by_first = _index(_entries(members))
    if not by_first:
        return []
    folded, index = _fold_with_index(text)
    spans = [m.span() for m in _WORD.finditer(folded)]
    tokens = [folded[a:b] for a, b in spans]
    found: list[NameMatch] = []
    allowed_spans: list[tuple[int, int]] | None = None
    confirmed_keys = set(confirmed)
    for i, token in enumerate(tokens):
        for entry in by_first.get(token, ()):
            n = len(entry.words)
            if tuple(tokens[i : i + n]) != entry.words:
                continue
            if any(
                not _joined(folded[spans[j][1] : spans[j + 1][0]], entry.seps[j - i])
                for j in range(i, i + n - 1)
            ):
                continue
            f_start, f_end = spans[i][0], spans[i + n - 1][1]
            if allowed_spans is None:
                allowed_spans = _allowed_spans(folded, allow)
            if any(a <= f_start and f_end <= b for a, b in allowed_spans):
                continue
            start, end = (index[f_start], index[f_end - 1] + 1) if index else (f_start, f_end)
            certain = True
            if entry.everyday:
                if token in _MONTHS and _beside_a_number(text, start, end):
                    continue
                certain = text[start].isupper() and not _starts_sentence(text, start)
            if not certain and confirmation_key(text, entry.name) in confirmed_keys:
                continue
            found.append(
                NameMatch(
                    name=entry.name,
                    member_id=entry.member_id,
                    found=text[start:end],
                    start=start,
                    end=end,
                    context=_context(text, start, end),
                    certain=certain,
                )
            )
    found.sort(key=lambda match: (match.start, -match.end))
    return _drop_overlaps(found)


def _joined(gap: str, own: str) -> bool:
    """Whether `gap` may stand between two words of a name whose own separator is `own`."""
    return set(gap) <= _JOINERS or (bool(own) and gap.strip() == own)


def _drop_overlaps(found: list[NameMatch]) -> list[NameMatch]:
    """Where a longer name covers a shorter one ("Mary Ann" over "Mary"), keep the longer."""
    kept: list[NameMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end and match.name != kept[-1].name:
            if match.end - match.start > kept[-1].end - kept[-1].start:
                kept[-1] = match
            continue
        if kept and (match.start, match.name) == (kept[-1].start, kept[-1].name):
            continue
        kept.append(match)
    return kept


def _allowed_spans(folded: str, allow: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for phrase in allow:
        key = fold(phrase).strip()
        if not key:
            continue
        start = folded.find(key)
        while start >= 0:
            spans.append((start, start + len(key)))
            start = folded.find(key, start + 1)
    return spans


def _beside_a_number(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    return bool(before[-1:].isdigit() or after[:1].isdigit())


def _starts_sentence(text: str, start: int) -> bool:
    before = "".join(ch for ch in text[:start] if ch not in _INVISIBLE).rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:;\n•–—-*" or text[:start].endswith(("\n", "\n\n"))


def _context(text: str, start: int, end: int, around: int = 30) -> str:
    left = max(0, start - around)
    right = min(len(text), end + around)
    snippet = " ".join("".join(ch for ch in text[left:right] if ch not in _INVISIBLE).split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


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
        text = text[: match.start] + replacement + text[match.end :]
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
