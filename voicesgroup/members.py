"""Rules about members as people: two members may share a name, and are told apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicesgroup.models import Member
    from voicesgroup.store import Store


def others_with_the_same_name(store: Store, member: Member) -> list[Member]:
    """Other stored members whose name is `member`'s, ignoring case: before a new member is
    added, the person is asked whether they mean one of these; afterwards the date each
    joined tells them apart."""
    wanted = member.display_name.casefold()
    return [
        other
        for other in store.members()
        if other.id != member.id and other.display_name.casefold() == wanted
    ]
