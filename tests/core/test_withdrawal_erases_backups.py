"""A withdrawal with "erase it now" erases from the backups too, even when killed half-way.

The note's words ("Walking helps", in `small_file`) are searched for in every file of the
folder, backups included, after the withdrawal and after a kill at every disk call of it
followed by the next opening for changes."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pytest

from tests.helpers.faults import killed_at
from tests.helpers.files import files_holding
from tests.helpers.records import NAME, small_file
from voicesgroup.kinds import ConsentAction, ConsentMethod, ConsentScope
from voicesgroup.models import ConsentEvent
from voicesgroup.store import Store, integrity
from voicesgroup.store.owned import erasing_file

WORDS = "Walking helps"


def _withdraw(path: Path, *, erase: bool = True) -> None:
    with Store.open(path) as store:
        [member] = [m for m in store.members() if m.display_name == NAME]
        store.withdraw_consent(
            ConsentEvent(
                member_id=member.id,
                scope=ConsentScope.PERSONAL_NOTES,
                action=ConsentAction.WITHDRAWN,
                method=ConsentMethod.SAID_IN_ROOM,
                wording_version="1",
                recorded_by="Rosa",
            ),
            erase=erase,
        )


def _folder(tmp_path: Path) -> Path:
    path = tmp_path / "folder" / "voicesgroup.json"
    small_file(path, opens=3).close()
    assert len(files_holding(path.parent, WORDS)) >= 3, "the backups hold the note"
    return path


def test_erasing_on_withdrawal_leaves_the_words_in_no_file(tmp_path: Path) -> None:
    path = _folder(tmp_path)
    _withdraw(path)
    assert files_holding(path.parent, WORDS) == []
    assert not erasing_file(path).exists()
    with Store.open(path) as store:
        assert integrity.check_folder(store) == []
        assert NAME in [member.display_name for member in store.members()]


def test_keeping_them_restricted_rewrites_no_backup(tmp_path: Path) -> None:
    path = _folder(tmp_path)
    backups = {p: p.read_bytes() for p in (path.parent / f"{path.name}.backups").iterdir()}
    _withdraw(path, erase=False)
    assert all(p.read_bytes() == blob for p, blob in backups.items())


@pytest.mark.slow
def test_a_withdrawal_killed_at_every_step_is_finished_at_the_next_opening(
    tmp_path: Path,
) -> None:
    source = _folder(tmp_path / "source")
    step = 0
    while True:
        step += 1
        folder = tmp_path / f"step-{step}"
        shutil.copytree(source.parent, folder)
        path = folder / source.name
        finished = killed_at(step, partial(_withdraw, path))
        with Store.open(path) as store:  # the next opening for changes
            erased = not store.notes(store.members()[0].id, include_restricted=True)
            if any(m.display_name == NAME for m in store.members()):
                [member] = [m for m in store.members() if m.display_name == NAME]
                erased = not store.notes(member.id, include_restricted=True)
        if erased:  # the withdrawal reached the data file: nowhere else either
            assert files_holding(folder, WORDS) == [], step
        assert not erasing_file(path).exists(), step
        shutil.rmtree(folder)
        if finished:
            break
    assert step > 3
