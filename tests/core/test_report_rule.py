"""The one rule a count of people is published by, checked as the README states it (rounded
to the nearest threshold, halves up; below twice the threshold less a half, "fewer than";
0 only where no session was held), for any count and any threshold the settings allow."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from voicesgroup.models import Settings
from voicesgroup.protection import (
    DEFAULT_THRESHOLD,
    MEASURES,
    MIN_THRESHOLD,
    ThresholdError,
    check_threshold,
    hidden_words,
    protect,
    rule_in_words,
)

counts = st.integers(min_value=0, max_value=100_000)
thresholds = st.integers(min_value=3, max_value=50)


@given(counts, thresholds, st.booleans())
def test_a_published_count_tells_a_reader_only_its_bucket(value: int, threshold: int, zero: bool):
    cell = protect(value, threshold, zero_shown=zero)
    hidden_below = 2 * threshold - threshold // 2
    if cell.value is None:
        assert value < hidden_below and (value > 0 or not zero)
        assert cell.text == f"fewer than {hidden_below}"
    elif cell.value == 0:
        assert value == 0 and zero
    else:
        assert cell.value % threshold == 0 and cell.value >= 2 * threshold
        assert cell.value - threshold // 2 <= value <= cell.value + (threshold - 1) // 2
        assert cell.text == f"{cell.value:,}"


@given(counts, thresholds)
def test_the_same_count_is_published_the_same_way(value: int, threshold: int) -> None:
    assert protect(value, threshold) == protect(value, threshold)


@given(st.lists(counts, min_size=2, max_size=6), thresholds)
def test_no_count_below_the_threshold_is_ever_a_number(values: list[int], threshold: int):
    for value in values:
        cell = protect(value, threshold, zero_shown=False)
        assert cell.value is None or cell.value >= 2 * threshold


def test_every_measure_has_one_label_and_the_counts_of_people_are_marked() -> None:
    labels = [m.label for m in MEASURES.values()]
    assert len(labels) == len(set(labels))
    people = {key for key, m in MEASURES.items() if m.people}
    assert {"attendance", "newcomers", "named_members_who_came", "theme_noted"} <= people
    assert not {"held", "planned", "volunteer_hours"} & people


@given(st.integers(min_value=-5, max_value=80))
def test_the_setting_and_the_rule_take_the_same_numbers_and_say_the_same_words(threshold: int):
    """One number from one home: what Settings accept is what the rule accepts, and the words
    shown beside the setting are those a report prints, true of what `protect` does."""
    try:
        Settings(report_smallest_count=threshold)
    except ValidationError:
        if threshold < 50:  # the setting's own upper bound aside, the rule refuses it too
            with pytest.raises(ThresholdError):
                check_threshold(threshold)
        return
    check_threshold(threshold)
    words = hidden_words(threshold)
    assert words in rule_in_words(threshold)
    smallest_number = next(v for v in range(1, 200) if protect(v, threshold).value is not None)
    assert f"from 0 to {smallest_number - 1} is shown as “fewer than {smallest_number}”" in words
    assert protect(smallest_number - 1, threshold).text == f"fewer than {smallest_number}"
    assert f"nearest {threshold}," in words


def test_a_report_uses_the_setting_s_own_default_and_least_value() -> None:
    assert Settings().report_smallest_count == DEFAULT_THRESHOLD
    Settings(report_smallest_count=MIN_THRESHOLD)
    with pytest.raises(ValidationError):
        Settings(report_smallest_count=MIN_THRESHOLD - 1)
