"""A member's handout prints what was typed, or says plainly it cannot: never an empty box,
never a letter unjoined or out of place (`voicesgroup/handouts/fonts.py`). Hebrew and Arabic
print in the order they are read: `tests/core/test_right_to_left.py`.

Each PDF is read back glyph by glyph (`tests.helpers.pdf.drawn_glyphs`): the character each
code stands for, and its glyph in the font program embedded in the PDF, where glyph 0 is the
empty box.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli import assert_one_clear_line, run
from tests.helpers.pdf import drawn_glyphs
from voicesgroup import printing
from voicesgroup.errors import CannotPrintCharacters
from voicesgroup.handouts import Handout, Run
from voicesgroup.handouts.layer import leaving_out
from voicesgroup.normalise import drawn
from voicesgroup.printing import KINDS, PrintRequest
from voicesgroup.store import Store

HARD = (
    "🌊😀🌻👍🏽🇬🇧❤☺✓→€£ßśńąęłőűŁĳ"  # emoji, symbols, Latin letters Vera lacks
    "ΩμέγαЖПривет王你好かな한글"  # Greek, Cyrillic, Chinese, Japanese, Korean
    "שלוםمرحباܫܠܡߒߞ"  # Hebrew, Arabic, Syriac, N'Ko: right to left, the last two joined
    "\u0301\u0308\u20dd\u2028\u00a0\u2002 \n\t"  # combining marks, line and odd spaces
    "ทยहिन्दीதமிழ்ᏣᎳᎩ𝔄𝟘"  # Thai, Devanagari, Tamil, Cherokee, mathematical letters
)
"""Characters a sheet meets and fonts often lack, beside anything Unicode assigns."""

texts = st.one_of(
    st.text(st.sampled_from(HARD) | st.characters(codec="latin-1"), min_size=1, max_size=24),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=24),
)


def _sheet(text: str, *, bold: bool, italic: bool, large: bool) -> Handout:
    """A sheet carrying `text` in every place a PDF draws text: the title, the footer (the
    organisation), a heading, a paragraph run, a list, a table's plain cell and its header."""
    sheet = Handout(kind="sheet", title=f"Ideas {text}", organisation=text, large_print=large)
    sheet.heading(text)
    sheet.para("Try ", Run(text, bold=bold, italic=italic), " today.")
    sheet.bullets([text])
    sheet.table([text], [[text]])
    return sheet


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _as_typed(shown: str) -> str:
    """Drawn text read back as characters: Arabic's joined forms as the letters typed, and
    every accent apart from its letter (drawn in another order, a mark may come to stand
    after another letter than its own)."""
    return unicodedata.normalize("NFKD", shown)


def _order_kept(kept: str, shown: str) -> None:
    """Left-to-right text is drawn in the order typed; text holding Hebrew or Arabic is drawn
    in another order (`tests/core/test_right_to_left.py` checks which), but whole."""
    if not any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") for ch in kept):
        assert f"Try{kept}today." in _visible(shown)
        return
    drawn_chars = Counter(_visible(_as_typed(shown)))
    typed = Counter(_visible(_as_typed(f"Try{kept}today.")))
    mirrored = {ch for ch in typed if unicodedata.mirrored(ch)}  # "(" may be drawn as ")"
    missing = {ch: n for ch, n in (typed - drawn_chars).items() if ch not in mirrored}
    assert not missing, f"not drawn: {missing}"


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts, st.booleans(), st.booleans(), st.booleans())
def test_any_text_is_drawn_glyph_for_glyph_or_refused_by_name(text, bold, italic, large):
    sheet = _sheet(text, bold=bold, italic=italic, large=large)
    held = drawn(text)  # what the sheet holds: the one normalisation every output shares
    left: tuple[str, ...] = ()
    try:
        data = sheet.to_pdf()
    except CannotPrintCharacters as refusal:
        left = refusal.characters
        assert left and all(ch in held for ch in left), "refused what was not there"
        sentence = str(refusal)
        assert sentence.startswith("The sheet was not made: ")
        assert unicodedata.name(left[0], "").lower() in sentence  # named in words
        with leaving_out(left):  # the way through: without exactly these, nothing else
            data = sheet.to_pdf()
    glyphs = drawn_glyphs(data)
    boxes = [glyph for glyph in glyphs if glyph.glyph == 0]
    assert not boxes, f"drawn as an empty box: {boxes}"
    shown = "".join(glyph.text for glyph in glyphs)
    assert not set(left) & set(_as_typed(shown)), "left out, yet drawn"
    kept = _visible("".join(ch for ch in held if ch not in left))
    # Whole, and in the order typed where it reads left to right: the paragraph draws the
    # text between "Try" and "today."
    _order_kept(kept, shown)


def test_letters_of_several_fonts_are_drawn_in_the_order_typed():
    text = "Małgorzata Śliwińska, Ωμέγα, Привет"
    sheet = Handout(kind="sheet", title="Ideas")
    sheet.para(text)
    glyphs = drawn_glyphs(sheet.to_pdf())
    assert _visible(text) in _visible("".join(glyph.text for glyph in glyphs))
    fonts = {glyph.font.split("+")[-1] for glyph in glyphs if glyph.text in "śΩП"}
    assert fonts == {"DejaVuSans"}, "each letter Vera lacks comes from the shipped DejaVu Sans"
    assert all(glyph.glyph for glyph in glyphs)


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Breathe 🌊 slowly", "water wave"),
        ("ܫܠܡܐ", "syriac letter shin"),  # joined, right to left: no font here joins it
        ("ߒߞߏ", "nko letter n"),  # DejaVu Sans has N'Ko's letters, but not joined
        ("नमस्ते", "devanagari letter na"),
        ("Call Ana ☎️ 👍🏽", "thumbs up sign"),  # ☎ prints (DejaVu has it); 👍 does not
    ],
)
def test_what_cannot_be_printed_as_typed_is_named_in_one_sentence(typed, named):
    sheet = Handout(kind="coping strategies sheet", title="What helps")
    sheet.para(typed)
    with pytest.raises(CannotPrintCharacters) as refused:
        sheet.to_pdf()
    sentence = str(refused.value)
    assert named in sentence and f"“{drawn(typed)}”" in sentence
    assert sentence.count(". ") <= 3 and sentence.endswith("Nothing was saved.")
    assert "\n" not in sentence


def test_a_joined_script_no_font_here_joins_is_refused_as_unjoined_and_the_rest_prints():
    sheet = Handout(kind="sheet", title="What helps")
    sheet.para("Shalom שלום, shukran شكرا and ߒߞߏ")
    with pytest.raises(CannotPrintCharacters) as refused:
        sheet.to_pdf()
    assert "unjoined or out of place" in str(refused.value)
    assert set(refused.value.characters) == set("ߒߞߏ")
    with leaving_out(refused.value.characters):
        shown = _as_typed("".join(glyph.text for glyph in drawn_glyphs(sheet.to_pdf())))
    assert "Shalom" in shown and "shukran" in shown and "םולש" in shown and "اركش" in shown
    assert not set("ߒߞߏ") & set(shown)


@pytest.mark.parametrize("key", list(KINDS))
def test_every_printout_takes_the_same_check(demo_path, key):
    """The check lives where every PDF is drawn: each kind in the registry, the team sheet
    and the report included, refuses a symbol in the organisation's name (on each footer),
    and prints without it only when asked."""
    with Store.open(demo_path) as store:
        settings_now = store.settings()
        store.save_settings(settings_now.model_copy(update={"organisation": "Riverside 🌻"}))
        kind = KINDS[key]
        request = PrintRequest(
            key,
            group=store.find_group("Tuesday Voices") if kind.needs_group else None,
            member=store.find_member("Aisha") if kind.needs_member else None,
            skip_unchecked=True,
            since=dt.date(2024, 3, 1),
            until=dt.date(2025, 3, 10),
        )
        if kind.blank:  # nothing from the data file is on it: nothing to refuse, no box
            glyphs = drawn_glyphs(printing.make(store, request).data)
            assert glyphs and all(glyph.glyph for glyph in glyphs)
            return
        with pytest.raises(CannotPrintCharacters, match="sunflower"):
            printing.make(store, request)
        printed = printing.make(store, dataclasses.replace(request, leave_out=("🌻",)))
    glyphs = drawn_glyphs(printed.data)
    assert glyphs and all(glyph.glyph for glyph in glyphs)
    assert "🌻" not in "".join(glyph.text for glyph in glyphs)
    assert any("sunflower" in sentence for sentence in printed.said)


@pytest.mark.parametrize(
    "command",
    [
        ["print", "agreement", "--group", "Tuesday Voices"],
        ["print", "team-sheet"],
        ["facilitator", "sheet"],
        ["report", "--from", "2024-03-01", "--to", "2025-03-10"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_the_command_line_refuses_in_one_line_and_prints_without_when_told(
    capsys, demo_path, tmp_path, command
):
    with Store.open(demo_path) as store:
        settings_now = store.settings()
        store.save_settings(settings_now.model_copy(update={"organisation": "Riverside 🌻"}))
    out = tmp_path / "printout.pdf"
    args = ["--db", str(demo_path), *command, "--out", str(out)]
    code, _, err = run(capsys, *args)
    assert code != 0 and not out.exists()
    assert_one_clear_line(err)
    assert "sunflower" in err and "--without-symbols" in err
    code, wrote, err = run(capsys, *args, "--without-symbols")
    assert code == 0 and out.exists() and "Wrote" in wrote, err
    assert "Printed without 1 symbol, as asked: sunflower." in err
    glyphs = drawn_glyphs(out.read_bytes())
    assert glyphs and all(glyph.glyph for glyph in glyphs)
    assert "Riverside" in "".join(glyph.text for glyph in glyphs)


def test_a_font_is_read_only_when_a_character_needs_it():
    probe = (
        "import sys\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "from voicesgroup.handouts import Handout\n"
        "sheet = Handout(kind='sheet', title='Ideas')\n"
        "sheet.para('Feet on the floor, café and naïve: Vera has these.')\n"
        "sheet.helplines('If you need to talk', [('Samaritans', 'Call 116 123', 'Any time')])\n"
        "sheet.to_pdf()\n"
        "print(sorted(name for name in pdfmetrics._fonts if name.startswith('Handout')))\n"
        "sheet.para('Śliwińska')\n"
        "sheet.to_pdf()\n"
        "print(sorted(name for name in pdfmetrics._fonts if name.startswith('Handout')))\n"
    )
    lines = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert "Dejavu" not in lines[0] and "HandoutVera" in lines[0]
    assert "HandoutDejavu" in lines[1] and "Droid" not in lines[1]


@pytest.mark.parametrize("ch", ["\u093f", "\u094d", "\u0bcd", "\u0dcf", "\u102b"])
def test_a_letter_shaping_would_move_or_join_is_never_drawn_whatever_font_has_it(ch):
    from voicesgroup.handouts import fonts

    # Devanagari's vowel sign i is written before its letter, a virama joins two letters:
    # without a shaping engine they come out in the wrong place, so no font is asked.
    assert fonts.needs_shaping(ch) and fonts.family_for(ch) is None
    assert not fonts.needs_shaping("\u0301")  # an accent over a Latin letter is drawn as is


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(texts)
def test_the_report_layout_draws_glyph_for_glyph_or_refuses_by_name(text):
    """The report is laid out by its own code (`handouts.layout`): the same rule holds for
    its headings, table cells, chart labels and footer."""
    from voicesgroup.handouts.layout import Layout

    held = drawn(text)
    everything = [held, "Visits", "Jan", "Feb"]
    left: tuple[str, ...] = ()

    def build() -> bytes:
        page = Layout(everything)
        story = [
            page.para(held, "title"),
            page.para(f"Try {held} today."),
            page.table(["Month", held], [["Jan", held], [held, "3"]], [0.5, 0.5], heading=held),
            page.chart("Visits", ["Jan", "Feb"], [[1, 2]], [held]),
        ]
        return page.build(story, title="Report", subject="Report", footer=held)

    try:
        data = build()
    except CannotPrintCharacters as refusal:
        left = refusal.characters
        assert unicodedata.name(left[0], "").lower() in str(refusal)
        with leaving_out(left):
            data = build()
    glyphs = drawn_glyphs(data)
    assert glyphs and all(glyph.glyph for glyph in glyphs)
    shown = "".join(glyph.text for glyph in glyphs)
    assert not set(left) & set(_as_typed(shown))
    kept = _visible("".join(ch for ch in held if ch not in left))
    _order_kept(kept, shown)


def test_a_character_beyond_the_first_65536_is_read_back_as_itself():
    """DejaVu Sans draws some emoji in outline (😀) and some old scripts (𐌀); the read-back
    (PDFium) must read what was drawn, so the second wall checks the text on the page."""
    from voicesgroup.read_back import output_text

    sheet = Handout(kind="sheet", title="Ideas")
    sheet.para("Marcia 😀 and 𐌀 done")
    data = sheet.to_pdf()
    assert "Marcia 😀 and 𐌀 done" in output_text(data, "pdf")
    assert all(glyph.glyph for glyph in drawn_glyphs(data))


def test_the_last_wall_refuses_what_a_renderer_draws_past_the_fonts(monkeypatch):
    """Were a renderer to draw a piece without asking `fonts.runs` (here, every piece is
    said to be Vera's), ReportLab's step from text to the font's codes refuses it: the
    empty box is never drawn, whatever the code above it does."""
    from voicesgroup.handouts import fonts

    monkeypatch.setattr(fonts, "runs", lambda text: [(fonts.base(), text)] if text else [])
    monkeypatch.setattr(fonts, "check", lambda texts, kind: None)
    sheet = Handout(kind="sheet", title="Ideas")
    sheet.para("Breathe 🌊 slowly")
    with pytest.raises(CannotPrintCharacters, match="water wave"):
        sheet.to_pdf()
