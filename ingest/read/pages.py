"""Read every page of a PDF with positions: pypdfium2's text layer, or OCR where a page has none."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from ingest.read.blocks import build_layout, link_tables
from ingest.read.layout import Box, PageLayout, StoredLayout
from ingest.read.ocr import OcrError, ocr_page, tesseract_available
from ingest.read.pdf_words import Rule, page_shapes, page_words

log = logging.getLogger(__name__)


def _ocr_layout(page: pdfium.PdfPage, page_no: int, width: float, height: float) -> PageLayout | None:
    try:
        result = ocr_page(page)
    except OcrError as exc:
        log.warning("OCR of page %d failed: %s", page_no, exc)
        return None
    if not result.words:
        return None
    return build_layout(page_no, width, height, result.words, ocr=True, confidence=round(result.mean_confidence, 1))


def layout_pages(
    pdf: pdfium.PdfDocument,
    limit: int,
    on_page: Callable[[int, int], None] | None = None,
    min_chars: int = 25,
    ocr: bool = True,
) -> list[PageLayout]:
    """The first ``limit`` pages as layouts; a page with (almost) no text layer is OCR'd when
    tesseract is there. A page that cannot be read at all becomes an empty layout."""
    layouts: list[PageLayout] = []
    for i in range(limit):
        page = pdf[i]
        try:
            width, height = page.get_size()
            try:
                words = page_words(page)
                rules, marks = page_shapes(page)
                layout = build_layout(i + 1, width, height, words, rules, marks=marks)
            except Exception as exc:  # one bad content stream must not lose the document
                log.warning("page %d unreadable: %s", i + 1, exc)
                layout = build_layout(i + 1, width, height, [])
            if ocr and len(layout.text) < min_chars and tesseract_available():
                layout = _ocr_layout(page, i + 1, width, height) or layout
            layouts.append(layout)
        finally:
            page.close()
        if on_page is not None:
            on_page(i + 1, limit)
    link_tables(layouts)
    return layouts


def read_layouts(path: Path, password: str = "") -> list[PageLayout]:
    pdf = pdfium.PdfDocument(str(path), password=password or None)
    try:
        return layout_pages(pdf, len(pdf))
    finally:
        pdf.close()


def rebuild_layout(stored: StoredLayout, text: str) -> PageLayout | None:
    """The page's blocks again from its stored words (no PDF needed), or None when this reader
    would build another page text from them (stored by an older reader: re-read the PDF)."""
    rules = [Rule(Box(*r)) for r in stored.rules]
    layout = build_layout(
        stored.page,
        stored.width,
        stored.height,
        stored.words_of(text),
        rules,
        stored.ocr,
        stored.confidence,
        [Box(*m) for m in stored.marks],
    )
    return layout if layout.text == text else None
