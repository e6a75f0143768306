"""Rules for the whole suite: what a CI run may not skip, and which tests run only when asked.

- With the environment variable CI set (to anything but "", "0" or "false"), a test skipped
  because tmux, pdftoppm, cupsd or syncthing is missing FAILS: CI must prove the app was driven
  in a real terminal, that the PDFs were rendered and looked at, that a handout reached a real
  printing system and that outboxes crossed a real Syncthing. `python3 dev.py test` installs
  the four.
- The slowest tests are marked `slow` (here, by name, or with `@pytest.mark.slow` beside the
  test), so `-m "not slow"` is a fast loop. Find new ones with `--durations=30`.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping

import pytest

from tests.helpers.cups_server import cups, cups_session  # noqa: F401  (a real printing system, for any test)

# The tools CI must have: a skip that names one of them is a failure there.
REQUIRED_ON_CI = ("tmux", "pdftoppm", "cupsd", "syncthing")


def on_ci(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def refusal_on_ci(reason: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """Why this skip may not happen here, or None when it may."""
    if not on_ci(environ):
        return None
    missing = [tool for tool in REQUIRED_ON_CI if tool in reason]
    if not missing:
        return None
    return (
        f"skipped ({reason}), but CI is set and CI must run the tests that need "
        f"{' and '.join(missing)}: install it (python3 dev.py test does, as root)"
    )


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        refusal = refusal_on_ci(skip_reason(report))
        if refusal is not None:
            report.outcome = "failed"
            report.longrepr = refusal
    return report


# Tests that take many seconds each (measured with --durations), marked slow here so that
# their files need not change. A node id that starts with one of these is slow.
SLOW_TESTS = (
    "tests/tmux/",
    "tests/test_kill_resume.py",
    "tests/core/test_storage.py::test_decode_of_arbitrary_json",
    "tests/core/test_consent_rule.py::test_random_sequences_of_consent_changes",
    "tests/core/test_consent_properties.py::TestConsentRules",
    "tests/core/test_rota.py::test_spread_equals_the_optimum",
    "tests/core/test_rota.py::test_every_hard_rule_holds_on_random_instances",
    "tests/core/test_rota.py::test_same_inputs_give_the_same_rota_whatever_their_order",
    "tests/screens/test_session_journey.py::test_a_whole_session",
    "tests/screens/test_hostile_text.py::test_home_members_and_member_show_names_as_typed",
    "tests/screens/test_hostile_text.py::test_library_history_and_plan_show_words_as_typed",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
    # The slow tests first, each group in its usual order: with `-n 3` the workers then end on
    # short tests and finish together, rather than one waiting on a long test of the other's.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
