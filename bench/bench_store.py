"""The store on a 10-year data file: durable saves, the queries behind screens, peak memory.

    python bench/bench_store.py [--years 10] [--runs 15] [--dir FOLDER] [--quick]

(a) save   — store.save() after a small change (SafeStorage: serialise, write a temporary file,
             fsync it, rename, fsync the folder) against a floor measured in the same run on
             the same data in the same folder: orjson.dumps + write a temporary file + os.replace.
             Medians of interleaved runs; budget ratio ≤ 2×. A floor that also fsyncs is shown
             for information (what durability alone costs on this disk).
(b) query  — what fills a screen, on a freshly opened store: the first call (models not yet
             validated: what the first visit to the screen pays) and the warm median (the
             screen shown again). Budget ≤ 10 ms, warm; the first call is reported against it
             too, for information.
(c) memory — peak RSS (the child's own VmHWM, with ru_maxrss beside it) of a fresh interpreter
             that opens the big file and computes the home screen's rows and due list, and of
             one that paints the TUI home screen headless. Budget ≤ 90 MiB.
(d) open   — Store.open on the big file, with the open-time backup already there (bytes
             compared) and with a backup to write (the first open after a change), for
             information.

Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Verdicts,
    add_quick,
    exit_status,
    load_note,
    make_big_db,
    run_child,
    use_app_root,
)

SAVE_RATIO_BUDGET = 2.0
QUERY_BUDGET_MS = 10.0
MEMORY_BUDGET_MIB = 90.0

verdicts = Verdicts()
judge = verdicts.judge
failures = verdicts.failures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


# -- (c) memory, first: this process is still small, so children start clean ------------------


def bench_memory(db: Path, pycache: Path, runs: int = 3) -> None:
    run_child("core", db, pycache)  # warm-up: fills the bytecode cache
    print("\n(c) peak memory of a fresh interpreter on the big file (MiB)")
    print(f"{'case':<34} {'peak RSS':>9} {'ru_maxrss':>10} {'budget':>7}  result")
    for mode, label in (
        ("core", "open + home rows + due list"),
        ("app", "TUI home screen painted, headless"),
    ):
        results = [run_child(mode, db, pycache) for _ in range(runs)]
        peak = statistics.median(r["peak_rss_kib"] for r in results) / 1024
        maxrss = statistics.median(r["ru_maxrss_kib"] for r in results) / 1024
        ok = peak <= MEMORY_BUDGET_MIB
        print(
            f"{label:<34} {peak:9.1f} {maxrss:10.1f} {MEMORY_BUDGET_MIB:7.0f}  "
            f"{judge(ok, f'memory: {label} {peak:.1f} MiB')}"
        )
    print(
        "peak RSS = the child's own high-water mark (VmHWM), taken at exit; ru_maxrss can "
        "include the parent's RSS at fork"
    )


# -- (d) open -----------------------------------------------------------------------------------


def bench_open(db: Path, runs: int) -> None:
    from voicesgroup.store import Store
    from voicesgroup.store.storage import backup_folder

    def open_close() -> float:
        began = time.perf_counter()
        store = Store.open(db, create=False)
        took = time.perf_counter() - began
        store.close()
        return took

    open_close()  # make sure a backup of these bytes exists
    same = [open_close() for _ in range(runs)]
    fresh = []
    for _ in range(runs):
        shutil.rmtree(backup_folder(db), ignore_errors=True)
        fresh.append(open_close())
    print("\n(d) Store.open on the big file, median ms (information)")
    print(f"  backup already taken (bytes compared) {ms(statistics.median(same))}")
    print(f"  backup to write (first open after a change) {ms(statistics.median(fresh))}")


# -- (a) durable save ---------------------------------------------------------------------------


def bench_save(db: Path, runs: int) -> None:
    import orjson

    from voicesgroup.store import Store

    store = Store.open(db, create=False)
    try:
        store.storage.autosave = False  # as the app does: change in memory, then save()
        members = store.members()
        folder = db.parent
        floor_path = folder / "floor-copy.json"
        floor_path.write_bytes(store.raw_bytes())

        def floor(fsync: bool) -> float:
            began = time.perf_counter()
            blob = orjson.dumps(store.storage.read())
            temp = floor_path.with_name(f".{floor_path.name}.tmp")
            with open(temp, "wb") as file:
                file.write(blob)
                if fsync:
                    file.flush()
                    os.fsync(file.fileno())
            os.replace(temp, floor_path)
            if fsync:
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            return time.perf_counter() - began

        saves, floors, durable_floors, changes = [], [], [], []
        for index in range(runs + 1):
            member = members[index % len(members)]
            began = time.perf_counter()
            store.save_member(
                member.with_changes(display_name=f"{member.display_name[:40]} {index}")
            )
            change = time.perf_counter() - began
            began = time.perf_counter()
            store.save()
            save = time.perf_counter() - began
            plain = floor(fsync=False)
            durable = floor(fsync=True)
            if index:  # the first round warms the page cache and the allocator
                saves.append(save)
                floors.append(plain)
                durable_floors.append(durable)
                changes.append(change)
        size = len(store.raw_bytes())
    finally:
        store.close()
    save_ms, floor_ms = statistics.median(saves), statistics.median(floors)
    ratio = save_ms / floor_ms
    print(f"\n(a) durable save of the big file ({size / 2**20:.2f} MiB), median of {runs} (ms)")
    print(f"  floor: orjson.dumps + write temp + os.replace     {ms(floor_ms)}")
    print(f"  store.save() (atomic, fsync file + folder)        {ms(save_ms)}")
    print(
        f"  ratio {ratio:5.2f}x   budget {SAVE_RATIO_BUDGET:.1f}x   "
        f"{judge(ratio <= SAVE_RATIO_BUDGET, f'save ratio {ratio:.2f}x')}"
    )
    durable_ms, change_ms = statistics.median(durable_floors), statistics.median(changes)
    print(f"  for information: floor that also fsyncs file + folder {ms(durable_ms)}")
    print(f"  for information: the change itself (save_member, in memory) {ms(change_ms)}")


# -- (b) queries that fill a screen -----------------------------------------------------------


def screen_queries(today: Any) -> list[tuple[str, bool, Callable[[Any], Any]]]:
    """(label, budgeted, query(store)). Each mirrors what a screen asks the store for."""
    from voicesgroup.home import due_items, home_rows

    def first_group(store: Any) -> Any:
        return store.groups()[0].id

    def busiest_member(store: Any) -> Any:
        # the member with most notes: the slowest member screen
        counts: dict[str, int] = {}
        for doc in store.storage.read()["notes"].values():
            counts[doc["member_id"]] = counts.get(doc["member_id"], 0) + 1
        from uuid import UUID

        return UUID(max(counts, key=counts.__getitem__))

    def members_screen(store: Any) -> list:
        return [(m, sorted(store.current_consents(m.id))) for m in store.members()]

    def member_screen(store: Any, member_id: Any) -> tuple:
        return store.member(member_id), store.consent_events(member_id), store.notes(member_id)

    def members_screen_one_pass(store: Any) -> list:
        # the proposed fix, for information: group the consent events once, not per member
        from voicesgroup import consent

        by_member: dict[Any, list] = {}
        for event in store.consent_events():
            by_member.setdefault(event.member_id, []).append(event)
        return [
            (m, sorted(consent.current_scopes(by_member.get(m.id, ()), m.id)))
            for m in store.members()
        ]

    return [
        ("home_rows(store, today)", True, lambda s: home_rows(s, today)),
        ("due_items(store, today)  [home]", True, lambda s: due_items(s, today)),
        ("store.sessions(group)[:20]", True, lambda s: s.sessions(first_group(s))[:20]),
        ("store.members()", True, lambda s: s.members()),
        ("members screen (+consents each)", True, members_screen),
        ("  same, events grouped once (fix)", False, members_screen_one_pass),
        ("member screen (events + notes)", True, lambda s: member_screen(s, busiest_member(s))),
        ("store.rota(group)", True, lambda s: s.rota(first_group(s))),
        ("store.strategies()", True, lambda s: s.strategies()),
        ("store.facilitators()", True, lambda s: s.facilitators()),
    ]


def bench_queries(db: Path, runs: int, today: Any) -> None:
    from voicesgroup.store import Store

    print(f"\n(b) queries that fill a screen, big file, ms (budget {QUERY_BUDGET_MS:.0f} ms warm)")
    print(f"{'query':<36} {'first':>8} {'warm':>8} {'rows':>6}  result")
    for label, budgeted, query in screen_queries(today):
        store = Store.open(db, create=False)  # a fresh store: nothing validated or cached yet
        try:
            began = time.perf_counter()
            result = query(store)
            first = time.perf_counter() - began
            warm = []
            for _ in range(runs):
                began = time.perf_counter()
                query(store)
                warm.append(time.perf_counter() - began)
        finally:
            store.close()
        median = statistics.median(warm)
        rows = len(result) if hasattr(result, "__len__") else 1
        verdict = (
            judge(median * 1000 <= QUERY_BUDGET_MS, f"query {label} {median * 1000:.1f} ms")
            if budgeted
            else "-"
        )
        note = "  (first call over budget)" if first * 1000 > QUERY_BUDGET_MS else ""
        print(f"{label:<36} {ms(first)} {ms(median)} {rows:6d}  {verdict}{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data file")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.years = 1, 1
    root = use_app_root(args.app_root)
    with tempfile.TemporaryDirectory(prefix="vg-bench-store-", dir=args.dir) as folder:
        db = Path(folder) / "voicesgroup.json"
        print(make_big_db(db, args.years))
        if args.app_root:
            print(f"app measured from {root}")
        bench_memory(db, Path(folder) / "pycache")  # first, while this process is small
        from big_data import DEFAULT_TODAY

        bench_open(db, max(5, args.runs // 3))
        bench_save(db, args.runs)
        bench_queries(db, args.runs, DEFAULT_TODAY)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT store: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
