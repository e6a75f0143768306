"""The coping-strategy library: finding, marking and choosing strategies, with no UI in it.

The library screen and anything else (a command, a test) go through these plain functions:
search and filters, the "it helped" tally per group, a group's favourites, and what a
printed sheet will hold — including which strategies a discreet sheet leaves out and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

from voicesgroup.handouts.names import find_discreet_word, fold
from voicesgroup.models import (
    STRATEGY_CATEGORIES,
    CopingStrategy,
    Experience,
    Group,
    Moment,
    SupportContact,
)
from voicesgroup.store import Store

FAVOURITES_COUNT = 10

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


def favourites(
    strategies: Iterable[CopingStrategy], group_id: UUID | None, count: int = FAVOURITES_COUNT
) -> list[CopingStrategy]:
    """A group's favourites: the strategies it marked most, then those marked most anywhere.

    Only strategies marked at least once count; archived ones never do.
    """
    marked = [s for s in strategies if s.helped_count and not s.archived]
    return sorted(marked, key=lambda s: favourite_key(s, group_id))[:count]


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
    """Something a discreet sheet leaves out, and the word that gave it away."""

    title: str
    because_of: str


@dataclass(frozen=True)
class SheetPreview:
    """Exactly what a coping-strategies sheet will carry, worked out before printing."""

    strategies: list[CopingStrategy]
    left_out: list[LeftOut] = field(default_factory=list)
    contacts: list[SupportContact] = field(default_factory=list)
    contacts_left_out: list[LeftOut] = field(default_factory=list)
    chosen_by_hand: bool = True


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


def sheet_preview(
    store: Store,
    group: Group | None,
    strategy_ids: Sequence[UUID] = (),
    *,
    discreet: bool = False,
) -> SheetPreview:
    """What `printing.strategies_pdf` will put on the sheet with the same arguments.

    The picked strategies (or, with none picked, the group's favourites as the printout
    chooses them); on a discreet sheet, those that mention voices, hearing, paranoia or the
    group's name are listed apart as left out, with the word that gave them away.
    """
    from voicesgroup import printing

    if strategy_ids:
        chosen = [store.strategy(strategy_id) for strategy_id in strategy_ids]
    else:
        chosen = printing.favourites(store, group)
    contacts = store.support_contacts()
    if not discreet:
        return SheetPreview(chosen, contacts=contacts, chosen_by_hand=bool(strategy_ids))
    kept, left_out = _leave_out_give_aways(
        chosen, lambda item: (item.title, item.description, item.caution), group
    )
    kept_contacts, contacts_left_out = _leave_out_give_aways(
        contacts, lambda item: (item.name, item.how, item.when), group
    )
    return SheetPreview(
        kept,
        left_out,
        kept_contacts,
        contacts_left_out,
        chosen_by_hand=bool(strategy_ids),
    )
