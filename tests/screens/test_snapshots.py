"""80×24 snapshots of the shell's screens, on demo data with a frozen date."""

from __future__ import annotations


def test_home(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_first_run_offers_a_passphrase(snap_compare, make_app) -> None:
    assert snap_compare(make_app(demo=False), terminal_size=(80, 24))


def test_home_empty(snap_compare, make_app) -> None:
    assert snap_compare(make_app(demo=False), press=["escape"], terminal_size=(80, 24))


def test_group_form(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["enter"], terminal_size=(80, 24))


def test_members(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["m"], terminal_size=(80, 24))


def test_member_consents(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["m", "enter"], terminal_size=(80, 24))


def test_consent_dialog(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["m", "enter", "c"], terminal_size=(80, 24))


def test_facilitators(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f"], terminal_size=(80, 24))


def test_facilitator_form(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "enter"], terminal_size=(80, 24))


def test_help(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f1"], terminal_size=(80, 24))


def test_high_contrast(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["ctrl+t"], terminal_size=(80, 24))


def test_home_no_color(snap_compare, make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_settings(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f2"], terminal_size=(80, 24))
