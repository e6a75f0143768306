"""Modal dialogs: each one asks one thing and closes with Escape."""
