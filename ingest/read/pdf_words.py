"""Words with boxes and font facts from a PDF page's text layer (pypdfium2).

pdfium reports every character with its box; words are runs of characters without a
space between them. Font size comes from the character's loose box (pdfium's own size is
scaled by the text matrix in some producers), bold and italic from the font name and
flags, which are reliable where the font weight often is not.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.read.layout import Box, Word

_FLAG_ITALIC = 1 << 6
_FLAG_BOLD = 1 << 18
# Characters pdfium returns for a hyphen it knows ends a line (soft hyphen) or that are controls.
_HYPHENS = {0x02: "-", 0xAD: "-", 0xFFFE: "-"}
_SPACES = {0x20, 0xA0, 0x09, 0x0A, 0x0D, 0x3000} | set(range(0x2000, 0x200C))


@dataclass(frozen=True)
class Rule:
    """A thin drawn line (or a very flat/narrow rectangle): table rules, separators."""

    box: Box

    @property
    def horizontal(self) -> bool:
        return self.box.height <= 2.5 and self.box.width > 3 * self.box.height


def _font(textpage: pdfium.PdfTextPage, index: int, buf: ctypes.Array[ctypes.c_char]) -> tuple[bool, bool]:
    flags = ctypes.c_int(0)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, len(buf), ctypes.byref(flags))
    name = buf.value.decode("latin-1", "replace").lower()
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    bold = any(k in name for k in ("bold", "black", "heavy", "semibold", "demi")) or weight >= 600
    bold = bold or bool(flags.value & _FLAG_BOLD)
    italic = "italic" in name or "oblique" in name or bool(flags.value & _FLAG_ITALIC)
    return bold, italic


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """The page's words in content order, boxes in top-left-origin points."""
    height = page.get_height()
    textpage = page.get_textpage()
    buf = ctypes.create_string_buffer(256)
    words: list[Word] = []
    chars: list[str] = []
    box: list[float] = []
    font: tuple[bool, bool] = (False, False)
    prev_right = prev_bottom = 0.0
    prev_size = 0.0

    def flush() -> None:
        if chars:
            size = box[3] - box[1]
            words.append(Word("".join(chars), Box(box[0], box[1], box[2], box[3]), round(size, 2), *font))
        chars.clear()

    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if code in _SPACES or (pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1 and code not in _HYPHENS):
            flush()
            continue
        if code < 0x20 and code not in _HYPHENS:
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        y0, y1 = height - top, height - bottom
        size = y1 - y0
        if size <= 0:
            continue
        # A jump back or down, or a gap wider than a third of the font size, ends the word
        # even without a space (text placed glyph by glyph, table cells drawn back to back).
        if chars and (
            left < prev_right - 0.5 * size
            or left - prev_right > 0.33 * max(size, prev_size)
            or abs(y1 - prev_bottom) > 0.5 * size
        ):
            flush()
        if not chars:
            box = [left, y0, right, y1]
            font = _font(textpage, i, buf)
        else:
            box = [min(box[0], left), min(box[1], y0), max(box[2], right), max(box[3], y1)]
        chars.append(_HYPHENS.get(code, chr(code)))
        prev_right, prev_bottom, prev_size = right, y1, size
    flush()
    return words


def page_shapes(page: pdfium.PdfPage) -> tuple[list[Rule], list[Box]]:
    """(rules, marks) in one walk over the page's drawn objects (a browser-printed page has
    thousands; walking them once per kind cost a third of the reading time).

    Rules: thin horizontal and vertical paths, the lines a table may be drawn with. Marks: small
    drawn shapes and images, the bullets a browser or word processor draws instead of a "•"."""
    height = page.get_height()
    rules: list[Rule] = []
    marks: list[Box] = []
    kinds = [pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE]
    for obj in page.get_objects(filter=kinds, max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        box = Box(left, height - top, right, height - bottom)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and ((h <= 2.5 and w >= 8) or (w <= 2.5 and h >= 8)):
            rules.append(Rule(box))
        if 1.5 <= w <= 8 and 1.5 <= h <= 8 and 0.5 <= w / h <= 2:
            marks.append(box)
    return rules, marks
