"""Tests for voicesgroup.handouts: every printout read back from its PDF bytes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.pdf import (
    ink_profile,
    pdf_font_sizes,
    pdf_reader,
    pdf_text,
    render_checked,
    render_png,
)
from voicesgroup.errors import NameInHandout, NameToConfirm, UncheckedContacts
from voicesgroup.handouts import (
    DISCREET_STEMS,
    NothingToPrint,
    RotaRow,
    agreement_sheet,
    diary_sheet,
    discreet_safe,
    member_record,
    rota_table,
    session_plan,
    strategies_sheet,
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
from voicesgroup.names import find_member_names


def find_name(texts, names, allowed_name=None):
    """The first certain match of `names` in `texts` (the one name finder), or None."""
    for text in texts:
        for match in find_member_names(text, [*names, *([allowed_name] if allowed_name else [])]):
            if match.certain and match.name != allowed_name:
                return match
    return None


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
        SupportContact(
            name="Shout",
            how="Text SHOUT to 85258",
            when="If you'd rather text",
            last_checked=dt.date(2025, 3, 10),
        ),
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
        RotaRow("Tue 7 Jan 2025", "Riverside", "José", "Łucja", False, "Balances counts."),
        RotaRow("Tue 14 Jan 2025", "Riverside", "Priya", "", True, "No co-facilitator free."),
        RotaRow("Thu 16 Jan 2025", "Thursday Circle", "Zoë", "Dan", False, "Lead rotates."),
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
        "rota": rota_table(
            sample_rota(),
            title="Facilitator rota: January 2025",
            facilitators=["José", "Łucja", "Priya", "Zoë", "Dan"],
            **options,
        ),
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
        diary_sheet("voices", columns=["a"], title="Diary", paper="a5")  # type: ignore[arg-type]  # a paper size that does not exist, on purpose


def test_rota_and_diary_are_landscape_the_rest_portrait(handouts):
    for kind, data in handouts.items():
        box = pdf_reader(data).pages[0].mediabox
        landscape = float(box.width) > float(box.height)
        assert landscape == (kind in {"rota", "diary"}), kind


def test_normal_print_body_is_14_points_tables_12_footer_10(handouts):
    for kind, data in handouts.items():
        sizes = pdf_font_sizes(data)
        assert min(sizes) >= 10, (kind, sizes)  # the footer
        assert sizes - {10.0} and min(sizes - {10.0}) >= 12, (kind, sizes)  # tables
    for kind in ("strategies", "discreet", "agreement", "member_record"):
        assert 14.0 in pdf_font_sizes(handouts[kind]), kind
        assert min(pdf_font_sizes(handouts[kind]) - {10.0, 12.0}) >= 14, kind


def test_large_print_has_no_text_under_16_points_footer_included(large_handouts):
    for kind, data in large_handouts.items():
        sizes = pdf_font_sizes(data)
        assert sizes and min(sizes) >= 16, (kind, sizes)
    assert max(pdf_font_sizes(large_handouts["strategies"])) > 16  # headings larger


def test_organisation_is_in_the_footer_unless_it_gives_a_discreet_sheet_away():
    group = sample_group("Thursday Circle")
    plain = text_of(agreement_sheet(group, organisation="Eastside Peer Support"))
    assert "Eastside Peer Support · Our group agreement" in plain
    walk = sample_strategies()[2:3]
    kept = text_of(strategies_sheet(walk, group, [], discreet=True, organisation="Eastside Peer"))
    assert "Eastside Peer · Things that help" in kept
    dropped = strategies_sheet(walk, group, [], discreet=True, organisation="Leeds Voices Network")
    assert "Leeds" not in text_of(dropped)
    # the organisation is never taken for a member, even when it holds a member's name
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
    assert "Take care: Takes practice" in text
    assert "My own ideas" in text
    assert "Riverside Hearing Voices Group" in text
    assert "every Tuesday at 18:30, for 90 minutes" in text
    assert "Riverside Community Centre, Room 2" in text
    assert "Samaritans" in text and "Shout" in text
    assert "checked" not in text.replace("Contacts checked 1 Feb 2025", "")  # once only
    assert text.count("Contacts checked 1 Feb 2025") == len(
        pdf_reader(handouts["strategies"]).pages
    )


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
    assert "18:30" not in everything and "Tuesday" not in everything  # no meeting unless asked
    assert "Library" not in everything
    assert b"voice" not in data.lower()  # nor in any uncompressed part of the file


def test_a_caution_is_marked_plainly_never_italic_nor_faint():
    strategy = CopingStrategy(
        title="Remember the choice is still yours",
        category="practical",
        caution="If voices are pushing you to hurt yourself, talk to someone you trust.",
    )
    for large in (False, True):
        data = strategies_sheet([strategy], None, [], large_print=large)
        assert "Take care: If voices are pushing you" in text_of(data)
        fonts = _fonts_drawing(data, "If voices are pushing")
        assert fonts and not any("Italic" in font or "Oblique" in font for font in fonts)
        colours = _colours_drawing(data, "If voices are pushing")
        assert colours == {(0.113725, 0.113725, 0.105882)}, colours  # the body's ink


def test_large_print_has_nothing_italic_and_writing_lines_thick_and_dark(large_handouts):
    for kind, data in large_handouts.items():
        fonts = {f for page in pdf_reader(data).pages for f in _page_fonts(page)}
        assert not any("Italic" in f or "Oblique" in f for f in fonts), (kind, fonts)
    widths = _line_widths(large_handouts["strategies"])
    assert widths and min(widths) >= 1.0, widths
    normal = _line_widths(all_handouts()["strategies"])
    assert min(normal) >= 1.0


def test_discreet_shows_the_meeting_only_when_asked_with_a_plain_venue():
    group = sample_group("Thursday Circle", venue="St Mark's Hall, Church Lane")
    walk = sample_strategies()[2:3]
    text = text_of(strategies_sheet(walk, group, [], discreet=True, show_meeting=True))
    assert "St Mark's Hall, Church Lane" in text and "Every Tuesday at 18:30" in text
    assert "Thursday Circle" not in text
    hidden = text_of(strategies_sheet(walk, group, [], discreet=True))
    assert "St Mark" not in hidden and "18:30" not in hidden


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


def test_strategies_sheet_without_group_and_an_empty_sheet_refused():
    text = text_of(strategies_sheet(sample_strategies()[2:3], None, []))
    assert "What helps" in text and "My own ideas" in text
    assert "When and where" not in text
    for discreet in (False, True):
        with pytest.raises(NothingToPrint, match="no ideas"):
            strategies_sheet([], sample_group(), sample_contacts(), discreet=discreet)


def test_unchecked_support_contacts_stop_the_sheet():
    unchecked = SupportContact(name="NHS 111", how="Phone 111")
    with pytest.raises(UncheckedContacts, match="NHS 111") as caught:
        strategies_sheet(sample_strategies(), None, [*sample_contacts(), unchecked])
    assert caught.value.contacts == [unchecked]


def test_a_discreet_sheet_uses_neutral_contact_wording():
    nhs = SupportContact(
        name="NHS 111",
        how="Phone 111 and choose option 2 for mental health",
        discreet_how="Phone 111, option 2",
        when="If you need urgent help",
        last_checked=dt.date(2025, 3, 3),
    )
    text = text_of(strategies_sheet(sample_strategies()[2:3], None, [nhs], discreet=True))
    # neutral words for how, and when to use it kept: two sentences
    assert "NHS 111 Phone 111, option 2. If you need urgent help." in text
    assert "mental health" not in text
    # a "when" that would say what the sheet is for is the one thing left off
    telling = nhs.with_changes(when="If the voices get too loud")
    text = text_of(strategies_sheet(sample_strategies()[2:3], None, [telling], discreet=True))
    assert "Phone 111, option 2." in text and "loud" not in text
    # without neutral words it is left off (the print dialog and command say so)
    bare = nhs.with_changes(discreet_how="")
    text = text_of(strategies_sheet(sample_strategies()[2:3], None, [bare], discreet=True))
    assert "NHS 111" not in text and "mental health" not in text


def test_eight_ideas_with_helplines_and_own_ideas_fit_one_sheet_of_paper(tmp_path):
    """Up to 8 ideas, the helplines and "My own ideas" fit two sides; the helplines and
    each idea are never split across pages."""
    from voicesgroup.shipped import starter_strategies, starter_support_contacts

    contacts = [
        c.with_changes(last_checked=dt.date(2025, 3, 3)) for c in starter_support_contacts()
    ]
    longest = sorted(starter_strategies(), key=lambda s: -len(s.description + s.caution))[:8]
    for paper in ("a4", "letter"):
        data = strategies_sheet(longest, sample_group(), contacts, paper=paper)
        pages = pdf_reader(data).pages
        assert len(pages) <= 2, paper
        page_texts = [" ".join((page.extract_text() or "").split()) for page in pages]
        helplines = [i for i, text in enumerate(page_texts) if "Samaritans" in text]
        assert len(helplines) == 1 and "Emergency services" in page_texts[helplines[0]]
        assert "If you want to talk to someone" in page_texts[helplines[0]]
        for strategy in longest:
            start = " ".join(strategy.description.split()[:4])
            end = " ".join(strategy.description.split()[-3:])
            holding = [i for i, text in enumerate(page_texts) if start in text]
            assert holding and end in page_texts[holding[0]], strategy.title
        render_checked(data, tmp_path, f"eight-{paper}")
        # the longest eight are set a point smaller to fit; never under 13 pt
        assert min(pdf_font_sizes(data) - {10.0}) >= 13
    typical = strategies_sheet(sample_strategies()[:5], sample_group(), contacts)
    assert len(pdf_reader(typical).pages) <= 2 and 14.0 in pdf_font_sizes(typical)


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
        diary_sheet("dreams", columns=["a"], title="x")  # type: ignore[arg-type]  # a diary kind that does not exist, on purpose


def test_session_plan(handouts):
    text = text_of(handouts["session_plan"])
    for phase in sample_template().phases:
        assert phase.title in text
    assert "18:35 to 18:40, 5 minutes" in text  # clock times from the group's start
    assert "A round: anyone may pass" in text
    assert "Total time: 90 minutes." in text
    assert "What has helped you when the voices got loud?" in text
    assert "What is said in the group stays in the group." in text


def test_rota_table_is_compact_and_gives_reasons_only_when_asked(handouts):
    text = text_of(handouts["rota"])
    for row in sample_rota():
        assert row.date in text
        assert row.reason not in text
    assert "José" in text and "Łucja" in text and "Zoë" in text  # facilitators may be named
    assert "open" in text and "Tue 14 Jan 2025 (draft)" in text
    assert "published" not in text and "Why this pair" not in text
    with_reasons = text_of(
        rota_table(sample_rota(), title="Rota", reasons=True, facilitators=["José", "Zoë"])
    )
    assert "Why this pair" in with_reasons and "Balances counts." in with_reasons
    many = [sample_rota()[0]] * 22
    assert len(pdf_reader(rota_table(many, title="Rota", facilitators=["José"])).pages) == 1


# -- 6. a member's own record ------------------------------------------------------------------


def test_member_record_holds_that_member_and_nobody_else(handouts):
    text = text_of(handouts["member_record"])
    flat = " ".join(text.split())
    assert "For Zoë. You joined on 5 November 2024" in flat
    assert "You said yes to your name on the attendance list on 14 January 2025." in flat
    assert "You asked us to stop keeping your contact details on 18 February 2025." in flat
    assert "Nobody has asked you about your name beside ideas you share" in flat
    assert (
        "14 January 2025: you said yes to your name on the attendance list. "
        "You told us in the group, and Priya wrote it down." in flat
    )
    assert "18 February 2025: you asked us to stop keeping your contact details." in flat
    for jargon in ("wording version", "with them", "they share", "2024-10"):
        assert jargon not in flat, jargon
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


def test_a_members_own_record_is_never_withheld_for_another_name():
    members = sample_members()
    me, other = members[0], members[1]
    record = sample_record_input(me, other)
    record["notes"][0] = record["notes"][0].model_copy(
        update={"member_words": "Sat next to jos\u00e9 and Mary\u2013Ann, which helped."}
    )
    others = [m for m in members if m is not me]
    flat = text_of(member_record(me, **record, forbidden_names=others))
    assert "Sat next to another member and another member, which helped." in flat
    assert "printed as “another member” (2 times)" in flat
    assert "José" not in flat and "Mary" not in flat


def test_member_with_markup_in_name_prints_literally():
    odd = Member(display_name="Zoë <b>&")
    other = Member(display_name="Sam")
    data = member_record(
        odd, **sample_record_input(odd, other), forbidden_names=["Zoë <b>&", "Sam"]
    )
    assert "For Zoë <b>&. You joined" in text_of(data)


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
    rows = [RotaRow("Tue 7 Jan", "Riverside", "Priya", "Dan", True, text)]
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
        "facilitator rota": lambda names: rota_table(
            rows, title="Rota", reasons=True, forbidden_names=names
        ),
    }


@pytest.mark.parametrize("kind", list(_builders_with("x")))
def test_a_member_name_anywhere_refuses_the_handout(kind):
    build = _builders_with("We thank Z\u200bО\u00adE for the idea.")[kind]  # hidden, look-alike
    with pytest.raises(NameInHandout) as caught:
        build(MEMBER_NAMES)
    message = str(caught.value)
    assert kind.replace("discreet ", "") in message
    assert "member" in message and "Zoë" in message and "Nothing was saved" in message
    # without the name the same handout is fine
    assert _builders_with("We thank everyone for the idea.")[kind](MEMBER_NAMES).startswith(b"%PDF")


def test_member_name_in_group_name_or_title_is_caught():
    with pytest.raises(NameInHandout):
        agreement_sheet(sample_group("Sam's Tuesday group"), forbidden_names=["Sam"])
    with pytest.raises(NameInHandout):
        rota_table([], title="Rota for Mary  Ann", forbidden_names=["Mary Ann"])


def test_everyday_words_ask_and_shipped_wording_venue_and_facilitators_never_block():
    group = sample_group(venue="Grace Hall, Hope Street")
    may = CopingStrategy(
        title="Answer the voices calmly",
        category="practical",
        caution="May not suit everyone, so stop if it makes things louder.",
    )
    # shipped wording ("May not suit everyone"), the venue and the organisation pass
    strategies_sheet(
        [may], group, [], forbidden_names=["May", "Grace", "Hope"], organisation="Hope Peer Support"
    )
    rows = [RotaRow("Tue 7 Jan", "Riverside", "Will", "Kit", False)]
    rota_table(rows, title="Rota", forbidden_names=["Will", "Kit"], facilitators=["Will", "Kit"])
    # a person's own words with "may" in small letters: asked, not printed, not blocked
    mine = CopingStrategy(
        title="Walk", description="This may help on bad days.", category="practical"
    )
    with pytest.raises(NameToConfirm) as caught:
        strategies_sheet([mine], None, [], forbidden_names=["May"])
    ((text, match),) = caught.value.matches
    assert match.found == "may" and match.uncertain
    # once confirmed for that text, it prints
    from voicesgroup.names import confirmation_key

    key = confirmation_key(text, "May")
    assert strategies_sheet([mine], None, [], forbidden_names=["May"], confirmed=[key])
    # but "May" in the middle of a sentence is the person
    named = mine.with_changes(description="Ask May how she does it.")
    with pytest.raises(NameInHandout):
        strategies_sheet([named], None, [], forbidden_names=["May"], confirmed=[key])


# -- fonts and text ----------------------------------------------------------------------------


def test_accented_names_come_out_as_real_text():
    rows = [RotaRow("Tue 7 Jan", "Riverside", "José", "Łucja", True, "Zoë covers for Ana.")]
    text = text_of(rota_table(rows, title="Rota", reasons=True))
    for name in ("José", "Łucja", "Zoë"):
        assert name in text


def test_letters_outside_the_first_font_are_drawn_by_the_shipped_one():
    rows = [RotaRow("Tue 7 Jan", "Riverside", "Małgorzata Śliwińska", "Ἀλέξης", True, "")]
    text = text_of(rota_table(rows, title="Rota"))
    # DejaVu Sans ships in data/fonts: every letter is printed as typed, never without its
    # accent and never as an empty box
    assert "Małgorzata Śliwińska" in text
    assert "Ἀλέξης" in text


# -- looks and speed ---------------------------------------------------------------------------


def test_every_handout_renders_with_ink_on_every_page(tmp_path, handouts, large_handouts):
    for kind, data in handouts.items():
        render_checked(data, tmp_path / "normal", kind)
    for kind, data in large_handouts.items():
        render_checked(data, tmp_path / "large", kind)


def test_the_ink_check_fails_on_a_blank_page_and_a_footer_only_page(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    blank = tmp_path / "blank.pdf"
    canvas = Canvas(str(blank))
    canvas.showPage()
    canvas.drawString(72, 30, "page 2 of 2")  # only a footer
    canvas.showPage()
    canvas.save()
    pages = render_png(blank, tmp_path / "png")
    assert ink_profile(pages[0]) == (0.0, 0.0)
    overall, body = ink_profile(pages[1])
    assert overall > 0 and body == 0
    with pytest.raises(AssertionError, match="no text above its footer"):
        render_checked(blank.read_bytes(), tmp_path / "again", "blank")


def test_strategies_sheet_flows_onto_more_pages_when_long(tmp_path: Path):
    many = sample_strategies()[1:3] * 15
    data = strategies_sheet(many, sample_group(), sample_contacts())
    assert len(pdf_reader(data).pages) >= 3
    assert "page 3 of" in text_of(data)


def test_every_handout_also_comes_as_plain_text_and_html():
    group = sample_group()
    text = strategies_sheet(sample_strategies(), group, sample_contacts(), output="txt").decode()
    assert text.startswith("What helps\n==========")
    assert "Take care: Takes practice" in text and "Samaritans" in text
    html = strategies_sheet(sample_strategies(), group, sample_contacts(), output="html").decode()
    assert '<html lang="en-GB">' in html and "<title>What helps</title>" in html
    assert "Tea &amp; &lt;b&gt;toast&lt;/b&gt; first" in html  # escaped, never markup
    assert '<p class="caution"><strong>Take care: </strong>' in html
    with pytest.raises(NameInHandout):  # checked the same way as the PDF
        agreement_sheet(sample_group("Sam's group"), forbidden_names=["Sam"], output="txt")
    diary = diary_sheet("discreet", columns=DIARY_COLUMNS, title="My diary", output="html")
    assert b"voice" not in diary.lower()


# -- helpers reading the PDF's drawing ---------------------------------------------------------


def _page_fonts(page) -> set[str]:
    fonts = page.get("/Resources", {}).get("/Font", {})
    return {str(font.get_object().get("/BaseFont")) for font in fonts.values()}


def _operations(data: bytes):
    from pypdf.generic import ContentStream

    reader = pdf_reader(data)
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        names = {key: str(font.get_object().get("/BaseFont")) for key, font in fonts.items()}
        yield names, ContentStream(page.get_contents(), reader).operations


def _drawn(data: bytes, needle: str):
    """(font, fill colour) of every text operator that draws `needle`."""
    found = []
    for names, operations in _operations(data):
        font, colour = "", None
        for operands, operator in operations:
            if operator == b"Tf":
                font = names.get(str(operands[0]), str(operands[0]))
            elif operator == b"rg":
                colour = tuple(round(float(x), 6) for x in operands)
            elif operator in (b"Tj", b"TJ"):
                shown = operands[0]
                text = (
                    "".join(str(part) for part in shown if isinstance(part, str))
                    if isinstance(shown, list)
                    else str(shown)
                )
                if needle in text:
                    found.append((font, colour))
    return found


def _fonts_drawing(data: bytes, needle: str) -> set[str]:
    return {font for font, _ in _drawn(data, needle)}


def _colours_drawing(data: bytes, needle: str) -> set:
    return {colour for _, colour in _drawn(data, needle)}


def _line_widths(data: bytes) -> list[float]:
    """The width of every stroke drawn as a long horizontal line (writing lines)."""
    widths = []
    for _, operations in _operations(data):
        width = 1.0
        last_move = None
        for operands, operator in operations:
            if operator == b"w":
                width = float(operands[0])
            elif operator == b"m":
                last_move = (float(operands[0]), float(operands[1]))
            elif operator == b"l" and last_move is not None:
                x, y = float(operands[0]), float(operands[1])
                if abs(y - last_move[1]) < 0.1 and abs(x - last_move[0]) > 300:
                    widths.append(width)
    return widths


def test_an_agreement_point_and_the_agreement_read_aloud_are_never_split():
    """Long points in large print break between points, never inside one; the session plan
    keeps the whole agreement to read aloud on one page."""
    long_point = (
        "We might need to pass something on if someone's life or safety is at serious, "
        "immediate risk of harm, if a child or adult is at risk of abuse, or if the law "
        "requires it; if that ever happens we will talk to you first wherever we possibly can."
    )
    agreement = sample_agreement().model_copy(
        update={
            "points": [f"{n}. {long_point}" for n in range(1, 9)],
            "confidentiality": [long_point] * 3,
        }
    )
    group = sample_group(agreements=[agreement])
    for data in (
        agreement_sheet(group, large_print=True),
        session_plan(group, sample_template(), large_print=True),
    ):
        pages = [" ".join((p.extract_text() or "").split()) for p in pdf_reader(data).pages]
        assert len(pages) > 1
        for point in agreement.points:
            start, end = point[:30], "possibly can."
            holding = [i for i, page in enumerate(pages) if start in page]
            assert len(holding) == 1, point[:4]
            tail = pages[holding[0]].split(start, 1)[1]
            assert end in tail, point[:4]  # the point's last words are on the same page
    plan = session_plan(sample_group(), sample_template())
    pages = [" ".join((p.extract_text() or "").split()) for p in pdf_reader(plan).pages]
    read_aloud = [i for i, page in enumerate(pages) if "Group agreement to read together" in page]
    assert len(read_aloud) == 1
    page = pages[read_aloud[0]]
    for point in sample_agreement().points + sample_agreement().confidentiality:
        assert " ".join(point.split()) in page
    assert all(len(page) > 200 for page in pages)  # no page holding a line or two


NAMES = ["Rosa", "Priya", "Sam", "Mary Ann", "Jo", "Zoë", "Ben", "Elif"]
"""Names that are never also everyday words (those are asked about, not refused)."""


@settings(max_examples=40, deadline=None)
@given(
    others=st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True),
    recorder=st.sampled_from(NAMES),
    group=st.sampled_from(NAMES),
    words=st.lists(st.sampled_from(NAMES), max_size=3),
)
def test_a_members_own_record_is_printed_whoever_else_it_names(others, recorder, group, words):
    """Never withheld: the facilitator who wrote a consent down and the groups on the list
    may share a member's name (peers are often both), and notes, ideas and contact details
    may name others. Other members become "Another member" where a sentence starts, and
    the explanation stands beside what it explains, in the body's own words."""
    me = Member(display_name="Aisha", joined_on=dt.date(2024, 11, 5))
    members = [Member(display_name=name, joined_on=dt.date(2024, 11, 5)) for name in others]
    record = sample_record_input(me, members[0])
    record["consent_events"] = [
        event.model_copy(update={"recorded_by": recorder}) for event in record["consent_events"]
    ]
    record["attendance_dates"] = [(dt.date(2025, 1, 28), f"{group} Group")]
    said = ". ".join(f"{name} was kind" for name in words) or "Nobody was named"
    record["notes"][0] = record["notes"][0].model_copy(update={"member_words": said + "."})
    record["contact_details"] = [
        detail.model_copy(update={"value": f"07700 900123, ask for {others[0]}"})
        for detail in record["contact_details"]
    ]
    flat = " ".join(text_of(member_record(me, **record, forbidden_names=members)).split())
    assert f"{recorder} wrote it down" in flat and f"{group} Group" in flat
    named = [name for name in words if name in others]
    if named:
        assert "Another member was kind" in flat
        assert "another member was kind" not in flat.replace(", another member was kind", "")
    assert f"ask for {others[0]}" not in flat and "ask for another member" in flat


@pytest.mark.parametrize("discreet", [False, True], ids=["normal", "discreet"])
@pytest.mark.parametrize("large_print", [False, True], ids=["14pt", "large"])
def test_the_helplines_keep_each_how_and_when_in_every_format(tmp_path, discreet, large_print):
    """The helplines are a block of their own in PDF, text and HTML: each contact apart,
    how and when as two sentences, on one page, discreet sheets included."""
    from voicesgroup.shipped import starter_support_contacts

    contacts = [
        c.with_changes(last_checked=dt.date(2025, 3, 3)) for c in starter_support_contacts()
    ]
    options = {"discreet": discreet, "large_print": large_print}
    ideas = sample_strategies()[2:5]
    pdf = strategies_sheet(ideas, sample_group(), contacts, **options)
    text = strategies_sheet(ideas, sample_group(), contacts, output="txt", **options).decode()
    html = strategies_sheet(ideas, sample_group(), contacts, output="html", **options).decode()
    pages = [" ".join((page.extract_text() or "").split()) for page in pdf_reader(pdf).pages]
    (holding,) = [page for page in pages if "If you want to talk to someone" in page]
    for contact in contacts:
        how = (contact.discreet_how or contact.how) if discreet else contact.how
        both = f"{how}. {contact.when}."
        assert f"{contact.name} {both}" in holding, contact.name  # one page, two sentences
        assert f"\n{contact.name}\n{how}.\n{contact.when}.\n" in text  # each contact apart
        assert f"<li><strong>{contact.name}</strong><br>" in html
        assert f"{contact.when.replace(chr(39), '&#x27;')}.</li>" in html
    assert html.count('<section class="helplines">') == 1
    assert '<a href="tel:999">999</a>' in html and '<a href="sms:85258">85258</a>' in html
    assert '<hr class="line">' in html  # "My own ideas" has lines to write on
    render_checked(pdf, tmp_path, f"helplines-{discreet}-{large_print}")


def _writing_rows_mm(data: bytes) -> list[float]:
    """The heights of a diary's empty rows, from the table's full-width rules."""
    import re

    stream = pdf_reader(data).pages[0].get_contents().get_data().decode("latin-1")
    found = re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) \2 l", stream)
    lines = [(float(x1), float(y), float(x2)) for x1, y, x2 in found]
    widest = max(x2 - x1 for x1, _, x2 in lines)
    ys = sorted({round(y, 1) for x1, y, x2 in lines if x2 - x1 > 0.9 * widest}, reverse=True)
    rows: list[float] = []
    from itertools import pairwise

    for a, b in pairwise(ys[1:]):  # below the header row
        gap = (a - b) / 72 * 25.4
        if rows and gap < 6:  # a rule drawn across a row is not a row of its own
            rows[-1] += gap
        else:
            rows.append(gap)
    return [round(row, 1) for row in rows]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_large_print_diary_rows_are_at_least_as_tall_as_normal_prints(paper):
    columns = DIARY_COLUMNS
    normal = _writing_rows_mm(diary_sheet("voices", columns=columns, title="D", paper=paper))
    large = _writing_rows_mm(
        diary_sheet("voices", columns=columns, title="D", paper=paper, large_print=True)
    )
    assert len(normal) >= 6 and len(large) >= 3
    assert min(large) >= max(normal), (large, normal)


def test_the_rota_speaks_of_open_places_only_when_there_are_some():
    rows = sample_rota()
    assert "An open place still needs a facilitator." in text_of(rota_table(rows, title="R"))
    filled = [row for row in rows if row.lead.strip() and row.co.strip()]
    text = text_of(rota_table(filled, title="R", facilitators=["José", "Zoë"]))
    assert "open place" not in text and "2 sessions." in text
    two_open = [*rows, RotaRow("Sat 18 Jan 2025", "Riverside", "", "Dan", False, "")]
    assert "2 open places still need a facilitator." in text_of(rota_table(two_open, title="R"))


def test_a_date_is_never_split_across_lines():
    """Every date the sheets print stays on one line, however narrow its column."""
    import re
    from itertools import pairwise

    from voicesgroup.dates import unbroken

    assert unbroken("From Tue 15 Dec 2026 to 9 August 2027.") == (
        "From Tue\u00a015\u00a0Dec\u00a02026 to 9\u00a0August\u00a02027."
    )
    rows = [
        RotaRow(f"{day} {d} Dec 2026", "Riverside", "Priya", "Dan", False, "Lead rotates. " * 9)
        for day, d in (("Tue", 15), ("Sat", 19), ("Wed", 23))
    ]
    data = rota_table(rows, title="Rota", reasons=True, facilitators=["Priya", "Dan"])
    month = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    every_line = [
        " ".join(line.split())
        for page in pdf_reader(data).pages
        for line in (page.extract_text() or "").splitlines()
    ]
    for row in rows:
        assert any(row.date in line for line in every_line), row.date
    for page in pdf_reader(data).pages:
        lines = (page.extract_text() or "").splitlines()
        for line, following in pairwise(lines):
            broken = re.search(r"\b\d{1,2}$", line.strip()) and re.match(month, following)
            assert not broken, (line, following)
            assert not (re.search(rf"\b{month}$", line.strip()) and re.match(r"\d{4}", following))


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large"])
def test_every_footer_says_the_page_at_10_pt_or_more(large_print):
    for kind, data in all_handouts(large_print=large_print).items():
        pages = pdf_reader(data).pages
        for number, page in enumerate(pages, start=1):
            assert f"page {number} of {len(pages)}" in (page.extract_text() or ""), kind
        assert min(pdf_font_sizes(data)) >= 10, kind
