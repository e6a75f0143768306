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
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers.files import strings_in
from tests.helpers.name_spellings import (
    FILLER,
    NAMES,
    SAFE_FILLER,
    another_member_after,
    around,
    squashed,
    written,
)
from tests.helpers.records import add_group, add_member
from voicesgroup.kinds import ConsentScope
from voicesgroup.models import Session
from voicesgroup.names import Purpose, names_for
from voicesgroup.store import Store, forgetting, redaction


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
    wanted = squashed(name)
    assert wanted not in squashed(before + after)  # the oracle below can tell
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
        assert not [t for t in texts if wanted in squashed(t)], file.name
    for output in outputs:
        assert wanted not in squashed(output.decode("utf-8-sig")), output[:200]
    assert any("anothermember" in squashed(o.decode()) for o in outputs)


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
