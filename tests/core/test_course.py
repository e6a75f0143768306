"""The organisation's own course file: read strictly, every problem one sentence naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicesgroup import facilitator_path as fp
from voicesgroup.course import CourseFileError

# -- the organisation's course file -----------------------------------------------------------


def course_with(tmp_path: Path, text: str | bytes) -> Path:
    own = tmp_path / "voicesgroup.json"
    blob = text.encode() if isinstance(text, str) else text
    (tmp_path / "training_modules.toml").write_bytes(blob)
    return own


ONE = '[[module]]\nkey = "one"\ntitle = "Our own day"\n'
BROKEN = {
    'optional = "false"': (ONE + 'optional = "false"\n', "optional = 'false'"),
    "a number for a title": ('[[module]]\nkey = "one"\ntitle = 3\n', "needs a title in quotes"),
    "a duplicate TOML key": (ONE + 'key = "two"\n', "is not valid TOML"),
    "two modules, one key": (ONE + ONE, "two modules with the key 'one'"),
    "too large": (ONE + "# " + "x" * 70_000 + "\n", "larger than 64 KB"),
    "a typo in a field": (ONE + "optinal = true\n", "'optinal' in module 1"),
    "modules as a table": ('[module]\nkey = "one"\ntitle = "x"\n', "not a [[module]] table"),
    "no modules": ("# nothing yet\n", "has no [[module]] entries"),
    "not UTF-8": (b'[[module]]\nkey = "\xff"\n', "not text in UTF-8"),
    "a control character": ('[[module]]\nkey = "one"\ntitle = "a\\u0007b"\n', "control character"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_course_file_is_one_sentence_naming_it(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    own = course_with(tmp_path, text)
    with pytest.raises(CourseFileError) as raised:
        fp.training_modules(own)
    message = str(raised.value)
    assert expected in message and str(tmp_path / "training_modules.toml") in message
    assert "\n" not in message and message.endswith("to use the shipped course.")


def test_optional_true_and_false_are_read_as_written(tmp_path: Path) -> None:
    own = course_with(
        tmp_path, ONE + "optional = false\n" + ONE.replace("one", "two") + "optional = true\n"
    )
    assert [m.optional for m in fp.training_modules(own)] == [False, True]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_no_course_file_ever_escapes_as_anything_but_the_sentence(
    tmp_path: Path, text: str | bytes
) -> None:
    own = course_with(tmp_path, text)
    try:
        fp.training_modules(own)
    except CourseFileError as error:
        assert "\n" not in str(error)
