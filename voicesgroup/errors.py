"""Exceptions a person may see; `str(error)` is one clear sentence, fit for a message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicesgroup.models import SupportContact
    from voicesgroup.names import NameMatch


class VoicesGroupError(Exception):
    """Base of every error the UI and CLI turn into a message rather than a traceback."""

    def __rich__(self) -> str:
        """What Textual shows, instead of a traceback, if one ever escapes a screen."""
        # Rich reads a returned string as markup; a path or a name with "[" stays text.
        return "voicesgroup: " + str(self).replace("[", "\\[")


class ConsentMissing(VoicesGroupError):
    """Refused: the member has not given current consent for this kind of record."""


class NotFound(VoicesGroupError):
    """A name or id that matches nothing stored."""


class Ambiguous(VoicesGroupError):
    """A name that matches more than one record; the choices travel with it."""

    def __init__(self, message: str, choices: list[Any]) -> None:
        super().__init__(message)
        self.choices = choices


class StoreError(VoicesGroupError):
    """The data file cannot be opened, locked or saved."""


class DamagedFile(StoreError):
    """The data file is not a readable voicesgroup file; it is left untouched."""


class NewerVersion(StoreError):
    """The data file was written by a newer voicesgroup; it is left untouched."""


class Locked(StoreError):
    """Another voicesgroup already has this data file open."""


class ChangedOnDisk(StoreError):
    """The file changed under us since it was loaded; we refuse to overwrite it."""


class ChangedMeanwhile(StoreError):
    """A change made on a copy of the data could not be applied: the data changed since."""


class ReadOnlyFile(StoreError):
    """The data file's permissions forbid changes; it was opened to read only."""


class SaveFailed(StoreError):
    """A save did not reach the disk; the change is still in memory, marked unsaved."""


class PassphraseNeeded(StoreError):
    """The data file is encrypted; a passphrase (or the recovery key) is needed to open it."""


class WrongPassphrase(StoreError):
    """The passphrase or recovery key given does not open the file; nothing was written."""


class NameToConfirm(VoicesGroupError):
    """A printout holds a word that may be a member's name ("may", "Hope"): ask a person.

    `matches` holds `(text, NameMatch)` pairs: the text the word stands in, and the match.
    A person may answer that each is the word, not the member (`printing.remember_words`).
    Nothing was written.
    """

    def __init__(self, message: str, matches: list[tuple[str, NameMatch]]) -> None:
        super().__init__(message)
        self.matches = matches


class CannotPrintCharacters(VoicesGroupError):
    """A PDF would carry characters that no font here can draw as typed (an emoji, letters
    that would print unjoined or out of place): nothing was written.

    `characters` holds each such character once, in the order found. A person may say to
    print without them (`PrintRequest.leave_out`); nothing else is changed.
    """

    def __init__(self, message: str, characters: tuple[str, ...]) -> None:
        super().__init__(message)
        self.characters = characters

    @staticmethod
    def naming(characters: tuple[str, ...]) -> str:
        """ "this symbol", "these 3 symbols", or "characters" when a letter is among them."""
        import unicodedata

        letters = any(unicodedata.category(ch)[0] in "LM" for ch in characters)
        what = "character" if letters else "symbol"
        count = len(characters)
        return f"this {what}" if count == 1 else f"these {count} {what}s"


class NameInHandout(NameToConfirm):
    """A printout would carry a member's name; nothing was written.

    When one name was found, `kind` names the printout, `name` the member and `context` the
    words around it. `matches` holds what the finder found, so a person can still say an
    ordinary word was refused ("dev tools" beside a member called Dev); it is empty when
    there is nothing a person could answer (the report, a printout read back).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        name: str = "",
        context: str = "",
        matches: list[tuple[str, NameMatch]] | None = None,
    ) -> None:
        super().__init__(message, matches or [])
        self.kind = kind
        self.name = name
        self.context = context


class UncheckedContacts(VoicesGroupError):
    """Support contacts on a sheet have not been checked; `contacts` holds them.

    The one sentence that stops such a sheet, for the print dialog and the command line.
    """

    def __init__(self, contacts: list[SupportContact]) -> None:
        names = ", ".join(contact.name for contact in contacts)
        super().__init__(
            f"These support contacts have not been checked yet: {names}. Check each number and "
            "mark it checked (Support contacts, c in the library), or leave them off the sheet. "
            "Nothing was printed."
        )
        self.contacts = contacts


class OutputRefused(VoicesGroupError):
    """An output path that must not be written (the data file, its lock or backups), or an
    existing file that was not to be replaced (`exists`: the UI may ask); nothing was written."""

    def __init__(self, message: str, *, exists: bool = False) -> None:
        super().__init__(message)
        self.exists = exists


class NothingToPrint(VoicesGroupError):
    """The handout asked for has nothing in it to print (say, a group with no agreement)."""


class ExchangeFolderError(VoicesGroupError):
    """The exchange folder (the one Syncthing, Nextcloud or a stick carries) is missing, not a
    folder, read-only, full or unreadable; what was in it is as it was before."""


def invalid_input(error: BaseException) -> str | None:
    """One sentence for a model's refusal of what someone gave (pydantic's ValidationError),
    else None. Never the given text itself, and never pydantic's words: `in_our_words`
    says the first thing found in ours.

    pydantic is looked up, not imported: if it has not loaded, no such error was raised.
    """
    import sys

    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(error, pydantic.ValidationError):
        return None
    return f"{in_our_words(error.errors()[0])} Nothing was changed."


def _field_words(loc: Sequence[object]) -> str:
    """ "the description", "the held by": the field a problem is about, from where pydantic
    found it (list positions left out); "" when it is about the whole record."""
    parts = [str(part) for part in loc if not isinstance(part, int)]
    return parts[-1].replace("_", " ") if parts else ""


def _count(number: object) -> str:
    return f"{number:,}" if isinstance(number, int) else str(number)


def _what_is_wrong(problem: Mapping[str, Any]) -> str:
    """What is wrong with one field, in our words, to follow its name: pydantic's own
    message is never used, so a type it adds later still reads as ours."""
    kind = str(problem.get("type", ""))
    ctx = problem.get("ctx") or {}
    given = problem.get("input")
    if kind == "string_too_long":
        now = f", and has {_count(len(given))} now" if isinstance(given, str) else ""
        return f"can hold at most {_count(ctx.get('max_length'))} characters{now}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "cannot be left empty"
        now = f", and has {_count(len(given))} now" if isinstance(given, str) else ""
        return f"needs at least {_count(ctx.get('min_length'))} characters{now}"
    if kind in ("too_long", "too_short"):
        limit = ctx.get("max_length" if kind == "too_long" else "min_length")
        word = "at most" if kind == "too_long" else "at least"
        return f"can hold {word} {_count(limit)} items, and has {_count(ctx.get('actual_length'))}"
    bounds = {
        "greater_than_equal": ("must be {} or more", "ge"),
        "greater_than": ("must be more than {}", "gt"),
        "less_than_equal": ("must be {} or less", "le"),
        "less_than": ("must be less than {}", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        now = f"; it is {given} now" if isinstance(given, int | float) else ""
        return words.format(_count(ctx.get(key))) + now
    if kind.startswith(("int_", "float_", "decimal_")) or kind == "finite_number":
        return "must be a whole number, such as 3" if "int" in kind else "must be a number"
    if kind.startswith(("date_", "datetime_", "time_")):
        return "must be a date written as year, month and day, such as 2026-12-08"
    if kind == "string_pattern_mismatch":
        return "is not written in the form it needs"
    if kind == "missing":
        return "is needed"
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', 'the choices offered')}"
    if kind.startswith("bool_"):
        return "must be yes or no"
    return "cannot be kept as it is"


def in_our_words(problem: Mapping[str, Any], label: str = "") -> str:
    """One of pydantic's problems (an item of `ValidationError.errors()`) as our sentence:
    the field (`label` when the form shows one, else its name), what it allows and what it
    is now. A refusal our own models wrote (a validator's ValueError) is said as written.
    """
    kind = str(problem.get("type", ""))
    field = _field_words(problem.get("loc", ()))
    subject = f"“{label}”" if label else f"The {field}" if field else "That"
    if kind in ("value_error", "assertion_error"):
        error = (problem.get("ctx") or {}).get("error")
        own = str(error) if error is not None else str(problem.get("msg", ""))
        own = own.removeprefix("Value error, ").removeprefix("Assertion failed, ").rstrip(".")
        return f"{subject} cannot be kept. {own}." if own else f"{subject} cannot be kept."
    return f"{subject} {_what_is_wrong(problem)}."


def followed(message: BaseException | str, *more: str) -> str:
    """A refusal made of another one (`message`, whose words are checked where they are
    written) and what more is to be said ("Nothing was changed.")."""
    return " ".join([str(message).rstrip(), *more])


def shown(message: BaseException | str) -> str:
    """The one way a refusal becomes the words a person reads in a form, a dialog or a
    message: a model's refusal in one line (`invalid_input`, never pydantic's report), and
    without pydantic's "Value error, ".

    The case of nothing is changed: every refusal starts with fixed words and a capital where
    it is written, so a name or a file someone typed ("bea", "notes.pdf") is shown exactly as
    they typed it, wherever it stands.
    """
    text = message if isinstance(message, str) else invalid_input(message) or str(message)
    return text.removeprefix("Value error, ")
