"""A key press in the session screen repaints within a frame, with ten years of data loaded.

    python bench/bench_session_keys.py [--years 10] [--presses 40] [--dir FOLDER] [--quick]

For three actions of the session screen — next/previous part (→/←), toggling a member's
attendance (Enter), a round step (Space) — the time from the key being sent to the first
repaint that shows its effect (the screen's compositor update, captured at App._display, which
the headless driver then discards). Measured with Pilot at 80×24 on the big file (bench/
big_data.py) and on an empty file given the same small setup (a group, three members who agreed
to be listed by name, a session in progress). Every change also starts the background save of
the whole file, as in real use.

Budget: median on the big file ≤ 50 ms and ≤ 1.2× the empty file's median (or within 5 ms of
it: at these sizes a ratio of two tiny numbers says little). Exits 1 when a budget is missed.

Each change is written to disk a moment after it is painted (SessionScreen.SAVE_AFTER_SECONDS),
and the next key comes once that save is done, as keys in a room come seconds apart.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, add_quick, exit_status, load_note, make_big_db, use_app_root

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from voicesgroup.facilitator_path import may_start_with
from voicesgroup.models import (
    ConsentAction,
    ConsentEvent,
    ConsentMethod,
    ConsentScope,
    Facilitator,
    Group,
    MeetingPattern,
    Member,
    Variant,
)
from voicesgroup.session_runner import SessionRunner, members_by_name_allowed
from voicesgroup.shipped import default_agreement
from voicesgroup.store import Store

BUDGET_MS = 50.0
BUDGET_RATIO = 1.2
RATIO_SLACK_MS = 5.0
TODAY = dt.date(2026, 11, 23)
ACTIONS = {
    "next/previous part": ("right", "left"),
    "toggle attendance": ("enter",),
    "round step": ("space",),
}

failures: list[str] = []


def prepare(path: Path) -> str:
    """Give the file what the actions need and start a session; returns a description."""
    with Store.open(path, seed=False) as store, store.batch():
        groups = store.groups()
        if groups:
            group = groups[0]
        else:
            group = Group(
                name="Bench group",
                variant=Variant.HEARING_VOICES,
                pattern=MeetingPattern(weekday=0),
                agreements=[default_agreement(Variant.HEARING_VOICES, TODAY)],
            )
            store.save_group(group)
        listed = members_by_name_allowed(store)
        for number in range(max(0, 3 - len(listed))):
            member = Member(display_name=f"Bench member {number + 1}")
            store.save_member(member)
            store.give_consent(
                ConsentEvent(
                    member_id=member.id,
                    scope=ConsentScope.ATTENDANCE_BY_NAME,
                    action=ConsentAction.GIVEN,
                    method=ConsentMethod.WRITTEN,
                    wording_version="1",
                    recorded_by="Bench",
                    # Said before the session's day: named attendance needs consent then.
                    on=dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC) - dt.timedelta(days=7),
                )
            )
        facilitators = store.facilitators()
        if len(facilitators) < 2:
            facilitators = [Facilitator(display_name=n) for n in ("Bench A", "Bench B")]
            for person in facilitators:
                store.save_facilitator(person)
        for session in store.sessions_in_progress():
            store.save_session(session.with_changes(status="ended"))
        # A pair the session may start with (someone in training beside someone experienced).
        pair = next(
            [lead.id, co.id]
            for lead in facilitators
            for co in facilitators
            if lead.id != co.id and may_start_with(store, [lead, co]) is None
        )
        runner = SessionRunner.start(store, group, TODAY, pair)
        listed = members_by_name_allowed(store)
        runner.toggle_member(listed[1].id)
        runner.change_anonymous(6)
        counts = (
            f"{store.count(Member)} members, {len(store.sessions())} sessions, "
            f"{len(listed)} agreed to be listed by name, {path.stat().st_size / 1e6:.1f} MB"
        )
    return counts


async def measure(path: Path, presses: int) -> dict[str, list[float]]:
    """Milliseconds from key to the first repaint showing its effect, per action."""
    from screens.app import VoicesGroupApp
    from screens.session_screen import SAVE_AFTER_SECONDS, SessionScreen

    app = VoicesGroupApp(path, today=lambda: TODAY)
    painted: list[float] = []
    original_display = app._display
    watching: dict[str, object] = {"before": None}

    def spy(screen, renderable):
        # A repaint counts once the session on screen is no longer the one before the key.
        if renderable is not None and isinstance(screen, SessionScreen):
            runner = screen.runner
            if runner is not None and runner.session is not watching["before"]:
                painted.append(time.perf_counter())
        return original_display(screen, renderable)

    app._display = spy  # type: ignore[method-assign]  # watch each repaint, then pass it on
    results: dict[str, list[float]] = {name: [] for name in ACTIONS}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # resume the session in progress
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen), type(screen)

        async def timed(key: str) -> float:
            # Keys in a room come seconds apart: the previous change's save is done.
            await asyncio.sleep(SAVE_AFTER_SECONDS * 2)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert screen.runner is not None
            watching["before"] = screen.runner.session
            painted.clear()
            sent = time.perf_counter()
            await pilot.press(key)
            for _ in range(200):
                if painted:
                    break
                await asyncio.sleep(0.001)
            assert painted, f"no repaint after {key}"
            return (painted[0] - sent) * 1000

        for name, keys in ACTIONS.items():
            if name == "round step":
                await pilot.press("right", "right")  # into the check-in round
            for number in range(presses):
                results[name].append(await timed(keys[number % len(keys)]))
        await app.workers.wait_for_complete()
    return results


def report(empty: dict[str, list[float]], big: dict[str, list[float]]) -> None:
    print(f"\n{'action':<22}{'empty median':>14}{'big median':>12}{'big p90':>10}{'ratio':>8}")
    for name in ACTIONS:
        empty_median = statistics.median(empty[name])
        big_median = statistics.median(big[name])
        big_p90 = statistics.quantiles(big[name], n=10)[-1]
        ratio = big_median / empty_median if empty_median else float("inf")
        within_ratio = ratio <= BUDGET_RATIO or big_median - empty_median <= RATIO_SLACK_MS
        ok = big_median <= BUDGET_MS and within_ratio
        print(
            f"{name:<22}{empty_median:>11.1f} ms{big_median:>9.1f} ms{big_p90:>7.1f} ms"
            f"{ratio:>7.2f}×  {'ok' if ok else 'OVER BUDGET'}"
        )
        if not ok:
            failures.append(f"{name}: {big_median:.1f} ms on the big file ({ratio:.2f}×)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data files")
    parser.add_argument("--app-root", type=Path, help="measure the app in another checkout")
    add_quick(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.years, args.presses = 1, 2
    use_app_root(args.app_root)
    with tempfile.TemporaryDirectory(prefix="vg-bench-keys-", dir=args.dir) as folder:
        big_path = Path(folder) / "big.json"
        empty_path = Path(folder) / "empty.json"
        print(make_big_db(big_path, args.years))
        Store.open(empty_path).close()
        print(f"big file:   {prepare(big_path)}")
        print(f"empty file: {prepare(empty_path)}")
        empty = asyncio.run(measure(empty_path, args.presses))
        big = asyncio.run(measure(big_path, args.presses))
    report(empty, big)
    note = load_note()
    if note:
        print(note)
    print(f"\nRESULT session keys: {'FAIL — ' + '; '.join(failures) if failures else 'pass'}")
    return exit_status(not failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
