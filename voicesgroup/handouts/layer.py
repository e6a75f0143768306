"""The one handout layer every printout goes through.

A `Handout` collects plain text blocks (headings, paragraphs, lists, tables, space to write).
`to_pdf()` first gathers every piece of text the document will carry, title, metadata and
footer included, and checks it against the member list; only then does it load ReportLab
and draw. `to_text()` and `to_html()` give the same handout as plain text or a web page.
Nothing here touches the disk (see `voicesgroup.outputs`), and nothing imports ReportLab at
module level, so `import voicesgroup.handouts` stays cheap.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from voicesgroup.errors import NameInHandout, NameToConfirm, VoicesGroupError
from voicesgroup.handouts.discreet import find_discreet_word
from voicesgroup.names import Named, NameMatch, Purpose, names_for
from voicesgroup.normalise import drawn
from voicesgroup.read_back import check_read_back

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")
DEFAULT_LANG = "en-GB"
PARA_STYLES = (
    "body",
    "lead",
    "item",
    "muted",
    "tight",
    "tight_muted",
    "footnote",
    "gentle",
    "caution",
)
PRODUCER = "voicesgroup"
"""Author, creator and producer of every ordinary handout: never a person's name."""


_LEFT_OUT: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "left_out", default=frozenset()
)


@contextmanager
def leaving_out(characters: Iterable[str]) -> Iterator[None]:
    """PDFs drawn inside leave out `characters`, which a person said to print without
    (`errors.CannotPrintCharacters` named them); any other character no font draws is still
    refused (`handouts.fonts`)."""
    token = _LEFT_OUT.set(frozenset(characters))
    try:
        yield
    finally:
        _LEFT_OUT.reset(token)


def left_out() -> frozenset[str]:
    """The characters a person said to print without, for the PDF being drawn."""
    return _LEFT_OUT.get()


class DiscreetBreach(VoicesGroupError):
    """A discreet handout would carry a give-away word; nothing was written."""


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

# Blocks are small tuples the renderers turn into flowables, text or HTML: (kind, payload...).
Runs = tuple[Run, ...]
HeadingBlock = tuple[Literal["heading"], str]
ParaBlock = tuple[Literal["para"], Runs, str]
"""Runs and one of `PARA_STYLES`."""
BulletsBlock = tuple[Literal["bullets"], tuple[Runs, ...], bool]
"""The items, and whether they are numbered."""
TableBlock = tuple[
    Literal["table"], tuple[str, ...], tuple[tuple[Runs, ...], ...], tuple[float, ...], int, bool
]
"""Header, rows of cells, width fractions (empty: even), blank rows to add, compact."""
LinesBlock = tuple[Literal["lines"], str, int]
"""A label and how many ruled lines to write on."""
TogetherBlock = tuple[Literal["together"], tuple["Block", ...]]
"""Blocks kept on one page."""
Helpline = tuple[str, str, str]
"""A support contact as printed: its name, how to reach it, when to."""
HelplinesBlock = tuple[Literal["helplines"], str, tuple[Helpline, ...]]
"""A heading and the contacts, set apart in a box of their own and kept on one page."""
Block = (
    HeadingBlock | ParaBlock | BulletsBlock | TableBlock | LinesBlock | TogetherBlock
    | HelplinesBlock
)  # fmt: skip


@dataclass
class Handout:
    """One printout being put together. Add blocks, then call `to_pdf()`.

    `kind` names the handout in messages ("coping strategies sheet"). `forbidden_names` are
    the members (or their display names) whose names must not appear anywhere;
    `allowed_name` is the one member whose own record this is. `discreet_phrases` (with
    `discreet=True`) are phrases, such as the group's name, that must not appear either, next
    to `names.DISCREET_STEMS`.
    `organisation` (from Settings) is printed in the footer, with `footer_note` (when the
    support contacts were last checked) beside it. `allow` holds phrases that are never a
    member's mention (venue, organisation, facilitators in a rota); `confirmed` holds the
    `names.confirmation_key`s of words a person said are words, not people. `fit_pages`
    asks normal print to shrink from 14 pt (never below 12) to fit that many pages.
    """

    kind: str
    title: str
    subtitle: str = ""
    paper: Paper = "a4"
    landscape: bool = False
    large_print: bool = False
    lang: str = DEFAULT_LANG
    subject: str = ""
    forbidden_names: Iterable[Named | str] = ()
    allowed_name: str | None = None
    discreet: bool = False
    discreet_phrases: Iterable[str] = ()
    organisation: str = ""
    footer_note: str = ""
    fit_pages: int | None = None
    allow: Iterable[str] = ()
    confirmed: Iterable[str] = ()
    record_mark: str = ""
    """On one member's own record: the mark that lets `check` name this file once they are
    forgotten (`tombstones.mark`): the PDF's keywords, the text's last line, the page's meta."""
    blocks: list[Block] = field(default_factory=list)
    _group: list[Block] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"The paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        # Every text is held as it will be drawn (`voicesgroup.normalise.drawn`), so the text
        # the name check reads is the text every renderer draws.
        self.title, self.subtitle = drawn(self.title), drawn(self.subtitle)
        self.organisation, self.footer_note = drawn(self.organisation), drawn(self.footer_note)
        self.forbidden_names = list(self.forbidden_names)
        self.discreet_phrases = list(self.discreet_phrases)
        self.allow = list(self.allow)
        self.confirmed = list(self.confirmed)

    # -- adding content ---------------------------------------------------------------------

    def _add(self, block: Block) -> None:
        (self._group if self._group is not None else self.blocks).append(block)

    def heading(self, text: str) -> None:
        self._add(("heading", drawn(text)))

    def para(self, *runs: str | Run, style: str = "body") -> None:
        """A paragraph in one of `PARA_STYLES`: body; lead (set apart by space); item (a bold
        title line kept with what follows); muted (grey); tight and tight_muted (lines of
        one entry, close together); footnote (grey, set apart); gentle (a side bar); caution
        (a safety line: body colour, never italic, a bar beside it, to begin with a bold
        label)."""
        if style not in PARA_STYLES:
            raise ValueError(f"Unknown paragraph style {style!r}")
        self._add(("para", tuple(_run(r) for r in runs), style))

    def bullets(
        self, items: Iterable[str | Sequence[str | Run]], *, numbered: bool = False
    ) -> None:
        self._add(("bullets", tuple(_runs(item) for item in items), numbered))

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[Cell]],
        *,
        widths: Sequence[float] | None = None,
        blank_rows: int = 0,
        compact: bool = False,
    ) -> None:
        """A table. `widths` are fractions of the page width; `blank_rows` adds empty rows
        sized to fill the rest of the page (for a diary to write in); `compact` sets rows
        close together."""
        body = tuple(tuple(_runs(cell) for cell in row) for row in rows)
        head = tuple(drawn(text) for text in header)
        self._add(("table", head, body, tuple(widths or ()), blank_rows, compact))

    def helplines(self, title: str, contacts: Iterable[Helpline]) -> None:
        """The support contacts as a block of their own: boxed, each contact apart from the
        next, its "how" and "when" two sentences, all kept on one page."""
        self._add(("helplines", title, tuple(contacts)))

    def write_space(self, label: str, lines: int) -> None:
        """A label with ruled lines under it, to write on."""
        self._add(("lines", drawn(label), lines))

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
        """The footer note (when the contacts were checked) first, so it is never cut off,
        then the organisation's name when there is one (on a discreet handout only when it
        gives nothing away), then the title."""
        organisation = " ".join(self.organisation.split())
        if self.discreet and find_discreet_word([organisation], self.discreet_phrases):
            organisation = ""
        parts = [part for part in (self.footer_note, organisation, self.title) if part]
        return " · ".join(parts)

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

    def name_matches(self) -> list[tuple[str, NameMatch]]:
        """Every member's name found in the handout's text, with the text it stands in.

        Goes through the name finder with the handout policy (`names.Purpose.HANDOUT`);
        shipped wording, the sheets' own wording and `allow` are set aside, and so is the
        member whose own record this is.
        """
        members = list(self.forbidden_names)
        if self.allowed_name:
            members.append(self.allowed_name)
        if not members:
            return []
        allow = _Allowed(self.allow)  # read only when something looks like a name
        found = []
        seen: set[str] = set()
        for text in self.texts():
            if not text or text in seen:
                continue
            seen.add(text)
            matches = names_for(
                Purpose.HANDOUT, text, members, allow=allow, confirmed=self.confirmed
            )
            for match in matches:
                if self.allowed_name and match.name == self.allowed_name:
                    continue
                found.append((text, match))
        return found

    def check(self) -> None:
        """Raise `NameInHandout` for a member's name, `NameToConfirm` for a word that may be
        one, or `DiscreetBreach`, if the text must not be printed as it is."""
        matches = self.name_matches()
        certain = [(text, match) for text, match in matches if match.certain]
        if certain:
            _, hit = certain[0]
            written = f"“{hit.found}” in " if hit.found != hit.name else "in "
            raise NameInHandout(
                f"The {self.kind} was not made: it contains the name of a member, "
                f"“{hit.name}” ({written}“{hit.context}”). A handout never carries another "
                "member's name; change the wording and try again, or say it is an everyday word "
                "here (it is remembered for that text). Nothing was saved.",
                kind=self.kind,
                name=hit.name,
                context=hit.context,
                matches=matches,
            )
        if matches:
            words = ", ".join(dict.fromkeys(f"“{m.found}” (in “{m.context}”)" for _, m in matches))
            raise NameToConfirm(
                f"The {self.kind} was not made yet: {words} may be the word or a member's "
                "name. Say it is the word (it is remembered for that text), or change the "
                "wording. Nothing was saved.",
                matches,
            )
        if self.discreet:
            word = find_discreet_word(self.texts(), self.discreet_phrases)
            if word is not None:
                raise DiscreetBreach(
                    f"The discreet {self.kind} was not made: it would show “{word}”. "
                    "Nothing was saved."
                )

    def to_bytes(self, output: Literal["pdf", "txt", "html"]) -> bytes:
        """The handout's bytes in the format asked for, checked and read back."""
        if output == "txt":
            return self.to_text().encode("utf-8")
        if output == "html":
            return self.to_html().encode("utf-8")
        if output != "pdf":
            raise ValueError(f"The output must be pdf, txt or html, not {output!r}")
        return self.to_pdf()

    def to_pdf(self) -> bytes:
        """Check, then draw the PDF in memory and return its bytes."""
        self.check()
        from voicesgroup.handouts import _render  # ReportLab loads here, and only here

        return self._read_back(_render.render(self), "pdf")

    def to_text(self) -> str:
        """The same handout as plain text (what a screen reader reads), checked the same way."""
        self.check()
        lines = [self.title, "=" * len(self.title)]
        if self.subtitle:
            lines += ["", self.subtitle]
        lines += _text_lines(self.blocks)
        lines += ["", "—", self.footer]
        if self.record_mark:
            lines += ["", f"Reference: {self.record_mark}"]
        text = "\n".join(lines).rstrip() + "\n"
        self._read_back(text.encode("utf-8"), "txt")
        return text

    def to_html(self) -> str:
        """The same handout as one plain, accessible HTML page (language set, real headings,
        real lists and tables), checked the same way."""
        self.check()
        from html import escape

        body = [f"<h1>{escape(self.title)}</h1>"]
        if self.record_mark:
            body.append(f'<p hidden data-record="{escape(self.record_mark)}"></p>')
        if self.subtitle:
            body.append(f"<p>{escape(self.subtitle)}</p>")
        body += _html_blocks(self.blocks, escape)
        body.append(f"<footer><p>{escape(self.footer)}</p></footer>")
        size = "1.4rem" if self.large_print else "1.15rem"
        page = (
            f'<!DOCTYPE html>\n<html lang="{escape(self.lang)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{escape(self.title)}</title>\n'
            f"<style>body{{font-family:sans-serif;font-size:{size};line-height:1.5;"
            "max-width:40em;margin:2em auto;color:#1d1d1b}"
            ".caution{border-left:4px solid #1f4d57;padding-left:.6em}"
            ".helplines{border:2px solid #1f4d57;padding:0 1em;margin:1.5em 0}"
            ".helplines ul{list-style:none;padding:0}.helplines li{margin:0 0 .8em}"
            "hr.line{border:0;border-bottom:1px solid #4a5559;height:2.2em;margin:0}"
            "table{border-collapse:collapse}td,th{border:1px solid #777;padding:.3em}</style>"
            "\n</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
        )
        self._read_back(page.encode("utf-8"), "html")
        return page

    def _read_back(self, data: bytes, fmt: Literal["pdf", "txt", "html"]) -> bytes:
        """The second wall: `data` as made, read back and checked (`voicesgroup.read_back`)."""
        members = list(self.forbidden_names)
        if self.allowed_name:
            members.append(self.allowed_name)
        if not members and not self.discreet:
            return data  # nothing it could show that it must not
        shown = check_read_back(data, fmt, kind=self.kind, checked=self.texts(), members=members)
        if self.discreet:
            word = find_discreet_word([shown], self.discreet_phrases)
            if word is not None:
                raise DiscreetBreach(
                    f"The discreet {self.kind} was not made: read back as it would print, it "
                    f"shows “{word}”. Nothing was saved."
                )
        return data


class _Allowed:
    """The phrases never taken for a member's name: those given, the sheets' own wording and
    the shipped wording. The last two are read the first time a match needs them."""

    def __init__(self, given: Iterable[str]) -> None:
        self._given = list(given)

    def __iter__(self) -> Iterator[str]:
        yield from self._given
        yield from _own_wording()
        yield from _shipped()


@functools.cache
def _shipped() -> frozenset[str]:
    from voicesgroup.shipped import shipped_wording

    return shipped_wording()


@functools.cache
def _own_wording() -> tuple[str, ...]:
    """The sheets' own fixed words (their string literals): never a member's mention."""
    import ast

    from voicesgroup.handouts import sheets

    tree = ast.parse(Path(sheets.__file__).read_text(encoding="utf-8"))
    found = {
        node.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    return tuple(sorted(text for text in found if len(text) > 3))


def _run(piece: str | Run) -> Run:
    if isinstance(piece, Run):
        return Run(drawn(piece.text), bold=piece.bold, italic=piece.italic)
    return Run(drawn(str(piece)))


def _runs(cell: Cell) -> tuple[Run, ...]:
    if isinstance(cell, (str, Run)):
        return (_run(cell),)
    return tuple(_run(piece) for piece in cell)


def _block_texts(blocks: Iterable[Block]) -> Iterator[str]:
    for block in blocks:
        if block[0] == "heading":
            yield block[1]
        elif block[0] == "para":
            yield " ".join(run.text for run in block[1])
        elif block[0] == "bullets":
            for item in block[1]:
                yield " ".join(run.text for run in item)
        elif block[0] == "table":
            yield from block[1]
            for row in block[2]:
                for cell in row:
                    yield " ".join(run.text for run in cell)
        elif block[0] == "lines":
            yield block[1]
        elif block[0] == "helplines":
            yield block[1]
            for contact in block[2]:
                yield from contact
        elif block[0] == "together":
            yield from _block_texts(block[1])


def _plain(runs: Iterable[Run]) -> str:
    return "".join(run.text for run in runs)


def _text_lines(blocks: Iterable[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if block[0] == "heading":
            lines += ["", block[1], "-" * len(block[1])]
        elif block[0] == "para":
            lines += ["", _plain(block[1])] if block[2] in ("item", "lead") else [_plain(block[1])]
        elif block[0] == "bullets":
            for number, item in enumerate(block[1], start=1):
                lines.append(f"{number}. {_plain(item)}" if block[2] else f"- {_plain(item)}")
        elif block[0] == "table":
            if block[1]:
                lines.append(" | ".join(block[1]))
            lines += [" | ".join(_plain(cell) for cell in row) for row in block[2]]
            lines += ["" for _ in range(block[4])]
        elif block[0] == "lines":
            lines += ["", block[1], *("_" * 40 for _ in range(block[2]))]
        elif block[0] == "helplines":
            lines += ["", block[1], "-" * len(block[1])]
            for name, how, when in block[2]:
                lines += ["", name, *(sentence(part) for part in (how, when) if part)]
        elif block[0] == "together":
            lines += _text_lines(block[1])
    return lines


def _html_runs(runs: Iterable[Run], escape: Callable[[str], str]) -> str:
    out = []
    for run in runs:
        piece = escape(run.text).replace("\n", "<br>")
        out.append(f"<strong>{piece}</strong>" if run.bold else piece)
    return "".join(out)


_REACH = re.compile(
    r"\b(?P<verb>phone|call|ring|text)\s+(?:[A-Z]{2,}\s+to\s+)?(?P<number>\+?\d[\d ]*\d|\d)",
    re.IGNORECASE,
)


def _linked(text: str, escape: Callable[[str], str]) -> str:
    """`text` as HTML with the number to phone or text made a link a phone can follow."""
    match = _REACH.search(text)
    if match is None:
        return escape(text)
    number = match.group("number")
    scheme = "sms" if match.group("verb").casefold() == "text" else "tel"
    start, end = match.span("number")
    link = f'<a href="{scheme}:{number.replace(" ", "")}">{escape(number)}</a>'
    return escape(text[:start]) + link + escape(text[end:])


def sentence(text: str) -> str:
    """`text` as a sentence: tidied, with a full stop unless it ends in one already."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def _html_blocks(blocks: Iterable[Block], escape: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block[0] == "heading":
            out.append(f"<h2>{escape(block[1])}</h2>")
        elif block[0] == "para":
            style = block[2]
            if style == "item":
                out.append(f"<h3>{_html_runs(block[1], escape)}</h3>")
            elif style == "caution":
                out.append(f'<p class="caution">{_html_runs(block[1], escape)}</p>')
            else:
                out.append(f"<p>{_html_runs(block[1], escape)}</p>")
        elif block[0] == "bullets":
            tag = "ol" if block[2] else "ul"
            items = "".join(f"<li>{_html_runs(item, escape)}</li>" for item in block[1])
            out.append(f"<{tag}>{items}</{tag}>")
        elif block[0] == "table":
            head = "".join(f'<th scope="col">{escape(text)}</th>' for text in block[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{_html_runs(cell, escape)}</td>" for cell in row) + "</tr>"
                for row in block[2]
            )
            blank = "<tr>" + "<td>&nbsp;</td>" * max(1, len(block[1])) + "</tr>"
            rows += blank * block[4]
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif block[0] == "lines":
            out.append(f"<h2>{escape(block[1])}</h2>")
            out.append('<div class="write">' + '<hr class="line">' * block[2] + "</div>")
        elif block[0] == "helplines":
            items = "".join(
                f"<li><strong>{escape(name)}</strong><br>"
                + "<br>".join(_linked(sentence(part), escape) for part in (how, when) if part)
                + "</li>"
                for name, how, when in block[2]
            )
            out.append(
                f'<section class="helplines"><h2>{escape(block[1])}</h2><ul>{items}</ul></section>'
            )
        elif block[0] == "together":
            out += _html_blocks(block[1], escape)
    return out
