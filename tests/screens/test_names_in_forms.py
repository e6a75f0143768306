"""Every form whose words are shared with every laptop or printed asks about a member's name.

A walk through each such form: a member's name typed into one of its shared fields (in the
spellings the name finder reads: as written, in capitals, in full-width letters) is asked
about beside the field, with everything kept; saving the same words again keeps them. The
same words without the name are kept at once. `test_every_shared_form_is_walked` fails when a
form that writes shared or printed words is added to the forms' walk without a walk here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from screens.app import VoicesGroupApp
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.form_walks import WALKS, open_walked, submitted
from tests.helpers.screen import screen_text
from voicesgroup.store import Store


def _strategies(store: Store) -> list[str]:
    return [s.title for s in store.strategies()]


def _contacts(store: Store) -> list[str]:
    return [contact.name for contact in store.support_contacts()]


def _organisation(store: Store) -> list[str]:
    return [store.settings().organisation]


def _venues(store: Store) -> list[str]:
    return [group.venue for group in store.groups()]


def _plans(store: Store) -> list[str]:
    return [
        prompt
        for group in store.groups()
        if group.template is not None
        for phase in group.template.phases
        for prompt in phase.prompts
    ]


# form: ({field id: words, with {} where the name goes}, where the saved words are read)
SHARED: dict[str, tuple[dict[str, str], Callable[[Store], list[str]]]] = {
    "StrategyEditScreen": ({"title": "Hum a tune like {} does"}, _strategies),
    "SupportContactEditScreen": (
        {"name": "{}'s peer line", "how": "0800 000 0000"},
        _contacts,
    ),
    "SettingsScreen": ({"organisation": "{}'s Collective"}, _organisation),
    "GroupEditScreen": ({"name": "Wednesday group", "venue": "Upstairs at {}'s"}, _venues),
    "TemplateEditScreen": ({"part-prompts": "What helped {} this week?"}, _plans),
}
NOT_SHARED = {
    "MemberScreen": "a member's own name",
    "ConsentDialog": "no words typed",
    "NoteScreen": "asks in its own words: a note is about one member",
    "ForgetDialog": "a member's name, to confirm",
    "FacilitatorEditScreen": "a facilitator's own name",
    "AvailabilityScreen": "days and numbers",
    "PathStepDialog": "refuses a member's name (supervision.refuse_member_name)",
    "SupervisionDialog": "refuses a member's name (supervision.refuse_member_name)",
    "PassphraseDialog": "a passphrase",
    "StartSessionDialog": "facilitators chosen",
    "TextCaptureDialog": "the theme dialog's own step",
    "StrategyCaptureDialog": "the theme dialog's own step",
    "GenerateRotaDialog": "dates",
    "DebriefScreen": "stays on the group's laptops",
    "PrintDialog": "a file's name",
    "ConflictEditScreen": "a strategy's texts ask as the strategy form (not walked: notes)",
}
"""Forms walked by `test_every_form` that write no shared or printed words, or ask in their
own way, and why."""

SPELLINGS = [str, str.upper, lambda name: "".join(chr(ord(c) + 0xFEE0) for c in name)]


def test_every_shared_form_is_walked() -> None:
    assert set(SHARED) | set(NOT_SHARED) == set(WALKS)


async def _fill(app: VoicesGroupApp, pilot: Any, name: str, words: dict[str, str]) -> Any:
    form = await open_walked(app, pilot, name)
    if name == "TemplateEditScreen":
        await pilot.press("enter")  # the first part, to write its prompts
        await pilot.pause()
    for field_id, text in words.items():
        field = form.query_one(f"#{field_id}")
        field.focus()
        await pilot.pause()
        if isinstance(field, Input):
            field.value = text
        else:
            assert isinstance(field, TextArea)
            field.text = text
        await pilot.pause()
    return form


@pytest.mark.parametrize("spelling", range(len(SPELLINGS)))
@pytest.mark.parametrize("name", sorted(SHARED))
async def test_a_members_name_in_shared_words_is_asked_about_then_kept(
    tmp_path: Path, name: str, spelling: int
) -> None:
    fields, saved = SHARED[name]
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        member = next(m.display_name for m in app.store.members() if m.display_name == "Iona")
        written = SPELLINGS[spelling](member)
        words = {field: text.format(written) for field, text in fields.items()}
        form = await _fill(app, pilot, name, words)
        await submitted(app, pilot, "ctrl+s")
        assert app.screen is form, "saved without a question"
        assert f"This mentions {member}" in " ".join(screen_text(app).split())
        for field_id, text in words.items():
            field = form.query_one(f"#{field_id}")
            assert (field.value if isinstance(field, Input) else field.text) == text
        assert not [t for t in saved(app.store) if written in t], "kept before the answer"
        await submitted(app, pilot, "ctrl+s")
        kept = saved(app.store)
        assert [t for t in kept if written in t], "saving again did not keep the words"


@pytest.mark.parametrize("name", sorted(SHARED))
async def test_words_without_a_members_name_are_kept_at_once(tmp_path: Path, name: str) -> None:
    fields, saved = SHARED[name]
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        words = {field: text.format("the river") for field, text in fields.items()}
        await _fill(app, pilot, name, words)
        await submitted(app, pilot, "ctrl+s")
        assert "This mentions" not in " ".join(screen_text(app).split())
        assert [t for t in saved(app.store) if "the river" in t]
