"""80×24 snapshots of the facilitators' path screens, on the demo data."""

from __future__ import annotations

SOL = ["down"] * 4


def test_path_of_someone_shadowing(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", *SOL, "p"], terminal_size=(80, 24))


def test_sign_off_dialog(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", *SOL, "p", "o"], terminal_size=(80, 24))


def test_team_picture(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "t"], terminal_size=(80, 24))


def test_supervision(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "s"], terminal_size=(80, 24))


def test_supervision_dialog(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "s", "a"], terminal_size=(80, 24))


def test_follow_ups(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "u"], terminal_size=(80, 24))


def test_new_facilitator_form(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), press=["f", "a"], terminal_size=(80, 24))
