"""Rules for the whole suite: what a CI run may not skip, and which tests run only when asked.

- With the environment variable CI set (to anything but "", "0" or "false"), a test skipped
  because tmux or pdftoppm is missing FAILS: CI must prove the app was driven in a real terminal
  and that the PDFs were rendered and looked at. `python3 dev.py test` installs both tools.
- Tests marked `types` (the type checker) run only with `--types`.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping

import pytest

# The tools CI must have: a skip that names one of them is a failure there.
REQUIRED_ON_CI = ("tmux", "pdftoppm")


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--types",
        action="store_true",
        help="also run the type checker (the tests marked `types`)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--types"):
        return
    left_out = [item for item in items if item.get_closest_marker("types")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("types")]
