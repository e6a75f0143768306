"""Hebrew and Arabic on paper: in the order they are read, Arabic joined, whole
(`voicesgroup/handouts/directions.py`, asked by `fonts` and the two renderers).

What the PDF's text map holds is what is drawn, from the left: Hebrew and Arabic in the order
they are seen, Arabic as Unicode's joined (presentation) forms. A reader's own tool (pypdf)
reads that; PDFium, which the read-back uses, puts a line read right to left back in the
order typed. The expectations below are written by hand from the rules of reading, not from
the code; the property test compares with python-bidi's other implementation (its Rust one).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import pypdfium2
import pytest
from bidi import get_display
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.pdf import drawn_glyphs, pdf_text, render_png
from voicesgroup.errors import CannotPrintCharacters
from voicesgroup.handouts import Handout, Run
from voicesgroup.handouts.layer import leaving_out
from voicesgroup.normalise import drawn
from voicesgroup.printing import KINDS
from voicesgroup.read_back import output_text


def _letters(text: str) -> str:
    """Text as letters typed, without spaces: joined forms back to letters, accents apart,
    each character where it stands (marks not put in Unicode's canonical order)."""
    return "".join(
        ch for each in text for ch in unicodedata.normalize("NFKD", each) if not ch.isspace()
    )


def _drawn(data: bytes) -> str:
    return "".join(glyph.text for glyph in drawn_glyphs(data))


def _sheet_with(*paragraphs: str) -> bytes:
    sheet = Handout(kind="sheet", title="Ideas")
    for text in paragraphs:
        sheet.para(text)
    return sheet.to_pdf()


@pytest.mark.parametrize(
    ("typed", "seen_from_the_left"),
    [
        # A line that starts in English reads left to right; the Hebrew and Arabic in it
        # are each read from their right.
        ("Shalom שלום and shukran شكرا", "Shalom םולש and shukran اركش"),
        ("Call سارة on 0770", "Call ةراس on 0770"),
        # A line that starts in Hebrew reads from the right: its first word is rightmost,
        # the English and the number in it read left to right, the full stop ends it (left).
        ("שלום Ali 123 עולם.", ".םלוע Ali 123 םולש"),
        ("عندي 3 أفكار", "راكفأ 3 يدنع"),
        # Brackets read right to left are mirrored: "(" opens on the right.
        ("مرحبا (Ali)", "(Ali) ابحرم"),
        ("שלום (עולם) טוב", "בוט (םלוע) םולש"),
    ],
)
def test_a_line_is_drawn_in_the_order_it_is_read(typed, seen_from_the_left):
    data = _sheet_with(typed)
    assert _letters(seen_from_the_left) in _letters(_drawn(data))
    # pypdf, as a reader's tool, reads each word back as typed (it turns a run of Hebrew or
    # Arabic round), though not always the words in the order typed
    read = unicodedata.normalize("NFKC", pdf_text(data))
    for word in typed.split():
        assert unicodedata.normalize("NFKC", word.strip(".()")) in read


def test_arabic_letters_are_drawn_joined_each_in_its_form():
    glyphs = drawn_glyphs(_sheet_with("سلام عليكم"))
    arabic = [unicodedata.name(g.text) for g in glyphs if g.text.strip() and ord(g.text) > 0x600]
    assert arabic == [
        # عليكم, from the left: its last letter first
        "ARABIC LETTER MEEM FINAL FORM",
        "ARABIC LETTER KAF MEDIAL FORM",
        "ARABIC LETTER YEH MEDIAL FORM",
        "ARABIC LETTER LAM MEDIAL FORM",
        "ARABIC LETTER AIN INITIAL FORM",
        # سلام: alef does not join the meem after it; lam and alef are one
        "ARABIC LETTER MEEM ISOLATED FORM",
        "ARABIC LIGATURE LAM WITH ALEF FINAL FORM",
        "ARABIC LETTER SEEN INITIAL FORM",
    ]
    assert all(glyph.glyph for glyph in glyphs)


def test_vowel_marks_are_kept_each_before_its_letter_as_the_font_places_them():
    glyphs = _letters(_drawn(_sheet_with("مُحَمَّد and שָׁלוֹם")))
    arabic = [ch for ch in glyphs if 0x600 <= ord(ch) <= 0x6FF]
    # from the left: dal, then (shadda, fatha) over the second meem, meem, fatha, hah, damma, meem
    assert "".join(arabic) == "د\u0651\u064eم\u064eح\u064fم"
    hebrew = [ch for ch in glyphs if 0x590 <= ord(ch) <= 0x5FF]
    # from the left: final mem, holam over vav, vav, lamed, (shin dot, qamats) on shin, shin
    assert "".join(hebrew) == "ם\u05b9ול\u05c1\u05b8ש"


def _lines(data: bytes) -> list[tuple[str, float, float]]:
    """Each line of the first page's body as PDFium reads it: its text (PDFium puts a line
    read right to left back in the order typed), its left and its right edge in points."""
    page = pypdfium2.PdfDocument(data)[0]
    text_page = page.get_textpage()
    lines: list[tuple[str, float, float]] = []
    text, edges = "", []
    for index in range(text_page.count_chars() + 1):
        ch = text_page.get_text_range(index, 1) if index < text_page.count_chars() else "\n"
        if ch in "\r\n":
            if edges:
                lines.append((text, min(a for a, _ in edges), max(b for _, b in edges)))
            text, edges = "", []
            continue
        text += ch
        left, _, right, _ = text_page.get_charbox(index)
        if right > left:
            edges.append((left, right))
    return lines


def test_a_paragraph_read_right_to_left_breaks_in_the_order_typed_and_is_set_from_the_right():
    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע", "עשר"]
    typed = " ".join(words * 4)
    data = _sheet_with(typed)
    lines = [line for line in _lines(data) if any("\u05d0" <= ch <= "\u05ea" for ch in line[0])]
    assert len(lines) >= 2, "long enough to break"
    # read back in the order typed, line after line: the first words on the first line
    assert " ".join(line[0].strip() for line in lines) == typed
    rights = [right for _, _, right in lines]
    assert max(rights) - min(rights) < 1.5, "every line ends at the right edge"
    lefts = [left for _, left, _ in lines]
    assert lefts[-1] > min(lefts[:-1]) + 20, "the last, shorter line leaves room on the left"


def test_the_read_back_reads_a_line_read_right_to_left_in_the_order_typed():
    data = _sheet_with("مرحبا بكم في المجموعة", "שלום לכולם")
    text = output_text(data, "pdf")
    assert "مرحبا بكم في المجموعة" in text and "שלום לכולם" in text


def test_an_accent_on_a_letter_of_the_other_direction_is_refused_by_name():
    sheet = Handout(kind="sheet", title="Ideas")
    sheet.para("ש\u0301 and e\u05b8")  # an acute on shin, a qamats on a Latin e
    with pytest.raises(CannotPrintCharacters) as refused:
        sheet.to_pdf()
    assert set(refused.value.characters) == {"\u0301", "\u05b8"}
    assert "out of place" in str(refused.value)


def test_the_printed_page_shows_arabic_joined_from_the_right(tmp_path):
    """Looked at as a picture (pdftoppm): a paragraph of Arabic has its ink at the right of
    the page and none at the left; joined, a word is one stroke, so a line of joined words
    has fewer gaps than the same letters drawn apart."""
    from PIL import Image

    data = _sheet_with("سلام عليكم")
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(data)
    (png,) = render_png(pdf, tmp_path, dpi=100)
    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        band = grey.crop((0, int(height * 0.1), width, int(height * 0.2)))
        columns = [
            any(band.getpixel((x, y)) < 128 for y in range(band.size[1]))  # type: ignore[operator]  # a grey pixel is an int
            for x in range(width)
        ]
    inked = [x for x, ink in enumerate(columns) if ink]
    assert inked and min(inked) > width / 2, "set from the right edge"
    runs = sum(1 for x in range(1, width) if columns[x] and not columns[x - 1])
    # joined: two strokes (a word each); drawn apart the same letters make six
    assert runs <= 3, f"{runs} separate strokes: the letters are not joined"


# -- the adversary ----------------------------------------------------------------------------

HEBREW = "אבגדהוזחטיכךלמםנןסעפףצץקרשת" + "\u05b0\u05b4\u05b7\u05b8\u05bc\u05c1\u05b9"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةى" + "پچژگکی" + "\u064e\u064f\u0650\u0651\u0652"
OTHER = "٠١٢٣٤٥٦٧٨٩" + "AZaz09.,:;!?-+/%'\"" + "  " + "éñ\u0301" + "ߒܫ\u094d🌊"
BRACKETS = "()[]<>«»"

mixed = st.text(st.sampled_from(HEBREW + ARABIC + OTHER + BRACKETS + "\n"), min_size=1, max_size=30)
"""Hebrew, Arabic (with its vowel marks, Persian letters and Arabic digits), Latin, digits,
punctuation, brackets, accents, line breaks and what no font here joins or draws."""


def _everywhere(text: str, *, bold: bool, italic: bool, large: bool) -> Handout:
    sheet = Handout(kind="sheet", title=f"Ideas {text}", organisation=text, large_print=large)
    sheet.heading(text)
    sheet.para("Try ", Run(text, bold=bold, italic=italic), " today.")
    sheet.bullets([text, f"{text} {text} {text} {text}"])
    sheet.table([text, "Notes"], [[text, f"{text} then {text}"]])
    return sheet


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mixed, st.booleans(), st.booleans(), st.booleans())
def test_mixed_writing_prints_whole_or_is_refused_by_name(text, bold, italic, large):
    """In every place a sheet puts text, any mix prints with no empty box and nothing lost,
    or is refused naming each character it cannot print (and then prints without them)."""
    held = drawn(text)
    sheet = _everywhere(text, bold=bold, italic=italic, large=large)
    left: tuple[str, ...] = ()
    try:
        data = sheet.to_pdf()
    except CannotPrintCharacters as refusal:
        left = refusal.characters
        assert left and all(ch in held for ch in left), "refused what was not there"
        assert unicodedata.name(left[0], "").lower() in str(refusal)
        with leaving_out(left):
            data = sheet.to_pdf()
    glyphs = drawn_glyphs(data)
    assert glyphs and all(glyph.glyph for glyph in glyphs), "an empty box"
    shown = Counter(_letters(_drawn(data)))
    kept = Counter(_letters("".join(ch for ch in held if ch not in left)))
    mirrored = {ch for ch in kept if unicodedata.mirrored(ch)}
    lost = {ch: n for ch, n in (kept - shown).items() if ch not in mirrored}
    assert not lost, f"neither printed nor refused: {lost}"
    assert not set(left) & set(shown), "refused, yet printed"


def _as_read(drawn_text: str) -> str:
    """Drawn text as letters: a ligature (lam with alef) is two letters in the order typed,
    so read from the left it is turned round."""
    out = []
    for ch in drawn_text:
        clusters: list[str] = []  # each letter with the marks after it
        for part in unicodedata.normalize("NFKD", ch):
            if clusters and unicodedata.combining(part):
                clusters[-1] += part
            else:
                clusters.append(part)
        out.append(
            "".join(reversed(clusters)) if 0xFB50 <= ord(ch) <= 0xFEFF else "".join(clusters)
        )
    return "".join(ch for ch in "".join(out) if not ch.isspace())


one_line = st.text(
    st.sampled_from(HEBREW + ARABIC + "٠١٢٣AZaz09.,:!-+/% "), min_size=1, max_size=18
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(one_line)
def test_a_line_is_ordered_as_python_bidis_other_implementation_orders_it(text):
    """The order drawn agrees with python-bidi's Rust implementation of the same algorithm
    (mirroring aside: it mirrors no bracket, so there are none here)."""
    held = " ".join(drawn(text).split())
    if not held:
        return
    try:
        data = _sheet_with(held)
    except CannotPrintCharacters as refusal:  # a mark on a letter of the other direction
        with leaving_out(refusal.characters):
            data = _sheet_with(held)
        held = "".join(ch for ch in held if ch not in refusal.characters)
    body = [g.text for g in drawn_glyphs(data)]
    seen = _as_read("".join(body))
    expected = _letters(get_display(held))
    assert expected in seen


@pytest.mark.parametrize(
    "typed",
    [
        "Call سارة today",
        "דנה כהן אמרה תודה",
        "שלום Ali, ask דנה כהן",
        "Ask דנה כהן later",
    ],
)
def test_the_second_wall_reads_a_name_written_right_to_left_as_printed(typed):
    """Were a member's name in Hebrew or Arabic to reach the page past the check, the
    read-back still finds it, even where PDFium reads the words of a name backwards."""
    from voicesgroup.errors import NameInHandout
    from voicesgroup.read_back import check_read_back

    data = _sheet_with(typed)
    with pytest.raises(NameInHandout) as refused:
        check_read_back(data, "pdf", kind="sheet", checked=[], members=["سارة", "דנה כהן"])
    assert refused.value.name in typed


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mixed)
def test_mixed_writing_in_the_report_prints_whole_or_is_refused_by_name(text):
    """The report's own layout (title, paragraph, table with a repeated heading, chart labels
    and key, footer) keeps the same promise."""
    from voicesgroup.handouts.layout import Layout

    held = drawn(text)

    def build() -> bytes:
        page = Layout([held, "Visits", "Jan", "Feb", "Month"])
        story = [
            page.para(held, "title"),
            page.para(f"Try {held} today."),
            page.bullet(held),
            page.table(["Month", held], [["Jan", held], [held, "3"]], [0.5, 0.5], heading=held),
            page.chart(held, ["Jan", held], [[1, 2], [2, 1]], [held, "Earlier"]),
        ]
        return page.build(story, title="Report", subject="Report", footer=held)

    left: tuple[str, ...] = ()
    try:
        data = build()
    except CannotPrintCharacters as refusal:
        left = refusal.characters
        assert left and all(ch in held for ch in left)
        with leaving_out(left):
            data = build()
    glyphs = drawn_glyphs(data)
    assert glyphs and all(glyph.glyph for glyph in glyphs), "an empty box"
    shown = Counter(_letters(_drawn(data)))
    kept = Counter(_letters("".join(ch for ch in held if ch not in left)))
    mirrored = {ch for ch in kept if unicodedata.mirrored(ch)}
    assert not {ch: n for ch, n in (kept - shown).items() if ch not in mirrored}


@pytest.mark.parametrize("key", list(KINDS))
def test_every_printout_prints_an_organisation_named_in_arabic_and_hebrew(demo_path, key):
    """Through the one route every printout takes (the name check, the drawing, the
    read-back): the organisation's name, on every footer and some titles, prints joined and
    whole, with nothing said to be left out."""
    import datetime as dt

    from voicesgroup import printing
    from voicesgroup.printing import PrintRequest
    from voicesgroup.store import Store

    name = "جمعية الأمل · עמותת תקווה"
    with Store.open(demo_path) as store:
        store.save_settings(store.settings().model_copy(update={"organisation": name}))
        kind = KINDS[key]
        request = PrintRequest(
            key,
            group=store.find_group("Tuesday Voices") if kind.needs_group else None,
            member=store.find_member("Aisha") if kind.needs_member else None,
            skip_unchecked=True,
            since=dt.date(2024, 3, 1),
            until=dt.date(2025, 3, 10),
        )
        printed = printing.make(store, request)
    glyphs = drawn_glyphs(printed.data)
    assert glyphs and all(glyph.glyph for glyph in glyphs)
    assert not any("left out" in sentence or "without" in sentence for sentence in printed.said)
    if kind.blank:
        return
    shown = _letters(_drawn(printed.data))
    # one run read right to left ("·" between two such words reads with them): from the left,
    # the Hebrew name's last word first, then the Arabic name's
    hebrew, arabic = _letters("הווקת תתומע"), _letters("ةيعمج")
    assert hebrew in shown and arabic in shown
    assert shown.index(hebrew) < shown.index(arabic)


def test_joining_that_would_lose_a_mark_is_refused_by_name_not_raised(monkeypatch):
    """Were the joining library to drop or change a character (here, a stand-in that drops
    every fatha), the check refuses the Arabic it could not join, in the one sentence, before
    anything is drawn: nothing is lost silently and no error escapes."""
    from voicesgroup.handouts import directions

    class Dropping:
        def reshape(self, text: str) -> str:
            return text.replace("\u064e", "")

    monkeypatch.setattr(directions, "shaping_for", lambda covered: Dropping())
    sheet = Handout(kind="sheet", title="Ideas")
    sheet.para("Write كَتَبَ here")
    with pytest.raises(CannotPrintCharacters) as refused:
        sheet.to_pdf()
    assert set(refused.value.characters) == set("كتب")
    assert "arabic letter kaf" in str(refused.value)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(mixed, st.floats(min_value=5, max_value=120), st.booleans())
def test_lines_fit_their_width_and_keep_every_character(text, room, rtl):
    """`directions.lines` on its own, with a width of one unit a character: no line is
    wider than the room unless it is one letter with its marks, and the lines hold every
    character but the spaces between words (a line break ends a line, a tab is a space)."""
    from voicesgroup.handouts import directions

    chars = [(ch, i % 3) for i, ch in enumerate(text)]

    def measure(line: directions.Styled) -> float:
        return float(sum(0 if unicodedata.category(ch) in ("Mn", "Me") else 10 for ch, _ in line))

    lines = directions.lines(chars, (room, room), measure, rtl)
    for line in lines:
        letters = [ch for ch, _ in line if unicodedata.category(ch) not in ("Mn", "Me")]
        assert measure(line) <= room or len(letters) == 1, line
    drawn_chars = Counter(ch for line in lines for ch, _ in line if ch != " ")
    typed = Counter(ch for ch in text if ch not in " \n\t")
    mirrored = {ch for ch in typed if unicodedata.mirrored(ch)}
    lost = {ch: n for ch, n in (typed - drawn_chars).items() if ch not in mirrored}
    assert not lost
    # each character keeps the tag of its run (its bold and italic)
    tags = {ch: set() for ch in typed}
    for i, ch in enumerate(text):
        if ch in tags:
            tags[ch].add(i % 3)
    assert all(
        tag in tags.get(ch, {tag}) or ch in mirrored
        for line in lines
        for ch, tag in line
        if ch != " "
    )
