"""`voicesgroup contacts`: the support contacts from the command line, and marking them
checked, as a coordinator scripts it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_clear_line, run
from voicesgroup.store import Store


@pytest.fixture(autouse=True)
def no_real_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICESGROUP_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


def checked_on(path: Path) -> dict[str, dt.date | None]:
    with Store.open(path, readonly=True) as store:
        return {contact.name: contact.last_checked for contact in store.support_contacts()}


def uncheck(path: Path, *names: str) -> None:
    with Store.open(path) as store:
        for contact in store.support_contacts():
            if contact.name in names:
                store.save_support_contact(contact.with_changes(last_checked=None))


def test_contacts_are_listed_with_when_each_was_checked(capsys, demo_path) -> None:
    uncheck(demo_path, "Shout")
    code, out, _ = run(capsys, "--db", str(demo_path), "contacts", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["Shout"]["last checked"] is None and rows["Shout"]["how"].startswith("Text")
    assert rows["Samaritans"]["last checked"]
    code, out, _ = run(capsys, "--db", str(demo_path), "contacts")
    assert code == 0
    assert any(line.startswith("Shout") and line.endswith("not yet") for line in out.splitlines())


def test_checking_needs_yes_then_marks_today(capsys, demo_path) -> None:
    uncheck(demo_path, "Shout", "NHS 111")
    db = ["--db", str(demo_path)]
    code, _, err = run(capsys, *db, "contacts", "check", "shout")
    assert code == 1
    assert_one_clear_line(err)
    assert "Shout" in err and "--yes" in err
    assert checked_on(demo_path)["Shout"] is None
    code, out, _ = run(capsys, *db, "contacts", "check", "shout", "--yes")
    assert code == 0 and out.startswith("Marked checked today") and "Shout" in out
    assert checked_on(demo_path)["Shout"] == dt.date.today()
    assert checked_on(demo_path)["NHS 111"] is None
    code, out, _ = run(capsys, *db, "contacts", "check", "--all", "--yes")
    assert code == 0 and set(checked_on(demo_path).values()) == {dt.date.today()}


def test_an_unknown_contact_is_one_line(capsys, demo_path) -> None:
    code, _, err = run(capsys, "--db", str(demo_path), "contacts", "check", "Nobody", "--yes")
    assert code == 1
    assert_one_clear_line(err)
    assert "no support contact is called 'Nobody'" in err


def test_a_sheet_stopped_by_unchecked_contacts_says_what_to_do_once(
    capsys, demo_path, tmp_path
) -> None:
    uncheck(demo_path, "Shout")
    argv = ["--db", str(demo_path), "print", "strategies", "--group", "Tuesday Voices"]
    code, _, err = run(capsys, *argv, "--out", str(tmp_path / "s.pdf"))
    assert code == 1
    assert_one_clear_line(err)
    assert err.count("mark") == 1 and "in the app" not in err  # what to do, said once
    assert "voicesgroup contacts check NAME --yes" in err and "--skip-unchecked" in err
    assert not (tmp_path / "s.pdf").exists()
    code, _, err = run(capsys, *argv, "--out", str(tmp_path / "s.pdf"), "--skip-unchecked")
    assert code == 0 and "Support contacts left out: Shout (not checked yet)." in err
