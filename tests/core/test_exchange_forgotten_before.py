"""A member forgotten on a laptop while it took no part in the exchange is announced when a
laptop that still holds them is met: the organisation's tombstone travels (a keyed hash, no
name, no id), and that laptop forgets them too."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.exchange import (
    MEMBER,
    World,
    member_id,
    no_real_data,
    readable_files,
    world,
)
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]


def _forgotten_while_away(world: World) -> tuple[Path, str]:
    """The group's laptop leaves, forgets the member, and is set up again, while a second
    laptop of the group still holds her; both then exchange."""
    world.exchange(world.group)
    second = world.laptop("g2")
    world.join_group(second)
    world.exchange(second)
    identifier = member_id(second)
    code, _, err = world.cli(world.group, "exchange", "leave")
    assert code == 0, err
    code, _, err = world.cli(world.group, "member", "forget", "--member", MEMBER, "--yes")
    assert code == 0, err
    world.join_group(world.group)  # set up again: no tombstone of the exchange names her
    world.exchange(world.group)  # meets her in the second laptop's outbox
    world.exchange(second)
    world.exchange(world.group)
    return second, identifier


def test_a_member_forgotten_before_set_up_is_forgotten_by_the_laptops_that_held_them(
    world: World,
) -> None:
    second, identifier = _forgotten_while_away(world)
    with Store.open(second, readonly=True) as store:
        assert store.members() == []
    for laptop in (world.group, second):
        for path, blob in readable_files(laptop).items():
            assert identifier.encode() not in blob, (laptop.parent.name, path.name)
        assert MEMBER.encode() not in laptop.read_bytes()
    code, out, err = world.cli(world.group, "exchange", "status", "--json")
    assert code == 0 and '"forgettings": 1' in out, out + err


def test_no_backup_holds_the_name_of_a_member_forgotten_before_set_up(world: World) -> None:
    """A session's texts may name her: the laptop that forgot her takes none of its group's
    part back from a laptop that still names her, so no backup made meanwhile holds her name."""
    second, _ = _forgotten_while_away(world)
    for laptop in (world.group, second):
        for path, blob in readable_files(laptop).items():
            assert MEMBER.encode() not in blob, (laptop.parent.name, path.name)
