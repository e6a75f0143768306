"""Where things live: the user's data file, and the files shipped in `data/`."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "VOICESGROUP_DB"
DB_FILENAME = "voicesgroup.json"

_PACKAGE = Path(__file__).resolve().parent


def default_db_path() -> Path:
    """The data file in the platform's user data folder."""
    import platformdirs  # only needed when no file was named (it is slow to import)

    return platformdirs.user_data_path("voicesgroup", appauthor=False) / DB_FILENAME


def resolve_db_path(given: str | os.PathLike[str] | None = None) -> Path:
    """`--db PATH` wins, then $VOICESGROUP_DB, then the platform's data folder."""
    chosen = given or os.environ.get(DB_ENV) or default_db_path()
    return Path(chosen).expanduser().resolve()


def data_dir() -> Path:
    """The shipped `data/` folder: inside the installed package, or beside it in a checkout."""
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError(
        "The shipped data folder is missing; reinstall voicesgroup to bring it back."
    )
