"""The home screen paints from stored documents: no models, no pydantic, no reportlab yet.

Loading pydantic and the record models was most of the start-up time, so the first paint
must not need them; they load just after it, before the first key press is likely. Every
module of the app loaded by the first paint is one `HOME_NEEDS` lists, so one that joins the
launch path does so on purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voicesgroup.demo import write_demo_file

ROOT = Path(__file__).resolve().parent.parent

WATCHED_PACKAGES = (
    "voicesgroup",
    "cryptography",
    "filelock",
    "tinydb",
    "_strptime",
    "pydantic",
    "reportlab",
)
"""What the list below is kept for: the app's own modules, and libraries start-up can do without."""

HOME_NEEDS = {
    "voicesgroup",
    "voicesgroup.consent",
    "voicesgroup.counting",
    "voicesgroup.dates",
    "voicesgroup.errors",
    # the Home fits the laptop's role (a coordinator's or a group's): stdlib only
    "voicesgroup.exchange",
    "voicesgroup.exchange.state",
    "voicesgroup.home",
    "voicesgroup.kinds",
    "voicesgroup.retention",
    "voicesgroup.schema",
    "voicesgroup.store",
    "voicesgroup.store.audit",
    "voicesgroup.store.backups",
    "voicesgroup.store.checked",
    "voicesgroup.store.covered",
    # the Store's reads of stored documents (Home's own), part of its class: `unread` only
    "voicesgroup.store.documents",
    "voicesgroup.store.forgetting",
    "voicesgroup.store.integrity",
    "voicesgroup.store.migrations",
    "voicesgroup.store.opening",
    "voicesgroup.store.owned",
    "voicesgroup.store.partials",
    "voicesgroup.store.passphrase",
    "voicesgroup.store.repository",
    "voicesgroup.store.storage",
    "voicesgroup.store.tables",
    "voicesgroup.store.tombstones",
    # the rota from this year on, and the Due box a stretch at a time: orjson only
    "voicesgroup.store.unread",
    "voicesgroup.store.writer_lock",
}
"""Everything start-up may load before the groups are painted: opening the file (the store,
finishing interrupted work, the open-time backup) and the home screen's rows. A module that
joins the launch path must be added here on purpose: start-up has a budget (bench/README.md),
and the encryption module (for a plain file), filelock, the name finder, the models and
ReportLab are each kept off it, and so is TinyDB (Home reads the stored documents)."""

CHILD = """
import json, sys
from pathlib import Path
from screens.app import VoicesGroupApp
from screens.home_screen import HomeScreen

seen = {}
original = HomeScreen.refresh_data

def watch(name):
    modules = ("pydantic", "voicesgroup.models", "reportlab")
    return {module: module in sys.modules for module in modules}

def loaded():
    return sorted(name for name in sys.modules if name.split(".")[0] in WATCHED_PACKAGES)

WATCHED_PACKAGES = %r

def refresh_data(self):
    first = "rows" not in seen
    if first:  # queued before the fill: the first callback after the paint of the groups
        self.call_after_refresh(
            lambda: seen.update(painted=watch("painted"), loaded=loaded())
        )
    original(self)
    if first:
        self.set_timer(1.5, lambda: (seen.setdefault("later", watch("later")), self.app.exit()))
        seen["rows"] = self.query_one("#groups").row_count

HomeScreen.refresh_data = refresh_data
app = VoicesGroupApp(Path(sys.argv[1]))
app.run(headless=True, size=(80, 24))
print(json.dumps({**seen, "error": app.startup_error}))
"""


@pytest.mark.parametrize("demo", [True, False], ids=["demo data", "new file"])
def test_home_paints_before_the_models_load(tmp_path: Path, demo: bool) -> None:
    path = tmp_path / "voicesgroup.json"
    if demo:
        write_demo_file(path)
    else:
        from voicesgroup.store import Store

        Store.open(path).close()  # a new file, as a first start makes it
    done = subprocess.run(
        [sys.executable, "-c", CHILD % (WATCHED_PACKAGES,), str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["error"] is None
    assert seen["rows"] == (3 if demo else 1)  # the demo's groups, or "No groups yet"
    assert seen["painted"] == {"pydantic": False, "voicesgroup.models": False, "reportlab": False}
    assert set(seen["loaded"]) <= HOME_NEEDS, "loaded before the first paint: " + ", ".join(
        sorted(set(seen["loaded"]) - HOME_NEEDS)
    )
    assert seen["later"]["voicesgroup.models"], "the models load after the first paint"
    assert not seen["later"]["reportlab"]
