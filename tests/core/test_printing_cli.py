"""`voicesgroup print …` and every other writer of an output file, as a coordinator uses them:
exit codes, messages, what lands on disk, and what the audit log says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.pdf import pdf_text
from voicesgroup.store import Store


@pytest.fixture(autouse=True)
def no_real_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICESGROUP_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()


def printed_count(path: Path) -> int:
    with Store.open(path, readonly=True) as store:
        return sum(1 for entry in store.audit_log() if entry.action == "printed")


def text(path: Path) -> str:
    return " ".join(pdf_text(path.read_bytes()).split())


# -- nothing is written over the data file, its lock or its backups ---------------------------


def test_no_output_may_be_the_data_file_its_lock_or_its_backups(capsys, demo_path, tmp_path):
    db = str(demo_path)
    before = demo_path.read_bytes()
    Store.open(demo_path).close()  # takes a backup, as opening does
    backups = demo_path.with_name(demo_path.name + ".backups")
    backup = next(backups.iterdir())
    backup_bytes = backup.read_bytes()
    (tmp_path / "link.pdf").symlink_to(demo_path)
    os.link(demo_path, tmp_path / "hard.pdf")
    targets = [
        demo_path,
        demo_path.with_name(demo_path.name + ".lock"),
        backups,
        backup,
        backups / "new.pdf",
        tmp_path / "link.pdf",
        tmp_path / "hard.pdf",
        tmp_path / "sub" / ".." / demo_path.name,
    ]
    commands = [
        ["print", "diary"],
        ["print", "agreement", "--group", "Tuesday Voices"],
        ["rota", "ics"],
        ["member", "export", "--member", "Aisha"],
        ["backup"],
    ]
    (tmp_path / "sub").mkdir()
    for target in targets:
        for command in commands:
            code, _, err = run(capsys, "--db", db, *command, "--out", str(target), "--force")
            assert code != 0, (command, target)
            assert "Nothing was written" in err or "folder" in err, (command, target, err)
            assert "Traceback" not in err
    assert demo_path.read_bytes().startswith(before[:20])
    assert backup.read_bytes() == backup_bytes
    assert not (backups / "new.pdf").exists()
    assert printed_count(demo_path) == 0


def test_an_existing_file_needs_force_and_the_audit_comes_after_the_file(
    capsys, demo_path, tmp_path
):
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"an earlier sheet")
    db = str(demo_path)
    code, _, err = run(
        capsys, "--db", db, "print", "agreement", "--group", "Tuesday Voices", "--out", str(out)
    )
    assert code == 1 and "already exists and was not replaced" in err and "--force" in err
    assert out.read_bytes() == b"an earlier sheet"
    assert printed_count(demo_path) == 0
    # into a folder that does not exist: nothing on disk, nothing audited
    missing = tmp_path / "no such folder" / "sheet.pdf"
    code, _, err = run(
        capsys, "--db", db, "print", "agreement", "--group", "Tuesday Voices", "--out", str(missing)
    )
    assert code == 1 and "Nothing" in err and not missing.parent.exists()
    assert printed_count(demo_path) == 0
    code, _out_text, _ = run(
        capsys,
        "--db",
        db,
        "print",
        "agreement",
        "--group",
        "Tuesday Voices",
        "--out",
        str(out),
        "--force",
    )
    assert code == 0 and out.read_bytes().startswith(b"%PDF-")
    assert printed_count(demo_path) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".sheet")] == []


def test_the_data_file_is_refused_by_the_real_program(demo_path, tmp_path):
    before = demo_path.read_bytes()
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("voicesgroup")),
            "--db",
            str(demo_path),
            "print",
            "diary",
            "--out",
            str(demo_path),
            "--force",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("voicesgroup: ") and "data file itself" in done.stderr
    assert demo_path.read_bytes() == before


# -- the strategies sheet ---------------------------------------------------------------------


def _uncheck(path: Path, *names: str) -> None:
    with Store.open(path) as store:
        for contact in store.support_contacts():
            if contact.name in names:
                store.save_support_contact(contact.with_changes(last_checked=None))


def test_unchecked_contacts_stop_the_sheet_unless_skipped(capsys, demo_path, tmp_path):
    _uncheck(demo_path, "NHS 111", "Shout")
    out = tmp_path / "sheet.pdf"
    args = ["--db", str(demo_path), "print", "strategies", "--group", "Tuesday Voices"]
    code, _, err = run(capsys, *args, "--out", str(out))
    assert code == 1 and "NHS 111, Shout" in err and "--skip-unchecked" in err
    assert not out.exists() and printed_count(demo_path) == 0
    code, _, err = run(capsys, *args, "--out", str(out), "--skip-unchecked")
    assert code == 0
    assert "Support contacts left out: NHS 111 (not checked yet); Shout" in err
    sheet = text(out)
    assert "Samaritans" in sheet and "NHS 111" not in sheet and "Shout" not in sheet
    assert "checked" not in sheet.replace("Contacts checked", "")


def test_favourites_differ_and_match_the_group(capsys, demo_path, tmp_path):
    from voicesgroup import library

    with Store.open(demo_path) as store:
        beliefs = store.find_group("Thursday Beliefs")
        store.save_strategy(
            library.mark_helped(
                store.find_strategy_by_title("Go for a walk")
                if hasattr(store, "find_strategy_by_title")
                else next(s for s in store.strategies() if s.title == "Go for a walk"),
                beliefs.id,
            )
        )
        voices_only = [s.title for s in store.strategies() if s.experiences == ["voices"]]
    args = ["--db", str(demo_path), "print", "strategies", "--group", "Thursday Beliefs"]
    assert run(capsys, *args, "--out", str(tmp_path / "plain.pdf"))[0] == 0
    assert run(capsys, *args, "--favourites", "--out", str(tmp_path / "fav.pdf"))[0] == 0
    plain, favourites = text(tmp_path / "plain.pdf"), text(tmp_path / "fav.pdf")
    assert plain != favourites
    assert "Go for a walk" in favourites
    for title in voices_only:
        assert title not in plain and title not in favourites, title
    for words in ("Answer the voices calmly", "Describe each voice", "voices crowd in"):
        assert words not in favourites and words not in plain


def test_discreet_says_what_it_left_out_and_refuses_an_empty_sheet(capsys, demo_path, tmp_path):
    with Store.open(demo_path) as store:
        ids = [str(s.id) for s in store.strategies() if s.title == "Answer the voices calmly"]
    args = [
        "--db",
        str(demo_path),
        "print",
        "strategies",
        "--group",
        "Tuesday Voices",
        "--discreet",
    ]
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "d.pdf"))
    assert code == 0
    assert "day, time and venue of the group were left out" in err
    sheet = text(tmp_path / "d.pdf")
    for give_away in ("Elm St", "Community room", "18:30", "Tuesday", "mental health", "voice"):
        assert give_away.lower() not in sheet.lower(), give_away
    assert "Phone 111, option 2" in sheet
    code, _, err = run(capsys, *args, "--show-meeting", "--out", str(tmp_path / "m.pdf"))
    assert code == 0 and "Community room, Elm St Library" in text(tmp_path / "m.pdf")
    code, _, err = run(capsys, *args, "--strategy", ids[0], "--out", str(tmp_path / "e.pdf"))
    assert code == 1 and "would be empty" in err and not (tmp_path / "e.pdf").exists()


def test_default_file_names_say_nothing_and_go_to_the_chosen_folder(
    capsys, demo_path, tmp_path, monkeypatch
):
    folder = tmp_path / "prints"
    folder.mkdir()
    with Store.open(demo_path) as store:
        from voicesgroup import printing

        printing.remember_print_folder(store, folder)
    code, _out, _ = run(
        capsys,
        "--db",
        str(demo_path),
        "print",
        "strategies",
        "--group",
        "Tuesday Voices",
        "--discreet",
    )
    assert code == 0
    (written,) = folder.iterdir()
    assert written.name.startswith("things-that-help-") and written.suffix == ".pdf"
    code, _, _ = run(
        capsys, "--db", str(demo_path), "print", "diary", "--discreet", "--format", "html"
    )
    assert code == 0 and any(p.name.startswith("my-diary-") for p in folder.iterdir())


def test_rota_from_today_compact_and_reasons_on_request(capsys, demo_path, tmp_path):
    from tests.helpers.demo_files import DEMO_TODAY

    args = ["--db", str(demo_path), "print", "rota"]
    # The demo's rota ended long before today: from today there is nothing, and it says so.
    code, _, err = run(capsys, *args, "--out", str(tmp_path / "none.pdf"))
    assert code == 1 and "nothing on the rota from" in err
    today = DEMO_TODAY.isoformat()
    assert run(capsys, *args, "--from", today, "--out", str(tmp_path / "r.pdf"))[0] == 0
    rota = text(tmp_path / "r.pdf")
    assert "published" not in rota and "Why this pair" not in rota
    with Store.open(demo_path, readonly=True) as store:
        earlier = [item for item in store.rota() if item.date < DEMO_TODAY]
    from voicesgroup import dates

    assert earlier and all(dates.day(item.date, year=False) not in rota for item in earlier)
    code, _, err = run(capsys, *args, "--from", "someday", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "is not a --from date this app can read" in err
    assert (
        run(capsys, *args, "--from", today, "--reasons", "--out", str(tmp_path / "rr.pdf"))[0] == 0
    )
    assert "Why this pair" in text(tmp_path / "rr.pdf")


def test_member_record_prints_with_other_names_replaced(capsys, demo_path, tmp_path):
    from voicesgroup.models import Note

    with Store.open(demo_path) as store:
        aisha = store.find_member("Aisha")
        store.save_note(
            Note(
                member_id=aisha.id,
                member_words="Sat with Ben, which helped.",
                agreed_by_member=True,
            )
        )
    code, _, err = run(
        capsys,
        "--db",
        str(demo_path),
        "print",
        "member-record",
        "--member",
        "Aisha",
        "--out",
        str(tmp_path / "a.pdf"),
    )
    assert code == 0, err
    record = text(tmp_path / "a.pdf")
    assert "Sat with another member, which helped." in record and "Ben" not in record
    assert "printed as “another member”" in record


def test_a_word_that_may_be_a_name_asks_on_the_command_line(capsys, demo_path, tmp_path):
    from voicesgroup.models import CopingStrategy, Member

    with Store.open(demo_path) as store:
        store.save_member(Member(display_name="Hope"))
        idea = CopingStrategy(title="Hold on to hope", category="social")
        store.save_strategy(idea)
    args = [
        "--db",
        str(demo_path),
        "print",
        "strategies",
        "--group",
        "Tuesday Voices",
        "--strategy",
        str(idea.id),
        "--out",
        str(tmp_path / "h.pdf"),
    ]
    code, _, err = run(capsys, *args)
    assert code == 1 and "“hope”" in err and "--not-a-name" in err
    assert run(capsys, *args, "--not-a-name", "hope")[0] == 0
    assert run(capsys, *args, "--force")[0] == 0  # remembered for that text


def test_a_blank_diary_is_made_without_a_data_file_and_nothing_else_is():
    from voicesgroup.printing import PrintRequest, make_blank

    printed = make_blank(PrintRequest("diary", diary="beliefs", output="txt"))
    assert printed.kind == "diary" and b"diary" in printed.data.lower()
    with pytest.raises(ValueError, match="Only a blank printout"):
        make_blank(PrintRequest("agreement"))
