"""The coping-strategy library: find, add, change, archive, mark as helping, pick for a sheet."""

from __future__ import annotations

from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from screens.access import AppAccess
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.light_select import LightSelect
from screens.widgets.plain import literal
from voicesgroup import library
from voicesgroup.library import LibraryFilter
from voicesgroup.models import STRATEGY_CATEGORIES, CopingStrategy, Experience, Group, Moment

ANY = ""
"""The Select value meaning "no filter" (and "no group" when there are no groups)."""

PICKED = "✓"


CAUTION_MARK = "! "
"""Before a strategy that has a caution; the status line and the help say what it means."""


class LibraryScreen(AppAccess, Screen[None]):
    """Every coping strategy the groups keep, with the group in view choosing whose marks count."""

    HELP_TITLE = "What helps: the strategy library"
    HELP = (
        "The starter set and everything the groups have shared. Type after / to find a "
        "strategy; the selectors narrow it by kind, experience and moment. Choose the group "
        "at the top: h marks a strategy as having helped in that group (h again takes the mark "
        "back), and the most marked "
        "become that group's favourites. Space picks strategies for a sheet and p prints it. "
        "A ! before a strategy means it has a caution: something to go gently with."
    )
    BINDINGS = [
        Binding("a", "add", "Add", id="add-strategy"),
        Binding("e", "edit", "Edit", id="edit-strategy", show=False),
        Binding("space", "pick", "Pick", id="pick-strategy", tooltip="Pick for a sheet, or unpick"),
        Binding(
            "h",
            "helped",
            "Helped",
            id="mark-helped",
            tooltip="Mark as having helped in the group shown at the top; again to take it back",
        ),
        Binding("p", "print", "Print", id="print-sheet", tooltip="Print a sheet of the picked"),
        Binding("slash", "search", "Find", id="search-strategies", key_display="/"),
        Binding("x", "archive", "Archive", id="archive-strategy", show=False),
        Binding("v", "toggle_archived", "Show archived", id="show-archived", show=False),
        Binding(
            "o",
            "toggle_order",
            "Favourites first",
            id="favourites-first",
            show=False,
            tooltip="List the group's favourites first, or go back to A to Z",
        ),
        Binding("g", "choose_group", "Choose group", id="choose-group", show=False),
        Binding("ctrl+r", "clear_filters", "Clear filters", id="clear-filters", show=False),
        Binding("c", "contacts", "Support contacts", id="support-contacts", show=False),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._all: list[CopingStrategy] = []
        self._shown: list[CopingStrategy] = []
        self._groups: list[Group] = []
        self.picked: list[UUID] = []
        self._marked_here: dict[UUID, CopingStrategy] = {}
        """Strategies marked as having helped while this list is open, as they were before."""
        self.show_archived = False
        self.favourites_first = False

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._groups = self.store.groups()
        groups = [(literal(group.name), str(group.id)) for group in self._groups] or [
            (literal("No group"), ANY)
        ]
        yield Header()
        with Vertical(id="library"):
            with Horizontal(classes="library-bar"):
                yield Static("Group", classes="bar-label")
                yield LightSelect(
                    groups,
                    value=groups[0][1],
                    allow_blank=False,
                    compact=True,
                    id="library-group",
                )
                yield Static("Find", classes="bar-label")
                yield Input(
                    placeholder="words in the title or description",
                    compact=True,
                    id="library-search",
                )
            with Horizontal(classes="library-bar"):
                yield LightSelect(
                    [("All kinds", ANY)]
                    + [(label, key) for key, label in STRATEGY_CATEGORIES.items()],
                    value=ANY,
                    allow_blank=False,
                    compact=True,
                    id="library-category",
                )
                yield LightSelect(
                    [("All experiences", ANY)] + [(e.label, e.value) for e in Experience],
                    value=ANY,
                    allow_blank=False,
                    compact=True,
                    id="library-experience",
                )
                yield LightSelect(
                    [("Any moment", ANY)] + [(m.label, m.value) for m in Moment],
                    value=ANY,
                    allow_blank=False,
                    compact=True,
                    id="library-moment",
                )
            yield Static("", id="library-status")
            table: DataTable[str | Text] = DataTable(
                id="strategies", cursor_type="row", zebra_stripes=True
            )
            table.add_column(PICKED, width=1, key="picked")
            table.add_column("Strategy", width=28, key="title")
            table.add_column("Kind", width=16, key="kind")
            table.add_column("For", width=10, key="for")
            table.add_column("Here", width=4, key="here")
            table.add_column("All", width=3, key="all")
            yield table
            yield Static("", id="strategy-detail")
        yield KeysFooter(show_command_palette=False)

    def on_mount(self) -> None:
        # The library paints first and fills on the next frame (the search and tallies take
        # a moment on years of data); the first ScreenResume leaves that read to it.
        self._read_once = False
        self.query_one("#library-status", Static).update("Reading the library…")
        self.query_one("#strategies", DataTable).focus()
        self.call_after_refresh(self.refresh_data)

    def on_screen_resume(self) -> None:
        if getattr(self, "_read_once", False):
            self.refresh_data()

    # -- state -----------------------------------------------------------------------------

    @property
    def group(self) -> Group | None:
        """The group chosen at the top: "it helped" marks and favourites are for it."""
        value = self.query_one("#library-group", Select).value
        return next((group for group in self._groups if str(group.id) == value), None)

    def current_filter(self) -> LibraryFilter:
        """The search words and filters as they stand on screen."""

        def chosen(selector: str) -> str:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else ANY

        experience = chosen("#library-experience")
        moment = chosen("#library-moment")
        return LibraryFilter(
            text=self.query_one("#library-search", Input).value,
            category=chosen("#library-category") or None,
            experience=Experience(experience) if experience else None,
            moment=Moment(moment) if moment else None,
            include_archived=self.show_archived,
        )

    @property
    def highlighted(self) -> CopingStrategy | None:
        """The strategy under the cursor, if any."""
        row = self.query_one("#strategies", DataTable).cursor_row
        return self._shown[row] if self._shown and 0 <= row < len(self._shown) else None

    def refresh_data(self) -> None:
        """Read the strategies again (after a change here or on another screen)."""
        self._read_once = True
        self._all = self.store.strategies(include_archived=True)
        known = {strategy.id for strategy in self._all}
        self.picked = [strategy_id for strategy_id in self.picked if strategy_id in known]
        self.refresh_rows()

    def refresh_rows(self, keep: UUID | None = None) -> None:
        """Show the strategies that pass the filters, keeping the cursor on the same one."""
        table = self.query_one("#strategies", DataTable)
        if keep is None and self.highlighted is not None:
            keep = self.highlighted.id
        group = self.group
        shown = library.search(self._all, self.current_filter())
        if self.favourites_first:
            shown.sort(key=lambda s: library.favourite_key(s, group.id if group else None))
        self._shown = shown
        table.clear()
        for strategy in shown:
            title = Text(strategy.title, no_wrap=True, overflow="ellipsis")
            if strategy.archived:
                title = Text.assemble(("(archived) ", "italic"), title)
            if strategy.caution:
                # In front, so a long title cut with "…" never hides it.
                title = Text.assemble((CAUTION_MARK, "bold"), title)
            table.add_row(
                PICKED if strategy.id in self.picked else " ",
                title,
                Text(library.category_label(strategy), no_wrap=True, overflow="ellipsis"),
                Text(library.experiences_short(strategy), no_wrap=True, overflow="ellipsis"),
                *_tally_cells(strategy, group),
                key=str(strategy.id),
            )
        row = next((i for i, s in enumerate(shown) if s.id == keep), 0)
        if shown:
            table.move_cursor(row=row)
        self._show_status()
        self._show_detail()

    def _show_status(self) -> None:
        total = sum(1 for s in self._all if self.show_archived or not s.archived)
        parts = [
            f"{len(self._shown)} of {total} shown"
            if len(self._shown) != total
            else f"{total} strategies"
        ]
        if self.show_archived:
            parts.append("archived ones included")
        if self.favourites_first:
            parts.append("favourites first")
        parts.append(f"{len(self.picked)} picked for a sheet" if self.picked else "none picked")
        group = self.group
        if group is not None:
            parts.append(f"Here = helped in {group.name}")
        if any(strategy.caution for strategy in self._shown):
            parts.append(f"{CAUTION_MARK.strip()} = caution")
        self.query_one("#library-status", Static).update(literal(" · ".join(parts)))

    def _show_detail(self) -> None:
        detail = self.query_one("#strategy-detail", Static)
        strategy = self.highlighted
        if strategy is None:
            detail.update(
                "Nothing matches. Ctrl+R clears the search and filters; a adds a strategy."
            )
            return
        text = Text()
        text.append(strategy.title, style="bold")
        if strategy.attributed_member_id is not None:
            text.append(f"  (shared by {self._member_name(strategy.attributed_member_id)})")
        if strategy.archived:
            text.append("  archived: x brings it back", style="italic")
        if strategy.description:
            text.append(f"\n{strategy.description}")
        text.append(
            f"\n{library.category_label(strategy)} · for {library.experiences_label(strategy)}"
            f" · {strategy.moment.label} · {strategy.origin}"
        )
        if strategy.caution:
            text.append("\n! Go gently: ", style="bold")
            text.append(strategy.caution, style="italic")
        text.append(f"\n{library.helped_tally(strategy, self.group)}")
        detail.update(text)

    def _member_name(self, member_id: UUID) -> str:
        try:
            return self.store.member(member_id).display_name
        except LookupError:
            return "a member"

    # -- reacting to the controls ----------------------------------------------------------

    @on(Input.Changed, "#library-search")
    def _search_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#library-search")
    def _search_done(self) -> None:
        self.query_one("#strategies", DataTable).focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.refresh_rows()

    @on(DataTable.RowHighlighted, "#strategies")
    def _row_highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#strategies")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # -- actions ---------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#library-search", Input).focus()

    def action_choose_group(self) -> None:
        self.query_one("#library-group", Select).focus()

    def action_clear_filters(self) -> None:
        self.query_one("#library-search", Input).value = ""
        for selector in ("#library-category", "#library-experience", "#library-moment"):
            self.query_one(selector, Select).value = ANY
        self.refresh_rows()

    def action_add(self) -> None:
        from screens.strategy_edit_screen import StrategyEditScreen

        self.app.push_screen(StrategyEditScreen(None), self._edited)

    def action_edit(self) -> None:
        from screens.strategy_edit_screen import StrategyEditScreen

        strategy = self.highlighted
        if strategy is not None:
            self.app.push_screen(StrategyEditScreen(strategy), self._edited)

    def _edited(self, saved: UUID | None) -> None:
        self.refresh_data()
        if saved is not None:
            if not any(s.id == saved for s in self._shown):
                # A new strategy the filters would hide: show everything so it can be seen.
                self.action_clear_filters()
            self.refresh_rows(keep=saved)

    def action_pick(self) -> None:
        strategy = self.highlighted
        if strategy is None:
            return
        if strategy.id in self.picked:
            self.picked.remove(strategy.id)
        elif strategy.archived:
            self.notify("An archived strategy is not printed; bring it back first (x).")
            return
        else:
            self.picked.append(strategy.id)
        self.refresh_rows(keep=strategy.id)

    def action_helped(self) -> None:
        """Mark the strategy as having helped; pressed again (while this list is open) it
        takes that mark back, so a slip of the key never counts twice."""
        strategy = self.highlighted
        if strategy is None:
            return
        group = self.group
        where = f" in {group.name}" if group else ""
        before = self._marked_here.get(strategy.id)
        if before is not None:
            undone = strategy.with_changes(
                helped_count=before.helped_count, helped_by_group=before.helped_by_group
            )
            said = (f"The mark was taken back{where}: {strategy.title}.", "Helped")
            if self.vg.attempt(lambda: self.store.save_strategy(undone), said):
                del self._marked_here[strategy.id]
                self.refresh_data()
            return
        marked = library.mark_helped(strategy, group.id if group else None)
        said = (f"Marked as having helped{where}: {strategy.title}. h again takes it back.", "")
        if self.vg.attempt(lambda: self.store.save_strategy(marked), said):
            self._marked_here[strategy.id] = strategy
            self.refresh_data()

    def action_archive(self) -> None:
        strategy = self.highlighted
        if strategy is None:
            return
        changed = library.set_archived(strategy, not strategy.archived)
        if not self.vg.attempt(lambda: self.store.save_strategy(changed)):
            return
        if changed.archived:
            if strategy.id in self.picked:
                self.picked.remove(strategy.id)
            self.notify(f"Archived: {strategy.title}. Press v to see archived strategies.")
        else:
            self.notify(f"Back in the library: {strategy.title}.")
        self.refresh_data()

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.refresh_rows()

    def action_toggle_order(self) -> None:
        self.favourites_first = not self.favourites_first
        self.refresh_rows()

    def action_print(self) -> None:
        from screens.dialogs.print_dialog import PrintDialog

        group = self.group
        self.app.push_screen(PrintDialog(group.id if group else None, list(self.picked) or None))

    def action_contacts(self) -> None:
        from screens.support_contacts_screen import SupportContactsScreen

        self.app.push_screen(SupportContactsScreen())

    def action_back(self) -> None:
        table = self.query_one("#strategies", DataTable)
        if self.focused is not table:
            # Escape first leaves the search box or a selector, then leaves the screen.
            table.focus()
            return
        self.dismiss()


def _tally_cells(strategy: CopingStrategy, group: Group | None) -> tuple[Text, Text]:
    """ "It helped" marks in the group shown, and everywhere ("–" for none)."""
    here = library.helped_in_group(strategy, group.id if group else None)
    return (
        Text(str(here) if here else "–", justify="right"),
        Text(str(strategy.helped_count) if strategy.helped_count else "–", justify="right"),
    )
