"""Each part of an outbox carries its content's hash (format 2), so a laptop stores what it takes
in whole without hashing it again. These tests hold the writer to telling the truth, the
reader to taking nothing but well-formed rows, and show that a hash that lies changes nothing
taken in and does not outlive the reader's next change; an outbox of format 1 (no hashes) is
still read."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.exchange import World, group_outbox, no_real_data, world
from voicesgroup.exchange import outbox, state
from voicesgroup.exchange.sharing import ORG, content_hash
from voicesgroup.models import Facilitator
from voicesgroup.store import Store

__all__ = ["no_real_data", "world"]

ORG_KEY = os.urandom(32)
REPLICA = "a" * 32
STAMP = [1_700_000_000_000, 0, REPLICA]


def _sealed_as(version: int, sections: dict[str, dict[str, Any]], keys: dict[str, bytes]) -> bytes:
    """An outbox laid out as the module's docstring says, written here from that description
    (not by `outbox.seal`): any rows, under any format version, sealed with the right keys."""
    plain = {name: json.dumps(body).encode() for name, body in sections.items()}
    nonces = {name: secrets.token_bytes(12) for name in plain}
    header = {
        "format": version,
        "replica": REPLICA,
        "role": "group",
        "groups": [name for name in plain if name != ORG],
        "serial": 1,
        "written_ms": STAMP[0],
        "sections": [
            {"name": name, "nonce": nonces[name].hex(), "length": len(blob) + 16}
            for name, blob in plain.items()
        ],
    }
    head = orjson.dumps(header, option=orjson.OPT_SORT_KEYS)
    prefix = outbox.MAGIC + len(head).to_bytes(4, "big") + head
    sealed = [prefix]
    for name, blob in plain.items():
        info = b"voicesgroup exchange section v1:" + name.encode()
        key = HKDF(hashes.SHA256(), 32, None, info).derive(keys[name])
        sealed.append(AESGCM(key).encrypt(nonces[name], blob, prefix))
    return b"".join(sealed)


def _org_outbox(version: int, rows: list[Any]) -> bytes:
    return _sealed_as(version, {ORG: {"parts": rows, "tombstones": []}}, {ORG: ORG_KEY})


def test_an_outbox_of_format_1_is_still_read_and_its_hashes_worked_out_by_the_reader() -> None:
    rows = [["groups", "g", STAMP, None, {"id": "g", "name": "Tuesday"}, None]]
    [entry] = outbox.open_sealed(_org_outbox(1, rows), ORG_KEY, {}).parts
    assert entry.content == {"id": "g", "name": "Tuesday"} and entry.digest is None
    with pytest.raises(outbox.OutboxError, match="not laid out as one"):  # a row of format 2
        outbox.open_sealed(_org_outbox(1, [[*rows[0], None]]), ORG_KEY, {})


def test_an_outbox_of_format_2_carries_a_hash_for_every_content() -> None:
    rows = [
        ["groups", "g", STAMP, None, {"id": "g", "name": "Tuesday"}, None],
        ["rota", "g/2026-01-06", STAMP, None, None, None],
    ]
    parts = outbox.open_sealed(_org_outbox(1, rows), ORG_KEY, {}).parts
    parts[0] = parts[0]._replace(digest="not laid out as a hash")  # (a damaged state's)
    contents = outbox.Contents(REPLICA, "group", [], 1, STAMP[0])
    sealed = outbox.seal(contents, ORG_KEY, {}, {ORG: parts})
    assert outbox.read_header(sealed)[0]["format"] == outbox.FORMAT == 2
    written, gone = outbox.open_sealed(sealed, ORG_KEY, {}).parts
    assert written.digest == content_hash({"id": "g", "name": "Tuesday"})
    assert gone.content is None and gone.digest is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
A_HASH = st.one_of(
    JSON,
    st.text("0123456789abcdefABCDEF", min_size=30, max_size=34),
    st.just(content_hash({"id": "g"})),
)


@given(
    version=st.sampled_from([0, 1, 2]),
    extra_items=st.lists(JSON, max_size=2),
    digest=A_HASH,
    content=st.one_of(st.none(), st.just({"id": "g"}), JSON),
)
def test_whatever_rows_an_outbox_that_opens_holds_reading_ends_in_a_sentence_or_in_parts(
    version: int, extra_items: list[Any], digest: Any, content: Any
) -> None:
    row = ["groups", "g", STAMP, None, content, None, digest, *extra_items]
    for width in (5, 6, 7, len(row)):
        try:
            opened = outbox.open_sealed(_org_outbox(version, [row[:width]]), ORG_KEY, {})
        except outbox.OutboxError as error:
            assert str(error) and "\n" not in str(error)
            continue
        [entry] = opened.parts
        assert width == (7 if version == 2 else 6)
        assert entry.content is None or isinstance(entry.content, dict)
        if entry.content is None or version < 2 or digest is None:
            assert entry.digest is None  # the reader works it out
        else:
            assert entry.digest == digest and len(digest) == 32 and digest == digest.lower()


def _every_part(db: Path) -> list[Any]:
    """Every part of every outbox in the laptop's folder, opened with its keys."""
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    org = bytes.fromhex(record["org_key"])
    groups = {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}
    found = []
    for path in Path(record["folder"]).glob("*.outbox"):
        found.extend(outbox.open_sealed(path.read_bytes(), org, groups).parts)
    return found


def _hashes_told_truly(parts: list[Any]) -> None:
    assert parts
    for entry in parts:
        if entry.content is None:
            assert entry.digest is None, entry
        else:
            assert entry.digest == content_hash(entry.content), entry


def _add_facilitator(db: Path, name: str) -> None:
    with Store.open(db) as store:
        store.save_facilitator(Facilitator(display_name=name))


def test_every_hash_a_laptop_writes_is_its_contents_hash(world: World) -> None:
    world.exchange(world.group)
    world.exchange(world.coordinator)  # takes ten records in, and relays them
    _add_facilitator(world.coordinator, "Dai")
    world.exchange(world.coordinator)
    world.exchange(world.group)
    _hashes_told_truly(_every_part(world.group))
    _hashes_told_truly(_every_part(world.coordinator))


def _shared_records(db: Path) -> dict[str, Any]:
    data = orjson.loads(db.read_bytes())
    return {table: data.get(table) for table in ("groups", "facilitators", "sessions", "rota")}


def _keys(db: Path) -> dict[str, bytes]:
    """A laptop's keys: the organisation's under ORG, each group's under its id."""
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    keys = {ORG: bytes.fromhex(record["org_key"])}
    return keys | {gid: bytes.fromhex(key) for gid, key in record["group_keys"].items()}


def _with_hashes(blob: bytes, keys: dict[str, bytes], digest: str) -> bytes:
    """The outbox sealed again, each section as it was, every hash replaced by `digest`."""
    org_parts = outbox.open_sealed(blob, keys[ORG], {}).parts
    opened = outbox.open_sealed(blob, keys[ORG], keys)
    [group] = [name for name in keys if name != ORG]
    by_section = {ORG: org_parts, group: opened.parts[len(org_parts) :]}
    sections: dict[str, dict[str, Any]] = {}
    for name, parts in by_section.items():
        rows = [
            [
                *(e.kind, e.key, e.stamp.as_list(), e.base.as_list() if e.base else None),
                *(e.content, e.extra, None if e.content is None else digest),
            ]
            for e in parts
        ]
        sections[name] = {"parts": rows}
    sections[ORG]["tombstones"] = opened.tombstones
    return _sealed_as(2, sections, keys)


def _coordinator(world: World, name: str) -> Path:
    laptop = world.laptop(name)
    world.use_passphrases("river stones and tea")
    code, _, err = world.cli(
        laptop, "exchange", "setup", "--folder", str(world.folder), "--coordinator", "--yes"
    )
    assert code == 0, err
    return laptop


def _own_outbox(db: Path) -> Path:
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    return Path(record["folder"]) / f"voicesgroup-{record['replica']}.outbox"


def _state_hashes(db: Path) -> set[Any]:
    record = state.read(orjson.loads(db.read_bytes()))
    assert record is not None
    return {held[0] for parts in record["entries"].values() for held in parts.values()}


def test_an_outbox_whose_hashes_lie_changes_nothing_taken_in_and_the_lie_does_not_last(
    world: World,
) -> None:
    world.exchange(world.group)
    path = group_outbox(world)
    honest = path.read_bytes()
    keys = _keys(world.group)
    lie = "0" * 32
    liar_reader = _coordinator(world, "liar-reader")
    path.write_bytes(_with_hashes(honest, keys, lie))
    world.exchange(liar_reader)
    assert lie in _state_hashes(liar_reader)  # the lie was taken at its word
    relayed = _own_outbox(liar_reader).rename(world.tmp / "relayed.outbox")
    path.write_bytes(honest)
    world.exchange(world.coordinator)
    assert _shared_records(liar_reader) == _shared_records(world.coordinator)
    relayed.rename(_own_outbox(liar_reader))
    _add_facilitator(liar_reader, "Dai")  # a change there: every part is hashed again
    world.exchange(liar_reader)
    assert lie not in _state_hashes(liar_reader)
    _hashes_told_truly(
        outbox.open_sealed(_own_outbox(liar_reader).read_bytes(), keys[ORG], {}).parts
    )
    world.exchange(world.group)
    world.exchange(world.coordinator)
    assert (
        _shared_records(liar_reader)["facilitators"]
        == _shared_records(world.coordinator)["facilitators"]
    )
