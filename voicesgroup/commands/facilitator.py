"""`voicesgroup facilitator …`: the path to leading, sign-off, supervision, the team sheet.

Every rule is in `voicesgroup.facilitator_path`; these commands read arguments and print.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

from voicesgroup.cli import (
    CommandError,
    add_command,
    day_option,
    force_option,
    json_option,
    open_store,
    print_table,
    printable,
    whole_number,
)

if TYPE_CHECKING:
    from voicesgroup.rota.guard import CoverNeeded


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `facilitator show|sign-off|break|report-name|team|sheet|settings|supervision
    add|list`."""
    facilitator = add_command(
        commands, "facilitator", _needs_action, "a facilitator's path, sign-off and supervision"
    )
    actions = facilitator.add_subparsers(title="actions", metavar="ACTION")

    def who(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--facilitator", required=True, metavar="NAME", help="their name, or id if two share it"
        )

    show = add_command(actions, "show", cmd_show, "a facilitator's path so far")
    who(show)
    json_option(show)

    sign = add_command(actions, "sign-off", cmd_sign_off, "sign a facilitator off to lead groups")
    who(sign)
    sign.add_argument("--by", required=True, metavar="NAME", help="who signs them off")
    day_option(sign)
    sign.add_argument(
        "--reason", default="", help="needed when the suggested shadowing is not done yet"
    )
    sign.add_argument("--yes", action="store_true", help="confirm: from now on they may lead")

    rest = add_command(
        actions, "break", cmd_break, "note that a facilitator needs a break (dates off)"
    )
    who(rest)
    rest.add_argument("--from", dest="start", required=True, metavar="DATE", help="YYYY-MM-DD")
    rest.add_argument("--to", dest="end", required=True, metavar="DATE", help="YYYY-MM-DD")
    mend = rest.add_mutually_exclusive_group()
    mend.add_argument(
        "--cover",
        action="store_true",
        help="on sessions to come inside the break, the first suggested cover takes over "
        "(a place nobody can take is left open)",
    )
    mend.add_argument(
        "--leave-open",
        action="store_true",
        help="on sessions to come inside the break, leave their place open",
    )

    named = add_command(
        actions, "report-name", cmd_report_name, "whether the evaluation may name a facilitator"
    )
    who(named)
    named.add_argument(
        "--named",
        choices=("yes", "no"),
        required=True,
        help="yes only if they agreed to their name in reports for trustees and funders",
    )

    team = add_command(actions, "team", cmd_team, "how many can lead each kind of group")
    json_option(team)

    sheet = add_command(actions, "sheet", cmd_sheet, "print the team sheet for supervision (PDF)")
    sheet.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    sheet.add_argument("--paper", choices=("a4", "letter"), default="a4")
    force_option(sheet)
    from voicesgroup.commands.printing import without_symbols_option

    without_symbols_option(sheet)

    tune = add_command(actions, "settings", cmd_settings, "shadowing before sign-off, supervision")
    for flag, meaning in (
        ("--shadowing", "shadowed sessions suggested before sign-off"),
        ("--supervision-weeks", "supervision is due after N weeks"),
    ):
        tune.add_argument(flag, type=whole_number, metavar="N", help=meaning)

    _register_supervision(actions)


def _register_supervision(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `facilitator supervision add|list`."""
    supervision = add_command(actions, "supervision", _needs_supervision, "supervision meetings")
    meetings = supervision.add_subparsers(title="actions", metavar="ACTION")
    add = add_command(meetings, "add", cmd_supervision_add, "keep a supervision meeting")
    day_option(add)
    add.add_argument(
        "--facilitator",
        required=True,
        action="append",
        metavar="NAME",
        help="who came (repeat for each)",
    )
    add.add_argument("--held-by", required=True, metavar="NAME", help="who held it")
    add.add_argument(
        "--topic",
        action="append",
        default=[],
        metavar="TEXT",
        help="a general topic, never a member (repeat for each)",
    )
    listing = add_command(
        meetings, "list", cmd_supervision_list, "supervision meetings, newest first"
    )
    json_option(listing)


def _needs_action(args: argparse.Namespace) -> int:
    raise CommandError(
        "say what to do: voicesgroup facilitator show|sign-off|break|team|sheet|settings|"
        "supervision (see --help)"
    )


def _needs_supervision(args: argparse.Namespace) -> int:
    raise CommandError("say what to do: voicesgroup facilitator supervision add|list")


def _day(text: str | None, what: str) -> dt.date:
    from voicesgroup.facilitator_path import parse_day

    return parse_day(text, what) if text else dt.date.today()


def cmd_show(args: argparse.Namespace) -> int:
    from voicesgroup.facilitator_path import path_view

    today = dt.date.today()
    with open_store(args, readonly=True) as store:
        view = path_view(store, store.find_facilitator(args.facilitator), today)
    if args.json:
        print(json.dumps(view.as_json(), ensure_ascii=False, indent=2))
        return 0
    lines = [f"{view.name}: {view.stage_words}", *view.summary(each_module=True)]
    print("\n".join(lines))
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    from voicesgroup import dates
    from voicesgroup.facilitator_path import sign_off

    on = _day(args.on, "sign-off date")
    with open_store(args) as store:
        person = store.find_facilitator(args.facilitator)
        if not args.yes:
            raise CommandError(
                f"this signs {person.display_name} off to lead groups; add --yes to confirm"
            )
        sign_off(store, person, args.by, on, reason=args.reason, today=dt.date.today())
    print(f"{person.display_name} signed off to lead by {args.by.strip()} on {dates.date(on)}.")
    return 0


def cmd_break(args: argparse.Namespace) -> int:
    from voicesgroup import dates
    from voicesgroup.facilitator_path import take_break
    from voicesgroup.rota.guard import CoverNeeded, choice_words, first_choices

    start, end = _day(args.start, "first day"), _day(args.end, "last day")
    done: list[str] = []
    with open_store(args) as store:
        person = store.find_facilitator(args.facilitator)
        try:
            person = take_break(store, person, start, end)
        except CoverNeeded as needed:
            if not (args.cover or args.leave_open):
                _list_cover(needed)
                raise CommandError(
                    "nothing was changed: add --cover to take the first suggestion for each "
                    "session (a place nobody can take is left open), or --leave-open"
                ) from None
            covers = first_choices(needed.touched, leave_open=args.leave_open)
            person = take_break(store, person, start, end, covers=covers)
            done = [choice_words(t, covers[t.assignment.id]) for t in needed.touched]
    print(
        f"{person.display_name} is off from {dates.date(start)} to {dates.date(end)}; "
        "the rota leaves them out."
    )
    for line in done:
        print(f"  {printable(line)}")
    return 0


def cmd_report_name(args: argparse.Namespace) -> int:
    from voicesgroup.rota.guard import keeping_the_rules

    with open_store(args) as store:
        person = store.find_facilitator(args.facilitator)
        with keeping_the_rules(store):  # every facilitator change, even one no rule reads
            store.save_facilitator(
                person.model_copy(update={"named_in_reports": args.named == "yes"})
            )
    name = printable(person.display_name)
    if args.named == "yes":
        print(f"{name} is named in the evaluation from now on.")
    else:
        print(f"{name} is not named in the evaluation: only in the team's figures.")
    return 0


def _list_cover(needed: CoverNeeded) -> None:
    """Each session the change would break, and who could cover, best first (on standard
    output, so the error stays one line)."""
    print(printable(str(needed)))
    for touched in needed.touched:
        print(f"  {printable(touched.line)}")
        if not touched.suggestions:
            print("    nobody else can cover without breaking a rule")
        for rank, suggestion in enumerate(touched.suggestions[:3], start=1):
            print(f"    {rank}. {printable(suggestion.reason)}")


def cmd_team(args: argparse.Namespace) -> int:
    from voicesgroup.facilitator_path import team_picture

    with open_store(args, readonly=True) as store:
        picture = team_picture(store, dt.date.today())
    if args.json:
        data = {
            "kinds": [
                {
                    "kind": cover.variant.value,
                    "can_lead": list(cover.can_lead),
                    "experienced": list(cover.experienced),
                    "shadowing": list(cover.shadowing),
                    "thin": cover.thin,
                }
                for cover in picture.kinds
            ],
            "thin": picture.thin_words(),
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print_table(
        [{"kind of group": cover.variant.label, "cover": cover.words()} for cover in picture.kinds]
    )
    for sentence in picture.thin_words():
        print(sentence)
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    """The team sheet (`voicesgroup print team-sheet` by another name)."""
    from voicesgroup.commands.printing import made_without_symbols
    from voicesgroup.outputs import check_audited_output, write_output
    from voicesgroup.printing import PrintRequest, make, record_printed

    with open_store(args) as store:
        check_audited_output(args.out, store, force=args.force)
        request = PrintRequest("team-sheet", paper=args.paper)
        printed = made_without_symbols(args, store, request, make)
        path = write_output(args.out, printed.data, data_file=store.path, force=args.force)
        record_printed(store, printed)
    for sentence in printed.said:
        print(sentence, file=sys.stderr)
    print(f"Wrote {path}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from voicesgroup.facilitator_path import set_supervision_settings

    with open_store(args) as store:
        if args.shadowing is not None or args.supervision_weeks is not None:
            set_supervision_settings(store, shadowing=args.shadowing, weeks=args.supervision_weeks)
        settings = store.settings()
    print(
        f"Sign-off is suggested after {settings.shadowing_before_sign_off} shadowed sessions; "
        f"supervision is due after {settings.supervision_weeks} weeks."
    )
    return 0


def cmd_supervision_add(args: argparse.Namespace) -> int:
    from voicesgroup import dates
    from voicesgroup.facilitator_path import add_supervision

    on = _day(args.on, "meeting date")
    with open_store(args) as store:
        people = [store.find_facilitator(name) for name in args.facilitator]
        meeting = add_supervision(store, on, people, args.held_by, args.topic)
    names = ", ".join(person.display_name for person in people)
    print(f"Supervision on {dates.date(meeting.on)} kept ({names}).")
    return 0


def cmd_supervision_list(args: argparse.Namespace) -> int:
    from voicesgroup import dates
    from voicesgroup.facilitator_path import supervision_meetings

    with open_store(args, readonly=True) as store:
        names = {person.id: person.display_name for person in store.facilitators()}
        rows = [
            {
                "on": dates.iso(meeting.on) if args.json else dates.date(meeting.on),
                "came": ", ".join(names.get(pid, "(removed)") for pid in meeting.facilitator_ids),
                "held by": meeting.held_by,
                "topics": "; ".join(meeting.topics),
            }
            for meeting in supervision_meetings(store)
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print_table(rows)
    sys.stdout.flush()
    return 0
