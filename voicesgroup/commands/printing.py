"""`voicesgroup print …`: every handout as a file (PDF, or plain text or HTML to read aloud).

Each command builds a `printing.PrintRequest`, lets `printing.make` do the work, writes the
file through `outputs.write_output` and audits only once it is on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    member_option,
    open_store,
)

if TYPE_CHECKING:
    from voicesgroup.printing import PrintRequest
    from voicesgroup.store import Store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    printer = add_command(commands, "print", _needs_kind, "print a handout to a file")
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
    """Make the handout from the store, write it, and only then audit it."""
    from voicesgroup.errors import NameToConfirm, UncheckedContacts
    from voicesgroup.normalise import fold
    from voicesgroup.outputs import check_output, write_output
    from voicesgroup.printing import default_path, make, record_printed, remember_words

    with open_store(args) as store:
        request = build(store)
        target = Path(args.out).expanduser() if args.out else default_path(store, request)
        check_output(target, store.path, force=args.force)  # before any work is done
        try:
            printed = make(store, request)
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
            printed = make(store, request)
        except UncheckedContacts as error:
            raise CommandError(
                f"{error} Check them in the app (Support contacts), or run again with "
                "--skip-unchecked to leave them off."
            ) from None
        path = write_output(target, printed.data, data_file=store.path, force=args.force)
        record_printed(store, printed)
    for sentence in printed.said:
        print(sentence, file=sys.stderr)
    print(f"Wrote {path}")
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
    if args.out is None:
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
