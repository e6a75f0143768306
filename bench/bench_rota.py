"""How long the rota generator takes on a large realistic input (a script, not a test).

52 weeks, 3 weekly groups (two on the same day, one with the women facilitator rule), so 156
sessions; 12 facilitators with two trainees, monthly limits, unavailable weekdays, dates off.

Prints the median time of `generate()` against the 200 ms budget, and as a ratio to a floor
measured in the same run: `sessions_for` plus a trivial round-robin that builds the same
number of `RotaAssignment` records without looking at any rule.

Run from the repository root:  .venv/bin/python bench/bench_rota.py [runs] [--quick]
Exits 1 when the budget is missed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicesgroup.models import (
    DateRange,
    Facilitator,
    Group,
    MeetingPattern,
    RotaAssignment,
    TrainingStatus,
    Variant,
)
from voicesgroup.rota import generate, sessions_for

BUDGET_MS = 200.0
START = dt.date(2025, 1, 6)
WEEKS = 52


def _id(n: int) -> UUID:
    return UUID(int=n)


def build() -> tuple[list[Group], list[Facilitator]]:
    groups = [
        Group(
            id=_id(1),
            name="Tuesday voices",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=1),
        ),
        Group(
            id=_id(2),
            name="Thursday beliefs",
            variant=Variant.PARANOIA_BELIEFS,
            pattern=MeetingPattern(weekday=3),
        ),
        Group(
            id=_id(3),
            name="Women's voices",
            variant=Variant.HEARING_VOICES,
            pattern=MeetingPattern(weekday=1, start=dt.time(14, 0)),
            women_facilitator_rule=True,
        ),
    ]
    people = [
        ("Ana", TrainingStatus.EXPERIENCED, True, [], [], None),
        ("Ben", TrainingStatus.EXPERIENCED, False, [], [(3, 10, 3, 23)], None),
        ("Cal", TrainingStatus.TRAINED, False, [3], [], 3),
        ("Dee", TrainingStatus.TRAINED, True, [], [(7, 28, 8, 15)], None),
        ("Eve", TrainingStatus.EXPERIENCED, True, [], [(12, 22, 12, 31)], None),
        ("Fay", TrainingStatus.TRAINED, True, [], [], 2),
        ("Gus", TrainingStatus.IN_TRAINING, False, [], [(5, 1, 5, 10)], None),
        ("Hal", TrainingStatus.TRAINED, False, [], [], None),
        ("Ivy", TrainingStatus.EXPERIENCED, True, [1], [], None),
        ("Jon", TrainingStatus.TRAINED, None, [], [(9, 1, 9, 14), (11, 3, 11, 7)], 4),
        ("Kit", TrainingStatus.IN_TRAINING, True, [], [], 3),
        ("Lou", TrainingStatus.TRAINED, False, [], [(2, 14, 2, 20)], None),
    ]
    facilitators = [
        Facilitator(
            id=_id(100 + k),
            display_name=name,
            training=training,
            is_woman=woman,
            unavailable_weekdays=weekdays,
            dates_off=[
                DateRange(start=dt.date(2025, m1, d1), end=dt.date(2025, m2, d2))
                for m1, d1, m2, d2 in offs
            ],
            max_per_month=limit,
        )
        for k, (name, training, woman, weekdays, offs, limit) in enumerate(people)
    ]
    return groups, facilitators


def floor(groups: list[Group], facilitators: list[Facilitator]) -> list[RotaAssignment]:
    """The least any generator must do: list the sessions and write one record each."""
    planned = sessions_for(groups, START, WEEKS)
    n = len(facilitators)
    return [
        RotaAssignment(
            group_id=session.group_id,
            date=session.date,
            lead_id=facilitators[(2 * k) % n].id,
            co_id=facilitators[(2 * k + 1) % n].id,
            reason="round robin",
        )
        for k, session in enumerate(planned)
    ]


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> int:
    quick = "--quick" in sys.argv[1:]  # one run: proves it runs, the budget is not judged
    args = [arg for arg in sys.argv[1:] if arg != "--quick"]
    repeats = 1 if quick else int(args[0]) if args else 9
    groups, facilitators = build()
    result = generate(groups, facilitators, START, WEEKS)  # warm up, and report its quality
    generate_ms = median_ms(lambda: generate(groups, facilitators, START, WEEKS), repeats)
    floor_ms = median_ms(lambda: floor(groups, facilitators), repeats)
    sessions = len(result.assignments)
    print(
        f"input: {WEEKS} weeks, {len(groups)} groups, {len(facilitators)} facilitators, "
        f"{sessions} sessions"
    )
    print(f"result: spread {result.spread}, {len(result.open_sessions)} open sessions")
    verdict = "within" if generate_ms <= BUDGET_MS else "OVER"
    print(
        f"generate(): median {generate_ms:.1f} ms over {repeats} runs "
        f"({verdict} the {BUDGET_MS:.0f} ms budget, {generate_ms / BUDGET_MS:.0%} of it)"
    )
    print(f"floor (sessions_for + round-robin records): median {floor_ms:.1f} ms")
    print(f"ratio generate / floor: {generate_ms / floor_ms:.1f}x")
    if quick:
        print("quick run: it runs; the budget is not judged")
        return 0
    return 0 if generate_ms <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
