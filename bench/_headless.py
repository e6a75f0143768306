import time

START = time.perf_counter()  # before any other import: the clock of a cold start
START_CPU = time.process_time()

"""One cold start, run as a fresh interpreter by bench_startup.py and bench_store.py.

    python bench/_headless.py floor            # a minimal Textual app with a 50-row DataTable
    python bench/_headless.py app DB.json      # voicesgroup on DB.json, up to the home screen
    python bench/_headless.py core DB.json     # no UI: open the store, compute the home rows
    python bench/_headless.py review DB.json   # no UI: Home's rows, then the Rota review's

Prints one JSON line: seconds from the top of this script to the first paint (`paint`), a few
marks on the way, whether reportlab was imported by then, and the peak RSS in KiB (VmHWM and
ru_maxrss), at the first paint and at the end.
Not named bench_*.py, so run_all.py does not run it on its own.
"""

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

# BENCH_APP_ROOT: another checkout to measure (e.g. a copy with a proposed fix applied).
ROOT = Path(os.environ.get("BENCH_APP_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

SIZE = (120, 40)
marks: dict[str, float] = {}
facts: dict[str, object] = {}


def peak_rss_kib() -> int:
    """This process's own RSS high-water mark (VmHWM), in KiB.

    ru_maxrss is reported too, but on Linux it carries over the high-water mark of the process
    that forked us (exec keeps it), so it is only honest when the parent was small.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory(prefix: str) -> None:
    facts[f"{prefix}peak_rss_kib"] = peak_rss_kib()
    facts[f"{prefix}ru_maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def mark(name: str) -> None:
    marks[name] = time.perf_counter() - START


def painted(app, exit_now: bool = True) -> None:
    mark("paint")
    facts["cpu_at_paint"] = time.process_time() - START_CPU
    facts["reportlab_loaded"] = "reportlab" in sys.modules
    facts["pydantic_loaded"] = "pydantic" in sys.modules
    facts["modules"] = len(sys.modules)
    facts["screen"] = type(app.screen).__name__
    memory("paint_")
    if exit_now:
        app.exit()


def run_floor() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    mark("imports")

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Group", "Kind", "Next meeting", "Next step")
            for index in range(50):
                table.add_row(f"Group {index}", "Hearing voices", "Tue 1 Dec, 18:30", "In 3 days")
            self.call_after_refresh(painted, self)

    Floor().run(headless=True, size=SIZE)


def run_app(db: Path) -> None:
    from screens.app import VoicesGroupApp
    from voicesgroup.store import Store

    mark("imports")
    original_open = Store.open.__func__  # type: ignore[attr-defined]  # the function under the classmethod

    def timed_open(cls, *args, **kwargs):
        began = time.perf_counter()
        store = original_open(cls, *args, **kwargs)
        marks["store_open_s"] = time.perf_counter() - began
        return store

    Store.open = classmethod(timed_open)  # type: ignore[method-assign, assignment]  # timing wrapper

    # The app imports the home screen lazily in on_mount; import it here (the same cost, just
    # earlier) to hook it: once its table has been filled the first time, wait for the repaint.
    from screens.home_screen import HomeScreen

    original_compose = HomeScreen.compose

    def compose(self):
        mark("home_mount")
        return original_compose(self)

    HomeScreen.compose = compose  # type: ignore[method-assign]  # timing hook, measured only
    hook = "refresh_data" if hasattr(HomeScreen, "refresh_data") else "on_mount"
    original_fill = getattr(HomeScreen, hook)
    # A home screen that works out its Due box just after the groups' paint (`_show_due`): the
    # clock stops at that paint, and a second mark (`due`) when the box is filled.
    fills_due_after = hasattr(HomeScreen, "_show_due")

    def fill(self, *args, **kwargs):
        first = "home_data" not in marks
        if first:
            # Queued before the fill runs, so it is the first callback after the repaint that
            # shows the groups: work the screen itself defers past that paint is not counted.
            self.call_after_refresh(painted, self.app, not fills_due_after)
        result = original_fill(self, *args, **kwargs)
        if first:
            mark("home_data")
        return result

    setattr(HomeScreen, hook, fill)
    if fills_due_after:
        original_show_due = HomeScreen._show_due

        def show_due(self, *args, **kwargs):
            result = original_show_due(self, *args, **kwargs)
            if "paint" in marks and "due" not in marks:
                mark("due")
                self.app.exit()
            return result

        HomeScreen._show_due = show_due  # type: ignore[method-assign]  # timing hook, measured only
    app = VoicesGroupApp(db_path=db)
    app.run(headless=True, size=SIZE)
    if app.startup_error:
        raise SystemExit(f"app did not start: {app.startup_error}")


def run_core(db: Path) -> None:
    import datetime as dt

    from voicesgroup.home import due_items, home_rows
    from voicesgroup.store import Store

    mark("imports")
    with Store.open(db, create=False) as store:
        mark("store_open")
        today = dt.date.today()
        facts["rows"] = len(home_rows(store, today))
        facts["due"] = len(due_items(store, today))
        mark("paint")  # "the home rows are ready": the core's share of the first paint
        facts["cpu_at_paint"] = time.process_time() - START_CPU
        facts["reportlab_loaded"] = "reportlab" in sys.modules
        memory("paint_")


def current_rss_kib() -> int:
    """This process's resident memory now (VmRSS), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_review(db: Path) -> None:
    """What opening the Rota review on the whole rota reads, as its screen reads it (the
    span of the rota, then the review of every group over it), after Home's rows: the
    memory before it, at its peak and what stays held once it is shown."""
    import datetime as dt

    import voicesgroup.models  # noqa: F401  # (the models' own import is not the review's)
    from voicesgroup.home import home_rows
    from voicesgroup.rota import service as rota_service
    from voicesgroup.store import Store

    mark("imports")
    with Store.open(db, create=False) as store:
        today = dt.date.today()
        facts["rows"] = len(home_rows(store, today))
        mark("paint")
        memory("paint_")
        facts["before_rss_kib"] = current_rss_kib()
        span = rota_service.rota_span(store, None)
        start, end = span if span else (None, None)
        review = rota_service.review_rota(store, group_id=None, start=start, end=end, today=today)
        del span
        facts["loads"] = len(review.loads)
        mark("review")
        facts["held_rss_kib"] = current_rss_kib()
        memory("review_")


def main() -> None:
    mode = sys.argv[1]
    if mode == "floor":
        run_floor()
    elif mode == "app":
        run_app(Path(sys.argv[2]))
    elif mode == "core":
        run_core(Path(sys.argv[2]))
    elif mode == "review":
        run_review(Path(sys.argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    if "paint" not in marks:
        raise SystemExit("the first paint was never reached")
    memory("")
    sys.stdout.write(json.dumps({"marks": marks, **facts}) + "\n")
    sys.stdout.flush()
    os._exit(0)  # the figures are out; skip interpreter teardown


if __name__ == "__main__":
    PROFILE = os.environ.get("BENCH_PROFILE")  # a path: write cProfile stats of the run there
    if PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        _exit = os._exit

        def dump_then_exit(code: int) -> None:
            profiler.disable()
            profiler.dump_stats(str(PROFILE))
            _exit(code)

        os._exit = dump_then_exit  # type: ignore[assignment]  # dump the profile before exiting
    main()
