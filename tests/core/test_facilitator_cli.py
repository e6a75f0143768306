"""`voicesgroup facilitator …` as a coordinator uses it, and the printed team sheet."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.pdf import pdf_reader, pdf_text, printout, render_png
from voicesgroup.demo import write_demo_file
from voicesgroup.models import Member, TrainingStatus
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = tmp_path / "voicesgroup.json"
    write_demo_file(path)  # today's demo: the commands use today
    monkeypatch.setenv(DB_ENV, str(path))
    return path


def test_every_facilitator_action_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for action in (
        ["show"],
        ["sign-off"],
        ["break"],
        ["team"],
        ["sheet"],
        ["settings"],
        ["supervision", "add"],
        ["supervision", "list"],
    ):
        code, out, err = run(capsys, "facilitator", *action, "--help")
        assert code == 0, err
        assert f"usage: voicesgroup facilitator {' '.join(action)}" in out


def test_show_gives_the_path_so_far(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "facilitator", "show", "--facilitator", "sol")
    assert code == 0, err
    assert out.startswith("Sol: shadowing")
    assert "Shadowed: 4 of 6" in out and "Before sign-off: 2 more" in out
    code, out, err = run(capsys, "facilitator", "show", "--facilitator", "Sol", "--json")
    data = json.loads(out)
    assert data["stage"] == "shadowing" and data["shadowed_sessions"] == 4
    assert data["may_lead"] is False and data["sign_off_due"] is False
    assert all(module["attended_on"] for module in data["modules"] if not module["optional"])
    code, out, _ = run(capsys, "facilitator", "show", "--facilitator", "Niall", "--json")
    assert json.loads(out)["supervision_due"] is True


def test_sign_off_needs_yes_a_name_and_a_reason_when_early(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo.read_bytes()
    code, _, err = run(capsys, "facilitator", "sign-off", "--facilitator", "Sol", "--by", "Rosa")
    assert code == 1 and "--yes" in err
    assert_one_clear_line(err)
    code, _, err = run(
        capsys, "facilitator", "sign-off", "--facilitator", "Sol", "--by", "Rosa", "--yes"
    )
    assert code == 1 and "2 more shadowed sessions" in err
    assert "needs a reason and who decided" in err
    assert_one_clear_line(err)
    assert demo.read_bytes() == before, "a refused sign-off changed the file"
    code, _, err = run(capsys, "facilitator", "sign-off", "--facilitator", "Nobody", "--by", "R")
    assert code == 1 and "No facilitator called 'Nobody'" in err
    code, _, err = run(
        capsys, "facilitator", "sign-off", "--facilitator", "Sol", "--by", "Rosa", "--on", "soon"
    )
    assert code == 1 and "YYYY-MM-DD" in err
    code, out, err = run(
        capsys,
        "facilitator",
        "sign-off",
        "--facilitator",
        "Sol",
        "--by",
        "Rosa",
        "--reason",
        "ready, agreed in supervision",
        "--yes",
    )
    assert code == 0, err
    assert "Sol signed off to lead by Rosa" in out
    with Store.open(demo, readonly=True) as store:
        assert store.find_facilitator("Sol").training is TrainingStatus.TRAINED


def test_supervision_is_kept_and_refuses_a_member_name(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["facilitator", "supervision", "add", "--facilitator", "Niall", "--held-by", "Jo"]
    before = demo.read_bytes()
    code, _, err = run(capsys, *base, "--topic", "How Aisha is getting on")
    assert code == 1 and "“Aisha”" in err and "Nothing was saved" in err
    assert_one_clear_line(err)
    assert demo.read_bytes() == before
    code, out, err = run(capsys, *base, "--topic", "Endings", "--topic", "[/] [b]bold")
    assert code == 0, err
    code, out, _ = run(capsys, "facilitator", "supervision", "list", "--json")
    rows = json.loads(out)
    assert rows[0]["came"] == "Niall" and rows[0]["topics"] == "Endings; [/] [b]bold"
    code, out, _ = run(capsys, "facilitator", "show", "--facilitator", "Niall", "--json")
    assert json.loads(out)["supervision_due"] is False


def test_team_settings_and_a_break(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "facilitator", "team", "--json")
    assert code == 0, err
    kinds = {item["kind"]: item for item in json.loads(out)["kinds"]}
    assert "Sol" in kinds["hearing_voices"]["shadowing"]
    code, out, _ = run(capsys, "facilitator", "settings", "--shadowing", "4")
    assert code == 0 and "after 4 shadowed sessions" in out
    code, _, err = run(capsys, "facilitator", "settings", "--supervision-weeks", "0")
    assert code == 1
    assert_one_clear_line(err)
    code, out, _ = run(capsys, "facilitator", "show", "--facilitator", "Sol", "--json")
    missing = json.loads(out)["still_missing"]
    assert not any("more shadowed" in words for words in missing), missing
    code, out, err = run(
        capsys, "facilitator", "break", "--facilitator", "Niall", "--from", "2030-01-01",
        "--to", "2030-01-14",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        capsys, "facilitator", "break", "--facilitator", "Niall", "--from", "2030-01-14",
        "--to", "2030-01-01",
    )  # fmt: skip
    assert code == 1 and "ends on or after" in err


def test_the_commands_run_as_a_program(demo: Path) -> None:
    program = Path(sys.executable).with_name("voicesgroup")
    done = subprocess.run(
        [str(program), "facilitator", "show", "--facilitator", "Sol"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "shadowing" in done.stdout
    done = subprocess.run([str(program), "facilitator"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "say what to do" in done.stderr
    assert "Traceback" not in done.stderr


# -- the team sheet --------------------------------------------------------------------------


def test_the_team_sheet_reads_back_without_member_names(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "team.pdf"
    code, _, err = run(capsys, "facilitator", "sheet", "--out", str(out))
    assert code == 0, err
    data = out.read_bytes()
    words = " ".join(pdf_text(data).split())
    for expected in ("The facilitators' team", "Sol", "shadowing", "4 of 6", "Niall"):
        assert expected in words, expected
    # Niall's last supervision (the demo's is 11 weeks before the day it is made), marked.
    from voicesgroup import dates
    from voicesgroup.facilitator_path import supervision_meetings
    from voicesgroup.store import Store

    with Store.open(demo, readonly=True) as store:
        niall = store.find_facilitator("Niall").id
        last = max(m.on for m in supervision_meetings(store) if niall in m.facilitator_ids)
    assert f"{dates.date(last)} overdue" in words
    assert "Open follow-ups" in words and "none" in words  # an empty cell says so
    assert len(pdf_reader(data).pages) == 1  # one sheet to put on the table
    with Store.open(demo, readonly=True) as store:
        members = [member.display_name for member in store.members()]
    assert not any(name in words for name in members)
    assert pdf_reader(data).metadata.title == "The facilitators' team"
    pages = render_png(out, tmp_path / "png", dpi=50)
    assert pages and pages[0].stat().st_size > 5_000
    code, _, err = run(capsys, "facilitator", "sheet", "--out", str(demo))
    assert code == 1 and "data file" in err


def test_a_member_name_reaching_the_sheet_stops_it(tmp_path: Path) -> None:
    from voicesgroup.errors import NameInHandout

    path = tmp_path / "v.json"
    write_demo_file(path)
    with Store.open(path) as store:
        # A member called like a facilitator is that facilitator here: the sheet is made.
        store.save_member(Member(display_name="Sol"))
        assert printout(store, "team-sheet").startswith(b"%PDF-")
        # A member's name arriving any other way (here in the footer) stops it.
        store.save_settings(store.settings().model_copy(update={"organisation": "Aisha's Place"}))
        with pytest.raises(NameInHandout, match="Aisha"):
            printout(store, "team-sheet")
