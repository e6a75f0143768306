"""Worker threads follow one pattern: the thread computes, a message carries the result, the UI
thread applies it (see screens/app.py). Each worker that used to change or read the store from
its thread is driven here as a person would, with every call to the live store watched: the
store is only ever called on the UI thread (the main thread under Pilot)."""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import VoicesGroupApp
from tests.helpers.keys import FAST_KDF
from tests.helpers.pdf import pdf_text
from tests.helpers.screen import open_member, print_record_to_file, text_of, until_still
from tests.helpers.threads import Watched
from tests.helpers.waits import pilot_until
from voicesgroup.store import Store, crypto, forgetting
from voicesgroup.store import passphrase as protection

SCREENS = Path(__file__).resolve().parents[2] / "screens"


async def open_passphrase_dialog(pilot: Pilot[Any], app: VoicesGroupApp) -> None:
    """From home: Settings (F2), then p for the passphrase."""
    await pilot.press("f2")
    await pilot.pause()
    app.screen.set_focus(None)
    await pilot.press("p")
    await pilot.pause()


def titles(app: VoicesGroupApp) -> set[str]:
    return {item.title for item in app._notifications}


# -- forgetting ---------------------------------------------------------------------------


async def test_forgetting_writes_files_in_workers_and_changes_the_store_on_the_ui_thread(
    make_app: Callable[..., VoicesGroupApp],
    watched: Watched,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = threading.Event()
    real_write_files = forgetting.write_files
    worker_threads: list[str] = []

    def held_write_files(job: forgetting.Forgetting) -> tuple[int, int]:
        worker_threads.append(threading.current_thread().name)
        assert gate.wait(20), "the test never let the backups be rewritten"
        return real_write_files(job)

    monkeypatch.setattr(forgetting, "write_files", held_write_files)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await open_member(pilot, app, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the texts naming them, looked for in a copy
        await pilot.pause()
        await pilot.press(*"Elif", "enter")
        await pilot.pause()
        # The backups are being rewritten: the UI still answers keys, and quitting waits.
        await pilot_until(pilot, lambda: worker_threads, "the backups' rewriting to start")
        assert worker_threads and worker_threads[0] != threading.main_thread().name
        assert app.file_work_under_way
        saves_before = app.store.storage.saves
        app.changed()  # a change elsewhere meanwhile: its save waits for the forgetting
        await pilot.press("escape")  # the UI answers; the dialog stays until the work ends
        await pilot.pause()
        await app.run_action("quit")  # from the command palette, say: it waits too
        await pilot.pause()
        assert "Not yet" in titles(app) and app.is_running
        assert type(app.screen).__name__ == "ForgetDialog"
        assert app.store.storage.saves == saves_before
        gate.set()
        await until_still(pilot, app)
        assert "1 backup rewritten without them" in text_of(app, "#forget-report")
        assert not app.file_work_under_way
        assert not forgetting.intent_file(app.db_path).exists()
        assert "Elif" not in {member.display_name for member in app.store.members()}
        assert app.store.audit_log()[-1].action == "member forgotten"
    assert watched.off_the_ui_thread() == []
    assert {"Store.audit", "SafeStorage.write"} <= watched.on_the_ui_thread()
    assert b"Elif" not in app.db_path.read_bytes()


async def test_a_forgetting_that_fails_in_its_worker_is_a_message_and_frees_the_saves(
    make_app: Callable[..., VoicesGroupApp],
    watched: Watched,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from voicesgroup.errors import StoreError

    def full_disk(job: forgetting.Forgetting) -> tuple[int, int]:
        raise StoreError("the disk is full (for this test).")

    monkeypatch.setattr(forgetting, "write_files", full_disk)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await open_member(pilot, app, "Elif")
        await pilot.press("f")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the texts naming them, looked for in a copy
        await pilot.pause()
        await pilot.press(*"Elif", "enter")
        await until_still(pilot, app)
        assert "Not finished" in titles(app)
        assert type(app.screen).__name__ == "ForgetDialog"
        assert not app.file_work_under_way
        assert not app.screen.query_one("#forget-name", Input).disabled
    assert watched.off_the_ui_thread() == []


# -- passphrase ---------------------------------------------------------------------------


async def test_setting_then_changing_the_passphrase_from_settings(
    make_app: Callable[..., VoicesGroupApp],
    watched: Watched,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_derive = protection.derive
    derived_on: list[str] = []

    def quick(request: protection.KeyRequest) -> protection.PassphraseChange:
        derived_on.append(threading.current_thread().name)
        return real_derive(
            protection.KeyRequest(request.kind, request.current, request.passphrase, FAST_KDF)
        )

    monkeypatch.setattr(protection, "derive", quick)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await open_passphrase_dialog(pilot, app)
        assert type(app.screen).__name__ == "PassphraseDialog"
        await pilot.press(*"first long phrase", "enter", *"first long phrase", "enter")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "RecoveryKeyDialog"
        recovery_key = text_of(app, "#recovery-key")
        await pilot.click("#done")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.store.encrypted and crypto.is_encrypted(app.db_path.read_bytes())
        assert app.store.audit_log()[-1].action == "passphrase set"

        app.screen.set_focus(None)
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "PassphraseDialog"
        await pilot.press(*"second long phrase", "enter", *"second long phrase", "enter")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.store.audit_log()[-1].action == "passphrase changed"
        assert not app.file_work_under_way
    main = threading.main_thread().name
    assert len(derived_on) == 2 and main not in derived_on, "Argon2id ran on the UI thread"
    assert watched.off_the_ui_thread() == []
    assert "Store.audit" in watched.on_the_ui_thread()
    with Store.open(app.db_path, passphrase="second long phrase", readonly=True) as store:
        assert store.audit_log()[-1].action == "passphrase changed"
    with Store.open(app.db_path, recovery_key=recovery_key, readonly=True) as store:
        assert store.encrypted


async def test_while_the_files_are_converted_the_ui_answers_and_saves_wait(
    make_app: Callable[..., VoicesGroupApp],
    watched: Watched,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_derive = protection.derive
    real_convert = protection.convert_files
    gate = threading.Event()
    converting_on: list[str] = []

    def quick(request: protection.KeyRequest) -> protection.PassphraseChange:
        return real_derive(
            protection.KeyRequest(request.kind, request.current, request.passphrase, FAST_KDF)
        )

    def held(conversion: protection.Conversion) -> bytes:
        converting_on.append(threading.current_thread().name)
        assert gate.wait(20), "the test never let the files be converted"
        return real_convert(conversion)

    monkeypatch.setattr(protection, "derive", quick)
    monkeypatch.setattr(protection, "convert_files", held)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await open_passphrase_dialog(pilot, app)
        await pilot.press(*"first long phrase", "enter", *"first long phrase", "enter")
        await until_still(pilot, app)
        await pilot.click("#done")
        await pilot_until(pilot, lambda: converting_on, "the conversion to start")
        assert converting_on and converting_on[0] != threading.main_thread().name
        saves = app.store.storage.saves
        app.store.audit("noted meanwhile")  # a change made meanwhile (on the UI thread)
        app.changed()  # is saved after the conversion, under the new key
        await pilot.press("escape")  # the UI answers: the dialog stays while files change
        await pilot.pause()
        assert type(app.screen).__name__ == "PassphraseDialog"
        assert app.store.storage.saves == saves and app.file_work_under_way
        gate.set()
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.store.encrypted and not app.file_work_under_way
        assert "Not saved" not in titles(app)
    assert crypto.is_encrypted(app.db_path.read_bytes())
    assert watched.off_the_ui_thread() == []
    with Store.open(app.db_path, passphrase="first long phrase", readonly=True) as store:
        actions = [entry.action for entry in store.audit_log()]
    assert actions[-2:] == ["passphrase set", "noted meanwhile"]


async def test_a_passphrase_change_that_fails_takes_its_log_entry_back(
    make_app: Callable[..., VoicesGroupApp],
    watched: Watched,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_derive = protection.derive

    def quick(request: protection.KeyRequest) -> protection.PassphraseChange:
        return real_derive(
            protection.KeyRequest(request.kind, request.current, request.passphrase, FAST_KDF)
        )

    def refused(conversion: protection.Conversion) -> bytes:
        raise protection.NotConverted("The passphrase was not set: no room. Nothing was changed.")

    monkeypatch.setattr(protection, "derive", quick)
    monkeypatch.setattr(protection, "convert_files", refused)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        before = app.db_path.read_bytes()
        entries = len(app.store.audit_log())
        await open_passphrase_dialog(pilot, app)
        await pilot.press(*"first long phrase", "enter", *"first long phrase", "enter")
        await until_still(pilot, app)
        await pilot.click("#done")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "PassphraseDialog"
        assert "no room" in text_of(app, "#passphrase-message")
        assert len(app.store.audit_log()) == entries
        assert not app.store.encrypted and not app.file_work_under_way
        assert app.db_path.read_bytes() == before
    assert watched.off_the_ui_thread() == []


# -- printing a member's record -----------------------------------------------------------


async def test_printing_a_members_record_reads_a_copy_and_audits_on_the_ui_thread(
    make_app: Callable[..., VoicesGroupApp], watched: Watched, tmp_path: Path
) -> None:
    printout = tmp_path / "aisha-record.pdf"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        watched.live = app.store
        await open_member(pilot, app, "Aisha")
        message = await print_record_to_file(pilot, app, printout)
        assert message.startswith("✓ Saved.")
        last = app.store.audit_log()[-1]
        assert (last.action, last.detail) == ("printed", "a member's own record")
    assert "Aisha" in pdf_text(printout.read_bytes())
    assert watched.off_the_ui_thread() == []
    assert "Store.audit" in watched.on_the_ui_thread()


# -- the evaluation report ----------------------------------------------------------------


async def test_making_a_report_reads_a_copy_and_audits_on_the_ui_thread(
    make_app: Callable[..., VoicesGroupApp], watched: Watched, tmp_path: Path
) -> None:
    target = tmp_path / "trustees.pdf"
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        watched.live = app.store
        await pilot.press("e")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportsScreen"
        app.screen.query_one("#reports-path", Input).value = str(target)
        await pilot.press("p")
        await until_still(pilot, app)
        assert "Saved" in text_of(app, "#reports-message")
        assert app.store.audit_log()[-1].action == "report made"
    assert "What the groups did" in pdf_text(target.read_bytes())
    assert watched.off_the_ui_thread() == []
    assert "Store.audit" in watched.on_the_ui_thread()


# -- the pattern, read from the source ----------------------------------------------------


def _thread_workers(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    """Every function decorated `@work(thread=True, ...)`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and getattr(decorator.func, "id", getattr(decorator.func, "attr", "")) == "work"
                and any(
                    keyword.arg == "thread"
                    and isinstance(keyword.value, ast.Constant)
                    and keyword.value.value is True
                    for keyword in decorator.keywords
                )
            ):
                yield node


ALLOWED_STORE_IN_A_WORKER = {("app.py", "_save_in_background")}
"""The app's save: it writes the data file under the storage's own lock (screens/app.py)."""


def test_no_screen_reaches_the_store_from_a_worker_thread() -> None:
    """The pattern, checked in the source: no `call_from_thread`, no private save lock, and no
    thread worker that touches `.store` (save the app's own save)."""
    found: list[str] = []
    workers = 0
    for path in sorted(SCREENS.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for word in ("call_from_thread", "_save_lock"):
            if word in source:
                found.append(f"{path.name}: {word}")
        for function in _thread_workers(ast.parse(source)):
            workers += 1
            if (path.name, function.name) in ALLOWED_STORE_IN_A_WORKER:
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Attribute) and node.attr in ("store", "_store"):
                    found.append(f"{path.name}: {function.name} reads .{node.attr}")
    assert workers >= 8, "the search for workers found too few: is the decorator read right?"
    assert found == []


def test_the_search_would_find_a_worker_that_reads_the_store() -> None:
    bad = (
        "from textual import work\n"
        "class S:\n"
        "    @work(thread=True, exit_on_error=False)\n"
        "    def _go(self):\n"
        "        self.app.store.audit('x')\n"
    )
    (function,) = _thread_workers(ast.parse(bad))
    assert any(
        isinstance(node, ast.Attribute) and node.attr == "store" for node in ast.walk(function)
    )


async def test_enter_pressed_twice_makes_one_key_and_asks_once(
    make_app: Callable[..., VoicesGroupApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_derive = protection.derive
    gate = threading.Event()
    derived: list[str] = []

    def slow(request: protection.KeyRequest) -> protection.PassphraseChange:
        derived.append(request.kind)
        assert gate.wait(20)
        return real_derive(
            protection.KeyRequest(request.kind, request.current, request.passphrase, FAST_KDF)
        )

    monkeypatch.setattr(protection, "derive", slow)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_passphrase_dialog(pilot, app)
        await pilot.press(*"first long phrase", "enter", *"first long phrase", "enter", "enter")
        await pilot.pause()
        gate.set()
        await until_still(pilot, app)
        assert derived == ["set"]
        assert type(app.screen).__name__ == "RecoveryKeyDialog"
        await pilot.click("#done")
        await until_still(pilot, app)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.store.encrypted
