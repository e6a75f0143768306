"""Every command that refuses leaves the data file's folder as it was: no lock file, no folder,
no backup, no note made for a file that is not there or cannot be read.

The class: every command the parser knows (walked, not listed, so a new one is covered), with
`--db` naming a file that is missing (in a folder that is there, or not), damaged as a whole,
or holding one record its model cannot read. A command that is refused changes nothing there;
one that reads what can be read changes nothing either. And the coordinator's first laptop can
make its data file with `exchange setup --coordinator`, which a refusal also leaves unmade.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.helpers.cli import run
from tests.helpers.records import small_file
from voicesgroup.cli import build_parser
from voicesgroup.store import Store
from voicesgroup.store.owned import checked_file


def _leaves(
    parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield words, parser
        return
    for name, sub in subs[0].choices.items():
        yield from _leaves(sub, (*words, name))


COMMANDS = sorted(words for words, _ in _leaves(build_parser()) if words)


def _argv(words: tuple[str, ...], outside: Path) -> list[str]:
    """The command with every required argument given a value of the right shape."""
    parser = dict(_leaves(build_parser()))[words]
    argv = list(words)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not (
            action.required or not action.option_strings
        ):
            continue
        name = action.dest
        if action.choices:
            value = str(next(iter(action.choices)))
        elif action.type is int:
            value = "1"
        elif name in ("from", "to", "on"):
            value = "2026-01-06"
        elif name in ("out", "folder", "source"):
            value = str(outside / f"{name}-not-there" / "file.txt")
        else:
            value = "Rosa"
        argv += [*action.option_strings[:1], value]
    return argv


def _state(folder: Path) -> dict[str, bytes | None]:
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def _truncated(path: Path) -> None:
    small_file(path).close()
    path.write_bytes(path.read_bytes()[:120])


def _one_bad_record(path: Path) -> None:
    small_file(path, opens=4).close()
    data = orjson.loads(path.read_bytes())
    first = sorted(data["members"])[0]
    data["members"][first]["display_name"] = 12345
    path.write_bytes(orjson.dumps(data))
    checked_file(path).unlink()  # (edited by another program: the note is of other bytes)


STATES = {
    "no file": lambda path: path.parent.mkdir(parents=True),
    "no folder": lambda path: None,
    "damaged": _truncated,
    "one bad record": _one_bad_record,
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_every_command_refused_leaves_the_folder_as_it_was(
    state: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    for variable in ("VOICESGROUP_PASSPHRASE_FILE", "VOICESGROUP_EXCHANGE_PASSPHRASE_FILE"):
        monkeypatch.delenv(variable, raising=False)
    template = tmp_path / "template" / "laptop" / "vg.json"
    STATES[state](template)
    for number, words in enumerate(COMMANDS):
        path = tmp_path / str(number) / "laptop" / "vg.json"
        if template.parent.exists():
            shutil.copytree(template.parent, path.parent)
        before = _state(path.parent)
        code, _, err = run(capsys, "--db", str(path), *_argv(words, outside))
        assert "Traceback" not in err, (words, err)
        if code != 0 or state in ("damaged", "one bad record"):
            after = _state(path.parent)
            assert after == before, (words, code, err, set(after) ^ set(before))
            assert path.parent.exists() == template.parent.exists(), words


def test_a_coordinators_first_laptop_makes_its_data_file_at_setup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No data file yet: `exchange setup --coordinator` makes it (saying which command sets
    its passphrase); refused (a wrong organisation's passphrase), it leaves no file at all."""
    folder = tmp_path / "exchange"
    folder.mkdir()
    secret = tmp_path / "org.txt"
    secret.write_text("river stones and tea\n")
    secret.chmod(0o600)
    monkeypatch.setenv("VOICESGROUP_EXCHANGE_PASSPHRASE_FILE", str(secret))
    first = tmp_path / "c" / "vg.json"
    code, out, err = run(
        capsys, "--db", str(first), "exchange", "setup", "--folder", str(folder),
        "--coordinator", "--yes",
    )  # fmt: skip
    assert code == 0, err
    assert f"Made a new data file at {first}" in out and "passphrase set" in out
    with Store.open(first, readonly=True) as store:
        assert store.groups() == []
    secret.write_text("not the organisation's words\n")
    second = tmp_path / "c2" / "vg.json"
    code, out, err = run(
        capsys, "--db", str(second), "exchange", "setup", "--folder", str(folder),
        "--coordinator",
    )  # fmt: skip
    assert code != 0 and "not the passphrase" in err and "Made" not in out
    assert not second.parent.exists()
