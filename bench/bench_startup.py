"""Cold start to the first painted home screen, as a ratio against a floor measured in the same run.

    python bench/bench_startup.py [--runs 7] [--years 10] [--profile] [--quick]
                                  [--app-root CHECKOUT]

Each start is a fresh interpreter (bench/_headless.py) that runs the app headless at 120×40 and
stops its clock when the home screen has been composed, filled and repainted: the first time
the home screen's refresh_data runs it queues `call_after_refresh`, which Textual runs once
the screen is idle with nothing left to paint: the groups are on screen. The Due box is worked
out just after that paint; when it is filled is printed too (`due`), not budgeted. The clock
starts on the child script's first line, before any import. The floor is a minimal Textual app
showing a 50-row DataTable, measured the same way.

Three variants, interleaved run by run so drift hits all of them alike, after one unmeasured
warm-up each (it fills the bytecode cache and the page cache and takes the open-time backup):

* floor  — the minimal DataTable app
* empty  — voicesgroup on a new data file (starter strategies and contacts only)
* big    — voicesgroup on the 10-year file from big_data.py

Budgets: empty ≤ 1.25 × floor, big ≤ 1.4 × floor, on the medians of wall time; neither
reportlab nor pydantic may be imported by the first paint (the home screen reads documents).
Exits 1 when a budget is missed. The CPU time of each child and the median of per-round ratios
are printed beside, as they are steadier on a busy machine.
--profile writes cProfile stats of one extra run of each app variant and prints the top.
--app-root measures another checkout (e.g. a copy with a proposed fix) against the same floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    add_quick,
    exit_status,
    load_note,
    make_big_db,
    make_empty_db,
    run_child,
    use_app_root,
)

BUDGETS = {"empty": 1.25, "big": 1.4}


def print_profile(path: Path, top: int = 30) -> None:
    import pstats

    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cold start to the first painted home screen")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data files")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    parser.add_argument(
        "--no-pycache", action="store_true", help="leave the bytecode settings as they are"
    )
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.years = 1, 1
    root = use_app_root(args.app_root)

    with tempfile.TemporaryDirectory(prefix="vg-bench-startup-", dir=args.dir) as folder:
        empty = Path(folder) / "empty" / "voicesgroup.json"
        big = Path(folder) / "big" / "voicesgroup.json"
        empty.parent.mkdir()
        big.parent.mkdir()
        pycache = None if args.no_pycache else Path(folder) / "pycache"
        make_empty_db(empty)
        print(make_big_db(big, args.years))
        if args.app_root:
            print(f"app measured from {root}")
        variants = {"floor": ("floor", None), "empty": ("app", empty), "big": ("app", big)}
        results: dict[str, list[dict]] = {name: [] for name in variants}
        for mode, db in variants.values():
            run_child(mode, db, pycache)  # warm-up, not counted
        for _ in range(args.runs):
            for name, (mode, db) in variants.items():
                results[name].append(run_child(mode, db, pycache))
        if args.profile:
            for name in ("empty", "big"):
                path = Path(folder) / f"{name}.prof"
                run_child("app", variants[name][1], pycache, profile=path)
                print(f"\n--- cProfile of one start, {name} (cumulative) ---")
                print_profile(path)
    return exit_status(report(results, args.runs) == 0, args.quick)


def report(results: dict[str, list[dict]], runs: int) -> int:
    def median(name: str, key: str) -> float:
        values = [run["marks"][key] for run in results[name] if key in run["marks"]]
        return statistics.median(values) if values else float("nan")

    def cpu(name: str) -> float:
        return statistics.median(run["cpu_at_paint"] for run in results[name])

    def paired(name: str) -> float:
        return statistics.median(
            run["marks"]["paint"] / floor_run["marks"]["paint"]
            for run, floor_run in zip(results[name], results["floor"], strict=True)
        )

    floor, floor_cpu = median("floor", "paint"), cpu("floor")
    print(f"\ncold start to first paint, median of {runs} fresh interpreters (seconds)")
    print(
        f"{'variant':<7} {'paint':>6} {'ratio':>6} {'budget':>6} {'result':>6}  {'paired':>6}  "
        f"{'cpu':>6} {'ratio':>6}  {'imports':>7} {'open':>6} {'home':>6} {'data':>6} {'due':>6}  "
        f"{'peak RSS':>8}  loaded by then"
    )
    failed = False
    for name in results:
        paint = median(name, "paint")
        ratio = paint / floor
        budget = BUDGETS.get(name)
        reportlab = any(run.get("reportlab_loaded") for run in results[name])
        pydantic = any(run.get("pydantic_loaded") for run in results[name])
        ok = (budget is None or ratio <= budget) and not reportlab and not pydantic
        loaded = [label for label, on in (("REPORTLAB", reportlab), ("PYDANTIC", pydantic)) if on]
        failed |= not ok
        rss = statistics.median(run["paint_peak_rss_kib"] for run in results[name]) / 1024
        print(
            f"{name:<7} {paint:6.3f} {ratio:5.2f}x "
            f"{(f'{budget:g}x' if budget else '-'):>6} "
            f"{'-' if budget is None else ('pass' if ok else 'FAIL'):>6}  "
            f"{paired(name):5.2f}x  "
            f"{cpu(name):6.3f} {cpu(name) / floor_cpu:5.2f}x  "
            f"{median(name, 'imports'):7.3f} {median(name, 'store_open_s'):6.3f} "
            f"{median(name, 'home_mount'):6.3f} {median(name, 'home_data'):6.3f} "
            f"{median(name, 'due'):6.3f}  "
            f"{rss:4.0f} MiB  "
            f"{', '.join(loaded) or 'neither'}"
        )
    print(
        "paint = wall time from the script's first line to the first painted home screen (the "
        "budgeted figure);\npaired = median of per-round ratios; cpu = the child's CPU time to "
        "then; imports = app modules imported;\nopen = Store.open took; home = home screen "
        "compose starts; data = its first refresh_data done; due = its Due box filled (after the "
        "paint);\npeak RSS at first paint"
    )
    spread = {
        name: (min(r["marks"]["paint"] for r in rs), max(r["marks"]["paint"] for r in rs))
        for name, rs in results.items()
    }
    print("spread (min–max): " + ", ".join(f"{n} {a:.3f}–{b:.3f}" for n, (a, b) in spread.items()))
    note = load_note()
    if note:
        print(note + " (the paired and cpu ratios are steadier)")
    print(f"RESULT startup: {'FAIL' if failed else 'pass'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
