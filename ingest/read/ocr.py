"""OCR for pages without a text layer (scans), with Debian's ``tesseract`` as a subprocess.

A scanned page has pages but no characters; rejecting it would silently drop policy text, so
the reader renders such a page and asks tesseract for its words *with their boxes*. The words
come back as ordinary :class:`~ingest.read.layout.Word` objects (PDF points, top-left origin),
so lines, blocks, page text and citation highlights are built exactly as for a text PDF.

Why a subprocess and TSV instead of pytesseract: the TSV output already carries every word's
box and confidence, and one ``subprocess.run`` is all pytesseract would do for us anyway.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.read.layout import Box, Word
from prompts import ingest as P

if TYPE_CHECKING:
    import pypdfium2

TESSERACT = "tesseract"
DEFAULT_TIMEOUT = 180.0  # seconds per page; a 300 dpi A4 page takes a few seconds on 2 cores
# Tesseract boxes the ink. A *word's* box depends on its letters ("woonvorm" is x-height only,
# "Zorggeschikte" spans ascender to descender), so it is a poor font size. The *line's* box spans
# ascenders to descenders of the whole line, which is about one em: measured 0.97-0.99 × the font
# size for 14 and 22 pt DejaVu Sans, and 9.4 pt lines for the 9.5 pt raadsvoorstel scan.
SIZE_PER_LINE_HEIGHT = 1.0


class OcrError(RuntimeError):
    """Tesseract ran but did not give a usable result (crash, timeout, unreadable output)."""


class OcrUnavailable(OcrError):
    """Tesseract or the requested language is not installed; the caller can fall back to 'OCR nodig'."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{P.OCR_UNAVAILABLE_NL}{f' ({detail})' if detail else ''}")


@dataclass
class OcrResult:
    """The words of one page in tesseract's reading order, and how sure tesseract was on average."""

    words: list[Word]
    mean_confidence: float  # 0–100 over the words (conf >= 0); 0.0 when the page has no words


@functools.cache
def _installed_languages() -> frozenset[str]:
    """The languages ``tesseract --list-langs`` reports; empty when tesseract is missing or broken."""
    if shutil.which(TESSERACT) is None:
        return frozenset()
    try:
        proc = subprocess.run([TESSERACT, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    # Older tesseracts print the list on stderr; the first line is a header ("List of available ...").
    lines = (proc.stdout + "\n" + proc.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def tesseract_available() -> bool:
    """Whether OCR can run here: the binary is on PATH and the Dutch model (``nld``) is installed.

    Cached: asked once per process, because the reader asks for every empty page.
    """
    return "nld" in _installed_languages()


def ocr_page(page: pypdfium2.PdfPage, lang: str = "nld", dpi: int = 300, *,
             timeout: float = DEFAULT_TIMEOUT) -> OcrResult:
    """Read one rendered page with tesseract and return its words with boxes in PDF points.

    300 dpi is tesseract's sweet spot for body text; less loses small print, more only costs time.
    Raises :class:`OcrUnavailable` when tesseract or ``lang`` is missing, :class:`OcrError` when it fails.
    """
    missing = [code for code in lang.split("+") if code not in _installed_languages()]
    if missing:
        detail = P.OCR_MISSING_LANGUAGE_NL.format(languages="+".join(missing))
        raise OcrUnavailable(detail if shutil.which(TESSERACT) else "")
    width, height = page.get_size()
    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    # Scale factors from the actual bitmap size: the renderer rounds the pixel size of the page.
    sx, sy = width / image.width, height / image.height
    with tempfile.TemporaryDirectory(prefix="woonzorg-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png, "PNG", dpi=(dpi, dpi), compress_level=1)
        tsv = _run_tesseract(png, lang, dpi, timeout)
    words = _parse_tsv(tsv, sx, sy)
    confidences = [w.confidence for w in words if w.confidence is not None]
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(words, mean)


def _run_tesseract(png: Path, lang: str, dpi: int, timeout: float) -> str:
    """``tesseract <png> stdout -l <lang> --psm 3 tsv``: automatic page segmentation, word boxes as TSV."""
    cmd = [TESSERACT, str(png), "stdout", "-l", lang, "--psm", "3", "--dpi", str(dpi), "tsv"]
    # One OpenMP thread: tesseract's threads busy-wait, and on this 2-core box next to other work
    # 2 threads took 55-90 s per scanned page against 2-3.5 s with 1. The caller's setting wins.
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    except FileNotFoundError as exc:
        raise OcrUnavailable() from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(P.OCR_TIMEOUT_NL.format(seconds=timeout)) from exc
    if proc.returncode != 0:
        raise OcrError(P.OCR_EXIT_CODE_NL.format(code=proc.returncode, stderr=proc.stderr.strip()[-500:]))
    return proc.stdout


def _parse_tsv(tsv: str, sx: float, sy: float) -> list[Word]:
    """Word rows (level 5) in tesseract's order (block, paragraph, line, word), pixels scaled to points.

    Rows with empty text or conf -1 are structure or noise, not words. A word's ``size`` is its
    line's height, but at least the median line height of its paragraph: the last line of a
    paragraph may be one x-height word ("woonvorm.") whose line box is far below the font size.
    """
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE))
    words: list[Word] = []
    try:
        line_heights: dict[tuple[str, ...], float] = {}
        par_heights: dict[tuple[str, ...], list[float]] = {}
        for row in rows:
            if row.get("level") == "4":
                height = int(row["height"]) * sy
                line_heights[_key(row, "line_num")] = height
                par_heights.setdefault(_key(row, "par_num"), []).append(height)
        for row in rows:
            if row.get("level") != "5":
                continue
            text = (row.get("text") or "").strip()
            conf = float(row["conf"])
            if not text or conf < 0:
                continue
            left, top, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            box = Box(left * sx, top * sy, (left + w) * sx, (top + h) * sy)
            pars = sorted(par_heights.get(_key(row, "par_num"), [box.height]))
            line = line_heights.get(_key(row, "line_num"), box.height)
            size = max(line, pars[len(pars) // 2]) * SIZE_PER_LINE_HEIGHT
            words.append(Word(text, box, size=round(size, 1), confidence=conf))
    except (KeyError, TypeError, ValueError) as exc:
        raise OcrError(P.OCR_BAD_OUTPUT_NL.format(problem=exc)) from exc
    return words


def _key(row: dict[str, str], last: str) -> tuple[str, ...]:
    """The row's place in tesseract's hierarchy down to ``last`` (e.g. page, block, paragraph)."""
    fields = ("page_num", "block_num", "par_num", "line_num")
    return tuple(row[f] for f in fields[: fields.index(last) + 1])
