"""The file layer: atomic writes, kill-safety, decoding damaged files, rotating backups."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.files import OsSpy, listing, mode_of
from voicesgroup.errors import DamagedFile, StoreError
from voicesgroup.models import CopingStrategy, Member
from voicesgroup.store import Store, backups, crypto, storage
from voicesgroup.store.backups import (
    KEEP_DAYS,
    KEEP_NEWEST,
    list_backups,
    rewrite_backups,
    take_backup,
    time_in_name,
)
from voicesgroup.store.storage import (
    APP_MARK,
    META_TABLE,
    TEMP_SUFFIX,
    backup_folder,
    decode_document,
    temp_files_of,
    write_atomically,
)


@pytest.fixture
def os_spy(monkeypatch: pytest.MonkeyPatch) -> OsSpy:
    spy = OsSpy()
    monkeypatch.setattr(storage, "os", spy)
    return spy


# -- atomic writes -----------------------------------------------------------------------------


def test_a_write_goes_temp_file_fsync_replace_then_folder_fsync(
    tmp_path: Path, os_spy: OsSpy
) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"old")
    write_atomically(path, b"new contents")

    assert path.read_bytes() == b"new contents"
    kinds = [call[0] for call in os_spy.calls]
    assert kinds == ["open", "write", "fsync", "close", "replace", "open", "fsync", "close"]
    temp = os_spy.calls[0][1]
    assert temp.parent == path.parent, "the temporary file must be in the same folder"
    assert temp.name.endswith(TEMP_SUFFIX) and temp != path
    assert os_spy.calls[2] == ("fsync", temp), "the temp file is flushed before the rename"
    assert os_spy.calls[4] == ("replace", temp, path)
    assert os_spy.calls[6] == ("fsync", path.parent), "the folder is flushed after the rename"
    assert not temp.exists()
    assert temp_files_of(path) == []


def test_short_writes_are_carried_on_until_everything_is_written(
    tmp_path: Path, os_spy: OsSpy
) -> None:
    os_spy.max_write = 1000
    blob = bytes(range(256)) * 40
    path = tmp_path / "data.json"
    write_atomically(path, blob)
    assert path.read_bytes() == blob
    assert sum(1 for call in os_spy.calls if call[0] == "write") == 11


@pytest.mark.parametrize("fail", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: str
) -> None:
    monkeypatch.setattr(storage, "os", OsSpy(fail=fail, error=errno.ENOSPC))
    path = tmp_path / "data.json"
    path.write_bytes(b"precious")
    with pytest.raises(OSError) as caught:
        write_atomically(path, b"replacement")
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_temp_files_of_finds_only_our_own_even_with_glob_characters(tmp_path: Path) -> None:
    path = tmp_path / "group [tuesday]*.json"
    ours = [tmp_path / f".{path.name}.{pid}{TEMP_SUFFIX}" for pid in (12, 345)]
    others = [
        tmp_path / f".other.json.12{TEMP_SUFFIX}",
        tmp_path / f".group t*.json.12{TEMP_SUFFIX}",
        tmp_path / f"{path.name}.12{TEMP_SUFFIX}",
        tmp_path / f".{path.name}.12.tmp",
    ]
    for file in ours + others:
        file.write_bytes(b"x")
    assert temp_files_of(path) == sorted(ours)


# -- killed mid-write --------------------------------------------------------------------------

# The zygote imports voicesgroup once, then forks one writer per trial, so a trial costs a fork
# rather than an interpreter start. Each writer appends to a log with os.write (which a SIGKILL
# cannot tear): "pending i <sha256 of the state write i will put on disk>" just before the save
# starts, "acked i" once it has returned. The writer never exits on its own, so the pid the
# test kills is always that writer's. What is tried is the order of the files' writes, not
# Argon2id: with VG_TEST_QUICK_KDF set, a hash stands in for it (as in the test itself), so an
# encrypted trial costs what a plain one does plus the real encryption of every save.
ZYGOTE = r"""
import hashlib, os, signal, sys
from pathlib import Path
from voicesgroup.store import crypto
from voicesgroup.models import Member
from voicesgroup.store import Store

if os.environ.get("VG_TEST_QUICK_KDF"):
    crypto._argon2id = lambda secret, salt, params: hashlib.sha256(salt + secret).digest()

def writer(path, log, count):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    def say(text):
        os.write(fd, (text + "\n").encode())
    try:
        store = Store.open(Path(path), passphrase=os.environ.get("VG_TEST_PASSPHRASE"))
        say("open")
        for i in range(count):
            with store.batch():
                store.save_member(Member(display_name=f"m{i}"))
                say(f"pending {i} {hashlib.sha256(store.raw_bytes()).hexdigest()}")
            say(f"acked {i}")
        say("done")
    except BaseException as error:
        say(f"error {type(error).__name__}: {error}")
    while True:
        signal.pause()

while True:
    line = sys.stdin.readline()
    if not line:
        break
    path, log, count = line.split("\t")
    pid = os.fork()
    if pid == 0:
        try:
            writer(path, log, int(count))
        finally:
            os._exit(0)
    print(pid, flush=True)
    os.waitpid(pid, 0)
    print("reaped", flush=True)
"""

KILL_TRIALS = 200
KILL_SEED = 20_241_126


def _padded_demo(path: Path, demo_bytes: bytes) -> bytes:
    """The demo data plus ~1 MB of strategies, so that one save takes a few milliseconds."""
    path.write_bytes(demo_bytes)
    with Store.open(path) as store, store.batch():
        for number in range(450):
            store.save_strategy(
                CopingStrategy(
                    title=f"Padding strategy {number}",
                    description=("Breathe slowly and notice five things you can see. " * 40)[:2000],
                    category="grounding",
                )
            )
    return path.read_bytes()


def _read_log(log: Path) -> tuple[list[str], dict[int, str], int]:
    lines = log.read_text().splitlines() if log.exists() else []
    errors = [line for line in lines if line.startswith("error")]
    assert not errors, errors
    pending = {int(i): digest for _, i, digest in (ln.split() for ln in lines if "pending" in ln)}
    acked = [int(line.split()[1]) for line in lines if line.startswith("acked")]
    return lines, pending, max(acked, default=-1)


PASSPHRASE = "a passphrase for the kill test"


def _plaintext(blob: bytes) -> bytes:
    """The JSON a file holds (decrypted when it is encrypted)."""
    if crypto.is_encrypted(blob):
        return crypto.open_with_passphrase(blob, PASSPHRASE)[0]
    return blob


@pytest.mark.slow
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_sigkill_at_random_moments_leaves_exactly_the_old_or_the_new_state(
    tmp_path: Path, demo_bytes: bytes, encrypted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "voicesgroup.json"
    base = _padded_demo(path, demo_bytes)
    if encrypted:
        monkeypatch.setattr(
            crypto, "_argon2id", lambda secret, salt, params: hashlib.sha256(salt + secret).digest()
        )
        monkeypatch.setenv("VG_TEST_QUICK_KDF", "1")
        with Store.open(path) as store:
            store.set_passphrase(PASSPHRASE, crypto.KdfParams(65536, 1, 1))
        base = path.read_bytes()
        assert crypto.is_encrypted(base)
        monkeypatch.setenv("VG_TEST_PASSPHRASE", PASSPHRASE)
    base_digest = hashlib.sha256(_plaintext(base)).hexdigest()
    demo_names = {doc["display_name"] for doc in orjson.loads(demo_bytes)["members"].values()}
    log = tmp_path / "acks.log"
    rng = random.Random(KILL_SEED)
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    assert zygote.stdin is not None and zygote.stdout is not None

    def start_writer() -> int:
        path.write_bytes(base)
        log.unlink(missing_ok=True)
        zygote.stdin.write(f"{path}\t{log}\t100000\n")
        zygote.stdin.flush()
        return int(zygote.stdout.readline())

    def kill(pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        assert zygote.stdout.readline() == "reaped\n"

    def kill_when_logged(pid: int, wanted: str, kill_it: bool = True) -> float:
        """Wait until the writer logs `wanted`; return when that was seen."""
        deadline = time.monotonic() + 30
        while wanted not in (log.read_text().splitlines() if log.exists() else []):
            assert time.monotonic() < deadline, f"the writer never logged {wanted!r}"
            time.sleep(0.0005)
        seen = time.monotonic()
        if kill_it:
            kill(pid)
        return seen

    outcomes = {"before open": 0, "old state": 0, "new state, not acked": 0}
    mid_write = 0
    try:
        # Warm up (the first open takes the backup), then time an open and ten saves.
        kill_when_logged(start_writer(), "open")
        started = time.monotonic()
        pid = start_writer()
        opened_at = kill_when_logged(pid, "open", kill_it=False)
        per_write = (kill_when_logged(pid, "acked 9") - opened_at) / 10
        max_delay = min((opened_at - started) + 8 * per_write, 0.25)
        for leftover in temp_files_of(path):
            leftover.unlink()

        for trial in range(KILL_TRIALS):
            pid = start_writer()
            if trial % 10 == 0:
                # Now and then while it is still opening the file (and taking its backup)...
                time.sleep(rng.uniform(0, max_delay))
            else:
                # ...but mostly in the middle of its saves, however long opening took.
                kill_when_logged(pid, "open", kill_it=False)
                time.sleep(rng.uniform(0, 8 * per_write))
            kill(pid)

            lines, pending, last_acked = _read_log(log)
            assert "done" not in lines
            leftovers = temp_files_of(path)
            mid_write += bool(leftovers)
            for leftover in leftovers:
                leftover.unlink()

            blob = _plaintext(path.read_bytes())
            digest = hashlib.sha256(blob).hexdigest()
            before = pending[last_acked] if last_acked >= 0 else base_digest
            after = pending.get(last_acked + 1)
            assert digest in {before, after}, f"torn file after {lines[-3:]}"
            names = {doc["display_name"] for doc in decode_document(blob, path)["members"].values()}
            written = len(names - demo_names)
            assert names - demo_names == {f"m{i}" for i in range(written)}
            assert names >= demo_names
            if digest == before:
                assert written == last_acked + 1
                outcomes["old state" if "open" in lines else "before open"] += 1
            else:
                assert written == last_acked + 2
                outcomes["new state, not acked"] += 1
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)

    print(
        f"\nSIGKILL trials: {KILL_TRIALS}, {outcomes}, temp file left (mid-write): {mid_write}; "
        f"one save took {per_write * 1000:.1f} ms, delays up to {max_delay * 1000:.0f} ms"
    )
    assert sum(outcomes.values()) == KILL_TRIALS
    # The delays are seeded and nine kills in ten come during the saves.
    assert mid_write >= KILL_TRIALS // 10
    # The killed writer's stale lock never blocked the next one: no "error Locked" was logged.


# -- decoding ----------------------------------------------------------------------------------


def _valid(**tables: Any) -> bytes:
    return orjson.dumps({META_TABLE: {"1": {"app": APP_MARK, "schema_version": 1}}, **tables})


BROKEN = {
    "truncated": lambda good: good[: len(good) // 2],
    "random bytes": lambda good: random.Random(5).randbytes(len(good)),
    "zeroed": lambda good: bytes(len(good)),
    "empty": lambda good: b"",
    "tinydb default": lambda good: b'{"_default": {}}',
    "json list": lambda good: b"[1, 2, 3]",
    "json string": lambda good: b'"voicesgroup"',
    "meta not a table": lambda good: b'{"_meta": 5}',
    "meta of another app": lambda good: b'{"_meta": {"1": {"app": "notes"}}}',
    "table is a list": lambda good: _valid(members=[]),
    "record not a dict": lambda good: _valid(members={"1": 5}),
    "doc id not a number": lambda good: _valid(members={"first": {}}),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_decode_refuses_damaged_and_foreign_data_naming_the_file(
    kind: str, demo_bytes: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "voicesgroup.json"
    with pytest.raises(DamagedFile) as caught:
        decode_document(BROKEN[kind](demo_bytes), path)
    message = str(caught.value)
    assert str(path) in message
    # No backups beside it: none are suggested; with one, the folder is named.
    assert ".backups" not in message and "--db PATH" in message
    backup_folder(path).mkdir()
    (backup_folder(path) / "1-20261126T100000000000Z.json").write_bytes(demo_bytes)
    with pytest.raises(DamagedFile) as caught:
        decode_document(BROKEN[kind](demo_bytes), path)
    message = str(caught.value)
    backup = backup_folder(path) / "1-20261126T100000000000Z.json"
    assert f"restore {backup}`" in message  # the sound backup itself, named
    assert "\n" not in message


def test_decode_accepts_a_real_file(demo_bytes: bytes, tmp_path: Path) -> None:
    data = decode_document(demo_bytes, tmp_path / "x.json")
    assert data[META_TABLE]["1"]["app"] == APP_MARK
    assert len(data["members"]) == 12


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_decode_of_arbitrary_bytes_raises_only_damaged_file(blob: bytes) -> None:
    try:
        data = decode_document(blob, Path("fuzz.json"))
    except DamagedFile:
        return
    assert data[META_TABLE]["1"]["app"] == APP_MARK


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(tables=st.dictionaries(st.text(max_size=8), JSON, max_size=4), meta=JSON)
def test_decode_of_arbitrary_json_either_refuses_or_returns_tinydb_tables(
    tables: dict[str, Any], meta: Any
) -> None:
    shaped = {**tables, META_TABLE: {"1": {"app": APP_MARK}} if meta is None else meta}
    try:
        data = decode_document(orjson.dumps(shaped), Path("fuzz.json"))
    except DamagedFile:
        return
    assert data[META_TABLE]["1"]["app"] == APP_MARK
    for table in data.values():
        assert isinstance(table, dict)
        for doc_id, record in table.items():
            assert int(doc_id) >= 0 and isinstance(record, dict)


# -- backups -----------------------------------------------------------------------------------


def test_a_backup_is_taken_at_open_with_the_bytes_that_were_opened(
    demo_path: Path, demo_bytes: bytes, no_umask: None
) -> None:
    with Store.open(demo_path) as store:
        assert store.backup_taken is not None
        store.save_member(Member(display_name="Newcomer"))
    backups = list_backups(demo_path)
    assert [backup.path for backup in backups] == [store.backup_taken]
    assert backups[0].path.read_bytes() == demo_bytes
    assert mode_of(backup_folder(demo_path)) == 0o700
    assert mode_of(backups[0].path) == 0o600


def test_identical_content_is_not_backed_up_twice(demo_path: Path) -> None:
    with Store.open(demo_path) as store:
        first = store.backup_taken
    with Store.open(demo_path) as store:
        assert store.backup_taken is None
    with Store.open(demo_path, readonly=True) as store:
        assert store.backup_taken is None
    assert [backup.path for backup in list_backups(demo_path)] == [first]


def test_backups_are_pruned_to_the_newest_few(demo_path: Path) -> None:
    states = []
    for number in range(KEEP_NEWEST + 3):
        states.append(demo_path.read_bytes())
        with Store.open(demo_path) as store:
            assert store.backup_taken is not None
            store.save_member(Member(display_name=f"Visitor {number}"))
    backups = list_backups(demo_path)
    assert len(backups) == KEEP_NEWEST
    assert [backup.path.read_bytes() for backup in backups] == states[::-1][:KEEP_NEWEST]


def test_backups_older_than_keep_days_go_but_the_two_newest_stay(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for day in range(4):
        take_backup(path, f"state {day}".encode(), now=start + dt.timedelta(days=day))
    assert len(list_backups(path)) == 4
    much_later = start + dt.timedelta(days=KEEP_DAYS + 30)
    take_backup(path, b"state now", now=much_later)
    kept = [backup.path.read_bytes() for backup in list_backups(path)]
    assert kept == [b"state now", b"state 3"], "the one before may be the newest real one"
    take_backup(path, b"state later", now=much_later + dt.timedelta(days=KEEP_DAYS + 1))
    kept = [backup.path.read_bytes() for backup in list_backups(path)]
    assert kept == [b"state later", b"state now"]


@given(
    st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.integers(min_value=1, max_value=999_999),
)
@settings(max_examples=200, deadline=None)
def test_a_backup_s_name_gives_back_the_time_it_was_taken(when: dt.datetime, number: int) -> None:
    taken = when.replace(tzinfo=dt.UTC)
    with_dir = Path(f"/nowhere/{number:06d}-{taken:%Y%m%dT%H%M%S%f}Z.json")
    assert time_in_name(with_dir.stem.rpartition("-")[2]) == taken


WRITTEN_SHAPE = r"[0-9]{8}T[0-9]{12}Z"


@given(st.one_of(st.text(max_size=30), st.from_regex(rf"\A{WRITTEN_SHAPE}\Z")))
@settings(max_examples=300, deadline=None)
def test_a_backup_s_time_is_read_as_strptime_reads_it_or_refused(stamp: str) -> None:
    try:
        expected = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        expected = None
    try:
        found = time_in_name(stamp)
    except ValueError:
        found = None
    assert found is None or found == expected, "never a time strptime would not read"
    if re.fullmatch(WRITTEN_SHAPE, stamp) and expected is not None:
        assert found == expected, "the shape take_backup writes is always read"


SMALL = st.integers(min_value=-1000, max_value=1000)
TABLE_VALUES = st.one_of(
    st.dictionaries(st.text(max_size=2), SMALL, max_size=2),
    SMALL,
    st.text(max_size=3),
    st.none(),
    st.lists(SMALL, max_size=2),
)
TABLE_IDS = st.one_of(st.from_regex(r"\A[0-9]{1,3}\Z"), st.text(max_size=4))


@given(st.one_of(st.dictionaries(TABLE_IDS, TABLE_VALUES, max_size=5), st.lists(SMALL)))
@settings(max_examples=500, deadline=None)
def test_a_file_opens_only_when_every_table_is_records_under_decimal_ids(table: Any) -> None:
    is_table = isinstance(table, dict) and all(
        doc_id.isascii() and doc_id.isdigit() and isinstance(record, dict)
        for doc_id, record in table.items()
    )
    blob = orjson.dumps({META_TABLE: {"1": {"app": APP_MARK}}, "groups": table})
    try:
        decode_document(blob, Path("voicesgroup.json"))
        opened = True
    except DamagedFile:
        opened = False
    assert opened == is_table


@given(st.binary(min_size=1, max_size=40), st.binary(min_size=1, max_size=40))
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_new_backup_is_taken_exactly_when_the_bytes_differ_from_the_newest(
    tmp_path: Path, first: bytes, second: bytes
) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "voicesgroup.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backups, "COMPARED_AT_ONCE", 3)  # compared in several pieces
        take_backup(path, first)
        taken = take_backup(path, second)
    assert (taken is None) == (first == second)


def test_a_backup_left_half_written_by_a_kill_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    folder = backup_folder(path)
    folder.mkdir(mode=0o755)
    stale = folder / f".20250101T000000000000Z.json.999{TEMP_SUFFIX}"
    stale.write_bytes(b"half")
    take_backup(path, b"whole")
    assert not stale.exists()
    assert mode_of(folder) == 0o700, "an existing backup folder is made private too"
    assert [backup.path.read_bytes() for backup in list_backups(path)] == [b"whole"]


def test_a_backup_that_cannot_be_written_is_a_clear_store_error(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = demo_path.read_bytes()
    monkeypatch.setattr(storage, "os", OsSpy(fail="write", error=errno.ENOSPC))
    with pytest.raises(StoreError, match="the disk is full") as caught:
        Store.open(demo_path)
    assert str(demo_path) in str(caught.value)
    assert demo_path.read_bytes() == before
    monkeypatch.undo()
    with Store.open(demo_path) as store:  # the lock was let go
        assert store.backup_taken is not None


def test_the_data_folder_listing_after_open_is_file_lock_and_backups(demo_path: Path) -> None:
    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="Newcomer"))
    names = listing(demo_path.parent)
    backups = {f"{backup_folder(demo_path).name}/{b.path.name}" for b in list_backups(demo_path)}
    assert names == {
        demo_path.name,
        f"{demo_path.name}.lock",
        f"{demo_path.name}.checked",  # what the last save wrote, by its digest (no content)
        backup_folder(demo_path).name,
        *backups,
    }


def test_rewriting_backups_converts_each_and_erases_the_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "voicesgroup.json"
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for day, blob in enumerate([b"keep a", b"unreadable", b"keep b"]):
        take_backup(path, blob, now=start + dt.timedelta(days=day))

    def convert(blob: bytes) -> bytes | None:
        return None if blob == b"unreadable" else blob.upper()

    assert rewrite_backups(path, convert, erase_unreadable=True) == (2, 1)
    assert [b.path.read_bytes() for b in list_backups(path)] == [b"KEEP B", b"KEEP A"]
    assert all(mode_of(b.path) == 0o600 for b in list_backups(path))


def test_a_backup_that_cannot_be_rewritten_is_a_clear_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "voicesgroup.json"
    take_backup(path, b"old", now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    monkeypatch.setattr(storage, "os", OsSpy(fail="write", error=errno.ENOSPC))
    with pytest.raises(StoreError, match="the disk is full") as caught:
        rewrite_backups(path, lambda blob: b"new")
    assert str(backup_folder(path)) in str(caught.value)
    assert [b.path.read_bytes() for b in list_backups(path)] == [b"old"]
    assert not list(backup_folder(path).glob(f".*{TEMP_SUFFIX}"))


# -- parsing a data file a table at a time ------------------------------------------------------

# Texts made of what a table's edges are made of: braces, brackets, commas, quotes, digits.
EDGY_TEXT = st.text(alphabet='{}[],":0123456789abc\\ é', max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | EDGY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(EDGY_TEXT, inner, max_size=4),
    max_leaves=30,
)
TABLE_KEYS = st.sampled_from(["_meta", "groups", "sessions", "rota", "settings", "_exchange"])
DOCUMENTS = st.dictionaries(
    TABLE_KEYS | EDGY_TEXT,
    st.dictionaries(st.integers(1, 999).map(str) | EDGY_TEXT, JSON_VALUES, max_size=4)
    | JSON_VALUES,
    max_size=7,
)


@given(DOCUMENTS)
@settings(max_examples=300, deadline=None)
def test_a_file_parsed_by_table_is_the_file_parsed_whole(document: Any) -> None:
    blob = orjson.dumps(document)
    assert storage.parse_tables(blob) == orjson.loads(blob)
    assert storage.parse_tables(blob + b"\n") == orjson.loads(blob)


@given(DOCUMENTS, st.data())
@settings(max_examples=200, deadline=None)
def test_a_damaged_file_is_refused_as_the_whole_parse_refuses_it(
    document: Any, data: st.DataObject
) -> None:
    blob = orjson.dumps(document)
    cut = data.draw(st.integers(0, max(len(blob) - 1, 0)))
    for damaged in (blob[:cut], blob[:cut] + b"}" + blob[cut:]):
        try:
            expected: Any = orjson.loads(damaged)
        except orjson.JSONDecodeError:
            with pytest.raises(orjson.JSONDecodeError):
                storage.parse_tables(damaged)
        else:
            assert storage.parse_tables(damaged) == expected


def test_a_big_file_is_parsed_table_by_table(tmp_path: Path) -> None:
    """The demo's tables are found one by one (not left to the whole parse)."""
    path = tmp_path / "vg.json"
    with Store.open(path) as store:
        store.save_member(Member(display_name="Ada"))
    blob = path.read_bytes()
    found = storage._by_table(blob, len(blob))
    assert found is not None and found[0] == orjson.loads(blob)
