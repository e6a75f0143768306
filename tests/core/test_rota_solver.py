"""The rota's solver when its safety net is reached: the best rota found is kept, it keeps
every rule, and it says so ("best found, not proven") in its reasons and in the review."""

from __future__ import annotations

import pytest

from tests.core.test_rota_optimal import check_rules, hard_instance
from voicesgroup.rota import generate, reasons, review, solver


@pytest.fixture
def no_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every branch-and-bound stops at once, as at the end of the safety net."""
    run = solver._Model.run

    def stopped(self: solver._Model, *, search: bool = False) -> None:
        if search:
            self.deadline = 0.0
            self.h.setOptionValue("time_limit", 0.0)
            self.h.run()
            return
        run(self, search=search)

    monkeypatch.setattr(solver._Model, "run", stopped)


def test_without_time_the_rota_keeps_the_rules_and_says_it_is_not_proven(no_time):
    groups, people, start, weeks, keep = hard_instance("few_women", 3)
    result = generate(groups, people, start, weeks, keep=keep)
    assert not result.proven
    check_rules(groups, people, keep, result)
    assert any(a.lead_id for a in result.assignments), "the first rota found is kept"
    assert all(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)
    found = review([*keep, *result.assignments], None, people, groups=groups)
    assert found.unproven == len(result.assignments)


def test_with_time_the_same_rota_is_proven():
    groups, people, start, weeks, keep = hard_instance("few_women", 1)
    result = generate(groups, people, start, weeks, keep=keep)
    assert result.proven and result.spread_bound == result.spread
    assert not any(a.reason.startswith(reasons.NOT_PROVEN) for a in result.assignments)
    assert review([*keep, *result.assignments], None, people, groups=groups).unproven == 0


def test_a_label_stays_when_a_reason_is_worked_out_again():
    fresh = "Ana leads: has not led before."
    assert reasons.labelled(f"{reasons.NOT_PROVEN} Old words.", fresh) == (
        f"{reasons.NOT_PROVEN} {fresh}"
    )
    assert reasons.labelled("Old words.", fresh) == fresh
