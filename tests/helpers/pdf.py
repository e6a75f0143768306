"""Reading PDFs back in tests: text, font sizes, the glyphs drawn, page images."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

if TYPE_CHECKING:
    from voicesgroup.store import Store

_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, page after page, as pypdf extracts it."""
    reader = pdf_reader(data)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _shown(operands: list) -> bool:
    """Whether a text-showing operator draws anything but spaces."""
    for operand in operands:
        if isinstance(operand, list):
            if _shown(operand):
                return True
        elif isinstance(operand, bytes | str):
            text = operand.decode("latin-1") if isinstance(operand, bytes) else operand
            if text.strip():
                return True
    return False


def pdf_font_sizes(data: bytes) -> set[float]:
    """The sizes (in points) of every font that actually draws visible text.

    Reads the content streams: `Tf` sets the size, `Tm` may scale it, and a size counts
    only when a text operator (Tj, TJ, ', ") then shows something other than spaces.
    """
    reader = pdf_reader(data)
    sizes: set[float] = set()
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        stream = ContentStream(contents, reader)
        size, scale = 0.0, 1.0
        for operands, operator in stream.operations:
            if operator == b"Tf":
                size = float(operands[1])
            elif operator == b"Tm":
                scale = abs(float(operands[3])) or 1.0
            elif operator == b"BT":
                scale = 1.0
            elif operator in _SHOW_TEXT and _shown(list(operands)):
                sizes.add(round(size * scale, 2))
    return sizes


def render_png(pdf_path: Path, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    """Each page of `pdf_path` as a PNG in `out_dir` (skips the test without pdftoppm)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / Path(pdf_path).stem
    subprocess.run([tool, "-png", "-r", str(dpi), str(pdf_path), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{prefix.name}*.png"))


INK_LEVEL = 160
"""A pixel darker than this (0 black, 255 white) is ink."""


def ink_profile(png: Path) -> tuple[float, float]:
    """How much of a page image is ink, overall and above the footer band (the bottom 12%).

    A blank page is (0, 0); a page holding only a footer has ink overall but none above it.
    """
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        pixels = grey.load()
        assert pixels is not None, f"{png} has no pixels to read"
        body_bottom = int(height * 0.88)
        body = overall = 0
        for y in range(0, height, 2):
            for x in range(0, width, 2):
                if pixels[x, y] < INK_LEVEL:  # type: ignore[operator]  # a grey pixel is an int
                    overall += 1
                    if y < body_bottom:
                        body += 1
        cells = (width // 2 + 1) * (height // 2 + 1)
    return overall / cells, body / cells


def render_checked(data: bytes, out_dir: Path, name: str, *, dpi: int = 40) -> list[Path]:
    """Render every page of the PDF `data` to PNG (kept in `out_dir` to look at) and fail
    on a page with no ink where text belongs: a blank page, or one holding only a footer."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / f"{name}.pdf"
    pdf.write_bytes(data)
    pages = render_png(pdf, out_dir, dpi=dpi)
    pages = [page for page in pages if page.name.startswith(f"{name}-")]
    assert len(pages) == len(pdf_reader(data).pages), name
    for page in pages:
        overall, body = ink_profile(page)
        assert body > 0.004, f"{page.name} has no text above its footer (ink {body:.4f})"
        assert overall < 0.6, f"{page.name} is nearly all ink ({overall:.2f})"
    return pages


def printout(store: Store, kind: str, **options: Any) -> bytes:
    """One printout's bytes, made the one way every printout is made (`printing.make`)."""
    from voicesgroup.printing import PrintRequest, make

    return make(store, PrintRequest(kind, **options)).data


@dataclass(frozen=True)
class Glyph:
    """One character a PDF draws: the font it is drawn in (as the PDF names it), the
    character it stands for (from the font's ToUnicode map) and its glyph in the font as
    embedded (0 is the font's "missing" glyph: the empty box)."""

    font: str
    text: str
    glyph: int


def drawn_glyphs(data: bytes) -> list[Glyph]:
    """Every character the PDF's pages draw, in the order drawn, each looked up in the
    character map (cmap) of the font program embedded in the PDF, not in any font file."""
    reader = pdf_reader(data)
    drawn: list[Glyph] = []
    for page in reader.pages:
        contents = page.get_contents()
        if contents is None:
            continue
        resources: Any = page["/Resources"].get_object()
        fonts: Any = resources.get("/Font", {})
        fonts = fonts.get_object() if fonts else {}
        maps: dict[str, tuple[str, dict[int, int], dict[int, str]]] = {}
        current: tuple[str, dict[int, int], dict[int, str]] | None = None
        for operands, operator in ContentStream(contents, reader).operations:
            if operator == b"Tf":
                name = str(operands[0])
                if name not in maps:
                    maps[name] = _font_maps(fonts[name].get_object())
                current = maps[name]
            elif operator in _SHOW_TEXT:
                assert current is not None, "text drawn before any font was set"
                for code in _codes(list(operands)):
                    base, cmap, to_unicode = current
                    drawn.append(Glyph(base, to_unicode.get(code, ""), cmap.get(code, 0)))
    return drawn


def _codes(operands: list[Any]) -> list[int]:
    codes: list[int] = []
    for operand in operands:
        if isinstance(operand, list):
            codes += _codes(operand)
        elif isinstance(operand, bytes):
            codes += list(operand)
        elif isinstance(operand, str):  # pypdf decoded the string: take its bytes as written
            codes += list(getattr(operand, "original_bytes", b"") or operand.encode("latin-1"))
    return codes


def _font_maps(font: Any) -> tuple[str, dict[int, int], dict[int, str]]:
    """A simple font's name, its code → glyph map from the embedded TrueType program, and
    its code → text map. A font with no program embedded maps nothing (every code → 0)."""
    base = str(font.get("/BaseFont", ""))
    descriptor = font.get("/FontDescriptor")
    program = descriptor.get_object().get("/FontFile2") if descriptor is not None else None
    cmap = _truetype_cmap(program.get_object().get_data()) if program is not None else {}
    to_unicode: dict[int, str] = {}
    if "/ToUnicode" in font:
        text = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                to_unicode[int(code, 16)] = _hex_text(value)
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for first, last, value in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                for offset in range(int(last, 16) - int(first, 16) + 1):
                    to_unicode[int(first, 16) + offset] = chr(int(value, 16) + offset)
    return base, cmap, to_unicode


def _hex_text(value: str) -> str:
    """A ToUnicode value: UTF-16BE as the PDF standard says, or (as ReportLab writes a
    character beyond the first 65,536) the code point itself."""
    raw = bytes.fromhex(value if len(value) % 2 == 0 else "0" + value)
    if len(value) <= 4 or len(value) % 4:
        return chr(int(value, 16))
    return raw.decode("utf-16-be", errors="replace")


def _truetype_cmap(font: bytes) -> dict[int, int]:
    """Code → glyph from a TrueType program's cmap table (formats 0, 4 and 6: what an
    embedded subset carries)."""
    tables = {}
    (count,) = struct.unpack(">H", font[4:6])
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        tables[tag] = font[offset : offset + length]
    table = tables[b"cmap"]
    (subtables,) = struct.unpack(">H", table[2:4])
    found: dict[int, int] = {}
    for i in range(subtables):
        (offset,) = struct.unpack(">I", table[8 + 8 * i : 12 + 8 * i])
        sub = table[offset:]
        (fmt,) = struct.unpack(">H", sub[:2])
        if fmt == 0:
            found.update(enumerate(sub[6 : 6 + 256]))
        elif fmt == 6:
            first, entries = struct.unpack(">HH", sub[6:10])
            glyphs = struct.unpack(f">{entries}H", sub[10 : 10 + 2 * entries])
            found.update({first + n: glyph for n, glyph in enumerate(glyphs)})
        elif fmt == 4:
            (doubled,) = struct.unpack(">H", sub[6:8])
            n = doubled // 2
            ends = struct.unpack(f">{n}H", sub[14 : 14 + doubled])
            at = 16 + doubled
            starts = struct.unpack(f">{n}H", sub[at : at + doubled])
            deltas = struct.unpack(f">{n}h", sub[at + doubled : at + 2 * doubled])
            range_at = at + 2 * doubled
            offsets = struct.unpack(f">{n}H", sub[range_at : range_at + doubled])
            for k in range(n):
                for code in range(starts[k], ends[k] + 1):
                    if code == 0xFFFF:
                        continue
                    if offsets[k] == 0:
                        glyph = (code + deltas[k]) & 0xFFFF
                    else:
                        where = range_at + 2 * k + offsets[k] + 2 * (code - starts[k])
                        (glyph,) = struct.unpack(">H", sub[where : where + 2])
                        glyph = (glyph + deltas[k]) & 0xFFFF if glyph else 0
                    found.setdefault(code, glyph)
    return found
