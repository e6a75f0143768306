"""Cold start to the first painted home screen, as a ratio against a floor measured in the same run.

    python bench/bench_startup.py [--runs 7] [--years 10] [--profile]

Each start is a fresh interpreter (bench/_headless.py) that runs the app headless at 120×40 and
stops its clock when the home screen has been mounted, filled and repainted (a callback queued
with `call_after_refresh` from the home screen's `on_mount`, which Textual runs once the screen
is idle with nothing left to paint). The clock starts on the child script's first line, before
any import. The floor is a minimal Textual app showing a 50-row DataTable, measured the same way.

Three variants, interleaved run by run so drift hits all of them alike, after one unmeasured
warm-up each (it compiles .pyc files, fills the page cache and takes the open-time backup):

* floor  — the minimal DataTable app
* empty  — voicesgroup on a new data file (starter strategies and contacts only)
* big    — voicesgroup on the 10-year file from big_data.py

Budgets: empty ≤ 1.4 × floor, big ≤ 1.7 × floor; reportlab must not be imported by the first
paint. Exits 1 when a budget is missed. --profile also writes cProfile stats of one extra run of
each app variant and prints the top entries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

CHILD = BENCH / "_headless.py"
BUDGETS = {"empty": 1.4, "big": 1.7}


def start_once(mode: str, db: Path | None, profile: Path | None = None) -> dict:
    command = [sys.executable, str(CHILD), mode] + ([str(db)] if db else [])
    env = dict(os.environ)
    env.pop("BENCH_PROFILE", None)
    if profile:
        env["BENCH_PROFILE"] = str(profile)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} start failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_empty_db(path: Path) -> None:
    from voicesgroup.store import Store

    Store.open(path).close()  # a new file: the app's own starter data, saved


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cold start to the first painted home screen")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data files")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    from big_data import make_big_db

    with tempfile.TemporaryDirectory(prefix="vg-bench-startup-", dir=args.dir) as folder:
        empty = Path(folder) / "empty" / "voicesgroup.json"
        big = Path(folder) / "big" / "voicesgroup.json"
        empty.parent.mkdir()
        big.parent.mkdir()
        make_empty_db(empty)
        make_big_db(big, args.years)
        print(f"big data file: {big.stat().st_size / 2**20:.2f} MiB, {args.years} years")
        variants = {"floor": ("floor", None), "empty": ("app", empty), "big": ("app", big)}
        results: dict[str, list[dict]] = {name: [] for name in variants}
        for name, (mode, db) in variants.items():
            start_once(mode, db)  # warm-up, not counted
        for _ in range(args.runs):
            for name, (mode, db) in variants.items():
                results[name].append(start_once(mode, db))
        if args.profile:
            for name in ("empty", "big"):
                path = Path(folder) / f"{name}.prof"
                start_once("app", variants[name][1], profile=path)
                print(f"\n--- cProfile, {name} (cumulative) ---")
                print_profile(path)

    def median(name: str, key: str) -> float:
        values = [run["marks"][key] for run in results[name] if key in run["marks"]]
        return statistics.median(values) if values else float("nan")

    floor = median("floor", "paint")
    print(f"\ncold start to first paint, median of {args.runs} fresh interpreters (seconds)")
    print(f"{'variant':<7} {'paint':>7} {'ratio':>6} {'budget':>7}  {'imports':>7} "
          f"{'open':>6} {'home':>6} {'data':>6}  maxrss  reportlab  result")
    failed = False
    for name in variants:
        paint = median(name, "paint")
        ratio = paint / floor
        budget = BUDGETS.get(name)
        ok = budget is None or ratio <= budget
        reportlab = any(run.get("reportlab_loaded") for run in results[name])
        ok = ok and not reportlab
        failed |= not ok
        rss = statistics.median(run["maxrss_kib_at_paint"] for run in results[name]) / 1024
        print(
            f"{name:<7} {paint:7.3f} {ratio:5.2f}x {(f'{budget:.1f}x' if budget else '-'):>7}  "
            f"{median(name, 'imports'):7.3f} {median(name, 'store_open_s'):6.3f} "
            f"{median(name, 'home_mount'):6.3f} {median(name, 'home_data'):6.3f}  "
            f"{rss:4.0f}MiB  {'LOADED' if reportlab else 'no':<9}  "
            f"{'-' if budget is None else ('pass' if ok else 'FAIL')}"
        )
    print(
        "columns: paint = first paint; imports = app modules imported; open = Store.open; "
        "home = home screen on_mount starts; data = its refresh_data done (all from script start)"
    )
    spread = {name: (min(r["marks"]["paint"] for r in runs), max(r["marks"]["paint"] for r in runs))
              for name, runs in results.items()}
    print("spread (min–max): " + ", ".join(f"{n} {a:.3f}–{b:.3f}" for n, (a, b) in spread.items()))
    print(f"RESULT startup: {'FAIL' if failed else 'pass'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
