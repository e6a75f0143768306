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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from voicesgroup.errors import VoicesGroupError

if TYPE_CHECKING:
    from voicesgroup.store import Store
from voicesgroup.counting import counted
from voicesgroup.paths import DB_ENV, resolve_db_path

EXIT_PROBLEM = 1
EXIT_USAGE = 2  # what argparse has always used for a mistake in the arguments

Handler = Callable[[argparse.Namespace], int]


class CommandError(VoicesGroupError):
    """A command cannot do what was asked; the message says why."""


def printable(text: str) -> str:
    """`text` with every character a terminal would act on written out as an escape.

    Stored text is the members' and facilitators' own; an escape sequence in a venue could
    otherwise retitle the window or clear the screen. Newlines and tabs stay as they are.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char in "\n\t" else _escape(char) for char in text)


def _escape(char: str) -> str:
    """`\\u001b` and the like: readable, and still valid inside a JSON string."""
    units = char.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(units[i : i + 2]):04x}" for i in range(0, len(units), 2))


class _PrintableStream:
    """A text stream that writes everything through `printable` (the one place it happens)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _escaped_output() -> Iterator[None]:
    """Everything a command prints to stdout or stderr goes through `printable`."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = _PrintableStream(out)
    sys.stderr = _PrintableStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `voicesgroup` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", run_app)
    if handler is run_app:
        return _run(handler, args)
    with _escaped_output():
        return _run(handler, args)


def _run(handler: Handler, args: argparse.Namespace) -> int:
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
        from voicesgroup.errors import invalid_input

        refused = invalid_input(error)
        if refused is not None:  # a model refused what was given: say which and why, once
            print(f"voicesgroup: {refused}", file=sys.stderr)
            return EXIT_PROBLEM
        # Only the kind of error: its text may hold a member's words, and may run to lines.
        print(
            f"voicesgroup: something unexpected went wrong ({type(error).__name__}). "
            "Nothing more was changed; please report this.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake in the arguments is said in one line and a hint, not a usage
    block: the usage is one `--help` away. Every subcommand's parser is one of these."""

    when_used: Callable[[argparse.ArgumentParser], None] | None = None
    """Fills in the rest of this parser the first time it parses (so that what only one
    command needs is not loaded when the app starts)."""

    def error(self, message: str) -> NoReturn:
        # argparse says "argument --weeks: takes…"; the option itself starts the sentence.
        option, said, rest = message.removeprefix("argument ").partition(": ")
        if said and option.startswith("--") and " " not in option:
            message = f"{option} {rest}"
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\nFor what it takes: {self.prog} --help\n")

    def parse_known_args(  # type: ignore[override]  # typeshed gives it overloads by namespace type
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # The public method: a subcommand's parser is run through it on every Python version.
        fill, self.when_used = self.when_used, None
        if fill is not None:
            fill(self)
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = Parser(
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
        json_option(lister)
        lister.set_defaults(kind=kind)
    lister = add(
        "strategies", cmd_list, "list the library's strategies with the ids --strategy takes"
    )
    json_option(lister)
    lister.set_defaults(kind="strategies")
    for module in COMMAND_MODULES:
        importlib.import_module(f"voicesgroup.commands.{module}").register(commands)
    return parser


COMMAND_MODULES = [
    "safety",
    "members",
    "printing",
    "contacts",
    "rota",
    "facilitator",
    "report",
    "exchange",
]
"""Modules in voicesgroup/commands/ whose `register(commands)` adds their subcommands."""


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
) -> argparse.ArgumentParser:
    """A subcommand that also accepts --db after its name."""
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS, help="the data file to use"
    )
    command.set_defaults(handler=handler)
    return command


def json_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON instead of text")


def force_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--force", action="store_true", help="replace the file if it exists")


def member_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--member", required=True, help="the member's name, or id if two share it")


def day_option(command: argparse.ArgumentParser, flag: str = "--on") -> None:
    command.add_argument(flag, metavar="DATE", help="the day, YYYY-MM-DD (default: today)")


def whole_number(text: str) -> int:
    """An option's number (`--weeks 4`), refused in the app's words rather than argparse's."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes a whole number, such as 4; {printable(text)!r} is not one"
        ) from None


def db_path(args: argparse.Namespace) -> Path:
    return resolve_db_path(args.db)


PASSPHRASE_FILE_ENV = "VOICESGROUP_PASSPHRASE_FILE"


def open_store(args: argparse.Namespace, *, readonly: bool = False, create: bool = False) -> Store:
    """The store for a command; read-only commands do not take the writer's lock.

    An encrypted file is opened with the passphrase from $VOICESGROUP_PASSPHRASE_FILE, or by
    asking for it when a person is at the terminal.
    """
    from voicesgroup.errors import PassphraseNeeded, WrongPassphrase
    from voicesgroup.store import Store
    from voicesgroup.store.opening import note_failed_unlock

    path = db_path(args)
    try:
        store = Store.open(path, readonly=readonly, create=create)
    except PassphraseNeeded:
        try:
            store = Store.open(path, readonly=readonly, passphrase=read_passphrase(path))
        except WrongPassphrase:
            note_failed_unlock(path)  # the audit log gets it at the next open for changes
            raise
    for sentence in store.finished_on_open:
        print(f"voicesgroup: {sentence}", file=sys.stderr)
    if not readonly:
        _refuse_malformed_records(store)
    return store


def _refuse_malformed_records(store: Store) -> None:
    """A command that changes the file first checks every record, so it never saves around one.

    Raises DamagedFile with the same sentence the app and the reading commands give.
    """
    from voicesgroup.errors import DamagedFile
    from voicesgroup.store.integrity import unreadable_record

    sentence = unreadable_record(store)
    if sentence:
        store.close()
        raise DamagedFile(sentence)


def secret_from_file(env: str, refused: str) -> str | None:
    """The text of the file the environment variable `env` names (its last line ending
    dropped), or None when `env` is not set. A file others can read is warned about; an empty
    or unreadable one is refused, saying `refused` (what did not happen)."""
    import os

    secret_file = os.environ.get(env)
    if not secret_file:
        return None
    source = Path(secret_file)
    try:
        secret = source.read_text(encoding="utf-8").rstrip("\r\n")
        mode = source.stat().st_mode
    except OSError as error:
        raise CommandError(f"cannot read {env}: {error.strerror}") from None
    if mode & 0o044:
        print(
            f"voicesgroup: warning: {source} (the passphrase file) can be read by other "
            f"people on this computer; make it yours alone: chmod 600 {source}",
            file=sys.stderr,
        )
    if not secret:
        raise CommandError(f"The passphrase file {source} (named by {env}) is empty; {refused}")
    return secret


def read_passphrase(path: Path, prompt: str | None = None) -> str:
    """The passphrase from $VOICESGROUP_PASSPHRASE_FILE, else asked for without echo."""
    import getpass

    secret = secret_from_file(PASSPHRASE_FILE_ENV, "nothing was opened")
    if secret is not None:
        return secret
    if not sys.stdin.isatty():
        raise CommandError(
            f"The data file {path} is protected by a passphrase: run this in a terminal, or point "
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
    from voicesgroup.names import names_in_group_records
    from voicesgroup.store.backups import list_backups
    from voicesgroup.store.integrity import check_folder
    from voicesgroup.store.storage import backup_of

    with open_store(args, readonly=True) as store:
        problems = store.problems() + check_folder(store)
        path = store.path
        notices = [] if problems else names_in_group_records(store.sessions(), store.members())
    backups = list_backups(path)
    data = backup_of(path)
    if data is not None:
        print(f"This is one of the backups of {data}: it is used only if restored.")
    elif backups:
        print(f"{counted(len(backups), 'backup')}; newest {backups[0].taken_at:%Y-%m-%d %H:%M} UTC")
    else:
        print("No backups yet (one is taken each time the app opens the file).")
    if problems:
        for problem in problems:
            print(f"problem: {problem}")
        print(f"{path}: {counted(len(problems), 'problem')} found.", file=sys.stderr)
        return EXIT_PROBLEM
    for notice in notices:  # a person decides: the words may be needed, or not
        print(f"notice: {notice}; look at it in the group's history")
    print(f"{path}: sound.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    rows: list[dict[str, object]]
    with open_store(args, readonly=True) as store:
        if args.kind == "groups":
            from voicesgroup.home import group_listing

            rows = group_listing(store)
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
        elif args.kind == "strategies":
            rows = strategy_rows(store)
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
        # A strategy is chosen for a sheet by its id, so the list shows it.
        print_table(rows, hide=() if args.kind == "strategies" else ("id",))
    return 0


def strategy_rows(store: Store) -> list[dict[str, object]]:
    """The library as `voicesgroup strategies` lists it: what `--strategy ID` takes."""
    from voicesgroup import library

    return [
        {
            "id": str(strategy.id),
            "title": strategy.title,
            "kind": library.category_label(strategy),
            "for": library.experiences_short(strategy),
            "caution": bool(strategy.caution),
        }
        for strategy in store.strategies()
    ]


def print_table(rows: Sequence[Mapping[str, object]], hide: Sequence[str] = ()) -> None:
    """A plain aligned table for a terminal."""
    if not rows:
        print("(none)")
        return
    columns = [key for key in rows[0] if key not in hide]
    cells = [{key: table_cell(row[key]) for key in columns} for row in rows]
    widths = {key: max(len(key), *(len(row[key]) for row in cells)) for key in columns}
    print("  ".join(key.ljust(widths[key]) for key in columns).rstrip())
    for row in cells:
        print("  ".join(row[key].ljust(widths[key]) for key in columns).rstrip())


def table_cell(value: object) -> str:
    """A value as a person reads it in a table: a yes or no in words, not Python's."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
