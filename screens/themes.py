"""The two looks: a calm default and a high-contrast one. Meaning never rests on colour alone."""

from textual.theme import Theme

CALM = Theme(
    name="voicesgroup-calm",
    primary="#7fa7a0",
    secondary="#a39bc4",
    accent="#d8b27a",
    warning="#e0b060",
    error="#e08080",
    success="#8fbf8f",
    foreground="#e6e3dc",
    background="#23272b",
    surface="#2b3035",
    panel="#343a40",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="voicesgroup-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    warning="#ffff00",
    error="#ff6060",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    dark=True,
)
