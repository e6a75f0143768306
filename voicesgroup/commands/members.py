"""Members' rights from the command line: their record as data, forgetting, retention."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from voicesgroup.cli import CommandError, add_command, force_option, member_option, open_store
from voicesgroup.counting import counted, were


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    member = add_command(commands, "member", _needs_action, "a member's own record, or forgetting")
    actions = member.add_subparsers(title="actions", metavar="ACTION")

    export = actions.add_parser("export", help="everything held about a member, as JSON")
    member_option(export)
    export.add_argument("--out", required=True, metavar="FILE")
    force_option(export)
    export.set_defaults(handler=cmd_member_export)

    forget = actions.add_parser("forget", help="erase every personal record of a member")
    member_option(forget)
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    forget.set_defaults(handler=cmd_member_forget)

    retention = add_command(
        commands, "retention", cmd_retention, "list records past their keeping time"
    )
    retention.add_argument("--apply", action="store_true", help="erase / anonymise what is due")


def _needs_action(args: argparse.Namespace) -> int:
    raise CommandError("say what to do: voicesgroup member export|forget --member NAME")


def cmd_member_export(args: argparse.Namespace) -> int:
    from voicesgroup.member_record import member_record
    from voicesgroup.outputs import check_audited_output, write_output
    from voicesgroup.store import forgetting

    with open_store(args) as store:
        check_audited_output(args.out, store, force=args.force)
        member = store.find_member(args.member)
        record = member_record(store, member.id)
        # Known to `check` by this mark once they are forgotten (no id, no content).
        record["record_of"] = forgetting.record_mark(store, member.id)
        blob = json.dumps(record, ensure_ascii=False, indent=2).encode()
        out = write_output(args.out, blob, data_file=store.path, force=args.force)
        store.audit("member record exported", "as data")
    print(f"Wrote {member.display_name}'s record to {out}.")
    return 0


def cmd_member_forget(args: argparse.Namespace) -> int:
    from voicesgroup.store import forgetting

    with open_store(args) as store:
        member = store.find_member(args.member)
        texts = forgetting.texts_naming(store, member)
        if not args.yes:
            for mention in texts:
                print(f"{mention.where}: {mention.before!r}\n  will read: {mention.after!r}")
            rewritten = (
                f'writes "another member" for their name in the {counted(len(texts), "text")} above'
                if texts
                else "changes no other text (none names them)"
            )
            raise CommandError(
                f"this erases every personal record of {member.display_name}, {rewritten}, "
                "and cannot be undone; add --yes to confirm"
            )
        report = store.forget_member(member.id)
    print(
        f"Forgotten: {member.display_name}. Their attendance is now in the anonymous counts; "
        f"{counted(report.backups_rewritten, 'backup')} {were(report.backups_rewritten)} "
        "rewritten without them"
        + (
            f" and {counted(report.backups_erased, 'unreadable one')} erased."
            if report.backups_erased
            else "."
        )
    )
    for place in report.redacted:
        print(f'Their name now reads "another member" in {place}.')
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from voicesgroup import retention

    today = dt.date.today()
    with open_store(args, readonly=not args.apply) as store:
        due = retention.due(store, today)
        if not due.anything:
            print(due.summary())
            return 0
        for line in due.describe():
            print(line)
        if args.apply:
            retention.apply(store, today)
            print("Done.")
        else:
            print("Run again with --apply to do this.")
    return 0
