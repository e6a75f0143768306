"""The one handout layer every printout goes through.

A `Handout` collects plain text blocks (headings, paragraphs, lists, tables, space to write).
`to_pdf()` first gathers every piece of text the document will carry, title, metadata and
footer included, and checks it against the member list; only then does it load ReportLab
and draw. `write_pdf()` puts finished bytes on disk atomically. Nothing here imports
ReportLab at module level, so `import voicesgroup.handouts` stays cheap.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from voicesgroup.errors import NameInHandout, VoicesGroupError
from voicesgroup.handouts.names import find_discreet_word, find_name

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")
DEFAULT_LANG = "en-GB"
PARA_STYLES = ("body", "lead", "item", "muted", "tight", "tight_muted", "footnote", "gentle")
PRODUCER = "voicesgroup"
"""Author, creator and producer of every ordinary handout: never a person's name."""


class DiscreetBreach(VoicesGroupError):
    """A discreet handout would carry a give-away word; nothing was written."""


class NothingToPrint(VoicesGroupError):
    """The handout asked for has nothing in it to print (say, a group with no agreement)."""


class HandoutNotSaved(VoicesGroupError):
    """The finished handout could not be written to disk; no partial file is left."""


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph, optionally bold or italic. Text is plain, never markup."""

    text: str
    bold: bool = False
    italic: bool = False


def bold(text: str) -> Run:
    return Run(text, bold=True)


def em(text: str) -> Run:
    return Run(text, italic=True)


Cell = str | Run | Sequence[str | Run]

# Blocks are small tuples the renderer turns into flowables: (kind, payload...).
Block = tuple


@dataclass
class Handout:
    """One printout being put together. Add blocks, then call `to_pdf()`.

    `kind` names the handout in messages ("coping strategies sheet"). `forbidden_names` are
    members' display names that must not appear anywhere; `allowed_name` is the one member
    whose own record this is. `discreet_phrases` (with `discreet=True`) are phrases, such as
    the group's name, that must not appear either, next to `names.DISCREET_STEMS`.
    `organisation` (from Settings) is printed in the footer.
    """

    kind: str
    title: str
    subtitle: str = ""
    paper: Paper = "a4"
    landscape: bool = False
    large_print: bool = False
    lang: str = DEFAULT_LANG
    subject: str = ""
    forbidden_names: Iterable[str] = ()
    allowed_name: str | None = None
    discreet: bool = False
    discreet_phrases: Iterable[str] = ()
    organisation: str = ""
    blocks: list[Block] = field(default_factory=list)
    _group: list[Block] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        self.forbidden_names = list(self.forbidden_names)
        self.discreet_phrases = list(self.discreet_phrases)

    # -- adding content ---------------------------------------------------------------------

    def _add(self, block: Block) -> None:
        (self._group if self._group is not None else self.blocks).append(block)

    def heading(self, text: str) -> None:
        self._add(("heading", text))

    def para(self, *runs: str | Run, style: str = "body") -> None:
        """A paragraph in one of `PARA_STYLES`: body; lead (set apart by space); item (a bold
        title line kept with what follows); muted (grey); tight and tight_muted (lines of
        one entry, close together); footnote (grey, set apart); gentle (italic, side bar)."""
        if style not in PARA_STYLES:
            raise ValueError(f"unknown paragraph style {style!r}")
        self._add(("para", tuple(_run(r) for r in runs), style))

    def bullets(self, items: Iterable[str | Sequence[str | Run]], *, numbered: bool = False):
        self._add(("bullets", tuple(_runs(item) for item in items), numbered))

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        *,
        widths: Sequence[float] | None = None,
        blank_rows: int = 0,
    ) -> None:
        """A table. `widths` are fractions of the page width; `blank_rows` adds empty rows
        sized to fill the rest of the page (for a diary to write in)."""
        body = tuple(tuple(_runs(cell) for cell in row) for row in rows)
        self._add(("table", tuple(header), body, tuple(widths or ()), blank_rows))

    def write_space(self, label: str, lines: int) -> None:
        """A label with ruled lines under it, to write on."""
        self._add(("lines", label, lines))

    def space(self, mm: float) -> None:
        self._add(("space", mm))

    @contextmanager
    def together(self) -> Iterator[None]:
        """Blocks added inside stay on one page where they fit."""
        if self._group is not None:
            yield
            return
        self._group = []
        try:
            yield
        finally:
            group, self._group = self._group, None
            self.blocks.append(("together", tuple(group)))

    # -- checking ---------------------------------------------------------------------------

    @property
    def footer(self) -> str:
        """The title, after the organisation's name when there is one (and, on a discreet
        handout, only when the name gives nothing away)."""
        organisation = " ".join(self.organisation.split())
        if self.discreet and find_discreet_word([organisation], self.discreet_phrases):
            organisation = ""
        return f"{organisation} · {self.title}" if organisation else self.title

    @property
    def metadata(self) -> dict[str, str]:
        """What goes in the PDF's document information: no person's name, ever."""
        author = "" if self.discreet else PRODUCER
        return {
            "title": self.title,
            "subject": self.subject or self.title,
            "author": author,
            "creator": author,
            "producer": author,
        }

    def texts(self) -> Iterator[str]:
        """Every piece of text the PDF will carry, metadata and footer included."""
        yield self.title
        yield self.subtitle
        yield self.footer
        yield from self.metadata.values()
        yield from _block_texts(self.blocks)

    def check(self) -> None:
        """Raise `NameInHandout` (or `DiscreetBreach`) if the text must not be printed."""
        hit = find_name(self.texts(), self.forbidden_names, self.allowed_name)
        if hit is not None:
            error = NameInHandout(
                f"The {self.kind} was not made: it contains the name of a member, "
                f"“{hit.name}” (in “{hit.context}”). A handout never carries another "
                "member's name; change the wording and try again. Nothing was saved."
            )
            error.kind, error.name, error.context = self.kind, hit.name, hit.context
            raise error
        if self.discreet:
            word = find_discreet_word(self.texts(), self.discreet_phrases)
            if word is not None:
                raise DiscreetBreach(
                    f"The discreet {self.kind} was not made: it would show “{word}”. "
                    "Nothing was saved."
                )

    def to_pdf(self) -> bytes:
        """Check, then draw the PDF in memory and return its bytes."""
        self.check()
        from voicesgroup.handouts import _render  # ReportLab loads here, and only here

        return _render.render(self)


def _run(piece: str | Run) -> Run:
    return piece if isinstance(piece, Run) else Run(str(piece))


def _runs(cell: Cell) -> tuple[Run, ...]:
    if isinstance(cell, (str, Run)):
        return (_run(cell),)
    return tuple(_run(piece) for piece in cell)


def _block_texts(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        kind = block[0]
        if kind == "heading":
            yield block[1]
        elif kind == "para":
            yield " ".join(run.text for run in block[1])
        elif kind == "bullets":
            for item in block[1]:
                yield " ".join(run.text for run in item)
        elif kind == "table":
            yield from block[1]
            for row in block[2]:
                for cell in row:
                    yield " ".join(run.text for run in cell)
        elif kind == "lines":
            yield block[1]
        elif kind == "together":
            yield from _block_texts(block[1])


# -- writing ----------------------------------------------------------------------------------


def write_pdf(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write finished PDF bytes to `path` atomically: a temporary file in the same folder,
    flushed to disk, then renamed over the target. On any failure no file is left behind
    and `HandoutNotSaved` says why. The file is readable by its owner only."""
    target = Path(path)
    if not data.startswith(b"%PDF-"):
        raise ValueError("write_pdf expects the bytes of a finished PDF")
    folder = target.parent
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise HandoutNotSaved(
            f"The handout could not be saved in {folder}: {error.strerror or error}."
        ) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        with suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise HandoutNotSaved(
                f"The handout could not be saved as {target}: {error.strerror or error}."
            ) from error
        raise
    _sync_folder(folder)
    return target


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
