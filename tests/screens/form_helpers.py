"""Reading a form as a person does: the sentences it shows about what was typed."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from screens.widgets.form import Field


def problems_shown(app: App[object]) -> str:
    """Every sentence the open form shows beside a field or above its buttons."""
    screen = app.screen
    lines = [str(line.render()) for line in screen.query(".form-problem").results(Static)]
    for field in screen.query(Field):
        lines.append(str(field.query_one(".field-message", Static).render()))
    return "\n".join(line for line in lines if line)
