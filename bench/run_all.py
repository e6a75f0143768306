"""Run every benchmark in bench/ (bench_*.py) in turn, print their figures and a summary.

    python bench/run_all.py [--only NAME ...] [--timeout SECONDS] [--quick]

Each script runs in its own interpreter (this one's: run it with the project's venv) and prints
its own figures; a script that exits non-zero has missed a budget (or failed). The exit status
is 0 only when every script passed. With --quick each script runs once on tiny inputs, which
proves it still works but judges no budget (CI does this: see .ci/run).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="*", default=None, help="run only these (e.g. startup store)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="per script, in seconds")
    parser.add_argument(
        "--quick", action="store_true", help="tiny inputs, one run each: no budget is judged"
    )
    args = parser.parse_args(argv)
    scripts = sorted(BENCH.glob("bench_*.py"))
    if args.only:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in args.only}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    if not scripts:
        print("no bench_*.py scripts found", file=sys.stderr)
        return 2
    summary: list[tuple[str, str, float]] = []
    for script in scripts:
        print(f"\n{'=' * 30} {script.name} {'=' * (48 - len(script.name))}", flush=True)
        began = time.perf_counter()
        try:
            command = [sys.executable, str(script)] + (["--quick"] if args.quick else [])
            done = subprocess.run(command, cwd=ROOT, timeout=args.timeout)
            status = "pass" if done.returncode == 0 else f"FAIL (exit {done.returncode})"
        except subprocess.TimeoutExpired:
            status = f"FAIL (timed out after {args.timeout:.0f} s)"
        summary.append((script.name, status, time.perf_counter() - began))
    print(f"\n{'=' * 30} summary {'=' * 42}")
    for name, status, took in summary:
        print(f"{name:<28} {status:<28} {took:6.1f} s")
    return 0 if all(status == "pass" for _, status, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
