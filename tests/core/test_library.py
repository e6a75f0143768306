"""The strategy library's core: search and filters, helped marks, favourites, sheet previews."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.pdf import pdf_text
from tests.helpers.records import add_group
from voicesgroup import library, printing
from voicesgroup.errors import NothingToPrint
from voicesgroup.library import LibraryFilter
from voicesgroup.models import (
    CopingStrategy,
    Experience,
    Group,
    MeetingPattern,
    Moment,
    SupportContact,
    Variant,
)
from voicesgroup.store import Store


def strategy(title: str, **fields) -> CopingStrategy:
    fields.setdefault("category", "grounding")
    return CopingStrategy(title=title, **fields)


WALK = strategy(
    "Go for a walk",
    description="Fresh air and a change of scene.",
    category="physical",
    experiences=[Experience.VOICES, Experience.BELIEFS],
    moment=Moment.IN_THE_MOMENT,
)
DIARY = strategy(
    "Keep a diary",
    description="Note when things come and what helps.",
    category="getting_to_know",
    experiences=[Experience.VOICES],
    moment=Moment.LONGER_TERM,
)
CAFE = strategy(
    "Meet at the café",
    description="Being out with someone kind.",
    category="social",
    experiences=[Experience.BELIEFS],
)
OLD = strategy("Old idea", archived=True)
ALL = [WALK, DIARY, CAFE, OLD]


def titles(found: list[CopingStrategy]) -> list[str]:
    return [s.title for s in found]


def test_text_search_looks_in_title_and_description_ignoring_case_and_accents() -> None:
    assert titles(library.search(ALL, LibraryFilter(text="WALK"))) == ["Go for a walk"]
    assert titles(library.search(ALL, LibraryFilter(text="what helps"))) == ["Keep a diary"]
    assert titles(library.search(ALL, LibraryFilter(text="cafe"))) == ["Meet at the café"]
    assert titles(library.search(ALL, LibraryFilter(text="  "))) == titles(ALL[:3])


def test_every_word_typed_must_match() -> None:
    assert titles(library.search(ALL, LibraryFilter(text="fresh scene"))) == ["Go for a walk"]
    assert library.search(ALL, LibraryFilter(text="fresh diary")) == []


def test_filters_by_category_experience_and_moment_combine() -> None:
    assert titles(library.search(ALL, LibraryFilter(category="social"))) == ["Meet at the café"]
    beliefs = library.search(ALL, LibraryFilter(experience=Experience.BELIEFS))
    assert titles(beliefs) == ["Go for a walk", "Meet at the café"]
    longer = library.search(ALL, LibraryFilter(moment=Moment.LONGER_TERM))
    assert titles(longer) == ["Keep a diary"]
    both = LibraryFilter(experience=Experience.BELIEFS, moment=Moment.IN_THE_MOMENT, text="air")
    assert titles(library.search(ALL, both)) == ["Go for a walk"]


def test_archived_strategies_show_only_when_asked() -> None:
    assert "Old idea" not in titles(library.search(ALL, LibraryFilter()))
    assert "Old idea" in titles(library.search(ALL, LibraryFilter(include_archived=True)))
    assert not LibraryFilter(include_archived=True).is_narrowed
    assert LibraryFilter(text="x").is_narrowed


@given(st.text(max_size=20))
def test_search_never_invents_rows(text: str) -> None:
    found = library.search(ALL, LibraryFilter(text=text))
    assert all(s in ALL and not s.archived for s in found)


def test_mark_helped_counts_overall_and_for_the_group() -> None:
    group_id = uuid.uuid4()
    once = library.mark_helped(WALK, group_id)
    twice = library.mark_helped(once, group_id)
    elsewhere = library.mark_helped(twice, None)
    assert (twice.helped_count, library.helped_in_group(twice, group_id)) == (2, 2)
    assert (elsewhere.helped_count, library.helped_in_group(elsewhere, group_id)) == (3, 2)
    assert WALK.helped_count == 0  # records are immutable: marking gives a copy


def test_favourites_put_the_groups_most_marked_first() -> None:
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    walk = WALK.with_changes(helped_count=9, helped_by_group={str(theirs): 9})
    diary = DIARY.with_changes(helped_count=2, helped_by_group={str(ours): 2})
    cafe = CAFE.with_changes(helped_count=1, helped_by_group={str(ours): 1})
    unmarked = strategy("Never marked")
    old = OLD.with_changes(helped_count=50)
    ours_group = Group(
        id=ours, name="Ours", variant=Variant.DROP_IN, pattern=MeetingPattern(weekday=1)
    )
    theirs_group = ours_group.model_copy(update={"id": theirs, "name": "Theirs"})
    found = library.favourites([walk, diary, cafe, unmarked, old], ours_group)
    assert titles(found) == ["Keep a diary", "Meet at the café", "Go for a walk"]
    assert titles(library.favourites([walk, diary, cafe], theirs_group, count=1)) == [
        "Go for a walk"
    ]


def test_favourites_and_the_starter_choice_match_the_groups_kind_of_experience() -> None:
    voices_only = strategy("Describe each voice", experiences=[Experience.VOICES])
    beliefs_only = strategy("Give worries a time slot", experiences=[Experience.BELIEFS])
    both = strategy("Go for a walk", experiences=[Experience.VOICES, Experience.BELIEFS])
    marked = [s.with_changes(helped_count=3) for s in (voices_only, beliefs_only, both)]
    beliefs = Group(
        name="Thursday Beliefs", variant=Variant.PARANOIA_BELIEFS, pattern=MeetingPattern(weekday=3)
    )
    voices = beliefs.model_copy(update={"variant": Variant.HEARING_VOICES})
    drop_in = beliefs.model_copy(update={"variant": Variant.DROP_IN})
    assert titles(library.favourites(marked, beliefs)) == [
        "Give worries a time slot",
        "Go for a walk",
    ]
    assert titles(library.favourites(marked, voices)) == ["Describe each voice", "Go for a walk"]
    assert len(library.favourites(marked, drop_in)) == 3
    assert "Describe each voice" not in titles(library.starter_choice(marked, beliefs))


def test_words_for_a_strategy() -> None:
    every = strategy("Anything", experiences=list(Experience))
    assert library.experiences_short(every) == "all"
    assert library.experiences_short(WALK) == "voices, beliefs"
    assert library.experiences_label(WALK) == "voices and beliefs and paranoia"
    assert library.category_label(WALK) == "Physical"
    assert library.helped_tally(WALK, None) == "Not marked as helping yet"


def test_helped_tally_names_the_group(store: Store) -> None:
    group = add_group(store)
    marked = library.mark_helped(library.mark_helped(WALK, None), group.id)
    assert library.helped_tally(marked, group) == "Helped 2 times, 1 in Tuesday Voices"


def test_sheet_preview_lists_what_the_discreet_sheet_leaves_out(store: Store) -> None:
    group = add_group(store, "Riverside Group")
    talk = strategy("Talk back to the voices calmly")
    meet = strategy("Come to Riverside Group")
    for item in (WALK, talk, meet):
        store.save_strategy(item)
    checked = dt.date(2025, 3, 3)
    store.save_support_contact(
        SupportContact(name="Hearing Voices Network", how="Online", last_checked=checked)
    )
    store.save_support_contact(
        SupportContact(name="Samaritans", how="116 123", last_checked=checked)
    )
    ids = [WALK.id, talk.id, meet.id]

    plain = library.sheet_preview(store, group, ids)
    assert titles(plain.strategies) == [WALK.title, talk.title, meet.title]
    assert plain.left_out == [] and len(plain.contacts) == 2

    discreet = library.sheet_preview(store, group, ids, discreet=True)
    assert titles(discreet.strategies) == ["Go for a walk"]
    assert [(left.title, left.because_of) for left in discreet.left_out] == [
        ("Talk back to the voices calmly", "voice"),
        ("Come to Riverside Group", "Riverside Group"),
    ]
    assert [c.name for c in discreet.contacts] == ["Samaritans"]
    assert [left.title for left in discreet.contacts_left_out] == ["Hearing Voices Network"]
    assert discreet.meeting_left_out

    # The preview says exactly what the printout carries, and the printout says it too.
    request = printing.PrintRequest(
        "strategies", group=group, strategy_ids=tuple(ids), discreet=True
    )
    printed = printing.make(store, request)
    text = pdf_text(printed.data)
    assert "Go for a walk" in text and "calmly" not in text and "Samaritans" in text
    assert printed.said == discreet.left_out_sentences()
    assert printed.file_name.startswith("things-that-help-")


def test_sheet_preview_without_picks_is_a_starter_choice_and_favourites_on_request(
    store: Store,
) -> None:
    group = add_group(store)
    store.save_strategy(WALK)
    with pytest.raises(NothingToPrint, match="No strategy has been marked"):
        library.sheet_preview(store, group, favourites_only=True)
    store.save_strategy(library.mark_helped(DIARY, group.id))
    preview = library.sheet_preview(store, group)
    assert not preview.chosen_by_hand and preview.chosen == library.STARTER
    liked = library.sheet_preview(store, group, favourites_only=True)
    assert liked.chosen == library.FAVOURITES
    assert titles(liked.strategies) == ["Keep a diary"]
    assert titles(liked.strategies) == titles(library.favourites(store.strategies(), group))


def test_no_idea_for_beliefs_speaks_only_of_voices() -> None:
    """A paranoia & beliefs sheet carries no idea that talks about voices: an idea shipped
    for beliefs is worded for beliefs (one that suits both is worded for both)."""
    import re

    from voicesgroup.shipped import starter_strategies

    for idea in starter_strategies():
        if "beliefs" in {str(getattr(e, "value", e)) for e in idea.experiences}:
            words = f"{idea.title} {idea.description} {idea.caution}"
            assert not re.search(r"\bvoices?\b", words, re.IGNORECASE), idea.title


def test_the_beliefs_groups_sheet_says_nothing_of_voices(demo_path) -> None:
    from voicesgroup.handouts import strategies_sheet
    from voicesgroup.library import sheet_preview
    from voicesgroup.store import Store

    with Store.open(demo_path, readonly=True) as store:
        group = store.find_group("Thursday Beliefs")
        preview = sheet_preview(store, group, ())
        text = strategies_sheet(preview.strategies, group, preview.contacts, output="txt").decode()
    assert len(preview.strategies) == 8
    assert "voice" not in text.lower()
