"""`voicesgroup rota …`: plan the facilitator rota, show it, export it as a calendar.

The printed rota is `voicesgroup print rota`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from functools import partial

from voicesgroup.cli import (
    CommandError,
    add_command,
    force_option,
    json_option,
    open_store,
    print_table,
    whole_number,
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `rota generate`, `rota show`, `rota review` and `rota ics`."""
    rota = add_command(commands, "rota", _needs_action, "plan, show or export the facilitator rota")
    actions = rota.add_subparsers(title="actions", metavar="ACTION")

    action = partial(add_command, actions)

    generate = action(
        "generate",
        cmd_generate,
        "plan who leads and co-facilitates; replaces drafts in those weeks, keeps published",
    )
    which = generate.add_mutually_exclusive_group(required=True)
    which.add_argument("--group", metavar="NAME", help="one group, by name (or id)")
    which.add_argument("--all", action="store_true", help="every group together")
    generate.add_argument(
        "--weeks", type=whole_number, required=True, metavar="N", help="how many weeks to plan"
    )
    generate.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="the first day to plan, YYYY-MM-DD (default: today)",
    )
    generate.add_argument(
        "--publish", action="store_true", help="publish the new sessions at once (not drafts)"
    )

    show = action("show", cmd_show, "the rota: each session with lead, co, status and reason")
    show.add_argument("--group", metavar="NAME", help="one group (default: all)")
    json_option(show)

    review = action(
        "review", cmd_review, "the coordinator's review: load per person, gaps, rule breaks, spread"
    )
    review.add_argument("--group", metavar="NAME", help="one group (default: all)")
    review.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    review.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD")
    json_option(review)

    ics = action("ics", cmd_ics, "the published rota as a calendar file (.ics), one event each")
    ics.add_argument("--facilitator", metavar="NAME", help="only this facilitator's sessions")
    ics.add_argument("--out", required=True, metavar="FILE.ics", help="where to write it")
    force_option(ics)
    ics.add_argument("--drafts", action="store_true", help="include draft sessions too")


def _needs_action(args: argparse.Namespace) -> int:
    raise CommandError("say what to do: voicesgroup rota generate|show|review|ics (see --help)")


def cmd_generate(args: argparse.Namespace) -> int:
    """Plan the rota and save it; open sessions are listed with the reason."""
    from voicesgroup.rota.planner import check_weeks
    from voicesgroup.rota.service import (
        GenerateRequest,
        day_words,
        generate_rota,
        parse_date,
        rota_lines,
    )

    check_weeks(args.weeks)
    start = parse_date(args.start, "start date") if args.start else dt.date.today()
    with open_store(args) as store:
        group_id = store.find_group(args.group).id if args.group else None
        outcome = generate_rota(
            store, GenerateRequest(group_id, start, args.weeks), publish=args.publish
        )
        names = {line.id: line.group for line in rota_lines(store, group_id)}
    print(outcome.summary())
    for item in outcome.open_sessions:
        print(f"  open: {day_words(item.date)}, {names.get(item.id, '')}: {item.reason}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print the stored rota as a table or JSON."""
    from voicesgroup.rota.service import rota_lines

    with open_store(args, readonly=True) as store:
        group_id = store.find_group(args.group).id if args.group else None
        lines = rota_lines(store, group_id)
    if args.json:
        print(json.dumps([line.as_dict() for line in lines], ensure_ascii=False, indent=2))
        return 0
    if not lines:
        print("No rota yet: plan one with `voicesgroup rota generate`.")
        return 0
    print_table(
        [
            {
                "date": f"{line.date:%a %Y-%m-%d}",
                "group": line.group,
                "lead": line.lead or "(open)",
                "co": line.co or "(open)",
                "status": line.status,
                "reason": line.reason,
            }
            for line in lines
        ]
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Print the coordinator's review of the stored rota, as text or JSON."""
    from voicesgroup.rota.review import NO_BREAKS, NO_DIFFERENCES, NO_GAPS, SPREAD_MEANS
    from voicesgroup.rota.service import parse_date, review_rota

    start = parse_date(args.start, "start date") if args.start else None
    end = parse_date(args.end, "end date") if args.end else None
    with open_store(args, readonly=True) as store:
        group_id = store.find_group(args.group).id if args.group else None
        found = review_rota(store, group_id=group_id, start=start, end=end, today=dt.date.today())
    if args.json:
        print(
            json.dumps(
                {
                    "spread": found.spread,
                    "proven": found.proven,
                    "unproven_sessions": found.unproven,
                    "label": found.unproven_words() or None,
                    "gaps": found.gaps,
                    "rule_breaks": found.rule_breaks,
                    "differences": found.differences,
                    "loads": [
                        {
                            "name": load.name,
                            "planned_leads": load.planned_leads,
                            "planned_co": load.planned_co,
                            "actual": load.actual,
                            "last_facilitated": _iso(load.last_facilitated),
                            "next_due": _iso(load.next_due),
                        }
                        for load in found.loads
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Spread {found.spread}: {SPREAD_MEANS}")
    if not found.proven:
        print(found.unproven_words())
    print_table(
        [
            {
                "facilitator": load.name,
                "leads": str(load.planned_leads),
                "co": str(load.planned_co),
                "actual": "-" if load.actual is None else str(load.actual),
            }
            for load in found.loads
        ]
    )
    for title, found_lines, none in (
        ("Gaps", found.gaps, NO_GAPS),
        ("Rules broken", found.rule_breaks, NO_BREAKS),
        ("Went differently", found.differences, NO_DIFFERENCES),
    ):
        if found_lines:
            print(f"{title} ({len(found_lines)}):")
            for line in found_lines:
                print(f"  {line}")
        else:
            print(none)
    return 0


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def cmd_ics(args: argparse.Namespace) -> int:
    """Write the rota (or one facilitator's part of it) as an .ics file."""
    from voicesgroup.outputs import check_audited_output, write_output
    from voicesgroup.rota.service import calendar_file

    with open_store(args) as store:
        check_audited_output(args.out, store, force=args.force)
        person = store.find_facilitator(args.facilitator) if args.facilitator else None
        ics, count = calendar_file(store, person.id if person else None, include_drafts=args.drafts)
        out = write_output(args.out, ics, data_file=store.path, force=args.force)
        store.audit("exported", "facilitator rota calendar")
    whose = f" for {person.display_name}" if person else ""
    print(f"Wrote {count} session{'s' if count != 1 else ''}{whose} to {out}")
    return 0
