"""`voicesgroup report`: the coordinator's evaluation of a period, as a PDF or a tidy CSV."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from voicesgroup import dates
from voicesgroup.cli import add_command, open_store

DESCRIPTION = (
    "What the groups did over a period (sessions, attendance, newcomers, volunteer hours, themes, "
    "what helped), for trustees and funders. Counts of people from 1 to 4 are shown as "
    "'fewer than 5' (the threshold is a setting), and no member's name is in it."
)


def register(commands: argparse._SubParsersAction) -> None:
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
    out.add_argument("--out", metavar="FILE.pdf", help="write the report as a PDF")
    out.add_argument(
        "--csv", metavar="FILE.csv", help="write tidy CSV: one row per group, month and measure"
    )
    parser.add_argument(
        "--compare-previous-year",
        action="store_true",
        help="put the same period a year before side by side",
    )
    parser.add_argument("--large-print", action="store_true", help="PDF text 16 pt or more")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")


def _day(text: str) -> dt.date:
    return dates.read_day(text, error=argparse.ArgumentTypeError)


def cmd_report(args: argparse.Namespace) -> int:
    from voicesgroup.evaluation import Period, report
    from voicesgroup.report_files import write_report

    period = Period(args.start, args.end)
    fmt = "csv" if args.csv else "pdf"
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
            Path(args.csv or args.out),
            fmt,
            large_print=args.large_print,
            force=args.force,
        )
    print(f"Wrote {path}")
    return 0
