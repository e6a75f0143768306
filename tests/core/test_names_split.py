"""A name written apart — across lines, spaced out, with invisible or odd characters — is
found, and forgetting replaces exactly what was found.

The adversary for the name finder's one rule (`voicesgroup.names`): a member's name is built
from its parts with random separators from each class (any run of Unicode whitespace, a hyphen
at a line end, format characters, letters spelt out one by one), random case and compatibility
forms (full-width, mathematical letters, decomposed accents), inside random surrounding text.
The finder must report exactly that span, forgetting must write "another member" there and
keep every other character as it was, and afterwards the name is in no file and no output.
The same words without the name must find nothing ("be a" is not "Bea", "Always" not "Al").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.files import strings_in
from tests.helpers.records import add_group, add_member
from voicesgroup.kinds import ConsentScope
from voicesgroup.models import Session
from voicesgroup.names import Purpose, names_for
from voicesgroup.normalise import fold
from voicesgroup.store import Store, forgetting, redaction

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


@settings(max_examples=400, deadline=None)
@given(data=st.data(), name=st.sampled_from(NAMES))
def test_a_name_written_apart_is_found_exactly_and_redacted_exactly(
    data: st.DataObject, name: str
) -> None:
    before, after = data.draw(around(FILLER))
    form = data.draw(written(name))
    text = before + form + after
    assert names_for(Purpose.REDACTION, before, [name]) == []  # "be a" is not "Bea"
    assert names_for(Purpose.REDACTION, after, [name]) == []
    found = names_for(Purpose.REDACTION, text, [name])
    assert [(m.start, m.end) for m in found] == [(len(before), len(before) + len(form))], (
        text,
        found,
    )
    document = {"sessions": {"1": {"themes": [text], "follow_ups": [text]}}}
    shown = redaction.mentions(document, [name])
    changed = redaction.redact(document, [name])
    expected = before + another_member_after(before) + after
    assert [m.after for m in shown] == [m.after for m in changed] == [expected, expected]
    assert document["sessions"]["1"] == {"themes": [expected], "follow_ups": [expected]}


def test_a_space_or_a_line_break_alone_inside_a_word_joins_nothing() -> None:
    """Joining would find "Bea" in "can be a lot", "Isa" in "is a" and "Ina" in "in a"."""
    texts = ["It can be a lot", "this is\na way", "in a\u2003group", "on-\nly an A l"]
    for text in texts:
        assert names_for(Purpose.REDACTION, text, ["Bea", "Isa", "Ina", "Only Anne"]) == []
    assert names_for(Purpose.REDACTION, "Always, always", ["Al"]) == []


def _squashed(text: str) -> str:
    """Letters and digits only, folded: what is left of a name whatever was put between."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


SAFE_FILLER = ["the", "bus", "was", "late", "we", "talked", "about", "sleep", "1", "🙂", "東京"]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), name=st.sampled_from(["Quillonia", "Zoë", "Siobhán", "Kwame Mensah"]))
def test_after_forgetting_a_name_written_apart_is_in_no_file_and_no_output(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, name: str
) -> None:
    from voicesgroup.evaluation import Period, report
    from voicesgroup.report_files import report_bytes

    before, after = data.draw(around(SAFE_FILLER, stored=True))
    form = data.draw(written(name, stored=True))
    text = before + form + after
    assume(len(text) <= 500)
    wanted = _squashed(name)
    assert wanted not in _squashed(before + after)  # the oracle below can tell
    folder = tmp_path_factory.mktemp("apart")
    path = folder / "voicesgroup.json"
    with Store.open(path, seed=False) as store:
        group = add_group(store)
        member = add_member(store, name, ConsentScope.ATTENDANCE_BY_NAME)
        for week in range(9):  # a theme the report lists (it came up often enough)
            day = dt.date(2025, 1, 7) + dt.timedelta(weeks=week)
            store.save_session(
                Session(
                    group_id=group.id, date=day, themes=[text], anonymous_count=9, status="ended"
                )
            )
    with Store.open(path) as store:  # a backup that holds the name
        shown = forgetting.texts_naming(store, store.member(member.id))
        assert len(shown) == 9 and all(m.before == text for m in shown)
        store.forget_member(member.id)
        made = report(store, Period(dt.date(2025, 1, 1), dt.date(2025, 6, 1)))
        outputs = [report_bytes(store, made, form) for form in ("csv", "txt", "html")]
        themes = {t for session in store.sessions() for t in session.themes}
    assert themes == {before + another_member_after(before) + after}
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 2  # the data file, its backups and the record of the forgotten
    for file in files:
        raw = file.read_bytes()
        try:
            texts = strings_in(json.loads(raw))
        except ValueError:
            texts = [raw.decode("utf-8", "replace")]
        assert not [t for t in texts if wanted in _squashed(t)], file.name
    for output in outputs:
        assert wanted not in _squashed(output.decode("utf-8-sig")), output[:200]
    assert any("anothermember" in _squashed(o.decode()) for o in outputs)


@pytest.mark.parametrize(
    "form", ["Quill-\nonia", "Quill\u00ad\nonia", "QUILL-\u200b\r\n  onia", "Quill\u2010\u2028onia"]
)
def test_the_forget_list_and_the_redaction_read_a_broken_name_alike(
    tmp_path: Path, form: str
) -> None:
    document = {"sessions": {"1": {"themes": [f"Sat with {form} today"]}}}
    listed = redaction.mentions(document, ["Quillonia"])
    assert [m.after for m in listed] == ["Sat with another member today"]
    assert redaction.apply(document, listed)
    assert document["sessions"]["1"]["themes"] == ["Sat with another member today"]


def test_member_forget_lists_a_broken_name_as_it_will_read_then_replaces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's list before forgetting and the forgetting itself read with one finder."""
    from tests.helpers.cli import run

    path = tmp_path / "voicesgroup.json"
    theme = "Sat with QUILL\u00ad\nonia, then the bus"
    with Store.open(path, seed=False) as store:
        group = add_group(store)
        add_member(store, "Quillonia", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(Session(group_id=group.id, date=dt.date(2025, 2, 4), themes=[theme]))
    code, out, err = run(capsys, "--db", str(path), "member", "forget", "--member", "Quillonia")
    assert code == 1 and "add --yes" in err
    assert f"{theme!r}\n  will read: 'Sat with another member, then the bus'" in out
    code, _, err = run(
        capsys, "--db", str(path), "member", "forget", "--member", "Quillonia", "--yes"
    )
    assert code == 0, err
    with Store.open(path) as store:
        assert [s.themes for s in store.sessions()] == [["Sat with another member, then the bus"]]


PIECES = [
    "", "we talked", "Sat with", ". ", "! ", "? ", "?! ", ".", "\n", "\r\n", "\u2028", "- ",
    "• ", "\n- ", "  * ", ", ", " and ", " - ", " — ", "“", "(", "\"", "1. ", "e.g. ", "...",
    ":", "; ", "\u200b", "\u00a0", "\t", ")", "”", "!\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=5),
    st.lists(st.sampled_from(PIECES), max_size=3),
    st.sampled_from(["Quillonia", "Zoë", "Kwame Mensah"]),
)
def test_another_member_takes_a_capital_where_a_sentence_begins_and_only_there(
    first: list[str], then: list[str], name: str
) -> None:
    """The replacement is written as a sentence needs it, by forgetting and by a member's own
    record alike, and nothing else in the text changes."""
    from voicesgroup.names import replace_member_names

    before, after = "".join(first), " felt" + "".join(then)
    assume(not names_for(Purpose.REDACTION, before + " " + after, [name]))
    text = before + name + after
    expected = before + another_member_after(before) + after
    document = {"sessions": {"1": {"themes": [text]}}}
    changed = redaction.redact(document, [name])
    assert [m.after for m in changed] == [expected]
    assert replace_member_names(text, [name], "another member") == (expected, 1)
