"""The coordinator's Reports screen: a period's headline figures and a month-by-month chart,
and the evaluation saved for trustees and funders in every format the command makes (PDF, tidy
CSV, plain text, web page), the format following the file name by the core's one decision
(`report_files.format_for`).

Saving follows the app's one pattern for threads: the worker draws and writes the file from a
`Snapshot` of the data, and the audit entry is added here, on the UI thread, once the message
says the file is on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Select, Static

from screens.access import AppAccess
from screens.dialogs.confirm_dialog import ConfirmDialog
from screens.dialogs.leave_out_question import NOT_LEFT_OUT, answered_with, leave_out_question
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.tick_marks import TickBox
from voicesgroup import dates, evaluation, outputs
from voicesgroup.counting import counted
from voicesgroup.errors import CannotPrintCharacters, VoicesGroupError, shown
from voicesgroup.evaluation import figure, figure_text
from voicesgroup.protection import Cell, label, measures
from voicesgroup.report_files import Format
from voicesgroup.report_text import NO_RECORDS, has_records
from voicesgroup.store.snapshot import Snapshot

if TYPE_CHECKING:
    from voicesgroup.print_kind import Printed

ALL = "all"


CHART_ROWS = 3


def column_chart(cells: list[Cell], months: list[str]) -> Text:
    """Visits month by month as columns from zero: each month's figure above its column and
    its name below, a "fewer than" month with its words shortened ("<8") and no column. Every
    column is five characters wide, so twelve months fit an 80-column terminal."""
    top = max([cell.value or 0 for cell in cells] or [0]) or 1
    eighths = " ▁▂▃▄▅▆▇█"
    out = Text()
    out.append("".join(_column_text(cell) for cell in cells) + "\n")
    for row in range(CHART_ROWS, 0, -1):
        line = ""
        for cell in cells:
            height = (cell.value or 0) * CHART_ROWS * 8 // top
            part = min(max(height - (row - 1) * 8, 0), 8)
            line += f" {eighths[part] * 3} "
        out.append(line.rstrip() + "\n", "bold")
    out.append("".join(f"{month:^5}" for month in months))
    return out


def packed(items: list[str], width: int) -> list[str]:
    """Figures joined by " · " into lines of at most `width` characters, never breaking one
    figure across two lines unless it is wider than a line by itself."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += f" · {item}"
        else:
            lines.append(item)
    return lines


def _column_text(cell: Cell) -> str:
    text = f"{cell.value:,}" if cell.shown else "<" + cell.text.rsplit(" ", 1)[-1]
    return f"{text:^5}"


class ReportsScreen(AppAccess, Screen[None]):
    """What the groups did over a period, as a trustee or funder will see it."""

    HELP_TITLE = "Reports"
    HELP = (
        "The evaluation of a period for trustees and funders: sessions, visits, newcomers "
        "and volunteer hours, with a month-by-month chart of visits. Choose a group and type "
        "dates (YYYY-MM-DD), Enter applies them. Counts of people are rounded and small ones "
        "hidden the same way here and in everything saved (the threshold is in Settings). "
        "p saves the PDF, c the tidy CSV (one row per group, month and measure), y puts the "
        "same period a year before beside it, g switches large print for the PDF. s (or Enter "
        "in Save as) saves in the format the file name ends in: .pdf, .csv, .txt or .html; "
        "p, c, t and w save a PDF, a CSV, plain text or a web page (in a folder, under a "
        "name with that ending); a name for another format is refused."
    )
    BINDINGS = [
        Binding("s", "save", "Save", id="report-save", tooltip="Save as the file name says"),
        Binding("p", "save_pdf", "PDF", id="report-pdf", tooltip="Save the report as a PDF"),
        Binding("c", "save_csv", "CSV", id="report-csv", tooltip="Save tidy CSV"),
        Binding("t", "save_txt", "Text", id="report-txt", show=False, tooltip="Plain text"),
        Binding("w", "save_html", "Web page", id="report-html", show=False, tooltip="HTML"),
        Binding("y", "year_before", "Year before", id="report-year", tooltip="Compare"),
        Binding("g", "large_print", "Large print", id="report-large", show=False),
        Binding("escape", "back", "Back", id="back"),
        Binding("pagedown", "read_on(1)", "More", show=False, tooltip="Scroll the report down"),
        Binding("pageup", "read_on(-1)", "Back up", show=False, tooltip="Scroll the report up"),
    ]

    def action_read_on(self, pages: int) -> None:
        """PageDown and PageUp scroll the figures and the chart, from any field."""
        body = self.query_one("#reports-body", VerticalScroll)
        if pages > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    @dataclass
    class ReportSaved(Message):
        """The file is on disk; what it holds, for the audit entry."""

        path: Path
        printed: Printed

    @dataclass
    class ReportFailed(Message):
        reason: str

    @dataclass
    class ReportQuestion(Message):
        """Characters no font prints as typed: ask before leaving them out."""

        error: CannotPrintCharacters
        asked: Format | None
        force: bool
        leave_out: tuple[str, ...]
        """What the person already said to print without."""

    def __init__(self, group_id: UUID | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.report: evaluation.Report | None = None
        self._busy = False
        self._read_once = False

    def compose(self) -> ComposeResult:
        groups = self.store.groups(include_archived=True)
        values = [str(g.id) for g in groups]
        chosen = str(self.group_id) if str(self.group_id) in values else ALL
        period = evaluation.Period.last_twelve_months(self.vg.today())
        yield Header()
        with Vertical(id="reports", classes="list-screen"):
            with Horizontal(id="reports-bar"):
                yield Static("Reports", classes="section-title", id="reports-title")
                yield LightSelect(
                    [("All groups", ALL)] + [(Text(g.name), str(g.id)) for g in groups],
                    value=chosen,
                    allow_blank=False,
                    compact=True,
                    id="reports-group",
                )
                yield Static("From", classes="bar-label")
                yield Input(dates.typed(period.start), compact=True, id="reports-from")
                yield Static("To", classes="bar-label")
                yield Input(dates.typed(period.end), compact=True, id="reports-to")
            with Horizontal(id="reports-options"):
                yield TickBox("Year before", compact=True, id="reports-compare")
                yield TickBox("Large print PDF", compact=True, id="reports-large")
            # The figures and the chart scroll (PageDown) when a report says more than fits.
            yield Static("", id="reports-message")  # above the scroll: always in sight
            with VerticalScroll(id="reports-body"):
                yield Static("", id="reports-figures")
                yield Static("", id="reports-chart-title", classes="hint")
                yield Static("", id="reports-chart")
                with Horizontal(id="reports-save"):
                    yield Static("Save as", classes="bar-label")
                    yield Input(
                        compact=True, id="reports-path", placeholder="a folder or file name"
                    )
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # The evaluation of ten years takes a moment: the screen paints first and the figures
        # follow on the next frame (the choices' Changed messages while it mounts wait for it).
        self.query_one("#reports-path", Input).value = self.default_path("pdf")
        self.query_one("#reports-group", Select).focus()
        self.call_after_refresh(self._first_read)

    def _first_read(self) -> None:
        self._read_once = True
        self.refresh_data()

    def default_path(self, fmt: Format) -> str:
        """The home folder, with the file name the report is given wherever it is made."""
        from voicesgroup.printing import PrintRequest, file_name

        return "~/" + file_name(PrintRequest("report", output=fmt, today=self.vg.today()))

    # -- the period -----------------------------------------------------------------------

    def period(self) -> evaluation.Period:
        """The period typed, read by the one reader of typed days (which keeps it in range)."""
        start, end = (
            dates.read_day(self.query_one(box, Input).value, what, error=evaluation.PeriodError)
            for box, what in (("#reports-from", "start date"), ("#reports-to", "end date"))
        )
        return evaluation.Period(start, end)

    @on(Select.Changed, "#reports-group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        self.group_id = UUID(value) if isinstance(value, str) and value != ALL else None
        self.refresh_data()

    @on(Input.Submitted, "#reports-from, #reports-to")
    def _dates_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.refresh_data()

    @on(Checkbox.Changed)
    def _box_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id == "reports-compare":
            self.refresh_data()

    @on(Input.Submitted, "#reports-path")
    def _path_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def refresh_data(self) -> bool:
        """Read every field again and make the report they ask for; False (and no report to
        act on, so nothing is saved of an older period) when a field is refused."""
        if not self._read_once:
            return False
        message = self.query_one("#reports-message", Static)
        try:
            self.report = evaluation.report(
                self.store,
                self.period(),
                group_id=self.group_id,
                compare_previous_year=self.query_one("#reports-compare", Checkbox).value,
                today=self.vg.today(),
            )
        except VoicesGroupError as error:
            self.report = None
            message.update(Text(f"! {shown(error)}", style="bold"))
            return False
        message.update("")
        self._show(self.report)
        return True

    def _show(self, report: evaluation.Report) -> None:
        now = report.current
        total = now.total
        before = report.previous.total if report.previous else None

        def then(key: str) -> str:
            if before is None:
                return ""
            words = figure_text(figure(before, key)) if has_records(before) else NO_RECORDS
            return f" (a year before: {words})"

        lines = Text()
        lines.append(f"{report.scope}, {now.period.describe()}\n", "bold")
        if report.previous is not None:
            lines.append(f"Compared with {report.previous.period.describe()}\n", "dim")
        for line in report.coverage:
            lines.append(f"{line}\n", "dim")

        def item(key: str, name: str) -> str:
            shown = figure(total, key)
            # no members here, or nothing to work the figure out from: a colon, not "about"
            if shown is None or (isinstance(shown, Cell) and shown.why == "elsewhere"):
                return f"{name}: {figure_text(shown)}"
            return f"{name} {figure_text(shown)}{then(key)}"

        # Every measure of a group over the period, from the table of measures, in its order.
        items = [item(m.key, m.label) for m in measures("month", "group")]
        items.append(
            f"{label('volunteer_hours')} {now.volunteer_hours:,.1f} from "
            + counted(now.facilitator_count, "facilitator")
            + evaluation.not_counted(now)
        )
        width = self.query_one("#reports-figures", Static).content_size.width or 76
        lines.append("".join(f"{line}\n" for line in packed(items, width)))
        lines.append(report.protection, "dim")
        self.query_one("#reports-figures", Static).update(lines)
        # The months before anything was planned or held are left out, as in the PDF.
        skip = min(evaluation.began(total, now.months), len(now.months) - 1)
        cells = [total.people["attendance"][key] for key in now.months[skip:]]
        part = now.period.part_months
        names = [
            dates.short_month(m)[:3] + ("*" if evaluation.month_key(m) in part else "")
            for m in now.period.months[skip:]
        ]
        title = evaluation.MONTHLY_CHART + (" (* part of a month)" if part else "")
        self.query_one("#reports-chart-title", Static).update(title)
        self.query_one("#reports-chart", Static).update(column_chart(cells, names))

    # -- actions --------------------------------------------------------------------------

    def action_year_before(self) -> None:
        """Put the same period a year before beside this one (or take it away)."""
        box = self.query_one("#reports-compare", Checkbox)
        box.value = not box.value

    def action_large_print(self) -> None:
        box = self.query_one("#reports-large", Checkbox)
        box.value = not box.value

    def action_save(self) -> None:
        """Save the report in the format its file name ends in."""
        self._save(None)

    def action_save_pdf(self) -> None:
        """Save the report as a PDF."""
        self._save("pdf")

    def action_save_csv(self) -> None:
        """Save the report as tidy CSV."""
        self._save("csv")

    def action_save_txt(self) -> None:
        """Save the report as plain text."""
        self._save("txt")

    def action_save_html(self) -> None:
        """Save the report as a web page."""
        self._save("html")

    def _target(self, asked: Format | None) -> tuple[Path, Format]:
        """The file to write and its format, by the core's one decision (`format_for`): the
        format asked for, or the name's ending; a name for another format is refused. The
        name offered at first, or a folder, takes the ending of the format asked for."""
        from voicesgroup.report_files import FORMATS, format_for

        box = self.query_one("#reports-path", Input)
        raw = box.value.strip() or self.default_path(asked or "pdf")
        if asked is not None and raw in [self.default_path(f) for f in FORMATS]:
            raw = self.default_path(asked)
            box.value = raw
        path = Path(raw).expanduser()
        if outputs.is_folder(path):
            path = path / Path(self.default_path(asked or "pdf")).name
        fmt = format_for(
            path, asked, choose="press p, c, t or w", follow="press s to save as the name says"
        )
        return path, fmt

    def _save(
        self, asked: Format | None, *, force: bool = False, leave_out: tuple[str, ...] = ()
    ) -> None:
        if self._busy:
            return
        if not self.refresh_data() or self.report is None:
            return  # a refused field keeps its sentence: nothing of an older period is saved
        try:
            path, fmt = self._target(asked)
        except VoicesGroupError as error:
            self.on_reports_screen_report_failed(self.ReportFailed(f"Nothing saved: {error}."))
            return
        if outputs.exists(path) and not force:
            self._ask_replace(path, asked)
            return
        try:  # before the work: a file the audit log cannot note is never written
            outputs.check_audited_output(path, self.store, force=force)
        except VoicesGroupError as error:
            self.on_reports_screen_report_failed(self.ReportFailed(str(error)))
            return
        self._busy = True
        self.query_one("#reports-message", Static).update(f"Making the {fmt.upper()}…")
        large = self.query_one("#reports-large", Checkbox).value
        # The worker reads a copy of the data, taken here: the store stays with this thread.
        self._write(
            Snapshot.of(self.store), self.report, path, (fmt, asked), large, force, leave_out
        )

    def _ask_replace(self, path: Path, asked: Format | None) -> None:
        def answered(replace: bool | None) -> None:
            if replace:
                self._save(asked, force=True)
            else:
                self.query_one("#reports-message", Static).update(
                    Text("Nothing saved: choose another file name.", "bold")
                )

        self.app.push_screen(
            ConfirmDialog(
                "Replace the file?",
                f"{path} already exists. Replace it with this report?",
                confirm="Replace it",
            ),
            answered,
        )

    @work(thread=True, exit_on_error=False, exclusive=True, group="report")
    def _write(
        self,
        snapshot: Snapshot,
        report: evaluation.Report,
        path: Path,
        formats: tuple[Format, Format | None],
        large: bool,
        force: bool,
        leave_out: tuple[str, ...],
    ) -> None:
        from voicesgroup.outputs import check_output, write_output
        from voicesgroup.printing import PrintRequest, make

        try:
            store = snapshot.open()
            check_output(path, store.path, force=force)  # before the work: a refusal costs nothing
            fmt, asked = formats
            request = PrintRequest(
                "report", output=fmt, report=report, large_print=large, leave_out=leave_out
            )
            printed = make(store, request)  # the one route every printout takes
            written = write_output(path, printed.data, data_file=store.path, force=force)
        except CannotPrintCharacters as error:
            self.post_message(self.ReportQuestion(error, asked, force, leave_out))
        except VoicesGroupError as error:
            self.post_message(self.ReportFailed(str(error)))
        except Exception as error:  # never a crash: say what happened instead
            self.post_message(self.ReportFailed(f"The report could not be made: {error}"))
        else:
            self.post_message(self.ReportSaved(written, printed))

    def on_reports_screen_report_saved(self, message: ReportSaved) -> None:
        from voicesgroup.printing import record_printed

        self._busy = False

        def note() -> None:
            record_printed(self.store, message.printed)

        self.vg.attempt(note)  # the audit log notes the report, now that it is on disk
        said = "".join(f" {sentence}" for sentence in message.printed.said)
        self.query_one("#reports-message", Static).update(Text(f"Saved {message.path}{said}"))
        self.notify(f"Saved {message.path}", title="Report", markup=False)

    def on_reports_screen_report_question(self, message: ReportQuestion) -> None:
        self._busy = False

        def again(characters: tuple[str, ...]) -> None:
            left = tuple(dict.fromkeys((*message.leave_out, *characters)))
            self._save(message.asked, force=message.force, leave_out=left)

        def refused() -> None:
            self.query_one("#reports-message", Static).update(Text(f"! {NOT_LEFT_OUT}", "bold"))

        self.app.push_screen(
            leave_out_question(message.error), answered_with(message.error, again, refused)
        )

    def on_reports_screen_report_failed(self, message: ReportFailed) -> None:
        self._busy = False
        self.query_one("#reports-message", Static).update(Text(f"! {message.reason}", "bold"))
        self.notify(message.reason, title="Not saved", severity="warning", timeout=8, markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()
