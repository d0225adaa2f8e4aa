"""Open one PDF safely and extract its text page by page.

Every way a file can be unusable maps to one :class:`PdfRejected` reason with a
specific Dutch message, so a batch can report it and carry on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

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
    pages: list[str]
    page_count: int
    encrypted: bool = False
    warnings: list[str] = field(default_factory=list)


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
) -> ExtractedPdf:
    """Extract normalised page texts from ``path`` or raise :class:`PdfRejected`."""
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

    pages: list[str] = []
    limit = min(page_count, max_pages)
    for i in range(limit):
        try:
            raw = reader.pages[i].extract_text() or ""
        except Exception as exc:  # one bad content stream must not lose the document
            log.warning("%s: page %d unreadable: %s", path.name, i + 1, exc)
            warnings.append(f"pagina {i + 1} onleesbaar")
            raw = ""
        pages.append(normalise_page_text(raw))
        if on_page is not None:
            on_page(i + 1, limit)

    total_chars = sum(len(p) for p in pages)
    if total_chars < min_chars_per_page * len(pages):
        raise PdfRejected(
            "ocr_needed",
            f"geen tekstlaag ({total_chars} tekens op {len(pages)} pagina's): OCR nodig",
        )
    empty = [str(i + 1) for i, p in enumerate(pages) if len(p) < min_chars_per_page]
    if empty:
        warnings.append(f"pagina's zonder tekst (OCR nodig?): {', '.join(empty[:10])}")
    return ExtractedPdf(pages=pages, page_count=page_count, encrypted=encrypted, warnings=warnings)


def _try_decrypt(reader: PdfReader, password: str) -> bool:
    try:
        return bool(reader.decrypt(password))
    except Exception as exc:  # e.g. missing AES provider: report, do not crash
        log.warning("decrypt failed: %s", exc)
        return False
