"""Every refusal a person reads starts with a capital and is one line: `errors.shown` is the one
place a message becomes the words on the screen, whatever raised it.

The models word their refusals to be read inside a sentence ("a name cannot be empty"), so the
class is checked two ways: every message a validator in the core raises, read from the source
(a new one is checked the day it is written), and whatever pydantic says about any input to
any model (hypothesis).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import voicesgroup
from voicesgroup import models
from voicesgroup.errors import VoicesGroupError, shown

CORE = Path(voicesgroup.__file__).parent
PLACEHOLDER = "x"
"""Stands in for a value put into a message (`{kind!r}`): its first letter is not known."""


def _message(node: ast.expr) -> str | None:
    """The text of a literal message, a value put in it written as PLACEHOLDER; None when the
    message is not written out where it is raised."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [
            part.value if isinstance(part, ast.Constant) else PLACEHOLDER for part in node.values
        ]
        return "".join(str(part) for part in parts)
    return None


def raised_value_errors() -> list[tuple[str, str]]:
    """Every `raise ValueError("…")` in the core, with where it is: what a model's validator
    raises, and what a form shows when a check of what was typed fails."""
    found: list[tuple[str, str]] = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            if not (isinstance(call.func, ast.Name) and call.func.id == "ValueError"):
                continue
            if call.args and (text := _message(call.args[0])) is not None:
                found.append((f"{path.relative_to(CORE)}:{node.lineno}", text))
    return found


def test_the_scan_finds_the_models_own_refusals() -> None:
    texts = {text for _, text in raised_value_errors()}
    assert "a name cannot be empty" in texts
    assert len(texts) > 20


@pytest.mark.parametrize(
    ("where", "text"), raised_value_errors(), ids=[where for where, _ in raised_value_errors()]
)
def test_every_message_raised_in_the_core_is_shown_with_a_capital(where: str, text: str) -> None:
    said = shown(ValueError(text))
    first_word = said.split(maxsplit=1)[0]
    if first_word.startswith(PLACEHOLDER) or any(char in first_word for char in "._/"):
        return  # it starts with a value, a file or a name in the code: shown as it is
    assert not said[:1].islower(), f"{where}: {said!r}"
    assert said.removeprefix("Value error, ") == said


def test_shown_leaves_a_file_name_or_a_sentence_as_it_is() -> None:
    assert shown("notes.pdf is open elsewhere.") == "notes.pdf is open elsewhere."
    assert shown(VoicesGroupError("Nothing was printed.")) == "Nothing was printed."
    assert shown("“Sol” is a member's name.") == "“Sol” is a member's name."
    assert shown("Value error, a name cannot be empty") == "A name cannot be empty"


def _model_classes() -> list[type[BaseModel]]:
    return [
        value
        for value in vars(models).values()
        if inspect.isclass(value)
        and issubclass(value, BaseModel)
        and value.__module__ == models.__name__
        and value.model_fields
    ]


MODELS = _model_classes()

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=30),
    st.text(alphabet="ab \x07\n", min_size=55, max_size=80),
    st.sampled_from(["", " ", "2026-13-40", "not-a-uuid", "x" * 3000]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model=st.sampled_from(MODELS),
    data=st.data(),
)
def test_any_refusal_by_any_model_is_one_line_with_a_capital(
    model: type[BaseModel], data: st.DataObject
) -> None:
    fields = list(model.model_fields)
    given_fields: dict[str, Any] = data.draw(
        st.dictionaries(st.sampled_from(fields), VALUES, max_size=len(fields))
    )
    try:
        model.model_validate(given_fields)
    except ValidationError as error:
        said = shown(error)
    else:
        return
    assert "\n" not in said, said
    assert said[:1].isupper(), said
    assert "Value error" not in said, said
