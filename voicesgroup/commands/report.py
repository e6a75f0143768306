"""`voicesgroup report`: the coordinator's evaluation of a period, as a PDF or a tidy CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from voicesgroup import protection
from voicesgroup.cli import Parser, add_command, force_option, open_store

DESCRIPTION = (
    "What the groups did over a period (sessions, attendance, newcomers, volunteer hours, themes, "
    "what helped), for trustees and funders. Each count of people is "
    f"{protection.hidden_words(protection.DEFAULT_THRESHOLD)} unless Settings say another "
    "number, the same way in every report; no member's name is in it."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(commands, "report", cmd_report, "the evaluation of a period, PDF or CSV")
    parser.description = DESCRIPTION
    out = parser.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--out",
        metavar="FILE",
        help="write the report; the format follows the name (.pdf, .csv tidy rows, .txt, .html)",
    )
    out.add_argument(
        "--csv", metavar="FILE.csv", help="write tidy CSV: one row per group, month and measure"
    )
    parser.add_argument(
        "--format",
        choices=["pdf", "csv", "txt", "html"],
        help="the format, when the file name does not say",
    )
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF paper size")
    force_option(parser)
    from voicesgroup.commands.printing import without_symbols_option

    without_symbols_option(parser)
    # cast, not isinstance: run as `python -m voicesgroup.cli`, the class is __main__'s own
    cast(Parser, parser).when_used = _report_options


def _report_options(parser: argparse.ArgumentParser) -> None:
    """The report's own options (the period, a group, the year before, large print), as the
    registry gives them to `voicesgroup print report` too."""
    from voicesgroup.commands.printing import kind_options
    from voicesgroup.printing import KINDS

    kind_options(parser, KINDS["report"].options)


def cmd_report(args: argparse.Namespace) -> int:
    """The report, made by the one route every printout takes (`printing.KINDS["report"]`)."""
    from voicesgroup.commands.printing import made_without_symbols
    from voicesgroup.evaluation import Period
    from voicesgroup.outputs import check_audited_output, write_output
    from voicesgroup.printing import make, record_printed, request_from
    from voicesgroup.report_files import format_for

    Period(args.since, args.until)  # a period that cannot be is refused before anything opens
    out = Path(args.csv or args.out)
    fmt = format_for(out, "csv" if args.csv else args.format)
    with open_store(args) as store:
        request = request_from("report", vars(args), store, paper=args.paper, output=fmt)
        check_audited_output(out, store, force=args.force)  # before the work, as for any file
        printed = made_without_symbols(args, store, request, make)
        path = write_output(out, printed.data, data_file=store.path, force=args.force)
        record_printed(store, printed)
    for sentence in printed.said:
        print(sentence, file=sys.stderr)
    print(f"Wrote {path}")
    return 0
