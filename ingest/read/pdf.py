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
    return "onbekend formaat"


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
        raise PdfRejected("empty", "leeg bestand (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    fmt = sniff_format(head)
    if fmt is not None:
        raise PdfRejected("not_pdf", f"geen PDF (lijkt op {fmt})")
    # A complete PDF ends with %%EOF; without it the file was cut off and any text
    # we could salvage would be indexed as if it were the whole document.
    if b"%%EOF" not in tail:
        raise PdfRejected("corrupt", "beschadigde of afgekapte PDF (geen %%EOF-einde)")
    try:
        reader = PdfReader(str(path), strict=False)
    except PyPdfError as exc:
        raise PdfRejected("corrupt", f"beschadigde PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises plain ValueError/KeyError on some damage
        raise PdfRejected("corrupt", f"beschadigde PDF ({type(exc).__name__})") from exc

    encrypted = bool(reader.is_encrypted)
    warnings: list[str] = []
    if encrypted:
        # An /Encrypt dictionary with an empty user password is only a permissions flag.
        opened = _try_decrypt(reader, "") or (password and _try_decrypt(reader, password))
        if not opened:
            raise PdfRejected("encrypted", "beveiligd met een wachtwoord (stel WOONZORG_PDF_PASSWORD in)")
        warnings.append("versleutelde PDF geopend")

    try:
        page_count = len(reader.pages)
    except Exception as exc:
        raise PdfRejected("corrupt", f"beschadigde PDF: paginaboom onleesbaar ({type(exc).__name__})") from exc
    if page_count == 0:
        raise PdfRejected("corrupt", "PDF zonder pagina's")
    if page_count > max_pages:
        warnings.append(f"{page_count} pagina's; alleen de eerste {max_pages} zijn verwerkt (limiet)")

    limit = min(page_count, max_pages)
    try:
        document = pdfium.PdfDocument(str(path), password=password or None)
    except pdfium.PdfiumError as exc:
        raise PdfRejected("corrupt", f"beschadigde PDF ({exc})") from exc
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
        warnings.append(f"OCR op pagina {listed} (gemiddelde zekerheid {mean:.0f}%)")
    if unreliable:
        listed = ", ".join(map(str, unreliable[:10]))
        warnings.append(f"pagina {listed}: OCR te onzeker (< {ocr_min_confidence:.0f}%), niet gebruikt voor antwoorden")
    total_chars = sum(len(p) for p in pages)
    if total_chars < min_chars_per_page * len(pages):
        reason = "geen tekstlaag" if not ocr_pages else "ook met OCR te weinig tekst"
        raise PdfRejected(
            "ocr_needed",
            f"{reason} ({total_chars} tekens op {len(pages)} pagina's): OCR nodig"
            + ("" if ocr_pages or not ocr else f" ({ocr_unavailable_reason()})"),
        )
    empty = [str(i + 1) for i, p in enumerate(pages) if len(p) < min_chars_per_page]
    if empty:
        warnings.append(f"pagina's zonder tekst (OCR nodig?): {', '.join(empty[:10])}")
    return ExtractedPdf(
        pages=pages, page_count=page_count, encrypted=encrypted, warnings=warnings, layouts=layouts,
        unreliable_pages=unreliable,
    )


def ocr_unavailable_reason() -> str:
    from ingest.read.ocr import UNAVAILABLE_MESSAGE, tesseract_available

    return "" if tesseract_available() else UNAVAILABLE_MESSAGE


def _try_decrypt(reader: PdfReader, password: str) -> bool:
    try:
        return bool(reader.decrypt(password))
    except Exception as exc:  # e.g. missing AES provider: report, do not crash
        log.warning("decrypt failed: %s", exc)
        return False
