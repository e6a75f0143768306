"""Reading a form as a person does: the sentences it shows about what was typed."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Static

MESSAGES = ".form-problem, .form-message, .field-message, .note-problem"
"""Where forms say what stops them: the form base's lines, a field's, a note's."""


def problems_shown(app: App[Any]) -> str:
    """Every sentence the open form shows beside a field, in its message line or above its
    buttons (only those on screen)."""
    lines = [
        str(line.render())
        for line in app.screen.query(MESSAGES).results(Static)
        if line.display and str(line.render()).startswith("!")
    ]
    return "\n".join(lines)
