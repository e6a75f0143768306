"""The coordinator's review of the rota: load per facilitator, planned against actual, gaps,
rule breaks and the spread, for a group and a period."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from screens.access import AppAccess
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal, plain
from voicesgroup import dates
from voicesgroup.errors import VoicesGroupError, shown
from voicesgroup.rota import Review
from voicesgroup.rota import service as rota_service
from voicesgroup.rota.review import NO_BREAKS, NO_DIFFERENCES, NO_GAPS, SPREAD_MEANS

ALL_GROUPS = "all"


def _short(day: dt.date | None, among: list[dt.date], today: dt.date) -> str:
    """'Sat 28 Nov', with the year whenever the column spans two years."""
    if day is None:
        return "—"
    return dates.day_in(day, among, today=today)


class RotaReviewScreen(AppAccess, Screen[None]):
    """Who was planned and who facilitated, what is missing and which rules are broken."""

    HELP_TITLE = "Rota review"
    HELP = (
        "Per facilitator: leads and co-facilitations planned, sessions actually facilitated "
        "(from the sessions that ended), the last one and the next due. Below: the spread "
        "(most planned minus fewest), then every gap, rule broken and session that went "
        "differently from the plan, each said in words. Choose a group and type dates "
        "(YYYY-MM-DD) to narrow it; Enter applies them."
    )
    BINDINGS = [
        Binding("f", "filter", "Filter", id="review-filter", tooltip="Choose group and period"),
        Binding("a", "whole_rota", "Whole rota", id="review-whole", tooltip="Every date"),
        Binding("e", "reports", "Reports", id="review-reports", tooltip="The evaluation report"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, group_id: UUID | None = None) -> None:
        super().__init__()
        self.group_id = group_id
        self.review: Review | None = None

    def compose(self) -> ComposeResult:
        groups = self.store.groups()
        values = [str(g.id) for g in groups]
        chosen = str(self.group_id) if str(self.group_id) in values else ALL_GROUPS
        span = rota_service.rota_span(self.store, self.group_id)
        yield Header()
        with Vertical(classes="list-screen", id="review"):
            with Horizontal(id="review-bar"):
                yield Static("Rota review", classes="section-title", id="review-title")
                yield LightSelect(
                    [("All groups", ALL_GROUPS)] + [(literal(g.name), str(g.id)) for g in groups],
                    value=chosen,
                    allow_blank=False,
                    compact=True,
                    id="review-group",
                )
                yield Static("From", classes="bar-label")
                yield Input(
                    dates.typed(span[0] if span else None),
                    placeholder="YYYY-MM-DD",
                    compact=True,
                    id="review-from",
                )
                yield Static("To", classes="bar-label")
                yield Input(
                    dates.typed(span[1] if span else None),
                    placeholder="YYYY-MM-DD",
                    compact=True,
                    id="review-to",
                )
            yield Static("", id="review-message")
            table: DataTable[str] = DataTable(id="review-loads", cursor_type="row")
            table.add_columns(
                "Facilitator", "Leads", "Co", "Actual", "Last facilitated", "Next due"
            )
            yield table
            yield Static("", id="review-spread")
            with VerticalScroll(id="review-findings"):
                yield Static("", id="review-gaps", classes="finding")
                yield Static("", id="review-breaks", classes="finding")
                yield Static("", id="review-differences", classes="finding")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#review-loads", DataTable).focus()

    # -- filters ---------------------------------------------------------------------------

    def _period(self) -> tuple[dt.date | None, dt.date | None]:
        found: list[dt.date | None] = []
        for box_id, what in (("#review-from", "start date"), ("#review-to", "end date")):
            text = self.query_one(box_id, Input).value
            found.append(rota_service.parse_date(text, what) if text.strip() else None)
        return found[0], found[1]

    @on(Select.Changed, "#review-group")
    def _group_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        self.group_id = UUID(value) if isinstance(value, str) and value != ALL_GROUPS else None
        self.refresh_data()

    @on(Input.Submitted, "#review-from, #review-to")
    def _dates_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.refresh_data()

    def action_filter(self) -> None:
        """Move to the group choice (Tab goes on to the dates)."""
        self.query_one("#review-group", Select).focus()

    def action_whole_rota(self) -> None:
        """Show every date on the rota."""
        span = rota_service.rota_span(self.store, self.group_id)
        self.query_one("#review-from", Input).value = dates.typed(span[0] if span else None)
        self.query_one("#review-to", Input).value = dates.typed(span[1] if span else None)
        self.refresh_data()

    # -- showing ---------------------------------------------------------------------------

    def _say(self, words: str) -> None:
        message = self.query_one("#review-message", Static)
        message.update(Text(words))
        message.display = bool(words)

    def refresh_data(self) -> None:
        """Review the stored rota for the chosen group and period."""
        try:
            start, end = self._period()
            review = rota_service.review_rota(
                self.store,
                group_id=self.group_id,
                start=start,
                end=end,
                today=self.vg.today(),
            )
        except VoicesGroupError as error:
            self._say(f"! {shown(error)}")
            return
        self._say("")
        self.review = review
        table = self.query_one("#review-loads", DataTable)
        table.clear()
        on_screen = [
            day for load in review.loads for day in (load.last_facilitated, load.next_due) if day
        ]
        today = self.vg.today()
        for load in review.loads:
            table.add_row(
                *plain(load.name),
                str(load.planned_leads),
                str(load.planned_co),
                "—" if load.actual is None else str(load.actual),
                _short(load.last_facilitated, on_screen, today),
                _short(load.next_due, on_screen, today),
                key=str(load.facilitator_id),
            )
        if not review.loads:
            table.add_row("Nobody on the rota here", "", "", "", "", "", key="none")
        self.query_one("#review-spread", Static).update(
            Text.assemble(
                ("Spread ", "bold"),
                (str(review.spread), "bold"),
                f": {SPREAD_MEANS}",
                f" {review.unproven_words()}" if not review.proven else "",
            )
        )
        self._findings(
            "#review-gaps",
            "Gaps",
            "Gap",
            review.gaps,
            NO_GAPS,
        )
        self._findings(
            "#review-breaks",
            "Rules broken",
            "Rule broken",
            review.rule_breaks,
            NO_BREAKS,
        )
        self._findings(
            "#review-differences",
            "Planned and actual differ",
            "Went differently",
            review.differences,
            NO_DIFFERENCES,
        )

    def _findings(
        self, widget_id: str, heading: str, label: str, found: list[str], none: str
    ) -> None:
        widget = self.query_one(widget_id, Static)
        widget.set_class(bool(found), "-found")
        if not found:
            widget.update(Text(none))
            return
        text = Text()
        text.append(f"{heading} ({len(found)})", "bold")
        for sentence in found:
            text.append(f"\n• {label}: ", "bold")
            text.append(sentence)
        widget.update(text)

    def action_back(self) -> None:
        """Back to the rota."""
        self.dismiss()

    def action_reports(self) -> None:
        """The evaluation of what the groups did (Reports), for the group chosen here."""
        from screens.reports_screen import ReportsScreen

        self.app.push_screen(ReportsScreen(self.group_id))
