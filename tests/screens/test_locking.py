"""Passphrase at first run, the unlock screen, and the idle lock returning to the same place."""

from __future__ import annotations

from tests.helpers.app import app_on, encrypted_demo
from tests.helpers.keys import FAST_KDF
from tests.helpers.screen import screen_text
from voicesgroup.store import Store


async def test_unlock_refuses_a_wrong_passphrase_then_opens(tmp_path) -> None:
    path = tmp_path / "locked.json"
    passphrase = encrypted_demo(path)
    before = path.read_bytes()
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "UnlockScreen"
        await pilot.press(*"wrong one", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "does not open" in str(app.screen.query_one("#unlock-message").render())
        # The whole sentence is on screen, its second line too (the box grows for it).
        lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
        assert "changed." in lines, lines[-6:]
        assert path.read_bytes() == before
        await pilot.press(*passphrase, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        await app.workers.wait_for_complete()
    with Store.open(path, passphrase=passphrase, readonly=True) as store:
        assert store.audit_log()[-1].action == "failed unlock"


async def test_idle_lock_hides_everything_and_returns_to_the_same_screen(tmp_path) -> None:
    path = tmp_path / "locked.json"
    passphrase = encrypted_demo(path)
    now = [1000.0]
    store = Store.open(path, passphrase=passphrase)
    app = app_on(path, store=store, idle_clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        now[0] += 11 * 60
        app._lock_if_idle()
        await pilot.pause()
        assert type(app.screen).__name__ == "IdleLockDialog"
        assert "Aisha" not in "".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press(*"not it", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.failed_unlocks == 1
        assert type(app.screen).__name__ == "IdleLockDialog"
        await pilot.press(*passphrase, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "MembersScreen"


async def test_first_run_passphrase_shows_recovery_key_once(tmp_path, monkeypatch) -> None:
    from voicesgroup.store import crypto

    monkeypatch.setattr(crypto, "tune_kdf", lambda *args, **kwargs: FAST_KDF)
    path = tmp_path / "new.json"
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "PassphraseDialog"
        await pilot.press(*"short", "enter", *"short", "enter")
        await pilot.pause()
        assert "at least 8" in str(app.screen.query_one("#passphrase-message").render())
        app.screen.query_one("#first").value = "long enough phrase"
        app.screen.query_one("#again").value = "long enough phrase"
        app.screen.query_one("#again").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "RecoveryKeyDialog"
        recovery_key = str(app.screen.query_one("#recovery-key").render())
        assert not crypto.is_encrypted(path.read_bytes()), "nothing before it is written down"
        await pilot.click("#done")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert crypto.is_encrypted(path.read_bytes())
    with Store.open(path, recovery_key=recovery_key) as store:
        assert store.encrypted


async def test_declining_the_recovery_key_converts_nothing(tmp_path, monkeypatch) -> None:
    from voicesgroup.store import crypto

    monkeypatch.setattr(crypto, "tune_kdf", lambda *args, **kwargs: FAST_KDF)
    path = tmp_path / "new.json"
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#first").value = "long enough phrase"
        app.screen.query_one("#again").value = "long enough phrase"
        app.screen.query_one("#again").focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "RecoveryKeyDialog"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.store.encrypted
    assert not crypto.is_encrypted(path.read_bytes())
    assert not list(tmp_path.glob("**/.*vg-staged"))


async def test_settings_change_and_validate(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        current = app.store.settings()
        remembered = current.model_validate(
            {**current.model_dump(), "print_folder": "/srv/handouts"}
        )
        app.store.save_settings(remembered)
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#idle_lock_minutes").value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.screen.query_one("#field-idle_lock_minutes .field-message").render())
        assert message == "! Write a whole number of minutes from 1 to 240."
        app.screen.query_one("#idle_lock_minutes").value = "5"
        app.screen.query_one("#report_smallest_count").value = "2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.screen.query_one("#field-report_smallest_count .field-message").render())
        assert message == "! Write a whole number from 3 to 50."
        app.screen.query_one("#report_smallest_count").value = "6"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
    with Store.open(app.db_path, readonly=True) as store:
        settings = store.settings()
        assert settings.idle_lock_minutes == 5 and settings.report_smallest_count == 6
        assert settings.print_folder == "/srv/handouts", "a setting not on the form was lost"


async def test_a_read_only_file_says_so_in_the_title_bar_and_refuses_changes(tmp_path) -> None:
    from voicesgroup.models import Member

    path = tmp_path / "voicesgroup.json"
    Store.open(path, seed=False).close()
    Store.open(path).close()
    path.chmod(0o444)
    before = path.read_bytes()
    app = app_on(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "read-only" in app.sub_title
        assert not app.attempt(lambda: app.store.save_member(Member(display_name="Ana")))
        await pilot.pause()
        shown = " ".join(str(toast.message) for toast in app._notifications)
        assert "read-only" in shown and "this change was not made" in shown
    assert path.read_bytes() == before
    assert path.stat().st_mode & 0o777 == 0o444


async def test_ctrl_l_locks_over_an_open_dialog_and_keeps_what_was_typed(tmp_path) -> None:
    """A facilitator called away while writing a theme: Ctrl+L locks at once over the dialog;
    unlocked, the dialog is back with every word."""
    from tests.helpers.app import IN_SESSION, make_demo
    from tests.helpers.clock import FrozenClock

    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in IN_SESSION:
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("t")
        for _ in range(50):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "TextCaptureDialog":
                break
        dialog = app.screen
        assert type(dialog).__name__ == "TextCaptureDialog"
        await pilot.press(*"voices at night")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert type(app.screen).__name__ == "IdleLockDialog"
        assert "voices at night" not in "".join(str(w.render()) for w in app.screen.query("Static"))
        await pilot.press("enter")  # this file has no passphrase: Enter carries on
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog
        from textual.widgets import Input

        assert dialog.query_one("#capture-text", Input).value == "voices at night"
