"""Tests for voicesgroup.handouts: every printout read back from its PDF bytes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.pdf_helpers import pdf_font_sizes, pdf_reader, pdf_text, render_png
from voicesgroup.errors import NameInHandout
from voicesgroup.handouts import (
    DISCREET_STEMS,
    HandoutNotSaved,
    NothingToPrint,
    RotaRow,
    agreement_sheet,
    diary_sheet,
    discreet_safe,
    find_name,
    member_record,
    rota_table,
    session_plan,
    strategies_sheet,
    write_pdf,
)
from voicesgroup.models import (
    Agreement,
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    ContactDetail,
    CopingStrategy,
    Experience,
    Group,
    MeetingPattern,
    Member,
    Moment,
    Note,
    Phase,
    SessionTemplate,
    SupportContact,
    Variant,
)

UTC = dt.UTC
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def text_of(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(pdf_text(data).split())


# -- realistic fixtures, built in code ---------------------------------------------------------


def sample_agreement() -> Agreement:
    return Agreement(
        version=3,
        points=[
            "What is said in the group stays in the group.",
            "Anyone can pass, at any time, without needing to explain.",
            "We accept each person's own explanation of their experiences.",
            "We listen to each other & take turns to speak.",
        ],
        confidentiality=[
            "Facilitators keep what you share private, with only a few exceptions.",
            "We might need to pass something on if someone's life is at serious, immediate "
            "risk. If that ever happens, we will talk to you first wherever we can.",
            "By default the laptop records only how many people came and the themes.",
        ],
        agreed_on=dt.date(2025, 3, 4),
        review_on=dt.date(2025, 9, 2),
    )


def sample_template() -> SessionTemplate:
    return SessionTemplate(
        key="hearing_voices",
        version=1,
        name="Hearing voices group",
        phases=[
            Phase(key="welcome", title="Welcome", minutes=5, prompts=["Welcome everyone."]),
            Phase(
                key="agreement",
                title="Group agreement and confidentiality",
                minutes=5,
                prompts=["Let's read our group agreement together."],
            ),
            Phase(
                key="check_in",
                title="Check-in round",
                minutes=15,
                is_round=True,
                prompts=["How are you today?", "Passing is always fine."],
            ),
            Phase(
                key="sharing",
                title="Sharing and theme",
                minutes=30,
                prompts=["Is there anything anyone would like to bring today?"],
            ),
            Phase(
                key="strategies",
                title="Swapping what helps",
                minutes=20,
                prompts=["What has helped you when the voices got loud?"],
            ),
            Phase(key="check_out", title="Check-out round", minutes=10, is_round=True),
            Phase(
                key="grounding",
                title="Grounding",
                minutes=5,
                prompts=["Notice your feet on the floor."],
            ),
        ],
    )


def sample_group(name: str = "Riverside Hearing Voices Group", **kw) -> Group:
    kw.setdefault("variant", Variant.HEARING_VOICES)
    kw.setdefault("venue", "Riverside Community Centre, Room 2")
    kw.setdefault("agreements", [sample_agreement()])
    return Group(
        name=name,
        pattern=MeetingPattern(weekday=1, start=dt.time(18, 30), minutes=90),
        template=sample_template(),
        **kw,
    )


def sample_strategies() -> list[CopingStrategy]:
    return [
        CopingStrategy(
            title="Make an appointment with the voices",
            description="Tell the voices you'll listen to them at a set time, and not before.",
            category="boundaries",
            moment=Moment.LONGER_TERM,
            caution="Takes practice, so don't worry if it doesn't work straight away.",
        ),
        CopingStrategy(
            title="Hum or sing quietly",
            description="Humming quietly can make it harder for words to break through.",
            category="practical",
        ),
        CopingStrategy(
            title="Feet on the floor",
            description="Press your feet into the floor and notice five things you can see.",
            category="grounding",
            experiences=[Experience.VOICES, Experience.BELIEFS],
        ),
        CopingStrategy(
            title="Check it out with someone you trust",
            description="When a fear feels certain, ask someone you trust how it looks to them.",
            category="checking_out",
            experiences=[Experience.BELIEFS],
            caution="Pick someone who listens without arguing.",
        ),
        CopingStrategy(
            title="Notice when the paranoia is strongest",
            description="Jot down the times a worry gets loud: tired, hungry, crowded?",
            category="getting_to_know",
            experiences=[Experience.BELIEFS],
        ),
        CopingStrategy(
            title="Tea & <b>toast</b> first",
            description="Eat something <i>before</i> a hard appointment; it helps 100% > 0%.",
            category="physical",
        ),
    ]


def sample_contacts() -> list[SupportContact]:
    return [
        SupportContact(
            name="Samaritans",
            how="Phone 116 123 (free, any time, day or night)",
            when="If you want to talk to someone about anything that's troubling you",
            last_checked=dt.date(2025, 3, 3),
        ),
        SupportContact(name="Shout", how="Text SHOUT to 85258", when="If you'd rather text"),
        SupportContact(
            name="Hearing Voices Network",
            how="hearing-voices.org",
            when="To find a group near you",
            last_checked=dt.date(2025, 2, 1),
        ),
    ]


MEMBER_NAMES = ["Zoë", "José", "Łucja", "Al", "Mary Ann", "Sam"]


def sample_members() -> list[Member]:
    return [Member(display_name=name, joined_on=dt.date(2024, 11, 5)) for name in MEMBER_NAMES]


def sample_record_input(member: Member, other: Member) -> dict:
    """Everything held about `member`, plus records of `other` that must be left out."""
    on = dt.datetime(2025, 1, 14, 19, 0, tzinfo=UTC)

    def consent(who: Member, scope: ConsentScope, action=ConsentAction.GIVEN, days=0):
        return ConsentEvent(
            member_id=who.id,
            scope=scope,
            action=action,
            on=on + dt.timedelta(days=days),
            method=ConsentMethod.SAID_IN_ROOM,
            wording_version="2024-10",
            recorded_by="Priya",
        )

    events = [
        consent(member, ConsentScope.ATTENDANCE_BY_NAME),
        consent(member, ConsentScope.PERSONAL_NOTES),
        consent(member, ConsentScope.CONTACT_DETAILS, days=7),
        consent(member, ConsentScope.CONTACT_DETAILS, ConsentAction.WITHDRAWN, days=35),
        consent(other, ConsentScope.PERSONAL_NOTES),
    ]
    notes = [
        Note(
            member_id=member.id,
            member_words="Walking to the group helps me settle before I arrive.",
            what_helped="Sitting near the door.",
            to_remember="Bring the leaflet about sleep.",
            facilitator_words="Agreed to try the humming idea this week.",
            agreed_by_member=True,
            created_at=on,
        ),
        Note(
            member_id=other.id,
            member_words="OTHER MEMBER PRIVATE WORDS",
            agreed_by_member=True,
            created_at=on,
        ),
    ]
    strategies = sample_strategies()
    strategies[1] = strategies[1].model_copy(update={"attributed_member_id": member.id})
    strategies[2] = strategies[2].model_copy(update={"attributed_member_id": other.id})
    contacts = [
        ContactDetail(member_id=member.id, kind="Phone", value="07700 900123"),
        ContactDetail(member_id=other.id, kind="Email", value="other@example.org"),
    ]
    attendance = [
        (dt.date(2025, 1, 14), "Riverside group"),
        (dt.date(2025, 1, 28), "Riverside group"),
    ]
    return {
        "consent_events": events,
        "notes": notes,
        "attendance_dates": attendance,
        "strategies": strategies,
        "contact_details": contacts,
    }


def sample_rota() -> list[RotaRow]:
    return [
        RotaRow("Tue 7 Jan 2025", "Riverside", "José", "Łucja", "published", "Balances counts."),
        RotaRow("Tue 14 Jan 2025", "Riverside", "Priya", "", "draft", "No co-facilitator free."),
        RotaRow("Thu 16 Jan 2025", "Thursday Circle", "Zoë", "Dan", "published", "Lead rotates."),
    ]


DIARY_COLUMNS = [
    "Day and time",
    "Where I was and what was going on",
    "What I noticed (only if I want to write it)",
    "How I felt before and after",
    "What I tried and what helped",
]


def all_handouts(**options) -> dict[str, bytes]:
    """One of each handout, with the same options (paper, large_print)."""
    members = sample_members()
    me, other = members[0], members[1]
    group = sample_group()
    others = [m.display_name for m in members]
    return {
        "strategies": strategies_sheet(
            sample_strategies(), group, sample_contacts(), forbidden_names=others, **options
        ),
        "discreet": strategies_sheet(
            sample_strategies(),
            sample_group("Thursday Circle", venue="Thursday Circle room, Library"),
            sample_contacts(),
            discreet=True,
            forbidden_names=others,
            **options,
        ),
        "agreement": agreement_sheet(group, forbidden_names=others, **options),
        "diary": diary_sheet("voices", columns=DIARY_COLUMNS, title="My voices diary", **options),
        "session_plan": session_plan(group, sample_template(), forbidden_names=others, **options),
        "rota": rota_table(sample_rota(), title="Facilitator rota: January 2025", **options),
        "member_record": member_record(
            me, **sample_record_input(me, other), forbidden_names=others, **options
        ),
    }


@pytest.fixture(scope="module")
def handouts() -> dict[str, bytes]:
    return all_handouts()


@pytest.fixture(scope="module")
def large_handouts() -> dict[str, bytes]:
    return all_handouts(large_print=True)


# -- the layer ---------------------------------------------------------------------------------


def test_importing_handouts_does_not_load_reportlab():
    code = (
        "import sys, voicesgroup.handouts; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'textual'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_handout_is_a_pdf_with_title_language_and_no_personal_metadata(handouts):
    for kind, data in handouts.items():
        reader = pdf_reader(data)
        meta = reader.metadata
        assert meta.title, kind
        assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB", kind
        fields = " ".join(str(v) for v in meta.values())
        for name in [*MEMBER_NAMES, "Priya", "Dan"]:
            assert find_name([fields], [name]) is None, (kind, name)
        if kind != "discreet":
            assert meta.author == "voicesgroup", kind


def test_titles(handouts):
    titles = {kind: pdf_reader(data).metadata.title for kind, data in handouts.items()}
    assert titles["strategies"] == "What helps"
    assert titles["discreet"] == "Things that help"
    assert titles["agreement"] == "Our group agreement"
    assert titles["diary"] == "My voices diary"
    assert titles["member_record"] == "What the group holds about you"


def test_a4_by_default_and_letter_on_request(handouts):
    letter = all_handouts(paper="letter")
    for kind in handouts:
        a4_box = pdf_reader(handouts[kind]).pages[0].mediabox
        letter_box = pdf_reader(letter[kind]).pages[0].mediabox
        a4_size = sorted((float(a4_box.width), float(a4_box.height)))
        letter_size = sorted((float(letter_box.width), float(letter_box.height)))
        assert a4_size == pytest.approx(sorted(A4), abs=0.1), kind
        assert letter_size == pytest.approx(sorted(LETTER), abs=0.1), kind


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="paper"):
        diary_sheet("voices", columns=["a"], title="Diary", paper="a5")  # type: ignore[arg-type]


def test_rota_and_diary_are_landscape_the_rest_portrait(handouts):
    for kind, data in handouts.items():
        box = pdf_reader(data).pages[0].mediabox
        landscape = float(box.width) > float(box.height)
        assert landscape == (kind in {"rota", "diary"}), kind


def test_normal_print_body_is_11_to_12_points(handouts):
    for kind, data in handouts.items():
        sizes = pdf_font_sizes(data)
        assert min(sizes) >= 9, (kind, sizes)  # the footer
        assert sizes - {9.0} and min(sizes - {9.0}) >= 11, (kind, sizes)
    assert 12.0 in pdf_font_sizes(handouts["strategies"])


def test_large_print_has_no_text_under_16_points_footer_included(large_handouts):
    for kind, data in large_handouts.items():
        sizes = pdf_font_sizes(data)
        assert sizes and min(sizes) >= 16, (kind, sizes)
    assert max(pdf_font_sizes(large_handouts["strategies"])) > 16  # headings larger


def test_organisation_is_in_the_footer_unless_it_gives_a_discreet_sheet_away():
    group = sample_group("Thursday Circle")
    plain = text_of(agreement_sheet(group, organisation="Eastside Peer Support"))
    assert "Eastside Peer Support · Our group agreement" in plain
    kept = text_of(strategies_sheet([], group, [], discreet=True, organisation="Eastside Peer"))
    assert "Eastside Peer · Things that help" in kept
    dropped = strategies_sheet([], group, [], discreet=True, organisation="Leeds Voices Network")
    assert "Leeds" not in text_of(dropped)
    with pytest.raises(NameInHandout):
        rota_table([], title="Rota", organisation="Sam's Place", forbidden_names=["Sam"])


def test_footer_has_page_numbers(handouts):
    text = text_of(handouts["member_record"])
    pages = len(pdf_reader(handouts["member_record"]).pages)
    assert f"page 1 of {pages}" in text


# -- 1. strategies sheet -----------------------------------------------------------------------


def test_strategies_sheet_content(handouts):
    text = text_of(handouts["strategies"])
    for strategy in sample_strategies():
        assert strategy.title in text
    assert "Go gently: Takes practice" in text
    assert "My own ideas" in text and "What doesn't help me" in text
    assert "Riverside Hearing Voices Group" in text
    assert "every Tuesday at 18:30, for 90 minutes" in text
    assert "Riverside Community Centre, Room 2" in text
    assert "Samaritans" in text and "Last checked 3 March 2025." in text
    assert "Shout" in text and "To be checked" in text


def test_user_text_is_escaped_not_markup(handouts):
    text = text_of(handouts["strategies"])
    assert "Tea & <b>toast</b> first" in text
    assert "Eat something <i>before</i> a hard appointment; it helps 100% > 0%." in text


def test_discreet_sheet_has_no_give_away_words_nor_group_name(handouts):
    data = handouts["discreet"]
    reader = pdf_reader(data)
    everything = text_of(data) + " " + " ".join(str(v) for v in reader.metadata.values())
    lowered = everything.lower()
    for word in ("voices", "voice", "hearing", "paranoia", "paranoid", "thursday circle"):
        assert word not in lowered, word
    assert "Things that help" in everything
    assert "Hum or sing quietly" in everything
    assert "Feet on the floor" in everything
    assert "Check it out with someone you trust" in everything
    assert "Make an appointment" not in everything  # says voices
    assert "Notice when the paranoia" not in everything
    assert "Samaritans" in everything and "Network" not in everything
    assert "Every Tuesday at 18:30, for 90 minutes." in everything
    assert "Library" not in everything  # the venue names the group: left out
    assert b"voice" not in data.lower()  # nor in any uncompressed part of the file


def test_a_caution_that_already_says_go_gently_is_not_doubled():
    strategy = CopingStrategy(
        title="Small steps", category="planning", caution="Go gently and stop if it's too much."
    )
    text = text_of(strategies_sheet([strategy], None, []))
    assert "Go gently and stop if it's too much." in text
    assert "Go gently: Go gently" not in text


def test_discreet_keeps_a_plain_venue():
    group = sample_group("Thursday Circle", venue="St Mark's Hall, Church Lane")
    text = text_of(strategies_sheet([], group, [], discreet=True))
    assert "St Mark's Hall, Church Lane" in text
    assert "Thursday Circle" not in text


def test_discreet_safe_says_which_strategies_are_left_out():
    group = sample_group("Thursday Circle")
    safe = {s.title: discreet_safe(s, group) for s in sample_strategies()}
    assert safe == {
        "Make an appointment with the voices": False,
        "Hum or sing quietly": True,
        "Feet on the floor": True,
        "Check it out with someone you trust": True,
        "Notice when the paranoia is strongest": False,
        "Tea & <b>toast</b> first": True,
    }
    named = CopingStrategy(title="What the Thursday Circle taught me", category="social")
    assert discreet_safe(named) is True
    assert discreet_safe(named, group) is False


def test_discreet_stems_cover_the_words_asked_for():
    for word in ("voices", "voice", "hearing", "paranoia", "paranoid", "voicesgroup"):
        assert any(stem in word for stem in DISCREET_STEMS), word


def test_strategies_sheet_without_group_or_strategies():
    text = text_of(strategies_sheet([], None, []))
    assert "What helps" in text and "My own ideas" in text
    assert "When and where" not in text


# -- 2-5. the other sheets ---------------------------------------------------------------------


def test_agreement_sheet(handouts):
    text = text_of(handouts["agreement"])
    for point in sample_agreement().points + sample_agreement().confidentiality[:1]:
        assert point in text
    assert "Version 3, agreed on 4 March 2025" in text
    assert "2 September 2025" in text
    assert "What stays private, and the limits" in text


def test_agreement_sheet_needs_an_agreement():
    group = sample_group(agreements=[])
    with pytest.raises(NothingToPrint, match="no agreement"):
        agreement_sheet(group)


def test_diary_is_one_landscape_page_with_the_columns(handouts):
    for data in (handouts["diary"], all_handouts(large_print=True)["diary"]):
        reader = pdf_reader(data)
        assert len(reader.pages) == 1
        text = " ".join(text_of(data).split())
        for column in DIARY_COLUMNS:
            assert column in text


def test_diary_refuses_an_unknown_variant():
    with pytest.raises(ValueError, match="voices"):
        diary_sheet("dreams", columns=["a"], title="x")  # type: ignore[arg-type]


def test_session_plan(handouts):
    text = text_of(handouts["session_plan"])
    for phase in sample_template().phases:
        assert phase.title in text
    assert "0:05 to 0:10, 5 minutes" in text
    assert "A round: anyone may pass" in text
    assert "Total time: 90 minutes." in text
    assert "What has helped you when the voices got loud?" in text
    assert "What is said in the group stays in the group." in text


def test_rota_table(handouts):
    text = text_of(handouts["rota"])
    for row in sample_rota():
        assert row.date in text
        assert row.reason in text
    assert "José" in text and "Łucja" in text and "Zoë" in text  # facilitators may be named
    assert "open" in text
    assert "Why this pair" in text


# -- 6. a member's own record ------------------------------------------------------------------


def test_member_record_holds_that_member_and_nobody_else(handouts):
    text = text_of(handouts["member_record"])
    flat = " ".join(text.split())
    assert "For Zoë, who joined on 5 November 2024" in flat
    assert "Name on the attendance list: yes, since 14 January 2025" in flat
    assert "Contact details: no, you said stop on 18 February 2025" in flat
    assert "Name beside strategies they share: not asked" in flat
    assert (
        "14 January 2025: Name on the attendance list, yes. Said in the room, "
        "with wording version 2024-10; written down by Priya." in flat
    )
    assert "18 February 2025: Contact details, you said stop." in flat
    assert "Walking to the group helps me settle" in flat
    assert "Bring the leaflet about sleep." in flat
    assert "Agreed to try the humming idea" in flat
    assert "28 January 2025" in flat
    assert "Hum or sing quietly" in flat
    assert "07700 900123" in flat
    # nothing of the other member
    assert "OTHER MEMBER PRIVATE WORDS" not in flat
    assert "other@example.org" not in flat
    assert "Feet on the floor" not in flat
    for name in MEMBER_NAMES[1:]:
        assert find_name([flat], [name]) is None, name


def test_member_record_refuses_another_members_name_in_a_note(tmp_path):
    members = sample_members()
    me, other = members[0], members[1]
    record = sample_record_input(me, other)
    record["notes"][0] = record["notes"][0].model_copy(
        update={"member_words": "Sat next to josé, which helped."}
    )
    target = tmp_path / "record.pdf"
    with pytest.raises(NameInHandout, match="José") as caught:
        write_pdf(
            target,
            member_record(me, **record, forbidden_names=[m.display_name for m in members]),
        )
    assert "member's own record" in str(caught.value)
    assert (caught.value.kind, caught.value.name) == ("member's own record", "José")
    assert "josé" in caught.value.context
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_member_with_markup_in_name_prints_literally():
    odd = Member(display_name="Zoë <b>&")
    other = Member(display_name="Sam")
    data = member_record(
        odd, **sample_record_input(odd, other), forbidden_names=["Zoë <b>&", "Sam"]
    )
    assert "For Zoë <b>&, who joined" in text_of(data)


# -- the name check ----------------------------------------------------------------------------


def _builders_with(text: str):
    """Each handout, with `text` somewhere in what it prints."""
    group = sample_group()
    strategies = sample_strategies()
    strategies[2] = strategies[2].model_copy(update={"description": text})
    agreement = sample_agreement().model_copy(update={"points": [text]})
    named_group = group.model_copy(update={"agreements": [agreement]})
    template = sample_template()
    template.phases[0] = template.phases[0].model_copy(update={"prompts": [text]})
    rows = [RotaRow("Tue 7 Jan", "Riverside", "Priya", "Dan", "draft", text)]
    members = sample_members()
    me = Member(display_name="Kit")
    record = sample_record_input(me, members[0])
    record["attendance_dates"] = [(dt.date(2025, 1, 7), text)]
    return {
        "coping strategies sheet": lambda names: strategies_sheet(
            strategies, group, [], forbidden_names=names
        ),
        "discreet coping strategies sheet": lambda names: strategies_sheet(
            strategies, group, [], discreet=True, forbidden_names=names
        ),
        "group agreement": lambda names: agreement_sheet(named_group, forbidden_names=names),
        "session plan": lambda names: session_plan(group, template, forbidden_names=names),
        "facilitator rota": lambda names: rota_table(rows, title="Rota", forbidden_names=names),
        "member's own record": lambda names: member_record(me, **record, forbidden_names=names),
    }


@pytest.mark.parametrize("kind", list(_builders_with("x")))
def test_a_member_name_anywhere_refuses_the_handout_and_writes_nothing(kind, tmp_path):
    build = _builders_with("We thank ZOE for the idea.")[kind]
    target = tmp_path / "handout.pdf"
    with pytest.raises(NameInHandout) as caught:
        write_pdf(target, build(MEMBER_NAMES))
    message = str(caught.value)
    assert kind.replace("discreet ", "") in message
    assert "member" in message and "Zoë" in message and "Nothing was saved" in message
    assert list(tmp_path.iterdir()) == []
    # without the name the same handout is fine
    assert _builders_with("We thank everyone for the idea.")[kind](MEMBER_NAMES).startswith(b"%PDF")


def test_member_name_in_group_name_or_title_is_caught():
    with pytest.raises(NameInHandout):
        agreement_sheet(sample_group("Sam's Tuesday group"), forbidden_names=["Sam"])
    with pytest.raises(NameInHandout):
        rota_table([], title="Rota for Mary  Ann", forbidden_names=["Mary Ann"])


@pytest.mark.parametrize(
    ("text", "name", "found"),
    [
        ("We all agreed.", "Al", False),
        ("Sal and Alan came.", "Al", False),
        ("Al's idea helped.", "Al", True),
        ("thanks to AL.", "Al", True),
        ("Zoe said so", "Zoë", True),
        ("ZOË said so", "zoe", True),
        ("jose came", "José", True),
        ("Lucja came", "Łucja", True),
        ("mary\nann came", "Mary Ann", True),
        ("Maryann came", "Mary Ann", False),
        ("Samaritans helped", "Sam", False),
        ("Zoë’s idea", "Zoë", True),
        ("Ask O’Neil first", "O'Neil", True),
        ("Ask ONeil first", "O'Neil", False),
        ("Mary-Ann came", "Mary Ann", False),
        ("Al", "Al", True),
        ("", "Al", False),
    ],
)
def test_name_matching_is_whole_word_case_and_accent_insensitive(text, name, found):
    assert (find_name([text], [name]) is not None) is found


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(alphabet="abcdeéëłzABZ", min_size=1, max_size=8),
    before=st.text(alphabet="xyz ,.\n", max_size=12),
    after=st.text(alphabet="xyz ,.\n", max_size=12),
)
def test_a_name_standing_as_a_word_is_always_found_and_never_inside_a_word(name, before, after):
    assert find_name([f"{before} {name} {after}"], [name]) is not None
    assert find_name([f"q{name}q"], [name]) is None


def test_allowed_name_is_blanked_before_the_check():
    assert find_name(["For Mary Ann."], ["Mary", "Mary Ann"], allowed_name="Mary Ann") is None
    assert find_name(["For Mary Ann and Mary."], ["Mary"], allowed_name="Mary Ann").name == "Mary"
    assert find_name(["For zoe"], ["Zoë"], allowed_name="ZOE") is None


# -- fonts and text ----------------------------------------------------------------------------


def test_accented_names_come_out_as_real_text():
    rows = [RotaRow("Tue 7 Jan", "Riverside", "José", "Łucja", "draft", "Zoë covers for Ana.")]
    text = text_of(rota_table(rows, title="Rota"))
    for name in ("José", "Łucja", "Zoë"):
        assert name in text


def test_letters_outside_the_font_degrade_to_plain_letters():
    from voicesgroup.handouts import _render

    rows = [RotaRow("Tue 7 Jan", "Riverside", "Małgorzata Śliwińska", "Ἀλέξης", "draft", "")]
    text = text_of(rota_table(rows, title="Rota"))
    if _render.font_set("dejavu") is not None:  # DejaVu Sans installed: everything covered
        assert "Małgorzata Śliwińska" in text
    else:  # Vera only: ś and ń are printed without their accent rather than as boxes
        assert "Małgorzata Sliwinska" in text


# -- writing -----------------------------------------------------------------------------------


def test_write_pdf_is_atomic_and_leaves_no_temp_files(tmp_path, handouts):
    target = tmp_path / "what-helps.pdf"
    target.write_bytes(b"old")
    write_pdf(target, handouts["strategies"])
    assert target.read_bytes() == handouts["strategies"]
    assert [p.name for p in tmp_path.iterdir()] == ["what-helps.pdf"]


def test_write_pdf_into_a_missing_folder_says_so_and_leaves_nothing(tmp_path, handouts):
    with pytest.raises(HandoutNotSaved, match="could not be saved"):
        write_pdf(tmp_path / "nowhere" / "x.pdf", handouts["diary"])
    assert list(tmp_path.iterdir()) == []


def test_write_pdf_failure_midway_removes_the_temp_file(tmp_path, handouts, monkeypatch):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(HandoutNotSaved, match="No space left"):
        write_pdf(tmp_path / "x.pdf", handouts["diary"])
    assert list(tmp_path.iterdir()) == []


# -- looks and speed ---------------------------------------------------------------------------


def test_every_handout_renders_to_png(tmp_path, handouts):
    for kind, data in handouts.items():
        pdf = tmp_path / f"{kind}.pdf"
        write_pdf(pdf, data)
        pngs = render_png(pdf, tmp_path / "png")
        mine = [p for p in pngs if p.name.startswith(f"{kind}-")]
        assert len(mine) == len(pdf_reader(data).pages), kind
        assert all(p.stat().st_size > 1000 for p in mine), kind


def test_strategies_sheet_flows_onto_more_pages_when_long(tmp_path: Path):
    many = sample_strategies()[1:3] * 15
    data = strategies_sheet(many, sample_group(), sample_contacts())
    assert len(pdf_reader(data).pages) >= 3
    assert "page 3 of" in text_of(data)


def test_a_member_called_may_does_not_block_the_word_may() -> None:
    from voicesgroup.handouts.names import find_name

    assert find_name(["This may not suit everyone."], ["May"]) is None
    assert find_name(["May said it helped."], ["May"]) is not None
    assert find_name(["told sam about it"], ["Sam"]) is not None
