"""How long the coordinator's evaluation takes on ten years of data (bench/big_data.py).

(a) In process: a fresh interpreter opens the 10-year file (read-only) with the record models
    loaded, then computes a year's report (the last twelve full months): the first report,
    then the median of later ones, each with and without the year before beside it.
    Budget: the first year's report (no comparison) ≤ 100 ms of CPU time.
(b) Whole process: `voicesgroup --db BIG report --from … --to … --out FILE.pdf` against
    `voicesgroup --db BIG print agreement --group NAME --out FILE.pdf` on the same file,
    timed in the same run, interleaved. Budget: the report takes at most 1.3 times the
    agreement, on the median CPU time (user + system); wall-clock time is printed beside it.

Run: .venv/bin/python bench/bench_report.py [--runs N] [--quick] [--keep-data PATH]
`--quick` uses two years of data and five runs, to check the bench itself in a minute; its
figures are not the budget's. Exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from _common import add_quick, child_env, exit_status, load_note, make_big_db  # noqa: E402

TODAY = dt.date(2026, 11, 23)
"""big_data.py's fixed 'today': the year reported is the twelve full months before it."""
PERIOD = (dt.date(2025, 11, 1), dt.date(2026, 10, 31))
IN_PROCESS_BUDGET_MS = 100.0
WHOLE_PROCESS_BUDGET = 1.3

IN_PROCESS = r"""
import datetime as dt, json, statistics, sys, time
from pathlib import Path
import voicesgroup.models  # loaded, as in the running app
from voicesgroup import evaluation
from voicesgroup.store import Store

store = Store.open(Path(sys.argv[1]), readonly=True)
period = evaluation.Period(dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3]))
today = dt.date.fromisoformat(sys.argv[4])
runs = int(sys.argv[5])

def timed(compare):
    wall, cpu = time.perf_counter(), time.process_time()
    evaluation.report(store, period, compare_previous_year=compare, today=today)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

first = timed(False)
later = [timed(False) for _ in range(runs)]
compare = [timed(True) for _ in range(runs)]
print(json.dumps({
    "first": first,
    "later": [statistics.median(t[i] for t in later) for i in (0, 1)],
    "compare": [statistics.median(t[i] for t in compare) for i in (0, 1)],
}))
"""


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU time (user + system) of one child process, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def in_process(db: Path, runs: int, env: dict[str, str]) -> dict:
    command = [
        sys.executable, "-c", IN_PROCESS, str(db), PERIOD[0].isoformat(), PERIOD[1].isoformat(),
        TODAY.isoformat(), str(runs),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)  # warm caches
    done = subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def whole_process(db: Path, runs: int, env: dict[str, str], folder: Path) -> dict[str, float]:
    program = str(Path(sys.executable).with_name("voicesgroup"))
    report = [
        program, "--db", str(db), "report", "--from", PERIOD[0].isoformat(),
        "--to", PERIOD[1].isoformat(), "--out", str(folder / "report.pdf"), "--force",
    ]  # fmt: skip
    agreement = [
        program, "--db", str(db), "print", "agreement", "--group", "Tuesday Voices",
        "--out", str(folder / "agreement.pdf"), "--force",
    ]  # fmt: skip
    for _ in range(2):  # warm the disk and bytecode caches
        _time(agreement, env)
        _time(report, env)
    found: dict[str, list[tuple[float, float]]] = {"agreement": [], "report": []}
    for i in range(runs):
        pair = [(agreement, "agreement"), (report, "report")]
        for command, key in pair if i % 2 == 0 else reversed(pair):
            found[key].append(_time(command, env))
    return {
        f"{key}_{kind}": statistics.median(t[n] for t in times) * 1000
        for key, times in found.items()
        for n, kind in enumerate(("wall", "cpu"))
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    add_quick(parser)  # two years of data, five runs
    parser.add_argument("--keep-data", metavar="PATH", type=Path, help="reuse or keep the file")
    args = parser.parse_args()
    years = 2 if args.quick else 10
    runs = 5 if args.quick else args.runs
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = child_env(folder / "pycache")
        db = args.keep_data or folder / "big.json"
        if not db.exists():
            print(make_big_db(db, years))
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        if note := load_note():
            print(note)

        found = in_process(db, runs, env)
        first_wall, first_cpu = found["first"]
        fits = first_cpu <= IN_PROCESS_BUDGET_MS
        ok &= fits
        print(f"\n(a) in process, {years} years of data, a year's report      wall      cpu")
        print(
            f"    first report                              {first_wall:7.1f}  {first_cpu:7.1f} ms"
            f"   (budget {IN_PROCESS_BUDGET_MS:.0f})  {'ok' if fits else 'OVER'}"
        )
        print(f"    later reports, median of {runs:<2}              "
              f"{found['later'][0]:7.1f}  {found['later'][1]:7.1f} ms")  # fmt: skip
        print(f"    with the year before, median of {runs:<2}       "
              f"{found['compare'][0]:7.1f}  {found['compare'][1]:7.1f} ms")  # fmt: skip

        w = whole_process(db, runs, env, folder)
        ratio_wall = w["report_wall"] / w["agreement_wall"]
        ratio_cpu = w["report_cpu"] / w["agreement_cpu"]
        fits = ratio_cpu <= WHOLE_PROCESS_BUDGET
        ok &= fits
        print(f"\n(b) whole process, median of {runs}                        wall      cpu")
        for label, key in [
            ("voicesgroup print agreement (floor)     ", "agreement"),
            ("voicesgroup report --out (a year, PDF)  ", "report"),
        ]:
            print(f"    {label}      {w[key + '_wall']:7.1f}  {w[key + '_cpu']:7.1f} ms")
        print(
            f"    ratio{'':40} {ratio_wall:6.2f}x  {ratio_cpu:6.2f}x"
            f"   (budget {WHOLE_PROCESS_BUDGET:.2f}x)  {'ok' if fits else 'OVER'}"
        )
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    verdict = "within budget" if ok else "OVER BUDGET"
    print(f"\nRESULT report: {verdict}" + (" (quick: fewer years and runs)" if args.quick else ""))
    return exit_status(ok, args.quick)


if __name__ == "__main__":
    sys.exit(main())
