"""Reading PDFs back in tests: text, font sizes, page images."""

from __future__ import annotations

import io
import shutil
import subprocess
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
