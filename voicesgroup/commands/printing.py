"""`voicesgroup print …`: every handout as a file (PDF, or plain text or HTML to read aloud)
or straight to a printer (`--printer NAME|default`); `voicesgroup printers` lists them.

Each command builds a `printing.PrintRequest`, lets `printing.make` do the work, writes the
file through `outputs.write_output` (or hands the bytes to the printer, writing nothing) and
audits only once it is on disk or the printer has taken it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from voicesgroup.cli import (
    CommandError,
    Handler,
    Parser,
    add_command,
    db_path,
    force_option,
    json_option,
    open_store,
    whole_number,
)

if TYPE_CHECKING:
    from voicesgroup.printing import HandoutKind, Option, Output, Printed, PrintRequest
    from voicesgroup.store import Store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = add_command(
        commands, "printers", cmd_printers, "list the printers handouts can go to"
    )
    json_option(listing)
    printer = add_command(
        commands, "print", _needs_kind, "print a handout to a printer, or to a file"
    )
    # cast, not isinstance: run as `python -m voicesgroup.cli`, the class is __main__'s own
    cast(Parser, printer).when_used = add_kinds


def add_kinds(printer: argparse.ArgumentParser) -> None:
    """`voicesgroup print KIND` for every kind of printout in `printing.KINDS`, with the
    options every printout has and its own. Added when `print` is used, so that starting
    the app never reads the registry."""
    kinds = printer.add_subparsers(title="handouts", metavar="HANDOUT")

    def kind(handout: HandoutKind) -> argparse.ArgumentParser:
        name, help_text = handout.key, handout.help
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
            choices=list(handout.outputs),
            help="pdf to print; txt or html for a screen reader"
            + ("; csv, tidy rows for a spreadsheet" if "csv" in handout.outputs else "")
            + f" (default: what --out ends in, else {handout.outputs[0]})",
        )
        force_option(parser)
        parser.add_argument(
            "--printer",
            metavar="NAME",
            help="send it to this printer instead of a file; 'default' for the printer used "
            "last (else the system's default); nothing is written to disk",
        )
        parser.add_argument(
            "--copies",
            type=whole_number,
            default=1,
            metavar="N",
            help="copies to print (default: 1)",
        )
        parser.add_argument(
            "--not-a-name",
            action="append",
            metavar="WORD",
            default=[],
            help="WORD on this handout, which was refused as a member's name, is the everyday "
            "word (remembered for that text)",
        )
        without_symbols_option(parser)
        parser.set_defaults(handler=_handler(name))
        return parser

    from voicesgroup.printing import KINDS

    for handout in KINDS.values():
        kind_options(kind(handout), handout.options)


def without_symbols_option(parser: argparse.ArgumentParser) -> None:
    """--without-symbols, for every command that makes a printout."""
    parser.add_argument(
        "--without-symbols",
        action="store_true",
        help="print without the characters no font here prints as typed (an emoji, letters "
        "that would print unjoined): each is named, and nothing else changes",
    )


def made_without_symbols(
    args: argparse.Namespace,
    store: Store,
    request: PrintRequest,
    make: Callable[[Store, PrintRequest], Printed],
) -> Printed:
    """`make(store, request)`; characters no font prints as typed stop it with their names,
    unless --without-symbols says to print without them (and `Printed.said` names them)."""
    from dataclasses import replace

    from voicesgroup.errors import CannotPrintCharacters, followed

    try:
        return make(store, request)
    except CannotPrintCharacters as error:
        if not args.without_symbols:
            them = "it" if len(error.characters) == 1 else "them"
            raise CommandError(
                followed(error, f"To leave {them} out, add --without-symbols.")
            ) from None
        return make(store, replace(request, leave_out=error.characters))


def kind_options(parser: argparse.ArgumentParser, options: Iterable[Option]) -> None:
    """A kind's own options (`printing.HandoutKind.options`), each filling one field."""
    apart: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for option in options:
        target: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup = parser
        if option.apart:
            if option.apart not in apart:
                apart[option.apart] = parser.add_mutually_exclusive_group()
            target = apart[option.apart]
        extra: dict[str, Any] = {"dest": option.field, "help": option.help or None}
        if option.switch:
            target.add_argument(option.flag, action="store_true", **extra)
            continue
        if option.required:
            extra["required"] = True
        if option.choices:
            extra["choices"] = list(option.choices)
        if option.default is not None:
            extra["default"] = option.default
        if option.metavar:
            extra["metavar"] = option.metavar
        if option.parse is not None:
            extra["type"] = _typed(option.parse)
        target.add_argument(option.flag, action="append" if option.repeat else "store", **extra)


def _typed(parse: Callable[[str], object]) -> Callable[[str], object]:
    """`parse` as argparse's `type`: its sentence is the usage error's."""

    def typed(text: str) -> object:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return typed


def _needs_kind(args: argparse.Namespace) -> int:
    from voicesgroup.printing import KINDS

    keys = list(KINDS)
    raise CommandError(f"say which handout: {', '.join(keys[:-1])} or {keys[-1]}")


def _handler(key: str) -> Handler:
    """The command for one kind: its options read into its request, then `_print`."""

    def handle(args: argparse.Namespace) -> int:
        return _print_kind(args, key)

    return handle


def _request(args: argparse.Namespace, key: str, store: Store | None) -> PrintRequest:
    from voicesgroup.printing import request_from

    return request_from(key, vars(args), store, paper=args.paper, output=_output(args, key))


def _output(args: argparse.Namespace, key: str) -> Output:
    """The format asked for: --format, else what the file's name ends in, else the kind's
    first (PDF); a name and a format that disagree are refused before anything is made."""
    from voicesgroup.printing import KINDS
    from voicesgroup.report_files import format_for

    first = KINDS[key].outputs[0]
    if not args.out or args.printer is not None:
        return args.format or first
    return format_for(Path(args.out), args.format, default=first)


def _print_kind(args: argparse.Namespace, key: str) -> int:
    """Make one kind of printout as the options say, through `_print` (made, written, then
    noted in the audit log), blank ones too. Only a blank one written to a file where there
    is no data file yet is made without one: there is no audit log to note it in."""
    from voicesgroup.errors import OutputRefused
    from voicesgroup.outputs import write_output
    from voicesgroup.printing import KINDS, make_blank

    blank_without_data = KINDS[key].blank and not db_path(args).exists()
    if not blank_without_data or args.out is None or args.printer is not None:
        return _print(args, lambda store: _request(args, key, store))
    printed = make_blank(_request(args, key, None))
    try:
        path = write_output(args.out, printed.data, data_file=db_path(args), force=args.force)
    except OutputRefused as error:
        raise CommandError(str(error)) from None
    print(f"Wrote {path}")
    return 0


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
    """The handout, asking nothing: a word that may be a name needs --not-a-name, support
    contacts nobody checked stop it with one instruction, and characters no font prints as
    typed need --without-symbols."""
    from voicesgroup.printing import prepare

    prepare(store, request)  # once what could refuse before any work has passed
    return made_without_symbols(
        args, store, request, lambda store, request: _make_once(args, store, request)
    )


def _make_once(args: argparse.Namespace, store: Store, request: PrintRequest) -> Printed:
    from voicesgroup.errors import NameToConfirm, UncheckedContacts, followed
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
                followed(
                    error, f"If it is the word, run again with --not-a-name for each: {found}."
                )
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
