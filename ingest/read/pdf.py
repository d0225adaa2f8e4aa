"""Open one PDF safely and read it page by page, with positions.

Every way a file can be unusable maps to one :class:`PdfRejected` reason with a
specific Dutch message, so a batch can report it and carry on. pypdf checks the file
(encryption, page tree); pypdfium2 reads it: words with boxes, blocks, and the page text
built from them (``ingest.read``). A page without a text layer is read by OCR when
tesseract is installed; a page OCR'd with too little confidence is kept out of answers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ingest.read.layout import PageLayout
from ingest.read.pages import layout_pages
from prompts import ingest as P

log = logging.getLogger(__name__)

# Magic bytes of formats people save with a .pdf name by mistake.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"PK\x03\x04", "ZIP/Office (docx, xlsx)"),
    (b"\xd0\xcf\x11\xe0", "Office 97-2003 (doc, xls)"),
    (b"{\\rtf", "RTF"),
]


class PdfRejected(Exception):
    """A file that cannot be ingested; ``reason`` is a stable code, ``message`` Dutch."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class ExtractedPdf:
    pages: list[str]  # the stored page texts: layouts[i].text
    page_count: int
    encrypted: bool = False
    warnings: list[str] = field(default_factory=list)
    layouts: list[PageLayout] = field(default_factory=list)
    # 1-based pages whose OCR confidence is below the floor: stored and shown, never used to answer.
    unreliable_pages: list[int] = field(default_factory=list)


def sniff_format(head: bytes) -> str | None:
    """Name of the format ``head`` looks like when it is not a PDF, else None."""
    if b"%PDF-" in head[:1024]:
        return None
    for magic, name in _SIGNATURES:
        if head.startswith(magic):
            return name
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    return P.PDF_UNKNOWN_FORMAT_NL


_WS_RUN = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def normalise_page_text(text: str) -> str:
    """The stored form of a page: pypdf text with tidy whitespace, line breaks kept.

    Everything downstream (chunks, citations) is an exact slice of this string.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [_WS_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def read_pdf(
    path: Path,
    password: str = "",
    max_pages: int = 2000,
    min_chars_per_page: int = 25,
    on_page: Callable[[int, int], None] | None = None,
    ocr: bool = True,
    ocr_min_confidence: float = 60.0,
) -> ExtractedPdf:
    """Read ``path`` (page texts and layouts) or raise :class:`PdfRejected`."""
    size = path.stat().st_size
    if size == 0:
        raise PdfRejected("empty", P.PDF_EMPTY_NL)
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    fmt = sniff_format(head)
    if fmt is not None:
        raise PdfRejected("not_pdf", P.PDF_NOT_PDF_NL.format(format=fmt))
    # A complete PDF ends with %%EOF; without it the file was cut off and any text
    # we could salvage would be indexed as if it were the whole document.
    if b"%%EOF" not in tail:
        raise PdfRejected("corrupt", P.PDF_TRUNCATED_NL)
    try:
        reader = PdfReader(str(path), strict=False)
    except PyPdfError as exc:
        raise PdfRejected("corrupt", P.PDF_DAMAGED_NL.format(problem=exc)) from exc
    except Exception as exc:  # pypdf raises plain ValueError/KeyError on some damage
        raise PdfRejected("corrupt", P.PDF_DAMAGED_NL.format(problem=type(exc).__name__)) from exc

    encrypted = bool(reader.is_encrypted)
    warnings: list[str] = []
    if encrypted:
        # An /Encrypt dictionary with an empty user password is only a permissions flag.
        opened = _try_decrypt(reader, "") or (password and _try_decrypt(reader, password))
        if not opened:
            raise PdfRejected("encrypted", P.PDF_ENCRYPTED_NL)
        warnings.append(P.PDF_DECRYPTED_NL)

    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise PdfRejected("corrupt", P.PDF_PAGE_TREE_NL.format(problem=type(exc).__name__)) from exc
    if page_count == 0:
        raise PdfRejected("corrupt", P.PDF_NO_PAGES_NL)
    if page_count > max_pages:
        warnings.append(P.PDF_PAGE_LIMIT_NL.format(pages=page_count, limit=max_pages))

    limit = min(page_count, max_pages)
    try:
        document = pdfium.PdfDocument(str(path), password=password or None)
    except pdfium.PdfiumError as exc:
        raise PdfRejected("corrupt", P.PDF_DAMAGED_NL.format(problem=exc)) from exc
    try:
        layouts = layout_pages(document, limit, on_page, min_chars=min_chars_per_page, ocr=ocr)
    finally:
        document.close()
    pages = [lay.text for lay in layouts]

    ocr_pages = [lay for lay in layouts if lay.ocr]
    unreliable = [lay.page for lay in ocr_pages if (lay.confidence or 0.0) < ocr_min_confidence]
    if ocr_pages:
        mean = sum(lay.confidence or 0.0 for lay in ocr_pages) / len(ocr_pages)
        listed = ", ".join(str(lay.page) for lay in ocr_pages[:10])
        warnings.append(P.PDF_OCR_PAGES_NL.format(pages=listed, confidence=mean))
    if unreliable:
        listed = ", ".join(map(str, unreliable[:10]))
        warnings.append(P.PDF_OCR_UNRELIABLE_NL.format(pages=listed, threshold=ocr_min_confidence))
    total_chars = sum(len(p) for p in pages)
    if total_chars < min_chars_per_page * len(pages):
        reason = P.PDF_NO_TEXT_LAYER_NL if not ocr_pages else P.PDF_TOO_LITTLE_TEXT_NL
        raise PdfRejected(
            "ocr_needed",
            P.PDF_OCR_NEEDED_NL.format(reason=reason, chars=total_chars, pages=len(pages))
            + ("" if ocr_pages or not ocr else f" ({ocr_unavailable_reason()})"),
        )
    empty = [str(i + 1) for i, p in enumerate(pages) if len(p) < min_chars_per_page]
    if empty:
        warnings.append(P.PDF_EMPTY_PAGES_NL.format(pages=", ".join(empty[:10])))
    return ExtractedPdf(
        pages=pages, page_count=page_count, encrypted=encrypted, warnings=warnings, layouts=layouts,
        unreliable_pages=unreliable,
    )


def ocr_unavailable_reason() -> str:
    from ingest.read.ocr import tesseract_available

    return "" if tesseract_available() else P.OCR_UNAVAILABLE_NL


def _try_decrypt(reader: PdfReader, password: str) -> bool:
    try:
        return bool(reader.decrypt(password))
    except Exception as exc:  # e.g. missing AES provider: report, do not crash
        log.warning("decrypt failed: %s", exc)
        return False
