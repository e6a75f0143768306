"""`voicesgroup rota generate|show|ics` and `voicesgroup print rota`, run in-process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers.demo_files import DEMO_TODAY
from tests.helpers.pdf import pdf_reader, pdf_text
from voicesgroup import cli
from voicesgroup.demo import write_demo_file
from voicesgroup.models import DateRange, Group, MeetingPattern, RotaStatus, Variant
from voicesgroup.paths import DB_ENV
from voicesgroup.store import Store

START = DEMO_TODAY.isoformat()


@pytest.fixture(autouse=True)
def rota_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rota commands are registered (until cli.py lists them), and no real data is near."""
    if "rota" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", [*cli.COMMAND_MODULES, "rota"])
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `voicesgroup ARGV`."""
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def one_clear_line(err: str) -> str:
    assert "Traceback" not in err and err.startswith("voicesgroup: ")
    assert err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    "argv", [["rota"], ["rota", "generate"], ["rota", "show"], ["rota", "review"], ["rota", "ics"]]
)
def test_every_rota_command_has_help(capsys, argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv, "--help")
    assert code == 0 and "usage: voicesgroup rota" in out


def test_generate_then_show(capsys, demo_path: Path) -> None:
    db = str(demo_path)
    code, out, err = run(
        capsys, "--db", db, "rota", "generate", "--all", "--weeks", "6", "--from", START
    )
    assert code == 0, err
    assert out.startswith("Planned ") and "for all groups" in out and "drafts" in out

    code, out, _ = run(capsys, "--db", db, "rota", "show", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) > 6
    assert {row["status"] for row in rows} == {"draft"}
    assert all(row["lead"] and row["co"] and row["reason"] for row in rows)
    assert {row["group"] for row in rows} == {
        "Saturday Drop-in",
        "Thursday Beliefs",
        "Tuesday Voices",
    }
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)

    code, out, _ = run(capsys, "--db", db, "rota", "show", "--group", "Thursday Beliefs")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["date", "group", "lead", "co", "status", "reason"]
    assert all("Thursday Beliefs" in line for line in lines[1:])


def test_regenerating_keeps_the_published_rota(capsys, demo_path: Path) -> None:
    db = str(demo_path)
    argv = ["--db", db, "rota", "generate", "--group", "Tuesday Voices", "--weeks", "4"]
    assert run(capsys, *argv, "--from", START, "--publish")[0] == 0
    with Store.open(demo_path, readonly=True) as store:
        published = {item.id for item in store.rota()}
        assert all(item.status is RotaStatus.PUBLISHED for item in store.rota())
    code, out, _ = run(capsys, *argv[:4], "--all", "--weeks", "8", "--from", START)
    assert code == 0 and f"Kept {len(published)} already published" in out
    with Store.open(demo_path, readonly=True) as store:
        assert published <= {item.id for item in store.rota()}
        slots = [(item.group_id, item.date) for item in store.rota()]
        assert len(slots) == len(set(slots))


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--all", "--weeks", "0"], "at least one week"),
        (["--all", "--weeks", "-2"], "at least one week"),
        (["--all", "--weeks", "4", "--from", "2025-02-30"], "February 2025 has no day 30"),
        (["--all", "--weeks", "4", "--from", "next tuesday"], "YYYY-MM-DD"),
        (["--group", "Sunday Art", "--weeks", "4"], "No group called 'Sunday Art'"),
    ],
)
def test_impossible_input_is_one_clear_line(capsys, demo_path, extra, words) -> None:
    before = demo_path.read_bytes()
    code, out, err = run(capsys, "--db", str(demo_path), "rota", "generate", *extra)
    assert code == 1 and out == ""
    assert words in one_clear_line(err)
    assert demo_path.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["rota", "generate", "--weeks", "4"],
        ["rota", "generate", "--all", "--group", "x", "--weeks", "4"],
        ["rota", "generate", "--all", "--weeks", "four"],
        ["rota", "ics"],
    ],
)
def test_usage_errors_exit_2(capsys, demo_path, argv) -> None:
    code, _, err = run(capsys, "--db", str(demo_path), *argv)
    first, hint = err.splitlines()  # the one mistake, then where the whole usage is
    assert code == 2 and "usage:" not in err and "--help" in hint and first


def test_no_facilitators_or_everyone_away(capsys, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    with Store.open(path, seed=False) as store:
        store.save_group(
            Group(
                name="Tuesday Voices",
                variant=Variant.HEARING_VOICES,
                pattern=MeetingPattern(weekday=1),
            )
        )
    code, _, err = run(
        capsys, "--db", str(path), "rota", "generate", "--all", "--weeks", "4", "--from", START
    )
    assert code == 1 and "no facilitators" in one_clear_line(err)


def test_everyone_away(capsys, demo_path: Path) -> None:
    with Store.open(demo_path) as store:
        away = DateRange(start=DEMO_TODAY, end=DEMO_TODAY + dt.timedelta(days=60))
        for person in store.facilitators():
            store.save_facilitator(person.with_changes(dates_off=[away]))
    code, _, err = run(
        capsys, "--db", str(demo_path), "rota", "generate", "--all", "--weeks", "4", "--from", START
    )
    assert code == 1 and "Every facilitator is away" in one_clear_line(err)


def test_the_calendar_file_reads_back(capsys, demo_path: Path, tmp_path: Path) -> None:
    db = str(demo_path)
    run(
        capsys,
        "--db",
        db,
        "rota",
        "generate",
        "--all",
        "--weeks",
        "6",
        "--from",
        START,
        "--publish",
    )
    out_file = tmp_path / "rota.ics"
    code, out, err = run(capsys, "--db", db, "rota", "ics", "--out", str(out_file))
    assert code == 0, err

    calendar = Calendar.from_ical(out_file.read_bytes())
    events = list(calendar.walk("VEVENT"))
    with Store.open(demo_path, readonly=True) as store:
        published = [item for item in store.rota() if item.status is RotaStatus.PUBLISHED]
        starts = {group.id: group.pattern.start for group in store.groups()}
        group_of = {item.id: item.group_id for item in published}
        rosa = store.find_facilitator("Rosa").id
        rosas = sum(rosa in (item.lead_id, item.co_id) for item in published)
    assert len(events) == len(published) and f"Wrote {len(published)} sessions" in out
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        begins = event.decoded("DTSTART")
        assignment_id = str(event["UID"]).split("@")[0]
        item_group = next(gid for aid, gid in group_of.items() if str(aid) == assignment_id)
        assert begins.time() == starts[item_group]
        assert begins.tzinfo is not None and str(begins.tzinfo) == "Europe/London"
        assert event.decoded("DTEND") > begins
    assert [e.decoded("DTSTART") for e in events] == sorted(e.decoded("DTSTART") for e in events)

    mine = tmp_path / "rosa.ics"
    code, out, _ = run(
        capsys, "--db", db, "rota", "ics", "--facilitator", "rosa", "--out", str(mine)
    )
    rosa_events = list(Calendar.from_ical(mine.read_bytes()).walk("VEVENT"))
    assert code == 0 and len(rosa_events) == rosas > 0 and "for Rosa" in out
    assert all("you " in str(event["SUMMARY"]) for event in rosa_events)


def test_a_calendar_of_nothing_published_is_refused(capsys, demo_path, tmp_path) -> None:
    db = str(demo_path)
    run(capsys, "--db", db, "rota", "generate", "--all", "--weeks", "2", "--from", START)
    out_file = tmp_path / "rota.ics"
    code, _, err = run(capsys, "--db", db, "rota", "ics", "--out", str(out_file))
    assert code == 1 and "no published sessions" in one_clear_line(err)
    assert not out_file.exists()
    code, _, err = run(capsys, "--db", db, "rota", "ics", "--drafts", "--out", str(out_file))
    assert code == 0 and out_file.exists()


def test_the_printed_rota_is_landscape_with_the_names(capsys, demo_path, tmp_path) -> None:
    db = str(demo_path)
    run(capsys, "--db", db, "rota", "generate", "--all", "--weeks", "6", "--from", START)
    pdf_file = tmp_path / "rota.pdf"
    code, _, err = run(capsys, "--db", db, "print", "rota", "--from", START, "--out", str(pdf_file))
    assert code == 0, err
    data = pdf_file.read_bytes()
    text = pdf_text(data)
    for name in ("Rosa", "Tomasz", "Marcia", "Niall", "Priya", "Sol"):
        assert name in text
    assert "Tuesday Voices" in text
    page = pdf_reader(data).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "landscape"


@pytest.fixture(scope="session")
def demo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The demo without its rota: these tests plan one from nothing."""
    path = tmp_path_factory.mktemp("demo-no-rota") / "demo.json"
    write_demo_file(path, today=DEMO_TODAY, with_rota=False)
    return path.read_bytes()


def test_planning_weeks_already_published_names_them_and_the_first_open_date(
    capsys, demo_path: Path
) -> None:
    db = str(demo_path)
    argv = ["--db", db, "rota", "generate", "--all", "--weeks", "2", "--from", START]
    assert run(capsys, *argv, "--publish")[0] == 0
    before = demo_path.read_bytes()
    code, out, err = run(capsys, *argv)
    assert code != 0 and out == ""
    line = one_clear_line(err)
    assert "Nothing to plan: every session for all groups from Tue 11 Mar 2025" in line
    assert "is already published (" in line
    assert "The first date without a published session is Tue 25 Mar 2025." in line
    assert demo_path.read_bytes() == before, "nothing written"


def hard_file(path: Path) -> tuple[str, int]:
    """A data file holding an instance HiGHS must search (the first rota does not reach the
    bounds): its groups and facilitators. (start, weeks) to plan."""
    from tests.helpers.rota_instances import hard_instance

    groups, people, start, weeks, _ = hard_instance("few_women", 3)
    store = Store.open(path, seed=False)
    try:
        with store.batch():
            for group in groups:
                store.save_group(group)
            for person in people:
                store.save_facilitator(person)
    finally:
        store.close()
    return start.isoformat(), weeks


@pytest.mark.parametrize("net", ["reached", "not reached"])
def test_a_rota_stopped_at_the_safety_net_says_so_in_review_json(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, net: str
) -> None:
    """With the time limit at nothing, the rota is the best found: `rota generate`, `rota show
    --json`, `rota review` and `rota review --json` all say it is not proven; with the usual
    limit the same data are proven and none of them says so."""
    from voicesgroup.rota import reasons, solver

    if net == "reached":
        monkeypatch.setattr(solver, "TIME_LIMIT_S", 0.0)
    db = str(tmp_path / "hard.json")
    start, weeks = hard_file(tmp_path / "hard.json")
    code, out, err = run(
        capsys, "--db", db, "rota", "generate", "--all", "--weeks", str(weeks), "--from", start
    )
    assert code == 0, err
    stopped = net == "reached"
    assert (reasons.NOT_PROVEN in out) is stopped

    code, out, _ = run(capsys, "--db", db, "rota", "show", "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert {row["proven"] for row in rows} == {not stopped}

    code, out, err = run(capsys, "--db", db, "rota", "review", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["proven"] is not stopped
    assert found["unproven_sessions"] == (len(rows) if stopped else 0)
    if stopped:
        assert found["label"] == f"{len(rows)} of these sessions: {reasons.NOT_PROVEN}"
    else:
        assert found["label"] is None
    assert found["rule_breaks"] == [], "a rota stopped early still keeps every rule"
    assert sum(load["planned_leads"] + load["planned_co"] for load in found["loads"]) == sum(
        bool(row["lead"]) + bool(row["co"]) for row in rows
    )

    code, out, _ = run(capsys, "--db", db, "rota", "review")
    assert code == 0 and out.startswith("Spread ")
    assert (reasons.NOT_PROVEN in out) is stopped


def test_review_refuses_a_bad_date_in_one_line(capsys, demo_path: Path) -> None:
    code, out, err = run(capsys, "--db", str(demo_path), "rota", "review", "--to", "soon")
    assert code == 1 and out == ""
    assert "YYYY-MM-DD" in one_clear_line(err)
