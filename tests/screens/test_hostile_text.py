"""Text is text: whatever a person typed is shown exactly as typed, on every screen.

Every text field of the stored records gets markup-like or control-laden words (those the
models accept), then every screen and dialog is driven by keys. Nothing may crash, and the
words must appear literally, never as markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from screens.app import VoicesGroupApp
from tests.helpers.app import app_on
from tests.helpers.clock import NOON, TODAY, FrozenClock
from tests.helpers.demo_files import write_demo_copy
from tests.helpers.screen import screen_text
from voicesgroup.models import Note, RotaAssignment, RotaStatus, Session, SessionStatus
from voicesgroup.store import Store

GROUP_NAME = "[bold red]Sam[/]"
MEMBER_NAME = "[/]"
OTHER_MEMBER = "[link=https://example.org]Dev[/link]"
FACILITATOR = "[@click=app.quit]Rosa[/]"
THEME = "[reverse]Being believed[/] \\[x]"
FOLLOW_UP = "Ask about [b]room[/b] [/"
STRATEGY = "[i]Humming[/i] quietly"
NOTE_WORDS = "I said [red]no[/red] and it helped\x1b[2J"
DEBRIEF = "We kept [blink]calm[/blink]"
VENUE = "Room [2] \x1b]0;title\x07"


def _hostile(model, **changes):
    """The record with `changes`, each kept only if the model accepts it."""
    kept = model
    for field, value in changes.items():
        try:
            kept = kept.with_changes(**{field: value})
        except (ValidationError, ValueError):
            continue
    return kept


def hostile_demo(path: Path) -> dict[str, str]:
    """Demo data with hostile words in every text field; the words the models accepted."""
    write_demo_copy(path, TODAY)
    accepted: dict[str, str] = {}
    with Store.open(path) as store:
        group = next(g for g in store.groups() if g.name == "Tuesday Voices")
        group = _hostile(group, name=GROUP_NAME, venue=VENUE)
        store.save_group(group)
        accepted["group"] = group.name
        members = store.members()
        by_name = {m.display_name: m for m in members}
        elif_ = _hostile(by_name["Elif"], display_name=MEMBER_NAME)
        store.save_member(elif_)
        accepted["member"] = elif_.display_name
        other = _hostile(next(m for m in members if m.id != elif_.id), display_name=OTHER_MEMBER)
        store.save_member(other)
        accepted["other"] = other.display_name
        rosa = next(f for f in store.facilitators() if f.display_name == "Rosa")
        rosa = _hostile(rosa, display_name=FACILITATOR)
        store.save_facilitator(rosa)
        accepted["facilitator"] = rosa.display_name
        strategy = store.strategies()[0]
        strategy = _hostile(strategy, title=STRATEGY, description=STRATEGY)
        store.save_strategy(strategy)
        accepted["strategy"] = strategy.title
        for note in store.all_notes():
            if note.member_id == elif_.id:
                store.save_note(_hostile(note, member_words=NOTE_WORDS))
        ended = next(s for s in store.sessions(group.id) if s.status is SessionStatus.ENDED)
        ended = _hostile(ended, themes=[THEME], follow_ups=[FOLLOW_UP])
        if ended.debrief is not None:
            ended = ended.with_changes(
                debrief=ended.debrief.model_copy(update={"answers": {"connection": DEBRIEF}})
            )
        store.save_session(ended)
        accepted["theme"] = ended.themes[0]
        store.save_rota(
            [
                RotaAssignment(
                    group_id=group.id,
                    date=TODAY,
                    lead_id=rosa.id,
                    co_id=next(f for f in store.facilitators() if f.id != rosa.id).id,
                    status=RotaStatus.PUBLISHED,
                )
            ]
        )
    return accepted


def toasts(app: VoicesGroupApp) -> str:
    return "\n".join(str(item.message) + str(item.title) for item in app._notifications)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "hostile.json"
    return path, hostile_demo(path)


def hostile_app(path: Path) -> VoicesGroupApp:
    return app_on(path, clock=FrozenClock(NOON))


async def _select_group(pilot, app: VoicesGroupApp, name: str) -> None:
    table = app.screen.query_one("#groups")
    for row in range(table.row_count):
        if str(table.get_row_at(row)[0]) == name:
            table.move_cursor(row=row)
            await pilot.pause()
            return
    raise AssertionError(f"{name!r} is not on Home:\n{screen_text(app)}")


async def _select_member(pilot, app: VoicesGroupApp, name: str) -> None:
    table = app.screen.query_one("#members")
    for row in range(table.row_count):
        if str(table.get_row_at(row)[0]) == name:
            table.move_cursor(row=row)
            await pilot.pause()
            return
    raise AssertionError(f"{name!r} is not in Members:\n{screen_text(app)}")


SIZE = (160, 50)


async def test_home_members_and_member_show_names_as_typed(hostile) -> None:
    path, words = hostile
    app = hostile_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert words["group"] in screen_text(app)
        await _select_group(pilot, app, words["group"])
        await pilot.press("enter")  # the group form
        await pilot.pause()
        assert words["group"] in screen_text(app)
        await pilot.press("escape", "m")
        await pilot.pause()
        shown = screen_text(app)
        # A long name is cut with '…' in the narrow column; its start is shown as typed.
        assert words["member"] in shown and words["other"][:20] in shown
        await _select_member(pilot, app, words["member"])
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert f"Member: {words['member']}" in shown
        await pilot.press("c")  # the consent dialog
        await pilot.pause()
        assert words["member"] in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")  # a note with them
        await pilot.pause()
        assert f"A note with {words['member']}" in screen_text(app)
        await pilot.press(*"[/] [b]")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "[/] [b]" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert words["member"] in toasts(app)
        await pilot.press("escape", "escape", "f")  # facilitators
        await pilot.pause()
        assert words["facilitator"] in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_library_history_and_plan_show_words_as_typed(hostile) -> None:
    path, words = hostile
    app = hostile_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _select_group(pilot, app, words["group"])
        await pilot.press("h")
        await pilot.pause()
        shown = screen_text(app)
        assert words["theme"] in shown
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert words["theme"] in shown and FOLLOW_UP in shown and DEBRIEF in shown
        await pilot.press("escape", "escape", "t")
        await pilot.pause()
        assert words["group"] in screen_text(app)
        await pilot.press("escape", "l")
        await pilot.pause()
        assert words["strategy"] in screen_text(app)
        await pilot.press("escape", "r")  # the rota
        await pilot.pause()
        await pilot.press("escape", "f2", "f1")
        await pilot.pause()
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_a_session_and_its_debrief_show_words_as_typed(hostile) -> None:
    path, words = hostile
    app = hostile_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _select_group(pilot, app, words["group"])
        await pilot.press("s")
        await pilot.pause()
        assert words["group"] in screen_text(app)
        assert words["facilitator"] in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"
        await pilot.press("t", *"[/] [bold]x", "enter")
        await pilot.pause()
        await pilot.press("enter")  # it may warn about names first
        await pilot.pause()
        await pilot.press("f", *"[i]call[/i]", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "[/] [bold]x" in shown and "[i]call[/i]" in shown
        assert words["group"] in shown
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DebriefScreen"
        shown = screen_text(app)
        assert "[/] [bold]x" in shown and words["facilitator"] in shown
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
    with Store.open(path, readonly=True) as store:
        [today] = [s for s in store.sessions() if s.date == TODAY]
        assert "[/] [bold]x" in today.themes
        assert isinstance(today, Session)


def test_every_hostile_word_the_models_accept_is_kept_as_typed(hostile) -> None:
    path, words = hostile
    assert words["member"] == MEMBER_NAME and words["group"] == GROUP_NAME
    with Store.open(path, readonly=True) as store:
        notes = [n for n in store.all_notes() if "helped" in n.member_words]
        assert all(isinstance(n, Note) for n in notes)


async def test_rota_cover_and_contacts_show_words_as_typed(hostile) -> None:
    path, words = hostile
    contact_name = "[b]Helpline[/b] [/"
    with Store.open(path) as store:
        contact = store.support_contacts()[0]
        store.save_support_contact(_hostile(contact, name=contact_name))
        contact_name = store.support_contacts()[0].name
    app = hostile_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")  # the rota, on today's session
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert words["group"] in shown
        assert words["facilitator"] in shown
        await pilot.press("c")  # can't make it: the cover dialog names the group and people
        await pilot.pause()
        shown = screen_text(app)
        assert words["group"] in shown
        await pilot.press("escape", "escape", "l", "c")
        await pilot.pause()
        assert contact_name in screen_text(app)
