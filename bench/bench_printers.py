"""How long sending a handout to a printer takes, against writing it to a file.

Whole processes, timed in the same run and interleaved: `voicesgroup print strategies …
--out FILE --force` against the same command with `--printer Office`, which hands the bytes
to CUPS (`lp`) instead of writing them. The printer is cups-pdf on a CUPS server of the
benchmark's own (tests/helpers/cups_server.py), so nothing reaches a real printer; the time the
printer then takes to print is not the app's and is not counted.
Budget: the median send takes at most 1.3 times the median write (wall clock: the work is
in `lpstat` and `lp` as much as in this process).

Run: .venv/bin/python bench/bench_printers.py [--runs N] [--quick]
Needs cups, cups-client and printer-driver-cups-pdf, and root (for the virtual printer).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import add_quick, child_env, exit_status, load_note

from tests.helpers.cups_server import CupsServer, missing

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.3
VOICESGROUP = Path(sys.executable).with_name("voicesgroup")


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[-6:])} failed: {done.stderr.strip()}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    add_quick(parser)
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    why = missing()
    if why is not None:
        print(f"not measured: {why}")
        return exit_status(False, args.quick)
    note = load_note()
    if note:
        print(note)
    folder = Path(tempfile.mkdtemp(prefix="vg-bench-print-"))
    server = CupsServer()
    try:
        server.start()
        server.add_printer("Office", "Office printer", default=True)
        env = {**child_env(folder / "pycache"), "CUPS_SERVER": server.socket}
        env["HOME"] = str(folder)
        db = folder / "data.json"
        subprocess.run([str(VOICESGROUP), "--db", str(db), "demo"], check=True, env=env,
                       capture_output=True)  # fmt: skip
        sheet = [str(VOICESGROUP), "--db", str(db), "print", "strategies", "--group",
                 "Tuesday Voices"]  # fmt: skip
        to_file = [*sheet, "--out", str(folder / "sheet.pdf"), "--force"]
        to_printer = [*sheet, "--printer", "Office"]
        timed(to_file, env)  # warm the bytecode cache
        writes, sends = [], []
        for _ in range(runs):
            writes.append(timed(to_file, env))
            sends.append(timed(to_printer, env))
        write, send = statistics.median(writes), statistics.median(sends)
        ratio = send / write
        print(f"write to a file:    median {write * 1000:7.1f} ms over {runs} run(s)")
        print(f"send to a printer:  median {send * 1000:7.1f} ms over {runs} run(s)")
        verdict = "within" if ratio <= BUDGET else "OVER"
        print(f"RESULT send/write = {ratio:.2f}x (budget {BUDGET}x): {verdict} budget")
        return exit_status(ratio <= BUDGET, args.quick)
    finally:
        server.stop()  # and removes what its printer received
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
