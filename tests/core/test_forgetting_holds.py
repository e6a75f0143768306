"""Forgetting that holds: tombstones applied by restore, opening and check; redaction of every
free text; leftovers named and removed; every command that writes files killed and starved."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.faults import killed_at
from tests.helpers.files import files_holding
from tests.helpers.keys import FAST_KDF
from tests.helpers.records import NAME, add_group, add_member, small_file
from voicesgroup import models
from voicesgroup.cli import main
from voicesgroup.errors import PassphraseNeeded, VoicesGroupError
from voicesgroup.kinds import ConsentScope
from voicesgroup.names import find_member_names
from voicesgroup.store import Store, crypto, forgetting, integrity, redaction, tombstones
from voicesgroup.store import passphrase as protection
from voicesgroup.store.restore import restore

SECRET = "a passphrase for the folder"


@pytest.fixture(autouse=True)
def quick_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    monkeypatch.setattr(
        crypto, "_argon2id", lambda secret, salt, params: hashlib.sha256(salt + secret).digest()
    )


def forgotten_folder(tmp_path: Path, secret: str | None = None) -> tuple[Path, Path, str]:
    """A folder whose member NAME was forgotten (encrypted under `secret` before), and a copy
    of the file taken before (outside the folder). Returns (data file, that copy, their id)."""
    path = tmp_path / "folder" / "voicesgroup.json"
    store = small_file(path, opens=3)
    member = store.find_member(NAME)
    store.close()
    before = tmp_path / "before-forgetting.json"
    shutil.copy(path, before)
    with Store.open(path) as store:
        if secret:
            store.set_passphrase(secret, FAST_KDF)
        store.forget_member(member.id)
    return path, before, str(member.id)


def every_readable_byte(folder: Path, store: Store) -> list[Path]:
    """Files under `folder` holding NAME, decrypting with the store's key where sealed."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        blob = path.read_bytes()
        if crypto.is_encrypted(blob) and store.unlocked is not None:
            with contextlib.suppress(crypto.CryptoError):
                blob = crypto.open_sealed(blob, store.unlocked)
        if NAME.encode() in blob:
            found.append(path)
    return found


# -- the tombstone is content-free and documented -------------------------------------------------


def test_the_tombstone_holds_no_id_and_no_name(tmp_path: Path) -> None:
    path, _, member_id = forgotten_folder(tmp_path)
    sidecar = tombstones.sidecar_file(path)
    record = orjson.loads(sidecar.read_bytes())
    assert set(record) == {"version", "key", "members"} and record["version"] == 1
    assert len(record["members"]) == 1
    for blob in (sidecar.read_bytes(), path.read_bytes()):
        assert member_id.encode() not in blob
        assert member_id.replace("-", "").encode() not in blob
        assert NAME.encode() not in blob
    known = tombstones.in_sidecar(path)
    assert known is not None and known.holds(member_id)
    assert not known.holds("0" * 32)


def test_a_file_with_the_old_list_of_ids_moves_to_tombstones_on_open(tmp_path: Path) -> None:
    path, _, member_id = forgotten_folder(tmp_path)
    data = orjson.loads(path.read_bytes())
    meta = data["_meta"]["1"]
    del meta[tombstones.RECORD_KEY]
    meta[tombstones.LEGACY_KEY] = [member_id.replace("-", "")]
    path.write_bytes(orjson.dumps(data))
    tombstones.sidecar_file(path).unlink()
    with Store.open(path) as store:
        store.storage.save()
    stored = orjson.loads(path.read_bytes())["_meta"]["1"]
    assert tombstones.LEGACY_KEY not in stored
    assert tombstones.from_record(stored[tombstones.RECORD_KEY]).holds(member_id)  # type: ignore[union-attr]  # a record was just written


# -- restore, opening and check apply it ----------------------------------------------------------


def test_restoring_a_backup_from_before_forgetting_does_not_bring_them_back(
    tmp_path: Path,
) -> None:
    path, before, _ = forgotten_folder(tmp_path)
    done = restore(path, before)
    assert done.forgotten_again == 1
    with Store.open(path) as store:
        assert NAME not in [member.display_name for member in store.members()]
        assert store.problems() == []
        assert integrity.check_folder(store) == []
        assert every_readable_byte(path.parent, store) == []


def test_restore_says_who_was_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, before, _ = forgotten_folder(tmp_path)
    assert main(["--db", str(path), "restore", str(before)]) == 0
    out = capsys.readouterr().out
    assert "1 member in that backup had been forgotten since" in out
    assert NAME not in out


def test_an_older_copy_put_in_place_by_hand_is_forgotten_again_at_open(tmp_path: Path) -> None:
    path, before, _ = forgotten_folder(tmp_path)
    shutil.copy(before, path)
    with Store.open(path, readonly=True) as reader:
        problems = integrity.check_folder(reader)
    assert f"{path} still holds a member who was forgotten" in problems
    with Store.open(path) as store:
        assert NAME not in [member.display_name for member in store.members()]
        assert any("forgotten again" in line for line in store.finished_on_open)
        assert integrity.check_folder(store) == []
    assert files_holding(path.parent, NAME) == []


def test_check_names_every_file_in_the_folder_that_holds_a_forgotten_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, before, _ = forgotten_folder(tmp_path)
    copy = path.parent / "copy for the coordinator.json"
    shutil.copy(before, copy)
    partial = path.parent / ".record.json.x1y2.part"
    partial.write_bytes(before.read_bytes()[:200])
    code = main(["--db", str(path), "check"])
    out, err = capsys.readouterr()
    assert code != 0
    assert f"{copy} still holds a member who was forgotten" in out + err
    assert f"{partial} is left over from an interrupted write" in out + err
    with Store.open(path):
        assert not partial.exists(), "opening for changes removes a leftover"
    assert copy.exists(), "a person's own copy is named, never removed"


@pytest.mark.parametrize("ending", ["pdf", "txt", "html"])
def test_check_names_a_members_printed_record_left_beside_the_file_once_they_are_forgotten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    """Their own record, printed to a file in the data file's folder, holds their name but no
    id: it carries the record's mark, so `check` names it after they are forgotten."""
    path = tmp_path / "folder" / "voicesgroup.json"
    small_file(path, opens=1).close()
    printed = path.parent / f"record.{ending}"
    assert main(["--db", str(path), "print", "member-record", "--member", NAME,
                 "--out", str(printed)]) == 0  # fmt: skip
    assert main(["--db", str(path), "check"]) == 0, "not forgotten yet: nothing to name"
    assert main(["--db", str(path), "member", "forget", "--member", NAME, "--yes"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "check"]) != 0
    out, err = capsys.readouterr()
    assert f"{printed} still holds a member who was forgotten" in out + err


def test_an_encrypted_folder_is_searched_decrypted(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "voicesgroup.json"
    store = small_file(path, opens=2)
    store.set_passphrase(SECRET, FAST_KDF)
    member = store.find_member(NAME)
    stale = tmp_path / "stale.json"
    shutil.copy(path, stale)
    store.forget_member(member.id)
    shutil.copy(stale, path.parent / "sealed copy.json")
    problems = integrity.check_folder(store)
    store.close()
    assert problems == [
        f"{path.parent / 'sealed copy.json'} still holds a member who was forgotten"
    ]


# -- forgetting redacts every free text -----------------------------------------------------------


def _holding(path: tuple[str, ...], text: str) -> Any:
    """A record whose only content is `text` at `path` ("*": an item of a list)."""
    if not path:
        return text
    inner = _holding(path[1:], text)
    return [inner] if path[0] == "*" else {path[0]: inner}


PLACES = [
    ("sessions", ("themes", "*")),
    ("sessions", ("follow_ups", "*")),
    ("sessions", ("debrief", "answers", "went")),
    ("notes", ("member_words",)),
    ("strategies", ("title",)),
    ("strategies", ("caution",)),
    ("supervision", ("topics", "*")),
    ("rota", ("history", "*", "what")),
    ("facilitator_paths", ("skipped", "*", "reason")),
    ("groups", ("name",)),
    ("groups", ("venue",)),
    ("groups", ("agreements", "*", "points", "*")),
    ("groups", ("template", "phases", "*", "prompts", "*")),
    ("support_contacts", ("name",)),
    ("support_contacts", ("when",)),
    ("settings", ("organisation",)),
    ("consent_events", ("recorded_by",)),
    ("a_table_added_later", ("any", "field", "*")),
]
"""A sample of the places: `texts_of` reads every string wherever it stands."""


@pytest.mark.parametrize(("table", "path"), PLACES)
def test_redaction_reaches_every_kind_of_text(table: str, path: tuple[str, ...]) -> None:
    text = f"Sat with {NAME} and {NAME}'s sister"
    record = _holding(path, text) | {"created_at": "2026-01-02T10:00:00+00:00"}
    document = {table: {"1": record}}
    [listed] = redaction.mentions(document, [NAME])
    assert listed.before == text and NAME not in listed.after and "another member" in listed.after
    assert [mention.after for mention in redaction.redact(document, [NAME])] == [listed.after]
    assert NAME.encode() not in orjson.dumps(document)


def test_codes_ids_dates_and_the_tables_of_no_ones_words_are_not_read() -> None:
    record = {
        "id": NAME,
        "group_id": NAME,
        "category": NAME,
        "on": "2026-01-02",
        "words_not_names": [NAME],
    }
    document = {
        "strategies": {"1": record},
        "audit": {"1": {"detail": NAME}},
        "members": {"1": {"display_name": NAME}},
    }
    assert redaction.mentions(document, [NAME]) == []


def _str_fields(model: Any, trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """(keys down to it, its field) of every text field of a model and the models inside it."""
    import typing

    from pydantic import BaseModel

    found = []
    for name, info in model.model_fields.items():
        inner = [info.annotation]
        seen = []
        while inner:
            kind = inner.pop()
            seen.append(kind)
            inner.extend(typing.get_args(kind))
        for kind in seen:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found += _str_fields(kind, (*trail, name))
        if str in seen:
            found.append(((*trail, name), info))
    return found


def _longest(info: Any) -> int | None:
    import annotated_types

    for mark in info.metadata:
        if isinstance(mark, annotated_types.MaxLen):
            return int(mark.max_length)
    return None


def test_every_text_a_model_takes_holds_a_redacted_text() -> None:
    """Every text field is read unless a key on its way is a code; a redacted text is kept
    within the longest `LONGEST` gives its nearest key (`MAX_NAME_LENGTH` else), which the
    model must take, or the record would no longer be read."""
    for model in (*models.RECORD_TYPES, models.Settings):
        for trail, info in _str_fields(model):
            if any(k in redaction.CODES or k.endswith(("_id", "_ids")) for k in trail):
                continue
            named = [redaction.LONGEST[k] for k in trail if k in redaction.LONGEST]
            kept_within = named[-1] if named else redaction.MAX_NAME_LENGTH
            longest = _longest(info)
            if any(getattr(mark, "func", None) is models._tidy_name for mark in info.metadata):
                longest = models.MAX_NAME_LENGTH  # a `Name`
            assert longest is None or kept_within <= longest, (model.__name__, trail, longest)
    assert redaction.MAX_TEXT_LENGTH == models.MAX_TEXT_LENGTH
    assert redaction.MAX_NAME_LENGTH == models.MAX_NAME_LENGTH


def test_forgetting_redacts_sessions_notes_strategies_and_supervision(tmp_path: Path) -> None:
    from voicesgroup.models import Debrief, Facilitator, Note, Session, SupervisionMeeting

    path = tmp_path / "voicesgroup.json"
    with Store.open(path, seed=False) as store:
        group = add_group(store)
        member = add_member(store, NAME, ConsentScope.ATTENDANCE_BY_NAME)
        ben = add_member(store, "Ben", ConsentScope.PERSONAL_NOTES)
        person = Facilitator(display_name="Sol")
        store.save_facilitator(person)
        day = dt.date(2025, 3, 4)
        store.save_session(
            Session(
                group_id=group.id,
                date=day,
                themes=[f"{NAME}'s walk"],
                follow_ups=[f"Ring {NAME} about the bus"],
                debrief=Debrief(answers={"went": f"{NAME} spoke first"}),
            )
        )
        store.save_note(
            Note(member_id=ben.id, member_words=f"{NAME} helped me", agreed_by_member=True)
        )
        store.save_record(
            SupervisionMeeting(
                on=day, facilitator_ids=[person.id], held_by="Kay", topics=[f"Support for {NAME}"]
            )
        )
        preview = forgetting.texts_naming(store, member)
        assert len(preview) == 5  # three session texts, Ben's note, the topic
        report = store.forget_member(member.id)
        assert len(report.redacted) == 5
    assert files_holding(tmp_path, NAME) == []
    with Store.open(path, readonly=True) as reader:
        [session] = reader.sessions()
        assert session.themes == ["Another member's walk"]
        assert session.follow_ups == ["Ring another member about the bus"]
        assert reader.problems() == []


# -- every command that writes files, killed and starved: no leftover, no forgotten name ----------


def _restore(path: Path, before: Path) -> int:
    restore(path, before)
    return 0


def _backup(path: Path, before: Path) -> int:
    return main(["--db", str(path), "backup", "--out", str(path.parent / "copy.json")])


def _export(path: Path, before: Path) -> int:
    return main(
        [
            "--db",
            str(path),
            "member",
            "export",
            "--member",
            "Visitor 0",
            "--out",
            str(path.parent / "visitor.json"),
        ]
    )


def _export_elsewhere(path: Path, before: Path) -> int:
    """An output in a folder of its own: its partial file is found through the note beside
    the data file."""
    elsewhere = path.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    return main(
        [
            "--db",
            str(path),
            "member",
            "export",
            "--member",
            "Visitor 0",
            "--out",
            str(elsewhere / "visitor.json"),
        ]
    )


def _forget_visitor(path: Path, before: Path) -> int:
    return main(["--db", str(path), "member", "forget", "--member", "Visitor 1", "--yes"])


def _set_passphrase(path: Path, before: Path) -> int:
    with Store.open(path) as store:
        protection.apply(store, protection.prepare_set(store, SECRET, FAST_KDF))
    return 0


def _remove_passphrase(path: Path, before: Path) -> int:
    with Store.open(path, passphrase=SECRET) as store:
        protection.apply(store, protection.prepare_remove(store))
    return 0


ENCRYPTED_BEFORE = {"passphrase remove"}
COMMANDS: dict[str, Callable[[Path, Path], int]] = {
    "passphrase set": _set_passphrase,
    "passphrase remove": _remove_passphrase,
    "restore": _restore,
    "backup": _backup,
    "member export": _export,
    "member export elsewhere": _export_elsewhere,
    "member forget": _forget_visitor,
}


def _full_disk_at(step: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """ENOSPC at the `step`-th write or flush to disk (a buffered file's writes reach the
    disk at its flush, so that counts too)."""
    count = [0]
    for name in ("write", "fsync"):
        real = getattr(os, name)

        def failing(*args: Any, _real: Callable[..., Any] = real) -> Any:
            count[0] += 1
            if count[0] == step:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return _real(*args)

        monkeypatch.setattr(os, name, failing)
    return count


def _reopened(path: Path) -> Store:
    """Opened for changes, as a person would next, with whichever passphrase opens it."""
    try:
        return Store.open(path)
    except PassphraseNeeded:
        return Store.open(path, passphrase=SECRET)


def _nothing_left(path: Path) -> None:
    with _reopened(path) as store:
        assert integrity.leftover_files(path) == []
        assert not [p for p in path.parent.rglob("*") if p.name.endswith((".part", ".vg-writing"))]
        assert every_readable_byte(path.parent, store) == []
        assert integrity.check_folder(store) == []
        assert NAME not in [member.display_name for member in store.members()]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_killed_at_every_step_leaves_no_leftover_and_no_forgotten_name(
    tmp_path: Path, command: str
) -> None:
    secret = SECRET if command in ENCRYPTED_BEFORE else None
    source, before, _ = forgotten_folder(tmp_path / "source", secret)
    step = 0
    while True:
        step += 1
        folder = tmp_path / f"step-{step}"
        shutil.copytree(source.parent, folder)
        path = folder / source.name
        finished = killed_at(step, partial(COMMANDS[command], path, before))
        _nothing_left(path)
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 2


@pytest.mark.slow
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_meeting_a_full_disk_at_every_write_leaves_nothing_behind(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = SECRET if command in ENCRYPTED_BEFORE else None
    source, before, _ = forgotten_folder(tmp_path / "source", secret)
    step = 0
    while True:
        step += 1
        folder = tmp_path / f"step-{step}"
        shutil.copytree(source.parent, folder)
        path = folder / source.name
        with pytest.MonkeyPatch.context() as disk:
            calls = _full_disk_at(step, disk)
            refused = False
            try:
                finished = COMMANDS[command](path, before) == 0
            except VoicesGroupError as error:
                assert "full" in str(error)
                finished, refused = False, True
        if not finished and not refused:
            said = capsys.readouterr().err
            assert "full" in said or "No space left" in said or command == "restore", said
        _nothing_left(path)
        shutil.rmtree(folder)
        if finished and calls[0] < step:  # the disk was never full: every write was tried
            break
    assert step > 2


# -- hostile input --------------------------------------------------------------------------------

_around = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_around, min_size=1, max_size=4), name=st.sampled_from([NAME, "Aisha Khan"]))
def test_after_redaction_the_finder_finds_the_name_nowhere(parts: list[str], name: str) -> None:
    text = f" {name} ".join(parts) + f" {name}'s"
    document = {"sessions": {"1": {"themes": [text], "date": "2026-01-01"}}}
    redaction.redact(document, [name])
    [after] = document["sessions"]["1"]["themes"]
    assert not [match for match in find_member_names(after, [name]) if match.certain]
    assert len(after) <= 500


@settings(max_examples=200, deadline=None)
@given(
    record=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=70),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_any_stored_tombstone_record_is_read_or_refused_never_a_crash(record: object) -> None:
    found = tombstones.from_record(record)
    assert found is None or len(found.key) == 32


def test_check_names_an_export_of_a_member_forgotten_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "folder" / "voicesgroup.json"
    small_file(path, opens=2).close()
    export = path.parent / "their record.json"
    assert (
        main(["--db", str(path), "member", "export", "--member", NAME, "--out", str(export)]) == 0
    )
    assert main(["--db", str(path), "check"]) == 0
    assert main(["--db", str(path), "member", "forget", "--member", NAME, "--yes"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "check"]) != 0
    out, err = capsys.readouterr()
    assert f"{export} still holds a member who was forgotten" in out + err
    assert NAME not in orjson.loads(export.read_bytes())["record_of"]


def test_the_restore_a_damaged_file_names_is_the_command_that_restores_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Followed to the letter, the sentence restores the damaged file itself, not the file
    opened when none is named."""
    import re
    import shlex

    from voicesgroup.store.backups import list_backups

    path = tmp_path / "a folder with spaces" / "vg.json"
    small_file(path, opens=2).close()
    path.write_bytes(path.read_bytes()[:60])
    assert main(["--db", str(path), "members"]) != 0
    out, err = capsys.readouterr()
    [command] = re.findall(r"`([^`]*restore BACKUP)`", out + err)
    newest = list_backups(path)[0].path
    argv = [str(newest) if word == "BACKUP" else word for word in shlex.split(command)][1:]
    assert main([*argv, "--yes"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "members"]) == 0
