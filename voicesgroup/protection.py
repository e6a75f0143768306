"""How the evaluation publishes a count of people: the one rule, and the one table of measures.

The rule is suppress-and-round, as NHS England publishes small numbers (and HESA rounds):

- N is the threshold (5 unless changed); every count that would round to N or less (0 to 7
  for 5, see `shown_from`) is shown as "fewer than 8", as NHS England hides 1 to 7; 0 is shown
  as 0 only where no session was held, so a reader knows it anyway;
- anything else is rounded to the nearest multiple of N (halves up).

Why this and not hiding more cells until each table is safe ("secondary suppression"): a
published figure here depends on nothing but its own true value. The same people at the same
group in the same month give the same figure in every report the app can make — all groups or
one, a month, a quarter, a year, periods a day apart, beside the year before — so no figure
is hidden in one report and printed in another, which hiding cells table by table cannot
promise. Rounding to a
multiple of N keeps differences and totals too vague to give a small count back: each shown
figure stands for N possible values, and "fewer than 8" for eight. That this holds for the
relations a reader can write is not argued here but tested: `tests/core/test_report_audit.py`
bounds every small count of a grid of reports with an integer program. The ONS cell
key method holds across reports too, but it adds noise that nobody can explain to a trustee in
a sentence, and it needs a key on every record; these counts come from head counts.

The price: each figure is rounded on its own, so a total can differ a little from the sum of
the rounded figures above it, and the report says so on its face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voicesgroup.errors import VoicesGroupError
from voicesgroup.models import Settings

_SETTING = Settings.model_fields["report_smallest_count"]
"""The organisation's setting is the threshold: its default and its least value are the
setting's own (`models.Settings`), read here, so a report and the Settings screen can never
use two numbers."""
MIN_THRESHOLD: int = next(rule.ge for rule in _SETTING.metadata if hasattr(rule, "ge"))
"""Below this, suppression would protect nobody; the setting refuses anything lower."""
MAX_THRESHOLD: int = next(rule.le for rule in _SETTING.metadata if hasattr(rule, "le"))
"""The largest the setting takes."""
DEFAULT_THRESHOLD: int = _SETTING.default

Why = Literal["", "small", "elsewhere"]
"""Why a count is not shown as a number: "small" (below the threshold), "elsewhere" (counted
from members' records, which the laptop that made the report does not hold)."""
COUNTED_ELSEWHERE = "counted on each group's own laptop"
"""What a report says, in every form, for a measure counted from members' records when it is
made on a laptop that holds none (the coordinator's)."""


class ThresholdError(VoicesGroupError, ValueError):
    """A threshold too low to protect anyone."""


def check_threshold(threshold: int) -> int:
    """`threshold`, or `ThresholdError` when it is below `MIN_THRESHOLD`."""
    if threshold < MIN_THRESHOLD:
        raise ThresholdError(
            f"Counts in reports are rounded to the nearest {MIN_THRESHOLD} or more, "
            f"not {threshold}."
        )
    return threshold


@dataclass(frozen=True)
class Cell:
    """A published count of people: the rounded number, or "fewer than N"."""

    value: int | None
    why: Why = ""
    threshold: int = DEFAULT_THRESHOLD

    @property
    def shown(self) -> bool:
        return self.value is not None

    @property
    def text(self) -> str:
        if self.why == "small":
            return f"fewer than {shown_from(self.threshold)}"
        if self.why == "elsewhere":
            return COUNTED_ELSEWHERE
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.text


def counted_elsewhere(threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """The cell of a measure from members' records on a laptop that holds none."""
    return Cell(None, "elsewhere", threshold)


def protect(value: int, threshold: int = DEFAULT_THRESHOLD, *, zero_shown: bool = True) -> Cell:
    """The one rule (see the module's docstring): 0 to threshold-1 is "fewer than threshold",
    anything else is rounded to the nearest multiple of threshold, halves up.

    Zero is shown as 0 only with `zero_shown`: where it reveals nothing, because no session was
    held in that stretch of days and a reader knows nobody came. Elsewhere a 0 printed beside
    "fewer than 5" would tell a reader that each "fewer than 5" is at least 1, and a column of
    them under a small total would pin each one."""
    check_threshold(threshold)
    if value <= 0 and zero_shown:
        return Cell(0, "", threshold)
    if value < shown_from(threshold):
        return Cell(None, "small", threshold)
    return Cell((value + threshold // 2) // threshold * threshold, "", threshold)


def shown_from(threshold: int) -> int:
    """The smallest count shown as a number: the first that rounds to twice the threshold (8
    for 5). A count that would round to the threshold itself (5 to 7) is hidden too, as NHS
    England hides 1 to 7: a "5" that could be 3 would invite a reader to subtract."""
    return 2 * threshold - threshold // 2


def hidden_words(threshold: int) -> str:
    """What `threshold` does to a count, in the words every place that shows it uses:
    'rounded to the nearest 5, and a count from 0 to 7 is shown as “fewer than 8”'."""
    hidden = shown_from(check_threshold(threshold))
    return (
        f"rounded to the nearest {threshold}, and a count from 0 to {hidden - 1} is shown as "
        f"“fewer than {hidden}”"
    )


def rule_in_words(threshold: int) -> str:
    """What the protection does, in words a trustee reads on the report's face."""
    return (
        f"To keep everyone anonymous, every count of people is {hidden_words(threshold)} (0 "
        f"only where no session was held). Each figure is rounded on its own, so a total can "
        f"differ a little from the sum of the figures above it. A figure is shown the same "
        f"way in every report."
    )


# -- the one table of measures ----------------------------------------------------------------

Scope = Literal["month", "group", "item", "facilitator", "period"]
"""Where a measure is counted: per group and month (and so over the whole period too), per
group over the whole period, per theme or strategy, per facilitator, or once for the period."""


@dataclass(frozen=True)
class Measure:
    """A figure the report publishes: its key in the CSV, the label a trustee reads, its unit,
    whether it counts people (and so is protected by `protect`), and where it is counted.

    Every form of the report (PDF, CSV, plain text, web page, the Reports screen) lists the
    measures of a scope from this table, in its order, so a measure added here is shown in
    each. `short` heads a table's column (the label when empty); `attribute` names the field
    of a group's or facilitator's published row that holds a "group" or "facilitator" figure
    (the key when empty). A "month" measure is found by its key in the row's tables."""

    key: str
    label: str
    unit: str
    people: bool
    scope: Scope = "month"
    short: str = ""
    attribute: str = ""
    from_members: bool = False
    """Counted from members' own records, which only a group's laptops hold: a report made on
    a laptop that holds none says where it is counted (`counted_elsewhere`), never 0."""

    @property
    def heading(self) -> str:
        """The words above the measure's column in a table."""
        return self.short or self.label

    @property
    def field(self) -> str:
        return self.attribute or self.key


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("planned", "Sessions planned", "sessions", False, short="Planned"),
        Measure("held", "Sessions held", "sessions", False, short="Held"),
        Measure("not_held", "Planned, not held", "sessions", False, short="Not held"),
        Measure(
            "attendance", "Visits (each person at each session)", "visits", True, short="Visits"
        ),
        Measure(
            "visits_per_session", "Visits per session, about", "visits", False, "group", "",
            "average",
        ),
        Measure("newcomers", "Newcomers", "people", True),
        Measure(
            "named_members_who_came", "Members who agreed to be named and came", "people", True,
            "group", "", "named_came", from_members=True,
        ),
        Measure(
            "named_members_who_came_more_than_once", "… of whom came more than once", "people",
            True, "group", "", "named_returned", from_members=True,
        ),
        Measure(
            "themes_not_shown", "Themes left out (they hold a member's name)", "notes", True,
            "item",
        ),
        Measure("theme_noted", "Times a theme was noted", "notes", True, "item"),
        Measure("sessions_led", "Sessions led", "sessions", False, "facilitator", "Led", "led"),
        Measure(
            "sessions_co_facilitated", "Sessions co-facilitated", "sessions", False,
            "facilitator", "Co-facilitated", "co_facilitated",
        ),
        Measure(
            "sessions_shadowing", "Sessions shadowing", "sessions", False, "facilitator",
            "Shadowing", "shadowing",
        ),
        Measure(
            "volunteer_hours", "Volunteer hours", "hours", False, "facilitator", "Hours", "hours"
        ),
        Measure(
            "supervision_meetings_attended", "Supervision meetings attended", "meetings", False,
            "facilitator", "Supervision attended", "supervised",
        ),
        Measure("supervision_meetings", "Supervision meetings held", "meetings", False, "period"),
        Measure("strategy_marked_helped", "Times marked as having helped", "marks", True, "item"),
        Measure(
            "strategies_not_shown", "Strategies left out (they hold a member's name)", "notes",
            True, "item",
        ),
    )
}  # fmt: skip
"""Every measure, once: the PDF, the CSV, the plain text, the web page and the Reports screen
take their labels, and which measures they show, from here."""


def label(key: str) -> str:
    """The label a trustee reads for the measure `key`."""
    return MEASURES[key].label


def measures(*scopes: Scope, people: bool | None = None) -> list[Measure]:
    """The measures counted in `scopes`, in the table's order (only counts of people, or
    only the others, with `people`). Read when called, so the table is the one list."""
    return [
        m for m in MEASURES.values() if m.scope in scopes and (people is None or m.people == people)
    ]
