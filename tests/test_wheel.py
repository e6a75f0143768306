"""The built wheel carries both packages and every shipped data file, and runs from a fresh venv."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("voicesgroup-*.whl")
    return built


def test_wheel_holds_packages_and_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "voicesgroup/data/" + path.relative_to(ROOT / "data").as_posix()
        for path in (ROOT / "data").rglob("*")
        if path.is_file()
    }
    assert shipped <= names, shipped - names
    assert "screens/app.py" in names and "screens/voicesgroup.tcss" in names
    assert "voicesgroup/store/repository.py" in names


def test_installed_wheel_finds_its_data_and_runs(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "fresh"
    # A venv of its own without pip (bootstrapping pip into it costs more than the rest of
    # the test): this environment's pip installs the wheel into it, as it would its own pip.
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this environment's site-packages; the app itself must come
    # from the wheel, so the checkout is kept off the path.
    target_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(target_site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = (
        "import voicesgroup, pathlib, sys\n"
        "from voicesgroup.paths import data_dir\n"
        "from voicesgroup.shipped import TEMPLATE_VARIANTS, shipped_template, starter_strategies\n"
        "here = pathlib.Path(voicesgroup.__file__).resolve()\n"
        f"assert {str(ROOT)!r} not in str(here), here\n"
        "assert data_dir().is_relative_to(here.parent), data_dir()\n"
        "print(len(starter_strategies()), [shipped_template(v).key for v in TEMPLATE_VARIANTS])\n"
        "from voicesgroup.normalise import fold\n"  # its Unicode data, from the wheel
        "assert fold('\\u13aa\\u0456\\u200bsha') == 'aisha'\n"
        "import screens.app\n"
        "assert pathlib.Path(screens.app.STYLESHEET).exists()\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "hearing_voices" in result.stdout
    db = tmp_path / "demo.json"
    command = env_dir / "bin" / "voicesgroup"
    made = subprocess.run(
        [str(command), "--db", str(db), "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    listed = subprocess.run(
        [str(command), "--db", str(db), "groups"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert "Tuesday Voices" in listed.stdout
