"""The non-interactive subcommands, one module per area; each module has `register(commands)`."""
