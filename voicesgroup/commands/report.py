"""`voicesgroup report`: the coordinator's evaluation of a period, as a PDF or a tidy CSV."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from voicesgroup import dates
from voicesgroup.cli import add_command, force_option, open_store

DESCRIPTION = (
    "What the groups did over a period (sessions, attendance, newcomers, volunteer hours, themes, "
    "what helped), for trustees and funders. Counts of people are rounded to the nearest 5 and "
    "those from 0 to 7 shown as 'fewer than 8' (the threshold is a setting), the same way in "
    "every report; no member's name is in it."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(commands, "report", cmd_report, "the evaluation of a period, PDF or CSV")
    parser.description = DESCRIPTION
    parser.add_argument("--group", metavar="NAME", help="one group (default: all groups)")
    parser.add_argument(
        "--from",
        dest="start",
        required=True,
        type=_day,
        metavar="DATE",
        help="first day, YYYY-MM-DD",
    )
    parser.add_argument(
        "--to", dest="end", required=True, type=_day, metavar="DATE", help="last day, YYYY-MM-DD"
    )
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
    parser.add_argument(
        "--compare-previous-year",
        action="store_true",
        help="put the same period a year before side by side",
    )
    parser.add_argument("--large-print", action="store_true", help="PDF text 16 pt or more")
    force_option(parser)


def _day(text: str) -> dt.date:
    return dates.read_day(text, error=argparse.ArgumentTypeError)


def cmd_report(args: argparse.Namespace) -> int:
    from voicesgroup.evaluation import Period, report
    from voicesgroup.report_files import format_for, write_report

    period = Period(args.start, args.end)
    out = Path(args.csv or args.out)
    fmt = format_for(out, "csv" if args.csv else args.format)
    with open_store(args) as store:
        group = store.find_group(args.group) if args.group else None
        made = report(
            store,
            period,
            group_id=group.id if group else None,
            compare_previous_year=args.compare_previous_year,
        )
        path = write_report(
            store,
            made,
            out,
            fmt,
            large_print=args.large_print,
            force=args.force,
            paper=args.paper,
        )
    print(f"Wrote {path}")
    return 0
