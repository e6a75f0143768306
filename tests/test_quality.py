"""The project's own tools, as tests: ruff, mypy, the lock file, CI's rules, the benchmarks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from dev import DEBIAN_TOOLS
from tests.conftest import REQUIRED_ON_CI, refusal_on_ci

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUFF = BIN / "ruff"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = ROOT / "requirements-dev.lock"


def test_ruff_check() -> None:
    result = subprocess.run([str(RUFF), "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = subprocess.run(
        [str(RUFF), "format", "--check", "."], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout


# -- types -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_mypy_finds_no_errors() -> None:
    """mypy, configured in pyproject.toml: strict on voicesgroup/, normal on screens/."""
    result = subprocess.run(
        [str(BIN / "mypy")], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert result.returncode == 0, result.stdout[-6000:]


TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")


def ignores_without_a_reason(source: str) -> list[str]:
    """Each `# type: ignore` names its error codes and says why, in a comment after it."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = TYPE_IGNORE.search(line)
        if match and not (match["codes"] and match["rest"].strip().startswith("#")):
            found.append(f"{number}: {line.strip()}")
    return found


def test_the_type_ignore_rule_tells_a_reason_from_none() -> None:
    assert not ignores_without_a_reason("x = f()  # type: ignore[arg-type]  # the stub is wrong\n")
    assert ignores_without_a_reason("x = f()  # type: ignore\n")
    assert ignores_without_a_reason("x = f()  # type: ignore[arg-type]\n")


def test_every_type_ignore_says_why() -> None:
    sources = [
        *(
            path
            for folder in ("voicesgroup", "screens", "bench", "tests")
            for path in ROOT.glob(f"{folder}/**/*.py")
        ),
        ROOT / "dev.py",
    ]
    bare = {
        str(path.relative_to(ROOT)): lines
        for path in sources
        if path != Path(__file__) and (lines := ignores_without_a_reason(path.read_text()))
    }
    assert not bare, bare


# -- the lock file -----------------------------------------------------------------------------


def locked() -> dict[str, str]:
    """Each package in requirements-dev.lock and its exact version."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not an exact pin in {LOCK.name}: {line}"
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_holds_every_dependency_at_a_version_pyproject_allows() -> None:
    pins = locked()
    wanted = [*PYPROJECT["project"]["dependencies"], *PYPROJECT["dependency-groups"]["dev"]]
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {LOCK.name}: run python3 dev.py lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{LOCK.name} pins {name}=={pins[name]}, pyproject.toml wants {line}"
        )


def test_this_environment_was_installed_from_the_lock() -> None:
    """What the tests run on is what the lock says (dev.py re-installs when the lock changes)."""
    installed: dict[str, str] = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    differ = {
        name: (version, installed.get(name))
        for name, version in locked().items()
        if installed.get(name) != version
    }
    assert not differ, f"(locked, installed): {differ}; run python3 dev.py test to re-install"


def test_what_the_snapshots_and_the_file_format_depend_on_is_pinned() -> None:
    dependencies: dict[str, SpecifierSet] = {
        canonicalize_name(Requirement(line).name): Requirement(line).specifier
        for line in PYPROJECT["project"]["dependencies"]
    }
    for exact in ("textual", "rich"):
        assert str(dependencies[exact]).startswith("=="), exact
    for bounded in ("tinydb", "pydantic", "orjson", "cryptography", "reportlab"):
        assert any(spec.operator in {"<", "==", "~="} for spec in dependencies[bounded]), bounded
    ruff = [Requirement(line) for line in PYPROJECT["dependency-groups"]["dev"]]
    assert any(r.name == "ruff" and str(r.specifier).startswith("==") for r in ruff)
    # The published package's extras hold no developer tools.
    assert "optional-dependencies" not in PYPROJECT["project"]


# -- CI may not skip what it must prove --------------------------------------------------------


@pytest.mark.parametrize(
    ("ci", "reason", "refused"),
    [
        ("true", "tmux is not installed", True),
        ("1", "pdftoppm (poppler-utils) is not installed", True),
        ("true", "syncthing is not installed (Debian's package syncthing)", True),
        ("true", "needs a network", False),
        ("", "tmux is not installed", False),
        ("false", "pdftoppm (poppler-utils) is not installed", False),
        ("0", "tmux is not installed", False),
    ],
)
def test_which_skips_ci_refuses(ci: str, reason: str, refused: bool) -> None:
    assert (refusal_on_ci(reason, {"CI": ci}) is not None) == refused
    assert refusal_on_ci(reason, {}) is None


SKIPPING_TESTS = """
import pytest

@pytest.mark.skipif(True, reason="tmux is not installed")
def test_in_a_terminal():
    pass

def test_rendered_page():
    pytest.skip("pdftoppm (poppler-utils) is not installed")

def test_other():
    pytest.skip("not on this platform")

def test_plain():
    pass
"""


def run_with_the_suites_rules(tmp_path: Path, ci: str, *args: str) -> tuple[int, str]:
    """pytest on a small file of skipping tests, with tests/conftest.py as a plugin."""
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-p",
            "no:textual-snapshot",
            "-rA",
            "-v",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stdout


def outcome(output: str, test: str) -> str:
    found = re.findall(rf"::{test} (PASSED|FAILED|ERROR|SKIPPED)\b", output)
    assert len(found) == 1, output
    return found[0]


def test_on_ci_a_skip_for_a_missing_tool_fails_the_run(tmp_path: Path) -> None:
    code, output = run_with_the_suites_rules(tmp_path, "true")
    assert code == 1, output
    assert outcome(output, "test_in_a_terminal") == "ERROR"  # skipif skips at setup
    assert outcome(output, "test_rendered_page") == "FAILED"
    assert outcome(output, "test_other") == "SKIPPED"
    assert outcome(output, "test_plain") == "PASSED"
    assert "CI must run the tests that need tmux" in output
    assert "CI must run the tests that need pdftoppm" in output


def test_off_ci_the_same_skips_are_only_skips(tmp_path: Path) -> None:
    code, output = run_with_the_suites_rules(tmp_path, "")
    assert code == 0, output
    for test in ("test_in_a_terminal", "test_rendered_page", "test_other"):
        assert outcome(output, test) == "SKIPPED"


def test_ci_runs_the_suite_and_every_benchmark_quickly() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py test" in script
    assert "python3 dev.py bench --quick" in script
    assert set(REQUIRED_ON_CI) <= set(DEBIAN_TOOLS)  # and dev.py installs each of them


# -- benchmarks --------------------------------------------------------------------------------


BENCHMARKS = sorted((ROOT / "bench").glob("bench_*.py"))


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.stem)
def test_each_benchmark_has_a_quick_mode_and_is_documented(script: Path) -> None:
    source = script.read_text()
    assert "--quick" in source.split('"""')[1], f"{script.name}'s usage does not show --quick"
    assert "add_quick(parser)" in source or '"--quick" in sys.argv' in source, script.name
    readme = (ROOT / "bench" / "README.md").read_text()
    assert f"`{script.name}`" in readme, f"bench/README.md does not describe {script.name}"


# -- sizes -------------------------------------------------------------------------------------


MODULE_LINES = 700
"""No module of the core is longer: one that grows past it is split by concern, not let grow."""


def modules_over(paths: list[Path], limit: int) -> dict[str, int]:
    """Each module longer than `limit` lines, with its length."""
    found = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > limit:
            found[str(path)] = lines
    return found


def test_no_core_module_is_over_the_limit() -> None:
    paths = sorted((ROOT / "voicesgroup").rglob("*.py"))
    assert len(paths) > 50, "the core's modules were not found"
    found = {
        str(Path(name).relative_to(ROOT)): lines
        for name, lines in modules_over(paths, MODULE_LINES).items()
    }
    assert not found, f"over {MODULE_LINES} lines, to split by concern: {found}"


def test_the_size_checks_see_what_is_too_long(tmp_path: Path) -> None:
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    long.write_text("x = 1\n" * (MODULE_LINES + 1))
    short.write_text("x = 1\n" * MODULE_LINES)
    assert modules_over([long, short], MODULE_LINES) == {str(long): MODULE_LINES + 1}


# Functions are held to 80 lines by tests/test_function_length.py.
