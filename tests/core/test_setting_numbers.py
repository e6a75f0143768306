"""Every number setting reads what was written, or refuses it in one sentence of our own.

Whatever is written — nothing, 0, a negative, a huge number, words, a decimal, other scripts'
digits, superscripts, invisible characters — the answer is a number the model keeps or our one
sentence for that setting, which names its unit and the model's own bounds: never pydantic's or
Python's words, never another exception.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voicesgroup import setting_numbers
from voicesgroup.models import Settings
from voicesgroup.setting_numbers import SettingRefused, bounds, read, refusal

NAMES = sorted(setting_numbers.UNITS)
WRITTEN = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-5, max_value=700).map(str),
    st.sampled_from(
        ["0", "-1", "+5", " 7 ", "1.5", "1_0", "1e3", "٣", "５", "１２", "³", "½", "Ⅻ", "9" * 5000]
    ),
)


def test_every_number_setting_has_bounds_on_the_model() -> None:
    numbers = {name for name, field in Settings.model_fields.items() if field.annotation is int}
    assert numbers == set(setting_numbers.UNITS)
    for name in numbers:
        low, high = bounds(name)
        assert low <= Settings.model_fields[name].default <= high


@given(name=st.sampled_from(NAMES), written=WRITTEN)
def test_what_is_written_is_kept_as_the_model_keeps_it_or_refused_in_our_sentence(
    name: str, written: str
) -> None:
    try:
        value = read(name, written)
    except SettingRefused as refused:
        assert str(refused) == refusal(name) and refused.field_name == name
        low, high = bounds(name)
        assert f"from {low} to {high}" in str(refused)
        assert "Input should" not in str(refused) and "int()" not in str(refused)
        return
    assert written.strip().isdecimal()
    assert value == int(written.strip())
    Settings(**{name: value})  # the model keeps it


@pytest.mark.parametrize("name", NAMES)
def test_the_edges(name: str) -> None:
    low, high = bounds(name)
    assert read(name, str(low)) == low and read(name, f" {high} ") == high
    for written in (str(low - 1), str(high + 1), "-1", "", "  ", "ten", "9" * 5000):
        with pytest.raises(SettingRefused):
            read(name, written)


def test_other_scripts_digits_are_the_same_number() -> None:
    assert read("idle_lock_minutes", "٣") == 3
    assert read("idle_lock_minutes", "１２") == 12
    with pytest.raises(SettingRefused, match="from 1 to 240"):
        read("idle_lock_minutes", "³")  # a superscript is no digit to write a number with
