"""The one output writer: never one of the data file's own files, never a device or a pipe,
never a file named by a slash that names no folder, whatever path leads there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import run
from voicesgroup.errors import OutputRefused
from voicesgroup.outputs import spreadsheet_text, write_output
from voicesgroup.store import Store

# Written out here rather than read from the store's list, so that a file dropped from the list
# (or renamed in one place only) fails this test.
OWNED_NAMES = (
    "vg.json",
    "vg.json.lock",
    "vg.json.backups",
    "vg.json.forgetting",
    "vg.json.passphrase-commit",
    "vg.json.failed-unlocks",
    "vg.json.checked",
    ".vg.json.vg-staged",
    ".vg.json.4242.vg-tmp",
    ".vg.json.4242-0a0b0c0d.vg-writing",
    "training_modules.toml",
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data file that has been opened (so it has a backup), and every file it may own."""
    root = tmp_path_factory.mktemp("owned")
    data = root / "vg.json"
    Store.open(data).close()
    Store.open(data).close()  # the second opening keeps a backup of what the first made
    for name in OWNED_NAMES:
        if not (root / name).exists():
            (root / name).write_text("kept\n")
    (root / "elsewhere").mkdir()
    return root


def fingerprint(root: Path) -> dict[str, bytes | None]:
    seen: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        seen[str(path.relative_to(root))] = None if path.is_dir() else path.read_bytes()
    return seen


def backup_in(root: Path) -> Path:
    return next((root / "vg.json.backups").iterdir())


def routes(root: Path, name: str, how: str, serial: int) -> Path:
    """A path that leads to `root/name`: directly, by a symlink, through `..`, or by a hard link."""
    target = backup_in(root) if name == "<a backup>" else root / name
    if how == "direct":
        return target
    if how == "dotdot":
        return root / "elsewhere" / ".." / target.relative_to(root)
    link = root / "elsewhere" / f"link-{serial}"
    link.unlink(missing_ok=True)
    if how == "symlink":
        link.symlink_to(target)
    else:
        if target.is_dir():
            link.symlink_to(target)
        else:
            os.link(target, link)
    return link


SERIAL = iter(range(10**9))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from((*OWNED_NAMES, "<a backup>")),
    how=st.sampled_from(("direct", "symlink", "dotdot", "hardlink")),
    force=st.booleans(),
)
def test_no_route_reaches_a_file_the_data_file_owns(
    folder: Path, name: str, how: str, force: bool
) -> None:
    path = routes(folder, name, how, next(SERIAL))
    before = {k: v for k, v in fingerprint(folder).items() if not k.startswith("elsewhere")}
    with pytest.raises(OutputRefused, match="Nothing was written"):
        write_output(path, b"an export", data_file=folder / "vg.json", force=force)
    after = {k: v for k, v in fingerprint(folder).items() if not k.startswith("elsewhere")}
    assert after == before


def test_a_new_file_beside_the_data_file_is_still_allowed(folder: Path) -> None:
    out = write_output(folder / "elsewhere" / "sheet.pdf", b"%PDF", data_file=folder / "vg.json")
    assert out.read_bytes() == b"%PDF"
    out.unlink()


NODES = ("fifo", "device") if os.geteuid() == 0 else ("fifo",)  # only root makes a device


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    force=st.booleans(),
    kind=st.sampled_from(NODES),
    how=st.sampled_from(("direct", "symlink", "dotdot")),
)
def test_a_pipe_or_a_device_is_never_written(
    tmp_path: Path, force: bool, kind: str, how: str
) -> None:
    node = tmp_path / f"{kind}-{next(SERIAL)}"
    if kind == "fifo":
        os.mkfifo(node)
    else:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    path = node
    if how == "symlink":
        path = tmp_path / f"to-{node.name}"
        path.symlink_to(node)
    elif how == "dotdot":
        (tmp_path / "sub").mkdir(exist_ok=True)
        path = tmp_path / "sub" / ".." / node.name
    with pytest.raises(OutputRefused, match="not an ordinary file"):
        write_output(path, b"x", data_file=tmp_path / "vg.json", force=force)
    mode = os.stat(node).st_mode
    assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make or replace a device node")
def test_a_device_is_never_replaced_even_by_root(tmp_path: Path, capsys) -> None:
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for path in (node, Path("/dev/null")):
        with pytest.raises(OutputRefused, match="not an ordinary file"):
            write_output(path, b"x", data_file=None, force=True)
        assert stat.S_ISCHR(os.stat(path).st_mode)
    Store.open(tmp_path / "vg.json").close()
    code, _, err = run(capsys, "--db", str(tmp_path / "vg.json"), "backup", "--out", "/dev/null",
                       "--force")  # fmt: skip
    assert code == 1 and "not an ordinary file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@given(name=st.text(st.sampled_from("abc-_"), min_size=1, max_size=8), force=st.booleans())
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_trailing_slash_names_a_folder_that_must_exist(
    tmp_path: Path, name: str, force: bool
) -> None:
    folder = tmp_path / f"{name}-{next(SERIAL)}"
    with pytest.raises(OutputRefused, match="no such folder"):
        write_output(f"{folder}/", b"x", data_file=None, force=force)
    assert not folder.exists()
    folder.mkdir()
    with pytest.raises(OutputRefused, match="is a folder"):
        write_output(f"{folder}/", b"x", data_file=None, force=force)
    assert list(folder.iterdir()) == []


def test_the_backup_command_cannot_write_over_the_forgetting_journal(tmp_path, capsys) -> None:
    data = tmp_path / "d.json"
    Store.open(data).close()
    for owned in ("d.json.forgetting", "d.json.passphrase-commit", "d.json.failed-unlocks",
                  "training_modules.toml"):  # fmt: skip
        code, _, err = run(capsys, "--db", str(data), "backup", "--out", str(tmp_path / owned))
        assert code == 1 and "Nothing was written" in err, owned
        assert not (tmp_path / owned).exists()
    # …and the data file still opens for changes afterwards.
    Store.open(data).close()


def test_out_newdir_slash_writes_no_file_called_newdir(tmp_path, capsys) -> None:
    data = tmp_path / "d.json"
    Store.open(data).close()
    code, _, err = run(capsys, "--db", str(data), "backup", "--out", f"{tmp_path}/newdir/")
    assert code == 1 and "no such folder" in err
    assert not (tmp_path / "newdir").exists()


# -- a CSV cell a spreadsheet keeps as text ----------------------------------------------------

BLANKS = st.sampled_from(["", " ", "\u3000", "\t", "\r", "\n", "\u200b", "\ufeff", "\u00a0"])
STARTERS = st.sampled_from(["=", "+", "-", "@", "|", "%", "\uff1d", "\uff0b", "\uff20", "\uff5c"])


@given(blanks=st.lists(BLANKS, max_size=3), start=STARTERS, rest=st.text(max_size=20))
def test_every_formula_start_is_kept_as_text(blanks: list[str], start: str, rest: str) -> None:
    value = "".join(blanks) + start + rest
    cell = spreadsheet_text(value)
    assert cell == "'" + value


@given(st.text(st.characters(categories=["L", "N"]), min_size=1) | st.just("Tuesday Voices"))
def test_ordinary_text_is_left_as_it_is(value: str) -> None:
    assert spreadsheet_text(value) == value


def test_the_report_csv_uses_it(tmp_path: Path) -> None:
    from voicesgroup import report_csv

    row = {key: "" for key in report_csv.CSV_COLUMNS}
    row.update(group="|cmd /c calc", item="\u3000=1+1", value="3")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_csv, "tidy_rows", lambda report: [row])
        text = report_csv.csv_text(None)  # type: ignore[arg-type]  # tidy_rows is replaced
    assert ",'|cmd /c calc,," in text and ",'\u3000=1+1,3," in text


@pytest.mark.parametrize("name", ["é" * 300 + ".pdf", "a" * 300 + "/sheet.pdf"])
def test_a_name_the_system_cannot_look_up_is_refused_in_one_sentence(
    tmp_path: Path, name: str
) -> None:
    """A name too long for the file system is refused like any other, never raised as the
    system's error (it closed the app from the print dialog); the typed text is cut short."""
    from voicesgroup.outputs import check_output, exists, is_folder

    typed = tmp_path / name
    assert not is_folder(typed) and not exists(typed)
    with pytest.raises(OutputRefused, match="cannot be used as a file name here") as refused:
        check_output(typed, None, force=False)
    assert len(str(refused.value)) < 200 and "Nothing was written." in str(refused.value)
    with pytest.raises(OutputRefused, match="choose a shorter one"):
        write_output(typed, b"x", data_file=None, force=True)
    assert list(tmp_path.iterdir()) == []
