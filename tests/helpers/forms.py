"""Reading a form as a person does: the sentences it shows about what was typed."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static

MESSAGES = ".form-problem, .form-message, .field-message, .note-problem"
"""Where forms say what stops them: the form base's lines, a field's, a note's."""


def problem_lines(app: App[Any]) -> list[str]:
    """Each sentence the open form shows beside a field, in its message line or above its
    buttons (only those on screen), with its '! '."""
    return [
        str(line.render())
        for line in app.screen.query(MESSAGES).results(Static)
        if line.display and str(line.render()).startswith("!")
    ]


def problems_shown(app: App[Any]) -> str:
    """Every sentence the open form shows about what was typed, one after another."""
    return "\n".join(problem_lines(app))


def assert_no_max_length(screen: Screen[Any]) -> None:
    """Textual drops a paste longer than an Input's `max_length` whole and silently: no field
    has one; each limit is the model's, said on saving with everything kept."""
    limited = [f"#{field.id}" for field in screen.query(Input) if field.max_length]
    assert not limited, f"{type(screen).__name__}: max_length on {limited}"


PYDANTICS_WORDS = ("Input should", "String should", "Value error", "validation error", "type=")
"""What pydantic says in its own report; none of it is ever shown to a person."""


def in_pydantics_words(text: str) -> bool:
    """Whether `text` holds any of pydantic's own phrases (`PYDANTICS_WORDS`)."""
    return any(phrase.lower() in text.lower() for phrase in PYDANTICS_WORDS)
