"""Every refusal a person reads starts with fixed words and a capital, and is one line:
`errors.shown` is the one place a message becomes the words on the screen, and it changes the
case of nothing, so a name or a file someone typed is shown exactly as typed.

The class is checked two ways: every message the core raises (a `ValueError`, any of the app's
own errors, a date's reader's `error`), read from the source, must start with fixed words, never
with a value put into it (a new one is checked the day it is written); and whatever pydantic
says about any input to any model (hypothesis), and every refusal that names what someone typed,
shows the typed text as it was typed.
"""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import importlib
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
PLACEHOLDER = "\x00"
"""Stands in for a value put into a message (`{name}`): what someone typed, a path, a number."""


def _message(node: ast.expr) -> str | None:
    """The text of a literal message, a value put in it written as PLACEHOLDER (a constant
    named in capitals is fixed words, and stands as its name); None when the message is not
    written out where it is raised."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            elif isinstance(part.value, ast.Name) and part.value.id.isupper():
                parts.append(part.value.id)
            else:
                parts.append(PLACEHOLDER)
        return "".join(parts)
    return None


def _refusal(module: object, call: ast.Call) -> bool:
    """Whether `call` makes an error a person may read: a ValueError, one of the app's own
    errors, or the error a caller passed in (`error`, as the date readers take)."""
    chain: list[str] = []
    func: ast.expr = call.func
    while isinstance(func, ast.Attribute):
        chain.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return False
    chain.insert(0, func.id)
    found: Any = module if hasattr(module, chain[0]) else builtins
    for name in chain:
        found = getattr(found, name, None)
    if found is None:
        return func.id == "error"
    return inspect.isclass(found) and issubclass(found, ValueError | VoicesGroupError)


def _command_line(module: object, call: ast.Call) -> bool:
    """Whether `call` makes the command line's own error, printed after "voicesgroup: " the
    way argparse prints its own, in small letters: never shown through `errors.shown`."""
    return isinstance(call.func, ast.Name) and call.func.id == "CommandError"


def raised_messages() -> list[tuple[str, str]]:
    """Every refusal raised in the core with its words written where it is raised, and where."""
    found: list[tuple[str, str]] = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE.parent).with_suffix("").parts
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            if not _refusal(module, call):
                continue
            if call.args and (text := _message(call.args[0])) is not None:
                where = f"{path.relative_to(CORE)}:{node.lineno}"
                found.append((where + (COMMAND_LINE if _command_line(module, call) else ""), text))
        found += _built(path, tree)
    return found


BUILT = " (built)"


def _built(path: Path, tree: ast.Module) -> list[tuple[str, str]]:
    """What the message builders return (a function named `…_sentence` or `…_problem`: the
    one sentence for a damaged file, a missing consent, a folder that is not there), often
    read inside another sentence: none begins with a value either."""
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name.endswith(
            ("_sentence", "_problem")
        ):
            for node in ast.walk(function):
                text = _message(node.value) if isinstance(node, ast.Return) and node.value else None
                if text:
                    found.append((f"{path.relative_to(CORE)}:{node.lineno}{BUILT}", text))
    return found


COMMAND_LINE = " (command line)"
MESSAGES = raised_messages()


def test_the_scan_finds_the_models_and_the_apps_own_refusals() -> None:
    texts = {text for _, text in MESSAGES}
    assert "A name cannot be empty" in texts
    assert f"Already on the path: {PLACEHOLDER}." in texts  # a PathError
    assert any(text.startswith("What was typed, ") for text in texts)  # dates' `error`
    assert len(texts) > 80
    assert any(where.endswith(BUILT) for where, _ in MESSAGES)  # the message builders too


@pytest.mark.parametrize(("where", "text"), MESSAGES, ids=[where for where, _ in MESSAGES])
def test_every_refusal_raised_in_the_core_starts_with_fixed_words(where: str, text: str) -> None:
    assert not text.startswith(PLACEHOLDER), f"{where}: starts with a value: {text!r}"
    if where.endswith((COMMAND_LINE, BUILT)):
        return
    said = shown(ValueError(text))
    assert said[:1].isupper(), f"{where}: {said!r}"
    assert said == text


def test_shown_changes_the_case_of_nothing() -> None:
    assert shown("notes.pdf is open elsewhere.") == "notes.pdf is open elsewhere."
    assert shown(VoicesGroupError("Nothing was printed.")) == "Nothing was printed."
    assert shown("“Sol” is a member's name.") == "“Sol” is a member's name."
    assert shown("Value error, A name cannot be empty") == "A name cannot be empty"
    assert shown("bea is here") == "bea is here"


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


TYPED_NAMES = st.text(
    st.sampled_from("abcdeéıłøzABZ ßñ'[]/-.0123456789·ǅ"), min_size=1, max_size=20
).filter(lambda text: text.strip() and text.strip()[0].isalpha())
"""Names as people type them: small letters first, accents, brackets, digits, odd letters
whose capital is two letters ("ß") or a title case ("ǅ")."""


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=TYPED_NAMES)
def test_a_refusal_naming_what_was_typed_shows_it_exactly_as_typed(
    tmp_path_factory: pytest.TempPathFactory, typed: str
) -> None:
    from tests.helpers.records import add_member
    from voicesgroup import consent, dates
    from voicesgroup import facilitator_path as fp
    from voicesgroup.kinds import ConsentScope, PathStage
    from voicesgroup.models import Facilitator, Member
    from voicesgroup.rota.service import parse_weeks
    from voicesgroup.store import Store

    name = " ".join(typed.split())
    refusals: list[BaseException] = []

    def refused(action: Any) -> None:
        try:
            action()
        except (ValueError, VoicesGroupError) as error:
            refusals.append(error)
        else:
            raise AssertionError(f"{action} was not refused")

    member = Member(display_name=name)
    refused(lambda: consent.require_consent([], member, ConsentScope.PERSONAL_NOTES))
    refused(lambda: dates.read_day(name))
    refused(lambda: dates.read_time(name))
    refused(lambda: parse_weeks(name))
    with Store.open(tmp_path_factory.mktemp("typed") / "voicesgroup.json", seed=False) as store:
        person = Facilitator(display_name=name)
        store.save_facilitator(person)
        fp.begin(store, person, PathStage.INTERESTED, dt.date(2026, 1, 5))
        refused(lambda: fp.begin(store, person, PathStage.INTERESTED, dt.date(2026, 1, 5)))
        add_member(store, name)
        add_member(store, name)
        refused(lambda: store.find_member(name))
    for error in refusals:
        said = shown(error)
        assert said == str(error), said  # no case changed, nothing added
        assert said[:1].isupper() and said.split()[0] not in name.split(), said  # fixed words
        assert name in said or repr(name)[1:-1] in said, (name, said)


def _rota_rule_sentences() -> list[str]:
    """The sentence of each rota rule (`Break(kind, sentence)` in `rota/rules.py`), which a
    refused rota change shows after the session's place."""
    path = CORE / "rota" / "rules.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Break"):
            continue
        if len(node.args) > 1 and (text := _message(node.args[1])) is not None:
            found.append(text)
    return found


def test_the_rota_rules_sentences_start_with_fixed_words() -> None:
    sentences = _rota_rule_sentences()
    assert len(sentences) > 8
    assert [text for text in sentences if text.startswith(PLACEHOLDER)] == []
