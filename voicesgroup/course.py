"""The course a new facilitator attends: the shipped modules, or the organisation's own file.

An organisation may put its own `training_modules.toml` beside the data file. Whoever edits it
may mistype it, so it is read strictly: a file that is too large, does not parse, repeats a key,
has a field of the wrong type (`optional = "false"` is text, not a yes or no) or a field nobody
reads gives one sentence naming the file and what to fix, never a crash and never a guess.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicesgroup.errors import VoicesGroupError
from voicesgroup.paths import data_dir
from voicesgroup.store.owned import MODULES_FILE, course_file

MAX_BYTES = 64 * 1024
MAX_MODULES = 100
MAX_KEY = 60
MAX_TITLE = 200
_FIELDS = {"key", "title", "optional"}


class CourseFileError(VoicesGroupError):
    """The course file cannot be used as it is; the sentence names it and says what to fix."""


@dataclass(frozen=True)
class TrainingModule:
    key: str
    title: str
    optional: bool = False


def modules_file(store_path: Path | None) -> Path:
    """The organisation's own course beside the data file when there is one, else the shipped."""
    if store_path is not None:
        own = course_file(store_path)
        if own.is_file():
            return own
    return data_dir() / MODULES_FILE


def training_modules(store_path: Path | None = None) -> tuple[TrainingModule, ...]:
    """The course modules, in order (see data/training_modules.toml); CourseFileError if the
    file cannot be used."""
    path = modules_file(store_path)
    try:
        return read_course(path)
    except _Problem as problem:
        raise CourseFileError(
            f"The course file {path} {problem}. Nothing was changed: fix it, or move it "
            "away to use the shipped course."
        ) from None


class _Problem(Exception):
    """What is wrong, worded to follow "The course file PATH"."""


def read_course(path: Path) -> tuple[TrainingModule, ...]:
    """The modules in the file at `path`, checked; `_Problem` says what is wrong."""
    try:
        with path.open("rb") as file:
            blob = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise _Problem(f"cannot be read ({error.strerror or error})") from None
    if len(blob) > MAX_BYTES:
        raise _Problem(f"is larger than {MAX_BYTES // 1024} KB; a course is a short list")
    try:
        raw = tomllib.loads(blob.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Problem("is not text in UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise _Problem(f"is not valid TOML ({_one_line(str(error))})") from None
    unknown = sorted(set(raw) - {"module"})
    if unknown:
        raise _Problem(f"has {_listed(unknown)}, which is not read; each module is a [[module]]")
    items = raw.get("module", [])
    if not isinstance(items, list):
        raise _Problem("has a module that is not a [[module]] table (two brackets each side)")
    if not items:
        raise _Problem("has no [[module]] entries")
    if len(items) > MAX_MODULES:
        raise _Problem(f"has {len(items)} modules; at most {MAX_MODULES} are read")
    found = tuple(_module(number, item) for number, item in enumerate(items, start=1))
    seen: set[str] = set()
    for module in found:
        if module.key in seen:
            raise _Problem(f"has two modules with the key {module.key!r}; each needs its own")
        seen.add(module.key)
    return found


def _module(number: int, item: Any) -> TrainingModule:
    where = f"module {number}"
    if not isinstance(item, dict):
        raise _Problem(f"has a {where} that is not a [[module]] table")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise _Problem(f"has {_listed(unknown)} in {where}; a module has key, title and optional")
    key = _text(item, "key", where, MAX_KEY)
    title = _text(item, "title", f"{where} ({key!r})", MAX_TITLE)
    optional = item.get("optional", False)
    if not isinstance(optional, bool):
        raise _Problem(
            f"gives optional = {_shown(optional)} in {where} ({key!r}); write true or false "
            "without quotes"
        )
    return TrainingModule(key, title, optional)


def _text(item: dict[str, Any], field: str, where: str, longest: int) -> str:
    value = item.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _Problem(f"needs a {field} in quotes in {where}")
    if len(value) > longest:
        raise _Problem(f"has a {field} longer than {longest} characters in {where}")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in value):
        raise _Problem(f"has a control character in the {field} of {where}")
    return value.strip()


def _listed(names: list[str]) -> str:
    return ", ".join(repr(name)[:40] for name in names[:3])


def _shown(value: Any) -> str:
    return repr(value)[:40]


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
