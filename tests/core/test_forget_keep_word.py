"""Forgetting a member whose name is also a word: the person confirming says, text by text,
"the word here, not this member" for a match that may be either ("SURVIVAL KIT"), and only
the mentions they left are replaced; every other text stays byte for byte, in the data file
and in every backup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from tests.helpers.records import add_group, add_member
from voicesgroup.kinds import ConsentScope
from voicesgroup.models import CopingStrategy, Session
from voicesgroup.names import Purpose, names_for
from voicesgroup.store import Store, forgetting

DAY = dt.date(2025, 2, 4)
WORD = "SURVIVAL KIT: what to carry"
NAMED = "We sat with Kit and counted breaths"


def holding(folder: Path, text: str) -> list[str]:
    """Names of the files under `folder` whose bytes hold `text`."""
    return [p.name for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_a_text_said_to_hold_the_word_stays_in_the_file_and_every_backup(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    store = Store.open(path, seed=False)
    group = add_group(store)
    member = add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
    strategy = CopingStrategy(title=WORD, category="distraction")
    store.save_strategy(strategy)
    store.save_session(
        Session(group_id=group.id, date=DAY, themes=[NAMED, "a kit bag by the door"])
    )
    store.close()
    store = Store.open(path)  # a backup holds both texts
    texts = {m.before: m for m in forgetting.texts_naming(store, store.member(member.id))}
    assert set(texts) == {WORD, NAMED}
    assert texts[WORD].may_be_word and not texts[NAMED].may_be_word
    job = forgetting.start(store, member.id, list(texts.values()), words=texts[WORD].word_keys)
    counts = forgetting.write_files(job)
    forgetting.note_done(store, counts)
    forgetting.finish(job, counts)
    assert store.strategy(strategy.id).title == WORD
    assert store.sessions()[0].themes == [
        "We sat with another member and counted breaths",
        "a kit bag by the door",
    ]
    store.close()
    assert counts[0] >= 1
    assert holding(tmp_path, "SURVIVAL another member") == []
    assert holding(tmp_path, "with Kit") == []
    backups = [p for p in (tmp_path / "voicesgroup.json.backups").iterdir() if p.is_file()]
    assert backups and all(WORD.encode() in p.read_bytes() for p in backups), backups


def test_an_answer_for_a_text_that_is_certainly_the_name_changes_nothing(tmp_path: Path) -> None:
    """A key made for a certain mention (by hand, or an old answer) still lets it be replaced."""
    from voicesgroup.names import confirmation_key

    with Store.open(tmp_path / "voicesgroup.json", seed=False) as store:
        group = add_group(store)
        member = add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(Session(group_id=group.id, date=DAY, themes=[NAMED]))
        job = forgetting.start(store, member.id, words=[confirmation_key(NAMED, "Kit")])
        counts = forgetting.write_files(job)
        forgetting.finish(job, counts)
        assert store.sessions()[0].themes == ["We sat with another member and counted breaths"]


TOKENS = ["KIT", "Kit", "kit", "SURVIVAL", "Calm", "calm", "said", "PACK", "bag", ":", "Hope"]
themes_strategy = st.lists(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6).map(" ".join),
    min_size=1,
    max_size=5,
    unique_by=str.casefold,  # texts alike but for case share one answer: the xfail below
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(themes=themes_strategy, data=st.data())
def test_only_the_mentions_left_to_replace_change(
    tmp_path_factory: object, themes: list[str], data: st.DataObject
) -> None:
    """The adversary: any texts mixing the name as a name, as a word in capitals and small,
    and any choice of answers. A text nobody listed, or listed and said to hold only the
    word, stays byte for byte; a listed text not answered reads as the preview showed; a text
    answered but also naming the member for certain keeps no certain mention."""
    folder = tmp_path_factory.mktemp("kit")  # type: ignore[attr-defined]  # pytest's factory
    with Store.open(folder / "voicesgroup.json", seed=False) as store:
        group = add_group(store)
        member = add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(Session(group_id=group.id, date=DAY, themes=themes))
        shown = {m.before: m for m in forgetting.texts_naming(store, store.member(member.id))}
        askable = sorted(text for text, m in shown.items() if m.may_be_word)
        marked = data.draw(st.lists(st.sampled_from(askable), unique=True)) if askable else []
        words = [key for text in marked for key in shown[text].word_keys]
        job = forgetting.start(store, member.id, list(shown.values()), words=words)
        forgetting.finish(job, forgetting.write_files(job))
        after = store.sessions()[0].themes
    for before, now in zip(themes, after, strict=True):
        certain = [m for m in names_for(Purpose.REDACTION, before, ["Kit"]) if m.certain]
        if before not in shown or (before in marked and not certain):
            assert now == before
        elif before in marked:
            assert not [m for m in names_for(Purpose.REDACTION, now, ["Kit"]) if m.certain]
        else:
            assert now == shown[before].after


# -- the command line ---------------------------------------------------------------------------


def _kit_with_two_texts(path: Path) -> None:
    with Store.open(path, seed=False) as store:
        group = add_group(store)
        add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_strategy(CopingStrategy(title=WORD, category="distraction"))
        store.save_session(Session(group_id=group.id, date=DAY, themes=[NAMED]))


def _texts(path: Path) -> tuple[str, list[str]]:
    with Store.open(path, readonly=True) as store:
        [strategy] = store.strategies()
        return strategy.title, store.sessions()[0].themes


def test_member_forget_asks_about_a_word_and_keeps_it_when_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "voicesgroup.json"
    _kit_with_two_texts(path)
    db = ("--db", str(path), "member", "forget", "--member", "Kit")
    code, out, err = run(capsys, *db)
    assert code != 0 and "add --keep-word" in out
    number = next(line.split(".")[0] for line in out.splitlines() if WORD in line)
    # --yes alone, off a terminal: the word must be answered first; nothing is done.
    code, _, err = run(capsys, *db, "--yes")
    assert code != 0 and "--keep-word" in err and "nothing was done" in err
    assert _texts(path) == (WORD, [NAMED])
    # A text that certainly names them cannot be kept; a number not listed is one sentence.
    other = "2" if number == "1" else "1"
    for wrong in (other, "7"):
        code, _, err = run(capsys, *db, "--yes", "--keep-word", wrong)
        assert code != 0 and len(err.strip().splitlines()) == 1, err
        assert _texts(path) == (WORD, [NAMED])
    code, out, err = run(capsys, *db, "--yes", "--keep-word", number)
    assert code == 0, err
    assert _texts(path) == (WORD, ["We sat with another member and counted breaths"])
    assert holding(tmp_path, "SURVIVAL another member") == []


def test_member_forget_replaces_every_word_when_told_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "voicesgroup.json"
    _kit_with_two_texts(path)
    code, _, err = run(
        capsys, "--db", str(path), "member", "forget", "--member", "Kit", "--yes", "--replace-words"
    )
    assert code == 0, err
    title, themes = _texts(path)
    assert title == "SURVIVAL another member: what to carry"
    assert themes == ["We sat with another member and counted breaths"]


@pytest.mark.xfail(
    strict=True,
    reason="an answer is keyed by the folded text, so 'KIT' said to be the word keeps 'Kit' too",
)
def test_an_answer_for_one_text_keeps_no_other_text_differing_only_in_case(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "voicesgroup.json", seed=False) as store:
        group = add_group(store)
        member = add_member(store, "Kit", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(Session(group_id=group.id, date=DAY, themes=["KIT", "Kit"]))
        shown = {m.before: m for m in forgetting.texts_naming(store, store.member(member.id))}
        job = forgetting.start(store, member.id, words=shown["KIT"].word_keys)
        forgetting.finish(job, forgetting.write_files(job))
        assert store.sessions()[0].themes == ["KIT", "another member"]
