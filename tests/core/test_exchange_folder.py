"""The exchange folder (voicesgroup/exchange/folder.py) on real files.

The carriers' conflict names are made here as the carriers make them, from their sources:
Syncthing's `conflictName` (lib/model/folder_sendrecv.go, v1.19 to today) and Nextcloud's
desktop client's `makeConflictFileName` and `sanitizeForFileName` (src/common/utility.cpp),
and, for the older clients, "_conflict-yyyyMMdd-hhmmss" (their sync-exclude.lst). Real
Syncthing makes its own in tests/test_syncthing_exchange.py.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
import string
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup.errors import ExchangeFolderError, VoicesGroupError
from voicesgroup.exchange.folder import (
    check_folder,
    is_conflict_copy,
    outbox_name,
    outboxes,
    remove_conflict_copy,
    replica_of,
    write_outbox,
)

OWN = "group-laptop-1"
OTHER = "coordinator"
DIR_ID = "a-folder"
ID_CHARACTERS = string.ascii_lowercase + string.digits + "-"

# Real files, made afresh in each example's own folder; no limit on how long one takes.
ON_DISK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
replica_ids = st.text(ID_CHARACTERS, min_size=1, max_size=64).filter(lambda s: s[0] != "-")


def is_replica_id(text: str) -> bool:
    """The rule, written out without the module's pattern."""
    return 1 <= len(text) <= 64 and text[0] != "-" and all(c in ID_CHARACTERS for c in text)


# --- The carriers' conflict names, made as their sources make them -------------------------


def syncthing_conflict(name: str, when: dt.datetime, device: str) -> str:
    """Syncthing's conflictName: the marker goes before filepath.Ext (from the last dot)."""
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    return f"{stem}{when:.sync-conflict-%Y%m%d-%H%M%S-}{device}{ext}"


def nextcloud_sanitized(user: str) -> str:
    """sanitizeForFileName: drop /?<>\\:*|" and control and format characters."""
    return "".join(
        c for c in user if c not in '/?<>\\:*|"' and unicodedata.category(c) not in ("Cc", "Cf")
    )


def nextcloud_conflict(name: str, when: dt.datetime, user: str) -> str:
    """makeConflictFileName: " (conflicted copy [user ]yyyy-MM-dd hhmmss)" before the last dot
    (or at the end when there is none past the first character)."""
    dot = name.rfind(".")
    if dot <= 0:
        dot = len(name)
    marker = " (conflicted copy "
    if user:  # the source tests the name given, not the name sanitized
        marker += nextcloud_sanitized(user).replace("(", "_").replace(")", "_") + " "
    marker += f"{when:%Y-%m-%d %H%M%S})"
    return name[:dot] + marker + name[dot:]


def old_client_conflict(name: str, when: dt.datetime, user: str) -> str:
    dot = name.rfind(".")
    tag = f"_conflict_{user}-" if user else "_conflict-"
    return f"{name[:dot]}{tag}{when:%Y%m%d-%H%M%S}{name[dot:]}"


CARRIERS: dict[str, Callable[[str, dt.datetime, str], str]] = {
    "syncthing": syncthing_conflict,
    "nextcloud": nextcloud_conflict,
    "old nextcloud": old_client_conflict,
}
when = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(9999, 12, 31))
syncthing_devices = st.one_of(
    st.just(""), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=7, max_size=7)
)
display_names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), max_size=20
)


@st.composite
def conflict_copies(draw: st.DrawFn, replica: str) -> str:
    """A conflict copy of `replica`'s outbox: one carrier's marker, or several in a row (a
    copy of a copy), the user names odd Unicode, spaces and dots included."""
    name = outbox_name(replica)
    for _ in range(draw(st.integers(1, 3))):
        carrier = draw(st.sampled_from(sorted(CARRIERS)))
        if carrier == "syncthing":
            who = draw(syncthing_devices)
        elif carrier == "old nextcloud":
            who = draw(st.one_of(st.just(""), st.text(string.ascii_letters + " .", max_size=8)))
        else:
            who = draw(display_names)
        name = CARRIERS[carrier](name, draw(when), who)
    return name


def carrier_leftovers(name: str) -> list[str]:
    """What a carrier or an editor leaves beside a file while it works on it, never an outbox."""
    return [
        f".syncthing.{name}.tmp",  # Syncthing's temporary file on Unix
        f"~syncthing~{name}.tmp",  # and on Windows
        f"{name}.part",  # a download in progress (Nextcloud never syncs one)
        f".{name}.~3f2a1b",  # Nextcloud's desktop client's download in progress
        f".~lock.{name}#",  # LibreOffice's lock, which Nextcloud skips
        f".{name}",  # hidden
        f"{name}~",
        f"{name}.tmp",
        f"{name}.filepart",
    ]


def near_misses(replica: str) -> list[str]:
    """Names close to an outbox's that are not one."""
    name = outbox_name(replica)
    return [
        name.upper(),
        name + "\n",
        name + ".outbox",
        f"voicesgroup-{replica}.Outbox",
        f"voicesgroup-{replica} .outbox",
        f"voicesgroup_{replica}.outbox",
        f"voicesgroup-{replica}.sync-conflict-٢٠٢٦١٢٠٧-101010-ABCDEFG.outbox",  # Arabic digits
        f"voicesgroup-{replica}.sync-conflict-2026127-101010-ABCDEFG.outbox",
        f"voicesgroup-{replica} (conflicted copy 2026-12-07).outbox",
        f"voicesgroup-{replica} (conflicted copy 2026-12-07 101010.outbox",
        f"voicesgroup-{replica}.sync-conflict-20261207-101010-ABCDEFG.outbox.tmp",
        "voicesgroup-.outbox",
        "voicesgroup--x.outbox",
    ]


def fits_a_file_name(name: str) -> bool:
    return (
        name not in ("", ".", "..")
        and "/" not in name
        and "\x00" not in name
        and len(os.fsencode(name)) <= 255
    )


# --- Writing -----------------------------------------------------------------------------


def test_an_outbox_is_written_whole_under_the_laptops_name(tmp_path: Path) -> None:
    path = write_outbox(tmp_path, OWN, b"first")
    assert path == tmp_path / "voicesgroup-group-laptop-1.outbox"
    assert path.read_bytes() == b"first"
    assert write_outbox(tmp_path, OWN, b"second, longer") == path
    assert path.read_bytes() == b"second, longer"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left
    assert replica_of(path) == OWN
    assert outboxes(tmp_path, OWN) == []
    assert outboxes(tmp_path, OTHER) == [path]


def test_a_laptop_with_no_outbox_of_its_own_yet_sees_every_outbox(tmp_path: Path) -> None:
    mine, theirs = write_outbox(tmp_path, OWN, b"1"), write_outbox(tmp_path, OTHER, b"2")
    assert outboxes(tmp_path, "") == sorted([mine, theirs])


def test_an_empty_outbox_and_a_large_one_are_written_as_given(tmp_path: Path) -> None:
    large = os.urandom(5 * 1024 * 1024 + 3)
    assert write_outbox(tmp_path, OWN, b"").read_bytes() == b""
    assert write_outbox(tmp_path, OWN, bytearray(large)).read_bytes() == large


@settings(deadline=None)
@given(replica=st.text(max_size=70))
def test_only_a_replica_id_that_names_a_file_everywhere_is_taken(replica: str) -> None:
    if is_replica_id(replica):
        assert outbox_name(replica) == f"voicesgroup-{replica}.outbox"
        assert replica_of(Path(outbox_name(replica))) == replica
    else:
        with pytest.raises(ValueError, match="replica id"):
            outbox_name(replica)


@settings(max_examples=40, deadline=None, suppress_health_check=ON_DISK)
@given(ids=st.lists(replica_ids, min_size=1, max_size=6, unique=True))
def test_each_laptop_sees_every_outbox_but_its_own(tmp_path_factory: Any, ids: list[str]) -> None:
    folder = tmp_path_factory.mktemp("exchange")
    for replica in ids:
        write_outbox(folder, replica, replica.encode())
    for replica in ids:
        seen = outboxes(folder, replica)
        assert sorted(replica_of(path) for path in seen) == sorted(set(ids) - {replica})
        assert all(path.read_bytes() == str(replica_of(path)).encode() for path in seen)


# --- Reading: what is an outbox, and what is not ------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=ON_DISK)
@given(data=st.data())
def test_outboxes_lists_exactly_the_others_outboxes_and_every_conflict_copy(
    tmp_path_factory: Any, data: st.DataObject
) -> None:
    """Files made the way each arises — outboxes, carriers' conflict copies of any outbox (our
    own included), carriers' temporary files and locks, near misses and any other name — and
    the listing is judged by how each was made, not by the module's pattern."""
    folder = tmp_path_factory.mktemp("exchange")
    own = data.draw(replica_ids.filter(lambda r: r != DIR_ID), "own")
    others = data.draw(
        st.lists(replica_ids.filter(lambda r: r not in (own, DIR_ID)), max_size=3, unique=True)
    )
    expected: set[str] = set()
    not_listed: set[str] = {outbox_name(own)}
    for replica in others:
        expected.add(outbox_name(replica))
    for replica in [own, *others]:
        copies = data.draw(st.lists(conflict_copies(replica), max_size=3), f"copies of {replica}")
        expected.update(name for name in copies if fits_a_file_name(name))
        not_listed.update(carrier_leftovers(outbox_name(replica)) + near_misses(replica))
    odd_names = data.draw(st.lists(st.text(min_size=1, max_size=40), max_size=8), "any names")
    not_listed.update(name for name in odd_names if not name.startswith("voicesgroup-"))
    folders = {".stfolder", ".stversions", outbox_name(DIR_ID)}  # one named like an outbox
    not_listed = {name for name in not_listed if fits_a_file_name(name)} - expected - folders
    for name in expected | not_listed:
        (folder / name).write_bytes(b"x")
    for name in folders:
        (folder / name).mkdir()

    listed = outboxes(folder, own)

    assert [path.name for path in listed] == sorted(expected)
    for path in listed:
        assert is_conflict_copy(path) == (path.name not in {outbox_name(r) for r in others})
        assert replica_of(path) in {own, *others}


@settings(deadline=None)
@given(replica=replica_ids, data=st.data())
def test_a_conflict_copy_belongs_to_the_outbox_it_copies(replica: str, data: st.DataObject) -> None:
    copy = data.draw(conflict_copies(replica))
    assert is_conflict_copy(Path(copy))
    assert replica_of(Path(copy)) == replica
    assert not is_conflict_copy(Path(outbox_name(replica)))


def test_the_formats_as_the_carriers_document_them() -> None:
    """The examples in Syncthing's documentation and Nextcloud's, written out by hand."""
    for name in (
        "voicesgroup-ab12.sync-conflict-20261207-101010-ABCDEF7.outbox",
        "voicesgroup-ab12 (conflicted copy 2026-12-07 101010).outbox",
        "voicesgroup-ab12 (conflicted copy Sam Jones 2026-12-07 101010).outbox",
        "voicesgroup-ab12_conflict-20261207-101010.outbox",
    ):
        assert is_conflict_copy(Path(name)), name
        assert replica_of(Path(name)) == "ab12"


def test_links_devices_and_folders_named_like_outboxes_are_not_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"not an outbox")
    folder = tmp_path / "exchange"
    folder.mkdir()
    (folder / outbox_name("linked")).symlink_to(elsewhere)
    (folder / outbox_name("dir")).mkdir()
    os.mkfifo(folder / outbox_name("fifo"))  # reading it would wait for ever
    write_outbox(folder, "real", b"outbox")
    assert [path.name for path in outboxes(folder, OWN)] == [outbox_name("real")]


def test_removing_a_conflict_copy_never_removes_an_outbox(tmp_path: Path) -> None:
    outbox = write_outbox(tmp_path, OTHER, b"theirs")
    copy = tmp_path / syncthing_conflict(outbox.name, dt.datetime(2026, 12, 7, 10, 10), "ABCDEFG")
    copy.write_bytes(b"the other version")
    with pytest.raises(ValueError, match="Not a conflict copy"):
        remove_conflict_copy(outbox)
    remove_conflict_copy(copy)
    remove_conflict_copy(copy)  # already gone: another laptop removed it first
    assert outbox.read_bytes() == b"theirs"
    assert [path.name for path in tmp_path.iterdir()] == [outbox.name]


# --- A folder that cannot be used: one sentence, nothing changed ---------------------------


def one_sentence(message: str) -> bool:
    return (
        "\n" not in message
        and message.endswith(".")
        and message[0].isupper()
        and ". " not in message.replace("e.g. ", "")
    )


def every_use(folder: Path) -> dict[str, Callable[[], object]]:
    return {
        "write": lambda: write_outbox(folder, OWN, b"new"),
        "read": lambda: outboxes(folder, OWN),
        "check": lambda: check_folder(folder),
    }


@pytest.mark.parametrize("use", ["write", "read", "check"])
def test_a_missing_folder_is_one_sentence(tmp_path: Path, use: str) -> None:
    folder = tmp_path / "the stick"
    with pytest.raises(ExchangeFolderError) as raised:
        every_use(folder)[use]()
    assert one_sentence(str(raised.value)), str(raised.value)
    assert "is not there" in str(raised.value) and str(folder) in str(raised.value)
    assert not folder.exists()


@pytest.mark.parametrize("use", ["write", "read", "check"])
def test_a_file_instead_of_a_folder_is_one_sentence(tmp_path: Path, use: str) -> None:
    folder = tmp_path / "notes.txt"
    folder.write_bytes(b"kept")
    with pytest.raises(ExchangeFolderError) as raised:
        every_use(folder)[use]()
    assert one_sentence(str(raised.value)) and "is a file, not a folder" in str(raised.value)
    assert folder.read_bytes() == b"kept"


folder_names = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
    min_size=1,
    max_size=30,
).filter(lambda name: fits_a_file_name(name) and len(os.fsencode(name)) <= 200)


@settings(max_examples=40, deadline=None, suppress_health_check=ON_DISK)
@given(name=folder_names)
def test_a_folder_of_any_name_works_and_is_named_in_its_sentence(
    tmp_path_factory: Any, name: str
) -> None:
    """Odd Unicode, spaces and many dots in the folder's own name (a stick's label, say)."""
    folder = tmp_path_factory.mktemp("stick") / name
    with pytest.raises(ExchangeFolderError) as raised:
        write_outbox(folder, OWN, b"x")
    message = str(raised.value)
    assert str(folder) in message and one_sentence(message.replace(str(folder), "FOLDER"))
    folder.mkdir()
    check_folder(folder)
    theirs = write_outbox(folder, OTHER, b"theirs")
    assert outboxes(folder, OWN) == [theirs] and theirs.read_bytes() == b"theirs"


@contextmanager
def failing(call: str, code: int, *, after: int = 0) -> Iterator[None]:
    """`os.<call>` fails with `code` from its (after+1)-th use on, as a disk would; a write
    before that writes only part of what it was given, as a disk filling up does."""
    real = getattr(os, call)
    count = [0]

    def broken(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        if count[0] > after:
            raise OSError(code, os.strerror(code))
        if call == "write":
            fd, data = args
            return real(fd, data[: max(1, len(data) // 3)])
        return real(*args, **kwargs)

    setattr(os, call, broken)
    try:
        yield
    finally:
        setattr(os, call, real)


WRITE_STEPS = [("open", 0), ("write", 0), ("write", 2), ("fsync", 0), ("replace", 0)]


@pytest.mark.parametrize(("call", "after"), WRITE_STEPS)
@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "has no room (the disk is full)"),
        (errno.EDQUOT, "has no room"),
        (errno.EROFS, "(the disk is read-only)"),
        (errno.EACCES, "(this folder cannot be written to)"),
        (errno.EIO, "input/output error"),
    ],
)
def test_a_write_that_fails_at_any_step_leaves_the_old_outbox_whole(
    tmp_path: Path, call: str, after: int, code: int, words: str
) -> None:
    old = write_outbox(tmp_path, OWN, b"the old outbox")
    big = b"n" * 300_000
    with failing(call, code, after=after), pytest.raises(ExchangeFolderError) as raised:
        write_outbox(tmp_path, OWN, big)
    message = str(raised.value)
    assert one_sentence(message) and words in message, message
    assert "left as it was" in message
    assert old.read_bytes() == b"the old outbox"
    assert [path.name for path in tmp_path.iterdir()] == [old.name]


def test_a_read_only_or_unreadable_folder_is_one_sentence(tmp_path: Path) -> None:
    for call, code in (("open", errno.EROFS), ("open", errno.EACCES)):
        with failing(call, code), pytest.raises(ExchangeFolderError) as raised:
            check_folder(tmp_path)
        assert one_sentence(str(raised.value)) and "nothing was written" in str(raised.value)
    with failing("scandir", errno.EACCES), pytest.raises(ExchangeFolderError) as raised:
        outboxes(tmp_path, OWN)
    assert one_sentence(str(raised.value)) and "no outbox was read" in str(raised.value)
    assert list(tmp_path.iterdir()) == []  # the check's trial file went too


def test_a_conflict_copy_that_cannot_be_removed_is_one_sentence(tmp_path: Path) -> None:
    copy = tmp_path / nextcloud_conflict(outbox_name(OTHER), dt.datetime(2026, 1, 2), "")
    copy.write_bytes(b"copy")
    with failing("unlink", errno.EROFS), pytest.raises(ExchangeFolderError) as raised:
        remove_conflict_copy(copy)
    assert one_sentence(str(raised.value)) and "was kept" in str(raised.value)
    assert copy.read_bytes() == b"copy"


def test_every_folder_error_is_the_users_kind_of_error() -> None:
    assert issubclass(ExchangeFolderError, VoicesGroupError)


# --- Killed at every step ----------------------------------------------------------------

DISK_CALLS = ("open", "write", "fsync", "replace", "unlink")
KILLED = 77


def killed_writing_at(step: int, folder: Path, data: bytes) -> bool:
    """Write `data` as the outbox in a child killed before its `step`-th disk call; True when
    the write finished first."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(30)
            count = [0]
            for name in DISK_CALLS:
                real = getattr(os, name)

                def gated(*args: Any, _real: Callable[..., Any] = real, **kw: Any) -> Any:
                    count[0] += 1
                    if count[0] == step:
                        os._exit(KILLED)
                    return _real(*args, **kw)

                setattr(os, name, gated)
            write_outbox(folder, OWN, data)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, KILLED), f"the write failed on its own at step {step} (exit {code})"
    return code == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_write_killed_at_any_step_leaves_one_whole_outbox_and_no_reader_sees_the_rest(
    tmp_path: Path,
) -> None:
    old, new = b"old outbox " * 100, b"new outbox " * 300
    for step in range(1, 50):
        folder = tmp_path / f"step-{step}"
        folder.mkdir()
        write_outbox(folder, OWN, old)
        finished = killed_writing_at(step, folder, new)
        outbox = folder / outbox_name(OWN)
        assert outbox.read_bytes() in (old, new), f"step {step}"
        assert outboxes(folder, OTHER) == [outbox]  # a leftover temporary file is never read
        write_outbox(folder, OWN, b"next")  # and the next write clears it away
        assert [path.name for path in folder.iterdir()] == [outbox.name]
        if finished:
            assert step > 3
            return
    raise AssertionError("the write never finished")


def test_a_killed_checks_trial_file_goes_with_the_next_write(tmp_path: Path) -> None:
    real_unlink = os.unlink
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "unlink", lambda *args, **kwargs: None)  # as if killed before it
        check_folder(tmp_path)
    [trial] = list(tmp_path.iterdir())
    assert trial.name.startswith(".syncthing.") and outboxes(tmp_path, "") == []
    assert os.unlink is real_unlink
    outbox = write_outbox(tmp_path, OWN, b"outbox")
    assert list(tmp_path.iterdir()) == [outbox]


def test_the_outbox_is_written_under_a_name_both_carriers_skip(tmp_path: Path) -> None:
    """Syncthing never sends a name starting ".syncthing." (lib/fs/tempname.go, IsTemporary);
    Nextcloud never syncs "*.part" (sync-exclude.lst), nor, by default, a hidden file. And
    while it is written, a reader here does not take it for an outbox."""
    real_replace = os.replace
    seen: list[tuple[str, list[Path]]] = []

    def spying(source: Any, target: Any) -> None:
        seen.append((Path(source).name, outboxes(tmp_path, OTHER)))
        real_replace(source, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", spying)
        write_outbox(tmp_path, OWN, b"outbox")
    [(temp, listed_meanwhile)] = seen
    assert temp.startswith(".syncthing.") and temp.endswith(".part"), temp
    assert listed_meanwhile == []


def test_a_folder_the_disk_cannot_confirm_says_so_and_keeps_the_new_outbox(
    tmp_path: Path,
) -> None:
    write_outbox(tmp_path, OWN, b"old")
    with failing("fsync", errno.EIO, after=1), pytest.raises(ExchangeFolderError) as raised:
        write_outbox(tmp_path, OWN, b"new")
    assert one_sentence(str(raised.value)) and "did not confirm" in str(raised.value)
    assert (tmp_path / outbox_name(OWN)).read_bytes() == b"new"
    with failing("fsync", errno.EINVAL, after=1):  # a file system that cannot flush a folder
        write_outbox(tmp_path, OWN, b"newer")
    assert (tmp_path / outbox_name(OWN)).read_bytes() == b"newer"


# --- A real full disk and a real read-only stick (a small file system of the test's own) ----

ON_A_SMALL_DISK = r"""
import json, subprocess, sys
from pathlib import Path
from voicesgroup.errors import ExchangeFolderError
from voicesgroup.exchange.folder import check_folder, outboxes, write_outbox

folder = Path(sys.argv[1])
said = {}
old = write_outbox(folder, "laptop", b"o" * 100_000)
try:
    write_outbox(folder, "laptop", b"n" * 200_000)
except ExchangeFolderError as error:
    said["full"] = str(error)
said["after full"] = [old.read_bytes() == b"o" * 100_000, sorted(p.name for p in folder.iterdir())]
subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
for use, call in (
    ("check", lambda: check_folder(folder)),
    ("write", lambda: write_outbox(folder, "laptop", b"small")),
):
    try:
        call()
    except ExchangeFolderError as error:
        said[use] = str(error)
said["read"] = [p.name for p in outboxes(folder, "coordinator")]
print(json.dumps(said))
"""


def private_mounts_missing() -> str | None:
    import shutil

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "a file system of the test's own needs root and unshare"
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return None if probe.returncode == 0 else "this machine refuses a private mount namespace"


@pytest.mark.skipif(private_mounts_missing() is not None, reason=str(private_mounts_missing()))
def test_a_real_full_disk_and_a_real_read_only_stick(tmp_path: Path) -> None:
    """A 256 KiB file system mounted where only this test's process sees it (a private mount
    namespace: nothing outlives it), filled up, then made read-only, as a stick can be."""
    folder = tmp_path / "stick"
    folder.mkdir()
    result = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            'mount -t tmpfs -o size=256k tmpfs "$1" && exec "$2" -c "$3" "$1"',
            "sh",
            str(folder),
            sys.executable,
            ON_A_SMALL_DISK,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    said = json.loads(result.stdout)
    assert one_sentence(said["full"]) and "has no room (the disk is full)" in said["full"]
    assert said["after full"] == [True, ["voicesgroup-laptop.outbox"]]
    for use in ("check", "write"):
        assert one_sentence(said[use]) and "(the disk is read-only)" in said[use], said[use]
    assert said["read"] == ["voicesgroup-laptop.outbox"]  # a read-only stick is still read
    assert list(folder.iterdir()) == []  # the small disk was this test's alone
