"""A paste typed key by key (a terminal without bracketed paste) is taken in about as fast as
Textual can deliver the keys at all.

    python bench/bench_typing.py [--keys 20000] [--runs 3] [--quick]

The app: a session in progress, its theme dialog open (`t`), and `--keys` characters sent as a
terminal sends them, through Textual's own terminal parser in the Linux driver's 4 KiB chunks;
timed from the first byte to the last character in the field. The floor, in the same run: a bare
Textual app given the same bytes, its focused widget taking no keys — the cost of delivering
that many key events and nothing more.

Budget: ≤ 2× the floor. Before `screens/typed_runs.py`, 20,000 keys took about a minute (each
insertion measured the whole text again): about 60× the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, Verdicts, add_quick, exit_status, load_note, make_empty_db

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

BUDGET_RATIO = 2.0
CHUNK = 4096
TEXT = "Walking helps, and so does music; Zoë's “grounding” idea — ١٢٣ ５ 🙂 "


def typed(keys: int) -> str:
    return (TEXT * (keys // len(TEXT) + 1))[:keys]


def feed(app: App[Any], text: str) -> None:
    """The bytes of `text` through Textual's parser, handed to the driver as Linux's does."""
    parser = XTermParser()
    driver = app._driver
    assert driver is not None
    for start in range(0, len(text), CHUNK):
        for event in parser.feed(text[start : start + CHUNK]):
            driver.process_message(event)


async def until(done: Any, limit: float = 600) -> None:
    began = time.perf_counter()
    while not done():
        if time.perf_counter() - began > limit:
            raise RuntimeError("the keys did not all arrive")
        await asyncio.sleep(0.005)


class Deaf(Static, can_focus=True):
    """Focused, and takes no key: the floor's keys are delivered and go nowhere."""


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Deaf("")


async def floor(text: str) -> float:
    app = Bare()
    seen: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app.on_event

        async def counting(event: Any) -> None:
            if event.__class__.__name__ == "Key" and not event.is_forwarded:
                seen.append(1)
            await original(event)

        app.on_event = counting  # type: ignore[method-assign]  # counts each key it is given
        app.query_one(Deaf).focus()
        await pilot.pause()
        began = time.perf_counter()
        feed(app, text)
        await until(lambda: len(seen) >= len(text))
        took = time.perf_counter() - began
        await pilot.pause()
        return took


async def ours(path: Path, text: str) -> float:
    from bench_session_keys import TODAY

    from screens.app import VoicesGroupApp
    from screens.dialogs.text_capture_dialog import TextCaptureDialog

    app = VoicesGroupApp(path, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # resume the session in progress
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TextCaptureDialog), type(app.screen)
        field = app.screen.query_one("#capture-text", Input)
        began = time.perf_counter()
        feed(app, text)
        await until(lambda: len(field.value) >= len(text))
        took = time.perf_counter() - began
        assert field.value == text, "the text did not arrive as typed"
        await pilot.press("escape")
        await pilot.pause()
        return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    add_quick(parser)
    args = parser.parse_args(argv)
    keys, runs = (500, 1) if args.quick else (args.keys, args.runs)
    from bench_session_keys import prepare

    text = typed(keys)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.json"
        make_empty_db(path)
        prepare(path)
        floors, apps = [], []
        for _ in range(runs):  # interleaved, so a busy moment falls on both
            floors.append(asyncio.run(floor(text)))
            apps.append(asyncio.run(ours(path, text)))
    floor_s, app_s = statistics.median(floors), statistics.median(apps)
    ratio = app_s / floor_s
    verdicts = Verdicts()
    print(f"{keys:,} keys typed into the theme dialog, median of {runs}:")
    print(f"  floor (bare Textual, keys delivered):  {floor_s * 1000:8.0f} ms")
    print(f"  the app (keys into the field):         {app_s * 1000:8.0f} ms")
    verdict = verdicts.judge(ratio <= BUDGET_RATIO, f"typing {ratio:.2f}× the floor")
    print(f"  ratio {ratio:.2f}× (budget ≤ {BUDGET_RATIO}×)  {verdict}")
    note = load_note()
    if note:
        print(note)
    print(f"RESULT {'pass' if not verdicts.failures else 'FAIL: ' + '; '.join(verdicts.failures)}")
    return exit_status(not verdicts.failures, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
