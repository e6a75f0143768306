"""The second wall: every printout is read back, as made, before it may reach a disk or a printer.

The first wall checks the text a printout is built from. This one reads the finished bytes
the way a reader would (the PDF's text extracted by PDFium, its document information too;
the HTML's text with its markup and entities undone; plain text and CSV as written), runs
the one name finder on that, and refuses the printout if it shows a member's name that the
checked text did not hold. So whatever a renderer does to a character (drops it, draws it
as another, joins two words), a name it brings out is caught. The check is made once, for
every printout, by the handouts' layer and by the report's file writer.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Literal

from voicesgroup.errors import NameInHandout, VoicesGroupError
from voicesgroup.names import Named, Purpose, names_for

Format = Literal["pdf", "txt", "html", "csv"]


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append("\n")
        self.parts.extend(value for _, value in attrs if value)


_PDFIUM = threading.Lock()
"""PDFium is not thread-safe: one reading at a time, whichever worker asks."""


def _pdf_text(data: bytes) -> str:
    """A PDF's document information and every page's text, as PDFium extracts them."""
    import pypdfium2  # type: ignore[import-untyped]  # the package ships no type hints

    with _PDFIUM:
        document = pypdfium2.PdfDocument(data)
        try:
            info = [str(value) for value in document.get_metadata_dict().values()]
            pages = []
            for index in range(len(document)):
                page = document[index]
                text_page = page.get_textpage()
                pages.append(text_page.get_text_bounded())
                text_page.close()
                page.close()
        finally:
            document.close()
    return "\n".join([*info, *pages])


def _reads_right_to_left(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in word)


def _turned(line: str) -> str:
    """`line` with each run of words written right to left in the other order."""
    words = line.split(" ")
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if word and _reads_right_to_left(word):
            run.append(word)
            continue
        out.extend(reversed(run))
        run = []
        out.append(word)
    return " ".join(out[:-1])


def both_readings(text: str) -> str:
    """A PDF's text and, below it, each line holding Hebrew or Arabic with its runs of such
    words turned round. PDFium gives a line that starts in English with the words of a
    Hebrew or Arabic phrase in it in the order drawn (from the left), each word as typed: a
    name of two words there would read backwards. The name finder reads both."""
    turned = [_turned(line) for line in text.splitlines() if _reads_right_to_left(line)]
    return "\n".join([text, *turned]) if turned else text


def output_text(data: bytes, fmt: Format) -> str:
    """The text a reader gets from a finished printout."""
    if fmt == "pdf":
        return _pdf_text(data)
    text = data.decode("utf-8", errors="replace")
    if fmt == "html":
        parser = _HtmlText()
        parser.feed(text)
        parser.close()
        return "".join(parser.parts)
    return text


def names_revealed(
    output: str,
    checked: Iterable[str],
    members: Iterable[Named | str],
    *,
    purpose: Purpose = Purpose.HANDOUT,
    allow: Iterable[str] = (),
) -> list[str]:
    """The members' names `output` shows that none of the `checked` texts held (`allow`:
    facilitators' names, never a member's mention where they stand)."""
    members = list(members)
    seen = {match.name for text in checked for match in names_for(purpose, text, members)}
    shown = names_for(purpose, output, members, allow=allow)
    return list(dict.fromkeys(match.name for match in shown if match.name not in seen))


def check_read_back(
    data: bytes,
    fmt: Format,
    *,
    kind: str,
    checked: Iterable[str],
    members: Iterable[Named | str],
    purpose: Purpose = Purpose.HANDOUT,
    allow: Iterable[str] = (),
) -> str:
    """Raise `NameInHandout` if `data`, read back, shows a member's name the checked text did
    not hold; nothing is written then. Returns the text read back."""
    members = list(members)
    try:
        text = output_text(data, fmt)
    except Exception as error:  # pypdf's own errors: what cannot be read is not let out
        raise VoicesGroupError(
            f"The {kind} was not made: it could not be read back to check it "
            f"({type(error).__name__}). Nothing was saved."
        ) from error
    if not members:
        return text
    read = both_readings(text) if fmt == "pdf" else text
    revealed = names_revealed(read, checked, members, purpose=purpose, allow=allow)
    if revealed:
        raise NameInHandout(
            f"The {kind} was not made: read back as it would print, it shows the name of a "
            f"member, “{revealed[0]}”. Change the wording and try again. Nothing was saved.",
            kind=kind,
            name=revealed[0],
        )
    return text
