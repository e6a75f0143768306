"""Laptops of one organisation sharing an exchange folder, made through the core's own set-up
and exchange (no command line), for the core's and the screens' tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from voicesgroup.exchange import service
from voicesgroup.kinds import ConsentAction, ConsentMethod, ConsentScope, Variant
from voicesgroup.models import ConsentEvent, Group, MeetingPattern, Member, Note, SupportContact
from voicesgroup.store import Store, crypto

QUICK = crypto.KdfParams(memory_kib=64 * 1024, iterations=1, lanes=1)
"""The cheapest Argon2id the library accepts: these tests are about the exchange, not its KDF."""
ORG_PASSPHRASE = "river stones and tea"
GROUP_PASSPHRASE = "tuesday evening"
GROUP = "Tuesday Voices"
MEMBER = "Marigold"
NOTE_WORDS = "the humming stops when I walk by the canal"
FIRST_DAY = dt.datetime(2025, 3, 4, 18, 30, tzinfo=dt.UTC)


@dataclass
class Laptops:
    folder: Path
    group: Path
    second: Path
    coordinator: Path | None = None


def _new_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Store.open(path).close()
    return path


def two_group_laptops(
    root: Path, *, coordinator: bool = False, folder: Path | None = None
) -> Laptops:
    """A group's laptop holding a member and a note, a second laptop of that group which has
    exchanged with it (and a coordinator's laptop, when asked), sharing `folder` (by default
    one in `root`)."""
    folder = folder or root / "exchange"
    folder.mkdir(parents=True)
    made = Laptops(folder, _new_file(root / "g" / "vg.json"), _new_file(root / "g2" / "vg.json"))
    with Store.open(made.group) as store:
        group = Group(name=GROUP, variant=Variant.HEARING_VOICES, pattern=MeetingPattern(weekday=1))
        store.save_group(group)
        member = Member(display_name=MEMBER)
        store.save_member(member)
        for scope in (ConsentScope.ATTENDANCE_BY_NAME, ConsentScope.PERSONAL_NOTES):
            store.give_consent(
                ConsentEvent(
                    member_id=member.id,
                    scope=scope,
                    action=ConsentAction.GIVEN,
                    method=ConsentMethod.SAID_IN_ROOM,
                    wording_version="1",
                    recorded_by="Rosa",
                    on=FIRST_DAY - dt.timedelta(days=30),
                )
            )
        store.save_note(
            Note(
                member_id=member.id,
                member_words=NOTE_WORDS,
                agreed_by_member=True,
                created_at=FIRST_DAY,
            )
        )
        join(store, folder, group=True)
        service.exchange(store)
    if coordinator:
        made.coordinator = _new_file(root / "c" / "vg.json")
        with Store.open(made.coordinator) as store:
            join(store, folder, group=False)
            service.exchange(store)
    with Store.open(made.second) as store:
        join(store, folder, group=True)
        service.exchange(store)
    return made


def join(store: Store, folder: Path, *, group: bool) -> None:
    service.setup(
        store,
        folder,
        passphrase=ORG_PASSPHRASE,
        group_passphrases={GROUP: GROUP_PASSPHRASE} if group else {},
        coordinator=not group,
        params=QUICK,
    )


def change_note_on_both(made: Laptops, here: str, there: str) -> None:
    """Both group laptops change the note's words before either has seen the other's, then
    exchange: each holds both versions, one of them as a conflict to settle."""
    for laptop, words in ((made.group, here), (made.second, there)):
        with Store.open(laptop) as store:
            [member] = store.members()
            [note] = store.notes(member.id)
            store.save_note(note.with_changes(member_words=words))
    for laptop in (made.group, made.second, made.group):
        with Store.open(laptop) as store:
            service.exchange(store)


def conflict_in(data_file: Path) -> Path:
    """Make `data_file` (the demo, say) a laptop of all its groups, with a second laptop of
    those groups, and a note changed on both at once: a conflict waits on `data_file`."""
    folder = data_file.parent / "exchange-folder"
    folder.mkdir()
    second = _new_file(data_file.parent / "second-laptop" / "vg.json")
    with Store.open(data_file) as store:
        groups = {group.name: GROUP_PASSPHRASE for group in store.groups()}
        service.setup(
            store,
            folder,
            passphrase=ORG_PASSPHRASE,
            group_passphrases=groups,
            coordinator=False,
            params=QUICK,
        )
        service.exchange(store)
        note_id = store.all_notes()[0].id
    with Store.open(second) as store:
        service.setup(
            store,
            folder,
            passphrase=ORG_PASSPHRASE,
            group_passphrases=groups,
            coordinator=False,
            params=QUICK,
        )
        service.exchange(store)
    for laptop, words in ((data_file, "walking helps"), (second, "music helps")):
        with Store.open(laptop) as store:
            [note] = [note for note in store.all_notes() if note.id == note_id]
            store.save_note(note.with_changes(member_words=words))
    for laptop in (data_file, second, data_file):
        with Store.open(laptop) as store:
            service.exchange(store)
    return data_file


def contact(name: str) -> SupportContact:
    """A support contact with only its name to tell it apart."""
    return SupportContact(name=name, how="0800 000 000")


def laptops_bringing_a_change(tmp_path: Path) -> Laptops:
    """Two laptops of one group, where the second has sent a new support contact ("Canal walk
    line"): the next exchange on the first brings a change."""
    made = two_group_laptops(tmp_path)
    with Store.open(made.group) as store:  # the second laptop's first outbox, read already
        service.exchange(store)
    with Store.open(made.second) as store:
        store.save_support_contact(contact("Canal walk line"))
        service.exchange(store)
    return made


def contacts_in(data_file: Path) -> set[str]:
    """The support contacts' names in a data file."""
    with Store.open(data_file, readonly=True) as store:
        return {c.name for c in store.support_contacts()}
