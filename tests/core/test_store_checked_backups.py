"""The opening's backup and tables left unread (`store/checked.py`): no backup is kept of bytes
with a damaged table, and none is let go for them, though the table is read only later.

The guarantee, stated: a table is left unread only when the whole file's size and CRC-32 are
those the note beside it gives, and the note is written only of bytes this app saved or checked
whole. CRC-32 finds every change of up to 32 bits in a row, so damage of a few neighbouring
bytes (a bad sector's worth is much more, but then random) is always found at opening; other
damage goes unseen by it only if it happens to keep the same CRC-32, about one chance in four
thousand million. Even then, nothing is lost: the table is checked the first time it is read,
the backup of those bytes goes, and no older backup was let go for it before every table was
checked (as the last is read, or as the store closes)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.records import small_file
from voicesgroup.errors import DamagedFile
from voicesgroup.models import Member
from voicesgroup.store import Store, checked
from voicesgroup.store.backups import KEEP_NEWEST, list_backups
from voicesgroup.store.owned import checked_file
from voicesgroup.store.storage import parse_with_spans


def _with_full_backups(path: Path) -> bytes:
    """A small file with as many backups as are kept, saved (so the note beside it matches
    its bytes); its bytes."""
    small_file(path, opens=KEEP_NEWEST + 1).close()
    with Store.open(path) as store:
        store.save_member(Member(display_name="Last one"))
    assert len(list_backups(path)) == KEEP_NEWEST
    blob = path.read_bytes()
    assert checked.spans_if_known(path, blob) is not None
    return blob


def _span(blob: bytes, table: str) -> tuple[int, int]:
    _, spans = parse_with_spans(blob)
    assert spans is not None
    return spans[table]


def _crc_kept(blob: bytearray, at: int, target: int) -> None:
    """Four bytes from `at` rewritten so that the whole has the CRC-32 `target` (the one it
    had before the rest was changed): a collision, made on purpose (CRC-32 is linear)."""
    base = zlib.crc32(bytes(blob))
    effects = []
    for bit in range(32):
        flipped = bytearray(blob)
        flipped[at + bit // 8] ^= 1 << (bit % 8)
        effects.append((zlib.crc32(bytes(flipped)) ^ base, 1 << bit))
    # Gaussian elimination over GF(2): which bits to flip to move `base` to `want`
    rows: list[tuple[int, int]] = []
    for effect, flips in effects:
        for row_effect, row_flips in rows:
            if effect ^ row_effect < effect:
                effect, flips = effect ^ row_effect, flips ^ row_flips
        if effect:
            rows.append((effect, flips))
            rows.sort(reverse=True)
    return_to = base ^ target
    flips = 0
    for row_effect, row_flips in rows:
        if return_to ^ row_effect < return_to:
            return_to, flips = return_to ^ row_effect, flips ^ row_flips
    assert return_to == 0
    for bit in range(32):
        if flips >> bit & 1:
            blob[at + bit // 8] ^= 1 << (bit % 8)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(place=st.floats(0, 1, exclude_max=True), burst=st.binary(min_size=1, max_size=4))
def test_damage_of_up_to_four_bytes_in_a_row_never_matches_the_note(
    tmp_path_factory: pytest.TempPathFactory, place: float, burst: bytes
) -> None:
    """Same size, any bytes of a table changed within four in a row: the note's CRC-32 no
    longer matches, so the opening checks the whole file and refuses or reads it as it is."""
    path = tmp_path_factory.mktemp("burst") / "vg.json"
    blob = _with_full_backups(path)
    start, end = _span(blob, "members")
    at = start + int(place * (end - start - len(burst)))
    changed = bytes(old ^ (new or 1) for old, new in zip(blob[at:], burst, strict=False))
    damaged = blob[:at] + changed + blob[at + len(changed) :]
    assert len(damaged) == len(blob) and damaged != blob
    assert checked.spans_if_known(path, damaged) is None


def test_a_damaged_table_under_a_matching_note_keeps_every_backup_and_none_of_it(
    tmp_path: Path,
) -> None:
    """A collision made on purpose: the sessions' table no longer parses, yet the file has the
    size and CRC-32 the note gives. It opens with the table unread; when read, it is refused
    with the one sentence; the backup taken of it is gone, every backup before it is still
    there, and the next opening refuses it at once."""
    path = tmp_path / "vg.json"
    blob = _with_full_backups(path)
    before = sorted(backup.path for backup in list_backups(path))
    start, end = _span(blob, "sessions")
    damaged = bytearray(blob)
    damaged[start] = ord("#")  # the table's opening brace
    _crc_kept(damaged, start + (end - start) // 2, zlib.crc32(blob))
    path.write_bytes(bytes(damaged))
    assert zlib.crc32(bytes(damaged)) == zlib.crc32(blob) and len(damaged) == len(blob)
    with Store.open(path) as store:
        assert "sessions" in store.storage.unread
        assert sorted(backup.path for backup in list_backups(path))[: len(before)] == before
        with pytest.raises(DamagedFile):
            store.storage.table("sessions")
    assert sorted(backup.path for backup in list_backups(path)) == before
    assert not checked_file(path).exists()
    with pytest.raises(DamagedFile):
        Store.open(path)
    assert sorted(backup.path for backup in list_backups(path)) == before


def test_a_damaged_table_never_read_is_found_as_the_store_closes(tmp_path: Path) -> None:
    """The same collision in a table nothing reads: closing checks what is left unread before
    letting the oldest backup go, so the backup of the damaged bytes goes instead."""
    path = tmp_path / "vg.json"
    blob = _with_full_backups(path)
    before = sorted(backup.path for backup in list_backups(path))
    start, end = _span(blob, "notes")
    damaged = bytearray(blob)
    damaged[start] = ord("#")
    _crc_kept(damaged, start + (end - start) // 2, zlib.crc32(blob))
    path.write_bytes(bytes(damaged))
    with Store.open(path, create=False) as store:
        assert "notes" in store.storage.unread
    assert sorted(backup.path for backup in list_backups(path)) == before


def test_sound_tables_let_the_oldest_backup_go_once_all_are_checked(tmp_path: Path) -> None:
    """Nothing damaged: the opening's backup stands, and the oldest goes once every table is
    checked (here, as the store closes without reading them), keeping as many as ever."""
    path = tmp_path / "vg.json"
    _with_full_backups(path)
    oldest = list_backups(path)[-1].path
    with Store.open(path) as store:
        assert store.storage.unread
        assert len(list_backups(path)) == KEEP_NEWEST + 1
    assert len(list_backups(path)) == KEEP_NEWEST
    assert not oldest.exists()
