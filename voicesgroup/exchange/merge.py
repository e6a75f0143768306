"""The merge rules, pure: each shared part by its kind and key, the latest stamp wins.

The exceptions, each here once:

- forgetting wins over everything: a part about a member whose tombstone is known is never
  taken in (`applying` filters them before the merge, and runs the local forgetting);
- consent events are append-only: never deleted by a merge, and never changed by one. Of
  two versions of one event (one id) the first stays: a withdrawal before a grant, then the
  earliest stamp (`Entry.order`), so no later version, whatever its stamp, rewrites what
  was recorded (a withdrawal turned into a grant on the way never wins); and a withdrawal
  wins over any grant that did not see it (`unseen_withdrawals`: a withdrawal is added
  after such a grant);
- a note's or a strategy's text is never merged field by field: when the winner was not made
  from the losing version (its `base` is older than the loser), the losing version is kept
  as a visible conflict (`conflict_copies`), never dropped; a copy let go when someone
  resolved the conflict (its deletion is known) is not made again, so a laptop that was
  away, still holding the losing version, does not bring a resolved conflict back;
- the rota's slot for a group and date is one record (its key is the slot, `sharing`);
- a record shared in parts (`sharing.FIELD_PARTS`) merges part by part; one that an older
  version shared whole is read as its parts, each with the whole's stamp (`in_parts`); it is
  kept or removed whole, by the latest word on any of its parts (`whole_records`): a record
  deleted on one laptop while another changed it is never left with half its parts;
- a version made by a laptop that did not hold the part (a session's group part rebuilt
  from the organisation's facts alone, `extra["lacking"]`) loses to any version made from
  the real one, whatever its stamp: a laptop never overwrites what it does not hold.

Picking the latest stamp is a maximum under a total order, so the merge is commutative,
associative and idempotent; what is derived from the merged set (conflict copies, added
withdrawals) is a function of that set alone, with ids made from what they derive from, so
every laptop derives the same records.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple

from voicesgroup.exchange.clock import SHIPPED_MS, Stamp
from voicesgroup.exchange.sharing import FIELD_MARK, FIELD_PARTS, TEXT_FIELDS, content_hash

DERIVED = uuid.UUID("6f1c3f3e-7b8e-4c55-9a55-0e3c1b2f6d10")
"""The namespace of ids the merge derives (conflict copies, added withdrawals)."""


class Entry(NamedTuple):
    """One version of a shared part: its content (None: deleted) and its stamps."""

    kind: str
    key: str
    stamp: Stamp
    base: Stamp | None
    """The stamp of the version this one was made from, on the laptop that made it."""
    content: dict[str, Any] | None
    extra: dict[str, Any] | None = None
    digest: str | None = None
    """The content's hash (`sharing.content_hash`) as the outbox carried it, so what is
    taken in whole is not hashed again; None when not known (then it is worked out)."""

    @property
    def lacking(self) -> bool:
        """Made by a laptop that did not hold this part (see the module)."""
        return self.extra is not None and self.extra.get("lacking") is True

    def order(self) -> tuple[bool, bool, Stamp | _Earlier, str]:
        """The version's place in the one total order the merge takes the greatest of."""
        # Two versions with one stamp come from one laptop and are the same; the hash only
        # makes the order total should a damaged outbox say otherwise, and then every laptop,
        # the one whose stamp it is too, takes the same one (`applying.merge_in`).
        digest = content_hash(self.content) if self.content is not None else ""
        return (*self.rank(), digest)

    def rank(self) -> tuple[bool, bool, Stamp | _Earlier]:
        """`order` but the hash, which decides only between versions with one stamp."""
        if self.kind == CONSENT:  # append-only: the first version stays (see the module)
            withdrawn = (self.content or {}).get("action") == "withdrawn"
            return (True, withdrawn, _Earlier(self.stamp))
        return (not self.lacking, False, self.stamp)


CONSENT = "consent_events"


@functools.total_ordering
class _Earlier:
    """A stamp ordered backwards: the earliest is the greatest."""

    __slots__ = ("stamp",)

    def __init__(self, stamp: Stamp) -> None:
        self.stamp = stamp

    def __lt__(self, other: object) -> bool:
        return isinstance(other, _Earlier) and other.stamp < self.stamp

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Earlier) and other.stamp == self.stamp

    def __hash__(self) -> int:
        return hash(self.stamp)


def in_parts(entry: Entry) -> list[Entry]:
    """A record shared whole by a version before it was shared in parts
    (`sharing.FIELD_PARTS`), read as its parts, each with the whole's stamp: each part then
    wins or loses on its own, as if that version had shared it so. Any other entry as it is."""
    sets = FIELD_PARTS.get(entry.kind)
    if sets is None or entry.content is None:
        return [entry]
    split = frozenset().union(*sets.values())
    if not split & entry.content.keys():
        return [entry]
    main = {name: value for name, value in entry.content.items() if name not in split}
    found = [Entry(entry.kind, entry.key, entry.stamp, entry.base, main, entry.extra)]
    for name, own in sets.items():
        content = {f: entry.content[f] for f in sorted(own) if f in entry.content}
        if content:
            kind = entry.kind + FIELD_MARK + name
            found.append(Entry(kind, entry.key, entry.stamp, entry.base, content, entry.extra))
    return found


def later(first: Entry, second: Entry) -> Entry:
    """The version that wins: the latest stamp (the first, for a consent event)."""
    first_rank, second_rank = first.rank(), second.rank()
    if first_rank != second_rank:  # the hash is not needed (`order`)
        return first if first_rank > second_rank else second
    return first if first.order() >= second.order() else second


def merge(versions: Iterable[Entry]) -> dict[tuple[str, str], Entry]:
    """The winning version of each part among `versions` (any order, any repetition)."""
    winners: dict[tuple[str, str], Entry] = {}
    for entry in versions:
        if entry.kind == CONSENT and entry.content is None:
            continue  # append-only: a consent event is removed only by forgetting
        slot = (entry.kind, entry.key)
        held = winners.get(slot)
        winners[slot] = entry if held is None else later(held, entry)
    return winners


def whole_records(
    winners: dict[tuple[str, str], Entry], versions: Iterable[Entry]
) -> dict[tuple[str, str], Entry]:
    """The winners, with each record shared in parts (`sharing.FIELD_PARTS`) kept or removed
    whole: a record deleted on one laptop while another changed it is decided by the latest
    word on it, over all its parts. When that is the deletion, every part goes with it; when
    it is a change, each part whose winner is a deletion takes instead the latest version of
    it that is there, so the record is whole again (a part never had: left deleted)."""
    records: dict[tuple[str, str], list[str]] = {}
    for kind, key in winners:
        table = kind.split(FIELD_MARK, 1)[0]
        if table in FIELD_PARTS:
            records.setdefault((table, key), []).append(kind)
    if not any(
        winners[(kind, key)].content is None
        for (_, key), kinds in records.items()
        for kind in kinds
    ):
        return winners
    present: dict[tuple[str, str], Entry] = {}
    for entry in versions:
        if entry.content is not None and (entry.kind, entry.key) in winners:
            known = present.get((entry.kind, entry.key))
            present[(entry.kind, entry.key)] = entry if known is None else later(known, entry)
    decided = dict(winners)
    for (_, key), kinds in records.items():
        held = [winners[(kind, key)] for kind in kinds]
        if all(entry.content is not None for entry in held) or all(
            entry.content is None for entry in held
        ):
            continue
        last = functools.reduce(later, held)
        for part in held:
            if last.content is None and part.content is not None:
                decided[(part.kind, key)] = Entry(part.kind, key, last.stamp, last.base, None)
            elif last.content is not None and part.content is None:
                decided[(part.kind, key)] = present.get((part.kind, key), part)
    return decided


def concurrent(winner: Entry, loser: Entry) -> bool:
    """Whether the winner was made without seeing the loser."""
    return winner.base is None or winner.base < loser.stamp


def conflict_copies(
    winners: dict[tuple[str, str], Entry], versions: Iterable[Entry]
) -> list[Entry]:
    """The losing versions of a note's or strategy's text to keep beside the winner.

    A copy has an id derived from the original and the losing stamp, and the losing content;
    a strategy's copy is archived, so only the winner is printed until someone chooses."""
    copies: dict[str, Entry] = {}
    for entry in versions:
        fields = TEXT_FIELDS.get(entry.kind)
        winner = winners.get((entry.kind, entry.key))
        if fields is None or winner is None or entry.content is None:
            continue
        if winner.content is None or winner.stamp == entry.stamp:
            continue  # an erasure leaves no copy; the winner is not its own conflict
        if all(winner.content.get(f) == entry.content.get(f) for f in fields):
            continue
        if entry.stamp[0] == SHIPPED_MS:
            continue  # the shipped text, which the winner's author had too: not a rival edit
        if not concurrent(winner, entry):
            continue
        copy_id = str(uuid.uuid5(DERIVED, f"{entry.kind}:{entry.key}:{list(entry.stamp)}"))
        made = winners.get((entry.kind, copy_id))
        if made is not None and made.content is None:
            continue  # made before and let go when someone resolved it: never made again
        content = {**entry.content, "id": copy_id}
        if entry.kind == "strategies":
            content["archived"] = True
            content["starter_key"] = None
        copy = Entry(entry.kind, copy_id, entry.stamp, None, content, {"of": entry.key})
        held_copy = copies.get(copy_id)  # one stamp, two texts (a clone): the same one in any order
        copies[copy_id] = copy if held_copy is None else later(held_copy, copy)
    return sorted(copies.values(), key=lambda item: item.key)


ROTA_FIELDS = ("lead_id", "co_id")


def rota_clashes(winners: dict[tuple[str, str], Entry], versions: Iterable[Entry]) -> list[Entry]:
    """Rota slots planned differently on two laptops at once: the losing plan of each, so that
    the coordinator sees the slot was contested (the slot itself is one record: the winner)."""
    found: dict[tuple[str, Stamp], Entry] = {}
    for entry in versions:
        winner = winners.get((entry.kind, entry.key))
        if entry.kind != "rota" or entry.content is None or winner is None:
            continue
        if winner.content is None or winner.stamp == entry.stamp or not concurrent(winner, entry):
            continue
        if all(winner.content.get(f) == entry.content.get(f) for f in ROTA_FIELDS):
            continue
        slot = (entry.key, entry.stamp)
        held = found.get(slot)
        found[slot] = entry if held is None else later(held, entry)  # one stamp, two plans: a clone
    return [found[slot] for slot in sorted(found)]


def unseen_withdrawals(events: Iterable[Entry]) -> list[dict[str, Any]]:
    """Withdrawals to add so that a withdrawal wins over every grant that did not see it.

    A grant carries the ids of the withdrawals of its member and scope it saw when it was made
    (`extra["seen"]`). A grant dated after a withdrawal it did not see would make the consent
    current again; the withdrawal is repeated just after it, with an id derived from both."""
    given: list[dict[str, Any]] = []
    withdrawn: list[dict[str, Any]] = []
    seen: dict[str, set[str]] = {}
    for entry in events:
        if entry.kind != "consent_events" or entry.content is None:
            continue
        if entry.content.get("action") == "withdrawn":
            withdrawn.append(entry.content)
        else:
            given.append(entry.content)
            seen[entry.key] = set((entry.extra or {}).get("seen") or ())
    have = {event.get("id") for event in withdrawn}
    added: list[dict[str, Any]] = []
    for grant in given:
        for withdrawal in withdrawn:
            if not _readable_event(grant) or not _readable_event(withdrawal):
                continue  # left for the model's check, which refuses it with a sentence
            if (
                withdrawal.get("member_id") != grant.get("member_id")
                or withdrawal.get("scope") != grant.get("scope")
                or withdrawal.get("id") in seen.get(str(grant.get("id")), set())
                or _moment(grant.get("on")) < _moment(withdrawal.get("on"))
                or withdrawal.get("recorded_by") == ADDED_BY
            ):
                continue
            new_id = str(uuid.uuid5(DERIVED, f"withdrawal:{withdrawal['id']}:{grant['id']}"))
            if new_id in have:
                continue
            have.add(new_id)
            added.append(
                {
                    **withdrawal,
                    "id": new_id,
                    "on": _just_after(grant.get("on")),
                    "created_at": _just_after(grant.get("created_at")),
                    "recorded_by": ADDED_BY,
                }
            )
    return added


ADDED_BY = "exchange"
"""Who a withdrawal added by the merge says recorded it."""


def _moment(value: object) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


def _just_after(value: object) -> str:
    """A moment one microsecond later, so the added withdrawal is the latest event."""
    return (_moment(value) + dt.timedelta(microseconds=1)).isoformat()


def _readable_event(event: dict[str, Any]) -> bool:
    try:
        _moment(event.get("on"))
        _moment(event.get("created_at"))
    except (TypeError, ValueError):
        return False
    return isinstance(event.get("id"), str)
