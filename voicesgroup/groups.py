"""Rules about a group as a whole: what a new group starts with, what changing its kind does,
and the question about a member's name in its name or venue.

The group form and any other front door build groups through here, so a new group always
gets its kind's words and a first group agreement to talk through; and every change to a group
is saved through `rota.guard.save_group`, which asks `refuse_member_names` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from voicesgroup.errors import VoicesGroupError
from voicesgroup.mentions import KEEP_IT_ANYWAY
from voicesgroup.models import Group, Variant
from voicesgroup.shipped import default_agreement, shipped_template

if TYPE_CHECKING:
    from voicesgroup.store import Store

PRINTED_FIELDS = ("name", "venue")
"""A group's texts that print on every handout and travel to every laptop of the organisation."""
PRINTED_EVERYWHERE = "It prints on every handout and goes to every laptop: keep members' names out."
"""Why a member's name is asked about in a group's name or venue (the form and the core)."""


class NamesAMember(VoicesGroupError):
    """A group's name or venue mentions a member: kept only once someone says so (saving the
    form again, or --yes on the command line), since "St Mary's" may be a church."""

    def __init__(self, field: str, names: list[str]) -> None:
        self.field = field
        self.names = names
        super().__init__(f"This mentions {', '.join(names)}. {PRINTED_EVERYWHERE} {KEEP_IT_ANYWAY}")


def member_names_in_group(store: Store, group: Group) -> list[tuple[str, list[str]]]:
    """(field, the members' names it mentions) for the group's name and venue, each that
    mentions a member and is not already stored so (what was kept once is not asked again)."""
    from voicesgroup.mentions import member_names_in

    stored = {each.id: each for each in store.groups(include_archived=True)}.get(group.id)
    found = []
    for field in PRINTED_FIELDS:
        text = getattr(group, field)
        if not text or (stored is not None and getattr(stored, field) == text):
            continue
        names = member_names_in(store, text)
        if names:
            found.append((field, names))
    return found


def refuse_member_names(store: Store, group: Group, *, kept: Collection[str] = ()) -> None:
    """`NamesAMember` for the first of the group's name and venue that mentions a member,
    unless its text is among `kept` (what the person said to keep as it is)."""
    for field, names in member_names_in_group(store, group):
        if getattr(group, field) not in kept:
            raise NamesAMember(field, names)


def new_group(today: dt.date, **fields: Any) -> Group:
    """A new group: its kind's own words (vocabulary) and the shipped agreement, agreed today."""
    variant = Variant(fields["variant"])
    return Group(
        **fields,
        vocabulary=dict(shipped_template(variant).vocabulary),
        agreements=[default_agreement(variant, today)],
    )


def changed_group(group: Group, **fields: Any) -> Group:
    """`group` with `fields` changed. A group on its kind's shipped plan that changes kind
    takes the new kind's words; a group with its own plan keeps its words."""
    variant = Variant(fields.get("variant", group.variant))
    if variant != group.variant and group.template is None:
        fields["vocabulary"] = dict(shipped_template(variant).vocabulary)
    return group.with_changes(**fields)
