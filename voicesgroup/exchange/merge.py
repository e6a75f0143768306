"""The merge rules, pure: each shared part by its kind and key, the latest stamp wins.

The exceptions, each here once:

- forgetting wins over everything: a part about a member whose tombstone is known is never
  taken in (`applying` filters them before the merge, and runs the local forgetting);
- consent events are never deleted by a merge (append-only), and a withdrawal wins over any
  grant that did not see it (`unseen_withdrawals`: a withdrawal is added after such a grant);
- a note's or a strategy's text is never merged field by field: when the winner was not made
  from the losing version (its `base` is older than the loser), the losing version is kept
  as a visible conflict (`conflict_copies`), never dropped;
- the rota's slot for a group and date is one record (its key is the slot, `sharing`);
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
import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple

from voicesgroup.exchange.clock import Stamp
from voicesgroup.exchange.sharing import TEXT_FIELDS, content_hash

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

    @property
    def lacking(self) -> bool:
        """Made by a laptop that did not hold this part (see the module)."""
        return self.extra is not None and self.extra.get("lacking") is True

    def order(self) -> tuple[bool, Stamp, str]:
        # Two versions with one stamp come from one laptop and are the same; the hash only
        # makes the order total should a damaged outbox say otherwise.
        return (
            not self.lacking,
            self.stamp,
            content_hash(self.content) if self.content is not None else "",
        )


def later(first: Entry, second: Entry) -> Entry:
    """The version that wins: the latest stamp."""
    return first if first.order() >= second.order() else second


def merge(versions: Iterable[Entry]) -> dict[tuple[str, str], Entry]:
    """The winning version of each part among `versions` (any order, any repetition)."""
    winners: dict[tuple[str, str], Entry] = {}
    for entry in versions:
        if entry.kind == "consent_events" and entry.content is None:
            continue  # append-only: a consent event is removed only by forgetting
        slot = (entry.kind, entry.key)
        held = winners.get(slot)
        winners[slot] = entry if held is None else later(held, entry)
    return winners


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
        if not concurrent(winner, entry):
            continue
        copy_id = str(uuid.uuid5(DERIVED, f"{entry.kind}:{entry.key}:{list(entry.stamp)}"))
        content = {**entry.content, "id": copy_id}
        if entry.kind == "strategies":
            content["archived"] = True
            content["starter_key"] = None
        copies[copy_id] = Entry(entry.kind, copy_id, entry.stamp, None, content, {"of": entry.key})
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
        found[(entry.key, entry.stamp)] = entry
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
