"""How long printing a handout takes.

(a) Whole process: `python -c` that imports the handout layer and writes a one-page sheet,
    against `python -c "import reportlab.platypus"`, timed in the same run, interleaved.
    Budget: the sheet process takes at most 1.3 times the bare ReportLab import.
(b) In a running app (models already loaded, ReportLab not yet): the first sheet, which
    pays for loading ReportLab and reading the font, then later sheets.
    Budget: first sheet ≤ 150 ms; later sheets ≤ 10 ms + 6 ms a page (each page is drawn,
    then read back and searched for members' names before it may leave: voicesgroup/read_back.py).

Budgets are judged on CPU time (user + system), which another busy process on the same
machine hardly moves; wall-clock time is printed beside it and matches it on an idle machine.

Run: .venv/bin/python bench/bench_handouts.py [--runs N] [--quick]
Bytecode is cached in a private temporary folder (as for an installed app); pass
--no-bytecode-cache to time this environment as it is when it sets PYTHONDONTWRITEBYTECODE.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_quick, exit_status

ROOT = Path(__file__).resolve().parent.parent

DIARY = """
from voicesgroup.handouts import diary_sheet
from voicesgroup.outputs import write_output
write_output({path!r}, data_file=None, force=True, data=diary_sheet("voices",
    title="My voices diary", columns=[
    "Day and time", "Where I was and what was going on",
    "What I noticed (only if I want to write it)", "How I felt before and after",
    "What I tried and what helped"]))
"""
BASELINE = "import reportlab.platypus"

IN_PROCESS = r"""
import datetime as dt, json, statistics, sys, time
import voicesgroup.models as m
import voicesgroup.handouts as h
from voicesgroup.handouts import RotaRow
assert "reportlab" not in sys.modules

def strategies(n):
    base = [
        ("Feet on the floor", "Press your feet into the floor and notice five things "
         "you can see, four you can hear and three you can touch.", "grounding", ""),
        ("Hum or sing quietly", "Humming or singing under your breath can make it harder "
         "for words to break through, and it is easy to do anywhere.", "practical", ""),
        ("Make an appointment with the voices", "Tell the voices you'll listen to them at "
         "a set time, and not before. Some people find the voices keep to the deal.",
         "boundaries", "Takes practice, so don't worry if it doesn't work straight away."),
        ("Check it out with someone you trust", "When a fear feels certain, ask someone you "
         "trust how it looks to them, and what they would make of it.", "checking_out",
         "Pick someone who listens without arguing."),
        ("Write a letter to a fear", "Put the worry on paper and say what you would like "
         "to say to it. You need not send it or keep it.", "creative", ""),
        ("Tea and toast first", "Eat something before a hard appointment; being hungry "
         "makes everything louder.", "physical", ""),
    ]
    return [m.CopingStrategy(title=f"{t} ({i // len(base) + 1})" if n > len(base) else t,
                             description=d, category=c, caution=w)
            for i, (t, d, c, w) in enumerate((base * (n // len(base) + 1))[:n])]

agreement = m.Agreement(version=2, agreed_on=dt.date(2025, 3, 4), review_on=dt.date(2025, 9, 2),
    points=["What is said in the group stays in the group.",
            "Anyone can pass, at any time, without needing to explain.",
            "We accept each person's own explanation of their experiences.",
            "We listen to each other and take turns to speak."],
    confidentiality=["Facilitators keep what you share private, with only a few exceptions.",
                     "By default the laptop records only how many people came and themes."])
template = m.SessionTemplate(key="hv", version=1, name="Hearing voices group", phases=[
    m.Phase(key=k, title=t, minutes=n, is_round=r, prompts=[f"{t}: a prompt to read out."] * 2)
    for k, t, n, r in [("welcome", "Welcome", 5, False), ("agreement", "Agreement", 5, False),
                       ("check_in", "Check-in round", 15, True), ("sharing", "Sharing", 30, False),
                       ("strategies", "Swapping what helps", 20, False),
                       ("check_out", "Check-out round", 10, True),
                       ("grounding", "Grounding", 5, False)]])
group = m.Group(name="Riverside Hearing Voices Group", variant=m.Variant.HEARING_VOICES,
                pattern=m.MeetingPattern(weekday=1, minutes=90), venue="Riverside Centre, Room 2",
                agreements=[agreement], template=template)
contacts = [m.SupportContact(name="Samaritans", how="Phone 116 123", when="Any time",
                             last_checked=dt.date(2025, 3, 3)),
            m.SupportContact(name="Shout", how="Text SHOUT to 85258", when="Any time",
                             last_checked=dt.date(2025, 3, 3))]
names = [f"Member{i}" for i in range(40)] + ["Zoë", "José", "Al", "Mary Ann"]
me = m.Member(display_name="Kit")
events = [m.ConsentEvent(member_id=me.id, scope=s, action=m.ConsentAction.GIVEN,
                         method=m.ConsentMethod.WRITTEN, wording_version="1", recorded_by="Priya")
          for s in m.ConsentScope]
notes = [m.Note(member_id=me.id, member_words="Walking here helps me settle. " * 4,
                what_helped="Sitting near the door.", agreed_by_member=True) for _ in range(3)]
rows = [RotaRow(f"Tue {d} Jan 2025", "Riverside", "Priya", "Dan", False, "Lead rotates.")
        for d in range(1, 29)]

short, long_ = strategies(6), strategies(48)
sheets = {
    "strategies (6)": lambda: h.strategies_sheet(short, group, contacts, forbidden_names=names),
    "strategies, discreet, large": lambda: h.strategies_sheet(
        short, group, contacts, discreet=True, large_print=True, forbidden_names=names),
    "strategies (48)": lambda: h.strategies_sheet(long_, group, contacts, forbidden_names=names),
    "agreement": lambda: h.agreement_sheet(group, forbidden_names=names),
    "diary": lambda: h.diary_sheet("voices", columns=["Day and time", "Where", "What helped"],
                                   title="My voices diary"),
    "session plan": lambda: h.session_plan(group, template, forbidden_names=names),
    "rota (28 rows)": lambda: h.rota_table(rows, title="Rota: January 2025",
                                           facilitators=["Priya", "Dan"]),
    "member record": lambda: h.member_record(
        me, events, notes, [(dt.date(2025, 1, 7), "Riverside")], [], [], forbidden_names=names),
}
start, cpu = time.perf_counter(), time.process_time()
first = sheets["strategies (6)"]()
first_ms = (time.perf_counter() - start) * 1000
first_cpu = (time.process_time() - cpu) * 1000
from pypdf import PdfReader  # noqa: E402  (after the first sheet, not to warm anything up)
import io  # noqa: E402
out = {"first": {"ms": first_ms, "cpu": first_cpu}, "later": {}}
for name, build in sheets.items():
    build()
    times, cpus = [], []
    for _ in range(RUNS):
        t, c = time.perf_counter(), time.process_time()
        data = build()
        times.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    out["later"][name] = {"ms": statistics.median(times), "cpu": statistics.median(cpus),
                          "pages": len(PdfReader(io.BytesIO(data)).pages)}
print(json.dumps(out))
"""


def _env(cache: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _time(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU time (user + system) of one `python -c code`, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def whole_process(runs: int, env: dict[str, str], folder: Path) -> dict[str, float]:
    """Medians, in ms, of the bare ReportLab import and of the sheet process."""
    sheet = DIARY.format(path=str(folder / "diary.pdf"))
    for _ in range(2):  # warm the disk cache and, if allowed, the bytecode cache
        _time(BASELINE, env)
        _time(sheet, env)
    found: dict[str, list[tuple[float, float]]] = {"base": [], "sheet": []}
    for i in range(runs):
        pair = [(BASELINE, "base"), (sheet, "sheet")]
        for code, key in pair if i % 2 == 0 else reversed(pair):
            found[key].append(_time(code, env))
    return {
        f"{key}_{kind}": statistics.median(t[n] for t in times) * 1000
        for key, times in found.items()
        for n, kind in enumerate(("wall", "cpu"))
    }


def in_process(runs: int, env: dict[str, str]) -> dict:
    code = f"RUNS = {runs}\n" + IN_PROCESS
    _time(code, env)  # warm caches
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-bytecode-cache", action="store_true")
    add_quick(parser)
    args = parser.parse_args()
    if args.quick:
        args.runs = 1
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        cache = None if args.no_bytecode_cache else str(Path(tmp) / "pycache")
        env = _env(cache)
        print(f"bytecode: {'not cached' if cache is None else 'cached in a private folder'}")
        print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

        w = whole_process(args.runs, env, Path(tmp))
        ratio_wall = w["sheet_wall"] / w["base_wall"]
        ratio_cpu = w["sheet_cpu"] / w["base_cpu"]
        ok &= ratio_cpu <= 1.3
        print(f"\n(a) whole process, median of {args.runs}             wall      cpu")
        for label, key in [
            ("python -c 'import reportlab.platypus' ", "base"),
            ("import handouts + write a 1-page sheet", "sheet"),
        ]:
            print(f"    {label} {w[key + '_wall']:7.1f}  {w[key + '_cpu']:7.1f} ms")
        print(
            f"    ratio                                  {ratio_wall:6.2f}x  {ratio_cpu:6.2f}x"
            f"   (budget 1.30x)  {'ok' if ratio_cpu <= 1.3 else 'OVER'}"
        )

        found = in_process(args.runs, env)
        first = found["first"]
        ok &= first["cpu"] <= 150
        print("\n(b) in process, models loaded, ReportLab not yet     wall      cpu")
        print(
            f"    first sheet (strategies, 6)           {first['ms']:7.1f}  {first['cpu']:7.1f} ms"
            f"   (budget 150)  {'ok' if first['cpu'] <= 150 else 'OVER'}"
        )
        print(f"    later sheets, median of {args.runs}:")
        for name, row in found["later"].items():
            budget = 10 + 6 * row["pages"]
            fits = row["cpu"] <= budget
            ok &= fits
            print(
                f"      {name:<28} {row['pages']:2d} p {row['ms']:7.1f}  {row['cpu']:7.1f} ms"
                f"   {row['cpu'] / row['pages']:4.1f} ms/page  budget {budget:3.0f}  "
                f"{'ok' if fits else 'OVER'}"
            )
        short, long_ = found["later"]["strategies (6)"], found["later"]["strategies (48)"]
        if long_["pages"] > short["pages"]:
            slope = (long_["cpu"] - short["cpu"]) / (long_["pages"] - short["pages"])
            print(f"    each extra page of strategies (cpu): {slope:.1f} ms")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("\nall within budget" if ok else "\nSOME OVER BUDGET")
    return exit_status(ok, args.quick)


if __name__ == "__main__":
    sys.exit(main())
