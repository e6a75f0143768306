"""The coordinator's laptop after exchanging with the groups' laptops for years: Home, memory,
`voicesgroup groups`.

    python bench/bench_coordinator.py [--laptops 4] [--years 10] [--runs 5] [--dir FOLDER]
                                      [--app-root CHECKOUT] [--rebuild] [--quick]

The data are made through the real exchange: `--laptops` group laptops, each holding a file
from big_data.py (its four weekly groups, ten years, its own seed, the groups renamed so no
two laptops share a name), set up on one exchange folder with their groups and exchanged; then
a new coordinator's file is set up and exchanged once, taking in every outbox. What reaches it
is only what `voicesgroup/exchange/sharing.py` lets through: groups, facilitators, sessions
without members, the rota, the library, support contacts, the exchange's own record. Four
laptops of four groups for ten years are sixteen groups × ten years, the size of big_data's
forty-year file. The result is cached in the system's temporary folder under a key of the
inputs and of the exchange's and the generator's code (--rebuild makes it again); each run
measures a copy.

(a) Home   — cold start to the first painted Home (bench/_headless.py, as bench_startup.py)
             on the coordinator's file, ÷ the bare Textual floor; interleaved medians.
             Budget ≤ 1.5×.
(b) memory — the app's peak RSS (its own VmHWM) at that first paint, less the bare Textual
             floor's, ÷ the data file's size: what the data costs. Budget ≤ 3×. The whole
             peak ÷ the size is printed beside it, not judged: the interpreter and Textual
             alone take about 36 MiB, three times this 12 MiB file, so no design of the data
             could meet 3× of the whole. The peak once the Due box is filled (it reads every
             session) is printed too.
(c) groups — `voicesgroup groups` on the coordinator's file as a whole process: wall time
             (budget ≤ 0.4 s, median) and CPU time; a bare interpreter beside it, for
             information.
(d) review — what opening the Rota review on the whole rota adds to memory (bench/_headless.py
             review: Home's rows first, then the review as its screen makes it), ÷ the data
             file's size: the peak it raises, and what stays held once it is shown. Printed,
             not judged.

Exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    APP_ROOT_ENV,
    ROOT,
    Verdicts,
    add_quick,
    child_env,
    exit_status,
    load_note,
    run_child,
    use_app_root,
)

HOME_BUDGET = 1.5
MEMORY_BUDGET = 3.0
GROUPS_BUDGET_S = 0.4
ORG_PASSPHRASE = "bench river stones"
FAST_KDF = {"memory_kib": 64 * 1024, "iterations": 1, "lanes": 1}
"""The cheapest Argon2id: the figures are about the data the exchange left, not its key."""
BENCH_FILE = Path(__file__).resolve()
SUFFIXES = ("North", "South", "East", "West", "Central", "Riverside", "Hillside", "Harbour")

verdicts = Verdicts()
judge = verdicts.judge
failures = verdicts.failures


# -- the coordinator's file, through the real exchange -----------------------------------------


def cache_key(root: Path, laptops: int, years: int) -> str:
    """What the cached file depends on: the sizes, the generator and the exchange's code."""
    digest = hashlib.sha256(f"{laptops}/{years}".encode())
    sources = [BENCH_FILE.with_name("big_data.py"), root / "voicesgroup" / "schema.py"]
    sources += sorted((root / "voicesgroup" / "exchange").glob("*.py"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def build(where: Path, laptops: int, years: int) -> None:
    """The coordinator's laptop (`where/coordinator/voicesgroup.json`) after one exchange with
    `laptops` group laptops of `years` years each, all on `where/exchange`."""
    from voicesgroup.exchange import service
    from voicesgroup.store import Store, crypto

    quick = crypto.KdfParams(**FAST_KDF)
    folder = where / "exchange"
    folder.mkdir(parents=True)
    for index in range(laptops):
        laptop = where / f"group-{index + 1}" / "voicesgroup.json"
        laptop.parent.mkdir()
        began = time.perf_counter()
        make_big_db_seeded(laptop, years, seed=2026 + index)
        suffix = SUFFIXES[index % len(SUFFIXES)] + (
            f" {index // len(SUFFIXES) + 1}" if index >= len(SUFFIXES) else ""
        )
        with Store.open(laptop, create=False) as store:
            held = {}
            with store.batch():
                for group in store.groups():
                    renamed = f"{group.name} ({suffix})"
                    store.save_group(group.model_copy(update={"name": renamed}))
                    held[renamed] = f"group words for {renamed}"
            service.setup(
                store,
                folder,
                passphrase=ORG_PASSPHRASE,
                group_passphrases=held,
                coordinator=False,
                params=quick,
            )
            service.exchange(store)
        print(
            f"  group laptop {index + 1}: {len(held)} groups, {years} years, exchanged "
            f"({time.perf_counter() - began:.1f} s)",
            flush=True,
        )
    coordinator = where / "coordinator" / "voicesgroup.json"
    coordinator.parent.mkdir()
    Store.open(coordinator).close()
    began = time.perf_counter()
    with Store.open(coordinator, create=False) as store:
        service.setup(
            store,
            folder,
            passphrase=ORG_PASSPHRASE,
            group_passphrases={},
            coordinator=True,
            params=quick,
        )
        summary = service.exchange(store)
        if not summary.came_in:
            raise SystemExit("the coordinator's exchange took in nothing")
    print(f"  coordinator exchanged with them all ({time.perf_counter() - began:.1f} s)")
    for index in range(laptops):  # only the coordinator's side is measured
        shutil.rmtree(where / f"group-{index + 1}")


def make_big_db_seeded(path: Path, years: int, seed: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(BENCH_FILE.with_name("big_data.py")),
            str(path),
            "--years",
            str(years),
            "--seed",
            str(seed),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def cached(root: Path, laptops: int, years: int, rebuild: bool) -> Path:
    """The folder holding the built coordinator's file and exchange folder (built once)."""
    home = Path(tempfile.gettempdir()) / f"vg-bench-coordinator-{cache_key(root, laptops, years)}"
    if rebuild:
        shutil.rmtree(home, ignore_errors=True)
    if not (home / "coordinator" / "voicesgroup.json").exists():
        print(f"building the coordinator's file ({laptops} laptops × {years} years) in {home}")
        partial = home.with_name(home.name + f".{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        build(partial, laptops, years)
        shutil.rmtree(home, ignore_errors=True)
        partial.rename(home)
    else:
        print(f"the coordinator's file, built before: {home}")
    return home


def working_copy(built: Path, where: Path) -> Path:
    """A copy of the built laptop to measure, its exchange pointed at a copy of the folder
    (the app exchanges after Home's paint: the cache is never touched)."""
    import orjson

    shutil.copytree(built, where)
    data_file = where / "coordinator" / "voicesgroup.json"
    data = orjson.loads(data_file.read_bytes())
    data["_exchange"]["1"]["folder"] = str((where / "exchange").resolve())
    data_file.write_bytes(orjson.dumps(data))
    return data_file


# -- the measurements ---------------------------------------------------------------------------


def bench_home(data_file: Path, pycache: Path, runs: int) -> None:
    run_child("floor", None, pycache)  # warm-ups: bytecode cache, page cache, open-time backup
    run_child("app", data_file, pycache)
    floors, apps = [], []
    for _ in range(runs):
        floors.append(run_child("floor", None, pycache))
        apps.append(run_child("app", data_file, pycache))
    floor = statistics.median(run["marks"]["paint"] for run in floors)
    paint = statistics.median(run["marks"]["paint"] for run in apps)
    floor_cpu = statistics.median(run["cpu_at_paint"] for run in floors)
    cpu = statistics.median(run["cpu_at_paint"] for run in apps)
    paired = statistics.median(
        app["marks"]["paint"] / bare["marks"]["paint"]
        for app, bare in zip(apps, floors, strict=True)
    )
    opened = statistics.median(run["marks"].get("store_open_s", float("nan")) for run in apps)
    screen = {run["screen"] for run in apps}
    ratio = paint / floor
    print(f"\n(a) cold start to Home's first paint, median of {runs} (seconds)")
    print(f"  bare Textual floor {floor:6.3f}   (cpu {floor_cpu:.3f})")
    print(f"  coordinator's Home {paint:6.3f}   (cpu {cpu:.3f}; Store.open {opened:.3f})")
    verdict = judge(ratio <= HOME_BUDGET, f"Home {ratio:.2f}×")
    print(
        f"  ratio {ratio:5.2f}× (paired {paired:.2f}×, cpu {cpu / floor_cpu:.2f}×; "
        f"budget ≤ {HOME_BUDGET}×) {verdict}   screens: {', '.join(sorted(screen))}"
    )
    size = data_file.stat().st_size
    peak = statistics.median(run["paint_peak_rss_kib"] for run in apps) * 1024
    floor_peak = statistics.median(run["paint_peak_rss_kib"] for run in floors) * 1024
    after_due = statistics.median(run["peak_rss_kib"] for run in apps) * 1024
    share = (peak - floor_peak) / size
    print(
        f"\n(b) peak RSS of the app at Home's first paint, less the bare floor's, ÷ the data "
        f"file's size (median of {runs})"
    )
    print(f"  data file  {size / 2**20:7.1f} MiB")
    print(f"  peak RSS   {peak / 2**20:7.1f} MiB   (the floor's: {floor_peak / 2**20:.1f} MiB)")
    verdict = judge(share <= MEMORY_BUDGET, f"memory {share:.2f}×")
    print(f"  the data's share {share:5.2f}× (budget ≤ {MEMORY_BUDGET}×) {verdict}")
    print(
        f"  information: the whole peak ÷ size {peak / size:.2f}× (the floor alone is "
        f"{floor_peak / size:.2f}×); once the Due box is filled {after_due / 2**20:.1f} MiB, "
        f"the data's share {(after_due - floor_peak) / size:.2f}×"
    )


def bench_review(data_file: Path, pycache: Path, runs: int) -> None:
    run_child("review", data_file, pycache)  # warm-up: the bytecode cache
    found = [run_child("review", data_file, pycache) for _ in range(runs)]
    size = data_file.stat().st_size

    def median_of(name: str) -> float:
        return statistics.median(run[name] for run in found) * 1024

    before, peak = median_of("paint_peak_rss_kib"), median_of("review_peak_rss_kib")
    held = median_of("held_rss_kib") - median_of("before_rss_kib")
    took = statistics.median(run["marks"]["review"] - run["marks"]["paint"] for run in found)
    print(f"\n(d) the Rota review of the whole rota, after Home's rows (median of {runs})")
    print(f"  peak RSS before it {before / 2**20:7.1f} MiB, with it {peak / 2**20:7.1f} MiB")
    print(f"  what it adds at its peak ÷ the file's size  {(peak - before) / size:5.2f}×")
    print(f"  what stays held once it is shown ÷ the size {held / size:5.2f}×")
    print(f"  (made in {took:.2f} s; information, not judged)")


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process, run in the app's checkout
    (`python -c` looks in its working folder first)."""
    where = os.environ.get(APP_ROOT_ENV) or ROOT
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=where, env=env, timeout=120)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[-3:])} failed ({done.returncode}): {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_groups(data_file: Path, pycache: Path, runs: int) -> None:
    env = child_env(pycache)
    app_root = os.environ.get(APP_ROOT_ENV)
    if app_root:
        env["PYTHONPATH"] = app_root + os.pathsep + env.get("PYTHONPATH", "")
    groups = [
        sys.executable,
        "-c",
        "import sys; from voicesgroup.cli import main; sys.exit(main(sys.argv[1:]))",
        "--db",
        str(data_file),
        "groups",
    ]
    bare = [sys.executable, "-c", "pass"]
    timed_process(groups, env)  # warm-up: bytecode cache
    walls, cpus, bare_walls = [], [], []
    for _ in range(runs):
        wall, cpu = timed_process(groups, env)
        walls.append(wall)
        cpus.append(cpu)
        bare_walls.append(timed_process(bare, env)[0])
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(f"\n(c) `voicesgroup groups` on the coordinator's file, whole process, median of {runs}")
    print(f"  bare interpreter  {statistics.median(bare_walls):6.3f} s wall (information)")
    verdict = judge(wall <= GROUPS_BUDGET_S, f"groups {wall:.2f} s")
    print(f"  voicesgroup groups {wall:6.3f} s wall, {cpu:.3f} s CPU")
    print(f"  budget ≤ {GROUPS_BUDGET_S} s wall {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", type=int, default=4, help="group laptops, four groups each")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the working copy")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    parser.add_argument("--rebuild", action="store_true", help="build the cached file again")
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.laptops, args.years, args.runs = 1, 1, 1
    root = use_app_root(args.app_root)
    built = cached(root, args.laptops, args.years, args.rebuild)
    with tempfile.TemporaryDirectory(prefix="vg-bench-coordinator-", dir=args.dir) as where:
        data_file = working_copy(built, Path(where) / "laptop")
        pycache = Path(where) / "pycache"
        print(f"coordinator's file: {data_file.stat().st_size / 2**20:.1f} MiB")
        bench_home(data_file, pycache, args.runs)
        bench_groups(data_file, pycache, args.runs)
        bench_review(data_file, pycache, args.runs)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT coordinator: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
