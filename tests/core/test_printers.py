"""Printing to a real printer: a CUPS server of the test's own with a virtual PDF printer
(`tests/helpers/cups_server.py`). What arrives at the printer is read back; nothing is left on disk;
a stopped or missing printer is one sentence and nothing is lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.cups_server import CupsServer
from tests.helpers.pdf import pdf_text
from voicesgroup import printers
from voicesgroup.store import Store


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("VOICESGROUP_DB", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


def job_of(out: str) -> str:
    assert out.startswith("Sent to "), out
    return out.split("(job ", 1)[1].split(")", 1)[0].split(",")[0]


def words(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def printed_count(path: Path) -> int:
    with Store.open(path, readonly=True) as store:
        return sum(1 for entry in store.audit_log() if entry.action == "printed")


def files_under(*folders: Path) -> list[Path]:
    return [path for folder in folders for path in folder.rglob("*") if path.is_file()]


def test_a_sheet_goes_to_the_default_printer_and_arrives_whole(
    capsys, demo_path, cups: CupsServer, own_home: Path
) -> None:
    before = files_under(own_home)
    code, out, err = run(
        capsys, "--db", str(demo_path), "print", "strategies", "--group", "Tuesday Voices",
        "--printer", "default", "--copies", "2",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("Sent to Office printer (job Office-") and "2 copies" in out
    _, data = cups.received(job_of(out))
    sheet = words(data)
    assert "Samaritans" in sheet and "My own ideas" in sheet
    assert files_under(own_home) == before  # nothing written to the person's folders
    assert printed_count(demo_path) == 1
    with Store.open(demo_path, readonly=True) as store:
        assert printers.chosen_printer(store) == "Office"


def test_a_members_own_record_leaves_no_file_with_their_name(
    capsys, demo_path, cups: CupsServer, own_home: Path, tmp_path: Path
) -> None:
    code, out, err = run(
        capsys, "--db", str(demo_path), "print", "member-record", "--member", "Aisha",
        "--printer", "Office",
    )  # fmt: skip
    assert code == 0, err
    arrived, data = cups.received(job_of(out))
    assert "Aisha" in words(data)
    assert "aisha" not in arrived.name.casefold()  # the printer's queue never had the name
    for path in files_under(own_home, tmp_path, Path.cwd()):
        assert "aisha" not in path.name.casefold()
        owned = path.name.startswith(demo_path.name) or f"{demo_path.name}.backups" in path.parts
        if not owned:  # the data file and its backups hold her, as they should
            assert b"Aisha" not in path.read_bytes(), path


def test_a_stopped_printer_is_one_sentence_and_nothing_is_lost(
    capsys, demo_path, cups: CupsServer
) -> None:
    cups.stop_printer("Office", "paper jam")
    before = demo_path.read_bytes()
    code, _, err = run(
        capsys, "--db", str(demo_path), "print", "agreement", "--group", "Tuesday Voices",
        "--printer", "Office",
    )  # fmt: skip
    assert code == 1
    assert_one_clear_line(err)
    assert "Office printer is stopped (paper jam): nothing was lost" in err
    assert "save the PDF" in err
    assert cups.run("lpstat", "-o").strip() == ""  # nothing sent
    assert printed_count(demo_path) == 0 and demo_path.read_bytes() == before


def test_a_missing_printer_is_one_sentence_naming_those_there_are(
    capsys, demo_path, cups: CupsServer
) -> None:
    code, _, err = run(capsys, "--db", str(demo_path), "print", "diary", "--printer", "Upstairs")
    assert code == 1
    assert_one_clear_line(err)
    assert "There is no printer called 'Upstairs' (there are: Office)" in err
    assert printed_count(demo_path) == 0


def test_printers_lists_them_with_their_state(capsys, demo_path, cups: CupsServer) -> None:
    cups.add_printer("Upstairs", "Upstairs printer")
    cups.stop_printer("Upstairs", "out of toner")
    code, out, _ = run(capsys, "--db", str(demo_path), "printers", "--json")
    assert code == 0
    import json

    listed = {row["name"]: row for row in json.loads(out)}
    assert listed["Office"]["system default"] and listed["Office"]["state"] == "ready"
    assert listed["Upstairs"]["state"] == "stopped (out of toner)"
    code, out, _ = run(capsys, "--db", str(demo_path), "printers")
    assert code == 0 and out.splitlines()[1].startswith("Office")


def test_no_printing_system_is_one_sentence(capsys, demo_path, monkeypatch) -> None:
    monkeypatch.setenv("CUPS_SERVER", "/nonexistent/cups.sock")
    for argv in (["printers"], ["print", "diary", "--printer", "default"]):
        code, _, err = run(capsys, "--db", str(demo_path), *argv)
        assert code == 1
        assert_one_clear_line(err)
        assert "no printing system (CUPS) running" in err and "save the PDF" in err


# -- reading what the printing system says ---------------------------------------------------

LPSTAT = """printer Office now printing Office-7.  enabled since Mon Dec  7 12:37:55 2026
\tForm mounted:
\tDescription: Office printer
\tAlerts: media-empty-error
printer Second disabled since Mon Dec  7 12:38:52 2026 -
\tpaper jam
\tDescription: Second floor
\tAlerts: paused
printer Bare is idle.  enabled since Mon Dec  7 12:38:52 2026
\tAlerts: none
"""


def test_printer_states_are_plain_words() -> None:
    office, second, bare = printers.parse_printers(LPSTAT)
    assert office.problem() == (
        "Office printer is out of paper: nothing was lost, try again or save the PDF."
    )
    assert second.label == "Second floor" and second.state == "stopped (paper jam)"
    assert second.problem().startswith("Second floor is stopped (paper jam): nothing was lost;")
    assert bare.label == "Bare" and bare.state == "ready" and bare.problem() == ""


def test_copies_out_of_range_are_refused_before_anything_is_sent(
    capsys, demo_path, cups: CupsServer
) -> None:
    code, _, err = run(
        capsys, "--db", str(demo_path), "print", "diary", "--printer", "Office", "--copies", "0"
    )
    assert code == 1 and "--copies must be a number from 1 to 99" in err
    assert cups.run("lpstat", "-o").strip() == ""


def test_the_environment_is_left_as_it_was(cups: CupsServer) -> None:
    assert os.environ["CUPS_SERVER"] == cups.socket
    assert printers.system_printing()


def test_printers_need_no_data_file(capsys, tmp_path, cups: CupsServer) -> None:
    missing = tmp_path / "none.json"
    code, out, err = run(capsys, "--db", str(missing), "printers")
    assert code == 0, err
    assert out.splitlines()[1].split()[:2] == ["Office", "default"]
    assert not missing.exists()


def test_a_two_page_sheet_to_take_home_goes_on_both_sides(monkeypatch, demo_path) -> None:
    """The bytes go on lp's standard input with the sheet's own name as the job's title;
    a sheet to take home is printed on both sides, the facilitators' papers on one."""
    import subprocess

    from voicesgroup import printing

    sent: list[tuple[list[str], bytes | None]] = []

    def fake_run(args, data=None):
        sent.append((list(args), data))
        return subprocess.CompletedProcess(args, 0, b"request id is Office-9 (0 file(s))\n", b"")

    monkeypatch.setattr(printers, "_run", fake_run)
    office = printers.Printer("Office", "Office printer")
    with Store.open(demo_path, readonly=True) as store:
        group = store.find_group("Tuesday Voices")
        sheet = printing.make(store, printing.PrintRequest("strategies", group=group))
        plan = printing.make(store, printing.PrintRequest("session-plan", group=group))
    assert len(pdf_reader_pages(sheet.data)) == 2
    job = printing.to_printer(sheet, office, copies=3, just_checked=True)
    assert job.id == "Office-9" and job.copies == 3
    command, data = sent[-1]
    assert data == sheet.data
    assert command[:5] == ["lp", "-d", "Office", "-n", "3"]
    assert "sides=two-sided-long-edge" in command and command[-1] == "-"
    assert command[command.index("-t") + 1] == sheet.file_name.removesuffix(".pdf")
    printing.to_printer(plan, office, just_checked=True)
    assert "sides=one-sided" in sent[-1][0]


def pdf_reader_pages(data: bytes) -> list[object]:
    from tests.helpers.pdf import pdf_reader

    return list(pdf_reader(data).pages)
