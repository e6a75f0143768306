"""Every screen and dialog is painted within 100 ms of its key, with ten years of data.

    python bench/bench_screens.py [--years 10] [--runs 5] [--dir FOLDER] [--only NAME…] [--quick]

For each screen or dialog opened by a key (from Home, or from Facilitators for the screens a
level deeper), the time from the key being sent to the first repaint that shows the new screen
(the screen's compositor update, captured at App._display, which the headless driver then
discards). Measured with Pilot at 80×24 on the big file (bench/big_data.py). The floor is the
same key-to-paint for a bare screen holding one line of text, pushed by a key in the same app:
what Textual itself costs. The table shows each median, its ratio to the floor, and the worst
run; then the CPU time the app's thread spent from the key to that paint (median and least),
which other work on a busy machine disturbs far less than the wall clock.

Two more rows open a screen the moment Home has repainted after another was closed (Escape,
then the next key at once), where the sweep of the closed screen's garbage must not fall.

Budget: median ≤ 100 ms for every screen. Exits 1 when one is over.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, add_quick, exit_status, load_note, make_big_db, use_app_root

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET_MS = 100.0
TODAY = dt.date(2026, 11, 23)
FLOOR = "floor (a bare screen)"
# name: (keys to reach the screen it opens from, the key that opens it)
SCREENS: dict[str, tuple[list[str], str]] = {
    "Members": ([], "m"),
    "Facilitators": ([], "f"),
    "Library": ([], "l"),
    "Rota": ([], "r"),
    "Reports": ([], "e"),
    "History": ([], "h"),
    "Session plan": ([], "t"),
    "Print dialog": ([], "p"),
    "Group form": ([], "enter"),
    "New group": ([], "n"),
    "Settings": ([], "f2"),
    "Help": ([], "f1"),
    "Supervision": (["f"], "s"),
    "Follow-ups": (["f"], "u"),
    "Team": (["f"], "t"),
    "Facilitator form": (["f"], "a"),
}

AFTER_CLOSE: dict[str, tuple[str, str]] = {
    "Members, just after closing Library": ("l", "m"),
    "Group form, just after closing Reports": ("e", "enter"),
}
"""name: (the key of a screen that is opened and closed, the key pressed as soon as Home has
repainted). What a person pressing Escape, then the next key, waits for: the sweep after a
closed screen must not fall in between."""

failures: list[str] = []


Timing = tuple[float, float]
"""Milliseconds from a key to the first repaint: wall clock, and the app thread's CPU time."""


async def measure(path: Path, runs: int, only: list[str]) -> dict[str, list[Timing]]:
    """Milliseconds from each key to the first repaint of the screen it opens."""
    from rich.console import RenderableType
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import Static

    from screens.app import VoicesGroupApp

    class FloorScreen(Screen[None]):
        BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

        def compose(self) -> ComposeResult:
            yield Static("A bare screen: what Textual costs.")

    class BenchApp(VoicesGroupApp):
        def action_bench_floor(self) -> None:
            self.push_screen(FloorScreen())

    app = BenchApp(path, today=lambda: TODAY)
    painted: list[Timing] = []
    original_display = app._display
    watching: dict[str, object] = {"before": None}

    def spy(screen: Screen[Any], renderable: RenderableType | None) -> None:
        if renderable is not None and screen is not watching["before"]:
            painted.append((time.perf_counter(), time.thread_time()))
        original_display(screen, renderable)

    app._display = spy  # type: ignore[method-assign]  # watch each repaint, then pass it on
    chosen = {name: keys for name, keys in SCREENS.items() if not only or name in only}
    after_close = {name: keys for name, keys in AFTER_CLOSE.items() if not only or name in only}
    results: dict[str, list[Timing]] = {
        FLOOR: [],
        **{name: [] for name in chosen},
        **{name: [] for name in after_close},
    }
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.bind("ctrl+b", "bench_floor")
        home = app.screen

        async def pressed(key: str) -> Timing:
            """From `key` to the first repaint of the screen being watched."""
            painted.clear()
            sent, sent_cpu = time.perf_counter(), time.thread_time()
            await pilot.press(key)
            for _ in range(20000):
                if painted:
                    break
                await asyncio.sleep(0.0005)
            assert painted, f"no repaint after {key}"
            wall, cpu = painted[0]
            return (wall - sent) * 1000, (cpu - sent_cpu) * 1000

        async def timed(key: str) -> Timing:
            await app.workers.wait_for_complete()
            await pilot.pause()
            watching["before"] = app.screen
            return await pressed(key)

        async def back_home() -> None:
            while app.screen is not home:
                await pilot.press("escape")
                await app.workers.wait_for_complete()
                await pilot.pause()

        async def timed_after_close(opened: str, key: str) -> Timing:
            await pilot.press(opened)
            await app.workers.wait_for_complete()
            await pilot.pause()
            watching["before"] = app.screen
            painted.clear()
            await pilot.press("escape")
            for _ in range(20000):
                if painted and app.screen is home:
                    break
                await asyncio.sleep(0.0005)
            watching["before"] = home
            return await pressed(key)

        for _ in range(runs):
            results[FLOOR].append(await timed("ctrl+b"))
            await back_home()
            for name, (path_keys, key) in chosen.items():
                for step in path_keys:
                    await pilot.press(step)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                results[name].append(await timed(key))
                await back_home()
            for name, (opened, key) in after_close.items():
                results[name].append(await timed_after_close(opened, key))
                await back_home()
    return results


def report(results: dict[str, list[Timing]]) -> None:
    floor = statistics.median(wall for wall, _ in results[FLOOR])
    floor_cpu = statistics.median(cpu for _, cpu in results[FLOOR])
    print(
        f"\n{'screen':<40}{'median':>9}{'÷ floor':>9}{'worst':>9}"
        f"{'cpu':>8}{'÷ floor':>9}{'least':>7}"
    )
    for name, timings in results.items():
        times = [wall for wall, _ in timings]
        cpus = [cpu for _, cpu in timings]
        median, median_cpu = statistics.median(times), statistics.median(cpus)
        ok = name == FLOOR or median <= BUDGET_MS
        print(
            f"{name:<40}{median:>6.0f} ms{median / floor:>8.1f}×{max(times):>6.0f} ms"
            f"{median_cpu:>5.0f} ms{median_cpu / floor_cpu:>8.1f}×{min(cpus):>4.0f} ms"
            f"  {'' if name == FLOOR else 'ok' if ok else 'OVER BUDGET'}"
        )
        if not ok:
            failures.append(f"{name}: {median:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data file")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    parser.add_argument(
        "--only", nargs="+", choices=sorted([*SCREENS, *AFTER_CLOSE]), default=[], help="only these"
    )
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.years, args.runs = 1, 1
    use_app_root(args.app_root)
    with tempfile.TemporaryDirectory(prefix="vg-bench-screens-", dir=args.dir) as folder:
        big_path = Path(folder) / "big.json"
        print(make_big_db(big_path, args.years))
        results = asyncio.run(measure(big_path, args.runs, args.only))
    report(results)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT screens: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
