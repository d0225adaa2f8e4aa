"""read_pdf on the broken and hostile fixtures: each failure maps to one reason, good files read fully."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.read.ocr import tesseract_available
from ingest.read.pdf import PdfRejected, normalise_page_text, read_pdf, sniff_format
from tests.conftest import BAD, CORPUS

HANDREIKING = CORPUS / "handreiking-regionaal-afgestemde-woonzorgvisie.pdf"
PASSWORD = "woonzorg2025"


@pytest.fixture(scope="module")
def handreiking_pages() -> list[str]:
    pages = read_pdf(HANDREIKING).pages
    assert len(pages) == 5 and all(pages)
    return pages


def _rejection(path: Path, **kwargs: object) -> PdfRejected:
    with pytest.raises(PdfRejected) as info:
        read_pdf(path, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- rejections -------------------------------------------------------------------------


def test_empty_file_is_rejected_as_empty() -> None:
    exc = _rejection(BAD / "empty.pdf")
    assert exc.reason == "empty"
    assert "0 bytes" in exc.message


def test_png_renamed_to_pdf_is_rejected_by_its_magic_bytes() -> None:
    exc = _rejection(BAD / "not-a-pdf.pdf")
    assert exc.reason == "not_pdf"
    assert "PNG" in exc.message


def test_truncated_pdf_is_rejected_as_corrupt_not_half_indexed() -> None:
    exc = _rejection(BAD / "truncated.pdf")
    assert exc.reason == "corrupt"
    assert "afgekapt" in exc.message


def test_encrypted_pdf_without_password_is_rejected() -> None:
    exc = _rejection(BAD / "encrypted.pdf")
    assert exc.reason == "encrypted"
    assert "wachtwoord" in exc.message


def test_encrypted_pdf_with_a_wrong_password_is_still_rejected() -> None:
    exc = _rejection(BAD / "encrypted.pdf", password="fout-wachtwoord")
    assert exc.reason == "encrypted"


def test_encrypted_pdf_with_the_password_reads_like_the_original(handreiking_pages: list[str]) -> None:
    pdf = read_pdf(BAD / "encrypted.pdf", password=PASSWORD)
    assert pdf.encrypted is True
    assert pdf.page_count == 5
    assert pdf.pages == handreiking_pages
    assert any("versleutelde" in w for w in pdf.warnings)


def test_encrypted_pdf_with_empty_user_password_reads_without_one(handreiking_pages: list[str]) -> None:
    pdf = read_pdf(BAD / "encrypted-nopass.pdf")
    assert pdf.encrypted is True
    assert pdf.page_count == 5
    assert pdf.pages == handreiking_pages


def test_scanned_pdf_without_ocr_asks_for_ocr() -> None:
    exc = _rejection(BAD / "scanned.pdf", ocr=False)
    assert exc.reason == "ocr_needed"
    assert "OCR" in exc.message
    assert "2 pagina's" in exc.message


@pytest.mark.slow
@pytest.mark.skipif(not tesseract_available(), reason="tesseract met nld ontbreekt: `make setup` installeert het")
def test_scanned_pdf_is_read_by_ocr_with_words_and_boxes() -> None:
    pdf = read_pdf(BAD / "scanned.pdf")
    assert [lay.ocr for lay in pdf.layouts] == [True, True]
    assert all((lay.confidence or 0) > 70 for lay in pdf.layouts)
    assert "Heemskerk" in pdf.pages[0] and "OCR op pagina 1, 2" in " ".join(pdf.warnings)
    assert pdf.unreliable_pages == []
    for lay in pdf.layouts:  # every OCR'd word is a slice of the page text, with a box on the page
        for w in lay.words:
            assert lay.text[w.start : w.end] == w.text
            assert 0 <= w.box.x0 < w.box.x1 <= lay.width and 0 <= w.box.y0 < w.box.y1 <= lay.height


@pytest.mark.slow
@pytest.mark.skipif(not tesseract_available(), reason="tesseract met nld ontbreekt: `make setup` installeert het")
def test_ocr_pages_below_the_confidence_floor_are_flagged() -> None:
    pdf = read_pdf(BAD / "scanned.pdf", ocr_min_confidence=99.5)
    assert pdf.unreliable_pages == [1, 2]
    assert any("OCR te onzeker" in w and "niet gebruikt voor antwoorden" in w for w in pdf.warnings)


# -- good files -------------------------------------------------------------------------


def test_unencrypted_duplicate_reads_as_plain_pdf(handreiking_pages: list[str]) -> None:
    pdf = read_pdf(BAD / "duplicate.pdf")
    assert pdf.encrypted is False
    assert pdf.warnings == []
    assert pdf.pages == handreiking_pages


def test_huge_pdf_reads_every_page_and_reports_progress_per_page() -> None:
    calls: list[tuple[int, int]] = []
    pdf = read_pdf(BAD / "huge-pages.pdf", on_page=lambda done, total: calls.append((done, total)))
    assert pdf.page_count == 400
    assert len(pdf.pages) == 400
    assert pdf.warnings == []
    assert sum(len(p) for p in pdf.pages) > 700_000
    assert len(calls) == 400
    assert calls == [(i, 400) for i in range(1, 401)]
    assert calls[-1] == (400, 400)


def test_page_limit_stops_early_with_a_visible_warning() -> None:
    calls: list[tuple[int, int]] = []
    pdf = read_pdf(BAD / "huge-pages.pdf", max_pages=50, on_page=lambda done, total: calls.append((done, total)))
    assert len(pdf.pages) == 50
    assert pdf.page_count == 400  # the real size is still known
    assert calls[-1] == (50, 50)
    assert len(pdf.warnings) == 1
    warning = pdf.warnings[0]
    assert "limiet" in warning
    assert "50" in warning and "400" in warning


# -- helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None),
        (b"\x00\x00garbage before the header %PDF-1.4\n", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04\x14\x00", "ZIP/Office (docx, xlsx)"),
        (b"  <!DOCTYPE html><html>", "HTML"),
        (b"just some text", "onbekend formaat"),
    ],
)
def test_sniff_format(head: bytes, expected: str | None) -> None:
    assert sniff_format(head) == expected


def test_sniff_format_on_the_fixture_files() -> None:
    assert sniff_format((BAD / "not-a-pdf.pdf").read_bytes()[:1024]) == "PNG"
    assert sniff_format((BAD / "truncated.pdf").read_bytes()[:1024]) is None
    assert sniff_format((BAD / "duplicate.pdf").read_bytes()[:1024]) is None


def test_normalise_page_text_keeps_line_breaks_and_collapses_spaces() -> None:
    raw = "  Eerste   regel\t\tmet\u00a0tab  \r\n\r\n   tweede \u2002 regel\x00\rderde\n"
    assert normalise_page_text(raw) == "Eerste regel met tab\ntweede regel\nderde"


def test_normalised_page_text_is_stable() -> None:
    text = "a  b\n\n c\t d \n"
    once = normalise_page_text(text)
    assert once == "a b\nc d"
    assert normalise_page_text(once) == once
