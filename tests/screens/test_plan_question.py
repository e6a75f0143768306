"""Saving a session plan that has lost most of the meeting, or the group agreement, asks
first (warn, then keep): a few Ctrl+D too many should not become "version 2" unsaid."""

from __future__ import annotations

from pathlib import Path

from screens.template_edit_screen import TemplateEditScreen
from tests.helpers.app import app_on, make_demo
from tests.helpers.clock import FrozenClock
from tests.helpers.forms import problem_lines
from tests.helpers.screen import screen_text


async def test_a_plan_cut_to_one_part_is_asked_about_then_kept(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TemplateEditScreen)
        await pilot.press(*["ctrl+d"] * 7)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        group = app.store.groups()[0]
        assert group.template is None, "saved without asking"
        said = " ".join(" ".join(problem_lines(app)).split())
        assert f"fills 5 of the group's {group.pattern.minutes} minutes" in said, said
        assert "“Group agreement and confidentiality”" in said, said
        await pilot.press("ctrl+s")  # the same plan again: kept as it is
        await pilot.pause()
        plan = app.store.groups()[0].template
        assert plan is not None and plan.version == 2
        assert [phase.title for phase in plan.phases] == ["Grounding"]


async def test_the_plans_footer_keeps_help_at_80_columns(tmp_path: Path) -> None:
    app = app_on(make_demo(tmp_path / "demo.json"), clock=FrozenClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        last = screen_text(app).rstrip().splitlines()[-1]
        assert "Help" in last, last
