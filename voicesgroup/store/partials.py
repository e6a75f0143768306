"""Notes of outputs being written: a note beside the data file names each output's partial
file before it gets any content, so a kill leaves nothing that the next opening for changes
cannot find and remove."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from voicesgroup.store.storage import write_atomically

PARTIAL_NOTE_SUFFIX = ".vg-writing"
PART_SUFFIX = ".part"
"""How the one output writer names a file while it is written."""


def note_partial(data_file: Path, partial: Path) -> Path:
    """A note beside the data file naming an output's partial file, written before the partial
    gets any content, so that a kill leaves nothing the next opening for changes cannot find
    and remove (`partials_noted`). The writer removes the note once the output is in place.
    OSError propagates."""
    import secrets

    note = data_file.with_name(
        f".{data_file.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL_NOTE_SUFFIX}"
    )
    write_atomically(note, os.fsencode(partial))
    return note


def partials_noted(data_file: Path) -> list[tuple[Path, Path | None]]:
    """Each note of an output being written (or interrupted) and the partial file it names,
    when that still exists and is one the output writer made (a hidden `.part` file)."""
    found: list[tuple[Path, Path | None]] = []
    pattern = f".{glob.escape(data_file.name)}.*{PARTIAL_NOTE_SUFFIX}"
    for note in sorted(data_file.parent.glob(pattern)):
        try:
            partial: Path | None = Path(os.fsdecode(note.read_bytes()))
        except OSError:
            partial = None
        if partial is not None and not (
            partial.name.startswith(".")
            and partial.name.endswith(PART_SUFFIX)
            and partial.is_file()
            and not partial.is_symlink()
        ):
            partial = None
        found.append((note, partial))
    return found
