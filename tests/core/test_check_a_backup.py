"""`check` (or any opening) of a backup gives advice that fits a backup.

A restore keeps the file it replaced — often a damaged one — among the backups. Checking such a
copy used to advise `--db PATH` ("open the right one") or a restore *into the backup itself*,
neither of which makes sense for a backup. Whatever is wrong with a backup, the sentence names
the data file it belongs to, how to check that file, and how to restore it from another backup.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import assert_one_clear_line, run
from voicesgroup.store import Store
from voicesgroup.store.backups import list_backups
from voicesgroup.store.storage import backup_of

DAMAGE = {
    "empty": b"",
    "cut short": None,  # the first 100 bytes of the real file
    "not JSON": b"\x00\x01garbage",
    "another program's": b'{"settings": {"theme": "dark"}}',
    "a table malformed": None,  # the real file with one table made a list
}


def _damaged(blob: bytes, kind: str) -> bytes:
    if kind == "cut short":
        return blob[:100]
    if kind == "a table malformed":
        return blob.replace(b'"members":{', b'"members":[{', 1).replace(b"}}}", b"}]}}", 1)
    found = DAMAGE[kind]
    assert found is not None
    return found


def _data_with_a_backup(folder: Path) -> tuple[Path, Path]:
    data = folder / "voicesgroup.json"
    with Store.open(data, seed=True):
        pass
    with Store.open(data):  # the opening takes a backup
        pass
    backups = list_backups(data)
    assert backups
    return data, backups[0].path


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(DAMAGE)),
    name=st.sampled_from(["data", "my data", "Tom's laptop", "voices-2026", "ü € 東京"]),
)
def test_a_damaged_backup_is_told_as_a_backup_of_its_data_file(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    name: str,
) -> None:
    folder = tmp_path_factory.mktemp("kept") / name
    folder.mkdir()
    data, backup = _data_with_a_backup(folder)
    backup.write_bytes(_damaged(backup.read_bytes(), kind))
    code, _, err = run(capsys, "--db", str(backup), "check")
    assert code != 0
    assert_one_clear_line(err)
    assert f"one of the backups of {data}" in err
    assert f"--db {shlex.quote(str(data))} check" in err
    assert f"--db {shlex.quote(str(data))} restore BACKUP" in err
    assert f"--db {shlex.quote(str(backup))}" not in err, "a restore into the backup itself"
    assert "(--db PATH)" not in err and "choose another file" not in err


def test_a_sound_backup_is_told_as_a_backup_not_as_a_file_without_backups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, backup = _data_with_a_backup(tmp_path)
    code, out, _ = run(capsys, "--db", str(backup), "check")
    assert code == 0
    assert f"one of the backups of {data}" in out
    assert "No backups yet" not in out


def test_only_a_file_in_a_backups_folder_is_a_backup(tmp_path: Path) -> None:
    assert backup_of(tmp_path / "voicesgroup.json.backups" / "000001-x.json") == (
        tmp_path / "voicesgroup.json"
    )
    for path in ("voicesgroup.json", ".backups/a.json", "backups/a.json", "a.backups.json"):
        assert backup_of(tmp_path / path) is None, path
