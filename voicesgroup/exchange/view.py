"""The exchange's status in words, for a screen: this laptop, each other laptop, forgetting
acknowledged, conflicts waiting. Read from `service.status`, so the screen and
`voicesgroup exchange status` say the same things."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voicesgroup import dates
from voicesgroup.counting import counted
from voicesgroup.exchange import state
from voicesgroup.exchange.status import clock_ahead

if TYPE_CHECKING:
    from voicesgroup.exchange import service
    from voicesgroup.store import Store

NOT_SET_UP = (
    "Sharing lets this laptop and the organisation's other laptops swap encrypted files "
    "through one shared folder (Syncthing, a Nextcloud folder or a USB stick): rotas, "
    "facilitators, the library and the figures travel, and members, consent and notes stay "
    "on their group's laptops. To set it up, quit and run this once, with a passphrase the "
    "organisation chooses:"
)
SETUP_COMMAND = "voicesgroup exchange setup --folder PATH (--coordinator | --group NAME)"

KIND_WORDS: dict[str, tuple[str, str]] = {
    "groups": ("group", "groups"),
    "members": ("member", "members"),
    "facilitators": ("facilitator", "facilitators"),
    "consent_events": ("consent record", "consent records"),
    "sessions": ("session", "sessions"),
    "notes": ("note", "notes"),
    "contact_details": ("contact detail", "contact details"),
    "strategies": ("strategy", "strategies"),
    "rota": ("rota place", "rota places"),
    "support_contacts": ("support contact", "support contacts"),
    "facilitator_paths": ("training path", "training paths"),
    "supervision": ("supervision meeting", "supervision meetings"),
    "follow_ups": ("follow-up", "follow-ups"),
    "settings": ("setting", "settings"),
}
"""What came in, by kind, in words ("3 notes")."""


def kinds_in_words(counts: dict[str, int]) -> str:
    """'3 notes, 1 session' (nothing: 'nothing')."""
    said = []
    for kind, count in sorted(counts.items()):
        one, many = KIND_WORDS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
        said.append(counted(int(count), one, many))
    return ", ".join(said) or "nothing"


def _when(iso: object) -> str:
    if not isinstance(iso, str):
        return "never"
    return dates.day_and_clock(dt.datetime.fromisoformat(iso))


def _acknowledged(known: int, forgettings: int) -> str:
    if not forgettings:
        return ""
    return "all" if known >= forgettings else f"{known} of {forgettings}"


def role_words(role: object, groups: list[str]) -> str:
    if role == state.COORDINATOR:
        return "the coordinator's laptop"
    return "a laptop of " + (", ".join(groups) or "no group yet")


@dataclass(frozen=True)
class Laptop:
    short_id: str
    role: str
    last_seen: str
    forgetting: str
    """How many of the organisation's forgettings its outbox acknowledges ("all", "1 of 2";
    "" when nobody was forgotten)."""


@dataclass(frozen=True)
class StatusView:
    set_up: bool
    coordinator: bool = False
    here: str = ""
    """This laptop, its folder and its last exchange, in two sentences."""
    came_in: str = ""
    problems: tuple[str, ...] = ()
    laptops: tuple[Laptop, ...] = ()
    forgetting: str = ""
    """'Forgetting acknowledged by N of M laptops.' ('' when nobody was forgotten)."""


def is_set_up(store: Store) -> bool:
    return state.read(store.storage.read()) is not None


def role_of(store: Store) -> str | None:
    """This laptop's role in the exchange (`state.COORDINATOR`, "group") or None; quick, and
    imports nothing more (Home asks before its first paint)."""
    return state.role(store.storage.read())


def is_coordinator(store: Store) -> bool:
    return role_of(store) == state.COORDINATOR


def kept_on_group_laptops(store: Store, table: str, field: str | None = None) -> bool:
    """Whether this laptop holds no copy of such a record to write: the coordinator's, for a
    record that stays on its group's laptops (`sharing.kept_on_group_laptops`, the one rule)."""
    from voicesgroup.exchange import sharing

    return is_coordinator(store) and sharing.kept_on_group_laptops(table, field)


def status_view(store: Store) -> StatusView:
    """The status in words; `set_up` False (and nothing else) when not set up."""
    from voicesgroup.exchange import service

    if not is_set_up(store):
        return StatusView(set_up=False)
    found: dict[str, Any] = service.status(store)
    here = found["this_laptop"]
    forgettings = int(found["forgettings"])
    laptops = tuple(
        Laptop(
            short_id=str(item["replica"])[:6],
            role=role_words(item["role"], list(item["groups"]))
            + (" (left the exchange)" if item.get("left") else ""),
            last_seen=_when(item["last_outbox"]),
            # a laptop that left is not counted (`status`)
            forgetting=""
            if item.get("left")
            else _acknowledged(int(item["forgettings_known"]), forgettings),
        )
        for item in found["laptops"]
    )
    ack = found["forgetting_acknowledged"]
    return StatusView(
        set_up=True,
        coordinator=here["role"] == state.COORDINATOR,
        here=(
            f"This is {role_words(here['role'], list(here['groups']))}. "
            f"Exchange folder: {here['folder']}; last exchange: {_when(here['last_exchange'])}."
        ),
        came_in=f"Came in last time: {kinds_in_words(here['came_in_last_time'])}.",
        problems=tuple(
            dict.fromkeys(
                [
                    *(str(unread["said"]) for unread in found["unread_outboxes"]),
                    *clock_ahead(found["laptops"]),
                    *(str(problem) for problem in here["problems_last_time"]),
                ]
            )
        ),
        laptops=laptops,
        forgetting=(
            f"Forgetting acknowledged by {ack['by']} of {ack['of']} laptops."
            if found["forgettings"]
            else ""
        ),
    )


SHARING_SCREEN = "Sharing (x)"
STATUS_COMMAND = "`voicesgroup exchange status`"


def still_unread_words(count: int, where: str) -> str:
    """The one sentence for outboxes that still cannot be read, each told before: `where`
    says which (the Sharing screen, or the status command)."""
    return (
        f"The exchange folder still holds {counted(count, 'outbox', 'outboxes')} that cannot "
        f"be read, as told before: {where} says which, and what to do."
    )


def summary_words(summary: service.Summary, *, problems: bool = True) -> str:
    """One quiet line after an exchange: what came in, what waits, what could not be read.
    Without `problems`, for the Sharing screen, which lists every one itself."""
    came = sum(summary.came_in.values())
    line = (
        f"Exchanged with {counted(summary.laptops, 'laptop')}: "
        + (kinds_in_words(summary.came_in) if came else "nothing new")
        + " came in"
        if summary.laptops
        else "Exchanged: no other laptop's outbox was new"
    )
    if summary.conflicts:
        line += f"; {counted(summary.conflicts, 'conflict')} to settle"
    if summary.forgotten:
        line += f"; {counted(summary.forgotten, 'member')} forgotten here"
    line += "."
    if not problems:
        return line
    if summary.problems:
        line += " " + summary.problems[0]
        if len(summary.problems) > 1:
            line += f" (and {counted(len(summary.problems) - 1, 'more problem')})"
    if summary.still_unread:
        line += " " + still_unread_words(len(summary.still_unread), SHARING_SCREEN)
    return line
