"""A file with one record its model cannot read never costs a good backup, and the advice beside
it names a backup that restores.

The class: any record of any table made unreadable (a wrong type in any field, or no id of its
own), any number of good backups before it, a note beside the file or none, and the damage met
at opening, when the table is read later, or never in that session (the store closing). Every
good backup that existed is still there afterwards, byte for byte, and the command the sentence
names restores a file whose every record reads.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.helpers.cli import run
from tests.helpers.records import small_file
from voicesgroup import models
from voicesgroup.errors import DamagedFile
from voicesgroup.store import Store
from voicesgroup.store.advice import restore_hint
from voicesgroup.store.backups import KEEP_NEWEST, list_backups
from voicesgroup.store.integrity import record_problems
from voicesgroup.store.owned import checked_file
from voicesgroup.store.restore import restore

MODELS = {model.TABLE: model for model in models.RECORD_TYPES}
TABLES = ("strategies", "members", "groups", "notes", "sessions", "consent_events")
WRONG = (12345, {"not": ["this"]}, [1, 2], None, True)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    path = folder / "vg.json"
    store = Store.open(path)  # seeded: strategies and support contacts
    store.close()
    small = small_file(path, opens=KEEP_NEWEST + 1)
    small.close()
    assert len(list_backups(path)) == KEEP_NEWEST
    return path


def _copy(base: Path, folder: Path, keep: int, *, note: bool) -> Path:
    shutil.copytree(base.parent, folder, dirs_exist_ok=True)
    path = folder / base.name
    for backup in list_backups(path)[keep:]:
        backup.path.unlink()
    if not note:
        checked_file(path).unlink(missing_ok=True)
    return path


def _damage(path: Path, table: str, which: int, field: int, wrong: object) -> str | None:
    """Make one record of `table` unreadable; None when the change happens to be readable."""
    data = orjson.loads(path.read_bytes())
    records = data[table]
    assume(records)
    key = sorted(records)[which % len(records)]
    record = records[key]
    if wrong == "no id":
        del record["id"]
    else:
        names = sorted(name for name in record if name not in ("id", "created_at"))
        assume(names)
        record[names[field % len(names)]] = wrong
        try:
            MODELS[table].model_validate(record)
        except ValidationError:
            pass
        else:
            return None
    path.write_bytes(orjson.dumps(data))
    return key


def _kept(path: Path) -> dict[str, bytes]:
    return {backup.path.name: backup.path.read_bytes() for backup in list_backups(path)}


def _restores(path: Path, advice: str) -> None:
    """The command in `advice` names a backup that restores a file whose records all read."""
    command = re.search(r"`(voicesgroup [^`]*restore [^`]*)`", advice)
    assert command is not None, advice
    backup = Path(shlex.split(command.group(1))[-1])
    assert backup.exists() and backup.parent.name == f"{path.name}.backups", advice
    restore(path, backup)
    with Store.open(path, create=False) as store:
        assert record_problems(store) == []


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from(TABLES),
    which=st.integers(0, 50),
    field=st.integers(0, 20),
    wrong=st.sampled_from((*WRONG, "no id")),
    keep=st.integers(1, KEEP_NEWEST),
    note=st.booleans(),
    met=st.sampled_from(("read", "other", "never")),
)
def test_an_unreadable_record_costs_no_good_backup_and_the_advice_restores(
    tmp_path_factory: pytest.TempPathFactory,
    base: Path,
    table: str,
    which: int,
    field: int,
    wrong: object,
    keep: int,
    note: bool,
    met: str,
) -> None:
    path = _copy(base, tmp_path_factory.mktemp("copy"), keep, note=note)
    good = _kept(path)
    assume(_damage(path, table, which, field, wrong) is not None)
    advice = None
    try:
        with Store.open(path, create=False) as store:
            if met == "read":
                store.tables.all(MODELS[table])
            elif met == "other":
                store.tables.all(models.Group if table != "groups" else models.Member)
    except DamagedFile as refused:
        advice = str(refused)
    after = _kept(path)
    assert {name: after.get(name) for name in good} == good  # every good backup, unchanged
    assert len(after) <= max(len(good), KEEP_NEWEST) + 1
    damaged = path.read_bytes()
    if met == "read" or advice is not None:  # damage met: no copy of it is kept as a backup
        assert all(blob != damaged for blob in after.values())
    _restores(path, advice or restore_hint(path))


def test_the_found_case_keeps_the_oldest_and_names_a_backup_that_restores(
    base: Path, tmp_path: Path
) -> None:
    """The tester's steps: ten good backups, no note, a strategy's title 12345; the app reads
    the library. The oldest good backup stays, no copy of the damage is kept, and the sentence
    names the newest sound backup, saying "Nothing was changed" once."""
    path = _copy(base, tmp_path, KEEP_NEWEST, note=False)
    good = _kept(path)
    data = orjson.loads(path.read_bytes())
    first = sorted(data["strategies"])[0]
    data["strategies"][first]["title"] = 12345
    path.write_bytes(orjson.dumps(data))
    with Store.open(path, create=False) as store, pytest.raises(DamagedFile) as refused:
        store.tables.all(MODELS["strategies"])
    assert _kept(path) == good
    message = str(refused.value)
    assert message.count("Nothing was changed") == 1
    newest = list_backups(path)[0].path
    assert str(newest) in message
    _restores(path, message)


def test_a_single_backup_that_is_the_damage_is_never_offered(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One backup, of the very bytes refused: the sentence offers no backup, and says once
    that nothing was changed (the command line's words too)."""
    path = _copy(base, tmp_path, 1, note=False)
    data = orjson.loads(path.read_bytes())
    first = sorted(data["strategies"])[0]
    data["strategies"][first]["title"] = 12345
    blob = orjson.dumps(data)
    path.write_bytes(blob)
    only = list_backups(path)[0].path
    only.write_bytes(blob)
    advice = restore_hint(path)
    assert str(only) not in advice and "none of the backups" in advice
    code, out, err = run(capsys, "--db", str(path), "strategies")
    words = out + err
    assert code != 0 and words.count("Nothing was changed") == 1, words
    assert str(only) not in words


@pytest.mark.parametrize(
    "unfit", [b'{"a": 1}', b'{"_meta": {"1": {"app": "voicesgroup"', b"", b"\x00\xff"]
)
@pytest.mark.parametrize("backups", [0, 3])
def test_restore_of_an_unfit_file_advises_another_backup_never_another_db(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], unfit: bytes, backups: int
) -> None:
    """`restore FILE` with a file that is foreign, cut short, empty or not text: the advice
    fits a restore (another backup, the sound one named where there is one), never --db."""
    path = _copy(base, tmp_path / "laptop", max(backups, 1), note=True)
    if not backups:
        shutil.rmtree(path.with_name(f"{path.name}.backups"))
    source = tmp_path / "unfit.json"
    source.write_bytes(unfit)
    code, _, err = run(capsys, "--db", str(path), "restore", str(source), "--yes")
    assert code != 0 and "Traceback" not in err and err.count("\n") == 1, err
    assert "--db PATH" not in err and "choose another file" not in err
    assert "choose another backup" in err
    if backups:
        _restores(path, err)
