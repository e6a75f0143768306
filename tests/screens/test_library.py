"""The strategy library, its form and the support contacts, driven by keys on demo data."""

from __future__ import annotations

import shutil

import pytest

from screens.library_screen import LibraryScreen
from tests.helpers.clock import TODAY
from tests.helpers.forms import problems_shown
from tests.helpers.pdf import pdf_text
from voicesgroup import library as strategy_library
from voicesgroup.models import ConsentAction, ConsentEvent, ConsentMethod, ConsentScope
from voicesgroup.store import Store


@pytest.fixture(autouse=True)
def no_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test here may reach a real printer."""
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)


async def open_library(app, pilot) -> LibraryScreen:
    await pilot.pause()
    app.push_screen(LibraryScreen())
    await pilot.pause()
    return app.screen


def shown_titles(screen: LibraryScreen) -> list[str]:
    table = screen.query_one("#strategies")
    return [str(table.get_row_at(row)[1]) for row in range(table.row_count)]


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


def messages(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_search_filters_the_rows_as_you_type(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot)
        assert len(shown_titles(screen)) == len(app.store.strategies()) > 40
        await press(pilot, "slash", "h", "u", "m")
        assert shown_titles(screen) == [
            "Hum or sing under your breath",
            "Humming along to drown things out",
        ]
        await press(pilot, "m", "i")
        assert shown_titles(screen) == ["Humming along to drown things out"]
        # Enter goes to the list; the detail below shows everything about the strategy.
        await press(pilot, "enter")
        assert screen.focused is screen.query_one("#strategies")
        detail = str(screen.query_one("#strategy-detail").render())
        assert "Distraction · for voices · in the moment · shared in a group" in detail
        assert "(shared by Aisha)" in detail and "Helped 5 times" in detail


async def test_filter_by_category_experience_and_moment(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot)
        screen.query_one("#library-category").value = "talking_back"
        await pilot.pause()
        titles = shown_titles(screen)
        assert titles and all(
            app.store.strategy(s.id).category == "talking_back" for s in screen._shown
        )
        assert "! Answer the voices calmly" in titles
        assert "! = caution" in str(screen.query_one("#library-status").render())
        screen.query_one("#library-category").value = ""
        screen.query_one("#library-experience").value = "beliefs"
        screen.query_one("#library-moment").value = "longer_term"
        await pilot.pause()
        assert screen._shown and all(
            "beliefs" in s.experiences and s.moment.value == "longer_term" for s in screen._shown
        )
        assert "of 56 shown" in str(screen.query_one("#library-status").render())
        await press(pilot, "ctrl+r")
        assert len(shown_titles(screen)) == 56


async def test_add_a_strategy_with_validation_in_place(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_library(app, pilot)
        await press(pilot, "a")
        form = app.screen
        assert type(form).__name__ == "StrategyEditScreen"
        await press(pilot, "ctrl+s")
        assert "! Give it a few words" in str(
            form.query_one("#field-title .field-message").render()
        )
        form.query_one("#title").value = "Stroke the cat"
        form.query_one("#experience-voices").value = False
        await press(pilot, "ctrl+s")
        assert "! Tick at least one" in str(form.query_one("#experiences-message").render())
        assert app.screen is form
        form.query_one("#experience-beliefs").value = True
        form.query_one("#category").value = "kindness"
        form.query_one("#caution").value = "Not if you are allergic"
        form.query_one("#description").text = "Slow and gentle."
        await press(pilot, "ctrl+s")
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert library.highlighted is not None and library.highlighted.title == "Stroke the cat"
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        (added,) = [s for s in store.strategies() if s.title == "Stroke the cat"]
        assert added.category == "kindness" and [e.value for e in added.experiences] == ["beliefs"]
        assert added.caution == "Not if you are allergic" and added.origin == "added"
        assert added.attributed_member_id is None


async def test_attribution_offers_and_allows_only_members_who_agreed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_library(app, pilot)
        await press(pilot, "a")
        form = app.screen
        offered = [str(label) for label, _ in form.query_one("#shared_by")._options]
        assert "Aisha" in offered and "Dev" in offered
        assert "Carys" not in offered  # no yes to her name beside strategies
        form.query_one("#title").value = "Count the lamp posts"
        aisha = app.store.find_member("Aisha")
        form.query_one("#shared_by").value = str(aisha.id)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LibraryScreen)
        (saved,) = [s for s in app.store.strategies() if s.title == "Count the lamp posts"]
        assert saved.attributed_member_id == aisha.id


async def test_attribution_is_refused_when_consent_is_gone(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_library(app, pilot)
        await press(pilot, "a")
        form = app.screen
        dev = app.store.find_member("Dev")
        form.query_one("#title").value = "Name the feeling"
        form.query_one("#shared_by").value = str(dev.id)
        # Dev withdraws while the form is open: the store has the last word.
        app.store.withdraw_consent(
            ConsentEvent(
                member_id=dev.id,
                scope=ConsentScope.STRATEGY_ATTRIBUTION,
                action=ConsentAction.WITHDRAWN,
                method=ConsentMethod.SAID_IN_ROOM,
                wording_version="1",
                recorded_by="Rosa",
            ),
            erase=False,
        )
        await press(pilot, "ctrl+s")
        assert app.screen is form
        beside = str(form.query_one("#field-attributed_member_id .field-message").render())
        assert "no current yes" in beside
        assert "Dev" in problems_shown(app)  # the store's sentence, in the form
        assert not [s for s in app.store.strategies() if s.title == "Name the feeling"]
        await press(pilot, "escape")  # what was typed is not kept: it asks first
        assert type(app.screen).__name__ == "LeaveFormDialog"
        await press(pilot, "tab", "enter")  # Discard
        assert isinstance(app.screen, LibraryScreen)


async def test_archive_hides_a_strategy_and_show_archived_brings_it_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot)
        first = screen.highlighted
        assert first is not None
        await press(pilot, "x")
        assert first.title not in shown_titles(screen)
        assert app.store.strategy(first.id).archived
        await press(pilot, "v")
        assert f"(archived) {first.title}" in shown_titles(screen)
        screen.refresh_rows(keep=first.id)
        await press(pilot, "x")
        assert not app.store.strategy(first.id).archived


async def test_mark_helped_changes_the_groups_favourites(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot)
        group = screen.group
        assert group is not None and group.name == "Saturday Drop-in"  # the first group
        screen.query_one("#library-search").value = "earplug"
        await pilot.pause()
        earplug = screen.highlighted
        assert earplug is not None and earplug.helped_count == 0
        assert earplug.id not in [
            s.id for s in strategy_library.favourites(app.store.strategies(), group)
        ]
        await press(pilot, "h")
        marked = app.store.strategy(earplug.id)
        assert marked.helped_count == 1 and marked.helped_by_group == {str(group.id): 1}
        assert strategy_library.favourites(app.store.strategies(), group)[0].id == earplug.id
        row = screen.query_one("#strategies").get_row_at(0)
        assert (str(row[4]), str(row[5])) == ("1", "1")
        # Marks in one group do not make it another group's favourite.
        other = app.store.find_group("Tuesday Voices")
        assert strategy_library.favourites(app.store.strategies(), other)[0].id != earplug.id
        # A second h on the same strategy takes the mark back: a slip never counts twice.
        await press(pilot, "h")
        assert app.store.strategy(earplug.id).helped_count == 0


async def test_pick_two_and_print_a_sheet_with_both(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_library(app, pilot)
        await press(pilot, "space", "down", "down", "space")
        picked = [app.store.strategy(i).title for i in screen.picked]
        assert len(picked) == 2 and shown_titles(screen)[0] == picked[0]
        assert str(screen.query_one("#strategies").get_row_at(0)[0]) == "✓"
        await press(pilot, "p")
        dialog = app.screen
        assert type(dialog).__name__ == "PrintDialog"
        preview = dialog.preview().plain
        assert all(title in preview for title in picked)
        target = tmp_path / "sheet.pdf"
        dialog.query_one("#print-path").value = str(target)
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"It is at {target}" in str(dialog.query_one("#print-message").render())
        text = " ".join(pdf_text(target.read_bytes()).split())
        assert all(title in text for title in picked)
        await press(pilot, "escape")
        assert app.screen is screen


async def test_support_contacts_checked_added_and_deleted(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_library(app, pilot)
        await press(pilot, "c")
        contacts = app.screen
        assert type(contacts).__name__ == "SupportContactsScreen"
        first = contacts.highlighted
        await press(pilot, "k")
        checked = next(c for c in app.store.support_contacts() if c.id == first.id)
        assert checked.last_checked == TODAY
        # A national contact is changed, never deleted.
        await press(pilot, "d")
        assert app.screen is contacts and len(app.store.support_contacts()) == 4
        # Add a local one, with validation in place.
        await press(pilot, "a")
        form = app.screen
        form.query_one("#name").value = "Riverside Crisis Café"
        await press(pilot, "ctrl+s")
        assert "! Say how to reach them" in str(
            form.query_one("#field-how .field-message").render()
        )
        form.query_one("#how").value = "Drop in, 12 Mill Lane"
        form.query_one("#when").value = "Evenings 6 to 11"
        form.query_one("#discreet_how").value = "Drop in at 12 Mill Lane"
        await press(pilot, "ctrl+s")
        assert app.screen is contacts
        local = [c for c in app.store.support_contacts() if c.local]
        assert [c.name for c in local] == ["Riverside Crisis Café"]
        assert local[0].discreet_how == "Drop in at 12 Mill Lane"
        row = next(i for i, c in enumerate(contacts._contacts) if c.name == "Riverside Crisis Café")
        contacts.query_one("#contacts").move_cursor(row=row)
        await press(pilot, "d")
        assert type(app.screen).__name__ == "ConfirmDialog"
        await press(pilot, "shift+tab", "enter")
        assert app.screen is contacts
        assert not [c for c in app.store.support_contacts() if c.local]
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_every_library_key_is_a_named_action(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_library(app, pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Add", "Pick", "Helped", "Print", "Find", "Archive", "Show archived"} <= titles
        assert {"Support contacts", "Favourites first", "Clear filters", "Back"} <= titles


# -- 80×24 snapshots ---------------------------------------------------------------------------


async def _library(pilot) -> None:
    await open_library(pilot.app, pilot)


def test_library_snapshot(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_library)


def test_strategy_form_snapshot(snap_compare, make_app) -> None:
    async def edit(pilot) -> None:
        await _library(pilot)
        await press(pilot, "slash", *"drown", "enter", "e")

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=edit)


def test_support_contacts_snapshot(snap_compare, make_app) -> None:
    async def contacts(pilot) -> None:
        await _library(pilot)
        await press(pilot, "c", "down", "k")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=contacts)
