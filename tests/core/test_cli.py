"""The `voicesgroup` command line, run in-process (and once as a real program)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.demo_files import DEMO_FACILITATORS, DEMO_GROUPS, DEMO_MEMBERS
from tests.helpers.files import FileState
from tests.helpers.pdf import pdf_text
from voicesgroup.cli import build_parser
from voicesgroup.models import Member, Note
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store, new_document


def _command_names() -> list[str]:
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(commands.choices)


COMMANDS = _command_names()


@pytest.fixture(autouse=True)
def no_real_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the person's own data: no $VOICESGROUP_DB, a throw-away home."""
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))


# -- help --------------------------------------------------------------------------------------


def test_the_core_commands_are_there() -> None:
    assert {"demo", "check", "groups", "members", "facilitators"} <= set(COMMANDS)


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "usage: voicesgroup" in out
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(capsys, command, "--help")
    assert code == 0, err
    assert f"usage: voicesgroup {command}" in out
    assert "--db" in out


def test_the_installed_program_runs(tmp_path: Path) -> None:
    program = Path(sys.executable).with_name("voicesgroup")
    result = subprocess.run(
        [str(program), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "usage: voicesgroup" in result.stdout
    assert result.stderr == ""


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "“frobnicate” is not a command" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["members", "--jsn"],
        ["facilitator", "sign-off"],
        ["print", "strategies", "--paper", "a5"],
        ["rota", "show", "--from", "soon", "--extra"],
    ],
    ids=lambda argv: "-".join(argv),
)
def test_a_mistake_in_the_arguments_is_one_line_and_a_hint(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    lines = err.strip().splitlines()
    assert code == 2 and not out
    assert len(lines) == 2 and "usage:" not in err, err
    assert lines[1].startswith("For what it takes: voicesgroup") and lines[1].endswith("--help")


# -- demo --------------------------------------------------------------------------------------


def test_demo_writes_a_new_file_and_never_overwrites(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.json"
    code, out, err = run(capsys, "--db", str(path), "demo")
    assert code == 0, err
    assert str(path) in out
    with Store.open(path, readonly=True) as reader:
        assert len(reader.members()) == DEMO_MEMBERS
        assert reader.problems() == []
    before = FileState.of(path)

    code, out, err = run(capsys, "--db", str(path), "demo")
    assert code == 1
    assert_one_clear_line(err)
    assert str(path) in err and "already exists" in err
    assert FileState.of(path) == before


def test_demo_needs_to_be_told_where(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo")
    assert code == 1
    assert_one_clear_line(err)
    assert "--db" in err


def test_db_works_before_and_after_the_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    assert run(capsys, "--db", str(before), "demo")[0] == 0
    assert run(capsys, "demo", "--db", str(after))[0] == 0
    assert before.exists() and after.exists()
    for path in (before, after):
        code, out, _ = run(capsys, "--db", str(path), "groups", "--json")
        assert code == 0 and len(json.loads(out)) == DEMO_GROUPS
        code, out, _ = run(capsys, "groups", "--json", "--db", str(path))
        assert code == 0 and len(json.loads(out)) == DEMO_GROUPS


# -- listing -----------------------------------------------------------------------------------

LISTS = {
    "groups": (DEMO_GROUPS, "Tuesday Voices"),
    "members": (DEMO_MEMBERS, "Aisha"),
    "facilitators": (DEMO_FACILITATORS, "Rosa"),
}


@pytest.mark.parametrize("kind", LISTS)
def test_lists_as_json(capsys: pytest.CaptureFixture[str], demo_path: Path, kind: str) -> None:
    count, example = LISTS[kind]
    code, out, err = run(capsys, "--db", str(demo_path), kind, "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == count
    assert example in {row["name"] for row in rows}
    assert all(row["id"] for row in rows)


@pytest.mark.parametrize("kind", LISTS)
def test_lists_as_a_table(capsys: pytest.CaptureFixture[str], demo_path: Path, kind: str) -> None:
    count, example = LISTS[kind]
    code, out, _ = run(capsys, "--db", str(demo_path), kind)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("name")
    assert len(lines) == 1 + count
    assert any(line.startswith(example) for line in lines)


@pytest.mark.parametrize("kind", ["strategies", "facilitators"])
def test_a_table_says_yes_or_no_in_words(
    capsys: pytest.CaptureFixture[str], demo_path: Path, kind: str
) -> None:
    code, table, err = run(capsys, "--db", str(demo_path), kind)
    assert code == 0, err
    cells = {cell for line in table.splitlines()[1:] for cell in line.split()}
    assert not cells & {"True", "False"}, table
    assert "yes" in cells


def test_strategies_lists_the_ids_a_sheet_takes(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", str(demo_path), "strategies", "--json")
    assert code == 0, err
    rows = json.loads(out)
    by_title = {row["title"]: row for row in rows}
    assert by_title["Answer the voices calmly"]["caution"] is True
    code, table, _ = run(capsys, "--db", str(demo_path), "strategies")
    assert table.splitlines()[0].startswith("id") and len(table.splitlines()) == 1 + len(rows)
    chosen = by_title["Go for a walk"]["id"]
    assert chosen in table
    sheet = tmp_path / "sheet.pdf"
    code, _, err = run(
        capsys, "--db", str(demo_path), "print", "strategies", "--group", "Tuesday Voices",
        "--strategy", chosen, "--out", str(sheet),
    )  # fmt: skip
    assert code == 0, err
    assert "Go for a walk" in pdf_text(sheet.read_bytes())


def test_members_json_shows_consents_not_more(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    _, out, _ = run(capsys, "--db", str(demo_path), "members", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["Carys"]["consents"] == ""
    assert rows["Ben"]["consents"] == "attendance_by_name"
    assert set(rows["Aisha"]) == {"id", "name", "joined", "consents"}


def test_the_env_var_chooses_the_file_and_db_wins_over_it(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DB_ENV, str(demo_path))
    code, out, _ = run(capsys, "members", "--json")
    assert code == 0 and len(json.loads(out)) == DEMO_MEMBERS

    elsewhere = tmp_path / "elsewhere.json"
    code, out, err = run(capsys, "--db", str(elsewhere), "members")
    assert code == 1 and str(elsewhere) in err


def test_listing_does_not_need_the_writer_s_lock(
    capsys: pytest.CaptureFixture[str], demo_store: Store
) -> None:
    code, out, _ = run(capsys, "--db", str(demo_store.path), "members", "--json")
    assert code == 0 and len(json.loads(out)) == DEMO_MEMBERS


# -- check -------------------------------------------------------------------------------------


def test_check_is_sound_on_the_demo_file(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    code, out, err = run(capsys, "--db", str(demo_path), "check")
    assert code == 0, out + err
    assert "sound" in out


def test_check_exits_1_on_a_planted_violation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = new_document()
    member = Member(display_name="Hamid")
    note = Note(member_id=member.id, member_words="Kept without asking", agreed_by_member=True)
    data["members"]["1"] = member.model_dump(mode="json")
    data["notes"]["1"] = note.model_dump(mode="json")
    path = tmp_path / "planted.json"
    path.write_bytes(orjson.dumps(data))

    code, out, err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert "problem: a note names a member without consent" in out
    assert "1 problem found" in err and "Traceback" not in err


# -- files that cannot be used ----------------------------------------------------------------

BAD_FILES = {
    "truncated": lambda good: good[: len(good) // 3],
    "zeroed": lambda good: bytes(len(good)),
    "empty": lambda good: b"",
    "foreign": lambda good: b'{"_default": {}}',
    "newer": lambda good: good.replace(b'"schema_version":1', b'"schema_version":99'),
}


@pytest.mark.parametrize("bad", BAD_FILES)
@pytest.mark.parametrize("command", [["check"], ["members", "--json"], ["groups"]])
def test_an_unusable_file_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    demo_bytes: bytes,
    bad: str,
    command: list[str],
) -> None:
    demo_path.write_bytes(BAD_FILES[bad](demo_bytes))
    assert BAD_FILES[bad](demo_bytes) != demo_bytes
    before = FileState.of(demo_path)
    code, out, err = run(capsys, "--db", str(demo_path), *command)
    assert code == 1
    assert_one_clear_line(err)
    assert str(demo_path) in err
    assert out == ""
    assert FileState.of(demo_path) == before


def test_a_missing_file_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "nothing-here.json"
    code, _, err = run(capsys, "--db", str(path), "check")
    assert code == 1
    assert_one_clear_line(err)
    assert not path.exists()


def test_member_forget_says_no_other_text_changes_when_none_names_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "voicesgroup.json"
    with Store.open(path, seed=False) as store:
        store.save_member(Member(display_name="Quillonia"))
    code, out, err = run(capsys, "--db", str(path), "member", "forget", "--member", "Quillonia")
    assert code == 1 and "add --yes" in err
    assert "above" not in err and "changes no other text (none names them)" in err
    assert out == ""


@pytest.mark.parametrize(
    "command",
    [
        ["facilitator", "settings", "--shadowing"],
        ["facilitator", "settings", "--supervision-weeks"],
        ["rota", "generate", "--group", "Tuesday Voices", "--weeks"],
        ["print", "strategies", "--group", "Tuesday Voices", "--copies"],
    ],
)
@pytest.mark.parametrize("typed", ["abc", "4.5", "[bold]x", ""])
def test_a_number_option_that_is_not_a_number_is_refused_in_our_words(
    capsys: pytest.CaptureFixture[str], demo_path: Path, command: list[str], typed: str
) -> None:
    code, out, err = run(capsys, "--db", str(demo_path), *command, typed)
    assert code == 2 and out == ""
    first = err.splitlines()[0]
    assert f"{command[-1]} takes a whole number, such as 4; {typed!r} is not one" in first
    assert "invalid int" not in err and "argument" not in first


def test_no_option_takes_argparse_s_own_int() -> None:
    """argparse's `type=int` says "invalid int value"; every number option uses ours."""
    sources = Path(__file__).parents[2] / "voicesgroup"
    assert not [p for p in sources.rglob("*.py") if "type=int" in p.read_text(encoding="utf-8")]


ARGPARSES_WORDS = (
    "invalid choice",
    "the following arguments are required",
    "expected one argument",
    "unrecognized arguments",
    "not allowed with argument",
    "ambiguous option",
    "invalid int value",
    "argument ",
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    words=st.lists(
        st.sampled_from(
            [
                "rota",
                "ics",
                "--out",
                "print",
                "nosuch",
                "groups",
                "--json",
                "--bogus",
                "facilitator",
                "settings",
                "--shadowing",
                "abc",
                "report",
                "--from",
                "x",
            ]
        ),
        min_size=1,
        max_size=4,
    )
)
def test_no_refusal_of_the_arguments_is_in_argparses_words(
    words: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Whatever is typed after `voicesgroup`, a refusal of the arguments is ours, one line and
    the hint."""
    from voicesgroup.cli import build_parser

    with pytest.raises(SystemExit) as stopped, contextlib.redirect_stderr(io.StringIO()) as err:
        build_parser().parse_args(words)
        raise SystemExit(0)
    said = err.getvalue()
    if stopped.value.code != 2:
        return
    first = said.splitlines()[0]
    assert not any(phrase in first for phrase in ARGPARSES_WORDS), first
