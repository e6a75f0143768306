"""`voicesgroup report` as a coordinator uses it: the PDF read back and rendered, the CSV,
clear exits on bad input, nothing overwritten by a failure, the audit log noting each report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run as call
from tests.helpers.clock import TODAY
from tests.helpers.files import FileState
from tests.helpers.pdf import pdf_font_sizes, pdf_reader, pdf_text, render_png
from tests.helpers.records import add_group, add_member
from voicesgroup.demo import write_demo_file
from voicesgroup.models import ConsentScope, Session, SessionStatus
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store

PROGRAM = str(Path(sys.executable).with_name("voicesgroup"))


@pytest.fixture(autouse=True)
def no_real_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    write_demo_file(path, TODAY)
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROGRAM, *argv], capture_output=True, text=True, timeout=120)


def test_pdf_is_read_back_rendered_and_carries_no_member_name(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = run(
        "--db", str(demo), "report", "--from", "2026-08-01", "--to", "2026-11-30",
        "--out", str(out), "--compare-previous-year",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Wrote {out}" in result.stdout
    data = out.read_bytes()
    text = pdf_text(data)
    reader = pdf_reader(data)
    # front page, what it cannot show, one a group, who facilitated
    assert len(reader.pages) == 1 + 1 + 3 + 1
    front = " ".join(reader.pages[0].extract_text().split())
    assert "What the groups did: All groups" in front
    assert "1 Aug 2026 to 30 Nov 2026" in front
    assert "Printed on " in front
    assert "Compared with 1 Aug 2025 to 30 Nov 2025." in front
    assert "A year before" in front
    assert "no records for that period" in front
    assert "Visits to the groups, month by month" in front
    assert "rounded to the nearest 5" in front
    assert "page 1 of 6" in front
    notes = " ".join(reader.pages[1].extract_text().split())
    assert "What this report cannot show" in notes
    assert "cannot be followed over time" in notes
    group_pages = ("Saturday Drop-in", "Thursday Beliefs", "Tuesday Voices")  # by name
    for number, group in enumerate(group_pages, start=2):
        assert group in reader.pages[number].extract_text().splitlines()
    assert "fewer than 8" in text
    assert "Supervision meetings held:" in text
    with Store.open(demo, readonly=True) as store:
        for member in store.members():
            assert member.display_name not in text
        for note in store.all_notes():
            assert note.member_words not in text
        # Niall said no to his name: a list of the others would show him, so none is listed
        assert "All facilitators together (6)" in " ".join(text.split()) and "Rosa" not in text
    assert reader.metadata.author == "voicesgroup"
    pages = render_png(out, tmp_path / "pages")
    assert len(pages) == 6
    assert all(page.stat().st_size > 5_000 for page in pages)


def test_large_print_has_no_text_under_16_points(demo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "large.pdf"
    code, _, err = call(
        capsys, "--db", str(demo), "report", "--from", "2026-09-01", "--to", "2026-11-30",
        "--out", str(out), "--large-print",
    )  # fmt: skip
    assert code == 0, err
    sizes = pdf_font_sizes(out.read_bytes())
    assert sizes and min(sizes) >= 16
    words = set(pdf_text(out.read_bytes()).split())
    for header in ("Facilitator", "Co-facilitated", "Shadowing", "Newcomers", "Visits"):
        assert header in words, header  # never broken across two lines


def test_csv_for_one_group(demo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.csv"
    code, _, err = call(
        capsys, "--db", str(demo), "report", "--group", "Tuesday Voices",
        "--from", "2026-09-01", "--to", "2026-11-30", "--csv", str(out),
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {row["group"] for row in rows if row["measure"] == "held"} == {"Tuesday Voices"}
    assert "All groups" not in {row["group"] for row in rows}
    held = {row["month"]: row["value"] for row in rows if row["measure"] == "held"}
    assert held["all"] != "0"


def test_each_report_is_in_the_audit_log_without_its_figures(demo: Path, tmp_path: Path, capsys):
    out = tmp_path / "r.csv"
    code, _, err = call(
        capsys, "--db", str(demo), "report", "--from", "2026-09-01", "--to", "2026-11-30",
        "--csv", str(out),
    )  # fmt: skip
    assert code == 0, err
    with Store.open(demo, readonly=True) as store:
        entry = store.audit_log()[-1]
        total = next(
            row["value"]
            for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
            if row["group"] == "All groups" and row["measure"] == "attendance"
            and row["month"] == "all"
        )  # fmt: skip
    assert entry.action == "report made"
    assert entry.detail == "evaluation CSV for all groups, 1 Sep 2026 to 30 Nov 2026"
    assert total not in entry.detail


JAN = ["--from", "2026-01-01", "--to", "2026-02-01"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-12-01", "--csv", "x.csv"], 2, "no month 13"),
        (["--from", "2026-02-01", "--to", "2026-01-01", "--csv", "x.csv"], 1, "must end on or"),
        (JAN, 2, "one of the arguments --out --csv"),
        ([*JAN, "--out", "a.pdf", "--csv", "b.csv"], 2, "cannot be used together"),
        (["--group", "Nobody", *JAN, "--csv", "x.csv"], 1, "Nobody"),
        ([*JAN, "--csv", "no/such/folder/x.csv"], 1, "Nothing could be saved"),
        ([*JAN, "--out", "r.pdf", "--format", "csv"], 1, "ends in .pdf but the format"),
        ([*JAN, "--out", "r.csv", "--format", "pdf"], 1, "ends in .csv but the format"),
        ([*JAN, "--out", "report.txt2"], 1, "The format cannot be told"),
    ],
)
def test_bad_input_ends_with_one_clear_line(demo: Path, tmp_path: Path, argv, code, message):
    before = FileState.of(demo)
    fixed = [str(tmp_path / a) if a.endswith((".csv", ".pdf")) else a for a in argv]
    result = run("--db", str(demo), "report", *fixed)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert FileState.of(demo).blob == before.blob
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.pdf"))


def test_never_written_over_the_data_file_or_its_backups(demo: Path, capsys) -> None:
    before = FileState.of(demo)
    for target in (demo, demo.with_name(demo.name + ".lock")):
        code, _, err = call(
            capsys, "--db", str(demo), "report", "--from", "2026-01-01", "--to", "2026-02-01",
            "--csv", str(target),
        )  # fmt: skip
        assert code == 1
        assert "Nothing was written" in err and ("data file itself" in err or "lock" in err)
    assert FileState.of(demo).blob == before.blob


def test_the_format_follows_the_file_name(demo: Path, tmp_path: Path, capsys) -> None:
    for name, start in (("r.csv", b"\xef\xbb\xbfperiod_start,"), ("r.pdf", b"%PDF")):
        code, _, err = call(
            capsys, "--db", str(demo), "report", *JAN, "--out", str(tmp_path / name)
        )
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(start)
    code, _, err = call(
        capsys, "--db", str(demo), "report", *JAN, "--out", str(tmp_path / "r"), "--format", "csv"
    )
    assert code == 0, err
    assert (tmp_path / "r").read_bytes().startswith(b"\xef\xbb\xbf")


def test_text_web_page_and_letter_paper(demo: Path, tmp_path: Path, capsys) -> None:
    argv = ["--db", str(demo), "report", "--from", "2026-08-01", "--to", "2026-11-30"]
    code, _, err = call(capsys, *argv, "--out", str(tmp_path / "r.txt"), "--compare-previous-year")
    assert code == 0, err
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    assert text.startswith("What the groups did: All groups\n1 Aug 2026 to 30 Nov 2026\n")
    assert "Compared with 1 Aug 2025 to 30 Nov 2025." in text
    assert "no records for that period" in text and "Tuesday Voices" in text
    assert max(len(line) for line in text.splitlines() if not line.startswith(" ")) <= 100
    code, _, err = call(
        capsys, *argv, "--group", "Tuesday Voices", "--out", str(tmp_path / "r.html")
    )
    assert code == 0, err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<h1>What the groups did: Tuesday Voices</h1>" in page
    assert "All groups" not in page
    code, _, err = call(capsys, *argv, "--out", str(tmp_path / "l.pdf"), "--paper", "letter")
    assert code == 0, err
    box = pdf_reader((tmp_path / "l.pdf").read_bytes()).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    with Store.open(demo, readonly=True) as store:
        for member in store.members():
            assert member.display_name not in text and member.display_name not in page


def test_a_list_with_nothing_to_show_says_why(demo: Path, tmp_path: Path, capsys) -> None:
    """On the demo no strategy reaches 8 marks: each kind of group says so in words, never an
    empty table under "Times"."""
    argv = ["--db", str(demo), "report", "--from", "2026-08-01", "--to", "2026-11-30"]
    why = "No strategy was marked as having helped at least 8 times."
    for name in ("r.txt", "r.pdf"):
        code, _, err = call(capsys, *argv, "--out", str(tmp_path / name))
        assert code == 0, err
    text = (tmp_path / "r.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    helped = [i for i, line in enumerate(lines) if line.startswith("What helped: ")]
    assert helped and all(lines[i + 2] == why for i in helped)
    assert "Times" not in text
    printed = " ".join(pdf_text((tmp_path / "r.pdf").read_bytes()).split())
    assert printed.count(why) == len(helped)


def test_a_csv_keeps_accents_and_dates_for_a_spreadsheet(tmp_path: Path, capsys) -> None:
    path = tmp_path / "data.json"
    with Store.open(path, create=True, seed=False) as store:
        group = add_group(store, "Café Zoë")
        store.save_session(
            Session(group_id=group.id, date=dt.date(2026, 3, 3), status=SessionStatus.ENDED,
                    anonymous_count=9)
        )  # fmt: skip
    out = tmp_path / "r.csv"
    code, _, err = call(
        capsys, "--db", str(path), "report", "--from", "2026-03-02", "--to", "2026-03-31",
        "--csv", str(out),
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert {(r["period_start"], r["period_end"]) for r in rows} == {("2026-03-02", "2026-03-31")}
    assert "Café Zoë" in {r["group"] for r in rows}
    visits = next(r for r in rows if r["measure"] == "attendance" and r["month"] == "all"
                  and r["group"] == "Café Zoë")  # fmt: skip
    assert (visits["value"], visits["label"]) == ("10", "Visits (each person at each session)")


@pytest.mark.parametrize("fmt", ["--out", "--csv"])
def test_a_group_named_like_a_member_is_refused_in_every_format(tmp_path: Path, capsys, fmt):
    path = tmp_path / "data.json"
    with Store.open(path, create=True, seed=False) as store:
        group = add_group(store, "Aisha's Drop-in")
        add_member(store, "Aisha", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(
            Session(group_id=group.id, date=dt.date(2026, 3, 3), status=SessionStatus.ENDED,
                    anonymous_count=6)
        )  # fmt: skip
    out = tmp_path / ("r.pdf" if fmt == "--out" else "r.csv")
    code, _, err = call(
        capsys, "--db", str(path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
        fmt, str(out),
    )  # fmt: skip
    assert code == 1
    assert "holds a member's name" in err
    assert not out.exists()


def test_a_facilitator_is_named_only_after_saying_yes(demo: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.csv"
    argv = ["--db", str(demo), "report", "--from", "2026-08-01", "--to", "2026-11-30"]
    code, _, err = call(capsys, *argv, "--csv", str(out))
    assert code == 0, err
    items = {
        row["item"] for row in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")))
    }
    # one said no: a list would show him, so the team is given together, nobody by name
    assert "Niall" not in items and "Rosa" not in items
    assert any(item.startswith("All facilitators together") for item in items)
    code, said, err = call(
        capsys, "--db", str(demo), "facilitator", "report-name", "--facilitator", "Niall",
        "--named", "yes",
    )  # fmt: skip
    assert code == 0, err
    assert "Niall is named in the evaluation" in said
    code, _, err = call(capsys, *argv, "--csv", str(out), "--force")
    assert code == 0, err
    items = {
        row["item"] for row in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")))
    }
    assert "Niall" in items and not any(i.startswith("Facilitators not named") for i in items)


def test_a_group_named_like_a_member_is_refused_and_nothing_written(tmp_path: Path, capsys):
    path = tmp_path / "data.json"
    with Store.open(path, create=True, seed=False) as store:
        group = add_group(store, "Aisha's circle")
        add_member(store, "Aisha", ConsentScope.ATTENDANCE_BY_NAME)
        store.save_session(
            Session(group_id=group.id, date=dt.date(2026, 3, 3), status=SessionStatus.ENDED,
                    anonymous_count=6, themes=["<b>not bold</b> & [/] [b]x[/b]"])
        )  # fmt: skip
    out = tmp_path / "r.pdf"
    code, _, err = call(
        capsys, "--db", str(path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
        "--out", str(out),
    )  # fmt: skip
    assert code == 1
    assert "holds a member's name" in err
    assert not out.exists()


def test_markup_in_a_theme_is_printed_as_written(tmp_path: Path, capsys) -> None:
    path = tmp_path / "data.json"
    theme = "<b>not bold</b> & [/] [b]x[/b]"
    with Store.open(path, create=True, seed=False) as store:
        group = add_group(store, "Circle")
        for day in (2, 3, 4, 5, 6, 9, 10, 11):  # a theme is listed once noted 8 times
            store.save_session(
                Session(group_id=group.id, date=dt.date(2026, 3, day),
                        status=SessionStatus.ENDED, anonymous_count=6, themes=[theme])
            )  # fmt: skip
    out = tmp_path / "r.pdf"
    code, _, err = call(
        capsys, "--db", str(path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    text = pdf_text(out.read_bytes())
    assert "<b>not bold</b> & [/] [b]x[/b]" in text
