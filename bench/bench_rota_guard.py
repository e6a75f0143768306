"""The rota's rule check before a change is saved, on the 10-year data file.

Every change to the rota or a facilitator passes through `voicesgroup.rota.guard`: it reads the
rota before and after the change and judges both with the review's rule code. This measures
that check (read before, read after, the ended sessions, `judge`) for two changes a
coordinator makes:

- a swap of two people between two published sessions to come;
- a break of four weeks for the busiest facilitator (every session of theirs to come is
  judged, and cover is suggested for each one it touches).

Budget: the check takes at most 20 ms (median) for each. Also printed, not judged: the check
as a ratio of one plain read of the rota (`store.rota()`, the floor), and the whole guarded
change (the check, cover suggestions and every reason on the rota worked out again), which is
the price of keeping every reason true. Each change is made inside a batch that is then rolled
back, so every run starts from the same file.

Run from the repository root:
    .venv/bin/python bench/bench_rota_guard.py [--runs N] [--cpu] [--quick]
(--cpu: the check and the floor in this thread's CPU time, steadier on a busy machine)
(--quick: a one-year file, three runs; budgets not judged).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_quick, exit_status  # noqa: E402
from big_data import DEFAULT_TODAY, make_big_db  # noqa: E402

from voicesgroup.models import DateRange, RotaStatus  # noqa: E402
from voicesgroup.rota import guard  # noqa: E402
from voicesgroup.rota.guard import CoverNeeded, Stored  # noqa: E402
from voicesgroup.store import Store  # noqa: E402
from voicesgroup.store.snapshot import Snapshot  # noqa: E402

BUDGET_MS = 20.0


class RolledBack(Exception):
    """Raised at the end of each measured change so the batch leaves the file as it was."""


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _warm(store: Store) -> None:
    """As in the app, where the rota screen has read everything: a rollback forgets the
    store's models, which the app would not have; and no collection left over from it."""
    store.rota()
    store.facilitators()
    store.groups(include_archived=True)
    gc.collect()


def _check(
    store: Store, change: Callable[[], None], today: dt.date, clock: Callable[[], float]
) -> float:
    """Seconds for the rule check around `change` (made, then rolled back)."""
    _warm(store)
    elapsed = 0.0
    try:
        with store.batch():
            began = clock()
            before = Stored.take(store)
            elapsed += clock() - began
            change()
            began = clock()
            after = Stored.take(store)
            guard.judge(before, after, today=today, ended=guard.ended_sessions(store))
            elapsed += clock() - began
            raise RolledBack
    except RolledBack:
        pass
    return elapsed


def _guarded(store: Store, change: Callable[[guard.Covers | None], None]) -> float:
    """Seconds for the whole guarded change (asked for cover once, then covered), rolled back."""
    _warm(store)
    began = time.perf_counter()
    try:
        with store.batch():
            try:
                change(None)
            except CoverNeeded as needed:
                change(guard.first_choices(needed.touched))
            raise RolledBack
    except RolledBack:
        pass
    return time.perf_counter() - began


def _on_the_ui_thread(store: Store, change: guard.Change) -> tuple[float, float]:
    """Seconds the UI thread spends on the same guarded change made as the app makes it
    (a copy taken, the change made on it in a worker, then applied), and the worker's
    seconds; applied, then rolled back."""
    _warm(store)
    began = time.perf_counter()
    snapshot = Snapshot.of(store)
    taken = time.perf_counter() - began
    began = time.perf_counter()
    tried = guard.trial(snapshot, change)
    if tried.cover_needed is not None:
        tried = guard.trial(snapshot, change, guard.first_choices(tried.cover_needed.touched))
    worker = time.perf_counter() - began
    assert tried.changes is not None, tried.refused
    try:
        with store.batch():
            began = time.perf_counter()
            store.apply_changes(tried.changes)
            applied = time.perf_counter() - began
            raise RolledBack
    except RolledBack:
        pass
    return taken + applied, worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the check in CPU time of this thread (steadier on a busy machine)",
    )
    add_quick(parser)
    args = parser.parse_args(argv)
    years, runs = (1, 3) if args.quick else (10, args.runs)
    clock = time.thread_time if args.cpu else time.perf_counter
    today = DEFAULT_TODAY
    if os.getloadavg()[0] > (os.cpu_count() or 1) * 0.5:
        print(f"note: load average {os.getloadavg()[0]:.1f}: figures may be high; rerun idle")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.json"
        make_big_db(path, years=years, today=today)
        store = Store.open(path)
        coming = [
            a
            for a in store.rota()
            if a.date >= today and a.status is RotaStatus.PUBLISHED and a.lead_id and a.co_id
        ]
        first, second = coming[0], coming[min(3, len(coming) - 1)]
        load: dict[object, int] = {}
        for item in coming:
            for fid in (item.lead_id, item.co_id):
                load[fid] = load.get(fid, 0) + 1
        busiest = store.facilitator(max(load, key=lambda fid: load[fid]))  # type: ignore[arg-type]  # ids from the rota
        away = busiest.with_changes(
            dates_off=[*busiest.dates_off, DateRange(start=today, end=today + dt.timedelta(28))]
        )
        print(
            f"{years}-year file: {len(store.rota())} sessions on the rota, "
            f"{len(store.facilitators())} facilitators; {busiest.display_name} is on "
            f"{load[busiest.id]} sessions to come."
        )

        def swap() -> None:
            store.save_rota(
                [
                    first.model_copy(update={"co_id": second.co_id}),
                    second.model_copy(update={"co_id": first.co_id}),
                ]
            )

        def take_break() -> None:
            store.save_facilitator(away)

        floor, swaps, breaks, whole, ui, worker = [], [], [], [], [], []
        for _ in range(runs):
            began = clock()
            store.rota()
            floor.append(clock() - began)
            swaps.append(_check(store, swap, today, clock))
            breaks.append(_check(store, take_break, today, clock))
            whole.append(
                _guarded(
                    store,
                    lambda covers: guard.save_facilitator(store, away, today=today, covers=covers),
                )
            )
            on_ui, in_worker = _on_the_ui_thread(
                store,
                lambda copy, covers: guard.save_facilitator(copy, away, today=today, covers=covers),
            )
            ui.append(on_ui)
            worker.append(in_worker)
        store.close()

    floor_ms = _median_ms(floor)
    ok = True
    for label, samples in (("a swap", swaps), ("a four-week break", breaks)):
        ms = _median_ms(samples)
        within = ms <= BUDGET_MS
        ok &= within
        print(
            f"rule check before {label}: {ms:.1f} ms {'CPU' if args.cpu else 'wall'}, "
            f"median of {runs}, "
            f"{min(samples) * 1000:.1f} ms fastest "
            f"({ms / floor_ms:.1f}x one read of the rota, {floor_ms:.1f} ms); "
            f"budget {BUDGET_MS:.0f} ms: {'PASS' if within else 'FAIL'}"
        )
    print(
        f"the whole guarded break (check, cover for each session, every reason again): "
        f"{_median_ms(whole):.0f} ms median (not judged)"
    )
    print(
        f"the same break as the app makes it: {_median_ms(ui):.0f} ms on the UI thread (a copy "
        f"taken, the change applied), {_median_ms(worker):.0f} ms in the worker (not judged)"
    )
    print(f"RESULT {'PASS' if ok else 'FAIL'}")
    return exit_status(ok, args.quick)


if __name__ == "__main__":
    sys.exit(main())
