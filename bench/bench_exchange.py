"""Exchanging between laptops, on the 10-year file: an exchange with nothing new, an import.

    python bench/bench_exchange.py [--years 10] [--runs 7] [--dir FOLDER] [--quick]

(a) nothing new — on the group's laptop holding the big file, already exchanged: open the
                  file, exchange (stamp, look at the folder, nothing to read or write), close;
                  against opening and closing the same file. Medians of interleaved runs;
                  budget ratio ≤ 1.2×. Both are warm: the exchange's modules are imported
                  before (an app imports them once, for its first exchange, and exchanges
                  again after each session and on `x`). What that first import costs is
                  told apart, from a fresh interpreter, and not judged.
(b) import      — the coordinator's laptop (a new file) takes in the group laptop's outbox of
                  ten years, until its data file holds the merged records durably (`begin`,
                  `prepare`: open the outbox, merge, check every record by its model; `apply`:
                  one durable save); against a durable save of the same data (store.save() of
                  the coordinator's file after the import). Budget ≤ 3×. Writing the
                  coordinator's own outbox afterwards (`deliver`, in a worker in the app) is
                  measured in the same runs and printed beside it, not judged.
(c) UI thread   — the group's laptop holding ten years takes in a change the coordinator
                  sent (a support contact, the organisation's name). What the app's UI
                  thread is held for: before, the whole exchange but reading the folder (as
                  the app ran it until it was split); now, `begin` (a snapshot) and `apply`
                  (the check that the data is unchanged, one durable save), while `prepare`
                  (stamping, the merge, sealing the outbox) and `deliver` (writing the outbox)
                  run in workers. Against a durable save of the same file; budget ≤ 4×.
(d) names search — on the group's laptop holding ten years, each export looks for members'
                  names in every text of every record that may leave the group's laptops
                  (`sharing.Holding.of`, run in the worker that prepares the exchange): the
                  first search of a run, and one again after a merge (texts seen before, for
                  the same names, are not searched again). Against a durable save of the
                  same file; printed, not judged.

The exchange's keys are derived once, at set-up, with the real Argon2id. Exits 1 when a
budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    APP_ROOT_ENV,
    Verdicts,
    add_quick,
    child_env,
    exit_status,
    load_note,
    make_big_db,
    make_empty_db,
    use_app_root,
)

NOTHING_NEW_BUDGET = 1.2
IMPORT_BUDGET = 3.0
UI_THREAD_BUDGET = 4.0

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
    first = _first_exchange(group_db)
    print("  in a fresh interpreter, once the file is open (not judged):")
    print(f"    importing the exchange's modules  {ms(first['imports'])}")
    print(f"    the first exchange after that     {ms(first['first'])}")
    print(f"    a second exchange                 {ms(first['second'])}")


_FIRST_EXCHANGE = """
import json, sys, time
from voicesgroup.store import Store
store = Store.open(sys.argv[1], create=False)
began = time.perf_counter()
from voicesgroup.exchange import service
imported = time.perf_counter()
service.exchange(store)
first = time.perf_counter()
service.exchange(store)
second = time.perf_counter()
store.close()
print(json.dumps({"imports": imported - began, "first": first - imported,
                  "second": second - first}))
"""


def _first_exchange(group_db: Path) -> dict[str, float]:
    """What an app's first exchange costs beyond the warm ones: its imports, in a fresh
    interpreter that opened the file first (seconds)."""
    env = child_env(None)
    root = os.environ.get(APP_ROOT_ENV)
    if root:
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_EXCHANGE, str(group_db)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


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

    delivering: list[float] = []

    def importing() -> float:
        reset()
        store = Store.open(coordinator_db, create=False)
        began = time.perf_counter()
        prepared = service.prepare(service.begin(store))
        delivery = service.apply(store, prepared)
        took = time.perf_counter() - began
        began = time.perf_counter()
        service.deliver(delivery)
        delivering.append(time.perf_counter() - began)
        store.close()
        assert prepared.summary.came_in and not prepared.forget, "nothing came in"
        assert delivery.sealed is not None, "no outbox to write"
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
    delivered = statistics.median(delivering)
    print(f"  durable save of the same data (floor)     {ms(floor)}")
    print(f"  import: begin + prepare + apply           {ms(measured)}")
    print(f"  then its own outbox: deliver (a worker)   {ms(delivered)}  {delivered / floor:5.2f}×")
    verdict = judge(ratio <= IMPORT_BUDGET, "import")
    print(f"  ratio {ratio:5.2f}× (budget ≤ {IMPORT_BUDGET}×) {verdict}")


def _frozen(paths: list[Path]) -> Callable[[], None]:
    """The files under `paths` as they are now; calling the result puts them back so."""
    kept: dict[Path, bytes] = {}
    for root in paths:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file():
                kept[path] = path.read_bytes()

    def put_back() -> None:
        for root in paths:
            for path in [root] if root.is_file() else list(root.rglob("*")):
                if path.is_file() and path not in kept:
                    path.unlink()
        for path, blob in kept.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)

    return put_back


def bench_ui_thread(group_db: Path, coordinator_db: Path, folder: Path, runs: int) -> None:
    from voicesgroup.exchange import service
    from voicesgroup.models import SupportContact
    from voicesgroup.store import Store

    with Store.open(coordinator_db, create=False) as store:  # what the coordinator sends
        store.save_support_contact(SupportContact(name="Harbour line", how="0800 000 000"))
        store.save_settings(store.settings().model_copy(update={"organisation": "Harbour"}))
        service.exchange(store)
    put_back = _frozen([group_db.parent, *folder.glob("*.outbox")])

    def opened() -> tuple[Store, service.FolderRead]:
        put_back()
        store = Store.open(group_db, create=False)
        plan = service.reading(store)
        assert plan is not None
        return store, service.read_folder(plan)  # the worker's part in both

    def whole() -> float:
        store, read = opened()
        began = time.perf_counter()
        summary = service.exchange(store, ahead=read)
        took = time.perf_counter() - began
        store.close()
        assert summary.came_in, "nothing came in"
        return took

    begins: list[float] = []

    def on_the_ui_thread() -> float:
        store, read = opened()
        began = time.perf_counter()
        basis = service.begin(store)
        held = time.perf_counter() - began
        begins.append(held)
        prepared = service.prepare(basis, ahead=read)  # a worker's
        began = time.perf_counter()
        delivery = service.apply(store, prepared)
        held += time.perf_counter() - began
        service.deliver(delivery)  # a worker's
        store.close()
        assert prepared.summary.came_in, "nothing came in"
        return held

    def durable_save() -> float:
        put_back()
        store = Store.open(group_db, create=False)
        store.storage.unsaved = True
        began = time.perf_counter()
        store.save()
        took = time.perf_counter() - began
        store.close()
        return took

    whole()
    before, now = median_pair(whole, on_the_ui_thread, runs)
    floor = statistics.median(durable_save() for _ in range(runs))
    put_back()
    print("\n(c) the UI thread held by an exchange bringing a change to ten years, median ms")
    print(f"  durable save of the same file (floor)       {ms(floor)}")
    print(f"  before: the whole exchange on the UI thread {ms(before)}  {before / floor:5.2f}×")
    print(f"  now: begin + apply on the UI thread         {ms(now)}  {now / floor:5.2f}×")
    print(f"    of which begin (the snapshot)             {ms(statistics.median(begins))}")
    verdict = judge(now / floor <= UI_THREAD_BUDGET, "UI thread")
    print(f"  ratio {now / floor:5.2f}× (budget ≤ {UI_THREAD_BUDGET}×) {verdict}")


def bench_names_search(group_db: Path, runs: int) -> None:
    from voicesgroup.exchange import sharing
    from voicesgroup.exchange.state import read as exchange_record
    from voicesgroup.store import Store

    with Store.open(group_db, create=False, readonly=True) as store:
        data = store.storage.read()
        record = exchange_record(data)
        assert record is not None, "the group's laptop is not set up"
        groups = list(record["groups"])

        def search(*, first: bool) -> float:
            if first:  # what the searches before found (an earlier exchange here) forgotten
                sharing._found_before = ((), {})
            began = time.perf_counter()
            holding = sharing.Holding.of(data, groups)
            took = time.perf_counter() - began
            assert holding.member_ids, "no members to look for"
            return took

        first, again = median_pair(lambda: search(first=True), lambda: search(first=False), runs)

    def durable_save() -> float:
        store = Store.open(group_db, create=False)
        store.storage.unsaved = True
        began = time.perf_counter()
        store.save()
        took = time.perf_counter() - began
        store.close()
        return took

    floor = statistics.median(durable_save() for _ in range(runs))
    texts = len(sharing._texts_leaving(data))
    print(f"\n(d) members' names searched in {texts} texts leaving the group's laptop, median ms")
    print(f"  durable save of the same file (floor)       {ms(floor)}")
    print(f"  the first search of a run                   {ms(first)}  {first / floor:5.2f}×")
    print(f"  again, after a merge                        {ms(again)}  {again / floor:5.2f}×")


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
        bench_ui_thread(group_db, coordinator_db, root / "exchange", args.runs)
        bench_names_search(group_db, args.runs)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT exchange: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
