"""Ordinary words are not refused for good: every word the finder refuses has a way through
that is remembered, and facilitators' names in facilitator fields are never refused.

And the everyday ways a name is written are names, while a word that only begins with one is
not; the policy for each purpose is the one in `voicesgroup.names`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from tests.helpers.pdf import printout
from voicesgroup.facilitator_path import MemberNamed, add_supervision, sign_off
from voicesgroup.models import CopingStrategy, Facilitator, Member
from voicesgroup.names import Purpose, find_member_names, names_for, texts_naming_members
from voicesgroup.store import Store

MEMBERS = ["Aisha", "Ben", "Sam E.", "Mary Ann", "May", "Kit", "Dev", "August", "Ali"]


def found(text: str) -> list[tuple[str, bool]]:
    return [(match.name, match.certain) for match in find_member_names(text, MEMBERS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aisha's flat", [("Aisha", True)]),
        ("Aishas flat", [("Aisha", True)]),
        ("aisha2024 was there", [("Aisha", True)]),
        ("AishaBen came", [("Aisha", True), ("Ben", True)]),
        ("aishaben came", [("Aisha", True), ("Ben", True)]),
        ("write to aisha.b@example.org", [("Aisha", True)]),
        ("MaryAnns plan", [("Mary Ann", True)]),
        ("Mary Ann's plan", [("Mary Ann", True)]),
        ("Ali's idea", [("Ali", True)]),
        ("SamE said", [("Sam E.", True)]),
        # not names
        ("Bengal tigers", []),
        ("Benefit advice", []),
        ("the same again", []),
        ("all of us", []),
        ("ALL OF US", []),
        # ordinary words that look like names are asked about, not refused
        ("In May the evenings are lighter", [("May", False)]),
        ("Plant bulbs in August", [("August", False)]),
        ("SURVIVAL KIT", [("Kit", False)]),
        ("Ask May first", [("May", True)]),
        ("Talk to KIT today", [("Kit", True)]),
    ],
)
def test_everyday_forms_of_a_name(text, expected):
    assert found(text) == expected


def test_one_policy_per_purpose():
    text = "I will ask Will"
    everyone = ["Will"]
    assert [m.certain for m in names_for(Purpose.HANDOUT, text, everyone)] == [False, True]
    assert [m.certain for m in names_for(Purpose.TYPED_TEXT, text, everyone)] == [False, True]
    assert [m.found for m in names_for(Purpose.REPORT, "Will's flat; I will", everyone)] == ["Will"]
    assert names_for(Purpose.SUPERVISION, "you may rest", ["May"]) == []
    assert names_for(Purpose.REDACTION, "you may rest", ["May"]) == []
    assert [m.found for m in names_for(Purpose.REDACTION, "Will's flat; I will", everyone)] == [
        "Will"
    ]
    assert [m.found for m in names_for(Purpose.REDACTION, "I saw 𝐌ay", ["May"])] == ["𝐌ay"]
    assert texts_naming_members(["the same again", "Sam E. came"], ["Sam E."]) == {1}


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("In May the evenings are lighter", "May"),
        ("Plant bulbs in August", "August"),
        ("SURVIVAL KIT", "KIT"),
        ("dev tools for calm", "dev"),  # a member is called Dev: certain, and still answerable
    ],
)
def test_a_refused_word_has_a_way_through_that_is_remembered(
    capsys, demo_path, tmp_path, title, word
):
    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="May"))
        store.save_member(Member(display_name="August"))
        idea = CopingStrategy(title=title, category="social")
        store.save_strategy(idea)
    out = tmp_path / "sheet.txt"
    args = ["--db", str(demo_path), "print", "strategies", "--group", "Tuesday Voices"]
    args += ["--strategy", str(idea.id), "--format", "txt", "--out", str(out)]
    code, _, err = run(capsys, *args)
    assert code == 1 and f"{word}”" in err and "--not-a-name" in err and not out.exists()
    assert run(capsys, *args, "--not-a-name", word.lower())[0] == 0
    assert title in out.read_text()
    assert run(capsys, *args, "--force")[0] == 0  # remembered for that text
    # Only for that text: the same word elsewhere is asked about again.
    with Store.open(demo_path) as store:
        other = CopingStrategy(title=f"{title} again", category="social")
        store.save_strategy(other)
    args[args.index(str(idea.id))] = str(other.id)
    assert run(capsys, *args, "--force")[0] == 1


def test_facilitators_names_on_the_team_sheet_are_never_refused(demo_path):
    from tests.helpers.pdf import pdf_text

    with Store.open(demo_path) as store:
        # A member shares part of a facilitator's name, and another member signed someone off.
        store.save_facilitator(Facilitator(display_name="Sam Jones"))
        store.save_member(Member(display_name="Sam"))
        store.save_member(Member(display_name="Jo"))
        sol = next(p for p in store.facilitators() if p.display_name == "Sol")
        sign_off(store, sol, "Jo", dt.date(2025, 2, 1), reason="trained elsewhere")
        text = pdf_text(printout(store, "team-sheet", today=dt.date(2026, 11, 26)))
        assert "Sam Jones" in text and "Jo" in text
        # A member's name anywhere else still stops it.
        store.save_settings(store.settings().model_copy(update={"organisation": "𝐀isha's Place"}))
        from voicesgroup.errors import NameInHandout

        with pytest.raises(NameInHandout, match="Aisha"):
            printout(store, "team-sheet", today=dt.date(2026, 11, 26))


@pytest.mark.parametrize(
    "topic",
    ["How 𝐀isha is doing", "Ai\u200bsha's week", "ᴀɪsʜᴀ and the group", "aishas news", "Аisha"],
)
def test_supervision_topics_are_checked_like_everything_else(demo_path, topic):
    with Store.open(demo_path) as store:
        people = store.facilitators()[:2]
        with pytest.raises(MemberNamed):
            add_supervision(store, dt.date(2026, 11, 20), people, "Jo", [topic])
        add_supervision(store, dt.date(2026, 11, 20), people, "Jo", ["Ending on time"])


def test_a_facilitator_sharing_part_of_a_members_name_never_stops_the_report(demo_path):
    from voicesgroup.evaluation import Period, report
    from voicesgroup.models import Session, SessionStatus
    from voicesgroup.report_files import report_bytes

    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="Sam"))
        sam = Facilitator(display_name="Sam Jones", named_in_reports=True)  # said yes
        store.save_facilitator(sam)
        group = store.groups()[0]
        store.save_session(
            Session(
                group_id=group.id,
                date=dt.date(2026, 10, 6),
                status=SessionStatus.ENDED,
                facilitator_ids=[sam.id],
                anonymous_count=6,
            )
        )
        made = report(store, Period(dt.date(2026, 1, 1), dt.date(2026, 11, 25)))
        from tests.helpers.pdf import pdf_text

        assert "Sam Jones" in pdf_text(report_bytes(store, made, "pdf"))
        assert report_bytes(store, made, "csv")


def test_who_wrote_a_consent_down_never_stops_a_members_own_record(demo_path):
    from tests.helpers.pdf import pdf_text
    from voicesgroup.printing import PrintRequest, make

    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="Rosa"))  # as the facilitator who wrote it down
        aisha = next(m for m in store.members() if m.display_name == "Aisha")
        printed = make(store, PrintRequest(kind="member-record", member=aisha))
        assert "Rosa wrote it down" in " ".join(pdf_text(printed.data).split())


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(["Aisha", "Ben", "Dev", "Kwame"]),
    tail=st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
)
def test_a_word_that_only_begins_with_a_name_is_not_one(name, tail):
    # "Bengal", "Benefit", "Devon": a name's letters followed by letters of another word.
    assume(not re.fullmatch(r"s?\d*", tail))  # a plural or digits after it is the name
    assume(not any(tail.startswith(other.lower()) for other in MEMBERS))  # two names
    assert found(f"We spoke of {name}{tail} today") == []


@pytest.mark.parametrize("written", ["𝐁en", "B\u200ben", "ʙᴇɴ", "Bens", "ben2", "Вen"])
def test_a_disguised_name_in_a_members_own_record_reads_another_member(demo_path, written):
    from tests.helpers.pdf import pdf_text
    from voicesgroup.models import Note
    from voicesgroup.printing import PrintRequest, make

    with Store.open(demo_path) as store:
        aisha = store.find_member("Aisha")
        words = f"Sat with {written} at the back, which helped."
        store.save_note(Note(member_id=aisha.id, member_words=words, agreed_by_member=True))
        printed = make(store, PrintRequest(kind="member-record", member=aisha))
        shown = " ".join(pdf_text(printed.data).split())
        assert "Sat with another member at the back, which helped." in shown
        assert not find_member_names(shown.replace("Aisha", ""), ["Ben"])
