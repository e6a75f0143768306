"""The app shell: home, groups, members with consents, facilitators, help — driven by keys."""

from __future__ import annotations

from screens.widgets.keys_table import KeysTable
from voicesgroup.models import ConsentScope
from voicesgroup.store import Store


async def test_home_lists_each_group_with_next_step(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#groups")
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        assert [row[0] for row in rows] == [
            "Saturday Drop-in",
            "Thursday Beliefs",
            "Tuesday Voices",
        ]
        assert rows[0][2].startswith("Sat 28 Nov") and rows[0][3] == "In 2 days"


async def test_add_group_validates_in_place_then_saves(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.screen.query_one("#field-name .field-message").render())
        assert "name cannot be empty" in message
        app.screen.query_one("#name").value = "Monday Evening Voices"
        app.screen.query_one("#start").value = "25:99"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a time" in str(app.screen.query_one("#field-start .field-message").render())
        app.screen.query_one("#start").value = "19:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        group = store.find_group("Monday Evening Voices")
        assert group.pattern.start.hour == 19 and group.agreement is not None


async def test_edit_group_keeps_its_agreement(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#venue").value = "Upstairs room"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        group = store.find_group("Saturday Drop-in")
        assert group.venue == "Upstairs room" and group.agreement is not None


async def test_member_consent_is_recorded_with_its_wording(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        table = app.screen.query_one("#members")
        carys = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "Carys")
        table.move_cursor(row=carys)
        await pilot.press("enter")
        await pilot.pause()
        assert "not asked" in str(app.screen.query_one("#consent-state").render())
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert "Read this out" in str(dialog.query_one("#wording").render())
        dialog.query_one("#recorded_by").value = "Rosa"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # The answer starts on nothing chosen: recording waits for a yes or a withdrawal.
        assert type(app.screen).__name__ == "ConsentDialog"
        dialog.query_one("#action").value = "given"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "yes, since" in str(app.screen.query_one("#consent-state").render())
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        carys = store.find_member("Carys")
        assert store.has_consent(carys.id, ConsentScope.ATTENDANCE_BY_NAME)
        (event,) = store.consent_events(carys.id)
        assert event.recorded_by == "Rosa" and event.wording_version == "2026-1"


async def test_consent_needs_someone_to_record_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("m", "enter", "c"):
            await pilot.press(key)
            await pilot.pause()
        assert type(app.screen).__name__ == "ConsentDialog"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConsentDialog"
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MemberScreen"


async def test_add_member_and_facilitator(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("m", "a"):
            await pilot.press(key)
            await pilot.pause()
        app.screen.query_one("#display_name").value = "Noor"
        await pilot.press("ctrl+s")
        await pilot.pause()
        for key in ("escape", "escape", "f", "a"):
            await pilot.press(key)
            await pilot.pause()
        app.screen.query_one("#display_name").value = "Ola"
        app.screen.query_one("#training").value = "in_training"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        assert store.find_member("Noor").display_name == "Noor"
        assert store.find_facilitator("Ola").training.value == "in_training"


async def test_help_lists_the_screen_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = app.screen.query_one("Markdown").source
        keys = dict(app.screen.query_one("#help-keys", KeysTable).rows)
        assert keys["n"] == "New group" and "What this laptop records" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_palette_offers_every_screen_action(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = [command.title for command in commands]
        assert {"New group", "Members", "Facilitators", "Help", "High contrast"} <= set(titles)
        assert "Cursor up" not in titles and "Focus Next" not in titles
        # Each action once, and its help line is not a second copy of its name.
        assert len(titles) == len(set(titles))
        assert all(command.help != command.title for command in commands)
        assert titles.count("Quit") == 1
        assert "Screenshot" not in titles, "it would write names to an unencrypted file"


async def test_high_contrast_theme_toggles(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        assert app.theme == "voicesgroup-high-contrast"


async def test_damaged_file_gives_a_message_not_a_crash(tmp_path) -> None:
    from screens.app import VoicesGroupApp

    path = tmp_path / "bad.json"
    path.write_bytes(b'{"_meta": {"1": {"app": "voicesgroup"')
    app = VoicesGroupApp(path)
    async with app.run_test(size=(80, 24)):
        pass
    assert "damaged" in app.startup_error
    assert path.read_bytes() == b'{"_meta": {"1": {"app": "voicesgroup"'
