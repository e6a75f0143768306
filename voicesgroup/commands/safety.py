"""Commands that keep the data safe: passphrase, backup, restore."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voicesgroup.cli import (
    CommandError,
    add_command,
    db_path,
    force_option,
    json_option,
    open_store,
    read_passphrase,
)
from voicesgroup.counting import counted

FORGOTTEN_WARNING = (
    "A forgotten passphrase cannot be recovered by anyone. Keep the recovery key below on paper, "
    "somewhere safe away from this laptop: it is shown only now."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    passphrase = add_command(
        commands, "passphrase", cmd_passphrase, "set, change or remove the passphrase"
    )
    passphrase.add_argument("action", choices=["set", "change", "remove"])
    passphrase.add_argument(
        "--yes",
        action="store_true",
        help="confirm, without a terminal, that the recovery key printed is kept safe",
    )

    backup = add_command(commands, "backup", cmd_backup, "write a verified copy of the data file")
    backup.add_argument("--out", required=True, metavar="FILE", help="where to write the copy")
    force_option(backup)

    restore = add_command(
        commands, "restore", cmd_restore, "replace the data file by a backup, once it checks out"
    )
    restore.add_argument("source", metavar="FILE", help="the backup to restore")
    restore.add_argument(
        "--yes",
        action="store_true",
        help="restore even a backup of another data file, or an unencrypted backup over an "
        "encrypted file (it is then encrypted)",
    )

    log = add_command(commands, "audit", cmd_audit, "show what was done, and check the log's chain")
    json_option(log)


def _new_passphrase(path: Path) -> str:
    first = read_passphrase(path, "New passphrase: ")
    if sys.stdin.isatty():
        again = read_passphrase(path, "The same again: ")
        if again != first:
            raise CommandError("the two passphrases differ; nothing was changed")
    from voicesgroup.store import passphrase as protection

    problem = protection.passphrase_problem(first)
    if problem is not None:
        raise CommandError(problem)
    return first


def cmd_passphrase(args: argparse.Namespace) -> int:
    from voicesgroup.errors import StoreError, followed
    from voicesgroup.store import passphrase as protection

    with open_store(args) as store:
        if args.action == "set":
            if store.encrypted:
                raise CommandError("this file already has a passphrase; use 'passphrase change'")
            change = protection.prepare_set(store, _new_passphrase(store.path))
            print(FORGOTTEN_WARNING)
            print(f"\nRecovery key: {change.recovery_key}\n")
            _confirm_written_down(change.recovery_key or "", args.yes)
            try:
                protection.apply(store, change)
            except protection.Interrupted:
                raise
            except StoreError as error:
                raise CommandError(
                    followed(error, "The recovery key above was not used.")
                ) from None
            print(f"{store.path} and its backups are now encrypted.")
        elif args.action == "change":
            if not store.encrypted:
                raise CommandError("this file has no passphrase yet; use 'passphrase set'")
            protection.apply(store, protection.prepare_change(store, _new_passphrase(store.path)))
            print(
                "Passphrase changed for the file and its backups; the recovery key stays the same."
            )
        else:
            if not store.encrypted:
                raise CommandError("this file has no passphrase")
            protection.apply(store, protection.prepare_remove(store))
            print(f"{store.path} and its backups are no longer encrypted.")
    return 0


def _confirm_written_down(recovery_key: str, yes: bool) -> None:
    """Nothing is converted until the person says the recovery key is kept safe."""
    if sys.stdin.isatty():
        last = recovery_key.rsplit("-", 1)[-1]
        typed = input("Type the last four characters of the recovery key once it is written down: ")
        if typed.strip().upper() != last:
            raise CommandError("that is not the end of the recovery key; nothing was changed")
    elif not yes:
        raise CommandError(
            "nothing was changed: keep the recovery key printed above safe, then run this "
            "again with --yes (or run it in a terminal)"
        )


def cmd_backup(args: argparse.Namespace) -> int:
    from voicesgroup.outputs import check_output, write_output
    from voicesgroup.store.crypto import is_encrypted

    with open_store(args, readonly=True) as store:
        check_output(args.out, store.path, force=args.force)
        problems = store.problems()
        if problems:
            raise CommandError(
                f"the data file has problems, so no backup was written: {problems[0]}"
            )
        blob = store.path.read_bytes()
        out = write_output(args.out, blob, data_file=store.path, force=args.force)
    kind = "encrypted" if is_encrypted(blob) else "not encrypted"
    print(f"Backup written to {out} ({kind}).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from functools import partial

    from voicesgroup.errors import PassphraseNeeded
    from voicesgroup.store.restore import restore

    source = Path(args.source).expanduser()
    target = db_path(args)
    restore_it = partial(restore, target, source, another_file_ok=args.yes, unencrypted_ok=args.yes)
    try:
        done = restore_it()
    except PassphraseNeeded:
        done = restore_it(passphrase=read_passphrase(source))
    if done.kept:
        print(f"The file it replaced was kept as {done.kept}.")
    print(f"Restored {target} from {source}.")
    if done.forgotten_again:
        print(
            f"{counted(done.forgotten_again, 'member')} in that backup had been forgotten "
            "since; they "
            "were left out of the restored file, and their names out of its free text."
        )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import json

    from voicesgroup.store.integrity import log_problems

    with open_store(args, readonly=True) as store:
        entries = store.audit_log()
        problems = log_problems(store)
    if args.json:
        rows = [entry.model_dump(mode="json") for entry in entries]
        print(json.dumps({"entries": rows, "problems": problems}, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            line = f"{entry.created_at:%Y-%m-%d %H:%M}  {entry.action}"
            print(f"{line}: {entry.detail}" if entry.detail else line)
        print(
            "The log's chain holds, and every backup's log is the start of it."
            if not problems
            else "The log does not hold: entries were removed or changed."
        )
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0
