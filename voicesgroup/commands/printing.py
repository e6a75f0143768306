"""`voicesgroup print …`: every handout as a PDF file."""

from __future__ import annotations

import argparse
from pathlib import Path
from uuid import UUID

from voicesgroup.cli import CommandError, add_command, open_store


def register(commands: argparse._SubParsersAction) -> None:
    printer = add_command(commands, "print", _needs_kind, "print a handout to a PDF file")
    kinds = printer.add_subparsers(title="handouts", metavar="HANDOUT")

    def kind(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        parser = kinds.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
        parser.add_argument("--paper", choices=["a4", "letter"], default="a4")
        parser.set_defaults(handler=handler)
        return parser

    strategies = kind("strategies", cmd_strategies, "a coping strategies sheet to take home")
    strategies.add_argument("--group", required=True, help="the group's name")
    chosen = strategies.add_mutually_exclusive_group()
    chosen.add_argument("--favourites", action="store_true", help="the group's most helpful")
    chosen.add_argument("--strategy", action="append", metavar="ID", help="a strategy's id")
    strategies.add_argument("--large-print", action="store_true", help="body text 16 pt or more")
    strategies.add_argument(
        "--discreet", action="store_true", help='no "voices", "paranoia" or group name on it'
    )

    agreement = kind("agreement", cmd_agreement, "the group agreement")
    agreement.add_argument("--group", required=True)
    agreement.add_argument("--large-print", action="store_true")

    diary = kind("diary", cmd_diary, "a blank experience diary")
    diary.add_argument("--variant", choices=["voices", "beliefs"], required=True)
    diary.add_argument("--large-print", action="store_true")

    plan = kind("session-plan", cmd_session_plan, "the group's session plan, for facilitators")
    plan.add_argument("--group", required=True)

    rota = kind("rota", cmd_rota, "the facilitator rota as an A4 landscape table")
    rota.add_argument("--group", help="one group (default: all)")

    record = kind("member-record", cmd_member_record, "everything held about one member, for them")
    record.add_argument("--member", required=True, help="the member's name, or id if two share it")
    record.add_argument("--large-print", action="store_true")


def _needs_kind(args: argparse.Namespace) -> int:
    raise CommandError(
        "say which handout: strategies, agreement, diary, session-plan, rota or member-record"
    )


def _write(out: str, pdf: bytes) -> int:
    from voicesgroup.handouts import write_pdf

    path = write_pdf(Path(out).expanduser(), pdf)
    print(f"Wrote {path}")
    return 0


def _strategy_ids(raw: list[str] | None) -> list[UUID]:
    ids = []
    for text in raw or []:
        try:
            ids.append(UUID(text))
        except ValueError:
            raise CommandError(f"{text!r} is not a strategy id (see the library screen)") from None
    return ids


def cmd_strategies(args: argparse.Namespace) -> int:
    from voicesgroup.printing import strategies_pdf

    with open_store(args) as store:
        pdf = strategies_pdf(
            store,
            store.find_group(args.group),
            strategy_ids=_strategy_ids(args.strategy),
            large_print=args.large_print,
            discreet=args.discreet,
            paper=args.paper,
        )
    return _write(args.out, pdf)


def cmd_agreement(args: argparse.Namespace) -> int:
    from voicesgroup.printing import agreement_pdf

    with open_store(args) as store:
        pdf = agreement_pdf(
            store, store.find_group(args.group), large_print=args.large_print, paper=args.paper
        )
    return _write(args.out, pdf)


def cmd_diary(args: argparse.Namespace) -> int:
    from voicesgroup.printing import diary_pdf

    return _write(args.out, diary_pdf(args.variant, large_print=args.large_print, paper=args.paper))


def cmd_session_plan(args: argparse.Namespace) -> int:
    from voicesgroup.printing import session_plan_pdf

    with open_store(args) as store:
        pdf = session_plan_pdf(store, store.find_group(args.group), paper=args.paper)
    return _write(args.out, pdf)


def cmd_rota(args: argparse.Namespace) -> int:
    from voicesgroup.printing import rota_pdf

    with open_store(args) as store:
        group = store.find_group(args.group) if args.group else None
        pdf = rota_pdf(store, group, paper=args.paper)
    return _write(args.out, pdf)


def cmd_member_record(args: argparse.Namespace) -> int:
    from voicesgroup.printing import member_record_pdf

    with open_store(args) as store:
        member = store.find_member(args.member)
        pdf = member_record_pdf(store, member, large_print=args.large_print, paper=args.paper)
    return _write(args.out, pdf)
