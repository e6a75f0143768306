"""The coping-strategy library: finding, marking and choosing strategies, with no UI in it.

The library screen and anything else (a command, a test) go through these plain functions:
search and filters, the "it helped" tally per group, a group's favourites, and what a
printed sheet will hold — including which strategies a discreet sheet leaves out and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from uuid import UUID

from voicesgroup.errors import NothingToPrint, UncheckedContacts
from voicesgroup.handouts.discreet import find_discreet_word
from voicesgroup.models import (
    STRATEGY_CATEGORIES,
    ConsentScope,
    CopingStrategy,
    Experience,
    Group,
    Member,
    Moment,
    SupportContact,
    Variant,
)
from voicesgroup.normalise import fold
from voicesgroup.store import Store

FAVOURITES_COUNT = 8
"""A sheet's ideas when none are picked: eight, with the helplines and space to write, fit
on one sheet of paper (two sides)."""

EXPERIENCE_SHORT = {
    Experience.VOICES: "voices",
    Experience.VISIONS: "visions",
    Experience.BELIEFS: "beliefs",
    Experience.OTHER_SENSES: "senses",
}


@dataclass(frozen=True)
class LibraryFilter:
    """What the library is showing: words to find, and the category/experience/moment wanted.

    `None` (or empty text) means "any". Archived strategies are left out unless asked for.
    """

    text: str = ""
    category: str | None = None
    experience: Experience | None = None
    moment: Moment | None = None
    include_archived: bool = False

    @property
    def is_narrowed(self) -> bool:
        """Whether anything (words or a filter) narrows the list."""
        return bool(
            self.text.strip() or self.category or self.experience or self.moment is not None
        )


def may_be_named(store: Store, members: Iterable[Member] | None = None) -> list[Member]:
    """Of `members` (or every member), those who said yes to their name beside the strategies
    they share: the only names a strategy may carry."""
    return [
        member
        for member in (store.members() if members is None else members)
        if store.has_consent(member.id, ConsentScope.STRATEGY_ATTRIBUTION)
    ]


def matches(strategy: CopingStrategy, wanted: LibraryFilter) -> bool:
    """Whether one strategy passes the filter.

    Text search looks in the title and description; every word typed must appear (in any
    order, ignoring case and accents, and matching the start of words or inside them).
    """
    if strategy.archived and not wanted.include_archived:
        return False
    if wanted.category and strategy.category != wanted.category:
        return False
    if wanted.experience is not None and wanted.experience not in strategy.experiences:
        return False
    if wanted.moment is not None and strategy.moment is not wanted.moment:
        return False
    words = fold(wanted.text).split()
    if not words:
        return True
    haystack = fold(f"{strategy.title}\n{strategy.description}")
    return all(word in haystack for word in words)


def search(strategies: Iterable[CopingStrategy], wanted: LibraryFilter) -> list[CopingStrategy]:
    """The strategies passing `wanted`, in the order given."""
    return [strategy for strategy in strategies if matches(strategy, wanted)]


def helped_in_group(strategy: CopingStrategy, group_id: UUID | None) -> int:
    """How many times a group marked this strategy as having helped (0 without a group)."""
    return strategy.helped_by_group.get(str(group_id), 0) if group_id else 0


def mark_helped(strategy: CopingStrategy, group_id: UUID | None) -> CopingStrategy:
    """A copy marked once more as having helped, for `group_id` too when there is one."""
    by_group = dict(strategy.helped_by_group)
    if group_id is not None:
        by_group[str(group_id)] = by_group.get(str(group_id), 0) + 1
    return strategy.with_changes(helped_count=strategy.helped_count + 1, helped_by_group=by_group)


def suits_group(strategy: CopingStrategy, group: Group | None) -> bool:
    """Whether a strategy is for the group's kind of experience.

    A paranoia and beliefs group gets ideas for beliefs; a hearing voices group gets ideas
    for voices, visions or other senses (not beliefs-only ones); any other group, all.
    """
    if group is None:
        return True
    kinds = set(strategy.experiences)
    if group.variant is Variant.PARANOIA_BELIEFS:
        return Experience.BELIEFS in kinds
    if group.variant is Variant.HEARING_VOICES:
        return bool(kinds - {Experience.BELIEFS})
    return True


def favourites(
    strategies: Iterable[CopingStrategy], group: Group | None, count: int = FAVOURITES_COUNT
) -> list[CopingStrategy]:
    """A group's favourites: the strategies it marked most, then those marked most anywhere,
    only those for the group's kind of experience. The one place favourites are worked out.

    Only strategies marked at least once count; archived ones never do.
    """
    group_id = group.id if group is not None else None
    marked = [s for s in strategies if s.helped_count and not s.archived and suits_group(s, group)]
    return sorted(marked, key=lambda s: favourite_key(s, group_id))[:count]


def starter_choice(
    strategies: Iterable[CopingStrategy], group: Group | None, count: int = FAVOURITES_COUNT
) -> list[CopingStrategy]:
    """A sheet's ideas when none are picked and no favourites are asked for: strategies for
    the group's kind of experience, in-the-moment ideas first, a spread of categories."""
    suitable = [s for s in strategies if not s.archived and suits_group(s, group)]
    suitable.sort(key=lambda s: (s.moment is not Moment.IN_THE_MOMENT, s.title.casefold()))
    chosen: list[CopingStrategy] = []
    categories: set[str] = set()
    for strategy in suitable:  # one of each category first, then the rest in order
        if strategy.category not in categories:
            chosen.append(strategy)
            categories.add(strategy.category)
    taken = {s.id for s in chosen}  # by id: comparing whole records is slow on a big library
    chosen += [s for s in suitable if s.id not in taken]
    return chosen[:count]


def favourite_key(strategy: CopingStrategy, group_id: UUID | None) -> tuple[int, int, str]:
    """Sort key putting a group's most-marked strategies first (then overall, then by title)."""
    return (
        -helped_in_group(strategy, group_id),
        -strategy.helped_count,
        strategy.title.casefold(),
    )


def set_archived(strategy: CopingStrategy, archived: bool) -> CopingStrategy:
    """A copy archived (kept, but out of the library and off sheets) or brought back."""
    return strategy.with_changes(archived=archived)


# -- words for showing a strategy ------------------------------------------------------------


def category_label(strategy: CopingStrategy) -> str:
    """The category in words."""
    return STRATEGY_CATEGORIES.get(strategy.category, strategy.category)


def experiences_short(strategy: CopingStrategy) -> str:
    """The kinds of experience it is for, in a few letters ("voices, beliefs"; "all")."""
    if set(strategy.experiences) == set(Experience):
        return "all"
    return ", ".join(EXPERIENCE_SHORT[e] for e in Experience if e in strategy.experiences)


def experiences_label(strategy: CopingStrategy) -> str:
    """The kinds of experience it is for, in full words."""
    labels = [e.label for e in Experience if e in strategy.experiences]
    if not labels:
        return "no kind of experience chosen"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def helped_tally(strategy: CopingStrategy, group: Group | None) -> str:
    """The "it helped" marks in words: overall, and for the group in view."""
    total = strategy.helped_count
    if not total:
        return "Not marked as helping yet"
    line = f"Helped {total} time{'s' if total != 1 else ''}"
    if group is not None:
        line += f", {helped_in_group(strategy, group.id)} in {group.name}"
    return line


# -- what a coping-strategies sheet will hold -------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    """Something a sheet leaves out, and why (the word that gave it away, or a reason)."""

    title: str
    because_of: str


CHOSEN_BY_HAND = "picked"
FAVOURITES = "favourites"
STARTER = "starter"


@dataclass(frozen=True)
class SheetPreview:
    """Exactly what a coping-strategies sheet will carry, worked out before printing.

    `chosen` says how the ideas were chosen (picked, favourites or starter). `left_out` and
    `contacts_left_out` list what a discreet sheet leaves out and why; `unchecked` are the
    support contacts still to be checked (the sheet stops on them unless they are skipped);
    `meeting_left_out` is true when a discreet sheet leaves out the day, time and venue.
    """

    strategies: list[CopingStrategy]
    left_out: list[LeftOut] = field(default_factory=list)
    contacts: list[SupportContact] = field(default_factory=list)
    contacts_left_out: list[LeftOut] = field(default_factory=list)
    chosen_by_hand: bool = True
    chosen: str = CHOSEN_BY_HAND
    unchecked: list[SupportContact] = field(default_factory=list)
    meeting_left_out: bool = False

    def left_out_sentences(self) -> list[str]:
        """What was left out and why, one sentence each, for the person printing."""
        said = []
        if self.left_out:
            items = "; ".join(f"{item.title} (says “{item.because_of}”)" for item in self.left_out)
            said.append(
                f"Left out of the discreet sheet, because a discreet sheet never carries "
                f"these words: {items}."
            )
        if self.contacts_left_out:
            items = "; ".join(
                f"{item.title} ({item.because_of})" for item in self.contacts_left_out
            )
            said.append(f"Support contacts left out: {items}.")
        if self.meeting_left_out:
            said.append(
                "The day, time and venue of the group were left out, so the sheet does not "
                "say where it came from; ask to show the meeting to include them."
            )
        return said


ItemT = TypeVar("ItemT")


def _leave_out_give_aways(
    items: Iterable[ItemT], texts_of: Callable[[ItemT], Sequence[str]], group: Group | None
) -> tuple[list[ItemT], list[LeftOut]]:
    """What a discreet sheet may carry, and what it leaves out (named by the first text)."""
    kept: list[ItemT] = []
    left_out: list[LeftOut] = []
    for item in items:
        texts = texts_of(item)
        word = _give_away(texts, group)
        if word is None:
            kept.append(item)
        else:
            left_out.append(LeftOut(texts[0], word))
    return kept, left_out


def _give_away(texts: Sequence[str], group: Group | None) -> str | None:
    """The give-away word in `texts` (the group's name as it is written), or None."""
    word = find_discreet_word(texts, [group.name] if group is not None else [])
    if word is not None and group is not None and word == fold(" ".join(group.name.split())):
        return group.name
    return word


def _strategy_texts(strategy: CopingStrategy) -> tuple[str, str, str]:
    return (strategy.title, strategy.description, strategy.caution)


def discreet_how(contact: SupportContact) -> str:
    """How to reach a contact, in the neutral words a discreet sheet uses."""
    return contact.discreet_how or contact.how


def choose_strategies(
    store: Store,
    group: Group | None,
    strategy_ids: Sequence[UUID] = (),
    *,
    favourites_only: bool = False,
    discreet: bool = False,
) -> tuple[list[CopingStrategy], str]:
    """The ideas for a sheet and how they were chosen: the picked ones; else, asked for, the
    group's favourites (refused when there are none); else a starter choice for the group's
    kind of experience. Chosen for a discreet sheet, only ideas it can carry are chosen."""
    if strategy_ids:
        return [store.strategy(strategy_id) for strategy_id in strategy_ids], CHOSEN_BY_HAND
    everything = store.strategies()
    if discreet:
        everything = [s for s in everything if _give_away(_strategy_texts(s), group) is None]
    liked = favourites(everything, group)
    if favourites_only and not liked:
        where = f"in {group.name}" if group is not None else "anywhere"
        raise NothingToPrint(
            f"No strategy has been marked as helping {where} yet, so there are no favourites "
            "to print. Mark one with h in the library, or leave out --favourites."
        )
    if favourites_only:
        return liked, FAVOURITES
    return starter_choice(everything, group), STARTER


def sheet_preview(
    store: Store,
    group: Group | None,
    strategy_ids: Sequence[UUID] = (),
    *,
    discreet: bool = False,
    favourites_only: bool = False,
    show_meeting: bool = False,
) -> SheetPreview:
    """What `printing` will put on the sheet with the same arguments: the one place a
    sheet's ideas and contacts are chosen, for the print dialog and the command alike.

    On a discreet sheet, ideas that mention voices, hearing, paranoia or the group's name are
    listed apart as left out, with the word that gave them away; so are contacts whose
    neutral wording still gives something away, and (unless `show_meeting`) the meeting.
    """
    chosen, how = choose_strategies(
        store, group, strategy_ids, favourites_only=favourites_only, discreet=discreet
    )
    contacts = store.support_contacts()
    unchecked = [contact for contact in contacts if contact.last_checked is None]
    if not discreet:
        return SheetPreview(
            chosen,
            contacts=contacts,
            chosen_by_hand=how == CHOSEN_BY_HAND,
            chosen=how,
            unchecked=unchecked,
        )
    kept, left_out = _leave_out_give_aways(chosen, _strategy_texts, group)
    kept_contacts, contacts_left_out = _leave_out_give_aways(
        contacts, lambda item: (item.name, discreet_how(item)), group
    )
    contacts_left_out = [
        LeftOut(item.title, f"its wording says “{item.because_of}”; give it neutral wording")
        for item in contacts_left_out
    ]
    return SheetPreview(
        kept,
        left_out,
        kept_contacts,
        contacts_left_out,
        chosen_by_hand=how == CHOSEN_BY_HAND,
        chosen=how,
        unchecked=[contact for contact in unchecked if contact in kept_contacts],
        meeting_left_out=group is not None and not show_meeting,
    )


def require_checked(preview: SheetPreview, *, skip_unchecked: bool) -> SheetPreview:
    """The preview ready to print: unchecked contacts stop it (`UncheckedContacts`) unless
    `skip_unchecked`, which leaves them off and says so in `contacts_left_out`."""
    if not preview.unchecked:
        return preview
    if not skip_unchecked:
        raise UncheckedContacts(preview.unchecked)
    skipped = {id(contact) for contact in preview.unchecked}
    return SheetPreview(
        preview.strategies,
        preview.left_out,
        [contact for contact in preview.contacts if id(contact) not in skipped],
        [
            *preview.contacts_left_out,
            *(LeftOut(contact.name, "not checked yet") for contact in preview.unchecked),
        ],
        preview.chosen_by_hand,
        preview.chosen,
        [],
        preview.meeting_left_out,
    )


def mark_checked(store: Store, contacts: Iterable[SupportContact], today: date) -> None:
    """Mark support contacts as checked today (a facilitator has just checked them)."""
    with store.batch():
        for contact in contacts:
            store.save_support_contact(contact.with_changes(last_checked=today))
