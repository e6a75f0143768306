"""The `voicesgroup` command: starts the app, or runs one of the non-interactive commands.

Every command has --help; bad input ends with one clear line on stderr and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from voicesgroup.errors import VoicesGroupError

if TYPE_CHECKING:
    from voicesgroup.store import Store
from voicesgroup.paths import DB_ENV, resolve_db_path

EXIT_PROBLEM = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


class CommandError(VoicesGroupError):
    """A command cannot do what was asked; the message says why."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `voicesgroup` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", run_app)
    try:
        return handler(args)
    except VoicesGroupError as error:
        print(f"voicesgroup: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `voicesgroup rota show | head`: the reader has had enough
        sys.stderr.close()
        return 0
    except OSError as error:
        print(f"voicesgroup: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as error:  # the last line of defence: a message, never a traceback
        print(
            f"voicesgroup: something unexpected went wrong ({type(error).__name__}: {error}). "
            "Nothing more was changed; please report this.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voicesgroup",
        description="A calm terminal app for hearing voices and paranoia & beliefs groups. "
        "With no command it starts the app.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"the data file to use (default: ${DB_ENV}, else your platform's data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the app on a throw-away copy of the demo data",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    add = partial(add_command, commands)

    add("demo", cmd_demo, "write the demo data set to a new file (never overwrites)")
    add("check", cmd_check, "verify the data file and its backups; exits 0 when sound")
    for kind in ("groups", "members", "facilitators"):
        lister = add(kind, cmd_list, f"list the {kind} stored")
        lister.add_argument("--json", action="store_true", help="print JSON instead of a table")
        lister.set_defaults(kind=kind)
    for module in COMMAND_MODULES:
        importlib.import_module(f"voicesgroup.commands.{module}").register(commands)
    return parser


COMMAND_MODULES = ["safety", "members", "printing", "rota"]
"""Modules in voicesgroup/commands/ whose `register(commands)` adds their subcommands."""


def add_command(
    commands: argparse._SubParsersAction, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    """A subcommand that also accepts --db after its name."""
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help="the data file to use"
    )
    command.set_defaults(handler=handler)
    return command


def db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(args.db)


PASSPHRASE_FILE_ENV = "VOICESGROUP_PASSPHRASE_FILE"


def open_store(args: argparse.Namespace, *, readonly: bool = False, create: bool = False) -> Store:
    """The store for a command; read-only commands do not take the writer's lock.

    An encrypted file is opened with the passphrase from $VOICESGROUP_PASSPHRASE_FILE, or by
    asking for it when a person is at the terminal.
    """
    from voicesgroup.errors import PassphraseNeeded
    from voicesgroup.store import Store

    path = db_path(args)
    try:
        return Store.open(path, readonly=readonly, create=create)
    except PassphraseNeeded:
        return Store.open(path, readonly=readonly, passphrase=read_passphrase(path))


def read_passphrase(path: Path, prompt: str | None = None) -> str:
    """The passphrase from $VOICESGROUP_PASSPHRASE_FILE, else asked for without echo."""
    import getpass
    import os

    secret_file = os.environ.get(PASSPHRASE_FILE_ENV)
    if secret_file:
        try:
            return Path(secret_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise CommandError(f"cannot read {PASSPHRASE_FILE_ENV}: {error.strerror}") from None
    if not sys.stdin.isatty():
        raise CommandError(
            f"{path} is protected by a passphrase: run this in a terminal, or point "
            f"{PASSPHRASE_FILE_ENV} at a file that holds it"
        )
    return getpass.getpass(prompt or f"Passphrase for {path.name}: ")


def run_app(args: argparse.Namespace) -> int:
    """Start the TUI on the chosen file, or on a throw-away demo copy with --demo."""
    if args.demo:
        folder = Path(tempfile.mkdtemp(prefix="voicesgroup-demo-"))
        try:
            from voicesgroup.demo import write_demo_file

            path = folder / "demo.json"
            write_demo_file(path)
            return _start_tui(path, demo=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return _start_tui(db_path(args), demo=False)


def _start_tui(path: Path, demo: bool) -> int:
    from screens.app import VoicesGroupApp

    app = VoicesGroupApp(db_path=path, demo=demo)
    app.run()
    if app.startup_error:
        print(f"voicesgroup: {app.startup_error}", file=sys.stderr)
        return EXIT_PROBLEM
    # Non-zero when an error ended the app; Textual has already shown its message.
    return EXIT_PROBLEM if app.return_code else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from voicesgroup.demo import write_demo_file

    if not args.db:
        raise CommandError("say where to write the demo data: voicesgroup --db PATH demo")
    path = db_path(args)
    write_demo_file(path)
    print(f"Demo data written to {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from voicesgroup.backups import list_backups
    from voicesgroup.names import names_in_group_records

    with open_store(args, readonly=True) as store:
        problems = store.problems()
        path = store.path
        notices = [] if problems else names_in_group_records(store.sessions(), store.members())
    backups = list_backups(path)
    if backups:
        print(f"{len(backups)} backup(s); newest {backups[0].taken_at:%Y-%m-%d %H:%M} UTC")
    else:
        print("No backups yet (one is taken each time the app opens the file).")
    if problems:
        for problem in problems:
            print(f"problem: {problem}")
        print(f"{path}: {len(problems)} problem(s) found.", file=sys.stderr)
        return EXIT_PROBLEM
    for notice in notices:  # a person decides: the words may be needed, or not
        print(f"notice: {notice}; look at it in the group's history")
    print(f"{path}: sound.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args, readonly=True) as store:
        if args.kind == "groups":
            rows = [
                {
                    "id": str(group.id),
                    "name": group.name,
                    "variant": group.variant.label,
                    "meets": group.pattern.describe(),
                    "venue": group.venue,
                }
                for group in store.groups()
            ]
        elif args.kind == "members":
            rows = [
                {
                    "id": str(member.id),
                    "name": member.display_name,
                    "joined": member.joined_on.isoformat(),
                    "consents": ", ".join(
                        sorted(scope.value for scope in store.current_consents(member.id))
                    ),
                }
                for member in store.members()
            ]
        else:
            rows = [
                {
                    "id": str(person.id),
                    "name": person.display_name,
                    "training": person.training.label,
                    "active": person.active,
                }
                for person in store.facilitators()
            ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print_table(rows, hide=("id",))
    return 0


def print_table(rows: list[dict], hide: Sequence[str] = ()) -> None:
    """A plain aligned table for a terminal."""
    if not rows:
        print("(none)")
        return
    columns = [key for key in rows[0] if key not in hide]
    widths = {key: max(len(key), *(len(str(row[key])) for row in rows)) for key in columns}
    print("  ".join(key.ljust(widths[key]) for key in columns).rstrip())
    for row in rows:
        print("  ".join(str(row[key]).ljust(widths[key]) for key in columns).rstrip())


if __name__ == "__main__":
    raise SystemExit(main())
