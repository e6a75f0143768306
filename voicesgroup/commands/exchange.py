"""Sharing between laptops from the command line: set-up, one exchange, status, leaving."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voicesgroup.cli import (
    CommandError,
    add_command,
    json_option,
    open_store,
    secret_from_file,
)
from voicesgroup.counting import counted

PASSPHRASE_FILE_ENV = "VOICESGROUP_EXCHANGE_PASSPHRASE_FILE"
"""A file holding the organisation's exchange passphrase (for scripts)."""
GROUP_PASSPHRASE_FILE_ENV = "VOICESGROUP_EXCHANGE_GROUP_PASSPHRASE_FILE"
"""A file holding each held group's passphrase, one line each, in the order of --group."""

ONE_RECORD = {"notes": "note", "strategies": "strategy"}
"""One record of each table whose texts can be changed on two laptops at once, in words."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exchange = add_command(
        commands,
        "exchange",
        cmd_exchange,
        "exchange with the organisation's other laptops through the exchange folder, once",
    )
    json_option(exchange)
    actions = exchange.add_subparsers(title="actions", metavar="ACTION")

    setup = actions.add_parser("setup", help="join this laptop to an exchange folder")
    setup.add_argument("--folder", required=True, metavar="PATH", help="the shared folder")
    role = setup.add_mutually_exclusive_group(required=True)
    role.add_argument("--coordinator", action="store_true", help="the coordinator's laptop")
    role.add_argument(
        "--group", action="append", metavar="NAME", help="a group this laptop holds (repeat)"
    )
    setup.add_argument(
        "--yes", action="store_true", help="make a new exchange without asking, if none is there"
    )
    setup.set_defaults(handler=cmd_setup)

    status = actions.add_parser("status", help="each laptop, conflicts, forgetting acknowledged")
    json_option(status)
    status.set_defaults(handler=cmd_status)

    leave = actions.add_parser("leave", help="stop exchanging (the data here stays)")
    leave.set_defaults(handler=cmd_leave)

    forget = actions.add_parser(
        "forget-laptop",
        help="stop counting a laptop lost or replaced without `exchange leave`",
    )
    forget.add_argument("laptop", metavar="ID", help="the start of its id, as status shows it")
    forget.add_argument("--yes", action="store_true", help="do it without asking")
    forget.set_defaults(handler=cmd_forget_laptop)


def _secret_lines(env: str) -> list[str] | None:
    text = secret_from_file(env, "nothing was changed")
    return None if text is None else [line.rstrip("\r") for line in text.splitlines() if line]


def _ask(prompt: str, env: str) -> str:
    import getpass

    if not sys.stdin.isatty():
        raise CommandError(f"run this in a terminal, or name a file holding it in {env}")
    return getpass.getpass(prompt)


def cmd_setup(args: argparse.Namespace) -> int:
    from voicesgroup.exchange import outbox, service

    folder = Path(args.folder).expanduser()
    new = not (folder / outbox.SETUP_FILE).exists()
    if new and not args.yes and not sys.stdin.isatty():
        raise CommandError(
            f"there is no exchange in {folder} yet; add --yes to set up a new one there"
        )
    lines = _secret_lines(PASSPHRASE_FILE_ENV)
    if lines is not None:
        passphrase = lines[0]
    else:
        passphrase = _ask("The organisation's exchange passphrase: ", PASSPHRASE_FILE_ENV)
        if new and passphrase != _ask("Once more, to be sure: ", PASSPHRASE_FILE_ENV):
            raise CommandError("the passphrase was not typed the same twice; nothing was changed")
    groups: dict[str, str] = {}
    if args.group:
        given = _secret_lines(GROUP_PASSPHRASE_FILE_ENV)
        if given is not None and len(given) < len(args.group):
            raise CommandError(
                f"{GROUP_PASSPHRASE_FILE_ENV} holds {counted(len(given), 'passphrase')} for "
                f"{counted(len(args.group), 'group')}; nothing was changed"
            )
        for i, name in enumerate(args.group):
            groups[name] = (
                given[i]
                if given is not None
                else _ask(f"The passphrase of the group {name}: ", GROUP_PASSPHRASE_FILE_ENV)
            )
            if not groups[name]:
                raise CommandError(f"the passphrase of {name} cannot be empty")
    with open_store(args) as store:
        said = service.setup(
            store,
            folder,
            passphrase=passphrase,
            group_passphrases=groups,
            coordinator=args.coordinator,
        )
    for sentence in said:
        print(sentence)
    print("Run `voicesgroup exchange` to exchange now.")
    return 0


def cmd_exchange(args: argparse.Namespace) -> int:
    from voicesgroup.exchange import service
    from voicesgroup.exchange.view import STATUS_COMMAND, still_unread_words

    with open_store(args) as store:
        summary = service.exchange(store)
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
    else:
        came_in = sum(summary.came_in.values())
        print(
            f"Read {counted(summary.laptops, 'outbox', 'outboxes')} from other laptops: "
            f"{counted(came_in, 'record')} came in"
            + (
                f", {counted(summary.conflicts, 'conflict')} to look at"
                if summary.conflicts
                else ""
            )
            + (
                f", {counted(summary.forgotten, 'member')} forgotten here"
                if summary.forgotten
                else ""
            )
            + f". This laptop's outbox: {summary.outbox}"
        )
        for problem in summary.problems:
            print(problem)
        if summary.still_unread:
            print(still_unread_words(len(summary.still_unread), STATUS_COMMAND))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from voicesgroup.exchange import service
    from voicesgroup.exchange.view import kinds_in_words

    with open_store(args, readonly=True) as store:
        found = service.status(store)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    here = found["this_laptop"]
    role = "the coordinator's laptop" if here["role"] == "coordinator" else "a group's laptop"
    print(f"This is {role}" + (f" for {', '.join(here['groups'])}" if here["groups"] else "") + ".")
    when = here["last_exchange"] or "never"
    print(f"Exchange folder: {here['folder']}; last exchange that read or sent anything: {when}.")
    if here["came_in_last_time"]:
        print(f"  came in last time: {kinds_in_words(here['came_in_last_time'])}")
    for unread in found["unread_outboxes"]:
        print(f"  {unread['said']}")
    for sentence in service.clock_ahead(found["laptops"]):
        print(f"  {sentence}")
    for problem in here["problems_last_time"]:
        print(f"  {problem}")
    for laptop in found["laptops"]:
        who = "coordinator" if laptop["role"] == "coordinator" else ", ".join(laptop["groups"])
        print(
            f"Laptop {laptop['replica'][:6]} ({who}): "
            + ("left the exchange; " if laptop.get("left") else "")
            + f"last outbox {laptop['last_outbox']}, "
            f"last seen here {laptop['last_seen'] or 'never'}."
        )
        if laptop["came_in_last_time"]:
            print(
                f"  its changes that came in here on {laptop['came_in_when']}: "
                f"{kinds_in_words(laptop['came_in_last_time'])}"
            )
    for conflict in found["conflicts"]:
        if conflict["table"] == "rota":
            kept = " and ".join(name for name in conflict["kept"] if name) or "nobody"
            other = " and ".join(name for name in conflict["other"] if name) or "nobody"
            print(
                f"The rota for {conflict['group']} on {conflict['date']} was planned "
                f"differently on two laptops: {kept} kept; the other plan had {other}."
            )
            continue
        print(
            f"Conflict: a {ONE_RECORD.get(conflict['table'], 'record')} was changed on two "
            "laptops at once; "
            f"the other version is kept as {conflict['other_version']}."
        )
    if found["forgettings"]:
        ack = found["forgetting_acknowledged"]
        print(f"Forgetting acknowledged by {ack['by']} of {ack['of']} laptops.")
    return 0


def cmd_leave(args: argparse.Namespace) -> int:
    from voicesgroup.exchange import service

    with open_store(args) as store:
        print(service.leave(store))
    return 0


def cmd_forget_laptop(args: argparse.Namespace) -> int:
    from voicesgroup.exchange import service

    with open_store(args) as store:
        if not args.yes:
            described = service.laptop_described(store, args.laptop)
            if described is not None:  # else forget_laptop says why in one sentence
                if not sys.stdin.isatty():
                    raise CommandError(
                        f"forgetting the laptop {described} needs --yes when not asked in a "
                        "terminal; nothing was changed"
                    )
                answer = input(
                    f"Stop counting the laptop {described}? Its outbox leaves the folder. [y/N] "
                )
                if answer.strip().casefold() not in {"y", "yes"}:
                    print("Nothing was changed.")
                    return 0
        print(service.forget_laptop(store, args.laptop))
    return 0
