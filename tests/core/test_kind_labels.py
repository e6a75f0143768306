"""Every choice shown to people has its words, given once through `kinds.labels`."""

from __future__ import annotations

import pytest

from voicesgroup import kinds


def test_every_labelled_choice_has_words() -> None:
    labelled = kinds.Labelled.__subclasses__()
    assert kinds.Variant in labelled and kinds.PathStage in labelled
    for kind in labelled:
        for choice in kind:
            assert choice.label.strip(), f"{kind.__name__}.{choice.name} has no words"


def test_a_kind_with_a_choice_left_without_words_is_refused() -> None:
    class Weather(kinds.Labelled):
        SUN = "sun"
        RAIN = "rain"

    with pytest.raises(ValueError, match="Every choice of Weather needs its words"):
        kinds.labels(Weather, {Weather.SUN: "sun"})
    with pytest.raises(ValueError, match="needs its words"):
        kinds.labels(Weather, {Weather.SUN: "sun", Weather.RAIN: ""})
    words = kinds.labels(Weather, {Weather.SUN: "sunny", Weather.RAIN: "rainy"})
    assert [choice.label for choice in Weather] == list(words.values()) == ["sunny", "rainy"]
