"""80×24 snapshots of the shell's screens, on demo data with a frozen date."""

from __future__ import annotations


def steady(*keys: str):
    """Press `keys`, then hold every text cursor steady: the focused field of a form would
    otherwise be caught with its cursor blinked on or off at random."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_home(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_first_run_offers_a_passphrase(snap_compare, make_app) -> None:
    assert snap_compare(make_app(demo=False), run_before=steady(), terminal_size=(80, 24))


def test_home_empty(snap_compare, make_app) -> None:
    assert snap_compare(make_app(demo=False), run_before=steady("escape"), terminal_size=(80, 24))


def test_group_form(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("enter"), terminal_size=(80, 24))


def test_members(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("m"), terminal_size=(80, 24))


def test_member_consents(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("m", "enter"), terminal_size=(80, 24))


def test_consent_dialog(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("m", "enter", "c"), terminal_size=(80, 24))


def test_facilitators(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("f"), terminal_size=(80, 24))


def test_facilitator_form(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("f", "enter"), terminal_size=(80, 24))


def test_help(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("f1"), terminal_size=(80, 24))


def test_high_contrast(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("ctrl+t"), terminal_size=(80, 24))


def test_home_no_color(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_settings(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), run_before=steady("f2"), terminal_size=(80, 24))
