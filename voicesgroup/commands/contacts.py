"""`voicesgroup contacts`: the support contacts printed on sheets, and marking them checked.

A sheet never prints a contact nobody has checked; this is the command line's way to say a
facilitator rang or looked up each one (the app's is Support contacts, c in the library).
"""

from __future__ import annotations

import argparse
import json

from voicesgroup import dates
from voicesgroup.cli import CommandError, add_command, json_option, open_store, print_table


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contacts = add_command(
        commands, "contacts", cmd_contacts, "list the support contacts printed on sheets"
    )
    json_option(contacts)
    actions = contacts.add_subparsers(title="actions", metavar="ACTION")
    check = add_command(
        actions,
        "check",
        cmd_contacts_check,
        "mark support contacts as checked today, once you have rung or looked up each one: "
        "a member must be able to trust every number on a sheet",
    )
    which = check.add_mutually_exclusive_group(required=True)
    which.add_argument("name", nargs="?", metavar="NAME", help="the contact's name")
    which.add_argument("--all", action="store_true", help="every support contact")
    check.add_argument("--yes", action="store_true", help="confirm each one has been checked")


def cmd_contacts(args: argparse.Namespace) -> int:
    with open_store(args, readonly=True) as store:
        contacts = store.support_contacts()
    rows: list[dict[str, object]] = [
        {
            "name": contact.name,
            "how": contact.how,
            "when": contact.when,
            "last checked": contact.last_checked.isoformat() if contact.last_checked else None,
        }
        for contact in contacts
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print_table(
        [
            {
                "name": row["name"],
                "how": row["how"],
                "last checked": dates.date(contact.last_checked)
                if contact.last_checked
                else "not yet",
            }
            for row, contact in zip(rows, contacts, strict=True)
        ]
    )
    return 0


def cmd_contacts_check(args: argparse.Namespace) -> int:
    import datetime as dt

    from voicesgroup.library import mark_checked

    with open_store(args) as store:
        contacts = store.support_contacts()
        if not args.all:
            wanted = args.name.strip().casefold()
            contacts = [c for c in contacts if c.name.casefold() == wanted] or [
                c for c in contacts if wanted in c.name.casefold()
            ]
            if not contacts:
                raise CommandError(
                    f"no support contact is called {args.name!r} (voicesgroup contacts lists them)"
                )
            if len(contacts) > 1:
                names = ", ".join(contact.name for contact in contacts)
                raise CommandError(
                    f"Several support contacts match {args.name!r}: {names}; give the full name"
                )
        names = ", ".join(contact.name for contact in contacts)
        if not contacts:
            print("There are no support contacts yet.")
            return 0
        if not args.yes:
            raise CommandError(
                f"ring or look up each of these first: {names}; then add --yes to mark them "
                "checked today"
            )
        today = dt.date.today()
        mark_checked(store, contacts, today)
    print(f"Marked checked today, {dates.date(today)}: {names}.")
    return 0
