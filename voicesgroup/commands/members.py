"""Members' rights from the command line: their record as data, forgetting, retention."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING

from voicesgroup.cli import (
    CommandError,
    add_command,
    force_option,
    member_option,
    open_store,
    whole_number,
)
from voicesgroup.counting import counted, were

if TYPE_CHECKING:
    from voicesgroup.store.redaction import Mention


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
    forget.add_argument(
        "--keep-word",
        action="append",
        type=whole_number,
        default=[],
        metavar="N",
        help="text N of those listed holds the word, not the member: leave it as it is",
    )
    forget.add_argument(
        "--replace-words",
        action="store_true",
        help="write another member in every listed text not kept with --keep-word",
    )
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
        name = member.display_name
        texts = forgetting.texts_naming(store, member)
        kept = _kept_as_words(texts, args.keep_word, name)
        if not args.yes:
            _preview(texts, name)
            changed = len(texts) - len(kept)
            rewritten = (
                f'writes "another member" for their name in the {counted(changed, "text")} above'
                if changed
                else "changes no other text (none names them)"
                if not texts
                else "changes no other text (those above are kept as the word)"
            )
            raise CommandError(
                f"this erases every personal record of {name}, {rewritten}, "
                "and cannot be undone; add --yes to confirm"
            )
        kept |= _asked(texts, kept, name, replace=args.replace_words)
        words = [key for number in sorted(kept) for key in texts[number - 1].word_keys]
        report = store.forget_member(member.id, words=words)
    print(
        f"Forgotten: {name}. Their attendance is now in the anonymous counts; "
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
    for number in sorted(kept):
        print(f"Left as it was, as the word: text {number}, {texts[number - 1].where}.")
    return 0


def _preview(texts: list[Mention], name: str) -> None:
    """Each text that names them, numbered, as it is and as it will read; a match that may
    be the word is asked about."""
    for number, mention in enumerate(texts, 1):
        print(f"{number}. {mention.where}: {mention.before!r}\n  will read: {mention.after!r}")
        if mention.may_be_word:
            print(f"  {_word_question(name)} If so, add --keep-word {number}.")


def _word_question(name: str) -> str:
    return f"Is this the word, not {name}?"


def _kept_as_words(texts: list[Mention], numbers: list[int], name: str) -> set[int]:
    """The texts said (`--keep-word N`) to hold the word: each must be listed and may be it."""
    for number in numbers:
        if not 1 <= number <= len(texts):
            listed = f"1 to {len(texts)}" if texts else "none"
            raise CommandError(
                f"There is no text {number} naming {name} (those listed are {listed}); "
                "nothing was done."
            )
        if not texts[number - 1].may_be_word:
            raise CommandError(
                f"Text {number} names {name} for certain, so it cannot be kept as the word; "
                "nothing was done."
            )
    return set(numbers)


def _asked(texts: list[Mention], kept: set[int], name: str, *, replace: bool) -> set[int]:
    """The texts whose match in capitals may be the word ("SURVIVAL KIT") and were not
    answered: asked about one by one at a terminal; elsewhere an answer is needed
    (`--keep-word N` or `--replace-words`). Another match that may be the word ("Kit's" at
    the start of a sentence) was offered `--keep-word N` in the list, and is replaced."""
    import sys

    open_ = [n for n, m in enumerate(texts, 1) if m.in_capitals and n not in kept]
    if not open_ or replace:
        return set()
    if not sys.stdin.isatty():
        raise CommandError(
            f"Some texts may hold the word rather than {name} (number "
            f"{', '.join(map(str, open_))} of those listed without --yes): add --keep-word N "
            "for each that is the word, or --replace-words; nothing was done."
        )
    words = set()
    for number in open_:
        mention = texts[number - 1]
        print(f"{number}. {mention.where}: {mention.before!r}")
        answer = input(f"  {_word_question(name)} [y = leave it / n = replace it] ")
        if answer.strip().lower().startswith("y"):
            words.add(number)
    return words


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
