"""Exchanging between laptops, on the 10-year file: an exchange with nothing new, an import.

    python bench/bench_exchange.py [--years 10] [--runs 7] [--dir FOLDER] [--quick]

(a) nothing new — on the group's laptop holding the big file, already exchanged: open the
                  file, exchange (stamp, look at the folder, nothing to read or write), close;
                  against opening and closing the same file. Medians of interleaved runs;
                  budget ratio ≤ 1.2×.
(b) import      — the coordinator's laptop (a new file) takes in the group laptop's outbox of
                  ten years (open the outbox, merge, check every record by its model, one
                  durable save, write its own outbox); against a durable save of the same data
                  (store.save() of the coordinator's file after the import). Budget ≤ 3×.

The exchange's keys are derived once, at set-up, with the real Argon2id. Exits 1 when a
budget is missed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Verdicts,
    add_quick,
    exit_status,
    load_note,
    make_big_db,
    make_empty_db,
    use_app_root,
)

NOTHING_NEW_BUDGET = 1.2
IMPORT_BUDGET = 3.0

verdicts = Verdicts()
judge = verdicts.judge
failures = verdicts.failures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def median_pair(
    first: Callable[[], float], second: Callable[[], float], runs: int
) -> tuple[float, float]:
    """Medians of interleaved runs of two measurements."""
    a, b = [], []
    for _ in range(runs):
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def set_up(group_db: Path, coordinator_db: Path, folder: Path) -> None:
    from voicesgroup.exchange import service
    from voicesgroup.store import Store

    with Store.open(coordinator_db, create=False) as store:
        service.setup(
            store, folder, passphrase="bench words", group_passphrases={}, coordinator=True
        )
    with Store.open(group_db, create=False) as store:
        group = store.groups()[0].name
        service.setup(
            store,
            folder,
            passphrase="bench words",
            group_passphrases={group: "group words"},
            coordinator=False,
        )
        service.exchange(store)  # its first outbox: ten years stamped and sealed


def bench_nothing_new(group_db: Path, runs: int) -> None:
    from voicesgroup.exchange import service
    from voicesgroup.store import Store

    def open_close() -> float:
        began = time.perf_counter()
        Store.open(group_db, create=False).close()
        return time.perf_counter() - began

    def open_exchange_close() -> float:
        began = time.perf_counter()
        store = Store.open(group_db, create=False)
        service.exchange(store)
        store.close()
        return time.perf_counter() - began

    open_exchange_close()  # settle: the coordinator's outbox read once
    open_close()
    floor, measured = median_pair(open_close, open_exchange_close, runs)
    ratio = measured / floor
    print("\n(a) an exchange with nothing new on the group's laptop, median ms")
    print(f"  open + close (floor)        {ms(floor)}")
    print(f"  open + exchange + close     {ms(measured)}")
    verdict = judge(ratio <= NOTHING_NEW_BUDGET, "nothing new")
    print(f"  ratio {ratio:5.2f}× (budget ≤ {NOTHING_NEW_BUDGET}×) {verdict}")


def bench_import(coordinator_db: Path, folder: Path, runs: int) -> None:
    from voicesgroup.exchange import service
    from voicesgroup.store import Store

    before = coordinator_db.read_bytes()
    own = {path.name for path in folder.glob("*.outbox")}

    def reset() -> None:
        coordinator_db.write_bytes(before)
        shutil.rmtree(
            coordinator_db.with_name(coordinator_db.name + ".backups"), ignore_errors=True
        )
        for path in folder.glob("*.outbox"):
            if path.name not in own:
                path.unlink()

    def importing() -> float:
        reset()
        store = Store.open(coordinator_db, create=False)
        began = time.perf_counter()
        summary = service.exchange(store)
        took = time.perf_counter() - began
        store.close()
        assert summary.came_in, "nothing came in"
        return took

    importing()
    imported = Store.open(coordinator_db, create=False)
    records = sum(len(imported.storage.read().get(t, {})) for t in ("sessions", "rota"))
    imported.close()

    def durable_save() -> float:
        store = Store.open(coordinator_db, create=False)
        store.storage.unsaved = True
        began = time.perf_counter()
        store.save()
        took = time.perf_counter() - began
        store.close()
        return took

    measured, floor = median_pair(importing, durable_save, runs)
    ratio = measured / floor
    print(f"\n(b) the coordinator imports ten years ({records} sessions and rota slots), median ms")
    print(f"  durable save of the same data (floor) {ms(floor)}")
    print(f"  import                                {ms(measured)}")
    verdict = judge(ratio <= IMPORT_BUDGET, "import")
    print(f"  ratio {ratio:5.2f}× (budget ≤ {IMPORT_BUDGET}×) {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data files")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.years = 1, 1
    use_app_root(args.app_root)
    with tempfile.TemporaryDirectory(prefix="vg-bench-exchange-", dir=args.dir) as where:
        root = Path(where)
        (root / "group").mkdir()
        (root / "coordinator").mkdir()
        (root / "exchange").mkdir()
        group_db = root / "group" / "voicesgroup.json"
        coordinator_db = root / "coordinator" / "voicesgroup.json"
        print(make_big_db(group_db, args.years))
        make_empty_db(coordinator_db)
        set_up(group_db, coordinator_db, root / "exchange")
        bench_nothing_new(group_db, args.runs)
        bench_import(coordinator_db, root / "exchange", args.runs)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT exchange: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
