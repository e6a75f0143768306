"""`voicesgroup print …`: every handout as a file (PDF, or plain text or HTML to read aloud)
or straight to a printer (`--printer NAME|default`); `voicesgroup printers` lists them.

Each command builds a `printing.PrintRequest`, lets `printing.make` do the work, writes the
file through `outputs.write_output` (or hands the bytes to the printer, writing nothing) and
audits only once it is on disk or the printer has taken it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from voicesgroup import dates
from voicesgroup.cli import (
    CommandError,
    Handler,
    add_command,
    db_path,
    force_option,
    json_option,
    member_option,
    open_store,
)

if TYPE_CHECKING:
    from voicesgroup.printing import Printed, PrintRequest
    from voicesgroup.store import Store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = add_command(
        commands, "printers", cmd_printers, "list the printers handouts can go to"
    )
    json_option(listing)
    printer = add_command(
        commands, "print", _needs_kind, "print a handout to a printer, or to a file"
    )
    kinds = printer.add_subparsers(title="handouts", metavar="HANDOUT")

    def kind(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=help_text, description=help_text)
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="where to write it (default: the print folder chosen in the app, or your "
            "home folder, with a file name that gives nothing away)",
        )
        parser.add_argument("--paper", choices=["a4", "letter"], default="a4")
        parser.add_argument(
            "--format",
            choices=["pdf", "txt", "html"],
            default="pdf",
            help="pdf to print; txt or html for a screen reader (default: pdf)",
        )
        force_option(parser)
        parser.add_argument(
            "--printer",
            metavar="NAME",
            help="send it to this printer instead of a file; 'default' for the printer used "
            "last (else the system's default); nothing is written to disk",
        )
        parser.add_argument(
            "--copies", type=int, default=1, metavar="N", help="copies to print (default: 1)"
        )
        parser.add_argument(
            "--not-a-name",
            action="append",
            metavar="WORD",
            default=[],
            help="WORD on this handout, which was refused as a member's name, is the everyday "
            "word (remembered for that text)",
        )
        parser.set_defaults(handler=handler)
        return parser

    strategies = kind("strategies", cmd_strategies, "a coping strategies sheet to take home")
    strategies.add_argument("--group", required=True, help="the group's name")
    chosen = strategies.add_mutually_exclusive_group()
    chosen.add_argument(
        "--favourites", action="store_true", help="the ideas the group marked as helping most"
    )
    chosen.add_argument("--strategy", action="append", metavar="ID", help="a strategy's id")
    strategies.add_argument("--large-print", action="store_true", help="body text 16 pt or more")
    strategies.add_argument(
        "--discreet", action="store_true", help='no "voices", "paranoia" or group name on it'
    )
    strategies.add_argument(
        "--show-meeting",
        action="store_true",
        help="on a discreet sheet, print the day, time and venue too (left out otherwise)",
    )
    strategies.add_argument(
        "--skip-unchecked",
        action="store_true",
        help="leave off support contacts nobody has checked yet (otherwise printing stops)",
    )

    agreement = kind("agreement", cmd_agreement, "the group agreement")
    agreement.add_argument("--group", required=True)
    agreement.add_argument("--large-print", action="store_true")

    diary = kind("diary", cmd_diary, "a blank experience diary")
    diary.add_argument("--variant", choices=["voices", "beliefs"], default="voices")
    diary.add_argument("--large-print", action="store_true")
    diary.add_argument("--discreet", action="store_true", help="nothing says what it is for")

    plan = kind("session-plan", cmd_session_plan, "the group's session plan, for facilitators")
    plan.add_argument("--group", required=True)

    rota = kind("rota", cmd_rota, "the facilitator rota as a compact landscape table")
    rota.add_argument("--group", help="one group (default: all)")
    rota.add_argument(
        "--from", dest="since", metavar="YYYY-MM-DD", help="first date to print (default: today)"
    )
    rota.add_argument("--reasons", action="store_true", help="add why each pair was chosen")

    record = kind("member-record", cmd_member_record, "everything held about one member, for them")
    member_option(record)
    record.add_argument("--large-print", action="store_true")


def _needs_kind(args: argparse.Namespace) -> int:
    raise CommandError(
        "say which handout: strategies, agreement, diary, session-plan, rota or member-record"
    )


def _strategy_ids(raw: list[str] | None) -> tuple[UUID, ...]:
    ids = []
    for text in raw or []:
        try:
            ids.append(UUID(text))
        except ValueError:
            raise CommandError(f"{text!r} is not a strategy id (see the library screen)") from None
    return tuple(ids)


def _since(raw: str | None) -> dt.date | None:
    return dates.read_day(raw, "--from date", error=CommandError) if raw else None


def _print(args: argparse.Namespace, build: Callable[[Store], PrintRequest]) -> int:
    """Make the handout from the store, write it (or send it to the printer), and only
    then audit it."""
    from voicesgroup.outputs import check_audited_output, write_output
    from voicesgroup.printing import default_path, record_printed

    with open_store(args) as store:
        request = build(store)
        if args.printer is not None:
            return _to_printer(args, store, request)
        target = Path(args.out).expanduser() if args.out else default_path(store, request)
        check_audited_output(target, store, force=args.force)  # before any work is done
        printed = _make(args, store, request)
        path = write_output(target, printed.data, data_file=store.path, force=args.force)
        record_printed(store, printed)
    for sentence in printed.said:
        print(sentence, file=sys.stderr)
    print(f"Wrote {path}")
    return 0


def _make(args: argparse.Namespace, store: Store, request: PrintRequest) -> Printed:
    """The handout, asking nothing: a word that may be a name needs --not-a-name, and
    support contacts nobody checked stop it with one instruction."""
    from voicesgroup.errors import NameToConfirm, UncheckedContacts
    from voicesgroup.normalise import fold
    from voicesgroup.printing import make, remember_words

    try:
        return make(store, request)
    except NameToConfirm as error:  # a member's name too: any word refused may be a word
        words = {fold(word).strip() for word in args.not_a_name}
        if not error.matches:
            raise CommandError(str(error)) from None
        if not words or any(fold(m.found) not in words for _, m in error.matches):
            found = ", ".join(sorted({m.found for _, m in error.matches}))
            raise CommandError(
                f"{error} If it is the word, run again with --not-a-name for each: {found}."
            ) from None
        remember_words(store, error)
        return make(store, request)
    except UncheckedContacts as error:
        names = ", ".join(contact.name for contact in error.contacts)
        raise CommandError(
            f"Support contacts not checked yet: {names}. Check each one (ring it or look it "
            "up), then mark it: voicesgroup contacts check NAME --yes (or run again with "
            "--skip-unchecked to leave them off)."
        ) from None


def _to_printer(args: argparse.Namespace, store: Store, request: PrintRequest) -> int:
    """Send the handout to the printer asked for; nothing is written to disk."""
    from voicesgroup import printers
    from voicesgroup.outputs import refuse_unaudited
    from voicesgroup.printing import record_printed, to_printer

    if args.out:
        raise CommandError("give --printer or --out, not both: nothing was printed")
    if request.output != "pdf":
        raise CommandError("only a PDF goes to a printer: leave out --format")
    if not 1 <= args.copies <= 99:
        raise CommandError("--copies must be a number from 1 to 99")
    refuse_unaudited(store)  # before any work is done, as for a file
    name = args.printer
    if name == printers.DEFAULT:
        name = printers.chosen_printer(store) or printers.DEFAULT
    printer = printers.find_printer(name)  # before any work is done
    if printer.problem():
        raise printers.PrinterProblem(printer.problem())
    printed = _make(args, store, request)
    job = to_printer(printed, printer, copies=args.copies, just_checked=True)
    record_printed(store, printed)
    printers.remember_printer(store, printer.name)
    for sentence in printed.said:
        print(sentence, file=sys.stderr)
    copies = f", {job.copies} copies" if job.copies > 1 else ""
    print(f"Sent to {printer.label} (job {job.id}{copies}).")
    return 0


def cmd_printers(args: argparse.Namespace) -> int:
    """List the printers, the one handouts go to first marked."""
    from voicesgroup import printers
    from voicesgroup.cli import print_table

    found = printers.list_printers()
    chosen = ""
    if db_path(args).exists():  # which was used last is kept there; the list needs no file
        with open_store(args, readonly=True) as store:
            chosen = printers.chosen_printer(store)
    rows: list[dict[str, object]] = [
        {
            "name": printer.name,
            "description": printer.description,
            "system default": printer.is_default,
            "used last": printer.name == chosen,
            "state": printer.state,
        }
        for printer in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print("No printers yet: add one in the system's printer settings.")
    else:
        print_table(
            [
                {
                    "printer": row["name"],
                    "": ("default" if row["system default"] else "")
                    + (" (used last)" if row["used last"] else ""),
                    "state": row["state"],
                }
                for row in rows
            ]
        )
        print("Print to one with: voicesgroup print HANDOUT … --printer NAME (or default)")
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "paper": args.paper,
        "output": args.format,
        "large_print": getattr(args, "large_print", False),
    }


def cmd_strategies(args: argparse.Namespace) -> int:
    from voicesgroup.printing import PrintRequest

    return _print(
        args,
        lambda store: PrintRequest(
            "strategies",
            group=store.find_group(args.group),
            strategy_ids=_strategy_ids(args.strategy),
            favourites=args.favourites,
            discreet=args.discreet,
            show_meeting=args.show_meeting,
            skip_unchecked=args.skip_unchecked,
            **_options(args),
        ),
    )


def cmd_agreement(args: argparse.Namespace) -> int:
    from voicesgroup.printing import PrintRequest

    return _print(
        args,
        lambda store: PrintRequest(
            "agreement", group=store.find_group(args.group), **_options(args)
        ),
    )


def cmd_diary(args: argparse.Namespace) -> int:
    from voicesgroup.errors import OutputRefused
    from voicesgroup.outputs import write_output
    from voicesgroup.printing import PrintRequest, make_blank

    request = PrintRequest("diary", diary=args.variant, discreet=args.discreet, **_options(args))
    if args.out is None or args.printer is not None:
        # The settings are only needed for the default folder: open the store just for that.
        return _print(args, lambda store: request)
    printed = make_blank(request)
    try:
        path = write_output(args.out, printed.data, data_file=db_path(args), force=args.force)
    except OutputRefused as error:
        raise CommandError(str(error)) from None
    print(f"Wrote {path}")
    return 0


def cmd_session_plan(args: argparse.Namespace) -> int:
    from voicesgroup.printing import PrintRequest

    return _print(
        args,
        lambda store: PrintRequest(
            "session-plan", group=store.find_group(args.group), **_options(args)
        ),
    )


def cmd_rota(args: argparse.Namespace) -> int:
    from voicesgroup.printing import PrintRequest

    return _print(
        args,
        lambda store: PrintRequest(
            "rota",
            group=store.find_group(args.group) if args.group else None,
            since=_since(args.since),
            reasons=args.reasons,
            **_options(args),
        ),
    )


def cmd_member_record(args: argparse.Namespace) -> int:
    from voicesgroup.printing import PrintRequest

    return _print(
        args,
        lambda store: PrintRequest(
            "member-record", member=store.find_member(args.member), **_options(args)
        ),
    )
