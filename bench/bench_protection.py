"""Encryption at rest: unlock time with ten years of data, and an encrypted save vs a plain one.

    .venv/bin/python bench/bench_protection.py [--runs 7] [--years 10] [--quick]

Budgets (issue: keep the data safe on a laptop):
- unlocking takes at least crypto.UNLOCK_SECONDS (the README's half a second), fastest run;
- unlocking (Store.open with the passphrase, Argon2id tuned on this machine) ≤ 1 s;
- a durable encrypted save ≤ 1.5× the same save unencrypted, measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_quick, exit_status, load_note, make_big_db

UNLOCK_BUDGET_S = 1.0
SAVE_RATIO_BUDGET = 1.5
PASSPHRASE = "a passphrase for the benchmark"


def alternating_saves(
    plain_path: Path, sealed_path: Path, runs: int
) -> tuple[list[float], list[float]]:
    """Save times of both files, taken turn about so that load on the machine hits both alike."""
    from voicesgroup.store import Store

    stores = [Store.open(plain_path), Store.open(sealed_path, passphrase=PASSPHRASE)]
    times: list[list[float]] = [[], []]
    try:
        for store in stores:
            store.storage.autosave = False
        members = stores[0].members()
        for index in range(runs + 1):
            for which, store in enumerate(stores):
                member = store.member(members[index % len(members)].id)
                store.save_member(
                    member.with_changes(display_name=f"{member.display_name[:40]} {index}")
                )
                began = time.perf_counter()
                store.save()
                if index:  # the first round warms the page cache
                    times[which].append(time.perf_counter() - began)
        return times[0], times[1]
    finally:
        for store in stores:
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.years = 1, 1

    from voicesgroup.store import Store, crypto

    folder = Path(tempfile.mkdtemp(prefix="vg-bench-protection-"))
    try:
        plain = folder / "plain.json"
        print(make_big_db(plain, years=args.years))
        encrypted = folder / "encrypted.json"
        shutil.copy(plain, encrypted)
        began = time.perf_counter()
        kdf = crypto.tune_kdf()
        tuning = time.perf_counter() - began
        again = crypto.tune_kdf()  # the same choice from one tuning to the next
        with Store.open(encrypted) as store:
            store.set_passphrase(PASSPHRASE, kdf)
        print(
            f"Argon2id tuned here in {tuning:.1f} s: {kdf.memory_kib // 1024} MiB, "
            f"{kdf.iterations} iterations, {kdf.lanes} lanes; tuned again: "
            f"{again.memory_kib // 1024} MiB, {again.iterations} iterations"
        )

        unlocks = []
        for _ in range(args.runs):
            began = time.perf_counter()
            Store.open(encrypted, passphrase=PASSPHRASE, readonly=True).close()
            unlocks.append(time.perf_counter() - began)
        unlock = statistics.median(unlocks)
        floor = crypto.UNLOCK_SECONDS
        verdict = "PASS" if floor <= min(unlocks) and unlock <= UNLOCK_BUDGET_S else "FAIL"
        print(
            f"\nunlock (open + decrypt + parse, ten years), median of {args.runs}: "
            f"{unlock:.3f} s (fastest {min(unlocks):.3f} s)   at least {floor:.1f} s, "
            f"budget {UNLOCK_BUDGET_S:.1f} s   {verdict}"
        )

        plain_saves, sealed_saves = alternating_saves(plain, encrypted, args.runs)
        plain_ms = statistics.median(plain_saves) * 1000
        sealed_ms = statistics.median(sealed_saves) * 1000
        ratio = sealed_ms / plain_ms
        save_verdict = "PASS" if ratio <= SAVE_RATIO_BUDGET else "FAIL"
        print(
            f"durable save, median of {args.runs}: plain {plain_ms:.1f} ms, "
            f"encrypted {sealed_ms:.1f} ms, ratio {ratio:.2f}x   budget "
            f"{SAVE_RATIO_BUDGET:.1f}x   {save_verdict}"
        )
        note = load_note()
        if note:
            print(note)
        ok = verdict == "PASS" and save_verdict == "PASS"
        print(f"RESULT protection: {'PASS' if ok else 'FAIL'}")
        return exit_status(ok, args.quick)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
