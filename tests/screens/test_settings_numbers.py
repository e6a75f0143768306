"""The Settings form refuses a number it cannot keep with one sentence of ours, beside the field,
and keeps everything that was typed; a number in another script's digits is kept as that number.
"""

from __future__ import annotations

from textual.widgets import Input

from screens.settings_screen import SettingsScreen
from tests.helpers.terminal import feed
from voicesgroup import setting_numbers
from voicesgroup.store import Store

WRONG = ["-1", "+5", "99999999999", "9" * 400, "ten", "1.5", "1_0", "", " ", "³", "٣٣٣٣"]


def message_of(screen: SettingsScreen, name: str) -> str:
    found = screen.query(f"#field-{name} .field-message")
    return str(found.first().render()) if found else ""


async def test_every_number_refused_in_our_words_with_everything_kept(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.store.settings()
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert set(screen.NUMBERS) == set(setting_numbers.UNITS)
        screen.query_one("#organisation", Input).value = "Our own words"
        for name in screen.NUMBERS:
            field = screen.query_one(f"#{name}", Input)
            kept = field.value
            low, high = setting_numbers.bounds(name)
            for written in [*WRONG, str(low - 1), str(high + 1)]:
                field.value = written
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert app.screen is screen
                said = message_of(screen, name)
                assert said == f"! {setting_numbers.refusal(name)}", (name, written, said)
                assert field.value == written, "what was typed stays"
                assert screen.query_one("#organisation", Input).value == "Our own words"
            field.value = kept
        assert app.store.settings() == before, "nothing was saved"
        # Typed from the keyboard, the same: 0 minutes before the lock.
        idle = screen.query_one("#idle_lock_minutes", Input)
        idle.focus()
        await pilot.press("end", *["backspace"] * 6)
        feed(app, "0")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert idle.value == "0"
        assert (
            message_of(screen, "idle_lock_minutes")
            == "! Write a whole number of minutes from 1 to 240."
        )
        # Another script's digits are that number, and the field then shows it as kept.
        idle.value = "١٢"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert message_of(screen, "idle_lock_minutes") in ("", "! ")
        assert idle.value == "12"
    with Store.open(app.db_path, readonly=True) as store:
        assert store.settings().idle_lock_minutes == 12
        assert store.settings().organisation == "Our own words"
