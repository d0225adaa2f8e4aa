"""OCR of pages without a text layer: words and boxes from tesseract land where the text really is.

The ground truth is made here, not mocked: Chromium prints a Dutch HTML page to a text PDF (its
text layer gives each word's true box), that page is rendered to an image-only PDF, and OCR of the
image must find the same words at the same places.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2
import pytest

from ingest.read.layout import Box, Word
from ingest.read.ocr import OcrResult, OcrUnavailable, ocr_page, tesseract_available
from tests.conftest import BAD
from tests.pdf_pages import print_pdf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not tesseract_available(), reason="tesseract met nld ontbreekt: `make ocr` installeert het"),
]

SCAN_DPI = 200
HTML = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><style>
  @page { size: A4; margin: 25mm; }
  body { font-family: "DejaVu Sans", sans-serif; font-size: 14pt; line-height: 1.5; }
  h1 { font-size: 22pt; }
</style></head><body>
<h1>Woonzorgvisie Kennemerland</h1>
<p>Zorggeschikte woningen zijn nultredenwoningen met een drempelvrije toegang.</p>
<p>De gemeenten bouwen tot 2030 ruim driehonderd levensloopbestendige woningen.</p>
<p>Een mantelzorgwoning naast de eigen woning blijft vergunningvrij mogelijk.</p>
<p>Ouderen met dementie wonen bij voorkeur in een beschermde woonvorm.</p>
</body></html>
"""
# Words that occur once on the page and that OCR must read exactly.
DISTINCTIVE = [
    "Woonzorgvisie",
    "Kennemerland",
    "Zorggeschikte",
    "nultredenwoningen",
    "drempelvrije",
    "levensloopbestendige",
    "mantelzorgwoning",
    "vergunningvrij",
    "dementie",
    "woonvorm",
]


@dataclass
class Synthetic:
    truth: list[Word]  # words of the text layer, boxes in points, top-left origin
    ocr: OcrResult  # OCR of the same page rendered to an image-only PDF


def bare(text: str) -> str:
    return re.sub(r"^\W+|\W+$", "", text)


def iou(a: Box, b: Box) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a.width * a.height + b.width * b.height - inter)


def centre_inside(a: Box, b: Box) -> bool:
    cx, cy = (a.x0 + a.x1) / 2, (a.y0 + a.y1) / 2
    return b.x0 <= cx <= b.x1 and b.y0 <= cy <= b.y1


def text_layer_words(page: pypdfium2.PdfPage) -> list[Word]:
    """The page's words from its text layer; pdfium boxes are bottom-left origin, flipped here."""
    height = page.get_size()[1]
    textpage = page.get_textpage()
    words: list[Word] = []
    chars: list[str] = []
    box: Box | None = None
    for i in range(textpage.count_chars() + 1):
        ch = textpage.get_text_range(i, 1) if i < textpage.count_chars() else " "
        if ch.isspace() or not ch:
            if chars and box is not None:
                words.append(Word("".join(chars), box, size=box.height))
            chars, box = [], None
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        char_box = Box(left, height - top, right, height - bottom)
        chars.append(ch)
        box = char_box if box is None else box.union(char_box)
    return words


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synthetic]:
    tmp = tmp_path_factory.mktemp("ocr")
    text_pdf, scan_pdf = print_pdf(HTML, tmp, "text.pdf"), tmp / "scan.pdf"

    text_doc = pypdfium2.PdfDocument(text_pdf)
    truth = text_layer_words(text_doc[0])
    image = text_doc[0].render(scale=SCAN_DPI / 72).to_pil()
    image.save(scan_pdf, "PDF", resolution=SCAN_DPI)

    scan_doc = pypdfium2.PdfDocument(scan_pdf)
    scan_page = scan_doc[0]
    assert scan_page.get_textpage().count_chars() == 0, "the image-only PDF still has a text layer"
    assert scan_page.get_size() == pytest.approx(text_doc[0].get_size(), abs=1.0)
    yield Synthetic(truth, ocr_page(scan_page))
    scan_doc.close()
    text_doc.close()


def test_text_layer_has_the_words(synthetic: Synthetic) -> None:
    # Guards the ground truth itself: every distinctive word once on the page, with a real box.
    texts = [bare(w.text) for w in synthetic.truth]
    for word in DISTINCTIVE:
        assert texts.count(word) == 1, (word, texts)
    assert all(w.box.width > 0 and w.box.height > 0 for w in synthetic.truth)


def test_ocr_reads_the_words(synthetic: Synthetic) -> None:
    texts = [bare(w.text) for w in synthetic.ocr.words]
    missing = [w for w in DISTINCTIVE if w not in texts]
    assert not missing, (missing, texts)
    assert synthetic.ocr.mean_confidence > 70
    assert all(w.confidence is not None and 0 <= w.confidence <= 100 for w in synthetic.ocr.words)


def test_ocr_keeps_reading_order(synthetic: Synthetic) -> None:
    texts = [bare(w.text) for w in synthetic.ocr.words]
    positions = [texts.index(w) for w in DISTINCTIVE if w in texts]
    assert positions == sorted(positions), texts


def test_ocr_boxes_land_on_the_text_layer_boxes(synthetic: Synthetic) -> None:
    truth = {bare(w.text): w for w in synthetic.truth}
    ocr = {bare(w.text): w for w in synthetic.ocr.words}
    for word in DISTINCTIVE:
        t, o = truth[word], ocr[word]
        assert iou(t.box, o.box) > 0.5 or centre_inside(o.box, t.box), (word, t.box, o.box, iou(t.box, o.box))


def test_ocr_estimates_the_font_size(synthetic: Synthetic) -> None:
    # The HTML sets the heading at 22 pt and the body at 14 pt; every word of a line gets its line's size.
    sizes = {bare(w.text): w.size for w in synthetic.ocr.words}
    for word in ("Woonzorgvisie", "Kennemerland"):
        assert sizes[word] == pytest.approx(22, abs=2), (word, sizes[word])
    for word in DISTINCTIVE[2:]:
        assert sizes[word] == pytest.approx(14, abs=1.5), (word, sizes[word])


def test_ocr_of_the_scanned_fixture() -> None:
    doc = pypdfium2.PdfDocument(BAD / "scanned.pdf")
    try:
        page = doc[0]
        assert page.get_textpage().count_chars() == 0  # the reason it needs OCR
        width, height = page.get_size()
        result = ocr_page(page)
    finally:
        doc.close()
    assert len(result.words) > 150
    assert result.mean_confidence > 70
    texts = {bare(w.text) for w in result.words}
    assert {"Raadsvergadering", "Heemskerk", "Beverwijk"} <= texts, sorted(texts)
    for w in result.words:
        assert 0 <= w.box.x0 < w.box.x1 <= width and 0 <= w.box.y0 < w.box.y1 <= height, w
    # Top-left origin: the page header comes before (above) the last words.
    assert result.words[0].box.y0 < result.words[-1].box.y0
    # The raadsvoorstel's body text is 9.5 pt (its text PDF in corpus/ says so).
    sizes = sorted(w.size for w in result.words)
    assert sizes[len(sizes) // 2] == pytest.approx(9.5, abs=1.0)


def test_missing_language_is_ocr_unavailable() -> None:
    doc = pypdfium2.PdfDocument(BAD / "scanned.pdf")
    try:
        with pytest.raises(OcrUnavailable, match="OCR niet beschikbaar: installeer tesseract-ocr en tesseract-ocr-nld"):
            ocr_page(doc[0], lang="xyz")
    finally:
        doc.close()
