"""The Reports screen as a coordinator uses it: from Home (e) or the rota review (e), the
period's figures and chart, a year before beside them, the PDF and CSV saved and audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select

from screens.reports_screen import ReportsScreen
from tests.helpers.clock import TODAY
from tests.helpers.pdf import pdf_text
from tests.helpers.screen import text_of
from voicesgroup.evaluation import Period

SIZE = (80, 24)


async def open_reports(pilot: Pilot) -> ReportsScreen:
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReportsScreen)
    return pilot.app.screen


def test_default_period_is_the_last_twelve_months() -> None:
    period = Period.last_twelve_months(TODAY)
    assert (period.start, period.end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 26))


async def test_home_e_opens_reports_with_figures_and_a_chart(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        figures = text_of(app, "#reports-figures")
        # the demo's groups began in July: the report starts there and says so
        assert "All groups, 1 Jul 2026 to 26 Nov 2026" in figures
        assert "Nothing was planned or held from 1 Dec 2025 until July 2026" in figures
        assert "Sessions held" in figures and "Visits" in figures
        assert "Members who agreed to be named and came" in figures
        assert "rounded to the nearest 5" in figures
        chart = text_of(app, "#reports-chart").splitlines()
        assert len(chart) == 1 + 3 + 1  # figures, three rows of columns, months
        # The demo's groups began in July: the months before are left out, as in the PDF.
        assert chart[-1].split() == ["Jul", "Aug", "Sep", "Oct", "Nov*"]
        sessions = screen.report.current.total.sessions
        assert screen.report.current.months[0] == "2026-07"  # the months before: nothing
        assert sessions["planned"]["2026-07"] or sessions["held"]["2026-07"]
        assert "(* part of a month)" in text_of(app, "#reports-chart-title")
        shown_figures = [int(f) for f in chart[0].split() if f.isdigit()]
        assert shown_figures and min(shown_figures) >= 0
        assert "█" in chart[1]  # the tallest month reaches the top: the chart starts at zero
        assert screen.report is not None
        held = screen.report.current.total.sessions["held"]["Whole period"]
        assert f"Sessions held {held}" in figures
        for member in app.store.members():
            assert member.display_name not in figures

        await pilot.press("y")
        await pilot.pause()
        assert screen.query_one("#reports-compare", Checkbox).value
        assert "(a year before: no records for that period)" in text_of(app, "#reports-figures")

        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_one_group_and_a_bad_date(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        group = app.store.find_group("Thursday Beliefs")
        screen.query_one("#reports-group", Select).value = str(group.id)
        await pilot.pause()
        assert text_of(app, "#reports-figures").startswith("Thursday Beliefs, ")
        box = screen.query_one("#reports-from", Input)
        box.value = "2026-02-30[/]"
        box.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a start date this app can read" in text_of(app, "#reports-message")
        assert "[/]" in text_of(app, "#reports-message")  # shown as typed, not read as markup


@pytest.mark.parametrize(
    ("box", "far"), [("#reports-to", "9999-12-31"), ("#reports-from", "0001-01-01")]
)
async def test_a_day_at_the_calendar_edge_is_refused_with_a_sentence(
    make_app, box: str, far: str
) -> None:
    """A far day (with the year before ticked, which reaches a year further) is refused by the
    one reader of typed days, as on the command line; the app stays open."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        await pilot.press("y")
        await pilot.pause()
        typed = screen.query_one(box, Input)
        typed.value = far
        typed.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.screen is screen
        message = text_of(app, "#reports-message")
        assert f"{far} is too far off" in message and "between 1900 and 2199" in message


async def test_save_pdf_and_csv_from_the_screen(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#reports-path", Input).value = str(tmp_path / "trustees.pdf")
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Saved" in text_of(app, "#reports-message")
        text = pdf_text((tmp_path / "trustees.pdf").read_bytes())
        assert "What the groups did" in text

        screen.query_one("#reports-path", Input).value = str(tmp_path)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        saved = tmp_path / f"voicesgroup-report-{TODAY.isoformat()}.csv"
        assert saved.read_text(encoding="utf-8").startswith("\ufeffperiod_start,")
        actions = [(entry.action, entry.detail) for entry in app.store.audit_log()]
        assert (
            "report made",
            "evaluation PDF for all groups, 1 Jul 2026 to 26 Nov 2026",
        ) in actions
        assert (
            "report made",
            "evaluation CSV for all groups, 1 Jul 2026 to 26 Nov 2026",
        ) in actions


async def test_every_format_is_saved_and_follows_the_file_name(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        path_box = screen.query_one("#reports-path", Input)

        async def save(name: str, key: str) -> Path:
            path_box.value = str(tmp_path / name)
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return tmp_path / name

        # s saves as the name says, in each of the four formats
        assert (await save("r.pdf", "s")).read_bytes().startswith(b"%PDF")
        assert (await save("r.csv", "s")).read_text(encoding="utf-8-sig").startswith("period_")
        assert "What the groups did: All groups" in (await save("r.txt", "s")).read_text()
        assert (await save("r.html", "s")).read_text().startswith("<!DOCTYPE html>")
        # t and w say the format; a folder takes the name offered with that format's ending
        path_box.value = str(tmp_path)
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / f"voicesgroup-report-{TODAY.isoformat()}.txt").exists()
        assert (await save("w.HTML", "w")).read_text().startswith("<!DOCTYPE html>")
        # Enter in the Save as box saves as the name says, as s does
        path_box.value = str(tmp_path / "typed.csv")
        path_box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "typed.csv").read_text(encoding="utf-8-sig").startswith("period_")
        made = [e.detail.split()[1] for e in app.store.audit_log() if e.action == "report made"]
        assert made == ["PDF", "CSV", "TXT", "HTML", "TXT", "HTML", "CSV"]


@pytest.mark.parametrize(
    ("name", "key", "sentence"),
    [
        ("r.csv", "p", "r.csv ends in .csv but the format asked for is pdf: name the file .pdf, "
                       "or press s to save as the name says."),
        ("r.pdf", "w", "r.pdf ends in .pdf but the format asked for is html"),
        ("r.docx", "s", "The format cannot be told from r.docx: end the name in .pdf or .csv or "
                        ".txt or .html, or press p, c, t or w."),
    ],
)  # fmt: skip
async def test_a_name_for_another_format_is_refused_with_a_sentence(
    make_app, tmp_path: Path, name: str, key: str, sentence: str
) -> None:
    folder = tmp_path / "for trustees"
    folder.mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#reports-path", Input).value = str(folder / name)
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = " ".join(text_of(app, "#reports-message").split())
        assert message.startswith("! Nothing saved: ") and sentence in message
        assert not any(folder.iterdir())
        assert not any(entry.action == "report made" for entry in app.store.audit_log())


async def test_saving_over_a_file_asks_first(make_app, tmp_path: Path) -> None:
    from screens.dialogs.confirm_dialog import ConfirmDialog

    target = tmp_path / "trustees.pdf"
    target.write_bytes(b"the coordinator's own file")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#reports-path", Input).value = str(target)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # Cancel is ready: a stray Enter keeps the file
        await pilot.pause()
        assert target.read_bytes() == b"the coordinator's own file"
        assert "Nothing saved" in text_of(app, "#reports-message")

        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#confirm", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.read_bytes().startswith(b"%PDF")
        assert "Saved" in text_of(app, "#reports-message")


async def test_a_save_that_fails_says_so_and_leaves_nothing(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.query_one("#reports-path", Input).value = str(tmp_path / "missing" / "r.pdf")
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "could be saved" in text_of(app, "#reports-message")
        assert not (tmp_path / "missing").exists()
        assert not any(entry.action == "report made" for entry in app.store.audit_log())


async def test_the_rota_review_links_to_reports(make_app) -> None:
    from screens.rota_review_screen import RotaReviewScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RotaReviewScreen())
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)


def test_reports_snapshot(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["e"], terminal_size=SIZE)


async def test_markup_in_a_group_name_is_shown_as_written(make_app) -> None:
    from voicesgroup.models import Group, MeetingPattern, Variant

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        odd = Group(
            name="[/] Odd [b]group", variant=Variant.CUSTOM, pattern=MeetingPattern(weekday=2)
        )
        app.store.save_group(odd)
        screen = await open_reports(pilot)
        screen.query_one("#reports-group", Select).value = str(odd.id)
        await pilot.pause()
        assert text_of(app, "#reports-figures").startswith("[/] Odd [b]group, ")
        assert "Sessions held 0" in text_of(app, "#reports-figures")


async def test_a_symbol_no_font_prints_is_asked_about_before_it_is_left_out(
    make_app, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        settings = app.store.settings()
        app.store.save_settings(settings.model_copy(update={"organisation": "Riverside 🌻"}))
        screen = await open_reports(pilot)
        target = tmp_path / "trustees.pdf"
        screen.query_one("#reports-path", Input).value = str(target)
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog" and not target.exists()
        assert "sunflower" in str(app.screen.query_one("#question").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not target.exists()
        assert text_of(app, "#reports-message").startswith("! Nothing printed")
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.click("#confirm")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = text_of(app, "#reports-message")
        assert message.startswith("Saved") and "as asked: sunflower" in message
        assert "Riverside" in pdf_text(target.read_bytes())


@pytest.mark.parametrize("key", ["p", "c", "t", "w", "s"])
@pytest.mark.parametrize(
    ("box", "typed"),
    [
        ("#reports-from", "2026-02-30"),
        ("#reports-to", "soon"),
        ("#reports-from", "2027-05-01"),  # not begun yet
        ("#reports-to", "2020-01-01"),  # before the start
    ],
)
async def test_a_refused_field_saves_nothing_of_an_older_period(
    make_app, tmp_path: Path, key: str, box: str, typed: str
) -> None:
    """The class: whatever field is refused and whatever save is asked for, the save reads
    every field again first, keeps the refusal on screen and writes nothing."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        folder = tmp_path / "out"
        folder.mkdir()
        screen.query_one("#reports-path", Input).value = str(folder)
        field = screen.query_one(box, Input)
        field.value = typed
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        refusal = text_of(app, "#reports-message")
        assert refusal.startswith("!")
        screen.query_one("#reports-compare", Checkbox).focus()  # away from the typed box
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert list(folder.iterdir()) == []
        assert text_of(app, "#reports-message") == refusal
        assert not [e for e in app.store.audit_log() if e.action == "report made"]
