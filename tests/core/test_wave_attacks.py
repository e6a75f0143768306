"""Attacks on the work of the last wave, as a damaged disk, another program or a hostile file
would make them: the note that lets tables stay unread (`store/checked.py`), and the
exchange's carried part hashes and bulk text check (`exchange/outbox.py`, `applying.py`,
`models.json_surely_clean`). Each attack that is held is a passing test; each defect found is
a strict expected failure with its reason."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import pickle
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.exchange import World, group_outbox, no_real_data, readable_files, world
from tests.helpers.exchange_laptops import MEMBER as LAPTOP_MEMBER
from tests.helpers.exchange_laptops import NOTE_WORDS as LAPTOP_WORDS
from tests.helpers.exchange_laptops import Laptops, two_group_laptops
from tests.helpers.files import files_holding
from tests.helpers.records import NAME, small_file
from tests.helpers.rota_instances import check_rules, hard_instance
from voicesgroup import models
from voicesgroup.errors import ChangedMeanwhile, DamagedFile, StoreError, VoicesGroupError
from voicesgroup.exchange import outbox, service, state
from voicesgroup.exchange.applying import checked_records
from voicesgroup.exchange.merge import Entry
from voicesgroup.exchange.sharing import ORG, content_hash
from voicesgroup.models import Member
from voicesgroup.models import TrainingStatus as _Training
from voicesgroup.rota import generate, net, reasons, sessions_for
from voicesgroup.rota import model as rota_model
from voicesgroup.rota import solver as rota_solver
from voicesgroup.session_runner import SessionRunner
from voicesgroup.store import Store, checked
from voicesgroup.store import passphrase as protection
from voicesgroup.store.opening import checked_document
from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import TEMP_SUFFIX, parse_with_spans

__all__ = ["no_real_data", "world"]

ROOT = Path(__file__).resolve().parents[2]

# -- the note beside the data file ----------------------------------------------------------------


def saved(path: Path) -> bytes:
    """`path` after a save and a close by the store (which leaves the note); its bytes."""
    with Store.open(path) as store:
        store.save_member(Member(display_name="Newcomer"))
    return path.read_bytes()


def vouch(path: Path, tables: dict[str, bytes]) -> bytes:
    """Write a data file of these tables' texts and a note that vouches for its very bytes, as
    a copy from another program with a forged CRC-32 would look (the note is only a checksum);
    its bytes."""
    parts, spans, at = [b"{"], [], 1
    for index, (name, text) in enumerate(tables.items()):
        head = (b"," if index else b"") + orjson.dumps(name) + b":"
        spans.append([name, at + len(head), at + len(head) + len(text)])
        parts += [head, text]
        at += len(head) + len(text)
    blob = b"".join([*parts, b"}"])
    path.write_bytes(blob)
    body = {"format": 1, "crc32": zlib.crc32(blob), "size": len(blob), "tables": spans}
    checked_file(path).write_bytes(orjson.dumps(body))
    assert checked.spans_if_known(path, blob) is not None
    return blob


def texts(blob: bytes) -> dict[str, bytes]:
    """Each table's text in a data file's bytes."""
    _, spans = parse_with_spans(blob)
    assert spans is not None
    return {name: blob[start:end] for name, (start, end) in spans.items()}


DAMAGES = {
    "not JSON": lambda text: text[: len(text) // 2],
    "not a table": lambda text: b"[1,2,3]",
    "a record with no id": lambda text: orjson.dumps(
        {
            key: {k: v for k, v in record.items() if k != "id"}
            for key, record in orjson.loads(text).items()
        }
    ),
}


def damage(path: Path, kind: str) -> tuple[Path, bytes]:
    """The file at `path` with its sessions table damaged (`kind`) after the note vouched
    for it; its bytes."""
    tables = texts(saved(path))
    tables["sessions"] = DAMAGES[kind](tables["sessions"])
    return path, vouch(path, tables)


@pytest.fixture(params=sorted(DAMAGES))
def damaged(request: pytest.FixtureRequest, demo_path: Path) -> tuple[Path, bytes]:
    """The demo file with its sessions table damaged after the note vouched for it."""
    return damage(demo_path, request.param)


def test_history_on_a_damaged_unread_table_is_one_sentence(damaged: tuple[Path, bytes]) -> None:
    path, blob = damaged
    with Store.open(path, readonly=True) as store:
        assert "sessions" in store.storage.unread
        with pytest.raises(DamagedFile):
            store.sessions()
    assert path.read_bytes() == blob


def test_forgetting_on_a_damaged_unread_table_refuses_and_changes_nothing(
    damaged: tuple[Path, bytes],
) -> None:
    path, blob = damaged
    spans = checked.spans_if_known(path, blob)
    assert spans is not None
    start, end = spans["members"]
    member_id = orjson.loads(blob[start:end])["1"]["id"]
    with pytest.raises(StoreError), Store.open(path) as store:
        store.forget_member(UUID(member_id))
    assert path.read_bytes() == blob


COMMANDS = [
    ["check"],
    ["backup", "--out", "{dir}/copy.json"],
    ["members"],
    ["rota", "show"],
    ["report", "--csv", "{dir}/r.csv", "--from", "2025-01-01", "--to", "2025-12-31"],
    ["member", "export", "--member", "{member}", "--out", "{dir}/m.json"],
    ["member", "forget", "--member", "{member}", "--yes"],
    ["exchange", "status"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_commands_on_a_damaged_unread_table_say_one_sentence(
    damaged: tuple[Path, bytes], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, blob = damaged
    spans = checked.spans_if_known(path, blob)
    assert spans is not None
    start, end = spans["members"]
    member = orjson.loads(blob[start:end])["1"]["display_name"]
    argv = [part.format(dir=path.parent, member=member) for part in command]
    code, out, err = run(capsys, "--db", str(path), *argv)
    assert "Traceback" not in out + err
    if command[0] in ("check", "backup", "member", "report"):
        assert code != 0, "a damaged table is never called sound, copied, or left unread"
    if code != 0 and command[0] != "check":
        assert_one_clear_line(err)
    assert path.read_bytes() == blob


def test_a_backup_made_while_tables_are_unread_holds_them_whole(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blob = saved(demo_path)
    copy = demo_path.parent / "copy.json"
    code, _, err = run(capsys, "--db", str(demo_path), "backup", "--out", str(copy))
    assert code == 0, err
    assert orjson.loads(copy.read_bytes()) == orjson.loads(blob)


def test_a_failed_operation_with_a_damaged_unread_table_still_refuses_it(
    damaged: tuple[Path, bytes],
) -> None:
    """Rolling back a failed operation puts back the document it held; a table the note
    vouched for wrongly must stay one that is checked when read, not become trusted."""
    path, blob = damaged
    with pytest.raises(DamagedFile) as whole_check:
        checked_document(blob, path)
    store = Store.open(path)
    with store, pytest.raises(StoreError), store.batch():
        store.save_member(Member(display_name="Meanwhile"))  # its own table only
        store.storage.read()  # an operation that reads every table meets the damage
    assert "sessions" in store.storage.unread
    for _ in range(2):
        with pytest.raises(DamagedFile) as first_read:
            store.sessions()
        assert str(first_read.value) == str(whole_check.value)
    assert path.read_bytes() == blob


class _Failed(Exception):
    """An operation that fails part-way, for a reason of its own."""


def _fail_a_batch_then_read(store: Store, table: str, read_inside: bool, nested: bool) -> object:
    """A group of writes that fails in `store` (inside another that fails, when `nested`),
    checked to leave the store as it was; then the whole document read, or its refusal."""
    unread, before = store.storage.unread, store.storage.text()[0]
    with contextlib.ExitStack() as groups:
        if nested:
            groups.enter_context(pytest.raises(_Failed))
            groups.enter_context(store.batch())
        with contextlib.suppress(_Failed, StoreError), store.batch():
            store.save_support_contact(models.SupportContact(name="Meanwhile", how="0800"))
            if read_inside:
                with contextlib.suppress(StoreError):
                    store.storage.table(table)
            raise _Failed
        assert (store.storage.unread, store.storage.text()[0]) == (unread, before)
        if nested:
            raise _Failed
    assert (store.storage.unread, store.storage.text()[0]) == (unread, before)
    try:
        return store.storage.read()
    except StoreError as error:
        return str(error)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(["sessions", "members", "strategies", "rota", "notes"]),
    text=st.one_of(
        st.none(),  # the table as it was: sound
        st.sampled_from([b"{}", b"[]", b"{", b'{"1":{}}', b'{"1":{"id":"a"},"2":{"id":"a"}}']),
        st.binary(min_size=1, max_size=12),
    ),
    read_inside=st.booleans(),
    nested=st.booleans(),
)
def test_any_failed_batch_puts_back_the_document_as_it_was_read_or_not(
    demo_path: Path,
    demo_bytes: bytes,
    table: str,
    text: bytes | None,
    read_inside: bool,
    nested: bool,
) -> None:
    """Whatever an unread table's text is, a group of writes that fails (inside another group
    or not, having read that table or not) leaves the store holding what it held: the same
    tables unread, the same bytes to save, and the same answer when the table is read."""
    tables = texts(demo_bytes)
    if text is not None:
        tables[table] = text if text.strip() else b"{"
    blob = vouch(demo_path, tables)
    try:
        store = Store.open(demo_path)
    except StoreError as error:  # opening itself read the table (a member's forgetting)
        read: object = str(error)
    else:
        with store:
            read = _fail_a_batch_then_read(store, table, read_inside, nested)
    try:
        whole: object = checked_document(blob, demo_path)
    except StoreError as error:
        whole = str(error)
    assert read == whole
    assert demo_path.read_bytes() == blob


def test_setting_a_passphrase_with_a_damaged_unread_table_loses_nothing_silently(
    damaged: tuple[Path, bytes], quick_kdf: None
) -> None:
    path, blob = damaged
    secret = "a long passphrase here"
    with Store.open(path) as store:
        try:
            store.set_passphrase(secret, kdf=None)
        except StoreError:
            assert path.read_bytes() == blob
            return
    with pytest.raises(DamagedFile), Store.open(path, passphrase=secret) as store:
        store.storage.read()


def test_forgetting_with_every_table_unread_leaves_the_name_in_no_file(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "voicesgroup.json"
    small_file(path, opens=2).close()
    with Store.open(path) as store:
        assert store.storage.unread, "the note left the tables unread"
        store.forget_member(store.find_member(NAME).id)
    assert files_holding(path.parent, NAME) == []
    with Store.open(path) as store:
        assert NAME not in [member.display_name for member in store.members()]


def test_an_older_copy_put_back_with_its_own_note_is_forgotten_again(tmp_path: Path) -> None:
    """A folder restored by another program (the file and the note beside it, both from
    before the forgetting): the note is true of those bytes, so tables stay unread, and the
    forgotten member must still be forgotten again."""
    path = tmp_path / "folder" / "voicesgroup.json"
    small_file(path, opens=2).close()
    older, older_note = tmp_path / "older.json", tmp_path / "older.checked"
    shutil.copy(path, older)
    shutil.copy(checked_file(path), older_note)
    with Store.open(path) as store:
        store.forget_member(store.find_member(NAME).id)
    shutil.copy(older, path)
    shutil.copy(older_note, checked_file(path))
    with Store.open(path) as store:
        assert NAME not in [member.display_name for member in store.members()]
    assert files_holding(path.parent, NAME) == []


def test_a_note_copied_from_another_file_is_ignored(tmp_path: Path, demo_bytes: bytes) -> None:
    one, other = tmp_path / "one" / "voicesgroup.json", tmp_path / "other" / "voicesgroup.json"
    for path in (one, other):
        path.parent.mkdir()
        path.write_bytes(demo_bytes)
    saved(one)
    small_file(other, opens=1).close()
    shutil.copy(checked_file(one), checked_file(other))
    assert checked.spans_if_known(other, other.read_bytes()) is None
    with Store.open(other, readonly=True) as store:
        assert not store.storage.unread


def test_a_kill_between_a_save_and_the_note_leaves_the_old_note_unheeded(demo_path: Path) -> None:
    saved(demo_path)
    store = Store.open(demo_path)
    store.save_member(Member(display_name="Saved before the kill"))
    # killed here: no close, so the note is still that of the bytes before
    assert checked.spans_if_known(demo_path, demo_path.read_bytes()) is None
    with Store.open(demo_path, readonly=True) as again:
        assert not again.storage.unread
        assert "Saved before the kill" in [m.display_name for m in again.members()]


# -- what comes in through the exchange: the bulk check of texts ---------------------------------

ESCAPES = [
    *(r"\u0000", r"\u001f", r"\u001F", r"\u007f", r"\u007F", r"\u0085", r"\u009f", r"\u00a0"),
    *(r"\u2028", r"\u2029", r"\ufeff", r"\ud800", r"\udc00", r"\ud83d\ude00", r"\u000a"),
    *(r"\\u0001", r"\\\u0001", r"\\", r"\b", r"\f", r"\r", r"\n", r"\t", r"\/", r"\"", "u"),
    *("0", "1", "a", "\u00e9", "\u2028", "\x7f", "\u0085", " "),
]
"""Pieces of a JSON string as a hostile outbox could write them: escapes of every control
character class, surrogates alone and paired, backslashes escaped before a `u`, and raw
characters that JSON lets stand unescaped."""


def _json_text(pieces: list[str]) -> object:
    """The string a reader parses from these pieces written as one JSON string, or None when
    they are not valid JSON (the reader refuses those before any check)."""
    try:
        return orjson.loads(('"' + "".join(pieces) + '"').encode("utf-8"))
    except orjson.JSONDecodeError:
        return None


@dataclass
class _Summary:
    problems: list[str] = field(default_factory=list)


@dataclass
class _Run:
    summary: _Summary = field(default_factory=_Summary)


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(st.lists(st.sampled_from(ESCAPES), min_size=1, max_size=6), max_size=4),
    how=st.lists(st.sampled_from(ESCAPES), max_size=6),
)
def test_json_escapes_in_an_outbox_never_slip_a_control_character_past_the_bulk_check(
    names: list[list[str]], how: list[str]
) -> None:
    documents = []
    for pieces in names:
        name, said = _json_text(pieces), _json_text(how)
        if isinstance(name, str) and isinstance(said, str):
            documents.append({"id": str(uuid4()), "created_at": "2026-01-05T10:00:00Z"})
            documents[-1] |= {"name": name, "how": said}
    expected = []
    for document in documents:
        try:
            expected.append(models.SupportContact.model_validate(document).model_dump(mode="json"))
        except ValidationError:
            expected.append(None)
    run: Any = _Run()
    table = {"support_contacts": models.SupportContact}
    assert checked_records(run, "support_contacts", documents, table) == expected
    assert len(run.summary.problems) == expected.count(None)


def test_the_checked_flag_never_reaches_a_record_typed_afterwards() -> None:
    """A table taken in with its texts checked at once leaves nothing behind that lets a
    record typed later skip its own check, whatever it was built from."""
    clean = {"id": str(uuid4()), "created_at": "2026-01-05T10:00:00Z", "name": "Line", "how": "x"}
    run: Any = _Run()
    [taken] = checked_records(
        run, "support_contacts", [clean], {"support_contacts": models.SupportContact}
    )
    assert taken is not None
    record = models.SupportContact.model_validate(taken)
    for typed in ("\x1b[31mred", "bell\x07", "del\x7f", "c1\x85"):
        with pytest.raises(ValidationError):
            models.SupportContact(name=typed, how="x")
        with pytest.raises(ValidationError):
            record.with_changes(how=typed)
        with pytest.raises(ValidationError):
            models.SupportContact.model_validate({**taken, "how": typed})
        with pytest.raises(ValidationError):
            models.SupportContact.model_validate(
                {**taken, "how": typed}, context={models.TEXTS_CHECKED: "yes"}
            )


# -- what comes in through the exchange: outboxes of format 2 that lie -----------------------------

Parts = dict[str, list[Entry]]


def _keys(db: Path) -> dict[str, bytes]:
    """A laptop's keys: the organisation's under ORG, each group's under its id."""
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    keys = {ORG: bytes.fromhex(record["org_key"])}
    return keys | {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}


def _resealed(
    blob: bytes,
    keys: dict[str, bytes],
    change: Callable[[Parts], Parts],
    seal: Callable[..., bytes] | None = None,
) -> bytes:
    """The outbox sealed again (by `outbox.seal`, unless `seal` is given), its parts (by
    section) as `change` makes them."""
    org_parts = outbox.open_sealed(blob, keys[ORG], {}).parts
    opened = outbox.open_sealed(blob, keys[ORG], keys)
    [group] = [name for name in keys if name != ORG]
    sections = change({ORG: org_parts, group: opened.parts[len(org_parts) :]})
    contents = outbox.Contents(
        opened.replica, opened.role, opened.groups, opened.serial, opened.written_ms
    )
    contents.tombstones = opened.tombstones
    return (seal or outbox.seal)(contents, keys[ORG], {group: keys[group]}, sections)


def _sealed_as_format_1(*args: Any) -> bytes:
    """`outbox.seal` as the version before wrote outboxes: format 1, rows without hashes."""
    with pytest.MonkeyPatch.context() as older:
        encode = outbox._encode_parts
        older.setattr(outbox, "FORMAT", 1)
        older.setattr(outbox, "_encode_parts", lambda parts: [row[:6] for row in encode(parts)])
        return outbox.seal(*args)


def _shared(db: Path) -> dict[str, Any]:
    data = orjson.loads(db.read_bytes())
    return {table: data.get(table) for table in ("groups", "facilitators", "sessions", "rota")}


def _other(content: dict[str, Any], above: bool) -> dict[str, Any]:
    """The content with another name, whose hash is above (or below) the content's own: the
    order in which a tie between two versions is settled."""
    own = content_hash(content)
    for n in range(1000):
        other = {**content, "display_name": f"Impostor {n}"}
        if (content_hash(other) > own) is above:
            return other
    raise AssertionError("no name found")


def _twins(lie: bool, above: bool = True) -> Callable[[Parts], Parts]:
    """Each facilitator given twice under one id, the second time with other content: under
    the first's hash (`lie`), or under its own true hash (above or below the first's)."""

    def change(sections: Parts) -> Parts:
        changed = {}
        for name, parts in sections.items():
            extra = []
            for part in parts:
                if part.kind == "facilitators" and part.content is not None:
                    other = _other(part.content, above)
                    told = part.digest or content_hash(part.content)
                    extra.append(part._replace(content=other, digest=told if lie else None))
            changed[name] = [*parts, *extra]
        return changed

    return change


def _second_coordinator(world: World, name: str) -> Path:
    laptop = world.laptop(name)
    world.use_passphrases("river stones and tea")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--coordinator", "--yes"
    )
    assert code == 0, err
    return laptop


@pytest.mark.parametrize(
    ("lie", "above"),
    [
        pytest.param(True, True, id="second under the first's hash"),
        pytest.param(False, True, id="second's true hash above"),
        pytest.param(False, False, id="second's true hash below"),
    ],
)
def test_a_part_given_twice_under_one_id_never_splits_the_laptops(
    world: World, lie: bool, above: bool
) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    honest = path.read_bytes()
    misled, also = _second_coordinator(world, "misled"), _second_coordinator(world, "also")
    path.write_bytes(_resealed(honest, _keys(world.group), _twins(lie, above)))
    world.exchange(misled)
    world.exchange(also)
    taken = [f["display_name"] for f in _shared(misled)["facilitators"].values()]
    assert len(taken) == 1 and (taken[0] == "Rosa" or taken[0].startswith("Impostor")), (
        "one record for one id"
    )
    assert _shared(also) == _shared(misled), "two readers of one outbox take the same"
    path.write_bytes(honest)
    for laptop in (world.coordinator, misled, world.group, world.coordinator, misled) * 3:
        world.exchange(laptop)
    assert _shared(misled) == _shared(world.coordinator)
    assert _shared(misled)["facilitators"] == _shared(world.group)["facilitators"]


def _with_control_characters(sections: Parts) -> Parts:
    """Every text of every facilitator given an escape sequence, under its true hash."""
    changed = {}
    for name, parts in sections.items():
        changed[name] = []
        for part in parts:
            if part.kind == "facilitators" and part.content is not None:
                content = {**part.content, "display_name": "Rosa\x1b[2J\u0085"}
                part = part._replace(content=content, digest=content_hash(content))
            changed[name].append(part)
    return changed


def test_control_characters_under_a_true_hash_are_left_out(world: World) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    path.write_bytes(_resealed(path.read_bytes(), _keys(world.group), _with_control_characters))
    world.exchange(world.coordinator)
    assert b"\\u001b" not in world.coordinator.read_bytes()
    assert "\u0085".encode() not in world.coordinator.read_bytes()


# -- the exchange's steps apart: prepared on a copy, applied, delivered ---------------------------


@pytest.fixture
def brings_changes(tmp_path: Path) -> Laptops:
    """Two laptops of a group; the second has sent a change the first has not taken in."""
    made = two_group_laptops(tmp_path)
    with Store.open(made.second) as store:
        store.save_support_contact(models.SupportContact(name="Canal walk line", how="0800"))
        service.exchange(store)
    return made


def _readable(db: Path) -> bytes:
    return b"".join(readable_files(db).values())


def test_a_forget_while_the_exchange_was_prepared_refuses_it_and_the_name_goes_everywhere(
    brings_changes: Laptops,
) -> None:
    made = brings_changes
    with Store.open(made.group) as store:
        prepared = service.prepare(service.begin(store))
        store.forget_member(store.find_member(LAPTOP_MEMBER).id)  # meanwhile, on the UI thread
        with pytest.raises(ChangedMeanwhile):
            service.apply(store, prepared)
        service.exchange(store)
    with Store.open(made.second) as store:
        service.exchange(store)
    for laptop in (made.group, made.second):
        found = _readable(laptop)
        assert LAPTOP_MEMBER.encode() not in found and LAPTOP_WORDS.encode() not in found


def test_the_folder_vanishing_between_apply_and_deliver_is_one_sentence_and_heals(
    brings_changes: Laptops,
) -> None:
    made = brings_changes
    with Store.open(made.group) as store:
        store.save_support_contact(models.SupportContact(name="Harbour line", how="0800"))
        delivery = service.apply(store, service.prepare(service.begin(store)))
        assert "Canal walk line" in {c.name for c in store.support_contacts()}
        made.folder.rename(made.folder.with_name("away"))
        with pytest.raises(VoicesGroupError) as refused:
            service.deliver(delivery)
        assert "\n" not in str(refused.value) and "Traceback" not in str(refused.value)
        made.folder.with_name("away").rename(made.folder)
        service.exchange(store)
    with Store.open(made.second) as store:
        service.exchange(store)
        assert "Harbour line" in {c.name for c in store.support_contacts()}


def test_quitting_with_an_exchange_prepared_and_not_applied_changes_nothing(
    brings_changes: Laptops,
) -> None:
    made = brings_changes
    before = made.group.read_bytes()
    outboxes = {p: p.read_bytes() for p in made.folder.glob("*.outbox")}
    with Store.open(made.group) as store:
        service.prepare(service.begin(store))
    assert made.group.read_bytes() == before
    assert {p: p.read_bytes() for p in made.folder.glob("*.outbox")} == outboxes
    with Store.open(made.group) as store:
        service.exchange(store)
        assert "Canal walk line" in {c.name for c in store.support_contacts()}


def test_an_exchange_on_a_damaged_unread_table_is_one_sentence(brings_changes: Laptops) -> None:
    made = brings_changes
    saved(made.group)
    tables = texts(made.group.read_bytes())
    tables["notes"] = DAMAGES["not a table"](tables["notes"])
    blob = vouch(made.group, tables)
    with Store.open(made.group) as store, pytest.raises(VoicesGroupError):
        service.exchange(store)
    assert made.group.read_bytes() == blob


# -- the rota's solver apart, and its pairs -------------------------------------------------------
# The functions below run in the solver's own process in place of HiGHS (`net.SOLVER`): each is
# found there by its module's name, as `tests/helpers/stuck_solver.py`'s is.


def dies_at_once(sending: Any, *_: Any) -> None:
    """Killed as soon as it took its work (the OOM killer, a user's `kill`)."""
    os._exit(9)


def garbage_then_dies(sending: Any, *_: Any) -> None:
    """Writes bytes that are no answer on its pipe, then ends."""
    sending.write(b"\x80\x05garbage that is not a pickle\x00\xff" * 20)
    sending.flush()
    os._exit(0)


def half_an_answer(sending: Any, problem: Any, greedy: Any, *_: Any) -> None:
    """Killed half-way through writing a better rota."""
    blob = pickle.dumps(("better", greedy))
    sending.write(blob[: len(blob) // 2])
    sending.flush()
    os._exit(9)


def a_rota_of_the_wrong_shape(sending: Any, *_: Any) -> None:
    """Reports as its better rota something that is not one (a bug, a wrong version)."""
    pickle.dump(("better", [[10**6, -1]]), sending)
    sending.flush()
    os._exit(0)


def a_rota_that_breaks_the_rules(sending: Any, problem: Any, greedy: Any, *_: Any) -> None:
    """Reports as better the same two people in every session (a bug in the solver's model),
    then ends."""
    pickle.dump(("better", [[0, 1] for _ in greedy]), sending)
    sending.flush()
    os._exit(0)


BROKEN_SOLVERS = [
    dies_at_once,
    garbage_then_dies,
    half_an_answer,
    a_rota_of_the_wrong_shape,
    a_rota_that_breaks_the_rules,
]


@pytest.mark.parametrize("broken", BROKEN_SOLVERS, ids=lambda f: f.__name__)
def test_a_solver_process_that_breaks_leaves_the_first_rota_labelled(
    monkeypatch: pytest.MonkeyPatch, broken: Callable[..., None]
) -> None:
    monkeypatch.setattr(net, "SOLVER", broken)
    monkeypatch.setattr(rota_solver, "TIME_LIMIT_S", 0.0)
    monkeypatch.setattr(net, "GRACE_S", 120.0)  # so the broken process is waited for, not cut
    groups, people, start, weeks, keep = hard_instance("few_women", 3)
    result = generate(groups, people, start, weeks, keep=keep)
    assert not result.proven
    check_rules(groups, people, keep, result)
    assert all(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)


@dataclass(frozen=True)
class _Held:
    """A session as `check_rules` reads it."""

    group_id: UUID
    date: dt.date
    lead_id: UUID | None
    co_id: UUID | None


@functools.cache
def _planned(
    kind: str, seed: int
) -> tuple[Any, list[list[int]], Callable[[list[list[int]]], bool]]:
    """A hard instance's problem, the planner's rota of it, and the test's own reading of its
    rules for a rota given as the solver's process gives one (`check_rules`, roles given so
    that one may lead)."""
    groups, people, start, weeks, keep = hard_instance(kind, seed)
    kept = {(a.group_id, a.date) for a in keep}
    sessions = [s for s in sessions_for(groups, start, weeks) if (s.group_id, s.date) not in kept]
    problem = rota_model.build(groups, people, sessions, [], keep)

    def keeps(rota: list[list[int]]) -> bool:
        held = []
        for session, found in zip(problem.sessions, rota, strict=True):
            ids = [problem.facs[i].id for i in found]
            if len(ids) == 2 and problem.facs[found[0]].training is _Training.IN_TRAINING:
                ids.reverse()  # the one not in training leads
            held.append(_Held(session.group_id, session.date, *ids, *[None] * (2 - len(ids))))
        try:
            check_rules(groups, people, keep, SimpleNamespace(assignments=held))
        except AssertionError:
            return False
        return True

    return problem, rota_solver.solve(problem).people, keeps


@settings(max_examples=80, deadline=None)
@given(kind=st.sampled_from(["few_women", "same_day", "tight_few"]), data=st.data())
def test_a_rota_from_the_solvers_process_is_taken_only_when_it_keeps_every_rule(
    kind: str, data: st.DataObject
) -> None:
    """Any rota the solver's process could report, well formed or not: `net` takes it exactly
    when it is one of this problem's and the test's own reading of the rules finds it keeps
    them; anything else (the wrong length, a stranger's index, someone twice) is refused."""
    problem, planned, keeps = _planned(kind, data.draw(st.integers(0, 3)))
    n, size = len(problem.facs), len(problem.sessions)
    person = st.integers(0, n - 1)
    changed = st.lists(
        st.tuples(
            st.integers(0, size - 1),
            st.one_of(person.map(lambda i: [i]), st.lists(person, max_size=2, unique=True)),
        ),
        max_size=2,
    ).map(lambda changes: [dict(changes).get(s, found) for s, found in enumerate(planned)])
    rota = data.draw(
        st.one_of(
            changed,  # the planner's own rota, a session or two changed: often still sound
            st.lists(st.lists(person, max_size=2, unique=True), min_size=size, max_size=size),
            st.lists(
                st.lists(st.one_of(person, st.integers(-2, n + 2), st.booleans()), max_size=3),
                max_size=size + 1,
            ),
        )
    )
    whole = (
        len(rota) == size
        and all(len(found) <= 2 and len(set(found)) == len(found) for found in rota)
        and all(type(i) is int and 0 <= i < n for found in rota for i in found)
    )
    taken = net.keeps_the_rules(problem, rota)
    event(f"taken: {taken}")
    assert taken == (whole and keeps(rota))


def _leaving(people: list[models.Facilitator], seed: int) -> list[models.Facilitator]:
    """The team with one facilitator gone (left, forgotten), the others' requests to work with
    or apart from them kept, as a form saved before they left would keep them."""
    gone = people[seed % len(people)]
    kept = [p for p in people if p.id != gone.id]
    return [
        p.with_changes(prefers=[*p.prefers, gone.id], avoids=[*p.avoids, gone.id])
        if k % 2
        else p.with_changes(prefers=[gone.id])
        for k, p in enumerate(kept)
    ]


@pytest.mark.parametrize("seed", range(4))
def test_requests_to_work_with_someone_who_left_plan_a_rota_that_keeps_the_rules(
    seed: int,
) -> None:
    groups, people, start, weeks, keep = hard_instance("same_day", seed)
    team = _leaving(people, seed)
    result = generate(groups, team, start, weeks, keep=keep)
    check_rules(groups, team, keep, result)
    assert result.assignments


_ONE_PLAN = """
import sys
from tests.helpers.rota_instances import hard_instance
from voicesgroup.rota import generate
groups, people, start, weeks, keep = hard_instance(sys.argv[1], int(sys.argv[2]))
result = generate(groups, people, start, weeks, keep=keep)
for a in result.assignments:
    print(a.group_id, a.date, a.lead_id, a.co_id, a.reason)
print(result.proven)
"""


@pytest.mark.parametrize(("kind", "seed"), [("same_day", 1), ("few_women", 1)])
def test_the_same_data_plans_the_same_rota_in_two_runs(kind: str, seed: int) -> None:
    """Two runs of the app (each with its own string hashing) plan the very same rota."""
    plans = [
        subprocess.run(
            [sys.executable, "-c", _ONE_PLAN, kind, str(seed)],
            capture_output=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
        ).stdout
        for hashseed in ("1", "2024")
    ]
    assert plans[0] and plans[0] == plans[1]


def _but_audit(document: dict[str, Any]) -> dict[str, Any]:
    """A document's tables but the audit log (which says what was done to it)."""
    return {name: table for name, table in document.items() if name != "audit"}


def test_a_passphrase_set_and_removed_with_tables_unread_keeps_every_table(
    demo_path: Path, quick_kdf: None
) -> None:
    whole = _but_audit(orjson.loads(saved(demo_path)))
    secret = "a long passphrase here"
    with Store.open(demo_path) as store:
        assert store.storage.unread
        store.set_passphrase(secret, kdf=None)
    with Store.open(demo_path, passphrase=secret) as store:
        assert _but_audit(store.storage.read()) == whole
        protection.apply(store, protection.prepare_remove(store))
    assert _but_audit(orjson.loads(demo_path.read_bytes())) == whole


def test_restoring_a_backup_over_a_file_with_a_note_reads_the_backup_whole(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved(demo_path)
    copy = demo_path.parent / "copy.json"
    code, _, err = run(capsys, "--db", str(demo_path), "backup", "--out", str(copy))
    assert code == 0, err
    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="Added after the backup"))
    assert checked.spans_if_known(demo_path, demo_path.read_bytes()) is not None
    code, _, err = run(capsys, "--db", str(demo_path), "restore", "--yes", str(copy))
    assert code == 0, err
    with Store.open(demo_path, readonly=True) as store:
        names = [member.display_name for member in store.members()]
        assert "Added after the backup" not in names
        assert _but_audit(store.storage.read()) == _but_audit(orjson.loads(copy.read_bytes()))


def test_check_reads_every_table_the_note_left_unread(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` on a sound file says so; on one whose last table is damaged under a true-looking
    note it names that table (the note never lets `check` pass over a table)."""
    saved(demo_path)
    code, _, err = run(capsys, "--db", str(demo_path), "check")
    assert code == 0, err
    tables = texts(demo_path.read_bytes())
    last = [name for name in tables if name not in ("_meta", "settings")][-1]
    tables[last] = b"[]"
    vouch(demo_path, tables)
    code, out, err = run(capsys, "--db", str(demo_path), "check")
    assert code != 0 and last in out + err and "Traceback" not in out + err


def _hard_file(path: Path) -> tuple[str, int]:
    """A data file of groups and facilitators HiGHS must search for; (start, weeks)."""
    groups, people, start, weeks, _ = hard_instance("few_women", 3)
    with Store.open(path, seed=False) as store, store.batch():
        for group in groups:
            store.save_group(group)
        for person in people:
            store.save_facilitator(person)
    return start.isoformat(), weeks


def test_a_rota_published_unproven_stays_labelled_and_a_later_plan_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "hard.json")
    start, weeks = _hard_file(tmp_path / "hard.json")
    plan = ("rota", "generate", "--all", "--weeks", str(weeks), "--from", start, "--publish")
    with monkeypatch.context() as short:
        short.setattr(rota_solver, "TIME_LIMIT_S", 0.0)
        code, _, err = run(capsys, "--db", db, *plan)
    assert code == 0, err
    code, out, err = run(capsys, "--db", db, "rota", "show", "--json")
    published = json.loads(out)
    assert code == 0 and published and not any(row["proven"] for row in published)
    code, _, err = run(capsys, "--db", db, "rota", "ics", "--out", str(tmp_path / "r.ics"))
    assert code == 0, err
    later = ("rota", "generate", "--all", "--weeks", str(weeks + 4), "--from", start)
    code, _, err = run(capsys, "--db", db, *later)  # the net not reached this time
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "rota", "show", "--json")
    after = {(row["group"], row["date"]): row for row in json.loads(out)}
    assert len(after) > len(published), "the later plan added sessions"
    for row in published:
        kept = after[(row["group"], row["date"])]
        assert (kept["lead"], kept["co"], kept["proven"]) == (row["lead"], row["co"], False)
    code, out, err = run(capsys, "--db", db, "rota", "review", "--json")
    found = json.loads(out)
    assert code == 0 and found["rule_breaks"] == []
    assert found["proven"] is False and found["unproven_sessions"] >= len(published)


def test_an_outbox_of_format_1_beside_ones_of_format_2_reads_as_the_same(world: World) -> None:
    """A laptop still on the version before writes format 1 (no hashes): a reader of it and a
    reader of the same parts in format 2 hold the same, and each relays true hashes."""
    world.exchange(world.group)
    path = group_outbox(world)
    honest = path.read_bytes()
    old = _resealed(honest, _keys(world.group), lambda sections: sections, _sealed_as_format_1)
    assert outbox.read_header(old)[0]["format"] == 1
    old_reader = _second_coordinator(world, "old-reader")
    path.write_bytes(old)
    world.exchange(old_reader)
    path.write_bytes(honest)
    world.exchange(world.coordinator)
    assert _shared(old_reader) == _shared(world.coordinator)
    keys = _keys(world.group)
    for laptop in (old_reader, world.coordinator):
        record = state.read(orjson.loads(laptop.read_bytes()))
        assert record is not None
        own = Path(record["folder"]) / f"voicesgroup-{record['replica']}.outbox"
        for part in outbox.open_sealed(own.read_bytes(), keys[ORG], {}).parts:
            if part.content is not None:
                assert part.digest == content_hash(part.content)


def test_a_forget_arriving_while_a_session_is_open_never_brings_the_name_back(
    tmp_path: Path,
) -> None:
    """The organisation forgets a member while this laptop runs a session naming her: the
    exchange forgets her here; the session's next change (the screen still holds the session
    as it was) is refused in a sentence or saved without her, never with her name."""
    made = two_group_laptops(tmp_path)
    store = Store.open(made.group)
    try:
        group = store.groups()[0]
        member = store.find_member(LAPTOP_MEMBER)
        runner = SessionRunner.start(store, group, dt.date(2025, 3, 11), [])
        runner.toggle_member(member.id)
        runner.add_theme(f"{LAPTOP_MEMBER} found the canal helps")
        with Store.open(made.second) as there:
            there.forget_member(there.find_member(LAPTOP_MEMBER).id)
            service.exchange(there)
        service.exchange(store)
        assert LAPTOP_MEMBER not in [m.display_name for m in store.members()]
        with contextlib.suppress(VoicesGroupError):
            runner.change_anonymous(1)
        with contextlib.suppress(VoicesGroupError):
            runner.add_theme("Sleep")
    finally:
        store.close()
    assert LAPTOP_MEMBER.encode() not in _readable(made.group)


def test_a_note_cut_off_by_a_kill_as_the_store_closed_is_named_and_then_removed(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blob = saved(demo_path)
    note = checked_file(demo_path)
    cut = note.with_name(f".{note.name}.4242{TEMP_SUFFIX}")
    cut.write_bytes(note.read_bytes()[:30])
    note.write_bytes(note.read_bytes()[:30])  # and the note itself cut short
    code, out, err = run(capsys, "--db", str(demo_path), "check")
    assert code != 0, "a leftover is reported"
    assert "Traceback" not in out + err
    assert str(cut) in out + err
    with Store.open(demo_path) as store:
        assert not store.storage.unread, "a note cut short vouches for nothing"
        assert store.storage.read() == orjson.loads(blob)
    assert not cut.exists()


TABLE_TEXTS = st.one_of(
    st.binary(min_size=1, max_size=12),
    st.recursive(
        st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=4),
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=5,
    ).map(orjson.dumps),
    st.dictionaries(
        st.sampled_from(["1", "2", "01", "x", ""]),
        st.dictionaries(st.sampled_from(["id", "name", "display_name"]), st.text(max_size=3)),
        max_size=2,
    ).map(orjson.dumps),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    table=st.sampled_from(["sessions", "members", "strategies", "rota", "notes"]), text=TABLE_TEXTS
)
def test_any_text_in_an_unread_table_under_a_vouching_note_reads_as_the_whole_check(
    demo_path: Path, demo_bytes: bytes, table: str, text: bytes
) -> None:
    """Whatever a table's text became after the note vouched for the file, every reader sees
    what checking the whole file would give: the same data, or the same one sentence."""
    tables = texts(demo_bytes)
    tables[table] = text
    blob = vouch(demo_path, tables)

    def whole() -> object:
        try:
            return checked_document(blob, demo_path)
        except StoreError as error:
            return error

    def lazily() -> object:
        try:
            with Store.open(demo_path, readonly=True, create=False) as store:
                return store.storage.read()
        except StoreError as error:
            return error

    expected, found = whole(), lazily()
    if isinstance(expected, StoreError):  # refused: by the very same one sentence
        assert type(found) is type(expected), found
        assert str(found) == str(expected)
        assert "\n" not in str(found) and str(demo_path) in str(found)
    else:
        assert found == expected
